/* SPDX-License-Identifier: MIT */
/*
 * Processes, threads and the scheduler (process/), and the ways a thread
 * blocks: wait queues, sleeps, completions, mutexes, semaphores, and the
 * worker threads that run deferred work.
 *
 * A process (the specification's PCB) owns one or more threads and, once
 * user programs exist, an address space and a file table. A thread has its
 * own kernel stack (with a guard page below it), saved registers and, when
 * it asks for it, FPU/SSE/AVX state. The kernel itself is process 0: its
 * threads are the kernel threads, the boot thread and the per-CPU idle
 * threads.
 *
 * The scheduler keeps one run queue per CPU with an O(1) pick: a bitmap of
 * 140 priority levels. Levels 0-99 are real-time (SCHED_FIFO and SCHED_RR,
 * priority 99 on level 0) and always run before the normal levels 100-139
 * (nice -20..19). Normal threads get a time slice that grows with their
 * priority; when it is used up they wait in the "expired" array until
 * every other normal thread of the CPU has used its slice too, so a nicer
 * thread runs less but never starves. A busy CPU's tick ends slices,
 * and a woken thread of higher priority preempts at once.
 *
 * Context rules: functions that may block say "Context: may sleep" and
 * must not be called with a spinlock held, interrupts off or from an
 * interrupt handler (might_sleep() catches that). Waking functions may be
 * called from anywhere, interrupt handlers included.
 */
#pragma once

#include <xdv/compiler.h>
#include <xdv/config.h>
#include <xdv/list.h>
#include <xdv/percpu.h>
#include <xdv/spinlock.h>

typedef int32_t pid_t;

struct thread;
struct process;

/* ---- scheduling parameters ------------------------------------------------ */

/* Linux's policy numbers (sched_setscheduler uses them later). */
enum sched_policy {
	SCHED_NORMAL = 0,
	SCHED_FIFO = 1, /* real time: runs until it blocks or yields */
	SCHED_RR = 2,   /* real time: round robin with CONFIG_SCHED_QUANTUM_NS slices */
};

#define NICE_MIN    (-20)
#define NICE_MAX    19
#define RT_PRIO_MIN 1
#define RT_PRIO_MAX 99

/* How to start a thread; a NULL attr means all defaults (zero fields). */
struct thread_attr {
	const char *name;          /* NULL: the process's name */
	enum sched_policy policy;  /* SCHED_NORMAL by default */
	int nice;                  /* SCHED_NORMAL: -20..19 */
	int rt_priority;           /* SCHED_FIFO/RR: 1..99 */
	uint64_t affinity;         /* allowed CPUs, bit n = CPU n; 0 = all */
	bool fpu;                  /* give the thread saved FPU/SSE/AVX state */
};

/* A thread's body; its return value is the thread's exit code. */
typedef int (*thread_fn_t)(void *arg);

enum thread_state {
	THREAD_CREATED,  /* being set up, not yet runnable */
	THREAD_READY,    /* runnable, waiting in a run queue */
	THREAD_RUNNING,  /* on a CPU */
	THREAD_BLOCKED,  /* waiting for a wake-up */
	THREAD_DEAD,     /* exited; its memory goes with the last reference */
};

/* A thread's accounting, as /proc will show it. */
struct thread_stats {
	pid_t tid;
	enum thread_state state;
	unsigned cpu;           /* the CPU it runs on, or ran on last */
	uint64_t runtime_ns;    /* CPU time in all */
	uint64_t user_ns;       /* of which in user mode (0 until user mode exists) */
	uint64_t system_ns;     /* of which in the kernel */
	uint64_t voluntary_switches;   /* it blocked or yielded */
	uint64_t involuntary_switches; /* it was preempted */
	uint64_t migrations;    /* moves between CPUs */
	uint64_t cpus_run_on;   /* bit n set once it ran on CPU n */
};

/* A CPU's accounting. */
struct sched_cpu_stats {
	unsigned nr_running;    /* runnable threads here, the running one included */
	uint64_t switches;      /* context switches */
	uint64_t busy_ns;       /* time spent running threads */
	uint64_t idle_ns;       /* time spent in the idle thread */
	uint64_t steals;        /* threads this CPU pulled from busier ones */
};

/* ---- threads -------------------------------------------------------------- */

/*
 * Start a thread of proc that runs fn(arg), ready to run at once on the
 * least-loaded CPU attr allows. The caller gets a reference in *out and
 * must give it back with thread_join() or thread_detach().
 * Context: may sleep. Return: 0; -EAGAIN at CONFIG_MAX_THREADS; -ENOMEM;
 * -EINVAL for bad attributes or a dead process.
 */
int __must_check thread_create(struct process *proc, thread_fn_t fn, void *arg,
			       const struct thread_attr *attr, struct thread **out);

/* thread_create() in the kernel process, detached: a kernel thread. */
int __must_check kthread_start(thread_fn_t fn, void *arg, const struct thread_attr *attr);

/*
 * Wait until t has exited, store its exit code (if exit_code is not NULL)
 * and give back the reference thread_create() returned.
 * Context: may sleep; t must not be the caller. Return: 0, -EINVAL (self).
 */
int thread_join(struct thread *t, int *exit_code);

/* Give back the reference without waiting; t is freed when it exits. */
void thread_detach(struct thread *t);

/* End the calling thread (as returning code from its body does). */
__noreturn void thread_exit(int code);

/* The thread running on this CPU. */
struct thread *thread_current(void);

pid_t thread_id(const struct thread *t);
struct process *thread_process(const struct thread *t);
const char *thread_name(const struct thread *t);
void thread_get_stats(const struct thread *t, struct thread_stats *out);

/*
 * Let t run only on the CPUs in mask (bit n = CPU n). A thread that is on
 * a CPU it may no longer use moves before this returns if it is the
 * caller, or at its next switch otherwise.
 * Return: 0, -EINVAL if mask names no online CPU.
 */
int thread_set_affinity(struct thread *t, uint64_t mask);
uint64_t thread_affinity(const struct thread *t);

/*
 * Change t's policy and priority: rt_priority 1..99 for SCHED_FIFO and
 * SCHED_RR, nice -20..19 for SCHED_NORMAL. Takes effect at once (a thread
 * that now outranks the running one preempts it).
 * Return: 0, -EINVAL.
 */
int thread_set_scheduling(struct thread *t, enum sched_policy policy, int priority);

/* ---- processes ------------------------------------------------------------ */

/* Process 0: the kernel, whose threads are the kernel threads. */
struct process *kernel_process(void);

/* The process of the running thread. */
struct process *process_current(void);

/*
 * Create a child of the calling thread's process, with one thread that
 * runs fn(arg) (attr as for thread_create; its name names the process).
 * The process lives until its last thread exits and its parent reaps it
 * with process_wait(). *out_pid gets its pid (may be NULL).
 * Context: may sleep. Return: 0; -EAGAIN at CONFIG_MAX_PROCESSES or
 * CONFIG_MAX_THREADS; -ENOMEM; -EINVAL.
 */
int __must_check process_create(const char *name, thread_fn_t fn, void *arg,
				const struct thread_attr *attr, pid_t *out_pid);

#define PROCESS_WAIT_NOHANG 1u /* do not block: return 0 if no child has exited */

/*
 * Reap an exited child of the calling process: pid > 0 for that child,
 * -1 for any. Its exit code (the code of its last thread) goes to *status
 * (may be NULL); its pid and all its memory are released.
 * Context: may sleep (unless PROCESS_WAIT_NOHANG).
 * Return: the reaped pid; 0 with NOHANG and nothing to reap; -ECHILD when
 * there is no such child.
 */
pid_t process_wait(pid_t pid, int *status, unsigned flags);

pid_t process_pid(const struct process *p);
const char *process_name(const struct process *p);

/* Processes (the kernel not counted) and threads (idle not counted) now. */
unsigned sched_nr_processes(void);
unsigned sched_nr_threads(void);

/* ---- the scheduler -------------------------------------------------------- */

/*
 * Make the boot context the boot thread (pinned to CPU 0) and give CPU 0
 * its idle thread; from here on kernel_main can block and sleep.
 * Context: boot CPU, once, after cpu_init_boot and before other CPUs start.
 */
void sched_init(void);

/*
 * An AP's start-up context becomes its idle thread (before the AP says it
 * is online), which then runs sched_idle_forever().
 */
void sched_init_ap(void);
__noreturn void sched_idle_forever(void);

/* From the end of an interrupt handler (cpu/traps.c): switch if a switch
 * is due and the interrupted code allowed preemption. */
void sched_irq_exit(bool interrupted_with_irqs_on);

/* Give up the CPU to another runnable thread of equal or higher priority. */
void sched_yield(void);

/* Sleep until time_since_boot_ns() >= deadline_ns. Context: may sleep. */
void sched_sleep_until(uint64_t deadline_ns);
void sched_sleep_ns(uint64_t ns);

/*
 * Switch to the next thread. The running thread has either set itself
 * THREAD_BLOCKED (through wait_prepare) or stays runnable.
 * Context: interrupts on or off, no spinlock held.
 */
void schedule(void);

/*
 * Mark t runnable if it is blocked and queue it on a CPU; preempt that
 * CPU's thread if t outranks it. Context: any. Return: true if t was
 * blocked.
 */
bool thread_wake(struct thread *t);

/*
 * Preemption of this CPU's thread is off between these (they nest); every
 * spinlock holds it off. Inline: they are on every lock's path.
 */
static inline void preempt_disable(void)
{
	if (likely(nr_cpus))
		this_cpu_preempt_add(1);
}

/* The slow half of preempt_enable: switch now if that is allowed. */
void preempt_schedule(void);

static inline void preempt_enable(void)
{
	if (likely(nr_cpus)) {
		this_cpu_preempt_add(-1);
		if (unlikely(this_cpu_need_resched()))
			preempt_schedule();
	}
}

/* Complain (once per call site) if the caller may not block here. */
#define might_sleep() sched_might_sleep(__FILE__, __LINE__)
void sched_might_sleep(const char *file, int line);

void sched_get_cpu_stats(unsigned cpu, struct sched_cpu_stats *out);

/* ---- wait queues ---------------------------------------------------------- */

struct wait_queue {
	struct spinlock lock;
	struct list_node waiters; /* struct wait_entry, guarded by lock */
};

struct wait_entry {
	struct thread *thread;
	struct list_node link;
};

#define WAIT_QUEUE_INIT(name) { SPINLOCK_INIT(#name), LIST_INIT((name).waiters) }
#define WAIT_ENTRY_INIT(name) { NULL, LIST_INIT((name).link) }

void wait_queue_init(struct wait_queue *wq, const char *name);

/*
 * The two halves of every wait, with no lost wake-up between them:
 *     struct wait_entry e = WAIT_ENTRY_INIT(e);
 *     wait_prepare(wq, &e);   // queued, and marked blocked
 *     if (!condition) schedule();
 *     wait_finish(wq, &e);    // runnable, off the queue
 * A wake-up after wait_prepare makes the schedule() return at once.
 * Context: may sleep.
 */
void wait_prepare(struct wait_queue *wq, struct wait_entry *e);
void wait_finish(struct wait_queue *wq, struct wait_entry *e);

/*
 * wait_finish for a waiter that gives up (timed out) without what it
 * waited for: a wake-one that had already picked it goes to the next
 * waiter instead of being lost. Return: true if a wake-up was passed on.
 * Context: may sleep.
 */
bool wait_abort(struct wait_queue *wq, struct wait_entry *e);

/* Wake up to n waiters (the oldest first); return how many were woken. */
unsigned wake_up(struct wait_queue *wq, unsigned n);
#define wake_up_one(wq) wake_up((wq), 1)
#define wake_up_all(wq) wake_up((wq), ~0u)

/* Block until cond is true; cond is re-checked after every wake-up. */
#define wait_event(wq, cond)                                                  \
	do {                                                                  \
		struct wait_entry wait_event_entry_ =                         \
			WAIT_ENTRY_INIT(wait_event_entry_);                   \
		for (;;) {                                                    \
			wait_prepare((wq), &wait_event_entry_);               \
			if (cond)                                             \
				break;                                        \
			schedule();                                           \
		}                                                             \
		wait_finish((wq), &wait_event_entry_);                        \
	} while (0)

/*
 * Block until cond is true or the monotonic clock reaches deadline_ns.
 * Evaluates to cond's final truth (false: timed out; a wake-one that came
 * as it gave up is passed to the next waiter).
 */
#define wait_event_until(wq, cond, deadline_ns)                               \
	({                                                                    \
		struct wait_entry wait_event_entry_ =                         \
			WAIT_ENTRY_INIT(wait_event_entry_);                   \
		bool wait_event_ok_;                                          \
		for (;;) {                                                    \
			wait_prepare((wq), &wait_event_entry_);               \
			if ((wait_event_ok_ = (cond)))                        \
				break;                                        \
			if (!sched_block_until(deadline_ns))                  \
				continue;                                     \
			wait_event_ok_ = (cond);                              \
			break;                                                \
		}                                                             \
		if (wait_event_ok_)                                           \
			wait_finish((wq), &wait_event_entry_);                \
		else                                                          \
			wait_abort((wq), &wait_event_entry_);                 \
		wait_event_ok_;                                               \
	})

/*
 * schedule() for a thread that marked itself blocked, with a timer that
 * wakes it at deadline_ns. Return: true if the deadline has passed.
 */
bool sched_block_until(uint64_t deadline_ns);

/* ---- completions ---------------------------------------------------------- */

/* One side waits until the other says "done" (once, or for everyone). */
struct completion {
	struct wait_queue wq;
	unsigned done; /* guarded by wq.lock; ~0u after complete_all */
};

void completion_init(struct completion *c);
void complete(struct completion *c);      /* let one waiter (or the next) through */
void complete_all(struct completion *c);  /* let every waiter through, for good */
void wait_for_completion(struct completion *c);                  /* may sleep */
bool wait_for_completion_until(struct completion *c, uint64_t deadline_ns);

/* ---- mutexes and semaphores ----------------------------------------------- */

/* A sleeping lock with an owner; only the owner unlocks it. */
struct mutex {
	struct wait_queue wq;
	struct thread *owner; /* guarded by wq.lock */
	const char *name;
};

#define MUTEX_INIT(name) { WAIT_QUEUE_INIT((name).wq), NULL, #name }

void mutex_init(struct mutex *m, const char *name);
void mutex_lock(struct mutex *m);     /* may sleep */
bool mutex_trylock(struct mutex *m);  /* true if taken */
void mutex_unlock(struct mutex *m);
bool mutex_is_held(const struct mutex *m); /* by the calling thread */

/* A counting semaphore. */
struct semaphore {
	struct wait_queue wq;
	unsigned count; /* guarded by wq.lock */
};

void semaphore_init(struct semaphore *s, unsigned count);
void semaphore_down(struct semaphore *s);                        /* may sleep */
bool semaphore_down_until(struct semaphore *s, uint64_t deadline_ns);
bool semaphore_trydown(struct semaphore *s);
void semaphore_up(struct semaphore *s);                          /* any context */

/* ---- deferred work -------------------------------------------------------- */

/*
 * Work for a kernel worker thread: each CPU has one ("kworker/N"), and
 * work_queue() hands work to the worker of the CPU it is called on.
 * A work item is queued at most once at a time.
 */
struct work;
typedef void (*work_fn_t)(struct work *w);

struct work {
	struct list_node link;
	work_fn_t fn;
	bool pending; /* queued and not yet started */
};

void work_init(struct work *w, work_fn_t fn);

/* Queue w. Context: any. Return: false if it was already pending. */
bool work_queue(struct work *w);

/* Wait until all work queued before this call has run. Context: may sleep. */
void work_flush_all(void);

/* Start the workers (after sched_init and the other CPUs). */
void workqueue_init(void);

/* ---- process information for /proc (process/process_info.c, loadavg.c) ---- */

/* A snapshot of one process, as /proc/<pid>/stat and status show it. */
struct process_info {
	pid_t pid;
	pid_t ppid;             /* 0 for children of the kernel, as Linux's kthreadd */
	char name[16];
	char state;             /* Linux's letter: 'R' runnable, 'S' sleeping, 'Z' zombie */
	bool is_kernel;         /* no user address space (Linux's kernel threads) */
	unsigned nr_threads;
	unsigned cpu;           /* the CPU its first thread ran on last */
	int nice;               /* of its first thread */
	int prio;               /* Linux's stat "priority": 20 + nice, or -1 - rt_priority */
	unsigned rt_priority;
	unsigned policy;        /* enum sched_policy */
	uint64_t affinity;      /* of its first thread: allowed CPUs (0: all) */
	uint64_t nvcsw, nivcsw; /* summed over its live threads */
	uint64_t utime_ns, stime_ns;
	uint64_t start_ns;      /* creation, in time_since_boot_ns() terms */
	int exit_code;          /* zombies */
	uint32_t uid, euid, fsuid, gid, egid, fsgid; /* its credentials */
};

/*
 * Call fn with each live or zombie process's pid (the kernel, pid 0, not
 * included), in increasing order, with no lock held: fn may look the
 * process up and sleep. Processes that come or go meanwhile may or may
 * not be seen. fn returns false to stop.
 * Context: may sleep if fn does.
 */
void process_for_each(bool (*fn)(pid_t pid, void *arg), void *arg);

/* The smallest pid above `after` of a live or zombie process, or -1. */
pid_t process_next_pid(pid_t after);

/*
 * The process with this pid (pid 0: the kernel), zombies included, with
 * a reference to give back with process_put(). NULL: no such process.
 * Context: any.
 */
struct process *process_find_get(pid_t pid);
void process_put(struct process *p);

/* Fill *out from p. Context: any (takes spinlocks with interrupts off). */
void process_get_info(struct process *p, struct process_info *out);

struct fs_context;
struct fd_table;
/*
 * Another process's file-system state, safe against its exit: its fs
 * context with a reference (give it back with fs_context_put), or NULL
 * once it has exited; and fn run on its descriptor table while the table
 * cannot go away (under the process tree lock, interrupts off: fn must
 * not sleep; fd_get_file may be used to keep a file). Return: false if it
 * has no table (exited).
 */
struct fs_context *process_fs_context_get(struct process *p);
bool process_with_fd_table(struct process *p, void (*fn)(struct fd_table *table, void *arg),
			   void *arg);

/*
 * The load averages (Linux's fixed point: FSHIFT 11 bits of fraction),
 * over 1, 5 and 15 minutes, of runnable threads, sampled every 5 s.
 */
#define LOADAVG_FSHIFT 11
#define LOADAVG_FIXED_1 (1ul << LOADAVG_FSHIFT)
void loadavg_get(unsigned long out[3]);
/* Runnable threads now on all CPUs (the running ones included). */
unsigned sched_nr_running(void);
/* Processes and threads created since boot (Linux's total_forks). */
uint64_t sched_nr_forks(void);
/* The pid handed out last (the "last_pid" of /proc/loadavg). */
pid_t pid_last_allocated(void);
/* Start sampling (a kernel thread). Context: boot, after the scheduler. */
void loadavg_init(void);
