// SPDX-License-Identifier: MIT
/*
 * Syscalls that only read who the caller is, and sched_yield: getpid,
 * getppid, gettid, getuid, geteuid, getgid, getegid (include/xdv/syscall.h).
 * Linux's meanings: getpid is the process (thread group) id, gettid the
 * thread's; a child of the kernel sees parent 0, as Linux's init does.
 *
 * Locks: getppid takes the caller's process->lock for its parent pointer
 * (reparenting changes it under that lock); the rest read fields that do
 * not change while the caller runs.
 */
#include <xdv/syscall.h>
#include <xdv/vfs.h>
#include "internal.h"

long sys_getpid(const struct pt_regs *regs)
{
	return process_current()->pid;
}

long sys_gettid(const struct pt_regs *regs)
{
	return thread_current()->tid;
}

long sys_getppid(const struct pt_regs *regs)
{
	struct process *p = process_current();
	uint64_t flags = spin_lock_irqsave(&p->lock);
	pid_t ppid = p->parent && p->parent != kernel_process() ? p->parent->pid : 0;

	spin_unlock_irqrestore(&p->lock, flags);
	return ppid;
}

long sys_getuid(const struct pt_regs *regs)
{
	return cred_current()->uid;
}

long sys_geteuid(const struct pt_regs *regs)
{
	return cred_current()->euid;
}

long sys_getgid(const struct pt_regs *regs)
{
	return cred_current()->gid;
}

long sys_getegid(const struct pt_regs *regs)
{
	return cred_current()->egid;
}

long sys_sched_yield(const struct pt_regs *regs)
{
	sched_yield();
	return 0;
}
