/* SPDX-License-Identifier: MIT */
/*
 * CPU: traps and exceptions. The boot stub calls trap_init() before any C
 * code, so every exception from kernel_main on arrives in trap_dispatch()
 * with a full struct trap_frame.
 */
#pragma once

#include <xdv/compiler.h>

/* Registers as cpu/trap_entry.asm saves them (lowest address first). */
struct trap_frame {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector;
	uint64_t error_code; /* 0 for vectors without one */
	/* Pushed by the CPU. */
	uint64_t rip, cs, rflags, rsp, ss;
};
static_assert(sizeof(struct trap_frame) == 22 * 8, "trap_entry.asm layout");

#define X86_EXC_DE 0   /* divide error */
#define X86_EXC_DB 1
#define X86_EXC_NMI 2
#define X86_EXC_BP 3
#define X86_EXC_UD 6   /* invalid opcode */
#define X86_EXC_DF 8   /* double fault */
#define X86_EXC_GP 13  /* general protection */
#define X86_EXC_PF 14  /* page fault */
#define X86_EXC_MC 18  /* machine check */

/*
 * Set up the boot CPU after memory: per-CPU area, IST stacks, local APIC,
 * legacy PICs masked, timer. Context: boot, once, after mm_init.
 */
void cpu_init_boot(void);

/*
 * Find and parse the ACPI tables; calibrate the TSC against the HPET; give
 * the MADT's I/O APICs and overrides to the IRQ layer (without a MADT, the
 * MP table's). Context: boot, after mm_init, before cpu_init_boot (which
 * calibrates the APIC timer).
 */
void acpi_init(void);

/* Start the CPUs the MADT (or MP table) lists (cpu/smp.c). Return: CPUs online. */
unsigned acpi_start_cpus(void);

/* The parsed tables, or NULL when there are none usable. */
struct acpi_info;
const struct acpi_info *acpi_get(void);

/* Power the machine off (ACPI S5); halts if that fails. */
__noreturn void machine_poweroff(void);

/* Restart: ACPI reset register, then keyboard controller, then triple fault. */
__noreturn void machine_reboot(void);

/* Build and load the IDT. Context: boot, before kernel_main. */
void trap_init(void);

/* Load the (shared) IDT on this CPU: APs, after their TSS is loaded. */
void trap_load_idt(void);

/*
 * Give double fault, NMI and machine check their IST stacks. Context:
 * boot CPU, once its TSS is loaded (cpu_local_init); APs load the IDT only
 * after their own TSS.
 */
void trap_enable_ist(void);

/*
 * Nonzero once SMAP is on: every trap entry then clears RFLAGS.AC
 * (cpu/trap_entry.asm). Set by memory/protect.c with CR4.SMAP.
 */
extern uint8_t trap_entry_clac;

/* Name of an exception vector ("page fault"), or "interrupt" for >= 32. */
const char *trap_name(uint64_t vector);

/*
 * Exception fixups: a kernel instruction that may fault on purpose is
 * listed with the address to resume at. EXTABLE_ENTRY(fault, fixup) in
 * assembly or inline asm puts a pair into the .extable section.
 */
struct extable_entry {
	uint64_t fault_rip;
	uint64_t fixup_rip;
};

/* The fixup address for a faulting rip, or 0 if there is none. */
uint64_t extable_find(uint64_t rip);

/* Run fn() with rsp = stack_top (16-byte aligned), then return here. */
void call_on_stack(void *stack_top, void (*fn)(void));

/*
 * Call fn, which may lie in a page that is not executable. If fetching its
 * first instruction faults, the trap path returns here as if fn had
 * returned at once. Return: true if fn ran, false if the fetch faulted.
 * Tests use this to prove that NX pages cannot run code.
 */
bool probe_exec(void (*fn)(void));

/*
 * Count of exceptions recovered through the fixup table, and the vector of
 * the last one: in-kernel tests use these to check what was raised.
 */
extern unsigned long trap_fixups_taken;
extern uint64_t trap_last_fixup_vector;

/* ---- context switch (cpu/context_switch.asm) ----------------------------- */

/*
 * What a switched-out thread leaves behind: its kernel stack pointer (the
 * callee-saved registers are on that stack) and, for a context with an
 * FPU area, its FS base, user GS base and extended register state. A
 * context without an area (a kernel thread: the kernel never touches the
 * FPU) skips those, which makes its switches cheaper.
 */
struct cpu_context {
	uint64_t rsp;     /* offsets are known to context_switch.asm */
	uint64_t fs_base;
	uint64_t gs_base; /* the user's GS base */
	void *fpu;        /* fpu_state_size() bytes, 64-byte aligned, or NULL */
};

/*
 * Save the running context into prev and continue in next.
 * Return (in the context that is resumed later): the context that was
 * running just before it.
 * Context: interrupts off.
 */
struct cpu_context *cpu_context_switch(struct cpu_context *prev, struct cpu_context *next);

/*
 * Prepare ctx so that switching to it calls entry(prev) on the stack that
 * ends at stack_top (16-byte aligned). entry must not return.
 */
void cpu_context_init(struct cpu_context *ctx, void *stack_top,
		      void (*entry)(struct cpu_context *prev), void *fpu);
