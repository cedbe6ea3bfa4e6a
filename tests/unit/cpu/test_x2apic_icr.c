// SPDX-License-Identifier: MIT
/*
 * Host unit tests for the x2APIC IPI sequence (cpu/lapic_icr.h): the
 * fence that makes earlier stores visible comes before the WRMSR to the
 * ICR, exactly once, and the ICR value carries the destination in its
 * high half. QEMU 7.2's TCG offers no x2APIC, so the kernel path cannot be
 * run in a boot test; this records the sequence with stand-ins.
 */
#include <criterion/criterion.h>
#include <stdint.h>
#include "../../../cpu/lapic_icr.h"

enum event_kind { EV_FENCE, EV_WRMSR };

struct event {
	enum event_kind kind;
	uint32_t msr;
	uint64_t value;
	uint64_t published_seen; /* what a store made before the send looked like */
};

static struct event events[8];
static unsigned nevents;
static uint64_t published;      /* stands for call_slot / need_resched */
static uint64_t published_drained; /* what the other CPU can see: updated by the fence */

static void record_fence(void)
{
	published_drained = published;
	events[nevents++] = (struct event){ .kind = EV_FENCE };
}

static void record_wrmsr(uint32_t msr, uint64_t v)
{
	events[nevents++] = (struct event){ EV_WRMSR, msr, v, published_drained };
}

static const struct x2apic_icr_ops recorder = { record_fence, record_wrmsr };

static void reset(void)
{
	nevents = 0;
	published = 0;
	published_drained = 0;
}

Test(x2apic_icr, send_fence_comes_before_icr_write)
{
	reset();
	x2apic_icr_send(&recorder, 3, 0x40F1);
	cr_assert_eq(nevents, 2, "want fence + wrmsr, got %u events", nevents);
	cr_assert_eq(events[0].kind, EV_FENCE, "the first event must be the fence");
	cr_assert_eq(events[1].kind, EV_WRMSR);
}

Test(x2apic_icr, send_writes_icr_msr_with_dest_in_high_half)
{
	reset();
	x2apic_icr_send(&recorder, 0x12345678, 0x000C40FD);
	cr_assert_eq(nevents, 2);
	cr_assert_eq(events[1].msr, 0x830);
	cr_assert_eq(events[1].value, 0x12345678000C40FDULL);
}

Test(x2apic_icr, send_after_store_ipi_sees_the_store)
{
	reset();
	published = 0xCAFE; /* the request the IPI announces */
	x2apic_icr_send(&recorder, 1, 0xFC);
	cr_assert_eq(events[nevents - 1].kind, EV_WRMSR);
	cr_assert_eq(events[nevents - 1].published_seen, 0xCAFE,
		     "the IPI went out before the announced store was drained");
}
