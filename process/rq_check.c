// SPDX-License-Identifier: MIT
/*
 * Run-queue invariants, checked by the DEBUG build at every schedule() and
 * every move of a thread between run queues (sched_rq_assert), and by
 * tests on any build (sched_rq_check):
 *
 * - each priority array's bitmap bit n is set exactly when list n is not
 *   empty, and its count equals the entries of its lists;
 * - a queued thread is READY, off every CPU, not this CPU's running or
 *   idle thread, queued at the level of its priority, its `array` names
 *   the array it is in and its `cpu` names this run queue;
 * - the running thread is in no queue, on its CPU, and its `cpu` names
 *   this run queue;
 * - nr_running equals the queued threads plus the running one (idle not
 *   counted) and has not wrapped below zero.
 *
 * Together these say a thread is on at most one queue and one CPU: its one
 * `cpu` field must name every queue it is on and the CPU it runs on.
 * The cost is a walk of the 2 x 140 levels and of the queued threads.
 *
 * Locks: the caller holds rq->lock; nothing here takes a lock.
 */
#include <xdv/config.h>
#include <xdv/errno.h>
#include <xdv/panic.h>
#include "internal.h"

/* More queued threads than this means a list that loops. */
#define RQ_CHECK_MAX_QUEUED (CONFIG_MAX_THREADS + MAX_CPUS)

static int rq_fail(const char **what, const struct thread **who, const char *invariant,
		   const struct thread *t)
{
	if (what)
		*what = invariant;
	if (who)
		*who = t;
	return -EINVAL;
}

/* Check one array of rq; add its entries to *queued. */
static int array_check(const struct runqueue *rq, const struct prio_array *a,
		       unsigned *queued, const char **what, const struct thread **who)
{
	unsigned count = 0;

	for (unsigned level = 0; level < PRIO_LEVELS; level++) {
		const struct list_node *list = &a->queue[level];
		bool bit = a->bitmap[level / 64] & (1ULL << (level % 64));

		if (bit == list_is_empty(list))
			return rq_fail(what, who, "priority bitmap does not match the lists", NULL);
		list_for_each(node, list) {
			const struct thread *t = list_entry(node, struct thread, run_link);

			if (++count > RQ_CHECK_MAX_QUEUED)
				return rq_fail(what, who, "a priority list loops", NULL);
			if (t->array != a)
				return rq_fail(what, who, "queued thread's array is not the one it is in", t);
			if (t->prio != level)
				return rq_fail(what, who, "queued thread is not at its priority's level", t);
			if (t->cpu != rq->cpu)
				return rq_fail(what, who, "queued thread's cpu names another run queue", t);
			if (t == rq->curr || t->is_idle)
				return rq_fail(what, who, "running or idle thread is queued", t);
			if (t->state != THREAD_READY || t->on_cpu)
				return rq_fail(what, who, "queued thread is not READY and off-CPU", t);
		}
	}
	if (count != a->nr)
		return rq_fail(what, who, "priority array count does not match its lists", NULL);
	*queued += count;
	return 0;
}

int sched_rq_check(const struct runqueue *rq, const char **what, const struct thread **who)
{
	const struct thread *curr = rq->curr;
	unsigned queued = 0;
	int err;

	if (rq->nr_running > RQ_CHECK_MAX_QUEUED)
		return rq_fail(what, who, "nr_running went below zero", NULL);
	if (rq->active == rq->expired ||
	    (rq->active != &rq->arrays[0] && rq->active != &rq->arrays[1]) ||
	    (rq->expired != &rq->arrays[0] && rq->expired != &rq->arrays[1]))
		return rq_fail(what, who, "active and expired are not the two arrays", NULL);
	err = array_check(rq, rq->active, &queued, what, who);
	if (!err)
		err = array_check(rq, rq->expired, &queued, what, who);
	if (err)
		return err;
	if (curr->array || curr->cpu != rq->cpu || !curr->on_cpu)
		return rq_fail(what, who, "running thread is queued, or not on this CPU", curr);
	if (rq->nr_running != queued + !curr->is_idle)
		return rq_fail(what, who, "nr_running is not the queued threads plus the running one",
			       NULL);
	return 0;
}

void sched_rq_assert_slow(const struct runqueue *rq)
{
	const char *what = NULL;
	const struct thread *who = NULL;

	if (sched_rq_check(rq, &what, &who))
		panic("run queue of CPU %u broken: %s (thread %d \"%s\", nr_running %u)", rq->cpu,
		      what, who ? who->tid : -1, who ? who->name : "-", rq->nr_running);
}

void sched_rq_underflow(const struct runqueue *rq)
{
	panic("run queue of CPU %u broken: nr_running would go below zero", rq->cpu);
}
