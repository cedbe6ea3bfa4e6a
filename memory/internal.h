/* SPDX-License-Identifier: MIT */
/*
 * Private to memory/: how its files reach each other. Nothing outside
 * memory/ includes this (the public face is include/xdv/mm.h).
 */
#pragma once

#include <xdv/mm.h>
#include "page.h"

/* Physical address of the PML4 that memory/paging.c edits (and CR3 holds). */
extern paddr_t kernel_root;

/*
 * A zeroed page for a page table: from the early allocator until the buddy
 * zones are up, from them afterwards. Return: its physical address, or 0.
 */
paddr_t mm_table_alloc(void);
void mm_table_free(paddr_t pa);

/* Program the PAT (WB, WC, UC-, UC). Context: boot, each CPU. */
void paging_pat_init(void);

/* Map with 1 GiB pages (direct map only): no checks, no TLB flush. */
int paging_map_huge(vaddr_t va, paddr_t pa, size_t size, unsigned flags);

/* ---- lazy unmap: the parts memory/vmalloc_lazy.c builds on ---------------- */

/* Flush [va, va + size) from this CPU's TLB only (memory/tlb.c). */
void tlb_flush_range_here(vaddr_t va, size_t size);

/*
 * Clear the entries of [va, va + size) and flush this CPU's TLB only: the
 * other CPUs may keep the old translations, and the page tables are kept
 * (even empty), until paging_purge_lazy. The caller must neither free the
 * frames nor let the range be mapped again before that.
 * Return: 0, -EINVAL, or -ENOMEM (a split that needed a table).
 */
int __must_check paging_unmap_lazy(vaddr_t va, size_t size);

/*
 * End lazy unmaps: for each range next() yields (true while there is one),
 * unhook the page tables left empty; then flush [lo, hi) on every CPU and
 * free those tables, all under pt_lock. After it returns, the frames and
 * ranges of the lazily unmapped areas may be reused. next must not take
 * pt_lock. Context: any but an NMI.
 */
void paging_purge_lazy(vaddr_t lo, vaddr_t hi,
		       bool (*next)(void *it, vaddr_t *va, size_t *size), void *it);

/* Start the vmalloc area. Context: boot, after the heap. */
void vmalloc_init(void);

/* Switch on SMEP, SMAP and UMIP where CPUID reports them; log the result. */
void cpu_protection_init(void);

/* Start the kernel heap (memory/slab.c). Context: boot, after the zones. */
void slab_init(void);

/* ---- DEBUG use-after-free checks of pages (memory/page_poison.c) ---------- */

#define PAGE_POISON 0xaa /* the bytes of a free page, in the DEBUG build */

/*
 * Fill the 2^order pages at pa (first: their struct pages) with
 * PAGE_POISON and mark them. Locks: pmm_lock, with the free checked.
 */
void page_poison_fill(paddr_t pa, struct page *first, unsigned order);

/*
 * Check that the marked pages of a block just allocated still hold the
 * poison, report each one that does not (caller: the allocating code), and
 * clear the marks. Context: any, no lock (the block is the caller's).
 */
void page_poison_check(paddr_t pa, struct page *first, unsigned order, const void *caller);

/* Pages page_poison_check found written while free, since boot. */
uint64_t page_poison_errors(void);

/* Tests: true when one line of the kept kernel log holds both needles. */
bool mm_test_log_has(const char *needle, const char *needle2);
