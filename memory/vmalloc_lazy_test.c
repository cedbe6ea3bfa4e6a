// SPDX-License-Identifier: MIT
/*
 * In-kernel tests of lazy vunmap (memory/vmalloc_lazy.c): a vfree'd area
 * keeps its range and its pages until the purge, the purge threshold
 * starts a purge by itself, a purge gives every page back, and a vmalloc
 * that finds no free page purges and succeeds. Each test sets the
 * threshold it needs and puts the default back.
 */
#include <xdv/errno.h>
#include <xdv/ktest.h>
#include <xdv/mm.h>
#include <xdv/string.h>
#include "internal.h"
#include "vmalloc.h"

#define AREA_PAGES 4
#define NO_AUTO_PURGE (1ULL << 40) /* a threshold never reached */

static bool ranges_overlap(vaddr_t a, size_t alen, vaddr_t b, size_t blen)
{
	return a < b + blen && b < a + alen;
}

KTEST(vmalloc_lazy, vfree_range_and_pages_are_not_reused_before_the_purge)
{
	const size_t size = AREA_PAGES * PAGE_SIZE;
	size_t old_max = vmalloc_lazy_set_max(NO_AUTO_PURGE);
	struct pmm_stats held, purged;
	void *others[16] = { 0 };
	paddr_t frame;
	unsigned flags;

	vmalloc_purge_lazy();
	uint8_t *p = vmalloc(size);

	if (!KTEST_EXPECT(t, p != NULL))
		goto out;
	KTEST_EXPECT_EQ(t, paging_translate((vaddr_t)p, &frame, &flags), 0);
	vfree(p);
	/* Unmapped at once (here), but held: range, pages, a guard below. */
	KTEST_EXPECT_EQ(t, paging_translate((vaddr_t)p, &frame, &flags), -ENOENT);
	KTEST_EXPECT_EQ(t, vmalloc_lazy_pages(), AREA_PAGES);
	KTEST_EXPECT(t, vmalloc_is_guard_page((vaddr_t)p - 1));
	/* First fit would hand p's range out again at once: it must not. */
	for (unsigned i = 0; i < ARRAY_SIZE(others); i++) {
		others[i] = vmalloc(size);
		if (!KTEST_EXPECT(t, others[i] != NULL))
			break;
		KTEST_EXPECT(t, !ranges_overlap((vaddr_t)others[i] - PAGE_SIZE, size + PAGE_SIZE,
						(vaddr_t)p - PAGE_SIZE, size + PAGE_SIZE));
	}
	pmm_get_stats(&held);
	KTEST_EXPECT_EQ(t, vmalloc_purge_lazy(), AREA_PAGES);
	pmm_get_stats(&purged);
	KTEST_EXPECT_EQ(t, vmalloc_lazy_pages(), 0);
	KTEST_EXPECT(t, purged.free_pages >= held.free_pages + AREA_PAGES);
	/* After the purge the range is free: first fit takes it again. */
	void *again = vmalloc(size);

	KTEST_EXPECT(t, again == p);
	vfree(again);
	for (unsigned i = 0; i < ARRAY_SIZE(others); i++)
		vfree(others[i]);
	vmalloc_purge_lazy();
out:
	vmalloc_lazy_set_max(old_max);
}

KTEST(vmalloc_lazy, lazy_pages_above_threshold_start_a_purge)
{
	size_t old_max = vmalloc_lazy_set_max(2 * AREA_PAGES);
	void *a[3];

	vmalloc_purge_lazy();
	for (unsigned i = 0; i < ARRAY_SIZE(a); i++)
		a[i] = vmalloc(AREA_PAGES * PAGE_SIZE);
	if (!KTEST_EXPECT(t, a[0] && a[1] && a[2]))
		goto out;
	vfree(a[0]);
	KTEST_EXPECT_EQ(t, vmalloc_lazy_pages(), AREA_PAGES);
	vfree(a[1]); /* at the threshold, not above it: kept */
	KTEST_EXPECT_EQ(t, vmalloc_lazy_pages(), 2 * AREA_PAGES);
	vfree(a[2]); /* above: purged, all three */
	KTEST_EXPECT_EQ(t, vmalloc_lazy_pages(), 0);
	KTEST_EXPECT_EQ(t, paging_translate((vaddr_t)a[0], &(paddr_t){ 0 }, &(unsigned){ 0 }),
			-ENOENT);
out:
	vmalloc_lazy_set_max(old_max);
}

KTEST(vmalloc_lazy, purge_gives_back_every_page_held)
{
	size_t old_max = vmalloc_lazy_set_max(NO_AUTO_PURGE);
	struct pmm_stats before, held, after;
	void *p[16];
	unsigned got = 0;

	/* Warm up: descriptors' slabs and the page tables exist already. */
	for (unsigned i = 0; i < ARRAY_SIZE(p); i++)
		vfree(vmalloc(AREA_PAGES * PAGE_SIZE));
	vmalloc_purge_lazy();
	pmm_get_stats(&before);
	for (unsigned i = 0; i < ARRAY_SIZE(p); i++)
		if ((p[got] = vmalloc(AREA_PAGES * PAGE_SIZE)) != NULL)
			got++;
	KTEST_EXPECT_EQ(t, got, ARRAY_SIZE(p));
	for (unsigned i = 0; i < got; i++)
		vfree(p[i]);
	pmm_get_stats(&held);
	KTEST_EXPECT_EQ(t, vmalloc_lazy_pages(), got * AREA_PAGES);
	KTEST_EXPECT(t, held.free_pages + got * AREA_PAGES <= before.free_pages);
	KTEST_EXPECT_EQ(t, vmalloc_purge_lazy(), got * AREA_PAGES);
	pmm_get_stats(&after);
	ktest_note(t, "free pages: %lu before, %lu held lazily, %lu after the purge",
		   (unsigned long)before.free_pages, (unsigned long)held.free_pages,
		   (unsigned long)after.free_pages);
	KTEST_EXPECT_EQ(t, after.free_pages, before.free_pages);
	vmalloc_lazy_set_max(old_max);
}

KTEST(vmalloc_lazy, vmalloc_without_free_pages_purges_and_succeeds)
{
	size_t old_max = vmalloc_lazy_set_max(NO_AUTO_PURGE);
	paddr_t chain = 0;

	vmalloc_purge_lazy();
	void *held = vmalloc(8 * PAGE_SIZE);

	if (!KTEST_EXPECT(t, held != NULL))
		goto out;
	vfree(held);
	/* Take every free page: only the lazily freed ones are left. */
	for (paddr_t pa; (pa = pmm_alloc_pages(0, 0)) != 0;) {
		*(paddr_t *)phys_to_virt(pa) = chain;
		chain = pa;
	}
	KTEST_EXPECT_EQ(t, vmalloc_lazy_pages(), 8);
	void *p = vmalloc(PAGE_SIZE);

	KTEST_EXPECT(t, p != NULL);
	KTEST_EXPECT_EQ(t, vmalloc_lazy_pages(), 0);
	while (chain) {
		paddr_t next = *(paddr_t *)phys_to_virt(chain);

		pmm_free_pages(chain, 0);
		chain = next;
	}
	if (p)
		memset(p, 0x5a, PAGE_SIZE);
	vfree(p);
	vmalloc_purge_lazy();
out:
	vmalloc_lazy_set_max(old_max);
}

KTEST(vmalloc_lazy, more_than_lazy_max_areas_start_a_purge)
{
	void *a[LAZY_MAX_AREAS + 1];
	unsigned got = 0;

	vmalloc_purge_lazy();
	for (unsigned i = 0; i < ARRAY_SIZE(a); i++)
		if ((a[got] = vmalloc(PAGE_SIZE)) != NULL)
			got++;
	if (!KTEST_EXPECT_EQ(t, got, ARRAY_SIZE(a)))
		goto out;
	for (unsigned i = 0; i < LAZY_MAX_AREAS; i++)
		vfree(a[i]);
	/* The default page threshold is megabytes: the area count decides. */
	KTEST_EXPECT_EQ(t, vmalloc_lazy_pages(), LAZY_MAX_AREAS);
	vfree(a[LAZY_MAX_AREAS]);
	KTEST_EXPECT_EQ(t, vmalloc_lazy_pages(), 0);
	return;
out:
	while (got)
		vfree(a[--got]);
	vmalloc_purge_lazy();
}
