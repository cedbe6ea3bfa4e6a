// SPDX-License-Identifier: MIT
/*
 * In-kernel tests of the lock validator (kernel/lockdep.c), DEBUG build
 * only: test-only locks are taken in a bad order, in a bad interrupt
 * context or unlocked by the wrong CPU on purpose, and the test checks that
 * the validator counted the report and named the classes. While a test
 * expects a report, the validator prints it as "lockdep: expected
 * (ktest):", so the run stays free of "lockdep: WARNING:" lines. Each test
 * uses its own lock names, because classes and their orders last until
 * reboot. None of these orders can deadlock for real: one CPU takes them
 * one after the other.
 *
 * Locks: only the tests' own. Preemption is off around each test body, so
 * the reports (and timer callbacks) happen on the CPU that expects them.
 */
#include "lockdep.h"
#include <xdv/ktest.h>
#include <xdv/config.h>
#include <xdv/sched.h>
#include <xdv/spinlock.h>
#include <xdv/string.h>
#include <xdv/time.h>
#include <xdv/timer.h>
#include <xdv/arch/x86.h>

#define SKIP_REASON "the lock validator runs in the DEBUG build only"

/* Begin expecting reports on this CPU. Return: false (skip) in release. */
static bool expect_begin(struct ktest *t, unsigned *count)
{
	if (!IS_ENABLED(CONFIG_DEBUG)) {
		KTEST_SKIP(t, SKIP_REASON);
		return false;
	}
	if (!lockdep_is_active()) {
		KTEST_SKIP(t, "the validator stopped (a table is full)");
		return false;
	}
	preempt_disable();
	lockdep_test_expect(true);
	*count = lockdep_report_count();
	return true;
}

/* Stop expecting. Return: reports made since expect_begin; *r the last. */
static unsigned expect_end(unsigned count, struct ld_report *r)
{
	unsigned n = lockdep_report_count() - count;

	lockdep_test_expect(false);
	preempt_enable();
	lockdep_last_report(r);
	return n;
}

static void lock_pair(struct spinlock *outer, struct spinlock *inner)
{
	spin_lock(outer);
	spin_lock(inner);
	spin_unlock(inner);
	spin_unlock(outer);
}

KTEST(lockdep, spin_lock_b_then_a_after_a_then_b_reports_inversion)
{
	static struct spinlock a = SPINLOCK_INIT("ktest_ld_ab_a");
	static struct spinlock b = SPINLOCK_INIT("ktest_ld_ab_b");
	struct ld_report r;
	unsigned count;

	if (!expect_begin(t, &count))
		return;
	lock_pair(&a, &b);
	lock_pair(&b, &a);
	lock_pair(&b, &a); /* the same inversion again: reported once */
	KTEST_EXPECT_EQ(t, expect_end(count, &r), 1);
	KTEST_EXPECT_EQ(t, r.kind, LD_REPORT_INVERSION);
	KTEST_EXPECT_STREQ(t, r.class_a, "ktest_ld_ab_b"); /* held */
	KTEST_EXPECT_STREQ(t, r.class_b, "ktest_ld_ab_a"); /* being taken */
	KTEST_EXPECT_EQ(t, r.chain_len, 1);
}

KTEST(lockdep, spin_lock_c_then_a_after_chain_a_b_c_reports_inversion)
{
	static struct spinlock a = SPINLOCK_INIT("ktest_ld_chain_a");
	static struct spinlock b = SPINLOCK_INIT("ktest_ld_chain_b");
	static struct spinlock c = SPINLOCK_INIT("ktest_ld_chain_c");
	struct ld_report r;
	unsigned count;

	if (!expect_begin(t, &count))
		return;
	lock_pair(&a, &b);
	lock_pair(&b, &c); /* never all three at once: the chain is in the graph only */
	KTEST_EXPECT_EQ(t, lockdep_report_count(), count);
	lock_pair(&c, &a);
	KTEST_EXPECT_EQ(t, expect_end(count, &r), 1);
	KTEST_EXPECT_EQ(t, r.kind, LD_REPORT_INVERSION);
	KTEST_EXPECT_STREQ(t, r.class_a, "ktest_ld_chain_c");
	KTEST_EXPECT_STREQ(t, r.class_b, "ktest_ld_chain_a");
	KTEST_EXPECT_EQ(t, r.chain_len, 2);
}

KTEST(lockdep, spin_lock_in_one_order_many_times_reports_nothing)
{
	static struct spinlock a = SPINLOCK_INIT("ktest_ld_same_a");
	static struct spinlock b = SPINLOCK_INIT("ktest_ld_same_b");
	static struct spinlock c = SPINLOCK_INIT("ktest_ld_same_c");
	struct ld_report r;
	unsigned count;

	if (!expect_begin(t, &count))
		return;
	for (unsigned i = 0; i < 100; i++) {
		spin_lock(&a);
		lock_pair(&b, &c);
		spin_unlock(&a);
		lock_pair(&a, &c);
	}
	/* Out-of-order unlock is fine too. */
	spin_lock(&a);
	spin_lock(&b);
	spin_unlock(&a);
	spin_unlock(&b);
	KTEST_EXPECT_EQ(t, expect_end(count, &r), 0);
}

KTEST(lockdep, spin_lock_two_of_one_class_unannotated_reports_recursion)
{
	struct spinlock x, y;
	struct ld_report r;
	unsigned count;

	spin_lock_init(&x, "ktest_ld_twin");
	spin_lock_init(&y, "ktest_ld_twin");
	if (!expect_begin(t, &count))
		return;
	lock_pair(&x, &y);
	KTEST_EXPECT_EQ(t, expect_end(count, &r), 1);
	KTEST_EXPECT_EQ(t, r.kind, LD_REPORT_RECURSION);
	KTEST_EXPECT_STREQ(t, r.class_a, "ktest_ld_twin");
}

KTEST(lockdep, spin_lock_nested_two_of_one_class_reports_nothing)
{
	struct spinlock x, y;
	struct ld_report r;
	unsigned count;

	spin_lock_init(&x, "ktest_ld_nested");
	spin_lock_init(&y, "ktest_ld_nested");
	if (!expect_begin(t, &count))
		return;
	spin_lock(&x);
	spin_lock_nested(&y, 1);
	spin_unlock(&y);
	spin_unlock(&x);
	KTEST_EXPECT_EQ(t, expect_end(count, &r), 0);
}

/* ---- interrupt safety: a timer callback is interrupt context ---------------- */

struct irq_probe {
	struct spinlock *lock;
	bool irqsave;
	volatile bool done;
};

static void probe_take_lock(struct timer *tm, void *arg)
{
	struct irq_probe *p = arg;

	spin_lock(p->lock);
	spin_unlock(p->lock);
	p->done = true;
}

/* Take lock in a timer interrupt on this CPU. Return: false if it never came. */
static bool take_in_interrupt(struct spinlock *lock)
{
	struct irq_probe p = { .lock = lock };
	struct timer tm = { 0 };
	uint64_t flags = read_rflags();

	sti();
	timer_start(&tm, time_since_boot_ns() + 1000000, probe_take_lock, &p);
	for (uint64_t end = time_since_boot_ns() + 2000000000ULL;
	     !p.done && time_since_boot_ns() < end;)
		cpu_relax();
	if (!p.done)
		timer_cancel(&tm);
	irq_restore(flags);
	return p.done;
}

/* Take lock in process context: with interrupts on, or with spin_lock_irqsave. */
static void take_in_process(struct spinlock *lock, bool irqsave)
{
	uint64_t flags = read_rflags();

	sti();
	if (irqsave) {
		uint64_t f = spin_lock_irqsave(lock);

		spin_unlock_irqrestore(lock, f);
	} else {
		spin_lock(lock);
		spin_unlock(lock);
	}
	irq_restore(flags);
}

KTEST(lockdep, spin_lock_irqs_on_after_use_in_interrupt_reports_irq_unsafe)
{
	static struct spinlock l = SPINLOCK_INIT("ktest_ld_irq_first");
	struct ld_report r;
	unsigned count;

	if (!expect_begin(t, &count))
		return;
	bool came = take_in_interrupt(&l);

	take_in_process(&l, false);
	KTEST_EXPECT_EQ(t, expect_end(count, &r), 1);
	KTEST_EXPECT(t, came);
	KTEST_EXPECT_EQ(t, r.kind, LD_REPORT_IRQ_UNSAFE);
	KTEST_EXPECT_STREQ(t, r.class_a, "ktest_ld_irq_first");
}

KTEST(lockdep, spin_lock_in_interrupt_after_use_with_irqs_on_reports_irq_unsafe)
{
	static struct spinlock l = SPINLOCK_INIT("ktest_ld_irq_last");
	struct ld_report r;
	unsigned count;

	if (!expect_begin(t, &count))
		return;
	take_in_process(&l, false);

	bool came = take_in_interrupt(&l); /* the report comes from the interrupt */

	KTEST_EXPECT_EQ(t, expect_end(count, &r), 1);
	KTEST_EXPECT(t, came);
	KTEST_EXPECT_EQ(t, r.kind, LD_REPORT_IRQ_UNSAFE);
	KTEST_EXPECT_STREQ(t, r.class_a, "ktest_ld_irq_last");
}

KTEST(lockdep, spin_lock_irqsave_and_use_in_interrupt_reports_nothing)
{
	static struct spinlock l = SPINLOCK_INIT("ktest_ld_irq_safe");
	struct ld_report r;
	unsigned count;

	if (!expect_begin(t, &count))
		return;
	take_in_process(&l, true);

	bool came = take_in_interrupt(&l);

	take_in_process(&l, true);
	KTEST_EXPECT_EQ(t, expect_end(count, &r), 0);
	KTEST_EXPECT(t, came);
}

KTEST(lockdep, spin_lock_of_irq_unsafe_under_irq_safe_reports_irq_order)
{
	static struct spinlock safe = SPINLOCK_INIT("ktest_ld_order_safe");
	static struct spinlock mid = SPINLOCK_INIT("ktest_ld_order_mid");
	static struct spinlock unsafe = SPINLOCK_INIT("ktest_ld_order_unsafe");
	struct ld_report r;
	unsigned count;

	if (!expect_begin(t, &count))
		return;

	bool came = take_in_interrupt(&safe);

	take_in_process(&unsafe, false);
	KTEST_EXPECT_EQ(t, lockdep_report_count(), count);

	/* safe -> mid -> unsafe, each order taken with interrupts off. */
	uint64_t flags = spin_lock_irqsave(&safe);

	spin_lock(&mid);
	spin_unlock(&mid);
	spin_unlock_irqrestore(&safe, flags);
	KTEST_EXPECT_EQ(t, lockdep_report_count(), count);
	flags = spin_lock_irqsave(&mid);
	spin_lock(&unsafe);
	spin_unlock(&unsafe);
	spin_unlock_irqrestore(&mid, flags);
	KTEST_EXPECT_EQ(t, expect_end(count, &r), 1);
	KTEST_EXPECT(t, came);
	KTEST_EXPECT_EQ(t, r.kind, LD_REPORT_IRQ_ORDER);
	KTEST_EXPECT_STREQ(t, r.class_a, "ktest_ld_order_safe");
	KTEST_EXPECT_STREQ(t, r.class_b, "ktest_ld_order_unsafe");
	KTEST_EXPECT_EQ(t, r.chain_len, 2);
}

KTEST(lockdep, spin_lock_irqs_on_of_class_held_under_irq_safe_reports_irq_order)
{
	static struct spinlock safe = SPINLOCK_INIT("ktest_ld_late_safe");
	static struct spinlock unsafe = SPINLOCK_INIT("ktest_ld_late_unsafe");
	struct ld_report r;
	unsigned count;

	if (!expect_begin(t, &count))
		return;

	bool came = take_in_interrupt(&safe);
	uint64_t flags = spin_lock_irqsave(&safe);

	spin_lock(&unsafe); /* fine so far: unsafe was never taken with interrupts on */
	spin_unlock(&unsafe);
	spin_unlock_irqrestore(&safe, flags);
	KTEST_EXPECT_EQ(t, lockdep_report_count(), count);
	take_in_process(&unsafe, false); /* now it is irq-unsafe */
	KTEST_EXPECT_EQ(t, expect_end(count, &r), 1);
	KTEST_EXPECT(t, came);
	KTEST_EXPECT_EQ(t, r.kind, LD_REPORT_IRQ_ORDER);
	KTEST_EXPECT_STREQ(t, r.class_a, "ktest_ld_late_safe");
	KTEST_EXPECT_STREQ(t, r.class_b, "ktest_ld_late_unsafe");
	KTEST_EXPECT_EQ(t, r.chain_len, 1);
}

/* ---- unlock by the wrong CPU and the held-lock list ------------------------- */

KTEST(lockdep, spin_unlock_by_non_owner_cpu_is_reported)
{
	static struct spinlock l = SPINLOCK_INIT("ktest_ld_not_mine");
	struct ld_report r;
	unsigned count;

	if (!expect_begin(t, &count))
		return;
	spin_lock(&l);
	/* As if another CPU had taken it (the ticket is this CPU's). */
	l.owner_cpu = (int16_t)(this_cpu_id() + 1);
	spin_unlock(&l);
	KTEST_EXPECT_EQ(t, expect_end(count, &r), 1);
	KTEST_EXPECT_EQ(t, r.kind, LD_REPORT_BAD_UNLOCK);
	KTEST_EXPECT_STREQ(t, r.class_a, "ktest_ld_not_mine");
	KTEST_EXPECT(t, !spin_is_held(&l) && l.next == l.serving);
}

KTEST(lockdep, lockdep_print_held_locks_counts_this_cpus_locks)
{
	static struct spinlock a = SPINLOCK_INIT("ktest_ld_held_a");
	static struct spinlock b = SPINLOCK_INIT("ktest_ld_held_b");

	if (!IS_ENABLED(CONFIG_DEBUG)) {
		KTEST_SKIP(t, SKIP_REASON);
		return;
	}
	spin_lock(&a);

	unsigned one = lockdep_print_held_locks();

	spin_lock(&b);

	unsigned two = lockdep_print_held_locks();

	spin_unlock(&b);
	spin_assert_held(&a);
	spin_unlock(&a);
	KTEST_EXPECT_EQ(t, two, one + 1);
	KTEST_EXPECT(t, one >= 1);
	KTEST_EXPECT_EQ(t, lockdep_print_held_locks(), one - 1);
}

struct held_probe {
	struct spinlock *lock;
	bool owner_cpu_says_held, validator_says_held;
	volatile bool done;
};

static void probe_is_held(struct timer *tm, void *arg)
{
	struct held_probe *p = arg;

	p->owner_cpu_says_held = spin_is_held(p->lock);
	p->validator_says_held = lockdep_is_held(p->lock);
	p->done = true;
}

/* What spin_assert_held checks beyond the owner CPU: the holder's context. */
KTEST(lockdep, lockdep_is_held_in_interrupt_of_holder_is_false)
{
	static struct spinlock l = SPINLOCK_INIT("ktest_ld_held_ctx");
	struct held_probe p = { .lock = &l };
	struct timer tm = { 0 };
	uint64_t flags = read_rflags();

	if (!IS_ENABLED(CONFIG_DEBUG)) {
		KTEST_SKIP(t, SKIP_REASON);
		return;
	}
	sti();
	spin_lock(&l);
	KTEST_EXPECT(t, lockdep_is_held(&l));
	timer_start(&tm, time_since_boot_ns() + 1000000, probe_is_held, &p);
	for (uint64_t end = time_since_boot_ns() + 2000000000ULL;
	     !p.done && time_since_boot_ns() < end;)
		cpu_relax();
	if (!p.done)
		timer_cancel(&tm);
	spin_unlock(&l);
	irq_restore(flags);
	KTEST_EXPECT(t, p.done);
	KTEST_EXPECT(t, p.owner_cpu_says_held);  /* the same CPU ... */
	KTEST_EXPECT(t, !p.validator_says_held); /* ... but not the holder */
	KTEST_EXPECT(t, !lockdep_is_held(&l));
}

/* How full the tables got (a figure; they must not fill up in the test run). */
KTEST(lockdep, lockdep_tables_have_room_after_boot)
{
	unsigned nc, maxc, ne, maxe;

	if (!IS_ENABLED(CONFIG_DEBUG)) {
		KTEST_SKIP(t, SKIP_REASON);
		return;
	}
	lockdep_table_use(&nc, &maxc, &ne, &maxe);
	ktest_note(t, "%u of %u classes, %u of %u orders", nc, maxc, ne, maxe);
	KTEST_EXPECT(t, lockdep_is_active());
	KTEST_EXPECT(t, nc < maxc / 2);
	KTEST_EXPECT(t, ne < maxe / 2);
}

/*
 * Runs only when named (tests/system/debug.sh): sleeping with a spinlock
 * held panics, and in the DEBUG build the validator first names the lock
 * ("lockdep:   #0 \"ktest_ld_sleeper\" ...").
 */
KTEST(ktest_must_panic_sleep, might_sleep_with_spinlock_held_names_the_lock)
{
	static struct spinlock l = SPINLOCK_INIT("ktest_ld_sleeper");

	spin_lock(&l);
	might_sleep();
	spin_unlock(&l);
	KTEST_EXPECT(t, false); /* not reached: might_sleep panicked */
}
