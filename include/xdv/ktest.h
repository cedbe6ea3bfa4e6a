/* SPDX-License-Identifier: MIT */
/*
 * In-kernel tests, declared beside the code they test:
 *
 *     KTEST(printk, snprintf_pads_hex) {
 *         char buf[8];
 *         snprintf(buf, sizeof(buf), "%04x", 0xab);
 *         KTEST_EXPECT_STREQ(t, buf, "00ab");
 *     }
 *
 * Each KTEST puts a descriptor in the .ktest linker section. When the
 * command line says `ktest` (or `ktest=GLOB`, matched against
 * "suite.name"), kernel/ktest.c runs them after boot and reports in KTAP
 * version 1 (Linux KUnit's format). With debug_exit= also given, QEMU then
 * ends with DEBUG_EXIT_PASS or DEBUG_EXIT_FAIL.
 *
 * The EXPECT macros record a failure, print what was expected and what was
 * found, and evaluate to false; a test that cannot go on returns itself
 * (no macro hides a return).
 */
#pragma once

#include <xdv/compiler.h>

struct ktest {
	bool failed;
	const char *skip_reason; /* non-NULL: the test was skipped */
	unsigned checks;
};

struct ktest_case {
	const char *suite;
	const char *name;
	void (*run)(struct ktest *t);
};

#define KTEST(suite, name)                                                     \
	static void ktest_fn_##suite##_##name(struct ktest *t);                \
	static const struct ktest_case ktest_case_##suite##_##name             \
		__section(".ktest") __used __aligned(8) = {                    \
			#suite, #name, ktest_fn_##suite##_##name };            \
	static void ktest_fn_##suite##_##name(struct ktest *t __unused)

bool ktest_check(struct ktest *t, bool ok, const char *file, int line,
		 const char *expr);
bool ktest_check_eq(struct ktest *t, uint64_t a, uint64_t b, bool want_equal,
		    const char *file, int line, const char *ea, const char *eb);
bool ktest_check_streq(struct ktest *t, const char *a, const char *b,
		       const char *file, int line, const char *ea, const char *eb);
void ktest_skip(struct ktest *t, const char *reason);
/* A KTAP diagnostic line ("    # ...") with a figure worth seeing. */
void ktest_note(struct ktest *t, const char *fmt, ...) __printf(2, 3);

#define KTEST_EXPECT(t, cond) ktest_check((t), !!(cond), __FILE__, __LINE__, #cond)
#define KTEST_EXPECT_EQ(t, a, b) \
	ktest_check_eq((t), (uint64_t)(a), (uint64_t)(b), true, __FILE__, __LINE__, #a, #b)
#define KTEST_EXPECT_NE(t, a, b) \
	ktest_check_eq((t), (uint64_t)(a), (uint64_t)(b), false, __FILE__, __LINE__, #a, #b)
#define KTEST_EXPECT_STREQ(t, a, b) \
	ktest_check_streq((t), (a), (b), __FILE__, __LINE__, #a, #b)
#define KTEST_SKIP(t, reason) ktest_skip((t), (reason))

/*
 * Run the tests the command line asks for (none without `ktest`).
 * Return: number of failed tests.
 */
unsigned ktest_run_requested(void);

/* True when glob (with * and ?) matches the whole of text. */
bool ktest_glob_match(const char *glob, const char *text);
