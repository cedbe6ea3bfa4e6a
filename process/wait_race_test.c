// SPDX-License-Identifier: MIT
/*
 * In-kernel regression tests of wait-queue races:
 *
 * - a timed wait that times out must not swallow a wake-one that comes
 *   while it gives up: the up() is staged (through the ticket lock's
 *   arrival order) to come right after the timing-out waiter's first look
 *   at the count after its deadline, and a second waiter queued behind it
 *   must get the unit;
 * - a waiter must not be able to return from wait_finish() while its waker
 *   is still on its way to thread_wake() it (after that the waiter may
 *   exit and be freed): the waiter's CPU's run queue lock is held so that
 *   the waker stalls inside thread_wake(), and the waiter must still be
 *   inside wait_finish() then.
 *
 * sched_wait runs short versions everywhere (skipped below four and three
 * CPUs);
 * the stress_sched suite (named by tests/system/sched.sh) runs many more trials.
 */
#include <xdv/ktest.h>
#include <xdv/percpu.h>
#include <xdv/sched.h>
#include <xdv/smp.h>
#include <xdv/time.h>
#include <xdv/arch/x86.h>
#include "internal.h"

#define MS 1000000ULL

static unsigned waiters_of(struct wait_queue *wq)
{
	unsigned n = 0;
	uint64_t flags = spin_lock_irqsave(&wq->lock);

	list_for_each(node, &wq->waiters)
		n++;
	spin_unlock_irqrestore(&wq->lock, flags);
	return n;
}

/* Spin (preemptibly) until *flag is set or deadline_ns. Return: *flag. */
static bool spin_until_set(volatile bool *flag, uint64_t deadline_ns)
{
	while (!*flag && time_since_boot_ns() < deadline_ns)
		cpu_relax();
	return *flag;
}

/* ---- a timed wait that times out while a wake-one arrives ---- */

struct timeout_race {
	struct semaphore sem;
	uint64_t deadline_ns;       /* the timed waiter's; set before it waits */
	volatile bool deadline_set;
	volatile bool timed_done, timed_ok;
	volatile bool second_done;
	volatile bool up_now, up_done;
};

/* CPU 1: a timed down() that times out. */
static int timed_waiter(void *arg)
{
	struct timeout_race *r = arg;

	r->deadline_ns = time_since_boot_ns() + 5 * MS;
	__atomic_store_n(&r->deadline_set, true, __ATOMIC_RELEASE);
	r->timed_ok = semaphore_down_until(&r->sem, r->deadline_ns);
	__atomic_store_n(&r->timed_done, true, __ATOMIC_RELEASE);
	return 0;
}

/* CPU 2: an untimed down(), queued behind the timed one. */
static int second_waiter(void *arg)
{
	struct timeout_race *r = arg;

	while (!waiters_of(&r->sem.wq) && !r->timed_done)
		cpu_relax();
	semaphore_down(&r->sem);
	__atomic_store_n(&r->second_done, true, __ATOMIC_RELEASE);
	return 0;
}

/* CPU 3: up() when told to. */
static int upper(void *arg)
{
	struct timeout_race *r = arg;

	while (!r->up_now)
		cpu_relax();
	semaphore_up(&r->sem);
	r->up_done = true;
	return 0;
}

static bool is_asleep(struct thread *th)
{
	struct thread_stats st;

	thread_get_stats(th, &st);
	return st.state == THREAD_BLOCKED;
}

/* Lock holder plus waiters of a ticket lock. */
static unsigned lock_tickets_out(const struct spinlock *lock)
{
	return (uint16_t)(READ_ONCE(lock->next) - READ_ONCE(lock->serving));
}

struct timeout_tally {
	unsigned trials, lost, timed_out, took, skipped, not_queued;
};

/*
 * One trial. CPU 0 (the caller) holds the queue's lock across the timed
 * waiter's deadline. The ticket lock serves in arrival order: once the
 * timed waiter (woken by its timeout) waits for the lock, the upper takes
 * the next ticket; so the up() comes right after the timed waiter's first
 * look at the count after its deadline, before it can leave the queue.
 */
static void timeout_trial(struct ktest *t, struct timeout_tally *tally)
{
	static struct timeout_race r;
	struct thread_attr a1 = { .name = "timed_waiter", .affinity = 1ULL << 1 };
	struct thread_attr a2 = { .name = "second_waiter", .affinity = 1ULL << 2 };
	struct thread_attr a3 = { .name = "upper", .affinity = 1ULL << 3 };
	struct thread *th1, *th2, *th3;
	struct spinlock *lock = &r.sem.wq.lock;
	bool staged = false, queued = false;

	r = (struct timeout_race){ 0 };
	semaphore_init(&r.sem, 0);
	if (!KTEST_EXPECT_EQ(t, thread_create(kernel_process(), timed_waiter, &r, &a1, &th1), 0))
		return;
	if (!KTEST_EXPECT_EQ(t, thread_create(kernel_process(), second_waiter, &r, &a2, &th2), 0)) {
		thread_join(th1, NULL);
		return;
	}
	if (!KTEST_EXPECT_EQ(t, thread_create(kernel_process(), upper, &r, &a3, &th3), 0)) {
		thread_join(th1, NULL);
		semaphore_up(&r.sem);
		thread_join(th2, NULL);
		return;
	}
	while (!__atomic_load_n(&r.deadline_set, __ATOMIC_ACQUIRE))
		cpu_relax();
	while (waiters_of(&r.sem.wq) < 2 && time_since_boot_ns() < r.deadline_ns)
		cpu_relax();

	uint64_t flags = spin_lock_irqsave(lock);

	/* Both asleep (so their next look at the lock comes after a wake-up),
	 * the timed one first in the queue. */
	if (!list_is_empty(&r.sem.wq.waiters) && list_first_entry(&r.sem.wq.waiters,
	    struct wait_entry, link)->thread == th1 && !r.timed_done &&
	    is_asleep(th1) && is_asleep(th2)) {
		/* Both queued, the timed one first. Wait for its ticket. */
		uint64_t end = r.deadline_ns + 20 * MS;

		queued = true;
		while (lock_tickets_out(lock) < 2 && time_since_boot_ns() < end)
			cpu_relax();
		staged = lock_tickets_out(lock) == 2 && is_asleep(th2);
	}
	r.up_now = true;
	if (staged)
		while (lock_tickets_out(lock) < 3)
			cpu_relax();
	spin_unlock_irqrestore(lock, flags);

	spin_until_set(&r.timed_done, ~0ULL);
	spin_until_set(&r.up_done, ~0ULL);

	/* Lost: the unit is there, and the second waiter still sleeps in the
	 * queue (a woken one is off it, however slow it is to run). */
	uint64_t flags2 = spin_lock_irqsave(lock);
	bool lost = !r.timed_ok && r.sem.count > 0 && !list_is_empty(&r.sem.wq.waiters);

	spin_unlock_irqrestore(lock, flags2);

	if (lost || r.timed_ok)
		semaphore_up(&r.sem); /* let it go */
	thread_join(th1, NULL);
	thread_join(th2, NULL);
	thread_join(th3, NULL);
	if (!staged) {
		tally->skipped++;
		tally->not_queued += !queued;
		return;
	}
	tally->trials++;
	tally->lost += lost;
	tally->timed_out += !r.timed_ok;
	tally->took += r.timed_ok;
}

static void run_timeout_race(struct ktest *t, unsigned trials)
{
	struct timeout_tally tally = { 0 };

	if (nr_cpus < 4) {
		KTEST_SKIP(t, "needs 4 CPUs");
		return;
	}
	for (unsigned i = 0; i < trials; i++)
		timeout_trial(t, &tally);
	ktest_note(t, "%u trials: %u lost wake-ups, %u timed out, %u took the unit "
		   "(%u more not staged, %u of them not queued in time)", tally.trials, tally.lost,
		   tally.timed_out, tally.took, tally.skipped, tally.not_queued);
	KTEST_EXPECT_EQ(t, tally.lost, 0);
	KTEST_EXPECT(t, tally.trials > 0);
}

KTEST(sched_wait, timed_down_timing_out_during_up_passes_the_wakeup_on)
{
	run_timeout_race(t, 10);
}

KTEST(stress_sched, timed_down_timing_out_during_up_passes_the_wakeup_on)
{
	run_timeout_race(t, 300);
}

/* ---- wait_finish() while the waker is still waking ---- */

struct finish_race {
	struct wait_queue wq;
	volatile bool ready_waiter, ready_waker, irqs_off, go;
	volatile bool prepared, waker_started, waker_done, returned;
};

/* CPU 1: queue, see the entry taken off (or give up), wait_finish(). */
static int finish_waiter(void *arg)
{
	struct finish_race *r = arg;
	struct wait_entry e = WAIT_ENTRY_INIT(e);
	uint64_t flags = read_rflags();

	r->ready_waiter = true;
	/* Interrupts go off only once nobody needs this CPU for a TLB
	 * shootdown (thread_create); and the tick would wait for the run
	 * queue lock the test holds. */
	while (!r->irqs_off)
		cpu_relax();
	cli();
	r->ready_waiter = false;
	while (!r->go)
		cpu_relax();
	wait_prepare(&r->wq, &e);
	r->prepared = true;
	for (uint64_t end = time_since_boot_ns() + 20 * MS;
	     list_is_linked(&e.link) && time_since_boot_ns() < end;)
		cpu_relax();
	wait_finish(&r->wq, &e);
	__atomic_store_n(&r->returned, true, __ATOMIC_RELEASE);
	irq_restore(flags);
	return 0;
}

/* CPU 2: wake it; thread_wake() stalls on CPU 1's run queue lock. */
static int finish_waker(void *arg)
{
	struct finish_race *r = arg;

	r->ready_waker = true;
	while (!r->prepared)
		cpu_relax();
	r->waker_started = true;
	wake_up_one(&r->wq);
	__atomic_store_n(&r->waker_done, true, __ATOMIC_RELEASE);
	return 0;
}

/* One round. Return: true if wait_finish returned while the waker was inside wake_up. */
static bool finish_round(struct ktest *t, bool *staged)
{
	static struct finish_race r;
	struct thread_attr a1 = { .name = "finish_waiter", .affinity = 1ULL << 1 };
	struct thread_attr a2 = { .name = "finish_waker", .affinity = 1ULL << 2 };
	struct thread *th1, *th2;
	struct runqueue *rq1 = &runqueues[1];
	bool early;

	*staged = false;
	r = (struct finish_race){ 0 };
	wait_queue_init(&r.wq, "finish_race");
	if (!KTEST_EXPECT_EQ(t, thread_create(kernel_process(), finish_waiter, &r, &a1, &th1), 0))
		return false;
	if (!KTEST_EXPECT_EQ(t, thread_create(kernel_process(), finish_waker, &r, &a2, &th2), 0)) {
		r.irqs_off = true;
		r.go = true;
		r.prepared = true;
		thread_join(th1, NULL);
		return false;
	}
	while (!r.ready_waiter || !r.ready_waker)
		cpu_relax();
	r.irqs_off = true;
	while (r.ready_waiter)
		cpu_relax();

	uint64_t flags = read_rflags();

	cli();
	spin_lock(&rq1->lock);
	r.go = true;
	spin_until_set(&r.waker_started, time_since_boot_ns() + 20 * MS);
	spin_until_set(&r.returned, time_since_boot_ns() + 25 * MS);
	/* The waker holds the queue's lock while it is stuck in thread_wake. */
	*staged = READ_ONCE(r.wq.lock.owner_cpu) == 2;
	early = *staged && __atomic_load_n(&r.returned, __ATOMIC_ACQUIRE);
	spin_unlock(&rq1->lock);
	irq_restore(flags);
	thread_join(th1, NULL);
	thread_join(th2, NULL);
	return early;
}

static void run_finish_race(struct ktest *t, unsigned rounds)
{
	unsigned early = 0, staged = 0;

	if (nr_cpus < 3) {
		KTEST_SKIP(t, "needs 3 CPUs");
		return;
	}
	for (unsigned i = 0; i < rounds; i++) {
		bool s;

		early += finish_round(t, &s);
		staged += s;
	}
	ktest_note(t, "%u rounds, %u staged: in %u wait_finish returned before thread_wake was done",
		   rounds, staged, early);
	KTEST_EXPECT_EQ(t, early, 0);
	KTEST_EXPECT(t, staged > 0);
}

KTEST(sched_wait, wait_finish_during_wake_up_returns_only_after_the_wake)
{
	run_finish_race(t, 5);
}

KTEST(stress_sched, wait_finish_during_wake_up_returns_only_after_the_wake)
{
	run_finish_race(t, 50);
}
