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
 * tree can replace the list when processes bring thousands of stacks.
 *
 * Locks: vm_lock guards the area list (taken before the heap lock, for
 * area descriptors); mapping and unmapping happen outside it, under the
 * page-table lock.
 */
#include <xdv/errno.h>
#include <xdv/printk.h>
#include <xdv/spinlock.h>
#include "internal.h"

enum vm_area_kind {
	VM_AREA_PAGES,   /* vmalloc: pages owned by the area */
	VM_AREA_IOREMAP, /* device memory: pages not ours */
};

struct vm_area {
	vaddr_t start;   /* the guard page; the mapping starts a page above */
	size_t mapped;   /* bytes mapped after the guard */
	enum vm_area_kind kind;
	struct vm_area *next;
};

static struct spinlock vm_lock = SPINLOCK_INIT("vmalloc");
static struct vm_area *vm_areas; /* sorted by start; vm_lock */

static vaddr_t area_base(const struct vm_area *a)
{
	return a->start + PAGE_SIZE;
}

static struct vm_area *area_reserve_locked(size_t mapped, enum vm_area_kind kind)
{
	size_t total = mapped + PAGE_SIZE;
	vaddr_t cursor = VMALLOC_START;
	struct vm_area **link = &vm_areas;

	if (!mapped || mapped > VMALLOC_END - VMALLOC_START - PAGE_SIZE)
		return NULL;
	for (struct vm_area *a = vm_areas; a; a = a->next) {
		if (a->start - cursor >= total)
			break;
		cursor = area_base(a) + a->mapped;
		link = &a->next;
	}
	if (VMALLOC_END - cursor < total)
		return NULL;

	struct vm_area *area = kmalloc(sizeof(*area), GFP_KERNEL);

	if (!area)
		return NULL;
	*area = (struct vm_area){ .start = cursor, .mapped = mapped, .kind = kind, .next = *link };
	*link = area;
	return area;
}

/* Reserve address space for a guard page plus mapped bytes. */
static struct vm_area *area_reserve(size_t mapped, enum vm_area_kind kind)
{
	uint64_t irq = spin_lock_irqsave(&vm_lock);
	struct vm_area *a = area_reserve_locked(mapped, kind);

	spin_unlock_irqrestore(&vm_lock, irq);
	return a;
}

static struct vm_area *area_take_locked(vaddr_t base, enum vm_area_kind kind)
{
	for (struct vm_area **link = &vm_areas; *link; link = &(*link)->next) {
		struct vm_area *a = *link;

		if (area_base(a) == base && a->kind == kind) {
			*link = a->next;
			return a;
		}
	}
	return NULL;
}

/* Unlink the area whose mapping starts at base (of kind). */
static struct vm_area *area_take(vaddr_t base, enum vm_area_kind kind)
{
	uint64_t irq = spin_lock_irqsave(&vm_lock);
	struct vm_area *a = area_take_locked(base, kind);

	spin_unlock_irqrestore(&vm_lock, irq);
	return a;
}

/* Unmap an area's pages, returning them to the page allocator if owned. */
static void area_release(struct vm_area *a, size_t mapped_bytes)
{
	vaddr_t base = area_base(a);

	if (a->kind == VM_AREA_PAGES) {
		for (size_t off = 0; off < mapped_bytes; off += PAGE_SIZE) {
			paddr_t pa;
			unsigned flags;

			if (paging_translate(base + off, &pa, &flags) == 0)
				pmm_free_pages(pa, 0);
		}
	}
	if (mapped_bytes && paging_unmap(base, mapped_bytes) < 0)
		pr_err("vmalloc: cannot unmap 0x%lx (+%zu)\n", base, mapped_bytes);
	kfree(a);
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

	for (size_t off = 0; off < mapped; off += PAGE_SIZE) {
		paddr_t pa = pmm_alloc_pages(0, 0);

		if (!pa || paging_map(base + off, pa, PAGE_SIZE, VM_WRITE | VM_GLOBAL) < 0) {
			if (pa)
				pmm_free_pages(pa, 0);
			area_take(base, VM_AREA_PAGES);
			area_release(a, off);
			return NULL;
		}
	}
	return (void *)base;
}

void vfree(void *addr)
{
	struct vm_area *a;

	if (!addr)
		return;
	a = area_take((vaddr_t)addr, VM_AREA_PAGES);
	if (!a) {
		pr_err("vfree: %p was not returned by vmalloc\n", addr);
		return;
	}
	area_release(a, a->mapped);
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
		area_take(area_base(a), VM_AREA_IOREMAP);
		area_release(a, 0);
		return NULL;
	}
	return (void *)(area_base(a) + (pa - first));
}

void iounmap(void *addr)
{
	vaddr_t base = ALIGN_DOWN((vaddr_t)addr, PAGE_SIZE);
	struct vm_area *a = area_take(base, VM_AREA_IOREMAP);

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
}
