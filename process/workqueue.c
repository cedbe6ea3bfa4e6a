// SPDX-License-Identifier: MIT
/*
 * Deferred work: one kernel worker thread per CPU ("kworker/N", pinned to
 * its CPU) runs the work items queued on that CPU, oldest first. Interrupt
 * handlers use it for whatever may sleep or take long; work queued before
 * the workers exist waits for them.
 *
 * Locks: each worker's lock (irqsave, a leaf apart from the wake-up).
 */
#define pr_fmt(fmt) "workqueue: " fmt
#include <xdv/panic.h>
#include <xdv/percpu.h>
#include <xdv/printk.h>
#include <xdv/arch/x86.h>
#include "internal.h"

struct worker {
	struct spinlock lock;
	struct list_node items;     /* struct work, guarded by lock */
	struct wait_queue idle;     /* the worker waits here for items */
	bool started;
};

static struct worker workers[MAX_CPUS];
static bool workers_ready;

static void worker_init(struct worker *wk)
{
	spin_lock_init(&wk->lock, "worker");
	list_init(&wk->items);
	wait_queue_init(&wk->idle, "worker_idle");
}

void work_init(struct work *w, work_fn_t fn)
{
	list_init(&w->link);
	w->fn = fn;
	w->pending = false;
}

static bool work_queue_on(unsigned cpu, struct work *w)
{
	struct worker *wk = &workers[cpu];
	uint64_t flags = spin_lock_irqsave(&wk->lock);
	bool queued = !w->pending;

	if (queued) {
		w->pending = true;
		list_add_tail(&wk->items, &w->link);
	}
	spin_unlock_irqrestore(&wk->lock, flags);
	if (queued)
		wake_up_one(&wk->idle);
	return queued;
}

bool work_queue(struct work *w)
{
	uint64_t flags = read_rflags();

	BUG_ON(!workers_ready); /* boot order: workqueue_init comes first */
	cli(); /* the CPU number must stay true until the item is queued */
	unsigned cpu = this_cpu_id();

	if (!workers[cpu].started)
		cpu = 0;

	bool queued = work_queue_on(cpu, w);

	irq_restore(flags);
	return queued;
}

static struct work *worker_next(struct worker *wk)
{
	uint64_t flags = spin_lock_irqsave(&wk->lock);
	struct work *w = NULL;

	if (!list_is_empty(&wk->items)) {
		w = list_first_entry(&wk->items, struct work, link);
		list_remove(&w->link);
		w->pending = false; /* it may queue itself again while it runs */
	}
	spin_unlock_irqrestore(&wk->lock, flags);
	return w;
}

static int worker_main(void *arg)
{
	struct worker *wk = arg;

	for (;;) {
		struct work *w;

		wait_event(&wk->idle, !list_is_empty(&wk->items));
		while ((w = worker_next(wk)))
			w->fn(w);
	}
	return 0;
}

struct flush_barrier {
	struct work work;
	struct completion done;
};

static void flush_barrier_run(struct work *w)
{
	complete(&container_of(w, struct flush_barrier, work)->done);
}

void work_flush_all(void)
{
	static struct flush_barrier barriers[MAX_CPUS];
	static struct mutex flush_lock = MUTEX_INIT(flush_lock);

	might_sleep();
	mutex_lock(&flush_lock);
	for (unsigned cpu = 0; cpu < nr_cpus; cpu++) {
		if (!workers[cpu].started)
			continue;
		work_init(&barriers[cpu].work, flush_barrier_run);
		completion_init(&barriers[cpu].done);
		work_queue_on(cpu, &barriers[cpu].work);
	}
	for (unsigned cpu = 0; cpu < nr_cpus; cpu++)
		if (workers[cpu].started)
			wait_for_completion(&barriers[cpu].done);
	mutex_unlock(&flush_lock);
}

void workqueue_init(void)
{
	for (unsigned cpu = 0; cpu < MAX_CPUS; cpu++)
		worker_init(&workers[cpu]);
	workers_ready = true;
	for (unsigned cpu = 0; cpu < nr_cpus; cpu++) {
		char name[THREAD_NAME_MAX];

		snprintf(name, sizeof(name), "kworker/%u", cpu);

		struct thread_attr attr = { .name = name, .affinity = 1ULL << cpu };

		if (kthread_start(worker_main, &workers[cpu], &attr) < 0) {
			pr_err("no worker thread for CPU %u\n", cpu);
			continue;
		}
		workers[cpu].started = true;
	}
	pr_info("%u worker threads\n", nr_cpus);
}
