// SPDX-License-Identifier: MIT
/*
 * One-shot timers on the local APIC timer (include/xdv/timer.h).
 *
 * Each CPU keeps a queue of its timers sorted by deadline and programs its
 * APIC timer, in one-shot mode, for the earliest one; the interrupt runs
 * every timer that is due and re-arms for the next. Deadlines further than
 * the 32-bit counter reaches are approached in steps. The APIC timer rate
 * is measured once against the TSC clock (itself calibrated at boot), and
 * is the same on every CPU of a PC.
 *
 * Locks: each CPU's queue has its own lock, taken with interrupts off: a
 * timer is started on the CPU that calls timer_start, but may be cancelled
 * from any CPU (a sleeping thread can wake up elsewhere). Callbacks run
 * without the lock, so they may start timers; timer_cancel waits for a
 * callback of the same timer that is running on another CPU, answering
 * cross-CPU calls meanwhile (the callback may be making one).
 */
#define pr_fmt(fmt) "timer: " fmt
#include <xdv/irq.h>
#include <xdv/percpu.h>
#include <xdv/printk.h>
#include <xdv/smp.h>
#include <xdv/spinlock.h>
#include <xdv/time.h>
#include <xdv/timer.h>
#include <xdv/arch/x86.h>
#include "internal.h"

#define CALIBRATE_WINDOWS   5
#define CALIBRATE_WINDOW_NS 4000000ULL /* 4 ms each */

static uint64_t ticks_per_ms;              /* APIC timer, divide by 16 */
struct timer_queue {
	struct spinlock lock;
	struct timer *first;   /* sorted by deadline */
	struct timer *running; /* whose callback runs now */
};

static struct timer_queue queues[MAX_CPUS];

uint64_t timer_lapic_ticks_per_ms(void)
{
	return ticks_per_ms;
}

void udelay_ns(uint64_t ns)
{
	uint64_t end = time_since_boot_ns() + ns;

	while (time_since_boot_ns() < end)
		cpu_relax();
}

/* Program this CPU's APIC timer for the earliest deadline (or stop it). */
static void timer_program(struct timer *first)
{
	if (!first) {
		lapic_timer_oneshot(0);
		return;
	}

	uint64_t now = time_since_boot_ns();
	uint64_t delta = first->deadline_ns > now ? first->deadline_ns - now : 0;
	uint64_t ticks = delta / 1000 * ticks_per_ms / 1000;

	if (ticks == 0)
		ticks = 1;
	if (ticks > 0xFFFFFFFFULL)
		ticks = 0xFFFFFFFFULL; /* re-armed when it fires */
	lapic_timer_oneshot((uint32_t)ticks);
}

static bool timer_interrupt(void *unused)
{
	unsigned cpu = this_cpu_id();
	struct timer_queue *q = &queues[cpu];

	if (nr_cpus)
		this_cpu()->timer_ticks++;
	spin_lock(&q->lock);
	for (;;) {
		struct timer *t = q->first;

		if (!t || t->deadline_ns > time_since_boot_ns())
			break;
		q->first = t->next;
		t->pending = false;
		q->running = t;

		timer_fn_t fn = t->fn;
		void *arg = t->arg;

		spin_unlock(&q->lock);
		fn(t, arg);
		spin_lock(&q->lock);
		q->running = NULL;
	}
	timer_program(q->first);
	spin_unlock(&q->lock);
	return true;
}

void timer_reprogram(void)
{
	struct timer_queue *q = &queues[this_cpu_id()];

	spin_lock(&q->lock);
	timer_program(q->first);
	spin_unlock(&q->lock);
}

void timer_start(struct timer *t, uint64_t deadline_ns, timer_fn_t fn, void *arg)
{
	uint64_t flags = read_rflags();

	cli(); /* stay on this CPU until queued */
	unsigned cpu = this_cpu_id();
	struct timer_queue *q = &queues[cpu];

	spin_lock(&q->lock);
	t->deadline_ns = deadline_ns;
	t->fn = fn;
	t->arg = arg;
	t->pending = true;
	t->cpu = cpu;

	struct timer **link = &q->first;

	while (*link && (*link)->deadline_ns <= deadline_ns)
		link = &(*link)->next;
	t->next = *link;
	*link = t;
	if (q->first == t)
		timer_program(t);
	spin_unlock_irqrestore(&q->lock, flags);
}

bool timer_cancel(struct timer *t)
{
	struct timer_queue *q = &queues[t->cpu];
	uint64_t flags = spin_lock_irqsave(&q->lock);
	bool was_pending = false;

	for (struct timer **link = &q->first; *link; link = &(*link)->next) {
		if (*link == t) {
			*link = t->next;
			t->pending = false;
			was_pending = true;
			break;
		}
	}
	/*
	 * Another CPU may be in t's callback: wait for it to end. Interrupts
	 * are off, and the callback may itself wait for this CPU (a TLB
	 * shootdown after a vfree): answer its calls while waiting, as the
	 * spinlock wait does.
	 */
	while (q->running == t && t->cpu != this_cpu_id()) {
		spin_unlock(&q->lock);
		smp_poll_calls();
		cpu_relax();
		spin_lock(&q->lock);
	}
	if (t->cpu == this_cpu_id())
		timer_program(q->first);
	spin_unlock_irqrestore(&q->lock, flags);
	return was_pending;
}

/*
 * APIC timer ticks per millisecond of the TSC clock: the median of
 * CALIBRATE_WINDOWS windows, each read as back-to-back pairs of the two
 * clocks. A stall between the reads of a pair (an SMI; a host that
 * deschedules a virtual CPU) skews a window either way; the median is not
 * moved by a minority of skewed windows.
 */
static void timer_calibrate(void)
{
	uint64_t rate[CALIBRATE_WINDOWS];

	for (unsigned w = 0; w < CALIBRATE_WINDOWS; w++) {
		lapic_timer_oneshot(0xFFFFFFFFu);

		uint32_t l0 = lapic_timer_current();
		uint64_t t0 = time_since_boot_ns();

		udelay_ns(CALIBRATE_WINDOW_NS);

		uint32_t l1 = lapic_timer_current();
		uint64_t t1 = time_since_boot_ns();

		rate[w] = (uint64_t)(l0 - l1) * 1000000ULL / (t1 - t0);
	}
	lapic_timer_oneshot(0);
	ticks_per_ms = median_u64(rate, CALIBRATE_WINDOWS);
	pr_info("local APIC timer runs at %lu.%03lu MHz (divide by 16)\n",
		ticks_per_ms / 1000, ticks_per_ms % 1000);
}

void timer_init_cpu(void)
{
	if (this_cpu_id() == 0) {
		irq_set_fixed(VECTOR_TIMER, timer_interrupt, NULL, "timer");
		if (!time_tsc_khz())
			pr_warn("no calibrated TSC: timers cannot be used\n");
		else
			timer_calibrate();
	}
	spin_lock_init(&queues[this_cpu_id()].lock, "timer_queue");
	queues[this_cpu_id()].first = NULL;
}
