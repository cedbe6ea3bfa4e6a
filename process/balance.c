// SPDX-License-Identifier: MIT
/*
 * Where threads run: placing new and woken threads, moving threads between
 * run queues, and evening out the load.
 *
 * - A new thread goes to the least-loaded CPU its affinity allows (the
 *   calling CPU first among equals), a woken one back to its last CPU if
 *   that is idle, else to the least-loaded allowed CPU (its last CPU first
 *   among equals: its cache may still be warm).
 * - An idle CPU pulls a waiting thread from the busiest CPU before it
 *   halts (idle stealing); a busy CPU's tick pulls from a CPU with at least
 *   two threads more than it has, and wakes idle CPUs when threads are
 *   waiting here (periodic balancing).
 *
 * Load is the number of runnable threads, read without locks for the
 * choice (a stale figure costs a poorer choice, never correctness); the
 * move itself holds both run queue locks, and a thread's `cpu` changes
 * only while both are held.
 *
 * Locks: run queue locks, two at once in CPU order (double_rq_lock).
 */
#include <xdv/panic.h>
#include <xdv/percpu.h>
#include <xdv/smp.h>
#include <xdv/arch/x86.h>
#include "internal.h"

static unsigned load_of(unsigned cpu)
{
	return READ_ONCE(runqueues[cpu].nr_running);
}

static bool cpu_is_idle(unsigned cpu)
{
	return load_of(cpu) == 0;
}

unsigned sched_pick_cpu(const struct thread *t, bool waking)
{
	uint64_t allowed = READ_ONCE(t->affinity) & smp_online_mask();
	unsigned first = waking ? t->cpu : this_cpu_id();

	if (!allowed)
		return first < nr_cpus ? first : 0; /* no online CPU allowed: stay */
	if (waking && (allowed & (1ULL << first)) && cpu_is_idle(first))
		return first;

	/* The first allowed CPU wins until a less loaded one comes: a CPU
	 * the affinity forbids is never the answer, whatever the loads read. */
	int best = -1;
	unsigned best_load = 0;

	for (unsigned i = 0; i < nr_cpus; i++) {
		unsigned cpu = (first + i) % nr_cpus;

		if (!(allowed & (1ULL << cpu)))
			continue;

		unsigned load = load_of(cpu);

		if (best < 0 || load < best_load) {
			best = (int)cpu;
			best_load = load;
		}
	}
	if (best < 0) /* allowed names only CPUs beyond nr_cpus */
		return first < nr_cpus ? first : 0;
	return (unsigned)best;
}

static void double_rq_lock(struct runqueue *a, struct runqueue *b)
{
	if (a == b) {
		spin_lock(&a->lock);
	} else if (a->cpu < b->cpu) {
		spin_lock(&a->lock);
		spin_lock_nested(&b->lock, 1);
	} else {
		spin_lock(&b->lock);
		spin_lock_nested(&a->lock, 1);
	}
}

static void double_rq_unlock(struct runqueue *a, struct runqueue *b)
{
	spin_unlock(&a->lock);
	if (a != b)
		spin_unlock(&b->lock);
}

/*
 * Queue t, which is in transit: READY, in no queue and on no CPU (just
 * created, woken for another CPU, or pushed off a CPU its affinity no
 * longer allows), on CPU `to` or, if its affinity changed meanwhile, on
 * one it allows.
 *
 * The move holds the locks of both run queues (the one t->cpu names and
 * the new one): t->cpu changes only with both held (here and in
 * pull_one), so whoever holds the lock of t->cpu (sched_lock_thread_rq)
 * sees t stay on that run queue, or in transit, until it lets go. In
 * transit, only this function queues t; others may change its priority or
 * affinity, which it reads under both locks.
 * Context: interrupts off; no run queue lock held.
 */
void sched_migrate_queued(struct thread *t, unsigned to)
{
	for (;;) {
		unsigned cpu = READ_ONCE(t->cpu);
		struct runqueue *from = &runqueues[cpu];
		struct runqueue *rq = &runqueues[to];

		double_rq_lock(from, rq);
		BUG_ON(t->cpu != cpu || t->array || t->on_cpu || t->state != THREAD_READY);
		if (!(t->affinity & (1ULL << to)) && (t->affinity & smp_online_mask())) {
			double_rq_unlock(from, rq);
			to = sched_pick_cpu(t, false);
			continue;
		}
		if (cpu != to)
			t->migrations++;
		WRITE_ONCE(t->cpu, to);
		rq->nr_running++;
		sched_enqueue(rq, t, false);
		sched_preempt_check(rq, t);
		sched_rq_assert(rq);
		if (from != rq)
			sched_rq_assert(from);
		double_rq_unlock(from, rq);
		return;
	}
}

/* A queued thread of `from` that may run on CPU `cpu`: RT and high first. */
static struct thread *find_movable(struct runqueue *from, unsigned cpu)
{
	struct prio_array *arrays[2] = { from->active, from->expired };

	for (unsigned i = 0; i < 2; i++) {
		for (int level = prio_array_first_level(arrays[i]); level >= 0;
		     level = prio_array_next_level(arrays[i], (unsigned)level + 1)) {
			list_for_each(node, &arrays[i]->queue[level]) {
				struct thread *t = list_entry(node, struct thread, run_link);

				if (t->affinity & (1ULL << cpu))
					return t;
			}
		}
	}
	return NULL;
}

/* The CPU with the most runnable threads, if it has at least `min`. */
static int busiest_cpu(unsigned self, unsigned min)
{
	int best = -1;
	unsigned best_load = min - 1;

	for (unsigned cpu = 0; cpu < nr_cpus; cpu++) {
		if (cpu == self || !(smp_online_mask() & (1ULL << cpu)))
			continue;

		unsigned load = load_of(cpu);

		if (load > best_load) {
			best = (int)cpu;
			best_load = load;
		}
	}
	return best;
}

/* Move one waiting thread from `from` to rq. Context: interrupts off. */
static bool pull_one(struct runqueue *rq, struct runqueue *from, unsigned min_gap)
{
	bool moved = false;

	double_rq_lock(rq, from);
	if (from->nr_running >= rq->nr_running + min_gap) {
		struct thread *t = find_movable(from, rq->cpu);

		if (t) {
			sched_dequeue(from, t);
			sched_rq_dec_running(from);
			WRITE_ONCE(t->cpu, rq->cpu);
			t->migrations++;
			rq->nr_running++;
			sched_enqueue(rq, t, false);
			sched_preempt_check(rq, t);
			rq->steals++;
			moved = true;
			sched_rq_assert(rq);
			sched_rq_assert(from);
		}
	}
	double_rq_unlock(rq, from);
	return moved;
}

/* An idle CPU about to halt: take a waiting thread from the busiest CPU. */
bool sched_steal(struct runqueue *rq)
{
	int from = busiest_cpu(rq->cpu, 2);

	/* A CPU with two runnable threads has one waiting; this one has none. */
	return from >= 0 && pull_one(rq, &runqueues[from], 2);
}

/*
 * A busy CPU's periodic balance: pull from a CPU two threads busier, and
 * wake idle CPUs if threads wait here (they steal when they wake).
 */
void sched_balance_tick(struct runqueue *rq)
{
	uint64_t flags = read_rflags();

	cli();

	int from = busiest_cpu(rq->cpu, READ_ONCE(rq->nr_running) + 2);

	if (from >= 0)
		pull_one(rq, &runqueues[from], 2);
	if (READ_ONCE(rq->nr_running) >= 2) {
		for (unsigned cpu = 0; cpu < nr_cpus; cpu++)
			if (cpu != rq->cpu && (smp_online_mask() & (1ULL << cpu)) &&
			    cpu_is_idle(cpu))
				smp_send_reschedule(cpu);
	}
	irq_restore(flags);
}
