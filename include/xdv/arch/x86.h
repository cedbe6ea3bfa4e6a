/* SPDX-License-Identifier: MIT */
/*
 * One-instruction wrappers around x86 instructions that C cannot express.
 * This is the only place inline assembly lives (STYLE.md).
 */
#pragma once

#include <xdv/compiler.h>

static inline void outb(uint16_t port, uint8_t v)
{
	__asm__ __volatile__("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint8_t inb(uint16_t port)
{
	uint8_t v;
	__asm__ __volatile__("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline void outw(uint16_t port, uint16_t v)
{
	__asm__ __volatile__("outw %0, %1" : : "a"(v), "Nd"(port));
}

static inline void outl(uint16_t port, uint32_t v)
{
	__asm__ __volatile__("outl %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;
	__asm__ __volatile__("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

static inline void cpuid(uint32_t leaf, uint32_t subleaf, uint32_t *a,
			 uint32_t *b, uint32_t *c, uint32_t *d)
{
	__asm__ __volatile__("cpuid"
			     : "=a"(*a), "=b"(*b), "=c"(*c), "=d"(*d)
			     : "a"(leaf), "c"(subleaf));
}

static inline uint64_t rdmsr(uint32_t msr)
{
	uint32_t lo, hi;
	__asm__ __volatile__("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((uint64_t)hi << 32) | lo;
}

static inline void wrmsr(uint32_t msr, uint64_t v)
{
	__asm__ __volatile__("wrmsr" : : "c"(msr), "a"((uint32_t)v),
			     "d"((uint32_t)(v >> 32)));
}

/*
 * Make every earlier load and store globally visible before the next
 * instruction starts: needed before a WRMSR that is not serializing (the
 * x2APIC ICR), which could otherwise overtake them (Linux's
 * weak_wrmsr_fence).
 */
static inline void wrmsr_fence(void)
{
	__asm__ __volatile__("mfence; lfence" ::: "memory");
}

static inline uint64_t read_cr0(void)
{
	uint64_t v;
	__asm__ __volatile__("mov %%cr0, %0" : "=r"(v));
	return v;
}

static inline uint64_t read_cr2(void)
{
	uint64_t v;
	__asm__ __volatile__("mov %%cr2, %0" : "=r"(v));
	return v;
}

static inline uint64_t read_cr3(void)
{
	uint64_t v;
	__asm__ __volatile__("mov %%cr3, %0" : "=r"(v));
	return v;
}

static inline void write_cr3(uint64_t v)
{
	__asm__ __volatile__("mov %0, %%cr3" : : "r"(v) : "memory");
}

static inline uint64_t read_cr4(void)
{
	uint64_t v;
	__asm__ __volatile__("mov %%cr4, %0" : "=r"(v));
	return v;
}

static inline void write_cr4(uint64_t v)
{
	__asm__ __volatile__("mov %0, %%cr4" : : "r"(v) : "memory");
}

#define CR0_WP   (1UL << 16)
#define CR4_PGE  (1UL << 7)
#define CR4_UMIP (1UL << 11)
#define CR4_SMEP (1UL << 20)
#define CR4_SMAP (1UL << 21)

static inline void invlpg(uintptr_t va)
{
	__asm__ __volatile__("invlpg (%0)" : : "r"(va) : "memory");
}

static inline void cli(void) { __asm__ __volatile__("cli" ::: "memory"); }
static inline void sti(void) { __asm__ __volatile__("sti" ::: "memory"); }
static inline void hlt(void) { __asm__ __volatile__("hlt" ::: "memory"); }
/* The low 64 bits of xmm0 (tests of the FPU state a switch keeps; the
 * kernel proper never touches vector registers). */
static inline void xmm0_write_u64(uint64_t v) { __asm__ __volatile__("movq %0, %%xmm0" : : "r"(v)); }
static inline uint64_t xmm0_read_u64(void)
{
	uint64_t v;

	__asm__ __volatile__("movq %%xmm0, %0" : "=r"(v));
	return v;
}

/* Enable interrupts and halt: an interrupt cannot slip in between (STI's
 * one-instruction shadow), so a wake-up IPI is never missed. */
static inline void safe_halt(void) { __asm__ __volatile__("sti; hlt" ::: "memory"); }
static inline void cpu_relax(void) { __asm__ __volatile__("pause" ::: "memory"); }

static inline uint64_t read_rflags(void)
{
	uint64_t v;
	__asm__ __volatile__("pushfq; popq %0" : "=r"(v));
	return v;
}

#define RFLAGS_IF (1UL << 9) /* interrupts enabled */

/* Interrupts on or off as the saved flags say (the other half of
 * flags = read_rflags(); cli();). */
static inline void irq_restore(uint64_t flags)
{
	if (flags & RFLAGS_IF)
		__asm__ __volatile__("sti" ::: "memory");
	else
		__asm__ __volatile__("cli" ::: "memory");
}

/* The caller's frame pointer: the start of a backtrace. */
static inline uintptr_t read_rbp(void)
{
	uintptr_t v;
	__asm__ __volatile__("mov %%rbp, %0" : "=r"(v));
	return v;
}

static inline void lidt(const void *idtr)
{
	__asm__ __volatile__("lidt (%0)" : : "r"(idtr) : "memory");
}

/*
 * Probes: one access that is allowed to fault. Each instruction is listed in
 * the exception table (.extable, see include/xdv/cpu.h) with a fixup that
 * makes the probe return false instead of the kernel stopping. The memory
 * issue builds copy_from_user on the same mechanism.
 */
#define EXTABLE_ASM(fault, fixup) \
	".pushsection .extable, \"a\"\n\t.balign 8\n\t.quad " fault ", " fixup "\n\t.popsection\n\t"

static inline bool probe_write_u8(volatile void *addr, uint8_t v)
{
	bool ok;
	__asm__ __volatile__("1: movb %2, (%1)\n\t"
			     "movb $1, %0\n\t"
			     "jmp 3f\n\t"
			     "2: movb $0, %0\n\t"
			     "3:\n\t" EXTABLE_ASM("1b", "2b")
			     : "=q"(ok) : "r"(addr), "q"(v) : "memory");
	return ok;
}

static inline bool probe_read_u8(const volatile void *addr, uint8_t *v)
{
	bool ok;
	uint8_t val = 0;
	__asm__ __volatile__("1: movb (%2), %1\n\t"
			     "movb $1, %0\n\t"
			     "jmp 3f\n\t"
			     "2: movb $0, %0\n\t"
			     "3:\n\t" EXTABLE_ASM("1b", "2b")
			     : "=q"(ok), "+q"(val) : "r"(addr) : "memory");
	*v = val;
	return ok;
}

/* Exchange GS base and KERNEL_GS_BASE (the kernel's entry from user mode). */
static inline void swapgs(void) { __asm__ __volatile__("swapgs" ::: "memory"); }

/* Set the trap flag and run one nop: a single-step debug exception (#DB)
 * follows it; the handler must clear TF in the frame (tests of #DB). */
static inline void single_step_nop(void)
{
	__asm__ __volatile__("pushfq; orq $0x100, (%%rsp); popfq; nop" ::: "memory", "cc");
}

/* Raise an invalid-opcode exception (#UD), with no fixup. */
static inline void invalid_opcode(void)
{
	__asm__ __volatile__("ud2" ::: "memory");
}

/* Execute ud2 (invalid opcode); returns after the fixup. */
static inline void probe_invalid_opcode(void)
{
	__asm__ __volatile__("1: ud2\n\t2:\n\t" EXTABLE_ASM("1b", "2b") ::: "memory");
}

static inline void write_cr0(uint64_t v)
{
	__asm__ __volatile__("mov %0, %%cr0" : : "r"(v) : "memory");
}

/* Extended control register XCR0 (which state XSAVE manages). */
static inline uint64_t xgetbv(uint32_t index)
{
	uint32_t lo, hi;
	__asm__ __volatile__("xgetbv" : "=a"(lo), "=d"(hi) : "c"(index));
	return ((uint64_t)hi << 32) | lo;
}

static inline void xsetbv(uint32_t index, uint64_t v)
{
	__asm__ __volatile__("xsetbv" : : "c"(index), "a"((uint32_t)v),
			     "d"((uint32_t)(v >> 32)));
}

/* One hardware random number; false when the CPU had none ready. */
static inline bool rdrand64(uint64_t *v)
{
	bool ok;
	__asm__ __volatile__("rdrand %0; setc %1" : "=r"(*v), "=qm"(ok) : : "cc");
	return ok;
}

static inline bool rdseed64(uint64_t *v)
{
	bool ok;
	__asm__ __volatile__("rdseed %0; setc %1" : "=r"(*v), "=qm"(ok) : : "cc");
	return ok;
}

#define CR0_MP (1UL << 1)
#define CR0_EM (1UL << 2)
#define CR0_TS (1UL << 3)
#define CR0_NE (1UL << 5)
#define CR4_OSFXSR     (1UL << 9)
#define CR4_OSXMMEXCPT (1UL << 10)
#define CR4_OSXSAVE    (1UL << 18)

static inline void io_delay(void)
{
	/* A write to the unused port 0x80: about 1 us on a PC, for slow chips. */
	outb(0x80, 0);
}

static inline uint32_t inl(uint16_t port)
{
	uint32_t v;
	__asm__ __volatile__("inl %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline uint16_t inw(uint16_t port)
{
	uint16_t v;
	__asm__ __volatile__("inw %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

/*
 * String moves for bulk copies and fills (kernel/string.c): n 8-byte words
 * from s to d, or n copies of w to d, ascending. One instruction whatever
 * n is, which is what the CPU's fast-string microcode (and QEMU, which
 * counts each iteration as one instruction) rewards.
 */
static inline void rep_movsq(void *d, const void *s, size_t n)
{
	__asm__ __volatile__("rep movsq" : "+D"(d), "+S"(s), "+c"(n) : : "memory");
}

static inline void rep_stosq(void *d, uint64_t w, size_t n)
{
	__asm__ __volatile__("rep stosq" : "+D"(d), "+c"(n) : "a"(w) : "memory");
}

/*
 * SMAP: STAC opens supervisor access to user pages (sets RFLAGS.AC), CLAC
 * closes it. Only on CPUs with SMAP (they are #UD otherwise): memory/
 * uaccess.c asks cpu_has() first.
 */
static inline void stac(void) { __asm__ __volatile__("stac" ::: "memory", "cc"); }
static inline void clac(void) { __asm__ __volatile__("clac" ::: "memory", "cc"); }

/*
 * User-memory string moves (memory/uaccess.c): like rep_movsq, one byte at
 * a time, but listed in the exception table: a fault stops the move and
 * resumes after it. Return: the bytes not moved (0: all of them).
 */
static inline size_t rep_movsb_user(void *d, const void *s, size_t n)
{
	__asm__ __volatile__("1: rep movsb\n\t2:\n\t" EXTABLE_ASM("1b", "2b")
			     : "+D"(d), "+S"(s), "+c"(n) : : "memory");
	return n;
}

static inline size_t rep_stosb_user(void *d, size_t n)
{
	__asm__ __volatile__("1: rep stosb\n\t2:\n\t" EXTABLE_ASM("1b", "2b")
			     : "+D"(d), "+c"(n) : "a"(0) : "memory");
	return n;
}
