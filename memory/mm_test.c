// SPDX-License-Identifier: MIT
/*
 * In-kernel tests of the page allocator, the heap and the vmalloc area on
 * the machine's real memory: exhaustion fails cleanly and everything frees
 * back, blocks are aligned and in the zone asked for, vmalloc memory has
 * its guard page, kmalloc/kcalloc/caches behave.
 */
#include <xdv/boot.h>
#include <xdv/errno.h>
#include <xdv/ktest.h>
#include <xdv/mm.h>
#include <xdv/string.h>
#include <xdv/arch/x86.h>

/* True when [pa, pa + 4 KiB) overlaps memory the allocator must never give. */
static bool page_is_forbidden(paddr_t pa)
{
	extern char _boot_start[], _kernel_end[];
	paddr_t image_start = (paddr_t)(uintptr_t)_boot_start; /* linked physical */
	paddr_t image_end = (paddr_t)(uintptr_t)_kernel_end - KERNEL_VMA;

	if (pa < 0x100000 || (pa + PAGE_SIZE > image_start && pa < image_end))
		return true;
	if (pa + PAGE_SIZE > boot_info.info_phys &&
	    pa < boot_info.info_phys + boot_info.info_size)
		return true;
	for (unsigned i = 0; i < boot_info.module_count; i++)
		if (pa + PAGE_SIZE > boot_info.modules[i].start && pa < boot_info.modules[i].end)
			return true;
	return false;
}

KTEST(pmm, allocate_until_exhausted_then_free_everything_back)
{
	struct pmm_stats before, after;
	paddr_t chain = 0;
	uint64_t got = 0, forbidden = 0;

	/* Lazily vfree'd areas hold pages, and a vmalloc would purge them. */
	vmalloc_purge_lazy();
	pmm_get_stats(&before);
	/* Each page holds the address of the previous one: no other memory. */
	for (paddr_t pa; (pa = pmm_alloc_pages(0, 0)) != 0; got++) {
		forbidden += page_is_forbidden(pa);
		*(paddr_t *)phys_to_virt(pa) = chain;
		chain = pa;
	}
	KTEST_EXPECT_EQ(t, got, before.free_pages);
	/* Not one page of the first MiB, the image, the boot data or modules. */
	KTEST_EXPECT_EQ(t, forbidden, 0);
	KTEST_EXPECT_EQ(t, pmm_alloc_pages(0, 0), 0);
	KTEST_EXPECT(t, vmalloc(PAGE_SIZE) == NULL);
	while (chain) {
		paddr_t next = *(paddr_t *)phys_to_virt(chain);

		pmm_free_pages(chain, 0);
		chain = next;
	}
	pmm_get_stats(&after);
	KTEST_EXPECT_EQ(t, after.free_pages, before.free_pages);
	/* Freed pages merged back: a 4 MiB block is available again. */
	paddr_t big = pmm_alloc_pages(10, 0);

	KTEST_EXPECT(t, big != 0);
	if (big)
		pmm_free_pages(big, 10);
}

KTEST(pmm, blocks_are_naturally_aligned_and_zeroed_on_request)
{
	for (unsigned order = 0; order <= 10; order++) {
		paddr_t pa = pmm_alloc_pages(order, GFP_ZERO);

		if (!KTEST_EXPECT(t, pa != 0))
			return;
		KTEST_EXPECT_EQ(t, pa & ((PAGE_SIZE << order) - 1), 0);
		const uint64_t *w = phys_to_virt(pa);
		bool zero = true;

		for (size_t i = 0; i < (PAGE_SIZE << order) / 8; i++)
			zero = zero && w[i] == 0;
		KTEST_EXPECT(t, zero);
		memset(phys_to_virt(pa), 0x5A, PAGE_SIZE << order);
		pmm_free_pages(pa, order);
	}
	KTEST_EXPECT_EQ(t, pmm_alloc_pages(11, 0), 0);
}

KTEST(pmm, double_free_of_a_page_is_refused)
{
	struct pmm_stats before, after;
	paddr_t pa = pmm_alloc_pages(0, 0);

	if (!KTEST_EXPECT(t, pa != 0))
		return;
	pmm_get_stats(&before);
	pmm_free_pages(pa, 0);
	pmm_free_pages(pa, 0); /* refused and reported */
	pmm_get_stats(&after);
	KTEST_EXPECT_EQ(t, after.free_pages, before.free_pages + 1);
	/* The page is handed out once, not twice. */
	paddr_t a = pmm_alloc_pages(0, 0), b = pmm_alloc_pages(0, 0);

	KTEST_EXPECT(t, a && b && a != b);
	pmm_free_pages(a, 0);
	pmm_free_pages(b, 0);
}

KTEST(pmm, dma32_pages_lie_below_4_gib)
{
	paddr_t pa = pmm_alloc_pages(0, GFP_DMA32);

	KTEST_EXPECT(t, pa != 0 && pa < (4ULL << 30));
	if (pa)
		pmm_free_pages(pa, 0);
}

KTEST(vmalloc, memory_is_usable_and_guarded_below)
{
	uint8_t *p = vmalloc(64 * 1024 + 1), v;

	if (!KTEST_EXPECT(t, p != NULL))
		return;
	KTEST_EXPECT(t, (vaddr_t)p >= VMALLOC_START && (vaddr_t)p < VMALLOC_END);
	memset(p, 0xAB, 64 * 1024 + 1);
	KTEST_EXPECT(t, probe_read_u8(p + 64 * 1024, &v) && v == 0xAB);
	KTEST_EXPECT(t, !probe_read_u8(p - 1, &v));
	KTEST_EXPECT(t, vmalloc_is_guard_page((vaddr_t)p - 1));
	KTEST_EXPECT(t, !vmalloc_is_guard_page((vaddr_t)p));
	vfree(p);
	KTEST_EXPECT(t, !probe_read_u8(p, &v));
	KTEST_EXPECT(t, vmalloc(0) == NULL);
}

KTEST(vmalloc, kernel_stack_has_guard_page_below)
{
	uint8_t *stack = kstack_alloc(), v;

	if (!KTEST_EXPECT(t, stack != NULL))
		return;
	KTEST_EXPECT(t, probe_write_u8(stack, 1));
	KTEST_EXPECT(t, probe_write_u8(stack + KERNEL_STACK_SIZE - 1, 1));
	KTEST_EXPECT(t, !probe_read_u8(stack - 8, &v));
	kstack_free(stack);
}

KTEST(vmalloc, ioremap_maps_device_memory_uncached)
{
	paddr_t pa;
	unsigned flags;
	void *io = ioremap(0xFEC00000, 0x20, VM_CACHE_UC); /* the I/O APIC's window */

	if (!KTEST_EXPECT(t, io != NULL))
		return;
	KTEST_EXPECT_EQ(t, paging_translate((vaddr_t)io, &pa, &flags), 0);
	KTEST_EXPECT_EQ(t, pa, 0xFEC00000);
	KTEST_EXPECT(t, flags & VM_CACHE_UC);
	iounmap(io);
	KTEST_EXPECT_EQ(t, paging_translate((vaddr_t)io, &pa, &flags), -ENOENT);
}

KTEST(kmalloc, sizes_alignment_and_contents)
{
	static const size_t sizes[] = { 1, 8, 13, 64, 100, 512, 4000, 4096, 4097, 65536 };
	void *p[ARRAY_SIZE(sizes)];

	for (unsigned i = 0; i < ARRAY_SIZE(sizes); i++) {
		p[i] = kmalloc(sizes[i], GFP_KERNEL);
		if (!KTEST_EXPECT(t, p[i] != NULL))
			return;
		KTEST_EXPECT_EQ(t, (uintptr_t)p[i] & 7, 0);
		KTEST_EXPECT(t, ksize(p[i]) >= sizes[i]);
		memset(p[i], (int)i, sizes[i]);
	}
	for (unsigned i = 0; i < ARRAY_SIZE(sizes); i++) {
		const uint8_t *b = p[i];

		KTEST_EXPECT(t, b[0] == i && b[sizes[i] - 1] == i);
		kfree(p[i]);
	}
	KTEST_EXPECT(t, kmalloc(0, GFP_KERNEL) == NULL);
	kfree(NULL);
}

KTEST(kmalloc, kcalloc_zeroes_and_refuses_overflow)
{
	uint32_t *a = kcalloc(1000, sizeof(uint32_t), GFP_KERNEL);
	bool zero = true;

	if (!KTEST_EXPECT(t, a != NULL))
		return;
	for (unsigned i = 0; i < 1000; i++)
		zero = zero && a[i] == 0;
	KTEST_EXPECT(t, zero);
	kfree(a);
	KTEST_EXPECT(t, kcalloc(SIZE_MAX / 2, 4, GFP_KERNEL) == NULL);
}

KTEST(kmalloc, named_cache_round_trip)
{
	struct kmem_cache *c = kmem_cache_create("ktest_obj", 200, 64);
	struct kmem_cache_stats st;
	void *objs[50];

	if (!KTEST_EXPECT(t, c != NULL))
		return;
	for (unsigned i = 0; i < ARRAY_SIZE(objs); i++) {
		objs[i] = kmem_cache_alloc(c, GFP_ZERO);
		KTEST_EXPECT(t, objs[i] && ((uintptr_t)objs[i] & 63) == 0);
	}
	kmem_cache_get_stats(c, &st);
	KTEST_EXPECT_EQ(t, st.active_objects, ARRAY_SIZE(objs));
	for (unsigned i = 0; i < ARRAY_SIZE(objs); i++)
		kmem_cache_free(c, objs[i]);
	kmem_cache_get_stats(c, &st);
	KTEST_EXPECT_EQ(t, st.active_objects, 0);
	kmem_cache_destroy(c);
}
