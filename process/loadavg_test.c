// SPDX-License-Identifier: MIT
/*
 * KTAP tests of the load-average arithmetic (process/loadavg.c): the
 * damped averages must approach a steady load as Linux's do, at the
 * rates their time constants give.
 */
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
