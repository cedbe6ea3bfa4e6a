// SPDX-License-Identifier: MIT
/*
 * Blocking primitives on top of wait queues: the queues themselves,
 * completions, mutexes and semaphores (include/xdv/sched.h).
 *
 * Every wait follows the same pattern: queue yourself and mark yourself
 * blocked under the queue's lock, check the condition, and only then
 * schedule(). A waker changes the condition and then wakes under the same
 * lock, so it either sees the waiter queued (and wakes it) or the waiter
 * sees the new condition: no wake-up is lost. wake_up() takes the woken
 * entries off the queue; a waiter whose condition turns out false again
 * (another thread was faster) queues itself anew at the back.
 *
 * Locks: each queue's lock, irqsave (wake-ups come from interrupts too);
 * thread_wake() nests a run queue lock inside it.
 */
#include <xdv/panic.h>
#include <xdv/time.h>
#include "internal.h"

void wait_queue_init(struct wait_queue *wq, const char *name)
{
	spin_lock_init(&wq->lock, name);
	list_init(&wq->waiters);
}

/* Locks: wq->lock. */
static void wait_enqueue_locked(struct wait_queue *wq, struct wait_entry *e)
{
	struct thread *me = thread_current();

	if (!list_is_linked(&e->link)) {
		e->thread = me;
		list_add_tail(&wq->waiters, &e->link);
	}
	WRITE_ONCE(me->state, THREAD_BLOCKED);
}

void wait_prepare(struct wait_queue *wq, struct wait_entry *e)
{
	uint64_t flags = spin_lock_irqsave(&wq->lock);

	wait_enqueue_locked(wq, e);
	spin_unlock_irqrestore(&wq->lock, flags);
}

void wait_finish(struct wait_queue *wq, struct wait_entry *e)
{
	WRITE_ONCE(thread_current()->state, THREAD_RUNNING);
	if (!list_is_linked(&e->link))
		return; /* wake_up took it off; nobody puts it back */

	uint64_t flags = spin_lock_irqsave(&wq->lock);

	if (list_is_linked(&e->link))
		list_remove(&e->link);
	spin_unlock_irqrestore(&wq->lock, flags);
}

/* Locks: wq->lock. */
static unsigned wake_up_locked(struct wait_queue *wq, unsigned n)
{
	unsigned woken = 0;

	while (woken < n && !list_is_empty(&wq->waiters)) {
		struct wait_entry *e = list_first_entry(&wq->waiters, struct wait_entry, link);

		list_remove(&e->link);
		thread_wake(e->thread);
		woken++;
	}
	return woken;
}

unsigned wake_up(struct wait_queue *wq, unsigned n)
{
	uint64_t flags = spin_lock_irqsave(&wq->lock);
	unsigned woken = wake_up_locked(wq, n);

	spin_unlock_irqrestore(&wq->lock, flags);
	return woken;
}

/* Call try(obj) once under wq's lock. Return: what try returned. */
static bool try_locked(struct wait_queue *wq, bool (*try)(void *obj), void *obj)
{
	uint64_t flags = spin_lock_irqsave(&wq->lock);
	bool ok = try(obj);

	spin_unlock_irqrestore(&wq->lock, flags);
	return ok;
}

/*
 * Wait on wq until try(obj) succeeds (called with wq->lock held) or the
 * deadline passes (~0: never). Return: true if try succeeded.
 */
static bool wait_for(struct wait_queue *wq, bool (*try)(void *obj), void *obj,
		     uint64_t deadline_ns)
{
	struct wait_entry e = WAIT_ENTRY_INIT(e);
	bool ok;

	might_sleep();
	for (;;) {
		uint64_t flags = spin_lock_irqsave(&wq->lock);

		ok = try(obj);
		if (!ok)
			wait_enqueue_locked(wq, &e);
		spin_unlock_irqrestore(&wq->lock, flags);
		if (ok)
			break;
		if (deadline_ns == ~0ULL) {
			schedule();
		} else if (sched_block_until(deadline_ns)) {
			ok = try_locked(wq, try, obj);
			break;
		}
	}
	wait_finish(wq, &e);
	return ok;
}

/* ---- completions ---- */

void completion_init(struct completion *c)
{
	wait_queue_init(&c->wq, "completion");
	c->done = 0;
}

void complete(struct completion *c)
{
	uint64_t flags = spin_lock_irqsave(&c->wq.lock);

	if (c->done != ~0u)
		c->done++;
	wake_up_locked(&c->wq, 1);
	spin_unlock_irqrestore(&c->wq.lock, flags);
}

void complete_all(struct completion *c)
{
	uint64_t flags = spin_lock_irqsave(&c->wq.lock);

	c->done = ~0u;
	wake_up_locked(&c->wq, ~0u);
	spin_unlock_irqrestore(&c->wq.lock, flags);
}

static bool completion_try(void *obj)
{
	struct completion *c = obj;

	if (!c->done)
		return false;
	if (c->done != ~0u)
		c->done--;
	return true;
}

void wait_for_completion(struct completion *c)
{
	wait_for(&c->wq, completion_try, c, ~0ULL);
}

bool wait_for_completion_until(struct completion *c, uint64_t deadline_ns)
{
	return wait_for(&c->wq, completion_try, c, deadline_ns);
}

/* ---- mutexes ---- */

void mutex_init(struct mutex *m, const char *name)
{
	wait_queue_init(&m->wq, name);
	m->owner = NULL;
	m->name = name;
}

static bool mutex_try(void *obj)
{
	struct mutex *m = obj;

	if (m->owner)
		return false;
	m->owner = thread_current();
	return true;
}

void mutex_lock(struct mutex *m)
{
	if (m->owner == thread_current() && m->owner)
		panic("mutex %s: thread %d locks it again (deadlock)", m->name,
		      thread_id(m->owner));
	wait_for(&m->wq, mutex_try, m, ~0ULL);
}

bool mutex_trylock(struct mutex *m)
{
	return try_locked(&m->wq, mutex_try, m);
}

void mutex_unlock(struct mutex *m)
{
	uint64_t flags = spin_lock_irqsave(&m->wq.lock);

	if (m->owner != thread_current())
		panic("mutex %s: unlocked by thread %d, not by its owner", m->name,
		      thread_current() ? thread_id(thread_current()) : -1);
	m->owner = NULL;
	wake_up_locked(&m->wq, 1);
	spin_unlock_irqrestore(&m->wq.lock, flags);
}

bool mutex_is_held(const struct mutex *m)
{
	return READ_ONCE(m->owner) == thread_current();
}

/* ---- semaphores ---- */

void semaphore_init(struct semaphore *s, unsigned count)
{
	wait_queue_init(&s->wq, "semaphore");
	s->count = count;
}

static bool semaphore_try(void *obj)
{
	struct semaphore *s = obj;

	if (!s->count)
		return false;
	s->count--;
	return true;
}

void semaphore_down(struct semaphore *s)
{
	wait_for(&s->wq, semaphore_try, s, ~0ULL);
}

bool semaphore_down_until(struct semaphore *s, uint64_t deadline_ns)
{
	return wait_for(&s->wq, semaphore_try, s, deadline_ns);
}

bool semaphore_trydown(struct semaphore *s)
{
	return try_locked(&s->wq, semaphore_try, s);
}

void semaphore_up(struct semaphore *s)
{
	uint64_t flags = spin_lock_irqsave(&s->wq.lock);

	s->count++;
	wake_up_locked(&s->wq, 1);
	spin_unlock_irqrestore(&s->wq.lock, flags);
}
