// SPDX-License-Identifier: MIT
/*
 * The scheduler core: per-CPU run queues, schedule(), wake-ups, the tick,
 * preemption and the idle threads (include/xdv/sched.h says the policy).
 *
 * Each CPU's run queue holds its runnable threads in two priority arrays
 * (process/prio_array.h). The running thread is not queued. schedule()
 * puts it back (at the head of its level when it was preempted with time
 * left, at the tail when it yielded or used its slice; a normal thread
 * whose slice is used goes to the expired array with a fresh slice), then
 * runs the first thread of the lowest non-empty level of the active array;
 * when that array is empty the arrays swap.
 *
 * Blocking and waking without lost wake-ups: a thread marks itself
 * THREAD_BLOCKED (wait_prepare) before it checks its condition and calls
 * schedule(). thread_wake() takes the run queue lock of the thread's CPU;
 * if the thread is still on its CPU it only marks it runnable again, and
 * its schedule() then returns at once. The run queue lock is held across
 * the switch and released by the thread switched to (sched_finish_switch),
 * so a thread's stack is never used by two CPUs. Preemption (from an
 * interrupt or preempt_enable) keeps even a thread marked blocked
 * runnable: it has not yet checked its condition.
 *
 * Moving a thread between CPUs: a thread that must go elsewhere (woken
 * for another CPU, pushed off by its affinity) is first left READY in no
 * queue and on no CPU, "in transit", under its old CPU's lock; then
 * sched_migrate_queued takes both run queue locks and changes its `cpu`
 * and queues it in one step. So the lock of the CPU a thread's `cpu`
 * names, once held, keeps the thread on that run queue (or in transit):
 * sched_lock_thread_rq relies on it.
 *
 * The DEBUG build checks each run queue's invariants (rq_check.c) at
 * every schedule() and every move.
 *
 * Locks: see process/internal.h. Each run queue's lock is taken with
 * interrupts off; two at once in CPU order (double_rq_lock).
 */
#define pr_fmt(fmt) "sched: " fmt
#include <xdv/cpu.h>
#include <xdv/mm.h>
#include <xdv/panic.h>
#include <xdv/percpu.h>
#include <xdv/printk.h>
#include <xdv/smp.h>
#include <xdv/time.h>
#include <xdv/timer.h>
#include <xdv/arch/x86.h>
#include "internal.h"

struct runqueue runqueues[MAX_CPUS];
static struct timer ticks[MAX_CPUS];
static bool sched_running;

static inline struct runqueue *this_rq(void)
{
	return this_cpu()->rq;
}

struct thread *thread_current(void)
{
	return nr_cpus ? this_cpu()->current : NULL;
}

/* ---- priorities and slices -------------------------------------------- */

unsigned sched_prio_of(unsigned policy, int nice, unsigned rt_priority)
{
	if (policy == SCHED_FIFO || policy == SCHED_RR)
		return RT_PRIO_MAX - rt_priority;      /* 99 -> level 0 */
	return (unsigned)(PRIO_NORMAL + nice);        /* nice -20..19 -> 100..139 */
}

/*
 * A normal thread's slice grows linearly with its priority: nice 0 gets
 * the quantum, nice -20 twice that, nice 19 a twentieth (at least a tick).
 */
int64_t sched_slice_of(const struct thread *t)
{
	if (t->policy != SCHED_NORMAL)
		return (int64_t)CONFIG_SCHED_QUANTUM_NS;

	int64_t slice = (int64_t)(CONFIG_SCHED_QUANTUM_NS * (PRIO_LEVELS - t->prio) / 20);

	return MAX(slice, (int64_t)CONFIG_SCHED_TICK_NS);
}

/* ---- run queue operations (Locks: rq->lock) ----------------------------- */

void sched_enqueue(struct runqueue *rq, struct thread *t, bool at_head)
{
	lockdep_assert_held(&rq->lock);

	struct prio_array *a = rq->active;

	if (t->slice_ns <= 0) {
		t->slice_ns = sched_slice_of(t);
		at_head = false;
		if (t->policy == SCHED_NORMAL)
			a = rq->expired;
	}
	t->array = a;
	t->state = THREAD_READY;
	prio_array_add(a, &t->run_link, t->prio, at_head);
}

void sched_dequeue(struct runqueue *rq __unused, struct thread *t)
{
	prio_array_remove(t->array, &t->run_link, t->prio);
	t->array = NULL;
}

static struct thread *pick_next(struct runqueue *rq)
{
	lockdep_assert_held(&rq->lock);

	if (!rq->active->nr && rq->expired->nr) {
		struct prio_array *swap = rq->active;

		rq->active = rq->expired;
		rq->expired = swap;
	}

	int level = prio_array_first_level(rq->active);

	if (level < 0)
		return rq->idle;

	struct thread *t = list_first_entry(&rq->active->queue[level], struct thread, run_link);

	sched_dequeue(rq, t);
	return t;
}

/* Ask CPU cpu to reschedule: a flag, and an IPI if it is another CPU. */
static void resched_cpu(unsigned cpu)
{
	__atomic_store_n(&cpu_areas[cpu]->need_resched, true, __ATOMIC_RELEASE);
	if (cpu != this_cpu()->cpu)
		smp_send_reschedule(cpu);
}

/* t was just queued on rq: preempt rq's running thread if t outranks it. */
void sched_preempt_check(struct runqueue *rq, struct thread *t)
{
	struct thread *curr = rq->curr;

	if (curr->is_idle || t->prio < curr->prio)
		resched_cpu(rq->cpu);
}

/* Charge the time since curr's last accounting to curr and the CPU. */
static void account(struct runqueue *rq, struct thread *curr, uint64_t now)
{
	lockdep_assert_held(&rq->lock);

	uint64_t delta = now > curr->exec_start_ns ? now - curr->exec_start_ns : 0;

	curr->exec_start_ns = now;
	if (curr->is_idle) {
		rq->idle_ns += delta;
		return;
	}
	rq->busy_ns += delta;
	curr->runtime_ns += delta;
	if (curr->policy != SCHED_FIFO)
		curr->slice_ns -= (int64_t)delta;
}

/*
 * Lock the run queue of the CPU t is on, queued on, in transit from or
 * last ran on; t stays there until the lock is dropped (t->cpu changes
 * only with this lock held too). Return: that run queue, locked, with
 * interrupts off (*flags: the RFLAGS to give back to rq_unlock_restore).
 */
struct runqueue *sched_lock_thread_rq(struct thread *t, uint64_t *flags)
{
	*flags = read_rflags();
	cli();
	for (;;) {
		unsigned cpu = READ_ONCE(t->cpu);
		struct runqueue *rq = &runqueues[cpu];

		spin_lock(&rq->lock);
		if (READ_ONCE(t->cpu) == cpu)
			return rq;
		spin_unlock(&rq->lock);
	}
}

/* Unlock; with interrupts back on, a switch asked for meanwhile happens. */
void rq_unlock_restore(struct runqueue *rq, uint64_t flags)
{
	preempt_disable();
	spin_unlock(&rq->lock);
	irq_restore(flags);
	preempt_enable();
}

/* ---- the tick ----------------------------------------------------------- */

static void sched_tick(struct timer *tm, void *arg);

/* Start this CPU's tick. Context: on rq's CPU, interrupts off. */
static void tick_arm(struct runqueue *rq)
{
	rq->tick_armed = true;
	timer_start(&ticks[rq->cpu], time_since_boot_ns() + CONFIG_SCHED_TICK_NS,
		    sched_tick, NULL);
}

/*
 * Every CONFIG_SCHED_TICK_NS while this CPU runs threads: account, end a
 * slice that is used up, and now and then even out the load. The tick
 * stops when the CPU goes idle and restarts with its next thread.
 */
static void sched_tick(struct timer *tm __unused, void *arg __unused)
{
	struct runqueue *rq = this_rq();
	uint64_t now = time_since_boot_ns();
	bool balance;

	spin_lock(&rq->lock);
	account(rq, rq->curr, now);
	if (!rq->curr->is_idle && rq->curr->slice_ns <= 0)
		this_cpu()->need_resched = true;
	balance = now - rq->last_balance_ns >= CONFIG_SCHED_BALANCE_NS;
	if (balance)
		rq->last_balance_ns = now;
	rq->tick_armed = !rq->curr->is_idle || rq->nr_running;
	spin_unlock(&rq->lock);

	if (balance)
		sched_balance_tick(rq);
	if (rq->tick_armed)
		tick_arm(rq);
}

/* ---- switching ------------------------------------------------------------ */

/*
 * The second half of every switch, on the new thread's stack: the old
 * thread's stack is free now. Let go of the run queue lock taken by the
 * schedule() that switched here; hand a thread that may not stay on this
 * CPU to another; drop a dead thread's last running reference.
 */
static void sched_finish_switch(struct thread *prev)
{
	struct runqueue *rq = this_rq();
	bool dead = prev->state == THREAD_DEAD;
	bool must_move = !dead && !prev->is_idle && prev->state == THREAD_READY &&
			 !prev->array;

	__atomic_store_n(&prev->on_cpu, false, __ATOMIC_RELEASE);
	spin_unlock(&rq->lock);

	if (must_move) {
		unsigned to = sched_pick_cpu(prev, false);

		sched_migrate_queued(prev, to);
	}
	if (dead)
		thread_put(prev);
	if (!rq->tick_armed && !rq->curr->is_idle)
		tick_arm(rq);
}

/* The first code a new thread runs (cpu_context_init's entry). */
static __noreturn void thread_first_entry(struct cpu_context *prev)
{
	struct thread *t = thread_current();

	sched_finish_switch(container_of(prev, struct thread, ctx));
	sti();
	thread_exit(t->fn(t->arg));
}

void sched_prepare_context(struct thread *t)
{
	cpu_context_init(&t->ctx, (char *)t->kstack + KERNEL_STACK_SIZE, thread_first_entry,
			 t->ctx.fpu);
}

/*
 * Pick the next thread and switch to it. preempted: the running thread is
 * taken off the CPU against its will, so it stays runnable even if it
 * has marked itself blocked.
 */
static void __schedule(bool preempted)
{
	uint64_t flags = read_rflags();

	cli();

	struct percpu *pc = this_cpu();
	struct runqueue *rq = pc->rq;
	struct thread *prev = pc->current;
	uint64_t now = time_since_boot_ns();

	spin_lock(&rq->lock);
	sched_rq_assert(rq); /* DEBUG build only */
	pc->need_resched = false;
	account(rq, prev, now);

	bool yielded = prev->state == THREAD_RUNNING && prev->yielding;

	prev->yielding = false;
	if (prev->is_idle) {
		/* Never queued: picked when nothing else is. */
	} else if (prev->state == THREAD_DEAD ||
		   (prev->state == THREAD_BLOCKED && !preempted)) {
		sched_rq_dec_running(rq);
		prev->nvcsw++;
	} else if (!(prev->affinity & (1ULL << rq->cpu))) {
		/* Its affinity changed: sched_finish_switch moves it. */
		sched_rq_dec_running(rq);
		prev->state = THREAD_READY;
		prev->nivcsw++;
	} else {
		sched_enqueue(rq, prev, !yielded);
		if (yielded)
			prev->nvcsw++;
		else
			prev->nivcsw++;
	}

	struct thread *next = pick_next(rq);

	if (next == prev) {
		prev->state = THREAD_RUNNING;
		if (yielded)
			prev->nvcsw--;
		else if (!prev->is_idle)
			prev->nivcsw--;
		spin_unlock(&rq->lock);
		irq_restore(flags);
		return;
	}

	next->state = THREAD_RUNNING;
	next->on_cpu = true;
	next->exec_start_ns = now;
	next->cpus_run_on |= 1ULL << rq->cpu;
	rq->curr = next;
	rq->switches++;
	pc->current = next;
	/* The stack the CPU switches to when user mode is interrupted. */
	if (!next->is_idle)
		pc->tss.rsp[0] = (uint64_t)(uintptr_t)next->kstack + KERNEL_STACK_SIZE;

	struct cpu_context *last = cpu_context_switch(&prev->ctx, &next->ctx);

	/* prev runs again here, maybe on another CPU, maybe much later. */
	sched_finish_switch(container_of(last, struct thread, ctx));
	irq_restore(flags);
}

void schedule(void)
{
	__schedule(false);
}

void sched_yield(void)
{
	struct thread *t = thread_current();

	t->yielding = true;
	__schedule(false);
}

/* From the end of an interrupt (cpu/traps.c): preempt if asked to. */
void sched_irq_exit(bool interrupted_with_irqs_on)
{
	struct percpu *pc = this_cpu();

	if (sched_running && pc->need_resched && !pc->preempt_count &&
	    !pc->irq_nesting && interrupted_with_irqs_on)
		__schedule(true);
}

void preempt_schedule(void)
{
	if (sched_running && !this_cpu_preempt_count() && (read_rflags() & RFLAGS_IF) &&
	    !this_cpu()->irq_nesting)
		__schedule(true);
}

void sched_might_sleep(const char *file, int line)
{
	if (!sched_running)
		return;

	/* Interrupts off while the per-CPU area is read: preempted and moved
	 * between this_cpu() and ->current, a thread would see another CPU's. */
	uint64_t flags = read_rflags();

	cli();

	struct percpu *pc = this_cpu();

	if (pc->preempt_count || pc->irq_nesting || !(flags & RFLAGS_IF) ||
	    pc->current->is_idle) {
		/* Name the spinlocks that forbid it ("lockdep:" lines, DEBUG build). */
		lockdep_print_held_locks();
		panic("sleeping where it may not (%s:%d): preempt %u, irq %u, IF %d%s", file,
		      line, pc->preempt_count, pc->irq_nesting, !!(flags & RFLAGS_IF),
		      pc->current->is_idle ? ", idle thread" : "");
	}
	irq_restore(flags);
}

void sched_get_cpu_stats(unsigned cpu, struct sched_cpu_stats *out)
{
	struct runqueue *rq = &runqueues[cpu];

	*out = (struct sched_cpu_stats){ 0 };
	if (cpu >= nr_cpus || !rq->idle)
		return;

	uint64_t flags = spin_lock_irqsave(&rq->lock);

	out->nr_running = rq->nr_running;
	out->switches = rq->switches;
	out->busy_ns = rq->busy_ns;
	out->idle_ns = rq->idle_ns;
	out->steals = rq->steals;
	/* The running thread's stretch is charged at its next switch or tick
	 * (an idle CPU may have neither for long): count it now. */
	if (rq->curr) {
		uint64_t now = time_since_boot_ns(), start = rq->curr->exec_start_ns;

		if (now > start)
			*(rq->curr->is_idle ? &out->idle_ns : &out->busy_ns) += now - start;
	}
	spin_unlock_irqrestore(&rq->lock, flags);
}

/* ---- waking ----------------------------------------------------------------- */

bool thread_wake(struct thread *t)
{
	uint64_t flags;
	struct runqueue *rq = sched_lock_thread_rq(t, &flags);

	if (t->state != THREAD_BLOCKED) {
		rq_unlock_restore(rq, flags);
		return false;
	}
	if (t->on_cpu || t->array) {
		/* Not yet off its CPU (or preempted while it prepared to wait). */
		t->state = t->on_cpu ? THREAD_RUNNING : THREAD_READY;
		rq_unlock_restore(rq, flags);
		return true;
	}

	unsigned to = sched_pick_cpu(t, true);

	if (to != rq->cpu) {
		/* In transit: only sched_migrate_queued queues it, under both
		 * locks; meanwhile others may change its priority or affinity. */
		t->state = THREAD_READY;
		spin_unlock(&rq->lock);
		sched_migrate_queued(t, to);
		irq_restore(flags);
		return true;
	}
	rq->nr_running++;
	sched_enqueue(rq, t, false);
	sched_preempt_check(rq, t);
	rq_unlock_restore(rq, flags);
	return true;
}

/* Make a new thread runnable on the CPU its affinity and the load say. */
void sched_start_thread(struct thread *t)
{
	unsigned to = sched_pick_cpu(t, false);
	uint64_t flags = read_rflags();

	cli();
	WRITE_ONCE(t->cpu, to); /* nobody else knows t yet */
	t->state = THREAD_READY;
	sched_migrate_queued(t, to);
	irq_restore(flags);
}

/* ---- sleeping ----------------------------------------------------------------- */

static void sleep_timer_fired(struct timer *tm __unused, void *arg)
{
	thread_wake(arg);
}

bool sched_block_until(uint64_t deadline_ns)
{
	struct thread *me = thread_current();
	struct timer tm = { 0 };

	if (time_since_boot_ns() >= deadline_ns) {
		me->state = THREAD_RUNNING;
		return true;
	}
	timer_start(&tm, deadline_ns, sleep_timer_fired, me);
	schedule();
	timer_cancel(&tm);
	return time_since_boot_ns() >= deadline_ns;
}

void sched_sleep_until(uint64_t deadline_ns)
{
	might_sleep();
	struct thread *me = thread_current();

	while (time_since_boot_ns() < deadline_ns) {
		me->state = THREAD_BLOCKED;
		sched_block_until(deadline_ns);
	}
	me->state = THREAD_RUNNING;
}

void sched_sleep_ns(uint64_t ns)
{
	sched_sleep_until(time_since_boot_ns() + ns);
}

/* ---- exit ------------------------------------------------------------------------ */

__noreturn void sched_exit_current(void)
{
	struct thread *me = thread_current();

	cli();
	me->state = THREAD_DEAD;
	__schedule(false);
	panic("dead thread %d was scheduled again", me->tid);
}

/* ---- idle and start-up ----------------------------------------------------------- */

static __noreturn void idle_loop(void)
{
	struct runqueue *rq = this_rq();

	for (;;) {
		cli();
		if (this_cpu()->need_resched || rq->nr_running) {
			__schedule(false);
			continue;
		}
		if (sched_steal(rq))
			continue;
		safe_halt();
	}
}

static void rq_init(unsigned cpu, struct thread *idle)
{
	struct runqueue *rq = &runqueues[cpu];

	spin_lock_init(&rq->lock, "runqueue");
	prio_array_init(&rq->arrays[0]);
	prio_array_init(&rq->arrays[1]);
	rq->active = &rq->arrays[0];
	rq->expired = &rq->arrays[1];
	rq->cpu = cpu;
	rq->idle = idle;
	rq->curr = idle;
	rq->last_balance_ns = time_since_boot_ns();
	idle->cpu = cpu;
	idle->affinity = 1ULL << cpu;
	cpu_areas[cpu]->rq = rq;
}

/* CPU 0's idle thread starts here, at the first switch to it. */
static __noreturn void idle_first_entry(struct cpu_context *prev)
{
	sched_finish_switch(container_of(prev, struct thread, ctx));
	idle_loop();
}

void sched_init(void)
{
	struct percpu *pc = this_cpu();

	process_init();

	struct thread *idle = thread_alloc_idle(0);
	struct thread *boot = thread_adopt_boot_context();

	if (!idle || !boot)
		panic("no memory for the boot and idle threads");
	/* The boot stack becomes the boot thread's; the idle thread gets one. */
	idle->kstack = kstack_alloc();
	if (!idle->kstack)
		panic("no memory for CPU 0's idle stack");
	idle->static_stack = false;
	cpu_context_init(&idle->ctx, (char *)idle->kstack + KERNEL_STACK_SIZE,
			 idle_first_entry, NULL);
	rq_init(0, idle);

	struct runqueue *rq = &runqueues[0];

	boot->cpu = 0;
	boot->affinity = 1; /* the rest of boot (and the tests) run on CPU 0 */
	boot->on_cpu = true;
	boot->state = THREAD_RUNNING;
	boot->exec_start_ns = time_since_boot_ns();
	boot->cpus_run_on = 1;
	rq->curr = boot;
	rq->nr_running = 1;
	pc->current = boot;
	sched_running = true;
	tick_arm(rq);
	sti(); /* boot goes on as a thread that can be preempted and sleep */
	pr_info("O(1) scheduler: %u priority levels, quantum %lu ms, tick %lu ms\n",
		PRIO_LEVELS, (unsigned long)(CONFIG_SCHED_QUANTUM_NS / 1000000),
		(unsigned long)(CONFIG_SCHED_TICK_NS / 1000000));
}

void sched_init_ap(void)
{
	struct percpu *pc = this_cpu();
	struct thread *idle = thread_alloc_idle(pc->cpu);

	if (!idle)
		panic("no memory for CPU %u's idle thread", pc->cpu);
	rq_init(pc->cpu, idle);
	idle->on_cpu = true;
	idle->state = THREAD_RUNNING;
	idle->exec_start_ns = time_since_boot_ns();
	idle->cpus_run_on = 1ULL << pc->cpu;
	pc->current = idle;
}

__noreturn void sched_idle_forever(void)
{
	idle_loop();
}
