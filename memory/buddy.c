// SPDX-License-Identifier: MIT
/*
 * The buddy page allocator: one struct buddy_zone per contiguous run of page
 * frames, handing out naturally aligned blocks of 2^order frames (order 0 to
 * BUDDY_MAX_ORDER). memory/pmm.c builds the zones from the boot memory map
 * and wraps them as pmm_alloc_pages()/pmm_free_pages().
 *
 * Blocks are aligned in absolute frame numbers, not relative to the zone, so
 * the buddy of the block at frame P of order k is always P ^ (1 << k) and a
 * block is never split across a larger alignment boundary. A zone that does
 * not start on such a boundary simply has smaller blocks at its edges: a
 * buddy outside the zone, or one that is PG_RESERVED, is never free and so
 * never merges.
 *
 * Page states (struct page.flags):
 *   PG_RESERVED            not managed: a hole, or never released;
 *   PG_FREE, .order        head of a free block, on free[order];
 *   PG_ALLOCATED, .order   head of an allocated block (users may OR in
 *                          PG_SLAB or PG_LARGE; buddy_free clears them);
 *   none of these three    a tail page of a free or allocated block.
 * Free lists are doubly linked through page.next/prev (NULL-terminated), so
 * taking a buddy off its list when merging is O(1); alloc and free touch at
 * most BUDDY_MAX_ORDER + 1 list heads and never scan pages.
 *
 * buddy_free refuses anything it can tell is wrong (a double free, a wrong
 * order, a pointer that is not an allocated head of the zone) without
 * touching the zone, and counts it in bad_frees for the caller to report.
 *
 * Pure logic: no printing, no globals, no assembly; built for host unit
 * tests too. Locks: none here; the caller serialises calls on a zone
 * (memory/pmm.c: one lock per zone, taken with interrupts saved).
 */
#include <xdv/errno.h>
#include <xdv/string.h>
#include "page.h"

#define BUDDY_HEAD_BITS (PG_RESERVED | PG_FREE | PG_ALLOCATED)

static inline uint64_t buddy_pages(unsigned order)
{
	return 1ull << order;
}

static inline struct page *buddy_page(const struct buddy_zone *z, pfn_t pfn)
{
	return &z->pages[pfn - z->base_pfn];
}

static inline bool buddy_pfn_in_zone(const struct buddy_zone *z, pfn_t pfn)
{
	return pfn >= z->base_pfn && pfn - z->base_pfn < z->npages;
}

/* Index of p in z->pages, or -1 when p is not exactly one of its entries. */
static int64_t buddy_page_index(const struct buddy_zone *z, const struct page *p)
{
	uintptr_t base = (uintptr_t)z->pages;
	uintptr_t addr = (uintptr_t)p;
	uintptr_t off;

	if (!p || addr < base)
		return -1;
	off = addr - base;
	if (off % sizeof(struct page) || off / sizeof(struct page) >= z->npages)
		return -1;
	return (int64_t)(off / sizeof(struct page));
}

static inline void buddy_list_add(struct page_list *l, struct page *p)
{
	p->prev = NULL;
	p->next = l->head;
	if (l->head)
		l->head->prev = p;
	l->head = p;
	l->count++;
}

static inline void buddy_list_del(struct page_list *l, struct page *p)
{
	if (p->prev)
		p->prev->next = p->next;
	else
		l->head = p->next;
	if (p->next)
		p->next->prev = p->prev;
	p->next = p->prev = NULL;
	l->count--;
}

/*
 * Put the block of 2^order frames at pfn on the free lists, first merging it
 * with its buddy as long as that buddy is a free block of the same order.
 * The block's pages must carry none of BUDDY_HEAD_BITS; free_pages is the
 * caller's business.
 */
static void buddy_merge_insert(struct buddy_zone *z, pfn_t pfn, unsigned order)
{
	struct page *head;

	while (order < BUDDY_MAX_ORDER) {
		pfn_t buddy_pfn = pfn ^ buddy_pages(order);
		struct page *buddy;

		if (!buddy_pfn_in_zone(z, buddy_pfn))
			break;
		buddy = buddy_page(z, buddy_pfn);
		if (buddy->flags != PG_FREE || buddy->order != order)
			break;
		buddy_list_del(&z->free[order], buddy);
		buddy->flags = 0;
		buddy->order = 0;
		pfn &= ~buddy_pages(order);
		order++;
	}
	head = buddy_page(z, pfn);
	head->flags = PG_FREE;
	head->order = (uint8_t)order;
	head->owner = NULL;
	buddy_list_add(&z->free[order], head);
}

/*
 * Set up a zone with every frame reserved.
 * Context: boot, or a test. Locks: none (z is not shared yet).
 */
void buddy_zone_init(struct buddy_zone *z, const char *name, struct page *pages,
		     pfn_t base_pfn, uint64_t npages, uint8_t zone_index)
{
	memset(z, 0, sizeof(*z));
	z->name = name;
	z->base_pfn = base_pfn;
	z->npages = npages;
	z->pages = pages;
	for (uint64_t i = 0; i < npages; i++)
		pages[i] = (struct page){ .flags = PG_RESERVED, .zone = zone_index };
}

/* Release [start, end), all PG_RESERVED frames of z, in aligned blocks. */
static void buddy_release_run(struct buddy_zone *z, pfn_t start, pfn_t end)
{
	while (start < end) {
		unsigned order = BUDDY_MAX_ORDER;
		uint64_t n;

		if (start)
			order = MIN((unsigned)__builtin_ctzll(start), order);
		while (buddy_pages(order) > end - start)
			order--;
		n = buddy_pages(order);
		for (uint64_t i = 0; i < n; i++) {
			struct page *p = buddy_page(z, start + i);

			p->flags = 0;
			p->order = 0;
			p->next = p->prev = NULL;
			p->owner = NULL;
		}
		z->managed_pages += n;
		z->free_pages += n;
		buddy_merge_insert(z, start, order);
		start += n;
	}
}

/*
 * Hand frames to the allocator. Frames outside z are ignored, and so are
 * frames that are already managed (releasing twice is harmless): only
 * PG_RESERVED frames are released. Runs as the largest aligned blocks
 * that fit, each merged with free neighbours.
 * Context: boot. Locks: the caller serialises calls on z.
 */
void buddy_free_range(struct buddy_zone *z, pfn_t pfn, uint64_t count)
{
	pfn_t zone_end = z->base_pfn + z->npages;
	pfn_t start = MAX(pfn, z->base_pfn);
	pfn_t end = count > UINT64_MAX - pfn ? UINT64_MAX : pfn + count;

	end = MIN(end, zone_end);
	while (start < end) {
		pfn_t run_end;

		if (!(buddy_page(z, start)->flags & PG_RESERVED)) {
			start++;
			continue;
		}
		run_end = start + 1;
		while (run_end < end && (buddy_page(z, run_end)->flags & PG_RESERVED))
			run_end++;
		buddy_release_run(z, start, run_end);
		start = run_end;
	}
}

/*
 * Take a free block of 2^order frames: the smallest free block that is
 * large enough, split in halves whose upper parts go back on the lists.
 * Context: any. Locks: the caller serialises calls on z.
 * Return: the head page (PG_ALLOCATED, .order = order), or NULL.
 */
struct page *buddy_alloc(struct buddy_zone *z, unsigned order)
{
	struct page *p;
	unsigned o = order;

	if (order > BUDDY_MAX_ORDER)
		return NULL;
	while (!z->free[o].head)
		if (++o > BUDDY_MAX_ORDER)
			return NULL;
	p = z->free[o].head;
	buddy_list_del(&z->free[o], p);
	while (o > order) {
		struct page *half;

		o--;
		half = p + buddy_pages(o);
		half->flags = PG_FREE;
		half->order = (uint8_t)o;
		half->owner = NULL;
		buddy_list_add(&z->free[o], half);
	}
	p->flags = PG_ALLOCATED;
	p->order = (uint8_t)order;
	p->owner = NULL;
	z->free_pages -= buddy_pages(order);
	return p;
}

/*
 * Give back a block from buddy_alloc(z, order), merged as far as it goes.
 * Refused, with z unchanged but for bad_frees, when head is not a page of
 * z, not an allocated block head (a double free), or was allocated with
 * another order.
 * Context: any. Locks: the caller serialises calls on z.
 */
void buddy_free(struct buddy_zone *z, struct page *head, unsigned order)
{
	int64_t idx = buddy_page_index(z, head);
	pfn_t pfn;

	if (idx < 0 || order > BUDDY_MAX_ORDER || !(head->flags & PG_ALLOCATED) ||
	    (head->flags & (PG_FREE | PG_RESERVED)) || head->order != order) {
		z->bad_frees++;
		return;
	}
	pfn = z->base_pfn + (uint64_t)idx;
	if (!IS_ALIGNED(pfn, buddy_pages(order)) ||
	    buddy_pages(order) > z->npages - (uint64_t)idx) {
		z->bad_frees++; /* a corrupt head: an allocation is never like this */
		return;
	}
	head->flags = 0;
	head->order = 0;
	head->next = head->prev = NULL;
	z->free_pages += buddy_pages(order);
	buddy_merge_insert(z, pfn, order);
}

/*
 * Frame number of p, which must be a page of z.
 * Context: any. Locks: none.
 */
pfn_t buddy_page_to_pfn(const struct buddy_zone *z, const struct page *p)
{
	return z->base_pfn + (pfn_t)(p - z->pages);
}

/*
 * The page of frame pfn.
 * Context: any. Locks: none. Return: the page, or NULL outside z.
 */
struct page *buddy_pfn_to_page(struct buddy_zone *z, pfn_t pfn)
{
	return buddy_pfn_in_zone(z, pfn) ? buddy_page(z, pfn) : NULL;
}

/* Walk free[order]: well-linked, every entry a valid free head of order. */
static int buddy_check_list(const struct buddy_zone *z, unsigned order,
			    uint64_t *pages_out)
{
	const struct page_list *l = &z->free[order];
	const struct page *prev = NULL;
	uint64_t n = 0;

	for (const struct page *p = l->head; p; prev = p, p = p->next) {
		int64_t idx = buddy_page_index(z, p);

		if (idx < 0 || n >= l->count || n >= z->npages)
			return -EINVAL; /* foreign pointer, or longer than counted (a cycle) */
		if (p->prev != prev || p->flags != PG_FREE || p->order != order)
			return -EINVAL;
		if (!IS_ALIGNED(z->base_pfn + (uint64_t)idx, buddy_pages(order)) ||
		    buddy_pages(order) > z->npages - (uint64_t)idx)
			return -EINVAL;
		n++;
	}
	if (n != l->count)
		return -EINVAL;
	*pages_out += n << order;
	return 0;
}

/*
 * Check the whole zone: the free lists (see buddy_check_list), then every
 * page in address order, which must tile into reserved frames and aligned
 * free or allocated blocks whose tail pages carry no state of their own;
 * free blocks are fully merged (no free buddy of the same order); and
 * free_pages, managed_pages and the list counts agree with the pages.
 * O(npages): for tests and debug builds.
 * Context: any. Locks: the caller serialises calls on z.
 * Return: 0, or -EINVAL at the first inconsistency.
 */
int buddy_check(const struct buddy_zone *z)
{
	uint64_t list_pages = 0, list_heads = 0;
	uint64_t free_pages = 0, managed = 0, free_heads = 0;

	for (unsigned o = 0; o <= BUDDY_MAX_ORDER; o++) {
		if (buddy_check_list(z, o, &list_pages))
			return -EINVAL;
		list_heads += z->free[o].count;
	}

	for (uint64_t i = 0; i < z->npages;) {
		const struct page *p = &z->pages[i];
		pfn_t pfn = z->base_pfn + i;
		uint32_t state = p->flags & BUDDY_HEAD_BITS;
		uint64_t n;

		if (state == PG_RESERVED) {
			i++;
			continue;
		}
		if ((state != PG_FREE && state != PG_ALLOCATED) || p->order > BUDDY_MAX_ORDER)
			return -EINVAL; /* an orphan tail, or mixed states */
		n = buddy_pages(p->order);
		if (!IS_ALIGNED(pfn, n) || n > z->npages - i)
			return -EINVAL;
		for (uint64_t t = 1; t < n; t++)
			if (z->pages[i + t].flags & BUDDY_HEAD_BITS)
				return -EINVAL;
		if (state == PG_FREE) {
			pfn_t buddy_pfn = pfn ^ n;

			if (p->order < BUDDY_MAX_ORDER && buddy_pfn_in_zone(z, buddy_pfn)) {
				const struct page *b = &z->pages[buddy_pfn - z->base_pfn];

				if (b->flags == PG_FREE && b->order == p->order)
					return -EINVAL; /* two free buddies: a missed merge */
			}
			free_pages += n;
			free_heads++;
		}
		managed += n;
		i += n;
	}
	if (free_heads != list_heads || free_pages != list_pages ||
	    free_pages != z->free_pages || managed != z->managed_pages)
		return -EINVAL;
	return 0;
}
