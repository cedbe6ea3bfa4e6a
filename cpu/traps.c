// SPDX-License-Identifier: MIT
/*
 * The IDT and the C side of every trap.
 *
 * trap_init() fills all 256 gates with the stubs of cpu/trap_entry.asm and
 * loads the table; the boot stub calls it before kernel_main, so the only
 * window without a 64-bit handler is a handful of assembly instructions.
 * trap_dispatch() first looks for an exception fixup (a kernel instruction
 * that was allowed to fault, such as a copy_from_user), ends a user thread
 * whose exception nobody resolves (user_fault_kill), and otherwise reports the exception with its
 * decoded error code, the registers and a backtrace, and stops the kernel.
 * Vectors from 32 up are interrupts: cpu/irq.c dispatches them. An NMI
 * while another CPU stops the machine (panic, power off) takes this CPU
 * out of the online mask and halts it; any other NMI is reported as
 * unexpected. The entry code has already switched to the kernel's GS base
 * (also for an NMI or #DB between SYSCALL and SWAPGS) and made nested NMIs
 * safe (cpu/trap_entry.asm). trap_test_hook lets in-kernel tests handle
 * exceptions they raise on purpose (NMI, #DB).
 *
 * Locks: none; the IDT is written once at boot.
 */
#include <xdv/cpu.h>
#include <xdv/mm.h>
#include <xdv/panic.h>
#include <xdv/percpu.h>
#include <xdv/sched.h>
#include <xdv/smp.h>
#include <xdv/syscall.h>
#include "internal.h"
#include <xdv/arch/x86.h>

#define IDT_ENTRIES   256
#define GATE_INTERRUPT 0x8E /* present, DPL 0, 64-bit interrupt gate */
#define KERNEL_CS     0x08

struct idt_gate {
	uint16_t offset_low;
	uint16_t selector;
	uint8_t ist;
	uint8_t type_attr;
	uint16_t offset_mid;
	uint32_t offset_high;
	uint32_t reserved;
} __packed;

struct idt_pointer {
	uint16_t limit;
	uint64_t base;
} __packed;

static struct idt_gate idt[IDT_ENTRIES] __aligned(16);

extern const char trap_stubs[];
extern const uint64_t trap_stub_size;
extern const struct extable_entry _extable_start[], _extable_end[];

unsigned long trap_fixups_taken;
uint8_t trap_entry_clac;
bool (*volatile trap_test_hook)(struct trap_frame *frame);
uint64_t trap_last_fixup_vector;

#define PF_INSTRUCTION_FETCH (1u << 4)

/* probe_exec(): the function being called, and whether fetching it faulted. */
static volatile uintptr_t exec_probe_target;
static volatile bool exec_probe_faulted;

bool probe_exec(void (*fn)(void))
{
	exec_probe_faulted = false;
	exec_probe_target = (uintptr_t)fn;
	fn();
	exec_probe_target = 0;
	return !exec_probe_faulted;
}

/*
 * A fetch fault at the probed function's first byte: nothing of it ran,
 * so finish the call by hand (pop the return address, resume there).
 */
static bool exec_probe_fixup(struct trap_frame *frame)
{
	if (frame->vector != X86_EXC_PF || !(frame->error_code & PF_INSTRUCTION_FETCH) ||
	    !exec_probe_target || frame->rip != exec_probe_target)
		return false;
	frame->rip = *(const uint64_t *)frame->rsp;
	frame->rsp += 8;
	exec_probe_faulted = true;
	return true;
}

static const char *const exception_names[32] = {
	[0] = "divide error",
	[1] = "debug",
	[2] = "non-maskable interrupt",
	[3] = "breakpoint",
	[4] = "overflow",
	[5] = "bound range exceeded",
	[6] = "invalid opcode",
	[7] = "device not available",
	[8] = "double fault",
	[9] = "coprocessor segment overrun",
	[10] = "invalid TSS",
	[11] = "segment not present",
	[12] = "stack-segment fault",
	[13] = "general protection fault",
	[14] = "page fault",
	[16] = "x87 floating-point error",
	[17] = "alignment check",
	[18] = "machine check",
	[19] = "SIMD floating-point error",
	[20] = "virtualization exception",
	[21] = "control protection exception",
	[28] = "hypervisor injection exception",
	[29] = "VMM communication exception",
	[30] = "security exception",
};

const char *trap_name(uint64_t vector)
{
	if (vector >= 32)
		return "interrupt";
	return exception_names[vector] ? exception_names[vector] : "reserved exception";
}

void trap_init(void)
{
	for (unsigned v = 0; v < IDT_ENTRIES; v++) {
		uint64_t handler = (uint64_t)(uintptr_t)trap_stubs + v * trap_stub_size;

		idt[v] = (struct idt_gate){
			.offset_low = (uint16_t)handler,
			.selector = KERNEL_CS,
			.ist = 0,
			.type_attr = GATE_INTERRUPT,
			.offset_mid = (uint16_t)(handler >> 16),
			.offset_high = (uint32_t)(handler >> 32),
		};
	}
	trap_load_idt();
}

void trap_enable_ist(void)
{
	idt[X86_EXC_DF].ist = IST_DOUBLE_FAULT;
	idt[X86_EXC_NMI].ist = IST_NMI;
	idt[X86_EXC_MC].ist = IST_MACHINE_CHECK;
	/* A #DB taken on SYSCALL's first instruction finds the user's RSP
	 * still loaded: it needs a stack of its own. A #DB inside the #DB
	 * handler would reuse it; nothing in the kernel sets breakpoints. */
	idt[X86_EXC_DB].ist = IST_DEBUG;
}

void trap_load_idt(void)
{
	struct idt_pointer ptr = { .limit = sizeof(idt) - 1, .base = (uint64_t)(uintptr_t)idt };

	lidt(&ptr);
}

uint64_t extable_find(uint64_t rip)
{
	for (const struct extable_entry *e = _extable_start; e < _extable_end; e++)
		if (e->fault_rip == rip)
			return e->fixup_rip;
	return 0;
}

/* Called from trap_entry.asm with interrupts off. */
void trap_dispatch(struct trap_frame *frame);
void trap_dispatch(struct trap_frame *frame)
{
	bool from_kernel = (frame->cs & 3) == 0;

	if (frame->vector >= 32) {
		irq_dispatch(frame);
		/* A switch the interrupt asked for happens on the way out. */
		sched_irq_exit(frame->rflags & RFLAGS_IF);
		return;
	}
	if (unlikely(trap_test_hook) && trap_test_hook(frame))
		return;
	/* Another CPU panicked (or powers off) and stops this one: leave
	 * the online mask, so that its shootdowns do not wait for us. */
	if (frame->vector == X86_EXC_NMI && panic_in_progress)
		smp_park_self(NULL);
	/* A user-mode fault in a user address space: demand paging, COW,
	 * stack growth (memory/user_fault.c), with interrupts on as in user
	 * mode, since it may sleep. Failure falls through (SIGSEGV later). */
	struct mm_struct *mm;

	if (frame->vector == X86_EXC_PF && !from_kernel && (mm = mm_current()) != NULL) {
		vaddr_t addr = read_cr2(); /* before sti: a nested fault changes CR2 */

		sti();
		int err = mm_handle_fault(mm, addr, (unsigned)frame->error_code);

		cli();
		if (!err)
			return;
	}
	/* SYSCALL executed with TF set: some CPUs (Bochs, as the SDM allows)
	 * deliver the single-step trap on the entry's first instruction, in
	 * kernel mode, before the stack switch. SFMASK has already cleared TF
	 * and the user's TF is in R11, restored on return (through IRET, so
	 * the user then gets its own trap), so the trap is simply done. */
	if (frame->vector == X86_EXC_DB && from_kernel && frame->rip == (uintptr_t)syscall_entry)
		return;
	if (from_kernel && frame->vector < 32) {
		uint64_t fixup = extable_find(frame->rip);

		if (fixup)
			frame->rip = fixup;
		if (fixup || exec_probe_fixup(frame)) {
			trap_fixups_taken++;
			trap_last_fixup_vector = frame->vector;
			return;
		}
	}
	/* An exception in user mode ends that thread, never the kernel.
	 * (The user page-fault handler goes before this, once there is one.) */
	if (!from_kernel && frame->vector != X86_EXC_NMI && frame->vector != X86_EXC_MC &&
	    frame->vector != X86_EXC_DF)
		user_fault_kill(frame->vector, frame->error_code, frame->rip,
				frame->vector == X86_EXC_PF ? read_cr2() : 0);
	panic_trap(frame);
}
