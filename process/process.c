// SPDX-License-Identifier: MIT
/*
 * Processes: creation, the parent/child tree, exit and reaping.
 *
 * A process is alive while it has threads. When its last thread exits it
 * becomes a zombie that keeps its pid and exit code until its parent
 * reaps it with process_wait(); its children go to the kernel process,
 * which reaps them by itself when they exit (nobody else would). A
 * process's memory goes with its last reference: each thread holds one,
 * and the parent one until it reaps.
 *
 * Locks: tree_lock guards every parent, children and state field and the
 * pid table (irqsave: exits run late in a thread's life); process->lock
 * guards its thread list. Order: tree_lock -> process->lock.
 */
#define pr_fmt(fmt) "process: " fmt
#include <xdv/errno.h>
#include <xdv/mm.h>
#include <xdv/panic.h>
#include <xdv/string.h>
#include <xdv/time.h>
#include "internal.h"

static struct spinlock tree_lock = SPINLOCK_INIT("process_tree");
static struct process kernel_proc;

static void process_setup(struct process *p, const char *name)
{
	strlcpy(p->name, name, sizeof(p->name));
	spin_lock_init(&p->lock, "process");
	list_init(&p->children);
	list_init(&p->sibling_link);
	list_init(&p->threads);
	list_init(&p->table_link);
	wait_queue_init(&p->child_exit, "child_exit");
	p->state = PROCESS_ALIVE;
	p->refs = 1;
	p->start_ns = time_since_boot_ns();
}

void process_init(void)
{
	process_setup(&kernel_proc, "kernel");
	kernel_proc.pid = 0;
}

struct process *kernel_process(void)
{
	return &kernel_proc;
}

struct process *process_current(void)
{
	struct thread *t = thread_current();

	return t ? t->process : &kernel_proc;
}

pid_t process_pid(const struct process *p)
{
	return p->pid;
}

const char *process_name(const struct process *p)
{
	return p->name;
}

struct cred *process_cred(struct process *p)
{
	return p ? &p->cred : NULL;
}

struct fs_context *process_fs_context(struct process *p)
{
	return p ? READ_ONCE(p->fs) : NULL;
}

struct fd_table *process_fd_table(struct process *p)
{
	return p ? READ_ONCE(p->files) : NULL;
}

void process_set_fs(struct process *p, struct fs_context *fs, struct fd_table *files)
{
	p->fs = fs;
	p->files = files;
}

/*
 * Release a process's file-system context and descriptors (closing its
 * files), as Linux's exit_files/exit_fs: at the exit of its last thread,
 * in that thread, where closing may sleep (the final process_put may run
 * in the scheduler, where it may not).
 */
static void process_release_fs(struct process *p)
{
	struct fs_context *fs = p->fs;
	struct fd_table *files = p->files;

	WRITE_ONCE(p->files, NULL);
	WRITE_ONCE(p->fs, NULL);
	fd_table_put(files);
	fs_context_put(fs);
}

unsigned sched_nr_processes(void)
{
	return __atomic_load_n(&nr_processes_live, __ATOMIC_RELAXED);
}

void process_get(struct process *p)
{
	__atomic_fetch_add(&p->refs, 1, __ATOMIC_RELAXED);
}

void process_put(struct process *p)
{
	if (__atomic_sub_fetch(&p->refs, 1, __ATOMIC_ACQ_REL) || p == &kernel_proc)
		return;
	pid_free(p->pid);
	counter_give(&nr_processes_live);
	kfree(p);
}

int process_add_thread(struct process *p, struct thread *t)
{
	uint64_t flags = spin_lock_irqsave(&tree_lock);
	int err = 0;

	if (p->state != PROCESS_ALIVE || (p != &kernel_proc && !p->nr_threads)) {
		err = -EINVAL; /* exiting: no new threads */
	} else {
		spin_lock(&p->lock);
		list_add_tail(&p->threads, &t->process_link);
		p->nr_threads++;
		spin_unlock(&p->lock);
	}
	spin_unlock_irqrestore(&tree_lock, flags);
	return err;
}

/* Reap a zombie whose parent will not: drop the parent's reference. */
static void process_reap(struct process *p)
{
	process_put(p);
}

/*
 * The last thread of p has exited: p becomes a zombie, its children go to
 * the kernel process, and its parent hears of it. Locks: tree_lock.
 */
static bool process_become_zombie(struct process *p)
{
	lockdep_assert_held(&tree_lock);

	p->state = PROCESS_ZOMBIE;
	list_for_each_safe(node, &p->children) {
		struct process *child = list_entry(node, struct process, sibling_link);

		list_remove(&child->sibling_link);
		child->parent = &kernel_proc;
		child->autoreap = true;
		if (child->state == PROCESS_ZOMBIE)
			process_reap(child);
		else
			list_add_tail(&kernel_proc.children, &child->sibling_link);
	}
	if (p->autoreap) {
		list_remove(&p->sibling_link);
		return true;
	}
	wake_up_all(&p->parent->child_exit);
	return false;
}

void process_thread_exited(struct thread *t)
{
	struct process *p = t->process;
	uint64_t flags = spin_lock_irqsave(&tree_lock);
	bool reap = false;

	spin_lock(&p->lock);
	list_remove(&t->process_link);
	p->nr_threads--;
	/* Its CPU time (the running stretch too) and switches stay the
	 * process's, for /proc/PID/stat. */
	struct thread_stats st;

	thread_get_stats(t, &st);
	p->exited_runtime_ns += st.runtime_ns;
	p->exited_nvcsw += t->nvcsw;
	p->exited_nivcsw += t->nivcsw;
	bool last = p->nr_threads == 0 && p != &kernel_proc;

	if (last)
		p->exit_code = t->exit_code;
	spin_unlock(&p->lock);
	spin_unlock_irqrestore(&tree_lock, flags);
	if (!last)
		return;
	/* Close its files before its parent can hear of the exit (no thread
	 * can join a process with none left, so p stays as it is meanwhile). */
	process_release_fs(p);
	flags = spin_lock_irqsave(&tree_lock);
	reap = process_become_zombie(p);
	spin_unlock_irqrestore(&tree_lock, flags);
	if (reap)
		process_reap(p);
}

int process_create(const char *name, thread_fn_t fn, void *arg,
		   const struct thread_attr *attr, pid_t *out_pid)
{
	struct thread_attr named = attr ? *attr : (struct thread_attr){ 0 };
	struct process *parent = process_current();
	struct process *p;
	struct thread *t;
	int err;

	might_sleep();
	if (!counter_take(&nr_processes_live, CONFIG_MAX_PROCESSES))
		return -EAGAIN;
	p = kzalloc(sizeof(*p), 0);
	if (!p) {
		counter_give(&nr_processes_live);
		return -ENOMEM;
	}
	process_setup(p, name ? name : "process");
	if (!named.name)
		named.name = p->name;
	/* Fork semantics: the parent's credentials, a copy of its root, cwd
	 * and umask, and of its descriptor table. */
	p->cred = parent->cred;
	p->fs = fs_context_clone(parent->fs);
	p->files = fd_table_clone(parent->files);
	if ((parent->fs && !p->fs) || (parent->files && !p->files)) {
		err = -ENOMEM;
		goto out_free;
	}

	t = thread_alloc(p, &named, &err);
	if (!t)
		goto out_free;
	t->fn = fn;
	t->arg = arg;
	p->pid = t->tid; /* a process is named by its first thread */

	uint64_t flags = spin_lock_irqsave(&tree_lock);

	p->parent = parent;
	list_add_tail(&parent->children, &p->sibling_link);
	list_add_tail(&p->threads, &t->process_link);
	p->nr_threads = 1;
	spin_unlock_irqrestore(&tree_lock, flags);

	if (out_pid)
		*out_pid = p->pid;
	sched_start_thread(t);
	thread_detach(t);
	return 0;

out_free:
	process_release_fs(p);
	counter_give(&nr_processes_live);
	kfree(p);
	return err;
}

/* A child of parent that matches pid; *any: some child matched at all. */
static struct process *find_zombie(struct process *parent, pid_t pid, bool *any)
{
	*any = false;
	list_for_each(node, &parent->children) {
		struct process *c = list_entry(node, struct process, sibling_link);

		if ((pid != -1 && c->pid != pid) || c->autoreap)
			continue; /* adopted orphans are reaped by the kernel itself */
		*any = true;
		if (c->state == PROCESS_ZOMBIE)
			return c;
	}
	return NULL;
}

pid_t process_wait(pid_t pid, int *status, unsigned flags)
{
	struct process *me = process_current();
	struct wait_entry e = WAIT_ENTRY_INIT(e);
	pid_t result;

	if (pid == 0 || pid < -1)
		return -EINVAL; /* process groups come with user processes */
	if (!(flags & PROCESS_WAIT_NOHANG))
		might_sleep();
	for (;;) {
		bool any;

		wait_prepare(&me->child_exit, &e);

		uint64_t irq = spin_lock_irqsave(&tree_lock);
		struct process *z = find_zombie(me, pid, &any);

		if (z)
			list_remove(&z->sibling_link);
		spin_unlock_irqrestore(&tree_lock, irq);

		if (z) {
			if (status)
				*status = z->exit_code;
			result = z->pid;
			process_reap(z);
			break;
		}
		if (!any) {
			result = -ECHILD;
			break;
		}
		if (flags & PROCESS_WAIT_NOHANG) {
			result = 0;
			break;
		}
		schedule();
	}
	wait_finish(&me->child_exit, &e);
	return result;
}

/* tree_lock for process_info.c, which walks the tree for /proc. */
uint64_t process_tree_lock(void)
{
	return spin_lock_irqsave(&tree_lock);
}

void process_tree_unlock(uint64_t flags)
{
	spin_unlock_irqrestore(&tree_lock, flags);
}
