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
 */
#include <xdv/spinlock.h>
#include <xdv/panic.h>
#include <xdv/percpu.h>
#include <xdv/sched.h>
#include <xdv/smp.h>
#include <xdv/arch/x86.h>

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

static void raw_spin_unlock(struct spinlock *lock)
{
	lock->owner_cpu = -1;
	__atomic_store_n(&lock->serving, (uint16_t)(lock->serving + 1), __ATOMIC_RELEASE);
}

void spin_lock(struct spinlock *lock)
{
	preempt_disable(); /* a lock holder must not be switched away from */
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
	return true;
}

void spin_unlock(struct spinlock *lock)
{
	raw_spin_unlock(lock);
	preempt_enable();
}

bool spin_is_held(const struct spinlock *lock)
{
	return lock->owner_cpu == current_cpu();
}

uint64_t spin_lock_irqsave(struct spinlock *lock)
{
	uint64_t flags = read_rflags();

	cli();
	preempt_disable();
	raw_spin_lock(lock);
	return flags;
}

void spin_unlock_irqrestore(struct spinlock *lock, uint64_t flags)
{
	raw_spin_unlock(lock);
	irq_restore(flags);
	/* With interrupts back, a switch asked for meanwhile happens here. */
	preempt_enable();
}
