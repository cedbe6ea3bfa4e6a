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
 * A waker wakes the thread first and only then takes its entry off the
 * queue, with a release store; wait_finish() may look at the entry without
 * the lock (acquire), so a waiter that sees itself off the queue knows its
 * waker is done with the entry and the thread: the waiter may return,
 * exit and be freed (Linux's list_del_init_careful/list_empty_careful).
 *
 * A timed wait that gives up decides and leaves the queue in one step
 * under the lock: it takes what it waited for if that is there now, and
 * a wake-one that had already picked it is passed on to the next waiter
 * (wait_abort), so a timeout never swallows a wake-up.
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
	lockdep_assert_held(&wq->lock);

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

/* Off the queue, and its waker done with it: pairs with entry_unlink_woken. */
static bool entry_is_unlinked_careful(struct wait_entry *e)
{
	return __atomic_load_n(&e->link.next, __ATOMIC_ACQUIRE) == &e->link;
}

/*
 * Take a woken entry off its queue; the last store (release) tells a
 * waiter looking without the lock that the waker is done with it.
 * Locks: the queue's lock.
 */
static void entry_unlink_woken(struct wait_entry *e)
{
	struct list_node *node = &e->link;

	node->prev->next = node->next;
	node->next->prev = node->prev;
	node->prev = node;
	__atomic_store_n(&node->next, node, __ATOMIC_RELEASE);
}

/* wait_finish with wq->lock held. */
static void wait_finish_locked(struct wait_entry *e)
{
	WRITE_ONCE(thread_current()->state, THREAD_RUNNING);
	if (list_is_linked(&e->link))
		list_remove(&e->link);
}

void wait_finish(struct wait_queue *wq, struct wait_entry *e)
{
	WRITE_ONCE(thread_current()->state, THREAD_RUNNING);
	if (entry_is_unlinked_careful(e))
		return; /* wake_up took it off after its thread_wake; nobody puts it back */

	uint64_t flags = spin_lock_irqsave(&wq->lock);

	wait_finish_locked(e);
	spin_unlock_irqrestore(&wq->lock, flags);
}

/* Locks: wq->lock. */
static unsigned wake_up_locked(struct wait_queue *wq, unsigned n)
{
	lockdep_assert_held(&wq->lock);

	unsigned woken = 0;

	while (woken < n && !list_is_empty(&wq->waiters)) {
		struct wait_entry *e = list_first_entry(&wq->waiters, struct wait_entry, link);

		thread_wake(e->thread);
		entry_unlink_woken(e); /* last: the waiter may be gone after this */
		woken++;
	}
	return woken;
}

/*
 * Leave wq after giving up. Locks: wq->lock. Return: true if a wake-up
 * had already taken e off the queue (it is passed on to the next waiter).
 */
static bool wait_abort_locked(struct wait_queue *wq, struct wait_entry *e)
{
	WRITE_ONCE(thread_current()->state, THREAD_RUNNING);
	if (list_is_linked(&e->link)) {
		list_remove(&e->link);
		return false;
	}
	wake_up_locked(wq, 1);
	return true;
}

bool wait_abort(struct wait_queue *wq, struct wait_entry *e)
{
	uint64_t flags = spin_lock_irqsave(&wq->lock);
	bool passed = wait_abort_locked(wq, e);

	spin_unlock_irqrestore(&wq->lock, flags);
	return passed;
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
			/* Timed out: decide and leave in one step. A wake-up that
			 * came meanwhile left what it woke for, which try takes. */
			flags = spin_lock_irqsave(&wq->lock);
			ok = try(obj);
			if (ok)
				wait_finish_locked(&e);
			else
				wait_abort_locked(wq, &e);
			spin_unlock_irqrestore(&wq->lock, flags);
			return ok;
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
