// SPDX-License-Identifier: MIT
/*
 * panic(): the end of the kernel when its own invariants are broken.
 *
 * A report is written with as little machinery as possible: the message is
 * formatted into a static buffer and sent to every console, or straight to
 * COM1 when no console exists yet. Registers and a backtrace follow; the
 * backtrace walks the frame-pointer chain (the kernel is built with
 * -fno-omit-frame-pointer) and names each return address through the
 * symbol table linked into the kernel (kernel/ksyms.c). Under test
 * (debug_exit= on the command line) QEMU is then ended with the failure
 * status, so a panicking test run stops at once instead of timing out.
 *
 * Locks: none. A panic inside a panic only halts.
 */
#include <xdv/panic.h>
#include <xdv/cpu.h>
#include <xdv/console.h>
#include <xdv/drivers.h>
#include <xdv/irq.h>
#include <xdv/mm.h>
#include <xdv/percpu.h>
#include <xdv/printk.h>
#include <xdv/smp.h>
#include <xdv/arch/x86.h>

#define BACKTRACE_MAX_FRAMES 32

volatile bool panic_in_progress;

static char panic_buf[512];

static void panic_out(const char *s, size_t len)
{
	if (console_count())
		console_write(s, len);
	else
		serial_early_write(s, len);
}

static __printf(1, 2) void panic_print(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	int n = vsnprintf(panic_buf, sizeof(panic_buf), fmt, ap);
	va_end(ap);
	if (n > (int)sizeof(panic_buf) - 1)
		n = sizeof(panic_buf) - 1;
	if (n > 0)
		panic_out(panic_buf, (size_t)n);
}

__noreturn void cpu_halt_forever(void)
{
	for (;;) {
		cli();
		hlt();
	}
}

static void print_address(const char *prefix, uintptr_t addr)
{
	uintptr_t off;
	const char *name = ksym_lookup(addr, &off);

	if (name)
		panic_print("%s0x%016lx %s+0x%lx\n", prefix, addr, name, off);
	else
		panic_print("%s0x%016lx ?\n", prefix, addr);
}

/*
 * Walk the frame-pointer chain from rbp. A frame pointer is followed only
 * while it points into the kernel's half of the address space, is 8-byte
 * aligned and moves up the stack: a corrupt chain ends the walk instead of
 * faulting inside the panic.
 */
static void backtrace_walk(uintptr_t rbp)
{
	for (int i = 0; i < BACKTRACE_MAX_FRAMES; i++) {
		if (rbp < 0xFFFF800000000000UL || !IS_ALIGNED(rbp, 8))
			break;
		uintptr_t *frame = (uintptr_t *)rbp;
		uintptr_t ret = frame[1];
		uintptr_t next = frame[0];

		if (!ret)
			break;
		/* The return address points after the call; name the call. */
		print_address("  ", ret - 1);
		if (next <= rbp)
			break;
		rbp = next;
	}
}

void backtrace_print(uintptr_t rip, uintptr_t rbp)
{
	panic_print("Backtrace:\n");
	if (rip)
		print_address("  ", rip);
	backtrace_walk(rbp);
}

/*
 * gcc gives leaf functions that need no stack no frame at all, even with
 * -fno-omit-frame-pointer; a trap inside one would drop its caller from the
 * chain. When the trapping function does not begin with push %rbp (0x55),
 * its return address is most likely at the top of the stack: print it
 * marked "?" (as Linux does for guesses).
 */
static void print_frameless_caller(const struct trap_frame *f)
{
	uintptr_t off, ret;

	if ((f->cs & 3) || !ksym_lookup(f->rip, &off) || f->rsp < 0xFFFF800000000000UL)
		return;
	if (*(const uint8_t *)(f->rip - off) == 0x55 && off > 0)
		return;
	ret = *(const uintptr_t *)f->rsp;
	if (ksym_lookup(ret - 1, &off))
		print_address("  ? ", ret - 1);
}

/* Stop the machine after a report; end QEMU when a test run asked to. */
static __noreturn void panic_stop(void)
{
	panic_print("---[ end Kernel panic ]---\n");
	debug_exit(DEBUG_EXIT_FAIL);
	cpu_halt_forever();
}

/*
 * The first CPU to get here stops every other one with an NMI (which
 * reaches a CPU even with interrupts off; cpu/traps.c halts it once it
 * sees panic_in_progress): the flag is set before the NMI is sent, or a CPU
 * could take the NMI as unexpected and panic itself.
 */
bool stop_other_cpus(void)
{
	cli();
	if (__atomic_exchange_n(&panic_in_progress, true, __ATOMIC_ACQ_REL))
		return false;
	if (nr_cpus > 1)
		smp_stop_others(); /* NMI; wait until they left the online mask */
	return true;
}

__noreturn void panic(const char *fmt, ...)
{
	if (!stop_other_cpus())
		cpu_halt_forever();

	va_list ap;
	char msg[256];

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	panic_print("\nKernel panic: %s\n", msg);
	panic_print("CR0=%016lx CR2=%016lx CR3=%016lx CR4=%016lx\n", read_cr0(),
		    read_cr2(), read_cr3(), read_cr4());
	backtrace_print(0, read_rbp());
	panic_stop();
}

static void print_error_code(const struct trap_frame *f)
{
	uint64_t e = f->error_code;

	if (f->vector == X86_EXC_PF) {
		panic_print("Page fault at address 0x%016lx: %s, %s, %s mode%s%s%s\n",
			    read_cr2(), (e & 1) ? "protection violation" : "page not present",
			    (e & 2) ? "write" : (e & 16) ? "instruction fetch" : "read",
			    (e & 4) ? "user" : "kernel", (e & 8) ? ", reserved bit set" : "",
			    (e & 32) ? ", protection key" : "",
			    (e & 0x8000) ? ", SGX" : "");
		if (vmalloc_is_guard_page(read_cr2()))
			panic_print("The address is a guard page: a kernel stack overflowed\n");
	} else if (f->vector == 10 || f->vector == 11 || f->vector == 12 ||
		   f->vector == 13 || f->vector == 17) {
		if (e == 0)
			panic_print("Error code: 0\n");
		else
			panic_print("Error code 0x%lx: selector index %lu in the %s%s\n", e,
				    (e >> 3) & 0x1FFF,
				    (e & 2) ? "IDT" : (e & 4) ? "LDT" : "GDT",
				    (e & 1) ? ", external event" : "");
	} else if (f->vector == X86_EXC_DF || f->vector == 21 || f->vector == 29 ||
		   f->vector == 30) {
		panic_print("Error code: 0x%lx\n", e);
	}
	if (f->vector == X86_EXC_DF && vmalloc_is_guard_page(read_cr2()))
		panic_print("CR2 0x%016lx is a guard page: a kernel stack overflowed\n",
			    read_cr2());
}

__noreturn void panic_trap(const struct trap_frame *f)
{
	if (!stop_other_cpus())
		cpu_halt_forever();

	panic_print("\nKernel panic: CPU exception %lu (%s) in %s mode\n", f->vector,
		    trap_name(f->vector), (f->cs & 3) ? "user" : "kernel");
	print_error_code(f);
	print_address("RIP: ", f->rip);
	panic_print("RAX=%016lx RBX=%016lx RCX=%016lx RDX=%016lx\n", f->rax, f->rbx,
		    f->rcx, f->rdx);
	panic_print("RSI=%016lx RDI=%016lx RBP=%016lx RSP=%016lx\n", f->rsi, f->rdi,
		    f->rbp, f->rsp);
	panic_print("R8 =%016lx R9 =%016lx R10=%016lx R11=%016lx\n", f->r8, f->r9,
		    f->r10, f->r11);
	panic_print("R12=%016lx R13=%016lx R14=%016lx R15=%016lx\n", f->r12, f->r13,
		    f->r14, f->r15);
	panic_print("CS=%04lx SS=%04lx RFLAGS=%016lx\n", f->cs, f->ss, f->rflags);
	panic_print("CR0=%016lx CR2=%016lx CR3=%016lx CR4=%016lx\n", read_cr0(),
		    read_cr2(), read_cr3(), read_cr4());
	panic_print("Backtrace:\n");
	print_address("  ", f->rip);
	print_frameless_caller(f);
	backtrace_walk(f->rbp);
	panic_stop();
}
