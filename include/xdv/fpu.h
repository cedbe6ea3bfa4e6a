/* SPDX-License-Identifier: MIT */
/*
 * The FPU and vector registers (x87, SSE, AVX, AVX-512) for user programs.
 * The kernel itself is built with -mno-sse and never touches them;
 * fpu_init() switches them on and says how big one task's saved register
 * state is, and whether it is saved with XSAVE or FXSAVE.
 */
#pragma once

#include <xdv/compiler.h>

/*
 * Set CR0 (MP, NE; EM and TS clear) and CR4 (OSFXSR, OSXMMEXCPT, and
 * OSXSAVE with XCR0 = cpu_xstate_mask() when the CPU has XSAVE) on this CPU.
 * Context: the boot CPU first, after cpu_features_init() and before other
 * CPUs start; then each AP once.
 * Return: 0; -ENODEV if the CPU lacks x87, FXSR or SSE2 (no x86-64 CPU
 * does); -EIO if an AP's XSAVE area size differs from the boot CPU's.
 */
int __must_check fpu_init(void);

/* Bytes one task's register state takes: the XSAVE area size, or 512. */
size_t fpu_state_size(void);

/* True when state is saved with XSAVE/XRSTOR, false for FXSAVE/FXRSTOR. */
bool fpu_uses_xsave(void);

/* The XCR0 value fpu_init() set (0 without XSAVE). */
uint64_t fpu_xcr0(void);

/* Fill a thread's state area (fpu_state_size() bytes, 64-byte aligned)
 * with the state a new program starts with. */
void fpu_state_init(void *area);
