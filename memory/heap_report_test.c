// SPDX-License-Identifier: MIT
/*
 * In-kernel tests of how heap misuse is reported (memory/slab_report.c):
 * the heap refuses the bad operation, goes on working, and the kernel log
 * names the misuse and the code responsible (each needle searched for is
 * printed by one test only). Red zones exist only in the
 * DEBUG build (make DEBUG=1; tests/system/debug.sh boots one); a release
 * kernel skips that test.
 */
#include <xdv/ktest.h>
#include <xdv/mm.h>
#include <xdv/printk.h>
#include <xdv/string.h>
#include "internal.h"

KTEST(heap_report, kfree_of_a_stack_address_is_refused_and_named)
{
	int on_stack = 0;

	kfree(&on_stack);
	KTEST_EXPECT(t, mm_test_log_has("slab: not a heap object",
					"ktest_fn_heap_report_kfree_of_a_stack_address"));
	void *p = kmalloc(32, GFP_KERNEL); /* the heap still works */

	KTEST_EXPECT(t, p != NULL);
	kfree(p);
}

KTEST(heap_report, kfree_inside_an_object_is_refused)
{
	char *p = kmalloc(64, GFP_KERNEL);

	if (!KTEST_EXPECT(t, p != NULL))
		return;
	kfree(p + 8);
	KTEST_EXPECT(t, mm_test_log_has("slab: not the start of a heap object", "freed by"));
	kfree(p);
}

KTEST(heap_report, red_zone_overwrite_is_reported_with_allocating_code)
{
	if (!IS_ENABLED(CONFIG_DEBUG)) {
		KTEST_SKIP(t, "red zones exist in the DEBUG build only");
		return;
	}
	char *p = kmalloc(24, GFP_KERNEL);

	if (!KTEST_EXPECT(t, p != NULL))
		return;
	p[ksize(p)] = 'X'; /* one byte past the usable size: the red zone */
	kfree(p);
	KTEST_EXPECT(t, mm_test_log_has("allocated by ktest_fn_heap_report_red_zone",
					"freed by"));
}

KTEST(heap_report, double_free_is_reported)
{
	if (!IS_ENABLED(CONFIG_DEBUG)) {
		KTEST_SKIP(t, "every double free is caught in the DEBUG build only");
		return;
	}
	char *p = kmalloc(48, GFP_KERNEL);

	if (!KTEST_EXPECT(t, p != NULL))
		return;
	kfree(p);
	kfree(p);
	KTEST_EXPECT(t, mm_test_log_has("slab: double free", "ktest_fn_heap_report_double_free"));
}
