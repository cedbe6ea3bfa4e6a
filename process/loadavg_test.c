// SPDX-License-Identifier: MIT
/*
 * KTAP tests of the load-average arithmetic (process/loadavg.c): the
 * damped averages must approach a steady load as Linux's do, at the
 * rates their time constants give.
 */
#include <xdv/arch/x86.h>
#include <xdv/ktest.h>
#include "internal.h"

/* n samples (5 s apart) of a constant load of `threads` from `load`. */
static unsigned long run(unsigned long load, unsigned long exp, unsigned threads, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		load = loadavg_calc(load, exp, threads * LOADAVG_FIXED_1);
	return load;
}

KTEST(loadavg, one_busy_thread_one_minute_gives_0_63)
{
	/* 12 samples = 60 s: 1 - 1/e = 0.632 of the way, for the 1-min one;
	 * the 5- and 15-min ones lag (0.18, 0.06). */
	unsigned long l1 = run(0, LOADAVG_EXP_1, 1, 12);
	unsigned long l5 = run(0, LOADAVG_EXP_5, 1, 12);
	unsigned long l15 = run(0, LOADAVG_EXP_15, 1, 12);

	KTEST_EXPECT(t, l1 * 100 / LOADAVG_FIXED_1 >= 62 && l1 * 100 / LOADAVG_FIXED_1 <= 64);
	KTEST_EXPECT(t, l5 * 100 / LOADAVG_FIXED_1 >= 17 && l5 * 100 / LOADAVG_FIXED_1 <= 19);
	KTEST_EXPECT(t, l15 * 100 / LOADAVG_FIXED_1 >= 5 && l15 * 100 / LOADAVG_FIXED_1 <= 7);
}

KTEST(loadavg, steady_load_converges_and_idle_decays)
{
	unsigned long l = run(0, LOADAVG_EXP_1, 3, 200);

	/* Linux's rounding reaches the steady value exactly. */
	KTEST_EXPECT_EQ(t, l, 3 * LOADAVG_FIXED_1);
	l = run(l, LOADAVG_EXP_1, 0, 200);
	KTEST_EXPECT_EQ(t, l, 0);
}

static int spin_until(void *arg)
{
	volatile bool *stop = arg;

	while (!*stop)
		cpu_relax();
	return 0;
}

KTEST(loadavg, sampler_counts_a_busy_thread)
{
	volatile bool stop = false;
	unsigned long before[3], after[3];
	struct thread *th;

	loadavg_get(before);
	if (!KTEST_EXPECT_EQ(t, thread_create(kernel_process(), spin_until, (void *)&stop, NULL,
					      &th), 0))
		return;
	/* At least one 5 s sample falls in this sleep. */
	sched_sleep_ns(5500ull * 1000 * 1000);
	loadavg_get(after);
	stop = true;
	thread_join(th, NULL);
	/* Every sample saw at least one runnable thread (the spinner), so
	 * the average moved toward >= 1 by at least one step. */
	if (before[0] < LOADAVG_FIXED_1)
		KTEST_EXPECT(t, after[0] >= loadavg_calc(before[0], LOADAVG_EXP_1, LOADAVG_FIXED_1));
	else
		KTEST_EXPECT(t, after[0] >= LOADAVG_FIXED_1 - 1);
}
