// SPDX-License-Identifier: MIT
/*
 * Ticket spinlocks (include/xdv/spinlock.h). Taking a ticket is one atomic
 * fetch-and-add; waiting reads `serving` with a pause in the loop, so the
 * waiting CPUs share the cache line quietly until the holder releases it.
 * The holder's CPU number is recorded for spin_is_held(); a CPU that tries
 * to take a lock it already holds would wait forever, so that is caught
 * and reported as the kernel bug it is. Holding a spinlock disables
 * preemption on this CPU (the count lives in the per-CPU area), so the
 * holder keeps the CPU until it unlocks.
 *
 * In the DEBUG build every lock and unlock also goes through the validator
 * (kernel/lockdep.c): before waiting, so that an inversion is reported
 * before it can deadlock; a trylock only once it succeeded. An unlock by a
 * CPU that does not hold the lock is reported there too. The release build
 * compiles those calls out (IS_ENABLED(CONFIG_DEBUG)).
 *
 * Locks: each function works on its own lock only.
 */
#include <xdv/spinlock.h>
#include <xdv/config.h>
#include <xdv/panic.h>
#include <xdv/percpu.h>
#include <xdv/sched.h>
#include <xdv/smp.h>
#include <xdv/arch/x86.h>
#include "lockdep.h"

static int16_t current_cpu(void)
{
	/* Before the per-CPU area exists (early boot) there is only CPU 0. */
	return (int16_t)this_cpu_id();
}

void spin_lock_init(struct spinlock *lock, const char *name)
{
	lock->next = 0;
	lock->serving = 0;
	lock->name = name;
	lock->owner_cpu = -1;
	lock->class_id = 0;
}

/* The lock itself, without the preemption count. */
static void raw_spin_lock(struct spinlock *lock)
{
	int16_t me = current_cpu();

	if (unlikely(lock->owner_cpu == me))
		panic("spinlock %s: CPU %d takes it again (deadlock)", lock->name, me);

	uint16_t ticket = __atomic_fetch_add(&lock->next, 1, __ATOMIC_RELAXED);

	while (__atomic_load_n(&lock->serving, __ATOMIC_ACQUIRE) != ticket) {
		/* The holder may be waiting for this CPU to flush its TLB. */
		if (nr_cpus)
			smp_poll_calls();
		cpu_relax();
	}
	lock->owner_cpu = me;
}

/* The DEBUG build's checks before an unlock; frame: the unlock call's. */
static void debug_unlock(struct spinlock *lock, const void *frame)
{
	if (unlikely(lock->owner_cpu != current_cpu()))
		lockdep_report_bad_unlock(lock, frame);
	lockdep_release(lock);
}

static void raw_spin_unlock(struct spinlock *lock)
{
	lock->owner_cpu = -1;
	__atomic_store_n(&lock->serving, (uint16_t)(lock->serving + 1), __ATOMIC_RELEASE);
}

void spin_lock(struct spinlock *lock)
{
	preempt_disable(); /* a lock holder must not be switched away from */
	if (IS_ENABLED(CONFIG_DEBUG))
		lockdep_acquire(lock, 0, false, __builtin_frame_address(0));
	raw_spin_lock(lock);
}

void spin_lock_nested(struct spinlock *lock, unsigned subclass)
{
	preempt_disable();
	if (IS_ENABLED(CONFIG_DEBUG))
		lockdep_acquire(lock, MIN(subclass, SPIN_SUBCLASS_MAX), false,
				__builtin_frame_address(0));
	raw_spin_lock(lock);
}

bool spin_trylock(struct spinlock *lock)
{
	preempt_disable();

	uint16_t serving = __atomic_load_n(&lock->serving, __ATOMIC_ACQUIRE);
	uint16_t expected = serving;

	/* Free means next == serving; take the ticket only in that case. */
	if (!__atomic_compare_exchange_n(&lock->next, &expected, (uint16_t)(serving + 1),
					 false, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED)) {
		preempt_enable();
		return false;
	}
	lock->owner_cpu = current_cpu();
	if (IS_ENABLED(CONFIG_DEBUG))
		lockdep_acquire(lock, 0, true, __builtin_frame_address(0));
	return true;
}

void spin_unlock(struct spinlock *lock)
{
	if (IS_ENABLED(CONFIG_DEBUG))
		debug_unlock(lock, __builtin_frame_address(0));
	raw_spin_unlock(lock);
	preempt_enable();
}

bool spin_is_held(const struct spinlock *lock)
{
	return lock->owner_cpu == current_cpu();
}

void spin_assert_held_at(const struct spinlock *lock, const char *file, int line)
{
	if (unlikely(!spin_is_held(lock)))
		panic("BUG at %s:%d: lock %s not held by CPU %d (owner %d)", file, line,
		      lock->name, current_cpu(), lock->owner_cpu);
	/* Held by this CPU, but by the code an interrupt interrupted? */
	if (IS_ENABLED(CONFIG_DEBUG) && unlikely(!lockdep_is_held(lock))) {
		lockdep_print_held_locks();
		panic("BUG at %s:%d: lock %s is held on CPU %d, but not in this context", file,
		      line, lock->name, current_cpu());
	}
}

uint64_t spin_lock_irqsave(struct spinlock *lock)
{
	uint64_t flags = read_rflags();

	cli();
	preempt_disable();
	if (IS_ENABLED(CONFIG_DEBUG))
		lockdep_acquire(lock, 0, false, __builtin_frame_address(0));
	raw_spin_lock(lock);
	return flags;
}

void spin_unlock_irqrestore(struct spinlock *lock, uint64_t flags)
{
	if (IS_ENABLED(CONFIG_DEBUG))
		debug_unlock(lock, __builtin_frame_address(0));
	raw_spin_unlock(lock);
	irq_restore(flags);
	/* With interrupts back, a switch asked for meanwhile happens here. */
	preempt_enable();
}
