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

/* Start the vmalloc area. Context: boot, after the heap. */
void vmalloc_init(void);

/* Switch on SMEP, SMAP and UMIP where CPUID reports them; log the result. */
void cpu_protection_init(void);

/* Start the kernel heap (memory/slab.c). Context: boot, after the zones. */
void slab_init(void);
