// SPDX-License-Identifier: MIT
/*
 * Tests of the test machinery itself. ktest_glob_match is checked
 * directly; the "must" suites fail on purpose and run only when named
 * (tests/system/ktest.sh), to prove that a failure and a panic inside a
 * test are both seen by the runner and by QEMU's exit status, and that a
 * kernel stack overflow ends in a double-fault report.
 */
#include <xdv/ktest.h>
#include <xdv/arch/x86.h>
#include <xdv/cpu.h>
#include <xdv/mm.h>

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

/* Each call takes a little stack and uses it after the next call. */
static __attribute__((noinline)) unsigned recurse_deeper(unsigned depth)
{
	volatile char frame[200];

	frame[0] = (char)depth;
	if (depth > (1u << 30))
		return depth;
	return recurse_deeper(depth + 1) + frame[0];
}

static void overflow_this_stack(void)
{
	recurse_deeper(0);
}

KTEST(ktest_must_panic, kernel_stack_overflow)
{
	/*
	 * Run out of a guarded kernel stack: the page fault on the guard page
	 * cannot push its frame, so the CPU raises a double fault, which the
	 * IDT sends to its own IST stack: a report, not a triple fault.
	 */
	uint8_t *stack = kstack_alloc();

	if (!KTEST_EXPECT(t, stack != NULL))
		return;
	call_on_stack(stack + KERNEL_STACK_SIZE, overflow_this_stack);
}
