// SPDX-License-Identifier: MIT
/*
 * The vmalloc area (VMALLOC_START..VMALLOC_END): virtually contiguous
 * memory built from single pages, kernel stacks, and mappings of device
 * memory with a cache mode of their own (ioremap).
 *
 * Every area begins with one unmapped guard page, so that running off the
 * bottom of an area (a kernel stack overflowing) or off the top (into the
 * next area's guard) faults instead of corrupting a neighbour. Areas are
 * kept in a list sorted by address; a new one takes the first gap that
 * fits. That is O(areas), fine for the few hundred areas a kernel has; a
 * tree can replace the list when processes bring thousands of stacks. A
 * vmalloc area remembers the frame of each of its pages, so that vfree
 * needs no page-table walk to find them.
 *
 * Teardown order (vfree, iounmap, a vmalloc that failed half-way): the
 * area is first claimed (marked as being freed, so that a second vfree of
 * it is refused) but stays in the list, so that no other CPU can take its
 * range; then it is unmapped, and every CPU's TLB flushed (with the
 * emptied page tables freed after that); only then are its pages freed
 * and, last, its range released. Freeing pages before the flush would
 * leave them reachable (writable, global) through another CPU's TLB while
 * the page allocator hands them out again, and releasing the range first
 * lets another CPU's vmalloc take it and fail with -EEXIST on the
 * mappings still there.
 *
 * vfree (and so kstack_free) is lazy, as Linux's: it unmaps at once and
 * flushes this CPU only; the area, still in the list, with its pages,
 * goes on the purge list of memory/vmalloc_lazy.c, and one flush on every
 * CPU ends many vfrees (above a threshold, or when a vmalloc finds no
 * room or no page). iounmap and the failure path of vmalloc stay eager.
 *
 * Locks: vm_lock guards the area list and the freeing marks; it is taken
 * on its own (descriptors are allocated and freed outside it). Mapping and
 * unmapping happen outside it, under the page-table lock.
 */
#include <xdv/errno.h>
#include <xdv/printk.h>
#include <xdv/spinlock.h>
#include "internal.h"
#include "vmalloc.h"

static struct spinlock vm_lock = SPINLOCK_INIT("vmalloc");
static struct vm_area *vm_areas; /* sorted by start; vm_lock */

static vaddr_t area_base(const struct vm_area *a)
{
	return a->start + PAGE_SIZE;
}

/*
 * A first-fit search need not start at the bottom each time (Linux's old
 * free_vmap_cache): fit_cache is the area inserted last, and fit_hole the
 * largest gap below it. A request larger than that gap cannot fit below,
 * so its search starts at fit_cache. Any removal clears the cache (gaps
 * grow). This matters with lazy vfree: lazily freed areas stay in the
 * list, at the bottom, until a purge. vm_lock.
 */
static struct vm_area *fit_cache;
static size_t fit_hole;

static void fit_cache_clear_locked(void)
{
	lockdep_assert_held(&vm_lock);
	fit_cache = NULL;
	fit_hole = 0;
}

/* Link a into the first gap that holds a guard page plus a->mapped bytes. */
static bool area_insert_locked(struct vm_area *a)
{
	lockdep_assert_held(&vm_lock);

	size_t total = a->mapped + PAGE_SIZE;
	vaddr_t cursor = VMALLOC_START;
	struct vm_area **link = &vm_areas;
	size_t hole = 0; /* the largest gap passed */

	if (fit_cache && total > fit_hole) {
		cursor = area_base(fit_cache) + fit_cache->mapped;
		link = &fit_cache->next;
		hole = fit_hole;
	}
	for (struct vm_area *b = *link; b; b = b->next) {
		if (b->start - cursor >= total)
			break;
		hole = MAX(hole, (size_t)(b->start - cursor));
		cursor = area_base(b) + b->mapped;
		link = &b->next;
	}
	if (VMALLOC_END - cursor < total)
		return false;
	a->start = cursor;
	a->next = *link;
	WRITE_ONCE(*link, a); /* a is whole before it is linked: see vmalloc_is_guard_page */
	fit_cache = a;
	fit_hole = hole;
	return true;
}

/* Reserve address space for a guard page plus mapped bytes. */
static struct vm_area *area_reserve(size_t mapped, enum vm_area_kind kind)
{
	size_t npages = kind == VM_AREA_PAGES ? mapped / PAGE_SIZE : 0;
	struct vm_area *a;

	if (!mapped || mapped > VMALLOC_END - VMALLOC_START - PAGE_SIZE)
		return NULL;
	a = kzalloc(sizeof(*a) + npages * sizeof(a->pages[0]), GFP_KERNEL);
	if (!a) { /* lazily freed areas may hold the pages the heap needs */
		vmalloc_purge_lazy();
		a = kzalloc(sizeof(*a) + npages * sizeof(a->pages[0]), GFP_KERNEL);
	}
	if (!a)
		return NULL;
	a->mapped = mapped;
	a->kind = kind;

	/* No room: lazily freed areas may hold it; purge them once, retry. */
	for (int attempt = 0; attempt < 2; attempt++) {
		uint64_t irq = spin_lock_irqsave(&vm_lock);
		bool ok = area_insert_locked(a);

		spin_unlock_irqrestore(&vm_lock, irq);
		if (ok)
			return a;
		if (!attempt)
			vmalloc_purge_lazy();
	}
	kfree(a);
	return NULL;
}

/*
 * Claim the area whose mapping starts at base (of kind) for freeing: it
 * stays in the list, holding its range, until area_remove. An area that
 * is already being freed is not found (a double free).
 */
static struct vm_area *area_claim(vaddr_t base, enum vm_area_kind kind)
{
	uint64_t irq = spin_lock_irqsave(&vm_lock);
	struct vm_area *found = NULL;

	for (struct vm_area *a = vm_areas; a; a = a->next) {
		if (area_base(a) == base && a->kind == kind && !a->freeing) {
			a->freeing = true;
			found = a;
			break;
		}
	}
	spin_unlock_irqrestore(&vm_lock, irq);
	return found;
}

/* Release a claimed area's range and free its descriptor. */
static void area_remove(struct vm_area *a)
{
	uint64_t irq = spin_lock_irqsave(&vm_lock);

	fit_cache_clear_locked();
	for (struct vm_area **link = &vm_areas; *link; link = &(*link)->next) {
		if (*link == a) {
			WRITE_ONCE(*link, a->next);
			break;
		}
	}
	spin_unlock_irqrestore(&vm_lock, irq);
	kfree(a);
}

static void area_finish(struct vm_area *a);

/*
 * Tear down a claimed (or never published) area whose first mapped_bytes
 * are mapped: unmap them (every CPU's TLB is flushed before paging_unmap
 * returns), free the area's pages, then release the range.
 */
static void area_release(struct vm_area *a, size_t mapped_bytes)
{
	vaddr_t base = area_base(a);

	if (mapped_bytes && paging_unmap(base, mapped_bytes) < 0)
		pr_err("vmalloc: cannot unmap 0x%lx (+%zu)\n", base, mapped_bytes);
	area_finish(a);
}

/* Free a claimed area's pages, then release its range and descriptor. */
static void area_finish(struct vm_area *a)
{
	if (a->kind == VM_AREA_PAGES)
		for (size_t i = 0; i < a->mapped / PAGE_SIZE; i++)
			if (a->pages[i])
				pmm_free_pages(a->pages[i], 0);
	area_remove(a);
}

void vm_area_finish_list(struct vm_area *list)
{
	for (struct vm_area *a = list; a; a = a->lazy_next) {
		if (a->kind == VM_AREA_PAGES)
			for (size_t i = 0; i < a->mapped / PAGE_SIZE; i++)
				if (a->pages[i])
					pmm_free_pages(a->pages[i], 0);
		a->purged = true;
	}
	/* One pass over the area list for them all, not one per area. */
	uint64_t irq = spin_lock_irqsave(&vm_lock);

	fit_cache_clear_locked();
	for (struct vm_area **link = &vm_areas; *link;) {
		if ((*link)->purged)
			WRITE_ONCE(*link, (*link)->next);
		else
			link = &(*link)->next;
	}
	spin_unlock_irqrestore(&vm_lock, irq);
	while (list) {
		struct vm_area *a = list;

		list = a->lazy_next;
		kfree(a);
	}
}

vaddr_t vm_area_base(const struct vm_area *a)
{
	return area_base(a);
}

void *vmalloc(size_t size)
{
	size_t mapped = ALIGN_UP(size, PAGE_SIZE);

	if (!size || mapped < size)
		return NULL;

	struct vm_area *a = area_reserve(mapped, VM_AREA_PAGES);

	if (!a)
		return NULL;
	vaddr_t base = area_base(a);

	for (size_t i = 0; i < mapped / PAGE_SIZE; i++) {
		paddr_t pa = pmm_alloc_pages(0, 0);

		if (!pa) { /* lazily freed pages come back with a purge */
			vmalloc_purge_lazy();
			pa = pmm_alloc_pages(0, 0);
		}
		if (!pa || paging_map(base + i * PAGE_SIZE, pa, PAGE_SIZE, VM_WRITE | VM_GLOBAL) < 0) {
			if (pa)
				pmm_free_pages(pa, 0);
			/* Nobody else has the address: no claim needed. */
			area_release(a, i * PAGE_SIZE);
			return NULL;
		}
		a->pages[i] = pa;
	}
	return (void *)base;
}

void vfree(void *addr)
{
	struct vm_area *a;

	if (!addr)
		return;
	a = area_claim((vaddr_t)addr, VM_AREA_PAGES);
	if (!a) {
		pr_err("vfree: %p was not returned by vmalloc\n", addr);
		return;
	}
	if (paging_unmap_lazy(area_base(a), a->mapped) < 0) {
		pr_err("vfree: cannot unmap %p lazily\n", addr);
		area_release(a, a->mapped);
		return;
	}
	vmalloc_lazy_add(a);
}

void *kstack_alloc(void)
{
	return vmalloc(KERNEL_STACK_SIZE);
}

void kstack_free(void *stack)
{
	vfree(stack);
}

void *ioremap(paddr_t pa, size_t size, unsigned cache_flags)
{
	paddr_t first = ALIGN_DOWN(pa, PAGE_SIZE);
	paddr_t last = ALIGN_UP(pa + size, PAGE_SIZE);

	if (!size || pa + size < pa || last < first)
		return NULL;

	struct vm_area *a = area_reserve(last - first, VM_AREA_IOREMAP);

	if (!a)
		return NULL;
	unsigned flags = VM_WRITE | VM_GLOBAL | (cache_flags & (VM_CACHE_UC | VM_CACHE_WC));

	if (paging_map(area_base(a), first, last - first, flags) < 0) {
		area_release(a, 0);
		return NULL;
	}
	return (void *)(area_base(a) + (pa - first));
}

void iounmap(void *addr)
{
	vaddr_t base = ALIGN_DOWN((vaddr_t)addr, PAGE_SIZE);
	struct vm_area *a = area_claim(base, VM_AREA_IOREMAP);

	if (!a) {
		pr_err("iounmap: %p was not returned by ioremap\n", addr);
		return;
	}
	area_release(a, a->mapped);
}

bool vmalloc_is_guard_page(vaddr_t addr)
{
	/* No lock: the panic path asks, and may interrupt a holder. Areas
	 * are linked in whole, so the walk sees a consistent list. */
	for (const struct vm_area *a = READ_ONCE(vm_areas); a; a = READ_ONCE(a->next))
		if (addr >= a->start && addr < area_base(a))
			return true;
	return false;
}

void vmalloc_init(void)
{
	vm_areas = NULL;
	fit_cache = NULL;
	vmalloc_lazy_init();
}
