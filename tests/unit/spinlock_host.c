// SPDX-License-Identifier: MIT
/*
 * Host unit tests run the kernel's pure logic in one thread, without the
 * privilege to switch interrupts off: the spinlocks it takes (printk's, for
 * one) only record that they are held, so a missing unlock still shows.
 */
#include <xdv/spinlock.h>

void spin_lock_init(struct spinlock *lock, const char *name)
{
	lock->next = lock->serving = 0;
	lock->name = name;
	lock->owner_cpu = -1;
	lock->class_id = 0;
}

void spin_lock(struct spinlock *lock)
{
	lock->owner_cpu = 0;
	lock->next++;
}

void spin_unlock(struct spinlock *lock)
{
	lock->owner_cpu = -1;
	lock->serving++;
}

bool spin_trylock(struct spinlock *lock)
{
	if (lock->owner_cpu == 0)
		return false;
	spin_lock(lock);
	return true;
}

bool spin_is_held(const struct spinlock *lock)
{
	return lock->owner_cpu == 0;
}

uint64_t spin_lock_irqsave(struct spinlock *lock)
{
	spin_lock(lock);
	return 0;
}

void spin_unlock_irqrestore(struct spinlock *lock, uint64_t flags)
{
	spin_unlock(lock);
}

void spin_lock_nested(struct spinlock *lock, unsigned subclass)
{
	spin_lock(lock);
}

void spin_assert_held_at(const struct spinlock *lock, const char *file, int line)
{
	if (!spin_is_held(lock))
		__builtin_trap();
}
