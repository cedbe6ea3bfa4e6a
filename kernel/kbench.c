// SPDX-License-Identifier: MIT
/*
 * The in-kernel benchmark runner (see include/xdv/kbench.h). Benchmarks are
 * found between _kbench_start and _kbench_end, filtered by bench=GLOB, and
 * timed with time_since_boot_ns(). Results are printed at LOG_NOTICE so
 * that they show with the default console level; with debug_exit= QEMU
 * then ends with the pass status.
 *
 * Locks: none; runs on the boot CPU after initialization.
 */
#include <xdv/cmdline.h>
#include <xdv/drivers.h>
#include <xdv/kbench.h>
#include <xdv/ktest.h>
#include <xdv/printk.h>
#include <xdv/time.h>
#include <xdv/arch/x86.h>

extern const struct kbench_case _kbench_start[], _kbench_end[];

static uint64_t elapsed_override;

void kbench_set_elapsed(uint64_t ns)
{
	elapsed_override = ns;
}

/* Time n ops of b. Return: nanoseconds, or 0 if the body refused to run. */
static uint64_t kbench_time(const struct kbench_case *b, uint64_t n, uint64_t *done)
{
	uint64_t flags = read_rflags();

	elapsed_override = 0;

	uint64_t start = time_since_boot_ns();

	*done = b->run(n);

	uint64_t ns = time_since_boot_ns() - start;

	/* A body must hand back the CPU as it got it: interrupts too. */
	if ((read_rflags() ^ flags) & RFLAGS_IF) {
		pr_warn("bench: %s left interrupts %s\n", b->name, (flags & RFLAGS_IF) ? "off" : "on");
		irq_restore(flags);
	}

	return elapsed_override ? elapsed_override : ns;
}

void kbench_run_requested(void)
{
	const char *glob = cmdline_get(&kernel_cmdline, "bench");
	unsigned ran = 0;

	if (!glob)
		return;
	if (!*glob)
		glob = "*";
	if (!time_tsc_khz())
		pr_warn("bench: the clock is not calibrated; figures will read 0\n");

	for (const struct kbench_case *b = _kbench_start; b < _kbench_end; b++) {
		uint64_t done, ns;

		if (!ktest_glob_match(glob, b->name))
			continue;
		kbench_time(b, b->ops / 10 ? b->ops / 10 : 1, &done); /* warm-up */
		ns = kbench_time(b, b->ops, &done);
		ran++;
		if (!done) {
			pr_notice("bench: %-34s could not run\n", b->name);
			continue;
		}
		uint64_t tenths = ns * 10 / done;

		pr_notice("bench: %-34s %6lu.%lu ns/op (%lu ops)\n", b->name, tenths / 10,
			  tenths % 10, done);
	}
	pr_notice("bench: %u benchmarks done\n", ran);
	debug_exit(DEBUG_EXIT_PASS);
}
