// SPDX-License-Identifier: MIT
/*
 * Benchmarks of the scheduler (make bench boots with -smp 2 under -icount):
 * - a hand-off between two threads through wait queues (one wakes the
 *   other and blocks), on one CPU and across two: the cost of a wake-up
 *   plus a context switch;
 * - wake-up latency, from wake_up to the woken thread running: a real-time
 *   thread on the waker's CPU (it preempts the waker), and a normal thread
 *   on an idle CPU (an IPI and the idle CPU's switch);
 * - creating a thread, letting it run to its exit and joining it.
 * The bench thread is the boot thread, pinned to CPU 0.
 */
#include <xdv/kbench.h>
#include <xdv/percpu.h>
#include <xdv/sched.h>
#include <xdv/time.h>
#include <xdv/arch/x86.h>

struct pingpong {
	struct wait_queue wq[2];
	volatile unsigned turn;
	uint64_t rounds;
};

/* Player `side`: wait for its turn, pass the turn on, rounds times. */
static void play(struct pingpong *pp, unsigned side)
{
	for (uint64_t i = 0; i < pp->rounds; i++) {
		wait_event(&pp->wq[side], READ_ONCE(pp->turn) == side);
		WRITE_ONCE(pp->turn, !side);
		wake_up_one(&pp->wq[!side]);
	}
}

static int pong_main(void *arg)
{
	play(arg, 1);
	return 0;
}

/* n hand-offs between this thread (CPU 0) and a partner on partner_cpu. */
static uint64_t pingpong_run(uint64_t n, unsigned partner_cpu)
{
	static struct pingpong pp;
	struct thread *partner;
	struct thread_attr attr = { .name = "pong", .affinity = 1ULL << partner_cpu };

	if (partner_cpu >= nr_cpus)
		return 0;
	wait_queue_init(&pp.wq[0], "ping");
	wait_queue_init(&pp.wq[1], "pong");
	pp.turn = 0;
	pp.rounds = n / 2;
	if (thread_create(kernel_process(), pong_main, &pp, &attr, &partner) < 0)
		return 0;
	play(&pp, 0);
	thread_join(partner, NULL);
	return pp.rounds * 2;
}

KBENCH(sched_handoff_same_cpu, 20000)
{
	return pingpong_run(n, 0);
}

KBENCH(sched_handoff_cross_cpu, 20000)
{
	return pingpong_run(n, 1);
}

struct wake_probe {
	struct wait_queue wq;
	volatile uint64_t woken_at;   /* set by the sleeper when it runs */
	volatile bool go;
	volatile bool stop;
	struct thread *sleeper;
};

static int sleeper_main(void *arg)
{
	struct wake_probe *p = arg;

	for (;;) {
		wait_event(&p->wq, READ_ONCE(p->go));
		p->woken_at = time_since_boot_ns();
		p->go = false;
		if (p->stop)
			return 0;
	}
}

static bool is_blocked(struct thread *t)
{
	struct thread_stats st;

	thread_get_stats(t, &st);
	return st.state == THREAD_BLOCKED;
}

/* Sum of n wake-up latencies of a sleeper started with attr. */
static uint64_t wake_latency_run(uint64_t n, const struct thread_attr *attr)
{
	static struct wake_probe p;
	uint64_t total = 0;

	wait_queue_init(&p.wq, "wake_probe");
	p.go = false;
	p.stop = false;
	if (thread_create(kernel_process(), sleeper_main, &p, attr, &p.sleeper) < 0)
		return 0;
	for (uint64_t i = 0; i <= n; i++) {
		while (!is_blocked(p.sleeper) || READ_ONCE(p.go))
			sched_yield();
		p.woken_at = 0;
		p.stop = i == n;
		p.go = true;

		uint64_t t0 = time_since_boot_ns();

		wake_up_one(&p.wq);
		while (!READ_ONCE(p.woken_at))
			cpu_relax();
		if (i < n)
			total += p.woken_at - t0;
	}
	thread_join(p.sleeper, NULL);
	kbench_set_elapsed(total);
	return n;
}

KBENCH(sched_wake_latency_rt_same_cpu, 5000)
{
	struct thread_attr attr = {
		.name = "rt-sleeper", .policy = SCHED_FIFO, .rt_priority = 50, .affinity = 1,
	};

	return wake_latency_run(n, &attr);
}

KBENCH(sched_wake_latency_idle_cpu, 5000)
{
	struct thread_attr attr = { .name = "sleeper", .affinity = 2 };

	if (nr_cpus < 2)
		return 0;
	return wake_latency_run(n, &attr);
}

static int do_nothing(void *arg __unused)
{
	return 0;
}

KBENCH(thread_create_exit_join, 5000)
{
	for (uint64_t i = 0; i < n; i++) {
		struct thread *t;

		if (thread_create(kernel_process(), do_nothing, NULL, NULL, &t) < 0)
			return 0;
		thread_join(t, NULL);
	}
	return n;
}
