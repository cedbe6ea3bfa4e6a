// SPDX-License-Identifier: MIT
/*
 * In-kernel tests of the scheduler: priorities, the real-time classes,
 * affinity, spreading and balancing over CPUs, sleeps, the FPU state a
 * switch keeps, thread life (exit codes, bad attributes, leaks); and, in
 * the timing_sched suite, fairness, nice levels, preemption latency,
 * round-robin turns and how late a sleep wakes: bounds on guest time that
 * only mean something under -icount, where a host that stops a vCPU
 * cannot stretch them.
 *
 * The tests run in the boot thread, which is pinned to CPU 0. Threads that
 * must share one CPU are pinned to the last CPU (CPU 0 with -smp 1), so
 * the figures mean the same whatever the number of CPUs.
 */
#include <xdv/errno.h>
#include <xdv/ktest.h>
#include <xdv/percpu.h>
#include <xdv/sched.h>
#include <xdv/smp.h>
#include <xdv/time.h>
#include <xdv/arch/x86.h>

#define MS 1000000ULL

static unsigned last_cpu(void)
{
	return nr_cpus - 1;
}

static unsigned cpu_now(void)
{
	return this_cpu()->cpu;
}

/* ---- fairness ---- */

#define FAIR_THREADS 3

struct hog {
	volatile bool *stop;
	uint64_t runtime_ns;
	uint64_t cpus;
	uint64_t spins;
};

static int hog_main(void *arg)
{
	struct hog *h = arg;
	struct thread_stats st;

	while (!READ_ONCE(*h->stop)) {
		h->cpus |= 1ULL << cpu_now();
		h->spins++;
		cpu_relax();
	}
	thread_get_stats(thread_current(), &st);
	h->runtime_ns = st.runtime_ns;
	return 0;
}

/* Start n hogs with attr, let them run for window_ns, stop and join them. */
static bool run_hogs(struct ktest *t, struct hog *hogs, const struct thread_attr *attrs,
		     unsigned n, uint64_t window_ns)
{
	struct thread *th[8];
	volatile bool stop = false;
	bool ok = true;

	for (unsigned i = 0; i < n; i++) {
		hogs[i] = (struct hog){ .stop = &stop };
		if (!KTEST_EXPECT_EQ(t, thread_create(kernel_process(), hog_main, &hogs[i],
						      &attrs[i], &th[i]), 0)) {
			n = i;
			ok = false;
			break;
		}
	}
	sched_sleep_ns(window_ns);
	stop = true;
	for (unsigned i = 0; i < n; i++)
		KTEST_EXPECT_EQ(t, thread_join(th[i], NULL), 0);
	return ok;
}

/* ---- real time ---- */

#define ORDER_THREADS 4

struct order_log {
	volatile unsigned next;
	int seen[ORDER_THREADS];
};

struct order_arg {
	struct order_log *log;
	int id;
};

static int order_main(void *arg)
{
	struct order_arg *a = arg;
	unsigned slot = __atomic_fetch_add(&a->log->next, 1, __ATOMIC_RELAXED);

	if (slot < ORDER_THREADS)
		a->log->seen[slot] = a->id;
	return 0;
}

KTEST(sched, runnable_threads_run_in_priority_order)
{
	/* RT 30, RT 10, nice -5, nice 5: created while the caller outranks all. */
	static const struct thread_attr attrs[ORDER_THREADS] = {
		{ .name = "nice5", .nice = 5, .affinity = 1 },
		{ .name = "rt10", .policy = SCHED_FIFO, .rt_priority = 10, .affinity = 1 },
		{ .name = "nice-5", .nice = -5, .affinity = 1 },
		{ .name = "rt30", .policy = SCHED_RR, .rt_priority = 30, .affinity = 1 },
	};
	static const int want[ORDER_THREADS] = { 3, 1, 2, 0 };
	struct order_log log = { 0 };
	struct order_arg args[ORDER_THREADS];
	struct thread *th[ORDER_THREADS];
	struct thread *me = thread_current();

	KTEST_EXPECT_EQ(t, thread_set_scheduling(me, SCHED_FIFO, 99), 0);
	for (int i = 0; i < ORDER_THREADS; i++) {
		args[i] = (struct order_arg){ &log, i };
		KTEST_EXPECT_EQ(t, thread_create(kernel_process(), order_main, &args[i], &attrs[i],
						 &th[i]), 0);
	}
	KTEST_EXPECT_EQ(t, log.next, 0); /* nobody ran yet: CPU 0 is ours */
	KTEST_EXPECT_EQ(t, thread_set_scheduling(me, SCHED_NORMAL, 0), 0);
	for (int i = 0; i < ORDER_THREADS; i++)
		KTEST_EXPECT_EQ(t, thread_join(th[i], NULL), 0);
	KTEST_EXPECT_EQ(t, log.next, ORDER_THREADS);
	for (int i = 0; i < ORDER_THREADS; i++)
		KTEST_EXPECT_EQ(t, log.seen[i], want[i]);
}

/* ---- affinity and spreading ---- */

struct pinned {
	unsigned want_cpu;
	unsigned other_cpu;
	unsigned wrong;
	unsigned moved_to;
	uint64_t cpus;
};

static int pinned_main(void *arg)
{
	struct pinned *p = arg;

	for (unsigned i = 0; i < 200; i++) {
		if (cpu_now() != p->want_cpu)
			p->wrong++;
		if (i % 3 == 0)
			sched_sleep_ns(100000);
		else if (i % 3 == 1)
			sched_yield();
		else
			for (unsigned spin = 0; spin < 2000; spin++)
				cpu_relax();
	}
	/* Re-pin itself: it must be on the new CPU when the call returns. */
	if (thread_set_affinity(thread_current(), 1ULL << p->other_cpu) == 0)
		p->moved_to = cpu_now();

	struct thread_stats st;

	thread_get_stats(thread_current(), &st);
	p->cpus = st.cpus_run_on;
	return 0;
}

KTEST(sched, pinned_thread_never_runs_elsewhere_and_moves_when_repinned)
{
	struct pinned p = { .want_cpu = last_cpu(), .other_cpu = 0 };
	struct thread_attr attr = { .name = "pinned", .affinity = 1ULL << last_cpu() };
	struct thread *th;

	if (!KTEST_EXPECT_EQ(t, thread_create(kernel_process(), pinned_main, &p, &attr, &th), 0))
		return;
	KTEST_EXPECT_EQ(t, thread_join(th, NULL), 0);
	KTEST_EXPECT_EQ(t, p.wrong, 0);
	KTEST_EXPECT_EQ(t, p.moved_to, 0);
	KTEST_EXPECT_EQ(t, p.cpus, (1ULL << last_cpu()) | 1);
	KTEST_EXPECT_EQ(t, thread_set_affinity(thread_current(), 0), -EINVAL);
}

KTEST(sched, busy_threads_spread_over_every_cpu)
{
	struct hog hogs[8];
	struct thread_attr attrs[8] = { 0 };
	unsigned n = MIN(nr_cpus, 8u);
	uint64_t seen = 0;

	for (unsigned i = 0; i < n; i++)
		attrs[i] = (struct thread_attr){ .name = "spread" };
	if (!run_hogs(t, hogs, attrs, n, 100 * MS))
		return;
	for (unsigned i = 0; i < n; i++)
		seen |= hogs[i].cpus;
	KTEST_EXPECT_EQ(t, seen, smp_online_mask());
}

/* ---- sleeping ---- */

/*
 * Sleep for each length; count wake-ups before the deadline and the
 * latest wake-up after it.
 */
static void sleep_lengths(struct ktest *t, uint64_t *latest_late_ns)
{
	static const uint64_t lengths[] = { 50000, 300000, MS, 3 * MS, 10 * MS };

	*latest_late_ns = 0;
	for (unsigned i = 0; i < ARRAY_SIZE(lengths); i++) {
		uint64_t deadline = time_since_boot_ns() + lengths[i];

		sched_sleep_until(deadline);

		uint64_t now = time_since_boot_ns();

		KTEST_EXPECT(t, now >= deadline);
		if (now >= deadline)
			*latest_late_ns = MAX(*latest_late_ns, now - deadline);
	}
}

KTEST(sched, sleep_wakes_no_earlier_than_its_deadline)
{
	uint64_t late;

	/* How late is a matter of host load here; -icount bounds it below. */
	sleep_lengths(t, &late);
}

KTEST(timing_sched, sleep_wakes_within_20_ms_of_its_deadline)
{
	uint64_t late;

	sleep_lengths(t, &late);
	KTEST_EXPECT(t, late < 20 * MS);
}

struct sleeper {
	uint64_t length_ns;
	uint64_t early; /* wake-ups before the deadline */
};

static int sleeper_main(void *arg)
{
	struct sleeper *s = arg;

	for (unsigned i = 0; i < 20; i++) {
		uint64_t deadline = time_since_boot_ns() + s->length_ns;

		sched_sleep_until(deadline);
		if (time_since_boot_ns() < deadline)
			s->early++;
	}
	return 0;
}

KTEST(sched, concurrent_sleepers_on_all_cpus_never_wake_early)
{
	struct sleeper s[8];
	struct thread *th[8];

	for (unsigned i = 0; i < 8; i++) {
		s[i] = (struct sleeper){ .length_ns = 100000 + i * 70000 };
		KTEST_EXPECT_EQ(t, thread_create(kernel_process(), sleeper_main, &s[i], NULL, &th[i]),
				0);
	}
	for (unsigned i = 0; i < 8; i++) {
		KTEST_EXPECT_EQ(t, thread_join(th[i], NULL), 0);
		KTEST_EXPECT_EQ(t, s[i].early, 0);
	}
}

/* ---- what a switch keeps ---- */

struct fpu_keeper {
	uint64_t pattern;
	unsigned wrong;
};

static int fpu_keeper_main(void *arg)
{
	struct fpu_keeper *k = arg;

	for (unsigned i = 0; i < 300; i++) {
		xmm0_write_u64(k->pattern + i);
		if (i % 2)
			sched_yield();
		else
			sched_sleep_ns(20000);
		if (xmm0_read_u64() != k->pattern + i)
			k->wrong++;
	}
	return 0;
}

KTEST(sched, each_thread_keeps_its_own_sse_registers)
{
	struct fpu_keeper k[3] = {
		{ 0x1111111100000000ULL, 0 },
		{ 0x2222222200000000ULL, 0 },
		{ 0x3333333300000000ULL, 0 },
	};
	struct thread *th[3];

	for (unsigned i = 0; i < 3; i++) {
		/* Two share a CPU; the third may go anywhere. */
		struct thread_attr attr = {
			.name = "fpu", .fpu = true, .affinity = i < 2 ? 1ULL << last_cpu() : 0,
		};

		KTEST_EXPECT_EQ(t, thread_create(kernel_process(), fpu_keeper_main, &k[i], &attr,
						 &th[i]), 0);
	}
	for (unsigned i = 0; i < 3; i++) {
		KTEST_EXPECT_EQ(t, thread_join(th[i], NULL), 0);
		KTEST_EXPECT_EQ(t, k[i].wrong, 0);
	}
}

/* ---- thread life ---- */

static int return_arg(void *arg)
{
	return (int)(intptr_t)arg;
}

static int exit_early(void *arg)
{
	thread_exit((int)(intptr_t)arg + 1);
}

KTEST(sched, join_returns_the_exit_code)
{
	struct thread *a, *b;
	int code_a = 0, code_b = 0;

	KTEST_EXPECT_EQ(t, thread_create(kernel_process(), return_arg, (void *)42, NULL, &a), 0);
	KTEST_EXPECT_EQ(t, thread_create(kernel_process(), exit_early, (void *)7, NULL, &b), 0);
	KTEST_EXPECT_EQ(t, thread_join(a, &code_a), 0);
	KTEST_EXPECT_EQ(t, thread_join(b, &code_b), 0);
	KTEST_EXPECT_EQ(t, code_a, 42);
	KTEST_EXPECT_EQ(t, code_b, 8);
	KTEST_EXPECT_EQ(t, thread_join(thread_current(), NULL), -EINVAL);
}

KTEST(sched, bad_attributes_are_refused)
{
	struct thread *th = NULL;
	unsigned before = sched_nr_threads();
	static const struct thread_attr bad[] = {
		{ .nice = -21 },
		{ .nice = 20 },
		{ .policy = SCHED_FIFO, .rt_priority = 0 },
		{ .policy = SCHED_RR, .rt_priority = 100 },
		{ .policy = 7 },
		{ .affinity = 1ULL << 63 }, /* no such CPU online */
	};

	for (unsigned i = 0; i < ARRAY_SIZE(bad); i++)
		KTEST_EXPECT_EQ(t, thread_create(kernel_process(), return_arg, NULL, &bad[i], &th),
				-EINVAL);
	KTEST_EXPECT_EQ(t, sched_nr_threads(), before);
	KTEST_EXPECT_EQ(t, thread_set_scheduling(thread_current(), SCHED_FIFO, 0), -EINVAL);
}

/*
 * The number of threads once it stops changing for a few ms (at most
 * 100 ms): threads of earlier tests may still be on their way out.
 */
static unsigned settled_nr_threads(void)
{
	unsigned n = sched_nr_threads(), same = 0;

	for (unsigned wait = 0; wait < 100 && same < 5; wait++) {
		sched_sleep_ns(MS);

		unsigned now = sched_nr_threads();

		same = now == n ? same + 1 : 0;
		n = now;
	}
	return n;
}

KTEST(sched, many_short_threads_come_and_go_without_leaking)
{
	unsigned before = settled_nr_threads();

	for (unsigned round = 0; round < 20; round++) {
		struct thread *th[16];

		for (unsigned i = 0; i < 16; i++)
			if (!KTEST_EXPECT_EQ(t, thread_create(kernel_process(), return_arg,
							      (void *)(intptr_t)i, NULL, &th[i]), 0))
				return;
		for (unsigned i = 0; i < 16; i++) {
			int code = -1;

			thread_join(th[i], &code);
			KTEST_EXPECT_EQ(t, code, i);
		}
	}
	/* The last put may still be on its way on another CPU. */
	for (unsigned wait = 0; wait < 100 && sched_nr_threads() != before; wait++)
		sched_sleep_ns(MS);
	KTEST_EXPECT_EQ(t, sched_nr_threads(), before);
}

static int sleep_then_count(void *arg)
{
	sched_sleep_ns(MS);
	__atomic_fetch_add((unsigned *)arg, 1, __ATOMIC_RELAXED);
	return 0;
}

KTEST(sched, detached_kernel_threads_run_to_the_end)
{
	unsigned done = 0;

	for (unsigned i = 0; i < 10; i++)
		KTEST_EXPECT_EQ(t, kthread_start(sleep_then_count, &done, NULL), 0);
	for (unsigned wait = 0; wait < 1000 && READ_ONCE(done) != 10; wait++)
		sched_sleep_ns(MS);
	KTEST_EXPECT_EQ(t, done, 10);
}

KTEST(sched, cpu_statistics_add_up)
{
	struct sched_cpu_stats st;

	sched_sleep_ns(MS); /* at least one switch on this CPU */
	for (unsigned cpu = 0; cpu < nr_cpus; cpu++) {
		sched_get_cpu_stats(cpu, &st);
		KTEST_EXPECT(t, st.switches > 0);
		KTEST_EXPECT(t, st.busy_ns + st.idle_ns > 0);
		KTEST_EXPECT(t, st.busy_ns + st.idle_ns <= time_since_boot_ns());
	}
	sched_get_cpu_stats(0, &st);
	KTEST_EXPECT(t, st.nr_running >= 1); /* this thread */
}

/* ---- real-time classes among themselves ---- */

struct rt_spinner {
	uint64_t length_ns;
	uint64_t started_ns, ended_ns, runtime_ns;
};

static int rt_spinner_main(void *arg)
{
	struct rt_spinner *s = arg;
	struct thread_stats st;

	s->started_ns = time_since_boot_ns();
	while (time_since_boot_ns() < s->started_ns + s->length_ns)
		cpu_relax();
	s->ended_ns = time_since_boot_ns();
	thread_get_stats(thread_current(), &st);
	s->runtime_ns = st.runtime_ns;
	return 0;
}

/* Two threads of one RT policy and priority on one CPU, spinning 60 ms each. */
static void run_rt_pair(struct ktest *t, enum sched_policy policy, struct rt_spinner s[2])
{
	struct thread *th[2];
	struct thread_attr attr = {
		.name = "rt-pair", .policy = policy, .rt_priority = 10,
		.affinity = 1ULL << last_cpu(),
	};

	/* Outrank both while creating them, so they start together. */
	KTEST_EXPECT_EQ(t, thread_set_scheduling(thread_current(), SCHED_FIFO, 99), 0);
	for (unsigned i = 0; i < 2; i++) {
		s[i] = (struct rt_spinner){ .length_ns = 60 * MS };
		KTEST_EXPECT_EQ(t, thread_create(kernel_process(), rt_spinner_main, &s[i], &attr,
						 &th[i]), 0);
	}
	KTEST_EXPECT_EQ(t, thread_set_scheduling(thread_current(), SCHED_NORMAL, 0), 0);
	for (unsigned i = 0; i < 2; i++)
		KTEST_EXPECT_EQ(t, thread_join(th[i], NULL), 0);
}

KTEST(sched, fifo_threads_of_one_priority_run_one_after_the_other)
{
	struct rt_spinner s[2];

	run_rt_pair(t, SCHED_FIFO, s);
	/* The second started only when the first had finished. */
	KTEST_EXPECT(t, s[1].started_ns >= s[0].ended_ns || s[0].started_ns >= s[1].ended_ns);
}

/* Under -icount: a host that stops the vCPU for 60 ms would let the first
 * spinner's wall-clock minute pass inside its first slice. */
KTEST(timing_sched, round_robin_threads_of_one_priority_take_turns)
{
	struct rt_spinner s[2];

	run_rt_pair(t, SCHED_RR, s);
	/* Each started before the other ended: they alternated by quantum. */
	KTEST_EXPECT(t, s[1].started_ns < s[0].ended_ns);
	KTEST_EXPECT(t, s[0].started_ns < s[1].ended_ns);
	/* Each was on the CPU for about its 60 ms, not twice that. */
	KTEST_EXPECT(t, s[0].runtime_ns < 80 * MS);
	KTEST_EXPECT(t, s[1].runtime_ns < 80 * MS);
}

/* ---- balancing ---- */

KTEST(sched, threads_queued_on_one_cpu_are_taken_by_the_others)
{
	struct hog hogs[8];
	struct thread *th[8];
	volatile bool stop = false;
	unsigned n = MIN(2 * nr_cpus, 8u);
	uint64_t seen = 0;
	struct sched_cpu_stats before, after;
	uint64_t steals_before = 0, steals_after = 0;

	for (unsigned cpu = 0; cpu < nr_cpus; cpu++) {
		sched_get_cpu_stats(cpu, &before);
		steals_before += before.steals;
	}
	/* All start on the last CPU, then may go anywhere: only balancing
	 * (idle stealing, the periodic pull) can move them. */
	for (unsigned i = 0; i < n; i++) {
		struct thread_attr attr = { .name = "crowd", .affinity = 1ULL << last_cpu() };

		hogs[i] = (struct hog){ .stop = &stop };
		if (!KTEST_EXPECT_EQ(t, thread_create(kernel_process(), hog_main, &hogs[i], &attr,
						      &th[i]), 0))
			return;
	}
	for (unsigned i = 0; i < n; i++)
		KTEST_EXPECT_EQ(t, thread_set_affinity(th[i], ~0ULL), 0);
	/* Balancing takes a few 20 ms rounds; a loaded host stretches them, so
	 * wait until every CPU has run one (at most 5 s), not a fixed time. */
	uint64_t give_up = time_since_boot_ns() + 5000 * MS;

	do {
		sched_sleep_ns(10 * MS);
		seen = 0;
		for (unsigned i = 0; i < n; i++)
			seen |= READ_ONCE(hogs[i].cpus);
	} while (seen != smp_online_mask() && time_since_boot_ns() < give_up);
	stop = true;
	seen = 0;
	for (unsigned i = 0; i < n; i++) {
		KTEST_EXPECT_EQ(t, thread_join(th[i], NULL), 0);
		seen |= hogs[i].cpus;
	}
	for (unsigned cpu = 0; cpu < nr_cpus; cpu++) {
		sched_get_cpu_stats(cpu, &after);
		steals_after += after.steals;
	}
	KTEST_EXPECT_EQ(t, seen, smp_online_mask());
	if (nr_cpus > 1)
		KTEST_EXPECT(t, steals_after > steals_before);
}

/*
 * ---- timing (suite timing_sched: run only when named, under -icount) ----
 * These hold measured CPU time and latency against bounds. On a machine
 * whose virtual CPUs the host may stop at any moment, a stopped CPU's
 * thread is charged the host's time; QEMU's -icount makes guest time count
 * guest instructions instead, so the figures mean what they say and repeat.
 */

KTEST(timing_sched, equal_threads_share_one_cpu_within_20_percent)
{
	struct hog hogs[FAIR_THREADS];
	struct thread_attr attrs[FAIR_THREADS];
	uint64_t total = 0;

	for (unsigned i = 0; i < FAIR_THREADS; i++)
		attrs[i] = (struct thread_attr){ .name = "fair", .affinity = 1ULL << last_cpu() };
	if (!run_hogs(t, hogs, attrs, FAIR_THREADS, 300 * MS))
		return;
	for (unsigned i = 0; i < FAIR_THREADS; i++)
		total += hogs[i].runtime_ns;

	uint64_t mean = total / FAIR_THREADS;

	ktest_note(t, "CPU time of %u equal threads: %lu, %lu, %lu us", FAIR_THREADS,
		   (unsigned long)(hogs[0].runtime_ns / 1000), (unsigned long)(hogs[1].runtime_ns / 1000),
		   (unsigned long)(hogs[2].runtime_ns / 1000));

	for (unsigned i = 0; i < FAIR_THREADS; i++) {
		KTEST_EXPECT(t, hogs[i].runtime_ns * 10 >= mean * 8);
		KTEST_EXPECT(t, hogs[i].runtime_ns * 10 <= mean * 12);
	}
	/* Together they had the CPU for most of the window. */
	KTEST_EXPECT(t, total >= 200 * MS);
}

KTEST(timing_sched, lower_nice_gets_more_cpu_and_higher_nice_still_runs)
{
	struct hog hogs[2];
	struct thread_attr attrs[2] = {
		{ .name = "nice-10", .nice = -10, .affinity = 1ULL << last_cpu() },
		{ .name = "nice+10", .nice = 10, .affinity = 1ULL << last_cpu() },
	};

	if (!run_hogs(t, hogs, attrs, 2, 300 * MS))
		return;
	/* Slices of 15 ms and 5 ms: about 3 to 1. */
	KTEST_EXPECT(t, hogs[0].runtime_ns >= 2 * hogs[1].runtime_ns);
	KTEST_EXPECT(t, hogs[1].runtime_ns >= 20 * MS);
}

struct rt_probe {
	struct completion go;
	volatile uint64_t started_ns;
	const volatile uint64_t *hog_spins;
	uint64_t spins_before, spins_after;
};

static int rt_probe_main(void *arg)
{
	struct rt_probe *p = arg;

	wait_for_completion(&p->go);
	p->started_ns = time_since_boot_ns();
	p->spins_before = *p->hog_spins;
	/* FIFO on the hog's CPU: the hog must not run at all meanwhile. */
	uint64_t until = time_since_boot_ns() + 5 * MS;

	while (time_since_boot_ns() < until)
		cpu_relax();
	p->spins_after = *p->hog_spins;
	return 0;
}

KTEST(timing_sched, realtime_thread_preempts_normal_one_at_once)
{
	unsigned cpu = last_cpu();
	struct hog hog;
	volatile bool stop = false;
	struct thread *hog_thread, *rt_thread;
	struct thread_attr hog_attr = { .name = "hog", .affinity = 1ULL << cpu };
	struct thread_attr rt_attr = {
		.name = "rt", .policy = SCHED_FIFO, .rt_priority = 50, .affinity = 1ULL << cpu,
	};
	struct rt_probe probe = { 0 };

	hog = (struct hog){ .stop = &stop };
	probe.hog_spins = &hog.spins;
	completion_init(&probe.go);
	/* The RT thread first blocks; then the hog takes the CPU. */
	if (!KTEST_EXPECT_EQ(t, thread_create(kernel_process(), rt_probe_main, &probe, &rt_attr,
					      &rt_thread), 0))
		return;
	if (!KTEST_EXPECT_EQ(t, thread_create(kernel_process(), hog_main, &hog, &hog_attr,
					      &hog_thread), 0))
		return;
	while (!READ_ONCE(hog.spins))
		sched_sleep_ns(MS); /* the hog is on its CPU now */

	/* Wake the RT thread; nothing may run here between the clock read and
	 * the wake-up (with one CPU the hog would). */
	uint64_t flags = read_rflags();

	cli();

	uint64_t t0 = time_since_boot_ns();

	complete(&probe.go);
	irq_restore(flags);
	KTEST_EXPECT_EQ(t, thread_join(rt_thread, NULL), 0);
	stop = true;
	KTEST_EXPECT_EQ(t, thread_join(hog_thread, NULL), 0);
	/* Well within the hog's 10 ms slice. */
	KTEST_EXPECT(t, probe.started_ns - t0 < MS);
	KTEST_EXPECT_EQ(t, probe.spins_after, probe.spins_before);
	ktest_note(t, "RT thread ran %lu ns after its wake-up",
		   (unsigned long)(probe.started_ns - t0));
}
