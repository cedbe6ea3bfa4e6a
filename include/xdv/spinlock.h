/* SPDX-License-Identifier: MIT */
/*
 * Spinlocks: fair ticket locks. A CPU takes a ticket and waits until the
 * lock serves that number, so CPUs get the lock in arrival order and none
 * starves. spin_lock_irqsave() also disables interrupts on this CPU (and
 * returns the old RFLAGS for spin_unlock_irqrestore), for locks that an
 * interrupt handler may take too.
 *
 * A lock lives in the struct it guards (STYLE.md). Code that needs a lock
 * held asserts it with spin_assert_held(). (Host unit tests link a
 * single-threaded stand-in: tests/unit/spinlock_host.c.)
 *
 * The DEBUG build validates every lock operation (kernel/lockdep.c, in the
 * spirit of Linux's lockdep): locks are grouped into classes by the name
 * given to spin_lock_init/SPINLOCK_INIT, so the locks of many objects of
 * one kind share a class; the order in which classes nest is recorded, and
 * an inversion (A then B here, B then A there, also through a longer
 * chain), a class taken both in interrupt context and with interrupts on
 * (or one taken in interrupts held while one taken with interrupts on is
 * taken), an unlock by a CPU that does not hold the lock and sleeping with a lock
 * held are reported with a "lockdep: WARNING:" line, the sites and a
 * backtrace. Two locks of one class taken nested on purpose (two run
 * queues in a fixed order) say so with spin_lock_nested(). The release
 * build pays nothing for any of it.
 */
#pragma once

#include <xdv/compiler.h>

struct spinlock {
	volatile uint16_t next;    /* the next ticket to hand out */
	volatile uint16_t serving; /* the ticket that holds the lock */
	const char *name;          /* also the lock's class for the validator */
	int16_t owner_cpu;         /* -1 when free; for asserts and reports */
	uint16_t class_id;         /* validator's class + 1, 0: not looked up yet */
};

#define SPINLOCK_INIT(lock_name) { 0, 0, (lock_name), -1, 0 }

/* Subclasses for spin_lock_nested(): 0 is the plain class. */
#define SPIN_SUBCLASS_MAX 7

void spin_lock_init(struct spinlock *lock, const char *name);
void spin_lock(struct spinlock *lock);
/*
 * spin_lock() for a lock whose class may already be held on this CPU, in
 * an order fixed by the caller (e.g. two run queues by CPU number): the
 * validator treats it as class "name/subclass" (1 .. SPIN_SUBCLASS_MAX).
 */
void spin_lock_nested(struct spinlock *lock, unsigned subclass);
void spin_unlock(struct spinlock *lock);
/* Take the lock only if it is free. Return: true if taken. */
bool spin_trylock(struct spinlock *lock);

/* Disable interrupts on this CPU, then lock. Return: the old RFLAGS. */
uint64_t spin_lock_irqsave(struct spinlock *lock);
/* Unlock, then re-enable interrupts if flags had them on. */
void spin_unlock_irqrestore(struct spinlock *lock, uint64_t flags);

/* True when this CPU holds lock. */
bool spin_is_held(const struct spinlock *lock);

/*
 * Stop the kernel unless this CPU holds lock (in the DEBUG build also
 * unless the validator has it on this CPU's held-lock stack).
 */
#define spin_assert_held(lock) spin_assert_held_at((lock), __FILE__, __LINE__)
void spin_assert_held_at(const struct spinlock *lock, const char *file, int line);

/*
 * spin_assert_held() in the DEBUG build only, for hot paths whose callers
 * the validator already watches: a release build pays nothing for it.
 */
#define lockdep_assert_held(lock)                    \
	do {                                         \
		if (IS_ENABLED(CONFIG_DEBUG))        \
			spin_assert_held(lock);      \
	} while (0)

/*
 * Print the locks this CPU holds, innermost last, with where each was
 * taken ("lockdep: held ..." lines; DEBUG build only, nothing otherwise).
 * Context: any. Return: how many locks this CPU holds.
 */
unsigned lockdep_print_held_locks(void);

/* How many problems the validator has reported since boot (0 in release). */
unsigned lockdep_report_count(void);
