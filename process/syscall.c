// SPDX-License-Identifier: MIT
/*
 * The system call dispatcher (include/xdv/syscall.h), ring-3 entry and the
 * end of a thread that faulted in user mode.
 *
 * syscall_table is indexed by Linux x86-64 numbers (include/uapi/xdv/
 * unistd.h). A number with no handler answers -ENOSYS, as Linux does, and
 * is logged once: a bitmap of the numbers already reported keeps a program
 * that probes for a syscall in a loop (or libc's fallbacks) from flooding
 * the log. Numbers past the table share one last bit.
 *
 * Before returning to user mode, syscall_exit_to_user() does the pending
 * work with interrupts off at the last check (a reschedule now; signal
 * delivery hooks in there later) and refuses to return to a non-canonical
 * RIP (that process could only fault: it is ended with SIGSEGV, as the
 * #GP Linux's IRET path would raise), so cpu/syscall_entry.asm never
 * meets the SYSRET hazard.
 *
 * Locks: the unknown-number bitmap is changed with atomic OR; nothing else
 * here is shared.
 */
#include <xdv/cpu.h>
#include <xdv/errno.h>
#include <xdv/printk.h>
#include <xdv/sched.h>
#include <xdv/syscall.h>
#include <xdv/uaccess.h>
#include <uapi/xdv/unistd.h>
#include <xdv/arch/x86.h>
#include "internal.h"

#define MSR_FS_BASE        0xC0000100
#define MSR_KERNEL_GS_BASE 0xC0000102

static const syscall_fn_t syscall_table[NR_SYSCALLS] = {
	[__NR_read] = sys_read,
	[__NR_write] = sys_write,
	[__NR_sched_yield] = sys_sched_yield,
	[__NR_getpid] = sys_getpid,
	[__NR_exit] = sys_exit,
	[__NR_uname] = sys_uname,
	[__NR_getuid] = sys_getuid,
	[__NR_getgid] = sys_getgid,
	[__NR_geteuid] = sys_geteuid,
	[__NR_getegid] = sys_getegid,
	[__NR_getppid] = sys_getppid,
	[__NR_gettid] = sys_gettid,
	[__NR_exit_group] = sys_exit_group,
	[__NR_getrandom] = sys_getrandom,
};

/* One bit per number, plus one for every number past the table. */
#define UNKNOWN_BITS (NR_SYSCALLS + 1)
static uint64_t unknown_seen[(UNKNOWN_BITS + 63) / 64];
static unsigned long unknown_logged;

static unsigned unknown_bit(uint64_t nr)
{
	return nr < NR_SYSCALLS ? (unsigned)nr : NR_SYSCALLS;
}

static long syscall_unknown(uint32_t nr, const struct pt_regs *regs)
{
	unsigned bit = unknown_bit(nr);
	uint64_t mask = 1ULL << (bit % 64);
	uint64_t old = __atomic_fetch_or(&unknown_seen[bit / 64], mask, __ATOMIC_RELAXED);

	if (!(old & mask)) {
		__atomic_fetch_add(&unknown_logged, 1, __ATOMIC_RELAXED);
		pr_warn("syscall: pid %d (%s) called unknown syscall %llu at rip %#llx: -ENOSYS%s\n",
			process_pid(process_current()), thread_name(thread_current()),
			(unsigned long long)regs->orig_rax, (unsigned long long)regs->rip,
			bit == NR_SYSCALLS ? " (numbers past the table are logged once in all)" : "");
	}
	return -ENOSYS;
}

unsigned long syscall_unknown_logged(void)
{
	return __atomic_load_n(&unknown_logged, __ATOMIC_RELAXED);
}

bool syscall_unknown_was_logged(uint64_t nr)
{
	unsigned bit = unknown_bit(nr);

	return __atomic_load_n(&unknown_seen[bit / 64], __ATOMIC_RELAXED) & (1ULL << (bit % 64));
}

static bool is_user_canonical(uint64_t rip)
{
	return rip < USER_ADDR_MAX;
}

/* Pending work before user mode; returns with interrupts off. */
static void syscall_exit_to_user(struct pt_regs *regs)
{
	for (;;) {
		cli();
		if (!this_cpu_need_resched())
			break;
		sti();
		schedule();
	}
	/* Signals will be delivered here (the signal issue). */
	if (unlikely(!is_user_canonical(regs->rip))) {
		sti();
		user_fault_kill(X86_EXC_GP, 0, regs->rip, regs->rip);
	}
}

void syscall_dispatch(struct pt_regs *regs)
{
	/* As Linux's do_syscall_64: the number is the low 32 bits of RAX. */
	uint32_t nr = (uint32_t)regs->orig_rax;
	long ret;

	if (likely(nr < NR_SYSCALLS && syscall_table[nr]))
		ret = syscall_table[nr](regs);
	else
		ret = syscall_unknown(nr, regs);
	regs->rax = (uint64_t)ret;
	if (IS_ENABLED(CONFIG_DEBUG) && this_cpu_preempt_count())
		pr_err("syscall: %llu returns to user mode with preemption off (%u)\n",
		       (unsigned long long)nr, this_cpu_preempt_count());
	syscall_exit_to_user(regs);
}

void user_enter_frame(uint64_t rip, uint64_t rsp); /* cpu/syscall_entry.asm */

__noreturn void user_enter(uint64_t rip, uint64_t rsp)
{
	might_sleep();
	/* A clean start: no TLS, no user GS (KERNEL_GS_BASE holds the
	 * user's while the kernel runs); the switch code keeps both. */
	cli();
	wrmsr(MSR_FS_BASE, 0);
	wrmsr(MSR_KERNEL_GS_BASE, 0);
	user_enter_frame(rip, rsp);
	__builtin_unreachable();
}

static int fault_signal(uint64_t vector)
{
	switch (vector) {
	case X86_EXC_DE:
		return SIGFPE;
	case X86_EXC_DB:
	case X86_EXC_BP:
		return SIGTRAP;
	case X86_EXC_UD:
		return SIGILL;
	case 16: /* x87 */
	case 19: /* SIMD */
		return SIGFPE;
	default:
		return SIGSEGV;
	}
}

__noreturn void user_fault_kill(uint64_t vector, uint64_t error_code, uint64_t rip,
				uint64_t address)
{
	int sig = fault_signal(vector);

	sti();
	pr_err("user fault: pid %d tid %d (%s): %s (error %#llx) at address %#llx, rip %#llx: "
	       "killed by signal %d\n",
	       process_pid(process_current()), thread_id(thread_current()),
	       thread_name(thread_current()), trap_name(vector), (unsigned long long)error_code,
	       (unsigned long long)address, (unsigned long long)rip, sig);
	thread_exit(WAIT_STATUS_SIGNALED(sig));
}
