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

/* ==== user address spaces ================================================ */
/*
 * The memory side of user processes (issue 11): the VMA tree
 * (memory/vma.c, pure logic, also built for host tests), address spaces
 * with their own page tables (memory/address_space.c), page reference
 * counts for user pages (memory/page_ref.c) and the user page-fault
 * handler (memory/user_fault.c). Lock order: mm->lock (a mutex) before
 * pt_lock and pmm_lock.
 */

#define USER_SPACE_END   0x0000800000000000ULL /* first non-user address */
#define USER_MMAP_MIN    0x0000000000010000ULL /* lowest mmap address (Linux's mmap_min_addr) */
#define USER_STACK_TOP   0x00007FFFFFFFF000ULL /* top of the main stack */
#define USER_STACK_GAP   (256ULL << 20)        /* between the stack rlimit and mmap_base */
#define USER_STACK_RLIMIT_DEFAULT (8ULL << 20) /* RLIMIT_STACK, 8 MiB as Linux */
#define USER_STACK_GUARD_GAP (256ULL * PAGE_SIZE) /* stack_guard_gap: 1 MiB */

/*
 * VMA flags: Linux's VM_* values, with a VMA_ prefix because VM_WRITE and
 * VM_EXEC above already name kernel mapping rights.
 */
#define VMA_READ      0x00000001UL
#define VMA_WRITE     0x00000002UL
#define VMA_EXEC      0x00000004UL
#define VMA_SHARED    0x00000008UL
#define VMA_MAYREAD   0x00000010UL
#define VMA_MAYWRITE  0x00000020UL
#define VMA_MAYEXEC   0x00000040UL
#define VMA_MAYSHARE  0x00000080UL
#define VMA_GROWSDOWN 0x00000100UL
#define VMA_ACCESS    (VMA_READ | VMA_WRITE | VMA_EXEC)

struct file;

/*
 * A virtual memory area: [start, end), page aligned, one set of rights.
 * Anonymous when file is NULL; otherwise page pgoff of file is mapped at
 * start. The tree fields belong to memory/vma.c.
 */
struct vma {
	vaddr_t start, end;
	unsigned long flags;      /* VMA_* */
	struct file *file;        /* NULL: anonymous (the VMA holds a reference otherwise) */
	uint64_t pgoff;           /* in pages, for file mappings */
	/* Tree links and augmentation, maintained by vma.c. */
	struct vma *left, *right;
	int height;               /* AVL height, a leaf is 1 */
	vaddr_t subtree_start;    /* lowest start in the subtree */
	vaddr_t subtree_end;      /* highest end in the subtree */
	uint64_t subtree_gap;     /* largest hole between two VMAs of the subtree */
};

/* The VMAs of an address space, ordered by address, never overlapping. */
struct vma_tree {
	struct vma *root;
	uint64_t count;
};

static inline void vma_tree_init(struct vma_tree *t)
{
	t->root = NULL;
	t->count = 0;
}

/* The VMA containing addr, or else the lowest one above it; NULL if none. O(log n). */
struct vma *vma_find(const struct vma_tree *t, vaddr_t addr);
/* The VMA after v in address order (NULL at the end). O(log n). */
struct vma *vma_next(const struct vma_tree *t, const struct vma *v);
/* The highest VMA that ends at or below addr, or NULL. O(log n). */
struct vma *vma_prev(const struct vma_tree *t, vaddr_t addr);
/* True when no VMA intersects [start, end). */
bool vma_range_is_free(const struct vma_tree *t, vaddr_t start, vaddr_t end);
/*
 * Insert v ([start, end) set, start < end). Return: 0, -EINVAL (empty or
 * unaligned), -EEXIST (overlaps a VMA; nothing changed).
 */
int __must_check vma_insert(struct vma_tree *t, struct vma *v);
/* Remove v, which is in t. */
void vma_remove(struct vma_tree *t, struct vma *v);
/*
 * Split v at addr (start < addr < end, page aligned): v keeps [start,
 * addr) and tail, which the caller allocated, gets [addr, end) with the
 * same flags, file and the matching pgoff. The caller takes a file
 * reference for tail. Return: 0, -EINVAL (addr not strictly inside).
 */
int __must_check vma_split(struct vma_tree *t, struct vma *v, vaddr_t addr, struct vma *tail);
/* True when a (below) and b (above) touch and could be one VMA. */
bool vma_can_merge(const struct vma *a, const struct vma *b);
/*
 * Merge b into a (vma_can_merge(a, b) must hold): a grows to b's end and
 * b leaves the tree; the caller frees b (and drops its file reference).
 */
void vma_merge(struct vma_tree *t, struct vma *a, struct vma *b);
/* Move v's start to new_start (stack growth) keeping the tree valid. */
void vma_set_start(struct vma_tree *t, struct vma *v, vaddr_t new_start);
/*
 * The highest address a, page aligned, with [a, a + len) free and inside
 * [low, high), as Linux's top-down layout. O(log n) with the gap
 * augmentation. Return: 0 with *out set, -ENOMEM when no hole fits.
 */
int __must_check vma_find_free_topdown(const struct vma_tree *t, size_t len, vaddr_t low,
				       vaddr_t high, vaddr_t *out);
/*
 * Check the tree: AVL balance and heights, order without overlap, the
 * augmented fields and the count. For tests and DEBUG builds.
 * Return: 0 or -EINVAL.
 */
int vma_tree_check(const struct vma_tree *t);

/* ---- page reference counts (memory/page_ref.c) --------------------------- */

/*
 * A zeroed page for user memory, with a reference count of 1. Never
 * sleeps. Return: its physical address, or 0 when out of memory.
 */
paddr_t user_page_alloc(void);
/* Take another reference to a user page (a COW share, a shared mapping). */
void page_ref_get(paddr_t pa);
/* Drop a reference; the page is freed with the last one. */
void page_ref_put(paddr_t pa);
/* References to the user page at pa (0: not a user page). */
unsigned page_ref_count(paddr_t pa);
/* User pages allocated and not yet freed, for tests and /proc/meminfo. */
uint64_t user_pages_in_use(void);

/* ---- address spaces (memory/address_space.c) ----------------------------- */

/*
 * A user address space (memory/user_mm.h has the fields): its own PML4
 * whose kernel half shares the kernel's tables, the VMAs, the layout for
 * brk and /proc maps. Counted: mm_get/mm_put.
 */
struct mm_struct;

/*
 * A new, empty address space (kernel half shared, no VMAs), refs 1.
 * Context: may sleep. Return: 0 with *out, -ENOMEM.
 */
int __must_check mm_create(struct mm_struct **out);
void mm_get(struct mm_struct *mm);
/* Drop a reference; the last one destroys mm (which no CPU may have loaded). */
void mm_put(struct mm_struct *mm);
/*
 * Free every user page (by reference count), page table, VMA and the
 * PML4. No other CPU may have mm loaded (this one switches to the
 * kernel's tables if it has). Context: may sleep.
 */
void mm_destroy(struct mm_struct *mm);
/*
 * Load mm's page tables on this CPU (NULL: the kernel's own), and track
 * which CPUs may hold its translations. Context: preemption off or a
 * thread pinned to this CPU.
 */
void mm_switch(struct mm_struct *mm);
/* The address space loaded on this CPU, or NULL for the kernel's tables. */
struct mm_struct *mm_current(void);

#define MM_MAP_FIXED 1u /* map exactly at addr, replacing what is there */

/*
 * Map len bytes (rounded up to pages) of anonymous memory with flags
 * (VMA_READ/WRITE/EXEC, VMA_SHARED, VMA_GROWSDOWN); the VMA_MAY* bits are
 * added. Without MM_MAP_FIXED addr is a hint, the area comes top-down
 * from mmap_base otherwise. Pages are allocated at first touch.
 * Locks: takes mm->lock. Return: 0 with *out; -EINVAL; -ENOMEM (no room,
 * no memory).
 */
int __must_check mm_map_anonymous(struct mm_struct *mm, vaddr_t addr, size_t len,
				  unsigned long flags, unsigned map_flags, vaddr_t *out);
/*
 * Unmap [addr, addr + len): VMAs are split at the ends, their pages freed
 * by reference count, emptied page tables freed. Holes are fine.
 * Locks: takes mm->lock. Return: 0, -EINVAL, -ENOMEM (a split).
 */
int __must_check mm_munmap(struct mm_struct *mm, vaddr_t addr, size_t len);
/*
 * Change the rights (VMA_READ/WRITE/EXEC) of [addr, addr + len), which
 * must be mapped in full. Locks: takes mm->lock.
 * Return: 0, -EINVAL, -ENOMEM (a hole, as Linux, or no memory for a split),
 * -EACCES (rights the VMA may not get).
 */
int __must_check mm_mprotect(struct mm_struct *mm, vaddr_t addr, size_t len,
			     unsigned long prot);
/*
 * A copy of parent for fork: the same VMAs; private pages shared
 * read-only with their count raised (copy on write), shared mappings
 * shared writable. Locks: takes parent->lock.
 * Return: 0 with *out, -ENOMEM (nothing leaks, parent unchanged but for
 * write protection).
 */
int __must_check mm_fork(struct mm_struct *parent, struct mm_struct **out);
/*
 * The page mapped at va in mm and its PTE bits, without faulting.
 * Locks: takes mm->lock. Return: 0, -ENOENT (no page).
 */
int __must_check mm_translate(struct mm_struct *mm, vaddr_t va, paddr_t *pa, uint64_t *pte);

/* ---- user page faults (memory/user_fault.c) ------------------------------ */

/* #PF error-code bits. */
#define PF_ERR_PRESENT (1u << 0)
#define PF_ERR_WRITE   (1u << 1)
#define PF_ERR_USER    (1u << 2)
#define PF_ERR_FETCH   (1u << 4)

/*
 * Resolve a page fault at user address addr in mm: demand-zero pages,
 * copy on write, MAP_GROWSDOWN stack growth. Context: process context,
 * may sleep. Locks: takes mm->lock.
 * Return: 0 (retry the access), -EFAULT (no VMA or wrong rights: SIGSEGV),
 * -ENOMEM, -EOPNOTSUPP (file-backed VMA: not yet).
 */
int __must_check mm_handle_fault(struct mm_struct *mm, vaddr_t addr, unsigned error_code);
