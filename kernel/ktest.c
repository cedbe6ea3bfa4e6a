// SPDX-License-Identifier: MIT
/*
 * The in-kernel test runner (see include/xdv/ktest.h for how tests are
 * written). Tests are found between the linker symbols _ktest_start and
 * _ktest_end, grouped by suite in the order suites first appear, filtered
 * by the ktest=GLOB command-line value, run one by one, and reported in
 * KTAP version 1 through printk:
 *
 *   KTAP version 1
 *   1..2
 *     KTAP version 1
 *     # Subtest: printk
 *     1..3
 *     ok 1 snprintf_pads_hex
 *     ...
 *   ok 1 printk
 *
 * Some suites run only when the filter starts with their name
 * (ktest=timing_sched): "ktest_must_..." fail or panic on purpose, so that
 * the system tests can prove a failure is seen; "timing_..." hold measured
 * time against bounds, which only means something where the clock counts
 * the guest's own work (QEMU -icount); "stress_..." run thousands of
 * threads, too slow for every machine variant the system tests boot;
 * "tmpfs_big" needs more memory (a 256 MiB file) than those machines have.
 *
 * Locks: none; tests run on the boot CPU after initialization.
 */
#include <xdv/ktest.h>
#include <xdv/cmdline.h>
#include <xdv/drivers.h>
#include <xdv/printk.h>
#include <xdv/arch/x86.h>
#include <xdv/string.h>

#define KTEST_SUITES_MAX  128
/* Suites that fail on purpose: run only when the filter names them. */
#define KTEST_MUST_PREFIX "ktest_must_"

extern const struct ktest_case _ktest_start[], _ktest_end[];

bool ktest_glob_match(const char *glob, const char *text)
{
	const char *star = NULL, *resume = NULL;

	while (*text) {
		if (*glob == '?' || (*glob && *glob == *text)) {
			glob++;
			text++;
		} else if (*glob == '*') {
			star = glob++;
			resume = text;
		} else if (star) {
			glob = star + 1;
			text = ++resume;
		} else {
			return false;
		}
	}
	while (*glob == '*')
		glob++;
	return *glob == '\0';
}

static bool ktest_is_selected(const struct ktest_case *c, const char *glob)
{
	char full[128];

	static const char *const only_when_named[] = { "ktest_must_", "timing_", "stress_",
						       "tmpfs_big" };

	for (unsigned i = 0; i < ARRAY_SIZE(only_when_named); i++)
		if (!strncmp(c->suite, only_when_named[i], strlen(only_when_named[i])) &&
		    strncmp(glob, c->suite, strlen(c->suite)))
			return false;
	snprintf(full, sizeof(full), "%s.%s", c->suite, c->name);
	return ktest_glob_match(glob, full) || ktest_glob_match(glob, c->suite);
}

bool ktest_check(struct ktest *t, bool ok, const char *file, int line,
		 const char *expr)
{
	t->checks++;
	if (!ok) {
		t->failed = true;
		printk(LOG_INFO, "    # %s:%d: expected %s\n", file, line, expr);
	}
	return ok;
}

bool ktest_check_eq(struct ktest *t, uint64_t a, uint64_t b, bool want_equal,
		    const char *file, int line, const char *ea, const char *eb)
{
	t->checks++;
	if ((a == b) != want_equal) {
		t->failed = true;
		printk(LOG_INFO, "    # %s:%d: expected %s %s %s\n", file, line, ea,
		       want_equal ? "==" : "!=", eb);
		printk(LOG_INFO, "    #   %s = %ld (0x%lx)\n", ea, (long)a, a);
		printk(LOG_INFO, "    #   %s = %ld (0x%lx)\n", eb, (long)b, b);
		return false;
	}
	return true;
}

bool ktest_check_streq(struct ktest *t, const char *a, const char *b,
		       const char *file, int line, const char *ea, const char *eb)
{
	t->checks++;
	if (!a || !b || strcmp(a, b)) {
		t->failed = true;
		printk(LOG_INFO, "    # %s:%d: expected %s == %s\n", file, line, ea, eb);
		printk(LOG_INFO, "    #   %s = \"%s\"\n", ea, a);
		printk(LOG_INFO, "    #   %s = \"%s\"\n", eb, b);
		return false;
	}
	return true;
}

void ktest_skip(struct ktest *t, const char *reason)
{
	t->skip_reason = reason;
}

void ktest_note(struct ktest *t __unused, const char *fmt, ...)
{
	char line[160];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	printk(LOG_INFO, "    # %s\n", line);
}

struct ktest_totals {
	unsigned passed, failed, skipped;
};

/* Run the selected cases of one suite as KTAP subtest number index. */
static bool ktest_run_suite(const char *suite, unsigned index, const char *glob,
			    struct ktest_totals *tot)
{
	unsigned planned = 0, n = 0;
	bool suite_failed = false;

	for (const struct ktest_case *c = _ktest_start; c < _ktest_end; c++)
		if (!strcmp(c->suite, suite) && ktest_is_selected(c, glob))
			planned++;

	printk(LOG_INFO, "  KTAP version 1\n  # Subtest: %s\n  1..%u\n", suite, planned);
	for (const struct ktest_case *c = _ktest_start; c < _ktest_end; c++) {
		if (strcmp(c->suite, suite) || !ktest_is_selected(c, glob))
			continue;
		struct ktest t = { 0 };
		uint64_t flags = read_rflags();

		c->run(&t);
		n++;
		/* A test must hand back the CPU as it got it: interrupts too. */
		if ((read_rflags() ^ flags) & RFLAGS_IF) {
			ktest_check(&t, false, __FILE__, __LINE__, "interrupts as the test found them");
			irq_restore(flags);
		}
		if (t.failed) {
			suite_failed = true;
			tot->failed++;
			printk(LOG_INFO, "  not ok %u %s\n", n, c->name);
		} else if (t.skip_reason) {
			tot->skipped++;
			printk(LOG_INFO, "  ok %u %s # SKIP %s\n", n, c->name, t.skip_reason);
		} else {
			tot->passed++;
			printk(LOG_INFO, "  ok %u %s\n", n, c->name);
		}
	}
	printk(LOG_INFO, "%s %u %s\n", suite_failed ? "not ok" : "ok", index, suite);
	return !suite_failed;
}

unsigned ktest_run_requested(void)
{
	const char *glob = cmdline_get(&kernel_cmdline, "ktest");
	const char *suites[KTEST_SUITES_MAX];
	unsigned nsuites = 0;

	if (!glob)
		return 0;
	if (!*glob)
		glob = "*";

	/* Suites with at least one selected case, in order of appearance. */
	for (const struct ktest_case *c = _ktest_start; c < _ktest_end; c++) {
		unsigned i;

		if (!ktest_is_selected(c, glob))
			continue;
		for (i = 0; i < nsuites; i++)
			if (!strcmp(suites[i], c->suite))
				break;
		if (i == nsuites && nsuites < KTEST_SUITES_MAX)
			suites[nsuites++] = c->suite;
	}

	struct ktest_totals tot = { 0 };

	printk(LOG_INFO, "KTAP version 1\n1..%u\n", nsuites);
	for (unsigned i = 0; i < nsuites; i++)
		ktest_run_suite(suites[i], i + 1, glob, &tot);
	printk(LOG_INFO, "# ktest: %u passed, %u failed, %u skipped\n", tot.passed,
	       tot.failed, tot.skipped);
	if (nsuites == 0)
		pr_warn("ktest: no test matches '%s'\n", glob);

	debug_exit(tot.failed == 0 && nsuites > 0 ? DEBUG_EXIT_PASS : DEBUG_EXIT_FAIL);
	return tot.failed;
}
