// SPDX-License-Identifier: MIT
/*
 * The kernel's side of the heap's hooks (host unit tests supply their own):
 * the heap lock, and how heap misuse that memory/slab.c detects is
 * reported: a kernel
 * error message naming the code involved as function+offset, then a
 * backtrace of the current call chain. The heap refuses the bad operation
 * and goes on; these are bugs to fix, not reasons to stop.
 *
 * Locks: none; called with the heap's state consistent.
 */
#define pr_fmt(fmt) "slab: " fmt
#include <xdv/panic.h>
#include <xdv/printk.h>
#include <xdv/spinlock.h>
#include <xdv/arch/x86.h>
#include "slab.h"

static struct spinlock heap_lock = SPINLOCK_INIT("heap");

uint64_t slab_lock(void)
{
	return spin_lock_irqsave(&heap_lock);
}

void slab_unlock(uint64_t irq)
{
	spin_unlock_irqrestore(&heap_lock, irq);
}

/* "name+0xoff" for a code address, into buf. */
static const char *code_name(const void *addr, char *buf, size_t size)
{
	uintptr_t off;
	const char *name = ksym_lookup((uintptr_t)addr, &off);

	if (name)
		snprintf(buf, size, "%s+0x%lx", name, off);
	else
		snprintf(buf, size, "%p", addr);
	return buf;
}

void slab_report_bad_free(const char *what, const void *ptr, const void *caller)
{
	char who[96];

	pr_err("%s: %p, freed by %s\n", what, ptr, code_name(caller, who, sizeof(who)));
	backtrace_print(0, read_rbp());
}

void slab_report_corruption(const char *what, const void *obj, const void *bad,
			    const void *alloc_caller, const void *free_caller)
{
	char alloc[96], freer[96];

	pr_err("%s: object %p, first bad byte at %p (+%ld)\n", what, obj, bad,
	       (long)((const char *)bad - (const char *)obj));
	pr_err("  allocated by %s, freed by %s\n",
	       alloc_caller ? code_name(alloc_caller, alloc, sizeof(alloc)) : "(unknown)",
	       free_caller ? code_name(free_caller, freer, sizeof(freer)) : "(unknown)");
	backtrace_print(0, read_rbp());
}
