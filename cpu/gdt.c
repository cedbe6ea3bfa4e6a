// SPDX-License-Identifier: MIT
/*
 * Each CPU's GDT, TSS and per-CPU area.
 *
 * The boot stub's GDT is shared and read-only; here every CPU gets its own
 * table (kernel code and data, the user segments in the order SYSRET
 * needs, and a TSS descriptor), because the TSS is per CPU and loading it
 * marks its descriptor busy. cpu_area_load() also points this CPU's
 * SYSCALL MSRs at cpu/syscall_entry.asm (syscall_msr_init). The TSS points the interrupt stack table at
 * three fresh vmalloc'ed stacks (each with a guard page), which the IDT
 * uses for double fault, NMI and machine check: a kernel stack overflow
 * then ends in a double-fault report on a good stack, not a triple fault.
 *
 * Locks: none; each CPU sets up its own area, the boot CPU before the APs.
 */
#include <xdv/percpu.h>
#include <xdv/errno.h>
#include <xdv/mm.h>
#include <xdv/string.h>
#include <xdv/arch/x86.h>
#include "internal.h"

#define MSR_EFER           0xC0000080
#define MSR_STAR           0xC0000081
#define MSR_LSTAR          0xC0000082
#define MSR_SFMASK         0xC0000084
#define MSR_GS_BASE        0xC0000101
#define MSR_KERNEL_GS_BASE 0xC0000102
#define EFER_SCE           (1ULL << 0) /* SYSCALL/SYSRET enabled */

/* RFLAGS bits SYSCALL clears (Linux's syscall_init): trap, interrupts,
 * direction, IOPL, nested task, alignment check (SMAP's AC: user code must
 * not hand the kernel an open window), resume... */
#define RFLAGS_TF   (1ULL << 8)
#define RFLAGS_DF   (1ULL << 10)
#define RFLAGS_IOPL (3ULL << 12)
#define RFLAGS_NT   (1ULL << 14)
#define RFLAGS_RF   (1ULL << 16)
#define RFLAGS_AC   (1ULL << 18)
#define SYSCALL_RFLAGS_MASK \
	(RFLAGS_TF | RFLAGS_DF | RFLAGS_IF | RFLAGS_IOPL | RFLAGS_NT | RFLAGS_RF | RFLAGS_AC)

#define SEL_KERNEL_CODE GDT_KERNEL_CS
#define SEL_KERNEL_DATA GDT_KERNEL_DS
#define SEL_USER32_CODE GDT_USER32_CS
#define SEL_USER_DATA   GDT_USER_DS
#define SEL_USER_CODE   GDT_USER_CS
#define SEL_TSS         GDT_TSS

static_assert(SEL_USER_DATA == (SEL_USER32_CODE & ~3) + 8 + 3, "SYSRET: SS = STAR[63:48] + 8");
static_assert(SEL_USER_CODE == (SEL_USER32_CODE & ~3) + 16 + 3, "SYSRET: CS = STAR[63:48] + 16");
static_assert(SEL_KERNEL_DATA == SEL_KERNEL_CODE + 8, "SYSCALL: SS = STAR[47:32] + 8");

/* Offsets cpu/syscall_entry.asm knows. */
static_assert(offsetof(struct percpu, user_rsp_scratch) == 96, "PERCPU_USER_RSP");
static_assert(offsetof(struct percpu, tss) + 4 == 180, "PERCPU_RSP0");

struct percpu *cpu_areas[MAX_CPUS];
unsigned nr_cpus;

static struct percpu boot_cpu_area;

struct gdt_pointer {
	uint16_t limit;
	uint64_t base;
} __packed;

/* A 16-byte system descriptor for the TSS, split into two GDT slots. */
static void gdt_set_tss(uint64_t *gdt, const struct tss *tss)
{
	uint64_t base = (uint64_t)(uintptr_t)tss, limit = sizeof(*tss) - 1;

	gdt[SEL_TSS / 8] = (limit & 0xFFFF) | ((base & 0xFFFFFF) << 16) |
			   (0x89ULL << 40) /* present, 64-bit TSS (available) */ |
			   (((limit >> 16) & 0xF) << 48) | (((base >> 24) & 0xFF) << 56);
	gdt[SEL_TSS / 8 + 1] = base >> 32;
}

static void load_gdt_and_tss(struct percpu *p)
{
	struct gdt_pointer ptr = { sizeof(p->gdt) - 1, (uint64_t)(uintptr_t)p->gdt };

	__asm__ __volatile__("lgdt %0" : : "m"(ptr) : "memory");
	__asm__ __volatile__("ltr %w0" : : "r"((uint16_t)SEL_TSS) : "memory");
}

struct percpu *cpu_area_alloc(unsigned cpu, uint32_t apic_id)
{
	if (cpu >= MAX_CPUS)
		return NULL;

	struct percpu *p = cpu == 0 ? &boot_cpu_area : kzalloc(sizeof(*p), GFP_KERNEL);

	if (!p)
		return NULL;
	p->self = p;
	p->cpu = cpu;
	p->apic_id = apic_id;

	/* Same code/data descriptors as the boot GDT, plus user and TSS. */
	p->gdt[0] = 0;
	p->gdt[SEL_KERNEL_CODE / 8] = 0x00AF9B000000FFFFULL;
	p->gdt[SEL_KERNEL_DATA / 8] = 0x00CF93000000FFFFULL;
	p->gdt[SEL_USER32_CODE / 8] = 0x00CFFB000000FFFFULL; /* 32-bit, DPL 3 */
	p->gdt[SEL_USER_DATA / 8] = 0x00CFF3000000FFFFULL;
	p->gdt[SEL_USER_CODE / 8] = 0x00AFFB000000FFFFULL;
	for (unsigned i = 0; i < IST_USED; i++) {
		uint8_t *stack = vmalloc(IST_STACK_SIZE);

		if (!stack)
			return NULL; /* the stacks already made stay: boot-time only */
		p->tss.ist[i] = (uint64_t)(uintptr_t)(stack + IST_STACK_SIZE);
	}
	p->tss.iomap_base = sizeof(p->tss); /* no I/O permission bitmap */
	gdt_set_tss(p->gdt, &p->tss);
	return p;
}

/*
 * SYSCALL from user mode lands in syscall_entry with the kernel's CS/SS
 * and the flags in SYSCALL_RFLAGS_MASK cleared (interrupts off until the
 * entry is on the kernel stack); SYSRET returns to the user segments.
 */
static void syscall_msr_init(void)
{
	wrmsr(MSR_STAR, ((uint64_t)(SEL_USER32_CODE & ~3) << 48) | ((uint64_t)SEL_KERNEL_CODE << 32));
	wrmsr(MSR_LSTAR, (uint64_t)(uintptr_t)syscall_entry);
	wrmsr(MSR_SFMASK, SYSCALL_RFLAGS_MASK);
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SCE);
}

void cpu_area_load(struct percpu *p)
{
	load_gdt_and_tss(p);
	syscall_msr_init();
	wrmsr(MSR_GS_BASE, (uint64_t)(uintptr_t)p);
	wrmsr(MSR_KERNEL_GS_BASE, 0);
	cpu_areas[p->cpu] = p;
}

int cpu_local_init(unsigned cpu, uint32_t apic_id)
{
	struct percpu *p = cpu_area_alloc(cpu, apic_id);

	if (!p)
		return -ENOMEM;
	cpu_area_load(p);
	if (cpu == 0)
		nr_cpus = 1;
	return 0;
}
