/* SPDX-License-Identifier: MIT */
/*
 * Private to memory/vmalloc.c and memory/vmalloc_lazy.c: the area
 * descriptor and how the lazy purge ends an area.
 */
#pragma once

#include <xdv/mm.h>

/*
 * The purge list holds at most this many areas (and lazy_max pages).
 * Each lazily freed area stays in the area list that vfree walks
 * (O(areas)), and a purge frees all their pages at once: past the page allocator's cache of 64 single pages they go back
 * to the buddy lists and are split again by the next vmallocs. Measured
 * (vmalloc_vfree_16k under -icount, 4,904 ns with an IPI per vfree):
 * thousands of waiting areas 30,484 ns; 32 areas 5,505 ns; 16 areas
 * 4,895 ns. A faster area structure (a tree) lets this grow.
 */
#define LAZY_MAX_AREAS 16

enum vm_area_kind {
	VM_AREA_PAGES,   /* vmalloc: pages owned by the area */
	VM_AREA_IOREMAP, /* device memory: pages not ours */
};

struct vm_area {
	vaddr_t start;   /* the guard page; the mapping starts a page above */
	size_t mapped;   /* bytes mapped after the guard */
	enum vm_area_kind kind;
	bool freeing;    /* claimed by a vfree/iounmap; vm_lock */
	bool purged;     /* its lazy vfree is over: unlink it; set before vm_lock */
	struct vm_area *next; /* vm_lock */
	struct vm_area *lazy_next; /* on the purge list; vmalloc_lazy.c's lazy_lock */
	paddr_t pages[]; /* VM_AREA_PAGES: frame of each page, 0 until mapped */
};

/* Where the area's mapping begins (a page above its guard page). */
vaddr_t vm_area_base(const struct vm_area *a);

/*
 * Free the pages of the claimed areas on list (linked by lazy_next), then
 * release their ranges (one pass over the area list) and descriptors.
 * Only once no CPU can hold a translation of them any more.
 */
void vm_area_finish_list(struct vm_area *list);

/*
 * Put a claimed area, unmapped by paging_unmap_lazy, on the purge list;
 * purge when the list holds more than the threshold. Context: any but NMI.
 */
void vmalloc_lazy_add(struct vm_area *a);

/* Set the threshold from the RAM and CPUs there are. Context: boot. */
void vmalloc_lazy_init(void);

/*
 * Tests: purge when more than pages are held lazily (0: back to the
 * default). Return: the threshold it replaces (0 if it was the default).
 */
size_t vmalloc_lazy_set_max(size_t pages);
