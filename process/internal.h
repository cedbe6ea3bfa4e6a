/* SPDX-License-Identifier: MIT */
/*
 * process/ private: the thread and process structures, the per-CPU run
 * queue and the pieces the files of this folder share.
 *
 * Lock order (outermost first):
 *     process_table_lock -> process->lock -> wait_queue.lock
 *       -> runqueue.lock (two at once: lower CPU number first) -> timer queue
 * thread_wake() takes a run queue lock, so it may be called with any of the
 * locks above held, including a wait queue's.
 */
#pragma once

#include <xdv/config.h>
#include <xdv/cpu.h>
#include <xdv/list.h>
#include <xdv/percpu.h>
#include <xdv/sched.h>
#include <xdv/spinlock.h>
#include <xdv/vfs.h>
#include "prio_array.h"

#define THREAD_NAME_MAX 16

struct thread {
	struct cpu_context ctx;  /* first: the switch code hands back &ctx */
	pid_t tid;
	char name[THREAD_NAME_MAX];
	struct process *process;
	struct list_node process_link; /* process->threads, under process->lock */

	/* Guarded by the run queue lock of CPU `cpu`; `cpu` itself changes
	 * only with that lock and the new CPU's held (sched_migrate_queued). */
	enum thread_state state;
	unsigned cpu;            /* the CPU it runs on, is queued on, or last ran on */
	bool on_cpu;             /* its stack is in use (running, or being left) */
	struct prio_array *array; /* the array it is queued in, or NULL */
	struct list_node run_link;
	uint8_t policy;          /* enum sched_policy */
	int8_t nice;
	uint8_t rt_priority;
	uint8_t prio;            /* 0..139, lower runs first */
	bool is_idle;
	bool yielding;           /* set by sched_yield for its schedule() */
	int64_t slice_ns;        /* what is left of its time slice */
	uint64_t affinity;       /* allowed CPUs */

	/* Accounting: written by the CPU it runs on, under its run queue lock. */
	uint64_t exec_start_ns;
	uint64_t runtime_ns;
	uint64_t nvcsw, nivcsw, migrations;
	uint64_t cpus_run_on;

	/* Life. */
	int refs;                /* atomic; the last put frees the thread */
	thread_fn_t fn;
	void *arg;
	int exit_code;
	struct completion exited;
	void *kstack;            /* lowest address of its stack (kstack_alloc) */
	bool static_stack;       /* the boot stack: never freed */
	void *fpu_alloc;         /* what kmalloc returned for ctx.fpu */
};

enum process_state {
	PROCESS_ALIVE,
	PROCESS_ZOMBIE, /* every thread has exited; the parent has yet to reap it */
};

struct process {
	pid_t pid;
	char name[THREAD_NAME_MAX];
	uint64_t start_ns;             /* created, time_since_boot_ns() */
	struct list_node table_link;   /* the pid hash, under process_table_lock */

	struct spinlock lock;          /* guards the fields below */
	enum process_state state;
	struct process *parent;
	struct list_node children;     /* struct process, by sibling_link */
	struct list_node sibling_link;
	struct list_node threads;      /* struct thread, by process_link */
	unsigned nr_threads;           /* threads not yet exited */
	uint64_t exited_runtime_ns;    /* CPU time of its exited threads */
	uint64_t exited_nvcsw, exited_nivcsw; /* and their context switches */
	int exit_code;
	bool autoreap;                 /* orphaned: freed at exit, nobody waits */
	int refs;                      /* atomic: its threads, and its parent until reaped */
	struct wait_queue child_exit;  /* its threads wait here for children */
	void *address_space;           /* NULL: kernel only (user space comes later) */

	/* File-system state (fs/): copied from the parent at creation,
	 * fs and files released when the last thread exits. */
	struct cred cred;              /* changed only by the process itself */
	struct fs_context *fs;         /* root, cwd, umask; NULL before vfs_init */
	struct fd_table *files;        /* descriptors; NULL before vfs_init */
};

struct runqueue {
	struct spinlock lock;
	/* Guarded by lock. */
	struct prio_array arrays[2];
	struct prio_array *active;
	struct prio_array *expired;
	unsigned nr_running;     /* queued plus the running one (idle not counted) */
	struct thread *curr;
	struct thread *idle;
	unsigned cpu;
	uint64_t switches;
	uint64_t steals;
	uint64_t busy_ns, idle_ns;
	uint64_t last_balance_ns;
	bool tick_armed;         /* this CPU's scheduler tick is running */
};

extern struct runqueue runqueues[MAX_CPUS];

/* ---- sched.c ---- */
unsigned sched_prio_of(unsigned policy, int nice, unsigned rt_priority);
int64_t sched_slice_of(const struct thread *t);
void sched_enqueue(struct runqueue *rq, struct thread *t, bool at_head);
void sched_dequeue(struct runqueue *rq, struct thread *t);
void sched_preempt_check(struct runqueue *rq, struct thread *t);
struct runqueue *sched_lock_thread_rq(struct thread *t, uint64_t *flags);
void rq_unlock_restore(struct runqueue *rq, uint64_t flags);
void sched_start_thread(struct thread *t);
void sched_prepare_context(struct thread *t);
__noreturn void sched_exit_current(void);

/* ---- rq_check.c (Locks: rq->lock) ---- */
/* Check rq's invariants. Return: 0, or -EINVAL with *what naming the
 * broken invariant and *who the thread concerned (either may be NULL). */
int sched_rq_check(const struct runqueue *rq, const char **what, const struct thread **who);
void sched_rq_assert_slow(const struct runqueue *rq);
__noreturn void sched_rq_underflow(const struct runqueue *rq);

/* DEBUG build: panic, naming the invariant, if rq breaks one. */
static inline void sched_rq_assert(const struct runqueue *rq)
{
	if (IS_ENABLED(CONFIG_DEBUG))
		sched_rq_assert_slow(rq);
}

/* nr_running--, which the DEBUG build refuses to take below zero. */
static inline void sched_rq_dec_running(struct runqueue *rq)
{
	if (IS_ENABLED(CONFIG_DEBUG) && !rq->nr_running)
		sched_rq_underflow(rq);
	rq->nr_running--;
}

/* ---- balance.c ---- */
unsigned sched_pick_cpu(const struct thread *t, bool waking);
bool sched_steal(struct runqueue *rq);
void sched_balance_tick(struct runqueue *rq);
void sched_migrate_queued(struct thread *t, unsigned to);

/* ---- thread.c ---- */
struct thread *thread_alloc(struct process *proc, const struct thread_attr *attr, int *err);
void thread_put(struct thread *t);
int thread_apply_attr(struct thread *t, const struct thread_attr *attr);
struct thread *thread_alloc_idle(unsigned cpu);
struct thread *thread_adopt_boot_context(void);

/* ---- process.c ---- */
void process_thread_exited(struct thread *t);
int process_add_thread(struct process *p, struct thread *t); /* -EINVAL: exiting */
void process_get(struct process *p);
void process_put(struct process *p);
void process_init(void);
/* ---- loadavg.c ---- */
#define LOADAVG_EXP_1  1884 /* 1/exp(5 s/1 min) in 11-bit fixed point */
#define LOADAVG_EXP_5  2014 /* 1/exp(5 s/5 min) */
#define LOADAVG_EXP_15 2037 /* 1/exp(5 s/15 min) */
/* One 5 s step of a load average with factor exp and active runnable
 * threads (both fixed point): Linux's calc_load. */
unsigned long loadavg_calc(unsigned long load, unsigned long exp, unsigned long active);

/* The tree lock, for walking parents and children (process_info.c). */
uint64_t process_tree_lock(void);
void process_tree_unlock(uint64_t flags);

/* ---- pid.c ---- */
int pid_alloc(void);          /* a free id, or -EAGAIN */
void pid_free(pid_t pid);

/* Limits, counted atomically (thread.c). */
extern unsigned nr_threads_live, nr_processes_live;
bool counter_take(unsigned *counter, unsigned limit);
void counter_give(unsigned *counter);
