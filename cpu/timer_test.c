// SPDX-License-Identifier: MIT
/*
 * In-kernel tests of timer_cancel against a callback running on another
 * CPU. The canceller waits for the callback with interrupts off; if the
 * callback needs every CPU's answer to a cross-CPU call (here a TLB
 * shootdown: vmalloc + vfree), the canceller must answer it while it
 * waits, or the two CPUs wait for each other forever. (Cross-CPU calls
 * may be made from interrupt handlers such as timer callbacks: smp_call
 * holds its request lock with interrupts off.)
 */
#include <xdv/ktest.h>
#include <xdv/mm.h>
#include <xdv/percpu.h>
#include <xdv/sched.h>
#include <xdv/smp.h>
#include <xdv/time.h>
#include <xdv/timer.h>
#include <xdv/arch/x86.h>

#define WAIT_NS 2000000000ULL /* a bound on every wait, so a failure ends */

static struct cancel_race {
	struct timer timer;
	volatile bool in_callback;  /* the callback runs (on CPU A) */
	volatile bool cancelling;   /* CPU B is about to call timer_cancel */
	volatile bool done;         /* the callback's shootdown finished */
	volatile unsigned callback_cpu;
} race;

/* Wait for *flag, answering cross-CPU calls (interrupts may be off). */
static bool wait_flag(volatile bool *flag)
{
	uint64_t give_up = time_since_boot_ns() + WAIT_NS;

	while (!*flag && time_since_boot_ns() < give_up) {
		smp_poll_calls();
		cpu_relax();
	}
	return *flag;
}

static void shootdown_callback(struct timer *t, void *arg)
{
	race.callback_cpu = this_cpu_id();
	race.in_callback = true;
	wait_flag(&race.cancelling);
	udelay_ns(1000000); /* let B get into timer_cancel's wait */

	void *p = vmalloc(PAGE_SIZE); /* map and unmap: a shootdown to every CPU */

	if (p)
		vfree(p);
	race.done = true;
}

static int start_timer_here(void *arg)
{
	timer_start(&race.timer, time_since_boot_ns(), shootdown_callback, NULL);
	return 0;
}

KTEST(timer, cancel_while_callback_shoots_down_tlb_completes)
{
	if (nr_cpus < 2) {
		KTEST_SKIP(t, "needs two CPUs");
		return;
	}
	struct thread *self = thread_current();
	uint64_t old_affinity = thread_affinity(self);
	unsigned b = 0, a = 1;
	struct thread_attr attr = { .name = "ktest-timer-a", .affinity = 1ULL << a };

	/* This thread is B, on CPU 0; the timer is started on CPU 1 (A). */
	if (!KTEST_EXPECT_EQ(t, thread_set_affinity(self, 1ULL << b), 0))
		return;
	race = (struct cancel_race){ 0 };
	KTEST_EXPECT_EQ(t, kthread_start(start_timer_here, NULL, &attr), 0);

	uint64_t flags = read_rflags();

	cli();
	if (KTEST_EXPECT(t, wait_flag(&race.in_callback))) {
		race.cancelling = true;
		/* Interrupts off: only polling in timer_cancel's wait answers A. */
		KTEST_EXPECT(t, !timer_cancel(&race.timer));
		KTEST_EXPECT(t, race.done);
		KTEST_EXPECT_EQ(t, race.callback_cpu, a);
		KTEST_EXPECT_EQ(t, this_cpu_id(), b);
	} else {
		timer_cancel(&race.timer); /* it may still be pending on A */
	}
	irq_restore(flags);
	KTEST_EXPECT_EQ(t, thread_set_affinity(self, old_affinity), 0);
}
