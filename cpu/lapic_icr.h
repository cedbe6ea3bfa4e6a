/* SPDX-License-Identifier: MIT */
/*
 * Private to cpu/lapic.c (and its host unit test): the order of the
 * instructions that send an IPI through the x2APIC ICR.
 *
 * In x2APIC mode the ICR is an MSR, and a WRMSR to the x2APIC registers is
 * not serializing (Intel SDM 10.12.3): the IPI may reach the other CPU
 * before the stores it announces (a cross-CPU call's request, a thread's
 * need_resched) leave this CPU's store buffer. The woken CPU then finds
 * nothing to do, halts, and the sender waits forever. "mfence; lfence"
 * first (Linux's weak_wrmsr_fence) drains the stores and keeps the WRMSR
 * from starting early. The xAPIC ICR is uncached MMIO, a store that the
 * earlier stores already precede in x86's store order: no fence there.
 *
 * The primitives come in as parameters so that tests/unit/cpu can record
 * the sequence on the host; the kernel passes the real instructions, and
 * the calls are inlined away.
 */
#pragma once

#include <xdv/compiler.h>

#define MSR_X2APIC_ICR 0x830 /* 0x800 + ICR offset 0x300 / 16 */

struct x2apic_icr_ops {
	void (*fence)(void);                     /* mfence; lfence */
	void (*wrmsr)(uint32_t msr, uint64_t v);
};

/* Send the IPI low (vector, delivery mode, shorthand) to APIC id dest. */
static inline void x2apic_icr_send(const struct x2apic_icr_ops *ops, uint32_t dest,
				   uint32_t low)
{
	ops->fence();
	ops->wrmsr(MSR_X2APIC_ICR, ((uint64_t)dest << 32) | low);
}
