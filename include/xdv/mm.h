/* SPDX-License-Identifier: MIT */
/*
 * Memory management: the public face of memory/. For now this is the
 * virtual memory layout (DESIGN.md) and the direct map that boot/ builds
 * over the first 4 GiB of physical memory; the memory issue grows it into
 * the buddy allocator, page tables and heap.
 */
#pragma once

#include <xdv/types.h>

#define KERNEL_VMA        0xFFFFFFFF80000000ULL /* kernel image base (virtual) */
#define DIRECT_MAP_BASE   0xFFFF800000000000ULL /* physical 0 maps here */
#define BOOT_DIRECT_MAP_SIZE (4ULL << 30)        /* what boot/ maps: 4 GiB */

#define PAGE_SIZE  4096UL
#define PAGE_SHIFT 12

/* Kernel pointer to physical address p through the direct map. */
static inline void *phys_to_virt(paddr_t p)
{
	return (void *)(uintptr_t)(p + DIRECT_MAP_BASE);
}

/* True when [p, p+len) lies inside what the direct map covers today. */
static inline bool phys_range_is_mapped(paddr_t p, uint64_t len)
{
	return p < BOOT_DIRECT_MAP_SIZE && len <= BOOT_DIRECT_MAP_SIZE - p;
}

/* Page-table entry bits (x86-64 4-level paging). */
#define PTE_P   (1ULL << 0)  /* present */
#define PTE_W   (1ULL << 1)  /* writable */
#define PTE_U   (1ULL << 2)  /* user */
#define PTE_PS  (1ULL << 7)  /* large page (2 MiB / 1 GiB) */
#define PTE_G   (1ULL << 8)  /* global */
#define PTE_NX  (1ULL << 63) /* no execute */
#define PTE_ADDR_MASK 0x000FFFFFFFFFF000ULL

/*
 * Remove the boot stub's identity map of low memory, so that from now on a
 * stray low pointer (NULL included) faults. Context: boot, once.
 */
void paging_drop_identity(void);

/*
 * Walk the live page tables for va.
 * Return: the leaf entry mapping va (PTE_P set), with *level 1 for a 4 KiB,
 * 2 for a 2 MiB and 3 for a 1 GiB page; or 0 when va is not mapped.
 */
uint64_t paging_lookup(vaddr_t va, int *level);

/* True when the boot stub found NX and switched EFER.NXE on. */
bool paging_nx_enabled(void);
