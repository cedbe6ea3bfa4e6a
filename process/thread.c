// SPDX-License-Identifier: MIT
/*
 * Threads: creation, exit, join, references, attributes and statistics.
 *
 * A thread is freed when its last reference goes: one is held while it
 * can still run (dropped by the CPU that switched away from it for the
 * last time, in sched_finish_switch), one by whoever created it until
 * thread_join() or thread_detach(). Each thread holds a reference on its
 * process. Kernel stacks come from vmalloc (a guard page below each); a
 * few freed ones are kept for the next thread, which spares a map, an
 * unmap and a TLB shootdown per thread.
 *
 * Locks: stack_cache_lock (leaf); thread fields are guarded as
 * process/internal.h says.
 */
#define pr_fmt(fmt) "thread: " fmt
#include <xdv/errno.h>
#include <xdv/fpu.h>
#include <xdv/mm.h>
#include <xdv/panic.h>
#include <xdv/percpu.h>
#include <xdv/printk.h>
#include <xdv/smp.h>
#include <xdv/string.h>
#include <xdv/time.h>
#include <xdv/arch/x86.h>
#include "internal.h"

#define STACK_CACHE_MAX 32
#define FPU_ALIGN       64

unsigned nr_threads_live, nr_processes_live;

static struct spinlock stack_cache_lock = SPINLOCK_INIT("stack_cache");
static void *stack_cache[STACK_CACHE_MAX];
static unsigned stack_cache_count;

extern char boot_stack_bottom[], boot_stack_top[];

bool counter_take(unsigned *counter, unsigned limit)
{
	unsigned v = __atomic_load_n(counter, __ATOMIC_RELAXED);

	do {
		if (v >= limit)
			return false;
	} while (!__atomic_compare_exchange_n(counter, &v, v + 1, true, __ATOMIC_ACQ_REL,
					      __ATOMIC_RELAXED));
	return true;
}

void counter_give(unsigned *counter)
{
	__atomic_fetch_sub(counter, 1, __ATOMIC_RELEASE);
}

unsigned sched_nr_threads(void)
{
	return __atomic_load_n(&nr_threads_live, __ATOMIC_RELAXED);
}

static void *stack_get(void)
{
	uint64_t flags = spin_lock_irqsave(&stack_cache_lock);
	void *stack = stack_cache_count ? stack_cache[--stack_cache_count] : NULL;

	spin_unlock_irqrestore(&stack_cache_lock, flags);
	return stack ? stack : kstack_alloc();
}

static void stack_put(void *stack)
{
	uint64_t flags = spin_lock_irqsave(&stack_cache_lock);

	if (stack_cache_count < STACK_CACHE_MAX) {
		stack_cache[stack_cache_count++] = stack;
		stack = NULL;
	}
	spin_unlock_irqrestore(&stack_cache_lock, flags);
	if (stack)
		kstack_free(stack);
}

int thread_apply_attr(struct thread *t, const struct thread_attr *attr)
{
	static const struct thread_attr defaults;

	if (!attr)
		attr = &defaults;
	switch (attr->policy) {
	case SCHED_NORMAL:
		if (attr->nice < NICE_MIN || attr->nice > NICE_MAX)
			return -EINVAL;
		break;
	case SCHED_FIFO:
	case SCHED_RR:
		if (attr->rt_priority < RT_PRIO_MIN || attr->rt_priority > RT_PRIO_MAX)
			return -EINVAL;
		break;
	default:
		return -EINVAL;
	}
	if (attr->affinity && !(attr->affinity & smp_online_mask()))
		return -EINVAL;
	t->policy = (uint8_t)attr->policy;
	t->nice = (int8_t)(attr->policy == SCHED_NORMAL ? attr->nice : 0);
	t->rt_priority = (uint8_t)(attr->policy == SCHED_NORMAL ? 0 : attr->rt_priority);
	t->prio = (uint8_t)sched_prio_of(t->policy, t->nice, t->rt_priority);
	t->affinity = attr->affinity ? attr->affinity : ~0ULL;
	t->slice_ns = sched_slice_of(t);
	if (attr->name)
		strlcpy(t->name, attr->name, sizeof(t->name));
	return 0;
}

/* The common part of every thread: no stack, no id, not counted. */
static struct thread *thread_new(struct process *proc)
{
	struct thread *t = kzalloc(sizeof(*t), 0);

	if (!t)
		return NULL;
	process_get(proc);
	t->process = proc;
	t->refs = 1;
	list_init(&t->run_link);
	list_init(&t->process_link);
	completion_init(&t->exited);
	strlcpy(t->name, process_name(proc), sizeof(t->name));
	return t;
}

static void thread_free(struct thread *t)
{
	if (t->kstack && !t->static_stack)
		stack_put(t->kstack);
	kfree(t->fpu_alloc);
	if (t->tid > 0 && t->tid != process_pid(t->process))
		pid_free(t->tid);
	kfree(t);
}

struct thread *thread_alloc_idle(unsigned cpu)
{
	struct thread *t = thread_new(kernel_process());

	if (!t)
		return NULL;
	t->is_idle = true;
	t->static_stack = true;
	t->prio = PRIO_LEVELS; /* below everything */
	t->state = THREAD_RUNNING;
	t->affinity = 1ULL << cpu;
	snprintf(t->name, sizeof(t->name), "idle/%u", cpu);
	return t;
}

struct thread *thread_adopt_boot_context(void)
{
	struct thread *t = thread_new(kernel_process());
	int tid = pid_alloc();

	if (!t || tid < 0)
		return NULL; /* boot cannot go on anyway */
	t->tid = tid;
	t->kstack = boot_stack_bottom;
	t->static_stack = true;
	t->refs = 2; /* running; and it is never joined */
	(void)thread_apply_attr(t, &(struct thread_attr){ .name = "boot" });
	counter_take(&nr_threads_live, CONFIG_MAX_THREADS);
	process_add_thread(kernel_process(), t);
	return t;
}

struct thread *thread_alloc(struct process *proc, const struct thread_attr *attr, int *err)
{
	struct thread *t;

	*err = -EAGAIN;
	if (!counter_take(&nr_threads_live, CONFIG_MAX_THREADS))
		return NULL;
	*err = -ENOMEM;
	t = thread_new(proc);
	if (!t)
		goto out_uncount;
	t->refs = 2; /* running, and the creator's */
	*err = thread_apply_attr(t, attr);
	if (*err)
		goto out_free;
	*err = pid_alloc();
	if (*err < 0)
		goto out_free;
	t->tid = *err;
	*err = -ENOMEM;
	t->kstack = stack_get();
	if (!t->kstack)
		goto out_free;
	if (attr && attr->fpu) {
		t->fpu_alloc = kmalloc(fpu_state_size() + FPU_ALIGN, 0);
		if (!t->fpu_alloc)
			goto out_free;
		t->ctx.fpu = (void *)ALIGN_UP((uintptr_t)t->fpu_alloc, FPU_ALIGN);
		fpu_state_init(t->ctx.fpu);
	}
	*err = 0;
	sched_prepare_context(t);
	return t;

out_free:
	thread_free(t);
	process_put(proc);
out_uncount:
	counter_give(&nr_threads_live);
	return NULL;
}

void thread_put(struct thread *t)
{
	if (__atomic_sub_fetch(&t->refs, 1, __ATOMIC_ACQ_REL))
		return;
	BUG_ON(t->state != THREAD_DEAD || t->on_cpu);

	struct process *proc = t->process;

	thread_free(t);
	counter_give(&nr_threads_live);
	process_put(proc);
}

int thread_create(struct process *proc, thread_fn_t fn, void *arg,
		  const struct thread_attr *attr, struct thread **out)
{
	int err;

	might_sleep();
	struct thread *t = thread_alloc(proc, attr, &err);

	if (!t)
		return err;
	t->fn = fn;
	t->arg = arg;
	err = process_add_thread(proc, t);
	if (err) {
		t->state = THREAD_DEAD;
		t->refs = 1;
		thread_put(t);
		return err;
	}
	*out = t;
	sched_start_thread(t);
	return 0;
}

int kthread_start(thread_fn_t fn, void *arg, const struct thread_attr *attr)
{
	struct thread *t;
	int err = thread_create(kernel_process(), fn, arg, attr, &t);

	if (!err)
		thread_detach(t);
	return err;
}

int thread_join(struct thread *t, int *exit_code)
{
	if (t == thread_current())
		return -EINVAL;
	wait_for_completion(&t->exited);
	if (exit_code)
		*exit_code = t->exit_code;
	thread_put(t);
	return 0;
}

void thread_detach(struct thread *t)
{
	thread_put(t);
}

__noreturn void thread_exit(int code)
{
	struct thread *me = thread_current();

	BUG_ON(me->is_idle);
	me->exit_code = code;
	process_thread_exited(me);
	complete_all(&me->exited);
	sched_exit_current();
}

pid_t thread_id(const struct thread *t)
{
	return t->tid;
}

struct process *thread_process(const struct thread *t)
{
	return t->process;
}

const char *thread_name(const struct thread *t)
{
	return t->name;
}

void thread_get_stats(const struct thread *t, struct thread_stats *out)
{
	uint64_t runtime = READ_ONCE(t->runtime_ns);

	/* A running thread's current stretch is not charged yet. */
	if (READ_ONCE(t->on_cpu) && !t->is_idle) {
		uint64_t now = time_since_boot_ns(), start = READ_ONCE(t->exec_start_ns);

		if (now > start)
			runtime += now - start;
	}
	*out = (struct thread_stats){
		.tid = t->tid,
		.state = READ_ONCE(t->state),
		.cpu = READ_ONCE(t->cpu),
		.runtime_ns = runtime,
		.user_ns = 0,
		.system_ns = runtime,
		.voluntary_switches = READ_ONCE(t->nvcsw),
		.involuntary_switches = READ_ONCE(t->nivcsw),
		.migrations = READ_ONCE(t->migrations),
		.cpus_run_on = READ_ONCE(t->cpus_run_on),
	};
}

uint64_t thread_affinity(const struct thread *t)
{
	return READ_ONCE(t->affinity);
}

int thread_set_affinity(struct thread *t, uint64_t mask)
{
	if (!(mask & smp_online_mask()))
		return -EINVAL;

	uint64_t flags;
	struct runqueue *rq = sched_lock_thread_rq(t, &flags);
	bool allowed_here = mask & (1ULL << rq->cpu);

	WRITE_ONCE(t->affinity, mask);
	if (!allowed_here && t->array) {
		/* Queued where it may not run: move it now. */
		sched_dequeue(rq, t);
		sched_rq_dec_running(rq);
		t->state = THREAD_READY;
		spin_unlock(&rq->lock);
		sched_migrate_queued(t, sched_pick_cpu(t, false));
		irq_restore(flags);
		return 0;
	}
	if (!allowed_here && t->on_cpu && t != thread_current()) {
		/* Running there: its next switch pushes it off (sched.c). */
		__atomic_store_n(&cpu_areas[rq->cpu]->need_resched, true, __ATOMIC_RELEASE);
		smp_send_reschedule(rq->cpu);
	}
	rq_unlock_restore(rq, flags);
	if (!allowed_here && t == thread_current())
		schedule(); /* moves the caller before it returns */
	return 0;
}

int thread_set_scheduling(struct thread *t, enum sched_policy policy, int priority)
{
	struct thread_attr attr = {
		.policy = policy,
		.nice = priority,
		.rt_priority = priority,
	};
	struct thread probe = { 0 };
	int err = thread_apply_attr(&probe, &attr);

	if (err)
		return err;

	uint64_t flags;
	struct runqueue *rq = sched_lock_thread_rq(t, &flags);
	bool queued = t->array != NULL;

	if (queued)
		sched_dequeue(rq, t);
	t->policy = probe.policy;
	t->nice = probe.nice;
	t->rt_priority = probe.rt_priority;
	t->prio = probe.prio;
	if (t->slice_ns > probe.slice_ns)
		t->slice_ns = probe.slice_ns;
	if (queued) {
		sched_enqueue(rq, t, false);
		sched_preempt_check(rq, t);
	} else if (t->on_cpu) {
		/* It may now rank below a waiting thread: let schedule() decide. */
		__atomic_store_n(&cpu_areas[rq->cpu]->need_resched, true, __ATOMIC_RELEASE);
		if (rq->cpu != this_cpu()->cpu)
			smp_send_reschedule(rq->cpu);
	}
	rq_unlock_restore(rq, flags);
	return 0;
}
