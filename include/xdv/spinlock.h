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
 */
#pragma once

#include <xdv/compiler.h>

struct spinlock {
	volatile uint16_t next;    /* the next ticket to hand out */
	volatile uint16_t serving; /* the ticket that holds the lock */
	const char *name;
	int16_t owner_cpu;         /* -1 when free; for asserts and reports */
};

#define SPINLOCK_INIT(lock_name) { 0, 0, (lock_name), -1 }

void spin_lock_init(struct spinlock *lock, const char *name);
void spin_lock(struct spinlock *lock);
void spin_unlock(struct spinlock *lock);
/* Take the lock only if it is free. Return: true if taken. */
bool spin_trylock(struct spinlock *lock);

/* Disable interrupts on this CPU, then lock. Return: the old RFLAGS. */
uint64_t spin_lock_irqsave(struct spinlock *lock);
/* Unlock, then re-enable interrupts if flags had them on. */
void spin_unlock_irqrestore(struct spinlock *lock, uint64_t flags);

/* True when this CPU holds lock. */
bool spin_is_held(const struct spinlock *lock);

#define spin_assert_held(lock) BUG_ON(!spin_is_held(lock))
