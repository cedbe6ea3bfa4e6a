/* SPDX-License-Identifier: MIT */
/*
 * User mode's way into the kernel: the SYSCALL entry (cpu/syscall_entry.asm)
 * saves the user registers as a struct pt_regs on the thread's kernel stack
 * and calls syscall_dispatch() (process/syscall.c), which runs the handler
 * the table holds for the number in RAX (Linux x86-64 numbers,
 * include/uapi/xdv/unistd.h). Handlers are `long sys_<name>(const struct
 * pt_regs *regs)`: they read their arguments with SYSCALL_ARG, check them,
 * and call the subsystem; they return a result or -errno.
 *
 * Adding a syscall: its number is in uapi already; write sys_<name> in the
 * owning folder's sys_*.c, declare it below, add a line to the table in
 * process/syscall.c.
 */
#pragma once

#include <xdv/compiler.h>

/* The user registers, in Linux's order (lowest address first). */
struct pt_regs {
	uint64_t r15, r14, r13, r12, rbp, rbx;
	uint64_t r11, r10, r9, r8, rax, rcx, rdx, rsi, rdi;
	uint64_t orig_rax; /* the syscall number (rax gets the result) */
	/* As an interrupt frame: IRET can return through them. */
	uint64_t rip, cs, rflags, rsp, ss;
};
static_assert(sizeof(struct pt_regs) == 21 * 8, "cpu/syscall_entry.asm layout");

/* Argument n (0-5) of a syscall: rdi, rsi, rdx, r10, r8, r9. */
#define SYSCALL_ARG0(regs) ((regs)->rdi)
#define SYSCALL_ARG1(regs) ((regs)->rsi)
#define SYSCALL_ARG2(regs) ((regs)->rdx)
#define SYSCALL_ARG3(regs) ((regs)->r10)
#define SYSCALL_ARG4(regs) ((regs)->r8)
#define SYSCALL_ARG5(regs) ((regs)->r9)

typedef long (*syscall_fn_t)(const struct pt_regs *regs);

/*
 * Linux's wait status encoding, which a user thread's exit code uses (the
 * value thread_join/process_wait hand back): exited with code, or killed
 * by signal sig (no core dump).
 */
#define WAIT_STATUS_EXITED(code)  (((code) & 0xff) << 8)
#define WAIT_STATUS_SIGNALED(sig) ((sig) & 0x7f)
#define SIGILL  4
#define SIGTRAP 5
#define SIGFPE  8
#define SIGSEGV 11

/*
 * Leave the kernel for user mode at rip with stack rsp, from a thread that
 * has never been there (a kernel thread becoming a user thread): every
 * general register zero, FS base and user GS base zero, RFLAGS = IF only,
 * the user code and stack segments. The thread needs FPU state
 * (thread_attr.fpu) so its user registers survive switches; its kernel
 * stack is reused from the top for every later entry.
 * Context: a thread of a process, interrupts on, no lock held.
 */
__noreturn void user_enter(uint64_t rip, uint64_t rsp);

/*
 * The C half of the SYSCALL entry: run the handler for regs->orig_rax and
 * put its result in regs->rax; then the work pending before user mode
 * (reschedule; signals later). Returns with interrupts off.
 * Context: cpu/syscall_entry.asm, on the thread's kernel stack.
 */
void syscall_dispatch(struct pt_regs *regs);

/*
 * An exception from user mode that the kernel does not resolve: log one
 * line (pid, tid, fault, address, RIP) and end the thread as if killed by
 * the matching signal (SIGSEGV for a page fault or #GP, SIGILL, SIGFPE,
 * SIGTRAP), until the signal issue delivers real signals.
 * Context: the trap path of a user-mode exception (interrupts off).
 */
__noreturn void user_fault_kill(uint64_t vector, uint64_t error_code, uint64_t rip,
				uint64_t address);

/* Returns to user mode through IRETQ because SYSRET could not restore the
 * frame exactly (cpu/syscall_entry.asm); the common case is SYSRET. */
extern uint64_t syscall_iret_returns;

/* Count of distinct unknown syscall numbers logged so far (tests). */
unsigned long syscall_unknown_logged(void);
/* True if number nr has been logged as unknown (tests). */
bool syscall_unknown_was_logged(uint64_t nr);

/* ---- handlers ---------------------------------------------------------------- */
/* process/sys_ids.c */
long sys_getpid(const struct pt_regs *regs);
long sys_getppid(const struct pt_regs *regs);
long sys_gettid(const struct pt_regs *regs);
long sys_getuid(const struct pt_regs *regs);
long sys_geteuid(const struct pt_regs *regs);
long sys_getgid(const struct pt_regs *regs);
long sys_getegid(const struct pt_regs *regs);
long sys_sched_yield(const struct pt_regs *regs);
/* process/sys_uname.c */
long sys_uname(const struct pt_regs *regs);
long sys_getrandom(const struct pt_regs *regs);
/* process/sys_exit.c */
long sys_exit(const struct pt_regs *regs);
long sys_exit_group(const struct pt_regs *regs);
/* fs/sys_read_write.c */
long sys_read(const struct pt_regs *regs);
long sys_write(const struct pt_regs *regs);
