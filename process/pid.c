// SPDX-License-Identifier: MIT
/*
 * Process and thread ids: one id space, 1 .. CONFIG_PID_MAX - 1, as on
 * Linux (a process's pid is the id of its first thread). Ids are handed
 * out in increasing order and wrap around, so a just-freed id is not
 * reused at once (a stale id held by someone names nobody rather than a
 * stranger for as long as possible).
 *
 * Locks: pid_lock, a leaf taken with interrupts off (ids are freed from
 * the context switch path).
 */
#include <xdv/config.h>
#include <xdv/errno.h>
#include <xdv/spinlock.h>
#include "internal.h"

#define PID_WORDS (CONFIG_PID_MAX / 64)

static struct spinlock pid_lock = SPINLOCK_INIT("pid");
static uint64_t pid_used[PID_WORDS] = { 1 }; /* id 0 is the kernel's */
static unsigned pid_last;
static uint64_t pid_allocs; /* ids handed out since boot: Linux's total_forks */

int pid_alloc(void)
{
	uint64_t flags = spin_lock_irqsave(&pid_lock);
	int found = -EAGAIN;

	for (unsigned n = 1; n < CONFIG_PID_MAX; n++) {
		unsigned id = (pid_last + n) % CONFIG_PID_MAX;
		uint64_t bit = 1ULL << (id % 64);

		if (!(pid_used[id / 64] & bit)) {
			pid_used[id / 64] |= bit;
			pid_last = id;
			__atomic_fetch_add(&pid_allocs, 1, __ATOMIC_RELAXED);
			found = (int)id;
			break;
		}
	}
	spin_unlock_irqrestore(&pid_lock, flags);
	return found;
}

void pid_free(pid_t pid)
{
	if (pid <= 0 || pid >= CONFIG_PID_MAX)
		return;

	uint64_t flags = spin_lock_irqsave(&pid_lock);

	pid_used[pid / 64] &= ~(1ULL << (pid % 64));
	spin_unlock_irqrestore(&pid_lock, flags);
}

/* The id handed out last, for /proc/loadavg's last_pid. */
pid_t pid_last_allocated(void)
{
	return (pid_t)__atomic_load_n(&pid_last, __ATOMIC_RELAXED);
}

/* Processes and threads created since boot (/proc/stat "processes"). */
uint64_t sched_nr_forks(void)
{
	return __atomic_load_n(&pid_allocs, __ATOMIC_RELAXED);
}
