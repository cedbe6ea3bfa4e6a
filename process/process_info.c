// SPDX-License-Identifier: MIT
/*
 * What /proc shows of processes: finding a process by pid, walking every
 * pid in order, and a snapshot of one process's state and accounting.
 *
 * XDV keeps no pid table: every process hangs in the parent/child tree
 * under the kernel process (orphans are adopted by it), so the tree is
 * the table. Walks are iterative (parent pointers and sibling links) and
 * done under the tree lock; nothing is held between the steps of
 * process_for_each, so a callback may sleep and processes may exit under
 * it. With CONFIG_MAX_PROCESSES at 1024, an O(n) walk per step is cheap
 * next to the text a /proc reader formats for each process.
 *
 * Locks: process_tree_lock (irqsave) -> process->lock (the thread list).
 */
#include <xdv/string.h>
#include <xdv/time.h>
#include "internal.h"

/* The process after p in a depth-first walk of the tree, or NULL. */
static struct process *tree_next(struct process *p)
{
	struct process *root = kernel_process();

	if (!list_is_empty(&p->children))
		return list_first_entry(&p->children, struct process, sibling_link);
	while (p != root) {
		struct process *parent = p->parent;

		if (p->sibling_link.next != &parent->children)
			return list_entry(p->sibling_link.next, struct process, sibling_link);
		p = parent;
	}
	return NULL;
}

pid_t process_next_pid(pid_t after)
{
	uint64_t flags = process_tree_lock();
	pid_t best = -1;

	for (struct process *p = tree_next(kernel_process()); p; p = tree_next(p)) {
		if (p->pid > after && (best < 0 || p->pid < best))
			best = p->pid;
	}
	process_tree_unlock(flags);
	return best;
}

void process_for_each(bool (*fn)(pid_t pid, void *arg), void *arg)
{
	for (pid_t pid = process_next_pid(0); pid > 0; pid = process_next_pid(pid)) {
		if (!fn(pid, arg))
			break;
	}
}

struct process *process_find_get(pid_t pid)
{
	struct process *found = NULL;
	uint64_t flags;

	if (pid == 0) {
		process_get(kernel_process());
		return kernel_process();
	}
	if (pid < 0)
		return NULL;
	flags = process_tree_lock();
	for (struct process *p = tree_next(kernel_process()); p; p = tree_next(p)) {
		if (p->pid == pid) {
			process_get(p);
			found = p;
			break;
		}
	}
	process_tree_unlock(flags);
	return found;
}

/* Linux's "priority" field of /proc/<pid>/stat for a thread's policy. */
static int linux_stat_prio(const struct thread *t)
{
	if (t->policy == SCHED_FIFO || t->policy == SCHED_RR)
		return -1 - (int)t->rt_priority;
	return 20 + t->nice;
}

void process_get_info(struct process *p, struct process_info *out)
{
	uint64_t flags = process_tree_lock();
	bool runnable = false;
	bool first = true;

	memset(out, 0, sizeof(*out));
	out->pid = p->pid;
	/* Children of the kernel show ppid 0, as Linux's kernel threads and
	 * init (whose parent is the idle task, pid 0). */
	out->ppid = p->parent && p != kernel_process() ? p->parent->pid : 0;
	strlcpy(out->name, p->name, sizeof(out->name));
	out->is_kernel = p->address_space == NULL;
	out->start_ns = p->start_ns;
	out->exit_code = p->exit_code;
	out->uid = p->cred.uid;
	out->euid = p->cred.euid;
	out->fsuid = p->cred.fsuid;
	out->gid = p->cred.gid;
	out->egid = p->cred.egid;
	out->fsgid = p->cred.fsgid;

	spin_lock(&p->lock);
	out->nr_threads = p->nr_threads;
	/* Exited threads' time counts, as Linux's (kernel time: no user mode yet). */
	out->stime_ns = p->exited_runtime_ns;
	out->nvcsw = p->exited_nvcsw;
	out->nivcsw = p->exited_nivcsw;
	list_for_each(node, &p->threads) {
		struct thread *t = list_entry(node, struct thread, process_link);
		struct thread_stats st;

		if (t->is_idle)
			continue;
		thread_get_stats(t, &st);
		if (st.state == THREAD_READY || st.state == THREAD_RUNNING ||
		    st.state == THREAD_CREATED)
			runnable = true;
		out->nvcsw += st.voluntary_switches;
		out->nivcsw += st.involuntary_switches;
		out->utime_ns += st.user_ns;
		out->stime_ns += st.system_ns;
		if (first) {
			out->cpu = st.cpu;
			out->nice = t->nice;
			out->prio = linux_stat_prio(t);
			out->rt_priority = t->rt_priority;
			out->policy = t->policy;
			out->affinity = thread_affinity(t);
			first = false;
		}
	}
	spin_unlock(&p->lock);

	if (p->state == PROCESS_ZOMBIE)
		out->state = 'Z';
	else
		out->state = runnable ? 'R' : 'S';
	process_tree_unlock(flags);
}

/*
 * A process's fs context and descriptor table are released by its last
 * thread after it has counted itself out of nr_threads under the tree
 * lock (process_thread_exited). So under the tree lock, while nr_threads
 * is not 0 (the kernel process never releases its own), the pointers are
 * valid and stay so until the lock is dropped: that is when another
 * process's context may be referenced, or its table looked at.
 */
static bool process_fs_held(struct process *p)
{
	return p == kernel_process() || p->nr_threads > 0;
}

struct fs_context *process_fs_context_get(struct process *p)
{
	uint64_t flags = process_tree_lock();
	struct fs_context *fs = NULL;

	if (process_fs_held(p) && p->fs) {
		fs = p->fs;
		__atomic_fetch_add(&fs->refs, 1, __ATOMIC_RELAXED);
	}
	process_tree_unlock(flags);
	return fs;
}

bool process_with_fd_table(struct process *p, void (*fn)(struct fd_table *table, void *arg),
			   void *arg)
{
	uint64_t flags = process_tree_lock();
	bool alive = process_fs_held(p) && p->files;

	if (alive)
		fn(p->files, arg);
	process_tree_unlock(flags);
	return alive;
}
