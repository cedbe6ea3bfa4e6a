/* SPDX-License-Identifier: MIT */
/*
 * Per-CPU data, reached through the GS base: each CPU's struct percpu
 * starts with a pointer to itself, so this_cpu() is one load from %gs:0.
 * Context: any, once cpu_local_init() ran on this CPU (boot: early in
 * kernel_main; APs: first thing in C).
 */
#pragma once

#include <xdv/compiler.h>

#define MAX_CPUS 64

struct thread;
struct runqueue;

/* The long-mode TSS: the stacks the CPU switches to (IST for bad faults). */
struct tss {
	uint32_t reserved0;
	uint64_t rsp[3];  /* stacks for privilege changes (user -> kernel) */
	uint64_t reserved1;
	uint64_t ist[7];  /* interrupt stack table: IST1..IST7 */
	uint64_t reserved2;
	uint16_t reserved3;
	uint16_t iomap_base;
} __packed;
static_assert(sizeof(struct tss) == 104, "hardware layout");

/* IST slots (1-based in the IDT, index - 1 in tss.ist). */
#define IST_DOUBLE_FAULT   1
#define IST_NMI            2
#define IST_MACHINE_CHECK  3
#define IST_DEBUG          4 /* #DB can hit SYSCALL's first instruction, on the user's stack */
#define IST_USED           4
#define IST_STACK_SIZE     8192 /* = NMI_STACK_SIZE in cpu/trap_entry.asm */

/*
 * GDT selectors, in the order SYSCALL and SYSRET need (STAR, Linux's
 * layout for the user part): SYSCALL loads CS = STAR[47:32] and SS = that
 * + 8; a 64-bit SYSRET loads SS = STAR[63:48] + 8 and CS = STAR[63:48] +
 * 16, both with RPL 3. So kernel code, kernel data; then a 32-bit user code
 * segment (STAR[63:48], what a 32-bit SYSRET would load), user data, user
 * code. cpu/syscall_entry.asm repeats the user values.
 */
#define GDT_KERNEL_CS  0x08
#define GDT_KERNEL_DS  0x10
#define GDT_USER32_CS  0x1B /* 0x18 | RPL 3 */
#define GDT_USER_DS    0x23 /* 0x20 | RPL 3 */
#define GDT_USER_CS    0x2B /* 0x28 | RPL 3 */
#define GDT_TSS        0x30
#define GDT_ENTRIES 8 /* null, kernel code/data, user32 code, user data/code, TSS (2) */

struct percpu {
	struct percpu *self;      /* %gs:0 */
	unsigned cpu;             /* 0 .. nr_cpus - 1, 0 is the boot CPU */
	uint32_t apic_id;
	bool online;
	/* Written by its own CPU only. */
	uint64_t irq_count;       /* interrupts handled */
	uint64_t timer_ticks;     /* local APIC timer interrupts */
	uint64_t ipi_count;       /* cross-CPU call IPIs received */
	uint64_t resched_ipis;    /* reschedule IPIs received */
	bool in_smp_call;         /* running another CPU's cross-CPU call */
	/* The scheduler's (process/): on this CPU only, interrupts off to change. */
	struct thread *current;   /* the thread running here */
	struct runqueue *rq;      /* this CPU's run queue */
	unsigned preempt_count;   /* > 0: no preemption (spinlocks held, ...) */
	unsigned irq_nesting;     /* > 0: in an interrupt handler */
	bool need_resched;        /* switch at the next chance (set by any CPU) */
	/* SYSCALL entry (cpu/syscall_entry.asm): the user RSP while the
	 * entry switches to the thread's kernel stack (tss.rsp[0], which the
	 * scheduler sets at every switch). */
	uint64_t user_rsp_scratch;
	uint64_t gdt[GDT_ENTRIES] __aligned(16);
	struct tss tss __aligned(16);
};

static inline struct percpu *this_cpu(void)
{
	struct percpu *p;

	__asm__ __volatile__("mov %%gs:0, %0" : "=r"(p));
	return p;
}

/*
 * This CPU's preemption count, read and changed in one instruction each:
 * a thread that is preempted and moved to another CPU between finding its
 * per-CPU area and changing the count would change the wrong CPU's count.
 */
static inline void this_cpu_preempt_add(int delta)
{
	__asm__ __volatile__("addl %0, %%gs:%c1"
			     : : "ri"(delta), "i"(offsetof(struct percpu, preempt_count))
			     : "cc", "memory");
}

static inline bool this_cpu_need_resched(void)
{
	bool v;

	__asm__ __volatile__("movb %%gs:%c1, %0"
			     : "=q"(v) : "i"(offsetof(struct percpu, need_resched)) : "memory");
	return v;
}

static inline unsigned this_cpu_preempt_count(void)
{
	unsigned v;

	__asm__ __volatile__("movl %%gs:%c1, %0"
			     : "=r"(v) : "i"(offsetof(struct percpu, preempt_count)) : "memory");
	return v;
}

/* Every CPU's area, indexed by its number (valid for cpu < nr_cpus). */
extern struct percpu *cpu_areas[MAX_CPUS];
extern unsigned nr_cpus;        /* CPUs brought up so far */

/* This CPU's number; 0 before any per-CPU area exists (early boot). */
static inline unsigned this_cpu_id(void)
{
	return nr_cpus ? this_cpu()->cpu : 0;
}

/*
 * Set up CPU cpu's area: its own GDT with a TSS whose IST stacks catch a
 * double fault, NMI and machine check on fresh stacks, and the GS base.
 * Context: on the CPU itself, interrupts off. Return: 0 or -ENOMEM.
 */
int __must_check cpu_local_init(unsigned cpu, uint32_t apic_id);

/* The two halves of cpu_local_init, for APs: the boot CPU allocates the
 * area (NULL: out of memory), the AP loads it on itself. */
struct percpu *cpu_area_alloc(unsigned cpu, uint32_t apic_id);
void cpu_area_load(struct percpu *p);
