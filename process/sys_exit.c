// SPDX-License-Identifier: MIT
/*
 * exit and exit_group: the calling thread ends with the status in its
 * first argument, kept in Linux's wait encoding (WAIT_STATUS_EXITED: the
 * low 8 bits of the code, shifted left by 8) as the thread's exit code, so
 * that process_wait() and a later wait4 hand it on unchanged.
 *
 * exit_group ends the whole process; processes have one user thread until
 * the threads issue (clone with CLONE_THREAD), so today it ends the caller
 * exactly as exit does. That issue must make it stop the other threads.
 *
 * Locks: none here (thread_exit takes the process's).
 */
#include <xdv/syscall.h>
#include "internal.h"

long sys_exit(const struct pt_regs *regs)
{
	thread_exit(WAIT_STATUS_EXITED((int)SYSCALL_ARG0(regs)));
}

long sys_exit_group(const struct pt_regs *regs)
{
	thread_exit(WAIT_STATUS_EXITED((int)SYSCALL_ARG0(regs)));
}
