// SPDX-License-Identifier: MIT
/*
 * Benchmarks of cpu/ (make bench, which boots with -smp 2): spinlock
 * acquire+release uncontended and contended by every CPU, a cross-CPU call
 * round trip (IPI there, the function, the answer back), and a timer
 * interrupt's cost from arming to handler.
 */
#include <xdv/kbench.h>
#include <xdv/percpu.h>
#include <xdv/smp.h>
#include <xdv/spinlock.h>
#include <xdv/time.h>
#include <xdv/timer.h>
#include <xdv/arch/x86.h>

KBENCH(spinlock_uncontended, 200000)
{
	static struct spinlock lock = SPINLOCK_INIT("bench");

	for (uint64_t i = 0; i < n; i++) {
		spin_lock(&lock);
		spin_unlock(&lock);
	}
	return n;
}

struct contended {
	struct spinlock lock;
	uint64_t per_cpu;
	volatile unsigned ready;
};

static void contend(void *arg)
{
	struct contended *c = arg;

	__atomic_fetch_add(&c->ready, 1, __ATOMIC_ACQ_REL);
	while (__atomic_load_n(&c->ready, __ATOMIC_ACQUIRE) < nr_cpus)
		cpu_relax();
	for (uint64_t i = 0; i < c->per_cpu; i++) {
		spin_lock(&c->lock);
		spin_unlock(&c->lock);
	}
}

/* Every CPU takes the lock in turn: ns per acquisition, any CPU. */
KBENCH(spinlock_contended_all_cpus, 20000)
{
	static struct contended c = { .lock = SPINLOCK_INIT("bench_contended") };

	if (nr_cpus < 2)
		return 0;
	c.per_cpu = n / nr_cpus;
	c.ready = 0;
	smp_call_all(contend, &c);
	return c.per_cpu * nr_cpus;
}

static void nothing(void *arg)
{
}

KBENCH(ipi_call_round_trip, 20000)
{
	if (nr_cpus < 2)
		return 0;
	for (uint64_t i = 0; i < n; i++)
		smp_call_others(nothing, NULL);
	return n;
}

static void fired(struct timer *t, void *arg)
{
	*(volatile bool *)arg = true;
}

/* Arm a timer for now, take its interrupt, run the callback. */
KBENCH(timer_interrupt_arm_to_callback, 20000)
{
	struct timer t;
	uint64_t flags = read_rflags();

	for (uint64_t i = 0; i < n; i++) {
		volatile bool done = false;

		timer_start(&t, time_since_boot_ns(), fired, (void *)&done);
		/* sti; hlt: the interrupt is taken at the hlt (an emulator
		 * checks for interrupts only between blocks of code). */
		while (!done) {
			sti();
			hlt();
			cli();
		}
	}
	irq_restore(flags);
	return n;
}
