/* SPDX-License-Identifier: MIT */
/*
 * In-kernel benchmarks, declared beside the code they measure:
 *
 *     KBENCH(pmm_order0_alloc_free, 100000) {
 *         for (uint64_t i = 0; i < n; i++)
 *             pmm_free_pages(pmm_alloc_pages(0, 0), 0);
 *         return n;
 *     }
 *
 * The body runs n operations and returns how many it did (0: it could not
 * run). When the command line says `bench` (or `bench=GLOB`),
 * kernel/kbench.c runs each once to warm up with n / 10 operations, then
 * times n of them with the TSC clock and prints
 *     bench: <name> <ns>.<tenths> ns/op (<n> ops)
 * `make bench` boots with QEMU's -icount, where guest time counts
 * instructions, so the figures repeat exactly between runs.
 */
#pragma once

#include <xdv/compiler.h>

struct kbench_case {
	const char *name;
	uint64_t (*run)(uint64_t n);
	uint64_t ops;
};

#define KBENCH(bname, nops)                                                    \
	static uint64_t kbench_fn_##bname(uint64_t n);                         \
	static const struct kbench_case kbench_case_##bname                    \
		__section(".kbench") __used __aligned(8) = {                   \
			#bname, kbench_fn_##bname, (nops) };                   \
	static uint64_t kbench_fn_##bname(uint64_t n)

/*
 * For a body that measures only part of its work (a latency inside a
 * loop that also sets up each round): the nanoseconds to report instead
 * of the body's whole running time.
 */
void kbench_set_elapsed(uint64_t ns);

/* Run the benchmarks the command line asks for (none without `bench`). */
void kbench_run_requested(void);
