/* SPDX-License-Identifier: MIT */
/*
 * Memory management: the public face of memory/. The virtual layout
 * (DESIGN.md), the physical page allocator (buddy, memory/pmm.c), the page
 * tables (memory/paging.c), the kernel heap (memory/slab.c), and the
 * vmalloc area with kernel stacks and device mappings (memory/vmalloc.c).
 *
 * Boot order: mm_init() replaces the boot stub's page tables with the
 * kernel's own (W^X image, a direct map of all RAM, page 0 unmapped) and
 * starts the page allocator and the heap; before it, only the boot direct
 * map of the first 4 GiB exists.
 */
#pragma once

#include <xdv/types.h>

#define KERNEL_VMA        0xFFFFFFFF80000000ULL /* kernel image base (virtual) */
#define DIRECT_MAP_BASE   0xFFFF800000000000ULL /* physical 0 maps here */
#define BOOT_DIRECT_MAP_SIZE (4ULL << 30)        /* mapped in full: 4 GiB */
#define VMALLOC_START     0xFFFFC00000000000ULL /* vmalloc, stacks, MMIO */
#define VMALLOC_END       0xFFFFC10000000000ULL /* 1 TiB */

#define PAGE_SIZE  4096UL
#define PAGE_SHIFT 12

/* Kernel pointer to physical address p through the direct map. */
static inline void *phys_to_virt(paddr_t p)
{
	return (void *)(uintptr_t)(p + DIRECT_MAP_BASE);
}

/* Physical address of a direct-map pointer. */
static inline paddr_t virt_to_phys(const void *v)
{
	return (paddr_t)(uintptr_t)v - DIRECT_MAP_BASE;
}

/*
 * True when [p, p+len) lies in the first 4 GiB, which the direct map covers
 * in full from the first instruction on (above 4 GiB it maps RAM only, once
 * mm_init has run).
 */
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
 * Walk the live page tables for va.
 * Return: the leaf entry mapping va (PTE_P set), with *level 1 for a 4 KiB,
 * 2 for a 2 MiB and 3 for a 1 GiB page; or 0 when va is not mapped.
 */
uint64_t paging_lookup(vaddr_t va, int *level);

/* True when the boot stub found NX and switched EFER.NXE on. */
bool paging_nx_enabled(void);

/* ---- kernel heap (memory/slab.c) --------------------------------------- */

/*
 * Allocation flags. There is no sleeping allocation yet (no scheduler), so
 * today every allocation is atomic; the flags say what a caller may accept.
 */
typedef unsigned gfp_t;
#define GFP_KERNEL 0u
#define GFP_ZERO   (1u << 0) /* zero the memory */
#define GFP_DMA32  (1u << 1) /* physical pages below 4 GiB (32-bit DMA) */

#define KMALLOC_MAX_SLAB_SIZE 4096 /* larger kmallocs come from whole pages */

struct kmem_cache;

/*
 * A cache of equal-sized objects ("named object caches"). size >= 1,
 * align a power of two (0: natural alignment up to 8; objects are always
 * at least 8-byte aligned).
 * Return: the cache, or NULL (bad arguments, or out of memory).
 */
struct kmem_cache *kmem_cache_create(const char *name, size_t size, size_t align);

/* Free a cache; every object must have been freed. */
void kmem_cache_destroy(struct kmem_cache *cache);

/* An object from cache (zeroed with GFP_ZERO), or NULL. */
void *kmem_cache_alloc(struct kmem_cache *cache, gfp_t flags);
void kmem_cache_free(struct kmem_cache *cache, void *obj);

/*
 * size bytes from the size classes 8 .. KMALLOC_MAX_SLAB_SIZE, or whole
 * pages above that. kmalloc(0) returns NULL.
 */
void *kmalloc(size_t size, gfp_t flags);
void *kzalloc(size_t size, gfp_t flags);
/* n * size bytes, zeroed; NULL when the product overflows. */
void *kcalloc(size_t n, size_t size, gfp_t flags);
/* Free what kmalloc/kzalloc/kcalloc returned; kfree(NULL) does nothing. */
void kfree(const void *ptr);
/* The usable size of a kmalloc'ed block (>= what was asked). */
size_t ksize(const void *ptr);

/* Statistics of one cache, for /proc/slabinfo later and for tests. */
struct kmem_cache_stats {
	const char *name;
	size_t object_size;   /* what the user asked for */
	size_t slot_size;     /* with alignment (and red zones in DEBUG) */
	uint64_t active_objects;
	uint64_t total_objects;
	uint64_t slabs;
};
void kmem_cache_get_stats(const struct kmem_cache *cache, struct kmem_cache_stats *out);
/* Pages held by the slabs of every cache (/proc/meminfo "Slab"). */
uint64_t kmem_slab_pages(void);

/*
 * Set up memory management: usable RAM from the boot memory map (minus the
 * kernel, the boot information and the modules), the kernel's final page
 * tables, the page allocator and the heap. Context: boot, once, after
 * boot_info is parsed. Panics only if not even the kernel's own page tables
 * fit in memory.
 */
void mm_init(void);

/* On an AP: the PAT and CR4 protections the boot CPU chose. */
void mm_init_ap(void);

/* ---- physical pages (memory/pmm.c) ------------------------------------- */

/*
 * 2^order contiguous, naturally aligned physical pages; with GFP_DMA32
 * below 4 GiB; with GFP_ZERO zeroed. Return: the physical address, or 0
 * when no such block is free (0 is never a usable page: page 0 is kept).
 */
paddr_t pmm_alloc_pages(unsigned order, gfp_t flags);
/*
 * Give back a block from pmm_alloc_pages (same order). A wrong free (not
 * allocated, another order) is refused and reported. In the DEBUG build
 * the pages are poisoned, and a write to them before they are allocated
 * again is reported then, naming the page.
 */
void pmm_free_pages(paddr_t pa, unsigned order);

struct pmm_stats {
	uint64_t total_pages;  /* usable RAM given to the allocator */
	uint64_t free_pages;
	uint64_t kernel_pages; /* image, boot data, page metadata, early tables */
	uint64_t poison_errors; /* DEBUG build: pages found written while free */
};
void pmm_get_stats(struct pmm_stats *out);

/* ---- page tables (memory/paging.c) ------------------------------------- */

/* Rights and attributes of a mapping. Readable is implied. */
#define VM_WRITE   (1u << 0)
#define VM_EXEC    (1u << 1)
#define VM_USER    (1u << 2)
#define VM_GLOBAL  (1u << 3)
#define VM_LARGE   (1u << 4) /* map with 2 MiB pages (va, pa, size aligned) */
/* Cache mode, through the PAT: write-back unless one of these. */
#define VM_CACHE_WC (1u << 8) /* write-combining: framebuffers */
#define VM_CACHE_UC (1u << 9) /* uncached: MMIO registers */

/*
 * Map [va, va + size) to [pa, pa + size) in the kernel's page tables with
 * flags. Page-aligned arguments; with VM_LARGE, 2 MiB-aligned.
 * Return: 0; -EINVAL (alignment, non-canonical, wraps); -EEXIST when a
 * page in the range is already mapped (nothing is changed then); -ENOMEM.
 */
int __must_check paging_map(vaddr_t va, paddr_t pa, size_t size, unsigned flags);

/*
 * Unmap [va, va + size): pages not mapped are skipped; 2 MiB pages only
 * partly inside are split first. When it returns, no CPU's TLB holds the
 * old entries any more, and only then were the page-table pages left
 * empty freed; a caller that owns the unmapped frames frees them after
 * this, never before (or they stay reachable while reused).
 * Return: 0, -EINVAL, or -ENOMEM (a split that needed a table).
 */
int __must_check paging_unmap(vaddr_t va, size_t size);

/*
 * Change the flags of every page in [va, va + size), splitting 2 MiB pages
 * at the edges. Return: 0, -EINVAL, -ENOENT (a hole; nothing changed), -ENOMEM.
 */
int __must_check paging_protect(vaddr_t va, size_t size, unsigned flags);

/* Physical address and flags of the page mapping va. Return: 0 or -ENOENT. */
int __must_check paging_translate(vaddr_t va, paddr_t *pa, unsigned *flags);

/* ---- TLB flushes (memory/tlb.c) ---------------------------------------- */

/*
 * Drop the translations of [va, va + size) after a change to the kernel's
 * page tables: here and on every other online CPU (a shootdown).
 * Context: any but an NMI; spinlocks may be held.
 */
void tlb_flush_range(vaddr_t va, size_t size);

/*
 * The same on the online CPUs whose bit is set in mask (CPU n: bit n)
 * only: this CPU directly when it is in mask, the others by IPI; a mask
 * of this CPU alone sends no IPI. Global (kernel) entries are flushed
 * too. Context: any but an NMI.
 */
void tlb_flush_range_mask(uint64_t mask, vaddr_t va, size_t size);

/*
 * Address spaces (Linux's flush_tlb_mm_range / flush_tlb_mm). A user
 * address space keeps a uint64_t CPU mask: bit n is set while CPU n may
 * hold translations of it. The owner of the address space keeps it so:
 * - a CPU sets its bit (atomically, e.g. __atomic_fetch_or) BEFORE it
 *   loads the address space's root into CR3;
 * - lazy TLB: switching to a kernel thread leaves CR3 and the bit alone
 *   (the kernel half is in every root), so the next switch back to the
 *   same process costs no CR3 load; the CPU keeps getting that address
 *   space's flushes meanwhile;
 * - a CPU clears its bit only AFTER it has loaded another root into CR3
 *   (which drops every non-global entry of the old one).
 * After changing the address space's page tables, call tlb_flush_mm_range
 * (or tlb_flush_mm_all) with a pointer to the mask: it is read after a
 * full fence, so a CPU switching in at that moment either is flushed or
 * walks the new tables. With one thread on one CPU, the flush is local:
 * no IPI. Only non-global entries are meant: a range above 32 pages
 * reloads CR3 instead of invalidating page by page.
 * Context: any but an NMI; the page-table lock may be held.
 */
void tlb_flush_mm_range(const uint64_t *cpumask, vaddr_t va, size_t size);

/* Every translation of the address space whose CPU mask is *cpumask. */
void tlb_flush_mm_all(const uint64_t *cpumask);

/* Page-table pages in use, for tests that check empty tables are freed. */
uint64_t paging_table_pages(void);

/* ---- vmalloc area (memory/vmalloc.c) ----------------------------------- */

/*
 * size bytes of virtually contiguous, page-backed memory in the vmalloc
 * area, read-write and non-executable, with an unmapped guard page below.
 * Return: the address, or NULL.
 */
void *vmalloc(size_t size);
void vfree(void *addr);

/* A kernel stack: KERNEL_STACK_SIZE bytes with an unmapped guard page below. */
#define KERNEL_STACK_SIZE (16 * 1024)
void *kstack_alloc(void);      /* the lowest address of the stack, or NULL */
void kstack_free(void *stack);

/*
 * Map device memory [pa, pa + size) into the vmalloc area with cache mode
 * VM_CACHE_UC (registers) or VM_CACHE_WC (framebuffers), writable, NX.
 * Return: the address that maps pa, or NULL.
 */
void *ioremap(paddr_t pa, size_t size, unsigned cache_flags);
void iounmap(void *addr);

/*
 * Lazy vunmap (memory/vmalloc_lazy.c). vfree and kstack_free unmap at once
 * but flush only this CPU's TLB; the area keeps its range and its pages
 * until a purge flushes every CPU once for many areas. A purge happens by
 * itself when more than a threshold of pages wait (Linux's lazy_max_pages:
 * 32 MiB per log2 of the CPUs, here at most 1/16 of RAM), and when a
 * vmalloc finds no room or no free page.
 *
 * vmalloc_purge_lazy: purge now (Linux's vm_unmap_aliases), waiting for a
 * purge under way on another CPU. Callers that count free pages (a leak
 * test) call it first. Context: any but an NMI. Return: pages it freed.
 */
size_t vmalloc_purge_lazy(void);

/* Pages held by lazily freed areas now, waiting for a purge. */
size_t vmalloc_lazy_pages(void);

/* True when addr is a guard page of the vmalloc area (a stack overflow). */
bool vmalloc_is_guard_page(vaddr_t addr);
