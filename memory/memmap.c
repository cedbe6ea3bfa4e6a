// SPDX-License-Identifier: MIT
/*
 * Usable RAM from the boot memory map: memmap_usable() turns the loader's
 * list of typed ranges (include/xdv/boot.h) plus the kernel's own list of
 * ranges that must survive (image, boot information, modules) into sorted,
 * merged, page-aligned ranges that memory/pmm.c gives to the buddy zones.
 *
 * The map comes from firmware and is treated as hostile: entries can be in
 * any order, overlap, repeat, have zero length or a length that runs past
 * 2^64. The rule is per byte: a byte is usable when an AVAILABLE entry
 * covers it, no entry of any other type does (reserved wins, whatever the
 * order of the entries), no reserved range does, and it lies below
 * max_phys. A page is usable when all its bytes are.
 *
 * This runs before any allocator exists, so there is no scratch array to
 * sort into: a sweep walks the address space from one boundary (an entry's
 * or a reserved range's start or end) to the next, found by a linear scan,
 * and classifies each stretch between two boundaries, which is covered
 * uniformly. O((n + nreserved)^2) time and O(1) space; n is at most
 * BOOT_MMAP_MAX (128).
 *
 * Pure logic: no printing, no globals, no assembly; built for host unit
 * tests too. Locks: none; the caller owns out.
 */
#include <xdv/boot.h>
#include <xdv/errno.h>
#include "page.h"

#define MEMMAP_PAGE_SIZE 4096ull

/* End of a map entry, saturated at 2^64 - 1 when base + length overflows. */
static uint64_t memmap_entry_end(const struct boot_mmap_entry *e)
{
	return e->length > UINT64_MAX - e->base ? UINT64_MAX : e->base + e->length;
}

/*
 * End of a reserved range. One that ends before it starts can only be a
 * wrapped or corrupt computation: it is taken to run to the end of the
 * address space, because keeping memory out is the safe mistake.
 */
static uint64_t memmap_reserved_end(const struct phys_range *r)
{
	return r->end < r->start ? UINT64_MAX : r->end;
}

/* Lower next to b when cur < b < next. */
static inline void memmap_consider(uint64_t b, uint64_t cur, uint64_t *next)
{
	if (b > cur && b < *next)
		*next = b;
}

/* The first boundary above cur, or limit when there is none below it. */
static uint64_t memmap_next_boundary(const struct boot_mmap_entry *map, unsigned n,
				     const struct phys_range *reserved, unsigned nreserved,
				     uint64_t cur, uint64_t limit)
{
	uint64_t next = limit;

	for (unsigned i = 0; i < n; i++) {
		if (!map[i].length)
			continue;
		memmap_consider(map[i].base, cur, &next);
		memmap_consider(memmap_entry_end(&map[i]), cur, &next);
	}
	for (unsigned i = 0; i < nreserved; i++) {
		memmap_consider(reserved[i].start, cur, &next);
		memmap_consider(memmap_reserved_end(&reserved[i]), cur, &next);
	}
	return next;
}

/* Whether byte x is usable RAM (ignoring max_phys, which the sweep applies). */
static bool memmap_is_usable(const struct boot_mmap_entry *map, unsigned n,
			     const struct phys_range *reserved, unsigned nreserved,
			     uint64_t x)
{
	bool available = false;

	for (unsigned i = 0; i < nreserved; i++)
		if (x >= reserved[i].start && x < memmap_reserved_end(&reserved[i]))
			return false;
	for (unsigned i = 0; i < n; i++) {
		if (!map[i].length || x < map[i].base || x >= memmap_entry_end(&map[i]))
			continue;
		if (map[i].type != BOOT_MMAP_AVAILABLE)
			return false;
		available = true;
	}
	return available;
}

/*
 * Shrink the usable bytes [start, end) to whole pages and append them to
 * out (counting, but not writing, beyond max_out).
 */
static void memmap_emit(uint64_t start, uint64_t end, struct phys_range *out,
			unsigned max_out, unsigned *count)
{
	uint64_t first, last;

	if (start > UINT64_MAX - (MEMMAP_PAGE_SIZE - 1))
		return; /* no page boundary above start */
	first = ALIGN_UP(start, MEMMAP_PAGE_SIZE);
	last = ALIGN_DOWN(end, MEMMAP_PAGE_SIZE);
	if (first >= last)
		return;
	if (*count < max_out)
		out[*count] = (struct phys_range){ first, last };
	(*count)++;
}

/*
 * Compute the usable RAM of a boot memory map; see memory/page.h for the
 * contract. Merging is on bytes, before the shrink to pages, so that two
 * AVAILABLE entries meeting in the middle of a page still yield that page.
 * Context: boot (no allocation, bounded stack). Locks: none.
 * Return: the number of ranges in out, or -E2BIG when more than max_out
 * were needed (out holds the first max_out).
 */
int memmap_usable(const struct boot_mmap_entry *map, unsigned n,
		  const struct phys_range *reserved, unsigned nreserved,
		  uint64_t max_phys, struct phys_range *out, unsigned max_out)
{
	unsigned count = 0;
	uint64_t cur = 0;
	uint64_t run_start = 0;
	bool in_run = false;

	if (!map)
		n = 0;
	if (!reserved)
		nreserved = 0;

	/* Each stretch [cur, next) lies between two boundaries: uniform. */
	while (cur < max_phys && count <= max_out) {
		uint64_t next = memmap_next_boundary(map, n, reserved, nreserved, cur, max_phys);
		bool usable = memmap_is_usable(map, n, reserved, nreserved, cur);

		if (usable && !in_run) {
			run_start = cur;
			in_run = true;
		} else if (!usable && in_run) {
			memmap_emit(run_start, cur, out, max_out, &count);
			in_run = false;
		}
		cur = next;
	}
	if (in_run)
		memmap_emit(run_start, cur, out, max_out, &count);
	return count > max_out ? -E2BIG : (int)count;
}
