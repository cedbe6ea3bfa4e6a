// SPDX-License-Identifier: MIT
/*
 * In-kernel tests of blocking and of processes: mutexes, semaphores,
 * completions, timed waits, the worker threads, waiting for children; and
 * in the stress_sched suite (run only when named) wait queues under a
 * producer/consumer stress across CPUs and the process and thread limits.
 */
#include <xdv/errno.h>
#include <xdv/ktest.h>
#include <xdv/mm.h>
#include <xdv/percpu.h>
#include <xdv/printk.h>
#include <xdv/sched.h>
#include <xdv/spinlock.h>
#include <xdv/string.h>
#include <xdv/time.h>
#include <xdv/timer.h>
#include <xdv/arch/x86.h>

#define MS 1000000ULL

/* ---- producer/consumer on wait queues ---- */

#define RING_SIZE      4
#define ITEMS_EACH     2500
#define PRODUCERS      3
#define CONSUMERS      3

struct ring {
	struct spinlock lock;
	uint64_t items[RING_SIZE];
	unsigned head, count;      /* guarded by lock */
	struct wait_queue not_full, not_empty;
	uint64_t consumed_sum, consumed_count; /* guarded by lock */
	unsigned producers_left;   /* guarded by lock */
	uint64_t wakeups;          /* atomic */
};

static bool ring_can_put(struct ring *r)
{
	return READ_ONCE(r->count) < RING_SIZE;
}

static bool ring_can_take(struct ring *r)
{
	return READ_ONCE(r->count) > 0 || READ_ONCE(r->producers_left) == 0;
}

static int producer_main(void *arg)
{
	struct ring *r = arg;
	unsigned me = thread_id(thread_current());

	for (unsigned i = 1; i <= ITEMS_EACH; i++) {
		for (;;) {
			wait_event(&r->not_full, ring_can_put(r));

			uint64_t flags = spin_lock_irqsave(&r->lock);
			bool put = r->count < RING_SIZE;

			if (put) {
				r->items[(r->head + r->count) % RING_SIZE] = (uint64_t)me << 32 | i;
				r->count++;
			}
			spin_unlock_irqrestore(&r->lock, flags);
			if (put)
				break;
		}
		__atomic_fetch_add(&r->wakeups, wake_up_one(&r->not_empty), __ATOMIC_RELAXED);
	}

	uint64_t flags = spin_lock_irqsave(&r->lock);

	r->producers_left--;
	spin_unlock_irqrestore(&r->lock, flags);
	wake_up_all(&r->not_empty);
	return 0;
}

static int consumer_main(void *arg)
{
	struct ring *r = arg;

	for (;;) {
		wait_event(&r->not_empty, ring_can_take(r));

		uint64_t flags = spin_lock_irqsave(&r->lock);

		if (!r->count && !r->producers_left) {
			spin_unlock_irqrestore(&r->lock, flags);
			return 0;
		}
		if (r->count) {
			r->consumed_sum += r->items[r->head] & 0xFFFFFFFF;
			r->consumed_count++;
			r->head = (r->head + 1) % RING_SIZE;
			r->count--;
		}
		spin_unlock_irqrestore(&r->lock, flags);
		__atomic_fetch_add(&r->wakeups, wake_up_one(&r->not_full), __ATOMIC_RELAXED);
	}
}

KTEST(stress_sched, producers_and_consumers_lose_no_wakeup_across_cpus)
{
	static struct ring r;
	struct thread *th[PRODUCERS + CONSUMERS];
	uint64_t want_sum = (uint64_t)PRODUCERS * ITEMS_EACH * (ITEMS_EACH + 1) / 2;

	r = (struct ring){ .producers_left = PRODUCERS };
	spin_lock_init(&r.lock, "ring");
	wait_queue_init(&r.not_full, "ring_not_full");
	wait_queue_init(&r.not_empty, "ring_not_empty");
	for (unsigned i = 0; i < PRODUCERS + CONSUMERS; i++)
		KTEST_EXPECT_EQ(t, thread_create(kernel_process(),
						 i < PRODUCERS ? producer_main : consumer_main, &r,
						 NULL, &th[i]), 0);
	for (unsigned i = 0; i < PRODUCERS + CONSUMERS; i++)
		thread_join(th[i], NULL);
	KTEST_EXPECT_EQ(t, r.consumed_count, PRODUCERS * ITEMS_EACH);
	KTEST_EXPECT_EQ(t, r.consumed_sum, want_sum);
	KTEST_EXPECT_EQ(t, r.count, 0);
	/* The ring is tiny: the threads had to sleep and be woken often. */
	KTEST_EXPECT(t, r.wakeups >= 1000);
	ktest_note(t, "%lu wake-ups", (unsigned long)r.wakeups);
}

/* ---- mutexes and semaphores ---- */

struct counted {
	struct mutex lock;
	struct semaphore sem;
	unsigned inside, max_inside; /* guarded by lock */
	uint64_t counter;            /* guarded by lock */
};

static int mutex_worker(void *arg)
{
	struct counted *c = arg;

	for (unsigned i = 0; i < 200; i++) {
		mutex_lock(&c->lock);

		uint64_t v = c->counter;

		if (i % 8 == 0)
			sched_yield(); /* sleep-holding: others must wait, not spin */
		c->counter = v + 1;
		mutex_unlock(&c->lock);
	}
	return 0;
}

KTEST(sched_sync, mutex_keeps_a_yielding_critical_section_exclusive)
{
	static struct counted c;
	struct thread *th[6];

	c = (struct counted){ 0 };
	mutex_init(&c.lock, "test_mutex");
	for (unsigned i = 0; i < 6; i++)
		KTEST_EXPECT_EQ(t, thread_create(kernel_process(), mutex_worker, &c, NULL, &th[i]), 0);
	for (unsigned i = 0; i < 6; i++)
		thread_join(th[i], NULL);
	KTEST_EXPECT_EQ(t, c.counter, 6 * 200);
	KTEST_EXPECT(t, !mutex_is_held(&c.lock));
	KTEST_EXPECT(t, mutex_trylock(&c.lock));
	KTEST_EXPECT(t, mutex_is_held(&c.lock));
	mutex_unlock(&c.lock);
}

static int trylock_elsewhere(void *arg)
{
	return mutex_trylock(arg) ? 1 : 0;
}

KTEST(sched_sync, mutex_trylock_fails_while_another_thread_holds_it)
{
	static struct mutex m = MUTEX_INIT(m);
	struct thread *th;
	int code = -1;

	mutex_lock(&m);
	KTEST_EXPECT_EQ(t, thread_create(kernel_process(), trylock_elsewhere, &m, NULL, &th), 0);
	thread_join(th, &code);
	KTEST_EXPECT_EQ(t, code, 0);
	mutex_unlock(&m);
}

static int semaphore_worker(void *arg)
{
	struct counted *c = arg;

	for (unsigned i = 0; i < 50; i++) {
		semaphore_down(&c->sem);
		mutex_lock(&c->lock);
		c->inside++;
		c->max_inside = MAX(c->max_inside, c->inside);
		mutex_unlock(&c->lock);

		sched_sleep_ns(20000);

		mutex_lock(&c->lock);
		c->inside--;
		mutex_unlock(&c->lock);
		semaphore_up(&c->sem);
	}
	return 0;
}

KTEST(sched_sync, semaphore_admits_at_most_its_count)
{
	static struct counted c;
	struct thread *th[6];

	c = (struct counted){ 0 };
	mutex_init(&c.lock, "sem_test");
	semaphore_init(&c.sem, 2);
	for (unsigned i = 0; i < 6; i++)
		KTEST_EXPECT_EQ(t, thread_create(kernel_process(), semaphore_worker, &c, NULL,
						 &th[i]), 0);
	for (unsigned i = 0; i < 6; i++)
		thread_join(th[i], NULL);
	KTEST_EXPECT_EQ(t, c.max_inside, 2);
	KTEST_EXPECT_EQ(t, c.inside, 0);
	KTEST_EXPECT(t, semaphore_trydown(&c.sem));
	KTEST_EXPECT(t, semaphore_trydown(&c.sem));
	KTEST_EXPECT(t, !semaphore_trydown(&c.sem));

	uint64_t deadline = time_since_boot_ns() + 2 * MS;

	KTEST_EXPECT(t, !semaphore_down_until(&c.sem, deadline));
	KTEST_EXPECT(t, time_since_boot_ns() >= deadline);
}

/* ---- completions and timed waits ---- */

static void complete_from_timer(struct timer *tm __unused, void *arg)
{
	complete(arg);
}

KTEST(sched_sync, completion_from_an_interrupt_wakes_the_waiter)
{
	struct completion c;
	struct timer tm = { 0 };
	uint64_t start = time_since_boot_ns();

	completion_init(&c);
	timer_start(&tm, start + 2 * MS, complete_from_timer, &c);
	wait_for_completion(&c);
	KTEST_EXPECT(t, time_since_boot_ns() >= start + 2 * MS);
	/* Completed before the wait: no wait at all, nothing lost. */
	complete(&c);
	KTEST_EXPECT(t, wait_for_completion_until(&c, time_since_boot_ns()));
	KTEST_EXPECT(t, !wait_for_completion_until(&c, time_since_boot_ns() + MS));
}

KTEST(sched_sync, wait_event_until_times_out_and_sees_the_condition)
{
	struct wait_queue wq;
	bool flag = false;
	uint64_t deadline = time_since_boot_ns() + 3 * MS;

	wait_queue_init(&wq, "test_wq");
	KTEST_EXPECT(t, !wait_event_until(&wq, READ_ONCE(flag), deadline));
	KTEST_EXPECT(t, time_since_boot_ns() >= deadline);
	flag = true;
	KTEST_EXPECT(t, wait_event_until(&wq, READ_ONCE(flag), time_since_boot_ns() + MS));
	KTEST_EXPECT_EQ(t, wake_up_all(&wq), 0); /* nobody left queued */
}

/* ---- worker threads ---- */

struct test_work {
	struct work work;
	char worker_name[16];
	unsigned runs;
};

static void test_work_run(struct work *w)
{
	struct test_work *tw = container_of(w, struct test_work, work);

	snprintf(tw->worker_name, sizeof(tw->worker_name), "%s", thread_name(thread_current()));
	tw->runs++;
}

static void queue_from_timer(struct timer *tm __unused, void *arg)
{
	work_queue(arg);
}

KTEST(sched_sync, work_queued_from_an_interrupt_runs_in_a_worker_thread)
{
	static struct test_work tw;
	struct timer tm = { 0 };

	tw = (struct test_work){ 0 };
	work_init(&tw.work, test_work_run);
	timer_start(&tm, time_since_boot_ns() + MS, queue_from_timer, &tw.work);
	sched_sleep_ns(3 * MS);
	work_flush_all();
	KTEST_EXPECT_EQ(t, tw.runs, 1);
	KTEST_EXPECT(t, !strncmp(tw.worker_name, "kworker/", 8));
	/* Queued twice before it runs: it runs once. */
	KTEST_EXPECT(t, work_queue(&tw.work));
	KTEST_EXPECT(t, !work_queue(&tw.work) || tw.runs == 2);
	work_flush_all();
	KTEST_EXPECT(t, tw.runs == 2 || tw.runs == 3);
}

/* ---- processes ---- */

static int child_exit_with(void *arg)
{
	return (int)(intptr_t)arg;
}

KTEST(sched_process, parent_reaps_children_and_their_exit_codes)
{
	pid_t pids[3];
	int seen = 0;

	for (int i = 0; i < 3; i++)
		KTEST_EXPECT_EQ(t, process_create("child", child_exit_with, (void *)(intptr_t)(10 + i),
						  NULL, &pids[i]), 0);
	for (int i = 0; i < 3; i++) {
		int status = -1;

		KTEST_EXPECT_EQ(t, process_wait(pids[i], &status, 0), pids[i]);
		KTEST_EXPECT_EQ(t, status, 10 + i);
		seen++;
	}
	KTEST_EXPECT_EQ(t, seen, 3);
	KTEST_EXPECT_EQ(t, process_wait(pids[0], NULL, 0), -ECHILD);
	KTEST_EXPECT_EQ(t, process_wait(-1, NULL, PROCESS_WAIT_NOHANG), -ECHILD);
}

static int child_wait_for(void *arg)
{
	wait_for_completion(arg);
	return 3;
}

KTEST(sched_process, nohang_wait_returns_zero_while_the_child_lives)
{
	struct completion go;
	pid_t pid;
	int status = 0;

	completion_init(&go);
	KTEST_EXPECT_EQ(t, process_create("waiter", child_wait_for, &go, NULL, &pid), 0);
	KTEST_EXPECT_EQ(t, process_wait(pid, &status, PROCESS_WAIT_NOHANG), 0);
	complete(&go);
	KTEST_EXPECT_EQ(t, process_wait(-1, &status, 0), pid);
	KTEST_EXPECT_EQ(t, status, 3);
}

static int grandparent_main(void *arg)
{
	pid_t grandchild;

	/* Leave a child behind that is still running when we exit. */
	if (process_create("orphan", child_wait_for, arg, NULL, &grandchild) < 0)
		return -1;
	return grandchild;
}

KTEST(sched_process, orphans_are_adopted_and_reaped_by_the_kernel)
{
	struct completion go;
	unsigned before = sched_nr_processes();
	pid_t pid;
	int grandchild = 0;

	completion_init(&go);
	KTEST_EXPECT_EQ(t, process_create("parent", grandparent_main, &go, NULL, &pid), 0);
	KTEST_EXPECT_EQ(t, process_wait(pid, &grandchild, 0), pid);
	KTEST_EXPECT(t, grandchild > 0);
	/* The orphan is not our child. */
	KTEST_EXPECT_EQ(t, process_wait(grandchild, NULL, PROCESS_WAIT_NOHANG), -ECHILD);
	complete(&go);
	for (unsigned i = 0; i < 200 && sched_nr_processes() != before; i++)
		sched_sleep_ns(MS);
	KTEST_EXPECT_EQ(t, sched_nr_processes(), before);
}

KTEST(stress_sched, process_beyond_the_limit_fails_with_eagain_and_kernel_goes_on)
{
	struct completion release;
	unsigned before = sched_nr_processes();
	unsigned created = 0;
	int err = 0;

	completion_init(&release);
	for (unsigned i = 0; i <= CONFIG_MAX_PROCESSES; i++) {
		err = process_create("filler", child_wait_for, &release, NULL, NULL);
		if (err)
			break;
		created++;
	}
	KTEST_EXPECT_EQ(t, err, -EAGAIN);
	KTEST_EXPECT_EQ(t, created, CONFIG_MAX_PROCESSES - before);
	KTEST_EXPECT_EQ(t, sched_nr_processes(), CONFIG_MAX_PROCESSES);

	complete_all(&release);

	unsigned reaped = 0;
	int status;

	while (process_wait(-1, &status, 0) > 0) {
		KTEST_EXPECT_EQ(t, status, 3);
		reaped++;
	}
	KTEST_EXPECT_EQ(t, reaped, created);
	for (unsigned i = 0; i < 200 && sched_nr_processes() != before; i++)
		sched_sleep_ns(MS);
	KTEST_EXPECT_EQ(t, sched_nr_processes(), before);

	/* And one more works again. */
	pid_t pid;

	KTEST_EXPECT_EQ(t, process_create("after", child_exit_with, (void *)5, NULL, &pid), 0);
	KTEST_EXPECT_EQ(t, process_wait(pid, &status, 0), pid);
	KTEST_EXPECT_EQ(t, status, 5);
}

static int park_until(void *arg)
{
	wait_for_completion(arg);
	return 0;
}

KTEST(stress_sched, thread_beyond_the_limit_fails_with_eagain)
{
	static struct thread *th[CONFIG_MAX_THREADS];
	struct completion release;
	unsigned created = 0, before = sched_nr_threads();
	struct pmm_stats pmm;
	int err = 0;

	pmm_get_stats(&pmm);
	if (pmm.free_pages * PAGE_SIZE < (CONFIG_MAX_THREADS * 5ULL * PAGE_SIZE) + (32ULL << 20)) {
		KTEST_SKIP(t, "too little memory for CONFIG_MAX_THREADS stacks");
		return;
	}
	completion_init(&release);
	while (created < CONFIG_MAX_THREADS) {
		err = thread_create(kernel_process(), park_until, &release, NULL, &th[created]);
		if (err)
			break;
		created++;
	}
	KTEST_EXPECT_EQ(t, err, -EAGAIN);
	KTEST_EXPECT_EQ(t, created, CONFIG_MAX_THREADS - before);
	complete_all(&release);
	for (unsigned i = 0; i < created; i++)
		thread_join(th[i], NULL);
	for (unsigned i = 0; i < 200 && sched_nr_threads() != before; i++)
		sched_sleep_ns(MS);
	KTEST_EXPECT_EQ(t, sched_nr_threads(), before);
}
