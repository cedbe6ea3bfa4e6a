// SPDX-License-Identifier: MIT
/*
 * Load averages as Linux computes them: every 5 seconds the number of
 * runnable threads on all CPUs (the running ones included, idle threads
 * not) is folded into three exponentially-damped moving averages with
 * time constants of 1, 5 and 15 minutes, in 11-bit fixed point:
 *     load = load * e + n * (1 - e),   e = exp(-5 s / T)
 * with Linux's constants (EXP_1 1884, EXP_5 2014, EXP_15 2037) and its
 * rounding, so the figures match what the same load gives on Linux.
 * XDV has no uninterruptible sleep yet, so Linux's "+ nr_uninterruptible"
 * adds nothing.
 *
 * The sample is taken by a self-rearming one-shot timer on the boot CPU
 * (interrupt context), so the sampler itself is never counted as running.
 *
 * Locks: none; the averages are written by the timer only and read with
 * relaxed atomic loads (a reader may see the three from different samples
 * for an instant, as on Linux).
 */
#include <xdv/percpu.h>
#include <xdv/time.h>
#include <xdv/timer.h>
#include "internal.h"

#define LOAD_FREQ_NS (5ull * 1000000000ull)

static unsigned long avenrun[3];
static struct timer loadavg_timer;
static uint64_t next_sample_ns;

unsigned sched_nr_running(void)
{
	unsigned n = 0;

	for (unsigned c = 0; c < READ_ONCE(nr_cpus); c++)
		n += READ_ONCE(runqueues[c].nr_running);
	return n;
}

/* One step of the damped average (Linux's calc_load, with its rounding). */
unsigned long loadavg_calc(unsigned long load, unsigned long exp, unsigned long active)
{
	unsigned long newload = load * exp + active * (LOADAVG_FIXED_1 - exp);

	if (active >= load)
		newload += LOADAVG_FIXED_1 - 1;
	return newload / LOADAVG_FIXED_1;
}

static void loadavg_sample(struct timer *t, void *arg)
{
	unsigned long active = (unsigned long)sched_nr_running() * LOADAVG_FIXED_1;
	static const unsigned long exps[3] = { LOADAVG_EXP_1, LOADAVG_EXP_5, LOADAVG_EXP_15 };

	for (int i = 0; i < 3; i++) {
		unsigned long v = __atomic_load_n(&avenrun[i], __ATOMIC_RELAXED);

		__atomic_store_n(&avenrun[i], loadavg_calc(v, exps[i], active), __ATOMIC_RELAXED);
	}
	next_sample_ns += LOAD_FREQ_NS;
	timer_start(t, next_sample_ns, loadavg_sample, arg);
}

void loadavg_get(unsigned long out[3])
{
	for (int i = 0; i < 3; i++)
		out[i] = __atomic_load_n(&avenrun[i], __ATOMIC_RELAXED);
}

void loadavg_init(void)
{
	next_sample_ns = time_since_boot_ns() + LOAD_FREQ_NS;
	timer_start(&loadavg_timer, next_sample_ns, loadavg_sample, NULL);
}
