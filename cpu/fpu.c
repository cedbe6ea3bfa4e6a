// SPDX-License-Identifier: MIT
/*
 * Switching on the FPU and vector registers for user programs. XDV's own
 * code is compiled with -mno-sse and never uses them, so the kernel has
 * nothing to save on entry; the scheduler saves and restores a task's
 * registers with XSAVE/XRSTOR (or FXSAVE/FXRSTOR on CPUs without XSAVE)
 * into a buffer of fpu_state_size() bytes, 64-byte aligned.
 *
 * fpu_init() sets, on each CPU:
 *   CR0.MP, CR0.NE  WAIT honours TS; x87 errors raise #MF, not IRQ 13;
 *   CR0.EM, CR0.TS  cleared: x87/SSE instructions run instead of trapping;
 *   CR4.OSFXSR      FXSAVE saves the SSE registers, SSE instructions allowed;
 *   CR4.OSXMMEXCPT  unmasked SIMD errors raise #XM rather than #UD;
 *   CR4.OSXSAVE     with XCR0 = x87|SSE [|AVX [|AVX-512]] (cpu_xstate_mask).
 * The boot CPU decides the XCR0 value and the state size; each AP sets the
 * same and checks that its XSAVE area has the same size.
 *
 * Locks: none. The boot CPU writes the statics before APs start; after
 * that they are only read.
 */
#define pr_fmt(fmt) "fpu: " fmt
#include <xdv/cpufeature.h>
#include <xdv/errno.h>
#include <xdv/fpu.h>
#include <xdv/printk.h>
#include <xdv/arch/x86.h>

#define FXSAVE_SIZE       512
#define XSAVE_HEADER_END  576     /* legacy area + 64-byte XSAVE header */
#define XSAVE_SIZE_LIMIT  65536   /* far above any CPU's; a guard against junk */

static bool fpu_boot_done;
/* Read by cpu/context_switch.asm to pick XSAVE or FXSAVE. */
bool fpu_xsave;
static uint64_t fpu_xcr0_value;
static size_t fpu_size = FXSAVE_SIZE;

/* XSAVE area size for the components now in XCR0 (CPUID.(0Dh,0):EBX). */
static uint32_t xsave_size_enabled(void)
{
	uint32_t a, b, c, d;

	cpuid(0xd, 0, &a, &b, &c, &d);
	return b;
}

static void fpu_print(void)
{
	if (!fpu_xsave) {
		pr_info("FXSAVE, state %zu bytes\n", fpu_size);
		return;
	}
	pr_info("XSAVE, state %zu bytes (x87 SSE%s%s)\n", fpu_size,
		(fpu_xcr0_value & XFEATURE_AVX) ? " AVX" : "",
		(fpu_xcr0_value & XFEATURE_AVX512) ? " AVX-512" : "");
}

int fpu_init(void)
{
	bool boot = !fpu_boot_done;

	if (!cpu_has(X86_FEATURE_FPU) || !cpu_has(X86_FEATURE_FXSR) ||
	    !cpu_has(X86_FEATURE_SSE) || !cpu_has(X86_FEATURE_SSE2))
		return -ENODEV;

	write_cr0((read_cr0() | CR0_MP | CR0_NE) & ~(CR0_EM | CR0_TS));
	uint64_t cr4 = read_cr4() | CR4_OSFXSR | CR4_OSXMMEXCPT;
	uint64_t xcr0 = boot ? cpu_xstate_mask(cpu_info()) : fpu_xcr0_value;
	size_t size = FXSAVE_SIZE;

	if (xcr0) {
		write_cr4(cr4 | CR4_OSXSAVE);
		xsetbv(0, xcr0);
		size = xsave_size_enabled();
		if (boot && (size < XSAVE_HEADER_END || size > XSAVE_SIZE_LIMIT)) {
			/* A CPUID that lies about XSAVE: fall back to FXSAVE. */
			pr_warn("XSAVE area size %zu is not believable, using FXSAVE\n", size);
			xcr0 = 0;
			size = FXSAVE_SIZE;
		}
	}
	if (!xcr0)
		write_cr4(cr4 & ~CR4_OSXSAVE);

	if (!boot)
		return size == fpu_size ? 0 : -EIO;

	fpu_xsave = xcr0 != 0;
	fpu_xcr0_value = xcr0;
	fpu_size = size;
	fpu_boot_done = true;
	if (fpu_xsave)
		cpu_feature_set(X86_FEATURE_OSXSAVE);
	fpu_print();
	return 0;
}

size_t fpu_state_size(void)
{
	return fpu_size;
}

bool fpu_uses_xsave(void)
{
	return fpu_xsave;
}

uint64_t fpu_xcr0(void)
{
	return fpu_xcr0_value;
}

void fpu_state_init(void *area)
{
	uint8_t *bytes = area;

	for (size_t i = 0; i < fpu_size; i++)
		bytes[i] = 0;
	/*
	 * The power-on state: x87 control word 0x37F (all exceptions masked,
	 * 64-bit precision), MXCSR 0x1F80. XRSTOR loads MXCSR from the area
	 * even for components whose XSTATE_BV bit is clear; an all-zero
	 * XSAVE header means every other component starts in its init state.
	 */
	bytes[0] = 0x7F;
	bytes[1] = 0x03;
	bytes[24] = 0x80;
	bytes[25] = 0x1F;
}
