// SPDX-License-Identifier: MIT
/*
 * In-kernel tests of the run-queue invariant checker (rq_check.c): a
 * private run queue with stand-in threads, never a CPU's, is built
 * consistent, then broken one way at a time; sched_rq_check must name each
 * broken invariant (and never panics: only sched_rq_assert does).
 */
#include <xdv/ktest.h>
#include <xdv/string.h>
#include "internal.h"

#define FAKE_CPU 7

static struct runqueue fake_rq;
static struct thread fake_threads[3];

/* curr = thread 0 (running), threads 1 and 2 queued at two levels. */
static void fake_rq_build(void)
{
	struct runqueue *rq = &fake_rq;

	memset(rq, 0, sizeof(*rq));
	memset(fake_threads, 0, sizeof(fake_threads));
	prio_array_init(&rq->arrays[0]);
	prio_array_init(&rq->arrays[1]);
	rq->active = &rq->arrays[0];
	rq->expired = &rq->arrays[1];
	rq->cpu = FAKE_CPU;
	spin_lock_init(&rq->lock, "fake_runqueue");
	for (unsigned i = 0; i < 3; i++) {
		struct thread *t = &fake_threads[i];

		list_init(&t->run_link);
		t->tid = (pid_t)(1000 + i);
		t->policy = SCHED_NORMAL;
		t->prio = (uint8_t)(PRIO_NORMAL + i);
		t->slice_ns = 1000000;
		t->cpu = FAKE_CPU;
	}
	rq->curr = &fake_threads[0];
	fake_threads[0].on_cpu = true;
	fake_threads[0].state = THREAD_RUNNING;
	spin_lock(&rq->lock); /* sched_enqueue asserts it, as for a real queue */
	sched_enqueue(rq, &fake_threads[1], false);
	sched_enqueue(rq, &fake_threads[2], false);
	spin_unlock(&rq->lock);
	rq->nr_running = 3;
}

/* The invariant the checker names for the fake run queue, or "ok". */
static const char *fake_rq_verdict(void)
{
	const char *what = "ok";

	(void)sched_rq_check(&fake_rq, &what, NULL);
	return what;
}

KTEST(sched_rq_check, consistent_run_queue_passes)
{
	fake_rq_build();
	KTEST_EXPECT_EQ(t, sched_rq_check(&fake_rq, NULL, NULL), 0);
	KTEST_EXPECT_STREQ(t, fake_rq_verdict(), "ok");
}

KTEST(sched_rq_check, bitmap_bit_of_nonempty_level_cleared_is_caught)
{
	fake_rq_build();
	fake_rq.active->bitmap[(PRIO_NORMAL + 1) / 64] &= ~(1ULL << ((PRIO_NORMAL + 1) % 64));
	KTEST_EXPECT_STREQ(t, fake_rq_verdict(), "priority bitmap does not match the lists");
}

KTEST(sched_rq_check, nr_running_off_by_one_is_caught)
{
	fake_rq_build();
	fake_rq.nr_running = 2;
	KTEST_EXPECT_STREQ(t, fake_rq_verdict(),
			   "nr_running is not the queued threads plus the running one");
}

KTEST(sched_rq_check, nr_running_wrapped_below_zero_is_caught)
{
	fake_rq_build();
	fake_rq.nr_running = 0xffffffffu;
	KTEST_EXPECT_STREQ(t, fake_rq_verdict(), "nr_running went below zero");
}

KTEST(sched_rq_check, queued_thread_naming_another_cpu_is_caught)
{
	const struct thread *who = NULL;

	fake_rq_build();
	fake_threads[2].cpu = FAKE_CPU - 1;
	KTEST_EXPECT_STREQ(t, fake_rq_verdict(), "queued thread's cpu names another run queue");
	KTEST_EXPECT_NE(t, sched_rq_check(&fake_rq, NULL, &who), 0);
	KTEST_EXPECT(t, who == &fake_threads[2]);
}

KTEST(sched_rq_check, running_thread_also_queued_is_caught)
{
	fake_rq_build();
	fake_rq.curr = &fake_threads[1];
	fake_threads[1].on_cpu = true;
	KTEST_EXPECT_STREQ(t, fake_rq_verdict(), "running or idle thread is queued");
}

KTEST(sched_rq_check, queued_thread_at_wrong_level_is_caught)
{
	fake_rq_build();
	fake_threads[2].prio = PRIO_NORMAL + 5;
	KTEST_EXPECT_STREQ(t, fake_rq_verdict(), "queued thread is not at its priority's level");
}

KTEST(sched_rq_check, array_count_off_is_caught)
{
	fake_rq_build();
	fake_rq.active->nr++;
	KTEST_EXPECT_STREQ(t, fake_rq_verdict(), "priority array count does not match its lists");
}

KTEST(sched_rq_check, running_thread_on_another_cpu_is_caught)
{
	fake_rq_build();
	fake_threads[0].cpu = FAKE_CPU + 1;
	KTEST_EXPECT_STREQ(t, fake_rq_verdict(), "running thread is queued, or not on this CPU");
}
