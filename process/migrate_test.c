// SPDX-License-Identifier: MIT
/*
 * In-kernel regression tests of moving threads between run queues.
 *
 * A wake-up that moves a thread to another CPU used to change its `cpu`
 * and queue it under the new CPU's lock only, so a holder of the old CPU's
 * lock (thread_set_scheduling, thread_set_affinity, through
 * sched_lock_thread_rq) could edit a thread queued on another CPU. The
 * sched_migrate test stages that: it holds the old CPU's run queue lock
 * while the thread is in transit and checks the thread stays put (four
 * CPUs; skipped below). The stress_sched suite (named by
 * tests/system/sched.sh) runs it longer, and also races affinity flips,
 * wake-ups and priority changes from three CPUs (the trigger the defect
 * was reported with; it wedged the unfixed kernel once in 5000 rounds,
 * not reliably), then checks every run queue's invariants.
 */
#include <xdv/ktest.h>
#include <xdv/percpu.h>
#include <xdv/sched.h>
#include <xdv/smp.h>
#include <xdv/time.h>
#include <xdv/arch/x86.h>
#include "internal.h"

#define MIGRATE_FLIPS 8 /* extra affinity flips a round, while it runs */

struct migrate_race {
	struct wait_queue go_wq;
	unsigned go;              /* bumped, then go_wq woken, once a round */
	struct semaphore ack;
	struct thread *sleeper;
	volatile bool stop;
	uint64_t flips;           /* priority changes the flipper made */
	uint64_t sleeper_cpus;    /* CPUs the sleeper ran on after its first wake */
	unsigned rounds;
};

/*
 * Sleeps on go_wq; every wake-up lands it on a different CPU. (wait_event,
 * not semaphore_down: its affinity changes while it runs too, and
 * sched_might_sleep() moved to another CPU halfway would read the old
 * CPU's current thread.)
 */
static int migrate_sleeper(void *arg)
{
	struct migrate_race *r = arg;
	unsigned seen = 0;

	for (;;) {
		wait_event(&r->go_wq, READ_ONCE(r->go) != seen);
		seen = READ_ONCE(r->go);
		if (READ_ONCE(r->stop))
			break;
		for (unsigned spin = 0; spin < 2000; spin++) {
			r->sleeper_cpus |= 1ULL << this_cpu_id();
			cpu_relax();
		}
		semaphore_up(&r->ack);
	}
	return 0;
}

/* Changes the sleeper's priority as fast as it can, from its own CPU. */
static int migrate_flipper(void *arg)
{
	struct migrate_race *r = arg;

	while (!READ_ONCE(r->stop)) {
		(void)thread_set_scheduling(r->sleeper, SCHED_NORMAL, (r->flips & 1) ? 10 : -10);
		r->flips++;
	}
	return 0;
}

static void migrate_go(struct migrate_race *r)
{
	WRITE_ONCE(r->go, r->go + 1);
	wake_up_one(&r->go_wq);
}

/* Every run queue passes the invariant check; returns the CPUs that fail. */
static uint64_t broken_run_queues(void)
{
	uint64_t broken = 0;

	for (unsigned cpu = 0; cpu < nr_cpus; cpu++) {
		struct runqueue *rq = &runqueues[cpu];
		const char *what = NULL;
		uint64_t flags = spin_lock_irqsave(&rq->lock);
		int err = sched_rq_check(rq, &what, NULL);

		spin_unlock_irqrestore(&rq->lock, flags);
		if (err)
			broken |= 1ULL << cpu;
	}
	return broken;
}

/*
 * The sleeper sleeps on a wait queue; CPU 0 flips its affinity between
 * CPUs 1 and 2 and wakes it (so every wake-up moves it, and so does a flip
 * while it runs), while a thread pinned to CPU 3 changes its priority in a
 * loop.
 */
static void run_migrate_race(struct ktest *t, unsigned rounds)
{
	static struct migrate_race r;
	struct thread_attr sleeper_attr = { .name = "mig_sleeper", .affinity = 1ULL << 1 };
	struct thread_attr flipper_attr = { .name = "mig_flipper", .affinity = 1ULL << 3 };
	struct thread *flipper;

	if (nr_cpus < 4) {
		KTEST_SKIP(t, "needs 4 CPUs");
		return;
	}
	r = (struct migrate_race){ .rounds = rounds };
	wait_queue_init(&r.go_wq, "migrate_go");
	semaphore_init(&r.ack, 0);
	if (!KTEST_EXPECT_EQ(t, thread_create(kernel_process(), migrate_sleeper, &r,
					      &sleeper_attr, &r.sleeper), 0))
		return;
	if (!KTEST_EXPECT_EQ(t, thread_create(kernel_process(), migrate_flipper, &r,
					      &flipper_attr, &flipper), 0)) {
		r.stop = true;
		migrate_go(&r);
		thread_join(r.sleeper, NULL);
		return;
	}
	for (unsigned i = 0; i < rounds; i++) {
		KTEST_EXPECT_EQ(t, thread_set_affinity(r.sleeper, 1ULL << (1 + (i & 1))), 0);
		migrate_go(&r);
		/* More moves while it runs or waits to run: each one races too. */
		for (unsigned k = 0; k < MIGRATE_FLIPS; k++)
			(void)thread_set_affinity(r.sleeper, 1ULL << (1 + ((i + k + 1) & 1)));
		semaphore_down(&r.ack);
	}
	r.stop = true;
	migrate_go(&r);
	thread_join(r.sleeper, NULL);
	thread_join(flipper, NULL);

	KTEST_EXPECT_EQ(t, r.sleeper_cpus & ~((1ULL << 1) | (1ULL << 2)), 0);
	KTEST_EXPECT_EQ(t, broken_run_queues(), 0);
	for (unsigned cpu = 0; cpu < nr_cpus; cpu++) {
		struct sched_cpu_stats st;

		sched_get_cpu_stats(cpu, &st);
		KTEST_EXPECT(t, st.nr_running < 1000); /* no underflow */
	}
	ktest_note(t, "%u rounds, %lu priority changes raced them", rounds,
		   (unsigned long)r.flips);
}

KTEST(stress_sched, wake_that_moves_thread_raced_by_priority_changes_keeps_queues_intact)
{
	run_migrate_race(t, 50);
}

/* ---- the old CPU's lock, held during a wake-up's move ---- */

struct held_move {
	struct wait_queue wq;
	unsigned go, acked;       /* the sleeper wakes when go changes */
	unsigned waker_go;        /* the waker wakes it when this changes */
	volatile bool stop;
};

static int held_sleeper(void *arg)
{
	struct held_move *h = arg;
	unsigned seen = 0;

	while (!READ_ONCE(h->stop)) {
		wait_event(&h->wq, READ_ONCE(h->go) != seen);
		seen = READ_ONCE(h->go);
		__atomic_store_n(&h->acked, seen, __ATOMIC_RELEASE);
	}
	return 0;
}

static int held_waker(void *arg)
{
	struct held_move *h = arg;
	unsigned done = 0;

	while (!READ_ONCE(h->stop)) {
		if (READ_ONCE(h->waker_go) == done) {
			cpu_relax();
			continue;
		}
		done = READ_ONCE(h->waker_go);
		WRITE_ONCE(h->go, done);
		wake_up_one(&h->wq);
	}
	return 0;
}

/*
 * One round: the sleeper, asleep on CPU `old`, may now run only on the
 * other of CPUs 1 and 2 (`to`); the waker (CPU 3) wakes it, which moves
 * it. Only moves from CPU 2 to CPU 1 are staged (the lock order). The caller holds `to`'s run queue lock, so the move stalls, and
 * takes `old`'s while the sleeper is in transit; then it lets `to`'s go
 * and, as sched_lock_thread_rq() promises, the sleeper must stay on `old`
 * until the caller lets go of `old`'s lock.
 * Return: 1 if it moved under the lock, 0 if not, -1 if not staged.
 */
static int held_move_round(struct held_move *h, struct thread *sleeper, unsigned round)
{
	while (READ_ONCE(sleeper->state) != THREAD_BLOCKED || READ_ONCE(sleeper->on_cpu))
		cpu_relax();

	unsigned old = READ_ONCE(sleeper->cpu), to = old == 1 ? 2 : 1;
	struct runqueue *rq = &runqueues[old];
	int result = -1;

	if (thread_set_affinity(sleeper, 1ULL << to))
		return -1;

	if (to > old) {
		/* Taking `to`'s lock before `old`'s would invert the lock order
		 * (and deadlock with the move): just move it back to CPU 2. */
		WRITE_ONCE(h->waker_go, round);
		while (__atomic_load_n(&h->acked, __ATOMIC_ACQUIRE) != round)
			cpu_relax();
		return -1;
	}

	uint64_t flags = read_rflags();
	struct runqueue *rq_to = &runqueues[to];

	cli();
	spin_lock(&rq_to->lock); /* the move waits here until the sleeper is in transit */
	WRITE_ONCE(h->waker_go, round);
	for (uint64_t end = time_since_boot_ns() + 5000000;
	     READ_ONCE(rq->lock.owner_cpu) != 3 && time_since_boot_ns() < end;)
		cpu_relax();
	spin_lock_nested(&rq->lock, 1); /* two run queues, in CPU order (double_rq_lock) */

	bool in_transit = READ_ONCE(sleeper->cpu) == old && sleeper->state == THREAD_READY &&
			  !sleeper->array;

	spin_unlock(&rq_to->lock); /* now the move may go on, but not past `old`'s lock */
	if (in_transit) {
		result = 0;
		for (uint64_t end = time_since_boot_ns() + 1000000; time_since_boot_ns() < end;)
			if (READ_ONCE(sleeper->cpu) != old)
				result = 1;
	}
	spin_unlock(&rq->lock);
	irq_restore(flags);
	while (__atomic_load_n(&h->acked, __ATOMIC_ACQUIRE) != round)
		cpu_relax();
	return result;
}

static void run_held_move(struct ktest *t, unsigned rounds)
{
	static struct held_move h;
	struct thread_attr sleeper_attr = { .name = "held_sleeper", .affinity = 1ULL << 2 };
	struct thread_attr waker_attr = { .name = "held_waker", .affinity = 1ULL << 3 };
	struct thread *sleeper, *waker;
	unsigned staged = 0, moved = 0;

	if (nr_cpus < 4) {
		KTEST_SKIP(t, "needs 4 CPUs");
		return;
	}
	h = (struct held_move){ 0 };
	wait_queue_init(&h.wq, "held_move");
	if (!KTEST_EXPECT_EQ(t, thread_create(kernel_process(), held_sleeper, &h, &sleeper_attr,
					      &sleeper), 0))
		return;
	if (!KTEST_EXPECT_EQ(t, thread_create(kernel_process(), held_waker, &h, &waker_attr,
					      &waker), 0)) {
		h.stop = true;
		WRITE_ONCE(h.go, ~0u);
		wake_up_all(&h.wq);
		thread_join(sleeper, NULL);
		return;
	}
	for (unsigned i = 1; i <= rounds; i++) {
		int r = held_move_round(&h, sleeper, i);

		staged += r >= 0;
		moved += r > 0;
	}
	h.stop = true;
	WRITE_ONCE(h.go, ~0u);
	wake_up_all(&h.wq);
	thread_join(sleeper, NULL);
	thread_join(waker, NULL);
	ktest_note(t, "%u rounds, %u staged: %u moved off a CPU whose lock was held", rounds,
		   staged, moved);
	KTEST_EXPECT_EQ(t, moved, 0);
	KTEST_EXPECT(t, staged > 0);
}

KTEST(sched_migrate, wake_move_waits_for_the_old_cpus_run_queue_lock)
{
	run_held_move(t, 20);
}

KTEST(stress_sched, wake_move_waits_for_the_old_cpus_run_queue_lock)
{
	run_held_move(t, 200);
}
