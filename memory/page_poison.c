// SPDX-License-Identifier: MIT
/*
 * Use-after-free checks for whole pages, in the DEBUG build (make DEBUG=1):
 * memory/pmm.c fills every page it takes back with PAGE_POISON and marks
 * its struct page; when a marked page is handed out again, its contents
 * are compared with the poison before the new owner sees them. A page
 * that was written while it was free (through a stale pointer, or a
 * mapping that outlived the free) is reported naming the page, the first
 * changed byte and the code that allocated it now, with a backtrace; the
 * allocation then goes on as usual (the new owner gets the page, zeroed if
 * it asked for that). The heap's own objects have their own poison and red
 * zones (memory/slab_debug.c).
 *
 * Only pages freed since boot carry the mark, so memory never used costs
 * nothing; a freed page costs one 4 KiB fill and, on reuse, one 4 KiB
 * compare. A release kernel compiles all of this away (IS_ENABLED).
 *
 * Locks: page_poison_fill runs under pmm_lock (the free has been checked
 * there, so a double free never scribbles on a page someone else owns);
 * page_poison_check runs after the allocation with no lock: the pages and
 * their marks belong to the caller by then.
 */
#define pr_fmt(fmt) "mm: " fmt
#include <xdv/panic.h>
#include <xdv/printk.h>
#include <xdv/string.h>
#include <xdv/arch/x86.h>
#include "internal.h"

#define POISON_WORD (PAGE_POISON * 0x0101010101010101ULL)

static uint64_t poison_errors; /* atomic */

void page_poison_fill(paddr_t pa, struct page *first, unsigned order)
{
	memset(phys_to_virt(pa), PAGE_POISON, PAGE_SIZE << order);
	for (uint64_t i = 0; i < (1ULL << order); i++)
		first[i].poisoned = 1;
}

/* Report the page at pa, whose words are not all POISON_WORD. */
static void poison_report(paddr_t pa, const void *caller)
{
	const uint8_t *b = phys_to_virt(pa);
	unsigned first = PAGE_SIZE, changed = 0;
	uintptr_t off;
	const char *name = ksym_lookup((uintptr_t)caller, &off);
	char who[96];

	for (unsigned i = 0; i < PAGE_SIZE; i++) {
		if (b[i] == PAGE_POISON)
			continue;
		if (first == PAGE_SIZE)
			first = i;
		changed++;
	}
	if (name)
		snprintf(who, sizeof(who), "%s+0x%lx", name, off);
	else
		snprintf(who, sizeof(who), "%p", caller);
	__atomic_fetch_add(&poison_errors, 1, __ATOMIC_RELAXED);
	pr_err("page 0x%lx was written after it was freed: %u bytes changed, "
	       "first +0x%x = 0x%02x (poison 0x%02x); allocated again by %s\n",
	       pa, changed, first, first < PAGE_SIZE ? b[first] : 0, PAGE_POISON, who);
	backtrace_print(0, read_rbp());
}

void page_poison_check(paddr_t pa, struct page *first, unsigned order, const void *caller)
{
	for (uint64_t i = 0; i < (1ULL << order); i++) {
		paddr_t page = pa + i * PAGE_SIZE;
		const uint64_t *w = phys_to_virt(page);
		uint64_t diff = 0;

		if (!first[i].poisoned)
			continue;
		first[i].poisoned = 0;
		for (unsigned k = 0; k < PAGE_SIZE / 8; k++)
			diff |= w[k] ^ POISON_WORD;
		if (diff)
			poison_report(page, caller);
	}
}

uint64_t page_poison_errors(void)
{
	return __atomic_load_n(&poison_errors, __ATOMIC_RELAXED);
}
