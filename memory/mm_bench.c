// SPDX-License-Identifier: MIT
/*
 * Benchmarks of memory/ (make bench): page allocation at order 0 and 9,
 * kmalloc/kfree of 64 B and 4 KiB, mapping plus unmapping a 4 KiB page
 * (with the TLB flush), and vmalloc plus vfree of a kernel stack's 16 KiB.
 */
#include <xdv/kbench.h>
#include <xdv/mm.h>

static uint64_t alloc_free_pages(uint64_t n, unsigned order)
{
	for (uint64_t i = 0; i < n; i++) {
		paddr_t pa = pmm_alloc_pages(order, 0);

		if (!pa)
			return 0;
		pmm_free_pages(pa, order);
	}
	return n;
}

KBENCH(pmm_alloc_free_order0, 200000)
{
	return alloc_free_pages(n, 0);
}

KBENCH(pmm_alloc_free_order9, 50000)
{
	return alloc_free_pages(n, 9);
}

static uint64_t kmalloc_kfree(uint64_t n, size_t size)
{
	for (uint64_t i = 0; i < n; i++) {
		void *p = kmalloc(size, GFP_KERNEL);

		if (!p)
			return 0;
		kfree(p);
	}
	return n;
}

KBENCH(kmalloc_kfree_64, 200000)
{
	return kmalloc_kfree(n, 64);
}

KBENCH(kmalloc_kfree_4096, 100000)
{
	return kmalloc_kfree(n, 4096);
}

KBENCH(paging_map_unmap_4k, 100000)
{
	const vaddr_t va = VMALLOC_END - (128ULL << 20);
	paddr_t pa = pmm_alloc_pages(0, 0);

	if (!pa)
		return 0;
	/* Keep the page tables for va alive, so each op is map + unmap + flush. */
	if (paging_map(va + PAGE_SIZE, pa, PAGE_SIZE, VM_WRITE) < 0)
		return 0;
	for (uint64_t i = 0; i < n; i++) {
		if (paging_map(va, pa, PAGE_SIZE, VM_WRITE) < 0 || paging_unmap(va, PAGE_SIZE) < 0)
			return 0;
	}
	if (paging_unmap(va + PAGE_SIZE, PAGE_SIZE) < 0)
		return 0;
	pmm_free_pages(pa, 0);
	return n;
}

KBENCH(vmalloc_vfree_16k, 20000)
{
	for (uint64_t i = 0; i < n; i++) {
		void *p = vmalloc(16 * 1024);

		if (!p)
			return 0;
		vfree(p);
	}
	return n;
}
