// SPDX-License-Identifier: MIT
/*
 * The local APIC of each CPU: interrupt acceptance (EOI), inter-processor
 * interrupts and the per-CPU timer. x2APIC mode (registers as MSRs, 32-bit
 * APIC ids, one-write ICR) is used whenever CPUID offers it; otherwise the
 * xAPIC registers are reached through an uncached mapping of the address
 * in IA32_APIC_BASE (the MADT may override it; both agree on PCs).
 *
 * Locks: none. Each CPU touches only its own APIC; the ICR write that
 * sends an IPI is one register write in x2APIC mode (after a fence: see
 * cpu/lapic_icr.h), and in xAPIC mode it is done with interrupts off so
 * that an interrupt handler sending an IPI cannot split the high/low pair.
 */
#include <xdv/cpufeature.h>
#include <xdv/irq.h>
#include <xdv/mm.h>
#include <xdv/panic.h>
#include <xdv/arch/x86.h>
#include "lapic_icr.h"

#define MSR_APIC_BASE     0x1B
#define APIC_BASE_ENABLE  (1ULL << 11)
#define APIC_BASE_X2APIC  (1ULL << 10)
#define MSR_X2APIC_FIRST  0x800

/* Register offsets (xAPIC MMIO; x2APIC MSR = 0x800 + offset / 16). */
#define APIC_ID       0x020
#define APIC_TPR      0x080
#define APIC_EOI      0x0B0
#define APIC_SVR      0x0F0
#define APIC_ESR      0x280
#define APIC_ICR_LOW  0x300
#define APIC_ICR_HIGH 0x310
#define APIC_LVT_TIMER 0x320
#define APIC_LVT_LINT0 0x350
#define APIC_LVT_LINT1 0x360
#define APIC_LVT_ERROR 0x370
#define APIC_TIMER_INIT 0x380
#define APIC_TIMER_CUR  0x390
#define APIC_TIMER_DIV  0x3E0

#define SVR_ENABLE        (1u << 8)
#define LVT_MASKED        (1u << 16)
#define LVT_TIMER_PERIODIC (1u << 17)
#define LVT_NMI           (4u << 8)
#define ICR_FIXED         (0u << 8)
#define ICR_NMI           (4u << 8)
#define ICR_INIT          (5u << 8)
#define ICR_STARTUP       (6u << 8)
#define ICR_PENDING       (1u << 12)
#define ICR_ASSERT        (1u << 14)
#define ICR_ALL_BUT_SELF  (3u << 18)
#define TIMER_DIV_16      0x3

static volatile uint32_t *xapic; /* MMIO, when not in x2APIC mode */
static bool x2apic;

static uint32_t apic_read(unsigned reg)
{
	if (x2apic)
		return (uint32_t)rdmsr(MSR_X2APIC_FIRST + (reg >> 4));
	return xapic[reg / 4];
}

static void apic_write(unsigned reg, uint32_t v)
{
	if (x2apic)
		wrmsr(MSR_X2APIC_FIRST + (reg >> 4), v);
	else
		xapic[reg / 4] = v;
}

void lapic_init_cpu(void)
{
	uint64_t base = rdmsr(MSR_APIC_BASE);

	if (cpu_has(X86_FEATURE_X2APIC)) {
		x2apic = true;
		wrmsr(MSR_APIC_BASE, base | APIC_BASE_ENABLE | APIC_BASE_X2APIC);
	} else {
		wrmsr(MSR_APIC_BASE, base | APIC_BASE_ENABLE);
		if (!xapic) {
			xapic = ioremap(base & 0xFFFFFF000ULL, PAGE_SIZE, VM_CACHE_UC);
			if (!xapic)
				panic("lapic: cannot map the local APIC registers");
		}
	}
	apic_write(APIC_TPR, 0);
	apic_write(APIC_LVT_TIMER, LVT_MASKED | VECTOR_TIMER);
	apic_write(APIC_LVT_LINT0, LVT_MASKED);
	apic_write(APIC_LVT_LINT1, LVT_NMI); /* PCs wire NMI to LINT1 */
	apic_write(APIC_LVT_ERROR, VECTOR_APIC_ERROR);
	apic_write(APIC_ESR, 0);
	apic_write(APIC_SVR, SVR_ENABLE | VECTOR_SPURIOUS);
	apic_write(APIC_TIMER_DIV, TIMER_DIV_16);
	apic_write(APIC_EOI, 0);
}

bool lapic_is_x2apic(void)
{
	return x2apic;
}

uint32_t lapic_id(void)
{
	uint32_t id = apic_read(APIC_ID);

	return x2apic ? id : id >> 24;
}

void lapic_eoi(void)
{
	apic_write(APIC_EOI, 0);
}

static_assert(MSR_X2APIC_ICR == MSR_X2APIC_FIRST + (APIC_ICR_LOW >> 4), "x2APIC ICR");

static const struct x2apic_icr_ops x2apic_icr = { wrmsr_fence, wrmsr };

/* Write the ICR: destination and command, then wait until it is sent. */
static void icr_send(uint32_t dest, uint32_t low)
{
	if (x2apic) {
		x2apic_icr_send(&x2apic_icr, dest, low);
		return;
	}
	uint64_t flags = read_rflags();

	cli();
	apic_write(APIC_ICR_HIGH, dest << 24);
	apic_write(APIC_ICR_LOW, low);
	while (apic_read(APIC_ICR_LOW) & ICR_PENDING)
		cpu_relax();
	irq_restore(flags);
}

void lapic_send_ipi(uint32_t dest, uint8_t vector)
{
	if (dest == LAPIC_ALL_BUT_SELF)
		icr_send(0, ICR_ALL_BUT_SELF | ICR_ASSERT | ICR_FIXED | vector);
	else
		icr_send(dest, ICR_ASSERT | ICR_FIXED | vector);
}

void lapic_send_nmi_all_but_self(void)
{
	icr_send(0, ICR_ALL_BUT_SELF | ICR_ASSERT | ICR_NMI);
}

void lapic_send_nmi(uint32_t dest)
{
	icr_send(dest, ICR_ASSERT | ICR_NMI);
}

void lapic_send_init(uint32_t dest)
{
	icr_send(dest, ICR_ASSERT | ICR_INIT);
}

void lapic_send_startup(uint32_t dest, uint8_t page)
{
	icr_send(dest, ICR_ASSERT | ICR_STARTUP | page);
}

void lapic_timer_oneshot(uint32_t ticks)
{
	apic_write(APIC_LVT_TIMER, (ticks ? 0 : LVT_MASKED) | VECTOR_TIMER);
	apic_write(APIC_TIMER_INIT, ticks);
}

void lapic_timer_periodic(uint32_t ticks)
{
	apic_write(APIC_LVT_TIMER, LVT_TIMER_PERIODIC | VECTOR_TIMER);
	apic_write(APIC_TIMER_INIT, ticks);
}

uint32_t lapic_timer_current(void)
{
	return apic_read(APIC_TIMER_CUR);
}
