// SPDX-License-Identifier: MIT
/*
 * In-kernel tests of the DEBUG build's use-after-free check for pages
 * (memory/page_poison.c): a freed page holds the poison; a write to it
 * while it is free is reported, naming the page, the changed byte and the
 * code that allocates it next, and the kernel goes on; pages reused
 * untouched report nothing. A release kernel skips them (no poison).
 */
#include <xdv/ktest.h>
#include <xdv/mm.h>
#include <xdv/printk.h>
#include "internal.h"

#define NO_POISON "page poisoning exists in the DEBUG build only"

KTEST(page_report, freed_page_holds_the_poison)
{
	if (!IS_ENABLED(CONFIG_DEBUG)) {
		KTEST_SKIP(t, NO_POISON);
		return;
	}
	paddr_t pa = pmm_alloc_pages(0, GFP_ZERO);
	const volatile uint8_t *b = phys_to_virt(pa);
	unsigned wrong = 0;

	if (!KTEST_EXPECT(t, pa != 0))
		return;
	pmm_free_pages(pa, 0);
	/* Reading a free page is a use after free too, but a harmless one. */
	for (unsigned i = 0; i < PAGE_SIZE; i++)
		wrong += b[i] != PAGE_POISON;
	KTEST_EXPECT_EQ(t, wrong, 0);
}

KTEST(page_report, write_to_a_freed_page_is_reported_when_it_is_allocated_again)
{
	if (!IS_ENABLED(CONFIG_DEBUG)) {
		KTEST_SKIP(t, NO_POISON);
		return;
	}
	struct pmm_stats before, after;
	paddr_t pa = pmm_alloc_pages(0, 0), got[64];
	unsigned n = 0;
	bool back = false;
	char needle[64];

	if (!KTEST_EXPECT(t, pa != 0))
		return;
	pmm_get_stats(&before);
	pmm_free_pages(pa, 0);
	((volatile uint8_t *)phys_to_virt(pa))[0x123] = 0x42; /* the use after free */
	/* Single pages come back last freed, first out: the next allocation
	 * here returns it, unless another CPU takes it first. */
	while (n < ARRAY_SIZE(got) && !back) {
		got[n] = pmm_alloc_pages(0, 0);
		if (!got[n])
			break;
		back = got[n++] == pa;
	}
	pmm_get_stats(&after);
	KTEST_EXPECT(t, back);
	KTEST_EXPECT_EQ(t, after.poison_errors, before.poison_errors + 1);
	snprintf(needle, sizeof(needle), "page 0x%lx was written after it was freed", pa);
	KTEST_EXPECT(t, mm_test_log_has(needle, "first +0x123 = 0x42 (poison 0xaa)"));
	KTEST_EXPECT(t, mm_test_log_has(needle, "allocated again by ktest_fn_page_report_write"));
	while (n)
		pmm_free_pages(got[--n], 0);
	/* The allocator goes on working. */
	pa = pmm_alloc_pages(0, GFP_ZERO);
	KTEST_EXPECT(t, pa && *(const uint64_t *)phys_to_virt(pa) == 0);
	if (pa)
		pmm_free_pages(pa, 0);
}

KTEST(page_report, blocks_reused_untouched_report_nothing)
{
	if (!IS_ENABLED(CONFIG_DEBUG)) {
		KTEST_SKIP(t, NO_POISON);
		return;
	}
	struct pmm_stats before, after;

	pmm_get_stats(&before);
	for (unsigned order = 0; order <= 4; order++) {
		for (unsigned round = 0; round < 3; round++) {
			paddr_t pa = pmm_alloc_pages(order, round ? 0 : GFP_ZERO);

			if (!KTEST_EXPECT(t, pa != 0))
				return;
			*(volatile uint64_t *)phys_to_virt(pa) = round;
			pmm_free_pages(pa, order);
		}
	}
	pmm_get_stats(&after);
	KTEST_EXPECT_EQ(t, after.poison_errors, before.poison_errors);
}
