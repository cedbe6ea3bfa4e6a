/* SPDX-License-Identifier: MIT */
/*
 * Private to memory/: the per-page metadata (struct page, one per physical
 * page frame of RAM) and the interfaces between the page allocator (buddy),
 * the slab allocator and the rest of memory/. Pure declarations: the buddy
 * and slab logic that uses them also builds for host unit tests.
 */
#pragma once

#include <xdv/types.h>

typedef uint64_t pfn_t; /* physical page frame number: address >> 12 */

#define BUDDY_MAX_ORDER 10 /* largest block: 2^10 pages = 4 MiB */
#define BUDDY_ORDERS    (BUDDY_MAX_ORDER + 1)

/* struct page.flags */
#define PG_RESERVED  (1u << 0) /* not RAM, or RAM the allocator never hands out */
#define PG_FREE      (1u << 1) /* head of a free buddy block of page.order */
#define PG_SLAB      (1u << 2) /* first page of a slab: owner is its slab header */
#define PG_LARGE     (1u << 3) /* first page of a kmalloc beyond the slab sizes */
#define PG_ALLOCATED (1u << 4) /* head of an allocated block of page.order */
#define PG_CACHED    (1u << 5) /* free single page held by pmm.c's page cache */
#define PG_USER      (1u << 6) /* user page: refcount counts its mappings (page_ref.c) */

struct page {
	struct page *next, *prev; /* buddy free list, or the slab's cache list */
	uint32_t flags;           /* PG_* */
	uint8_t order;            /* block order (free or allocated heads) */
	uint8_t zone;             /* index of the zone that owns the page */
	uint8_t poisoned;         /* DEBUG: freed and filled with PAGE_POISON (page_poison.c);
				   * the buddy logic never touches it */
	uint8_t reserved_;
	union {
		void *owner;      /* PG_SLAB: the slab header; otherwise NULL */
		uint64_t refcount; /* PG_USER: references (atomic), 0 again when freed */
	};
};
static_assert(sizeof(struct page) == 32, "struct page stays small: one per 4 KiB");

/* A doubly linked list of pages (a buddy free list or a slab list). */
struct page_list {
	struct page *head;
	uint64_t count;
};

/*
 * A zone: a contiguous run of page frames with one buddy allocator.
 * pages[i] describes frame base_pfn + i. Frames that are not usable RAM
 * stay PG_RESERVED forever.
 */
struct buddy_zone {
	const char *name;
	pfn_t base_pfn;
	uint64_t npages;
	struct page *pages;
	struct page_list free[BUDDY_ORDERS];
	uint64_t free_pages;    /* pages in free blocks */
	uint64_t managed_pages; /* pages ever given to the allocator */
	uint64_t bad_frees;     /* buddy_free() calls refused: double or wrong-order frees */
};

/*
 * Set up z over npages frames from base_pfn, with metadata array pages
 * (npages entries, written here). Every frame starts PG_RESERVED: nothing
 * is free until buddy_free_range() releases it.
 */
void buddy_zone_init(struct buddy_zone *z, const char *name, struct page *pages,
		     pfn_t base_pfn, uint64_t npages, uint8_t zone_index);

/*
 * Give frames [pfn, pfn + count) to the allocator as free RAM, in the
 * largest naturally aligned blocks that fit, merged with free neighbours.
 * Frames outside the zone are ignored. Context: boot.
 */
void buddy_free_range(struct buddy_zone *z, pfn_t pfn, uint64_t count);

/*
 * A naturally aligned block of 2^order frames, marked PG_ALLOCATED with
 * its order on the head page; NULL when no block that large is free or
 * order > BUDDY_MAX_ORDER.
 */
struct page *buddy_alloc(struct buddy_zone *z, unsigned order);

/*
 * Return a block from buddy_alloc (same order), merging with its buddies.
 * A call that cannot be right (head NULL or not a page of z, not an
 * allocated head, order differs from the allocation's) changes nothing
 * but z->bad_frees.
 */
void buddy_free(struct buddy_zone *z, struct page *head, unsigned order);

/* Frame number of a page of z, and the page of a frame (NULL if outside z). */
pfn_t buddy_page_to_pfn(const struct buddy_zone *z, const struct page *p);
struct page *buddy_pfn_to_page(struct buddy_zone *z, pfn_t pfn);

/*
 * Consistency walk for tests and DEBUG builds: every free list entry is a
 * PG_FREE head of the right order, aligned, inside the zone, not
 * overlapping another, and the counts add up. Return: 0 or -EINVAL.
 */
int buddy_check(const struct buddy_zone *z);

/* ---- physical memory ranges (memory/memmap.c) -------------------------- */

struct phys_range {
	uint64_t start, end; /* [start, end), bytes */
};

struct boot_mmap_entry;

/*
 * The usable RAM in a boot memory map: entries may come in any order and
 * overlap; a byte is usable only if some AVAILABLE entry covers it and no
 * entry of another type does, it lies below max_phys, and it is in none of
 * the reserved ranges (kernel image, boot information, modules). Each
 * result range is shrunk to whole pages; results are sorted and merged.
 * Return: number of ranges written to out (at most max_out), or -E2BIG when
 * more were needed (out then holds the first max_out).
 */
int memmap_usable(const struct boot_mmap_entry *map, unsigned n,
		  const struct phys_range *reserved, unsigned nreserved,
		  uint64_t max_phys, struct phys_range *out, unsigned max_out);

/* ---- what the slab allocator needs from below (memory/slab.c) ---------- */

/*
 * 2^order physically contiguous pages, naturally aligned, as a kernel
 * virtual address; NULL when out of memory. The kernel implements these
 * with the buddy zones and the direct map; host tests with a fake.
 */
void *slab_backend_alloc(unsigned order);
void slab_backend_free(void *addr, unsigned order);
/* The struct page of the frame holding addr (any address inside it). */
struct page *slab_backend_page(const void *addr);
