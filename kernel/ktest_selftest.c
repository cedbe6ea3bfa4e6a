// SPDX-License-Identifier: MIT
/*
 * Tests of the test machinery itself. ktest_glob_match is checked
 * directly; the two "must" suites fail on purpose and run only when named
 * (tests/system/ktest.sh), to prove that a failure and a panic inside a
 * test are both seen by the runner and by QEMU's exit status.
 */
#include <xdv/ktest.h>
#include <xdv/arch/x86.h>

KTEST(ktest, glob_star_and_question_mark_match)
{
	KTEST_EXPECT(t, ktest_glob_match("*", ""));
	KTEST_EXPECT(t, ktest_glob_match("*", "printk.format"));
	KTEST_EXPECT(t, ktest_glob_match("printk.*", "printk.format"));
	KTEST_EXPECT(t, ktest_glob_match("pr?ntk.f*t", "printk.format"));
	KTEST_EXPECT(t, ktest_glob_match("*.*t", "printk.format"));
	KTEST_EXPECT(t, !ktest_glob_match("printk", "printk.format"));
	KTEST_EXPECT(t, !ktest_glob_match("?", ""));
	KTEST_EXPECT(t, !ktest_glob_match("a*b", "a"));
}

KTEST(ktest_must_fail, expect_eq_reports_both_values)
{
	KTEST_EXPECT_EQ(t, 2 + 2, 5);
}

KTEST(ktest_must_panic, invalid_opcode)
{
	/*
	 * ud2 with no fixup: nothing handles it, so the kernel panics. (Not
	 * __builtin_trap(): gcc then drops this function's frame, and the
	 * backtrace the system test checks would skip its caller.)
	 */
	t->checks++;
	invalid_opcode();
	t->checks++;
}
