// SPDX-License-Identifier: MIT
/*
 * In-kernel tests of interrupt delivery: the PIT's IRQ 0 really arrives
 * through the I/O APIC, which on PCs needs the MADT's override (IRQ 0 is
 * wired to GSI 2); shared handlers are all called; free vectors come and
 * go; nothing was counted as spurious.
 */
#include <xdv/irq.h>
#include <xdv/ktest.h>
#include <xdv/time.h>
#include <xdv/arch/x86.h>

#define PIT_CH0  0x40
#define PIT_CMD  0x43
#define PIT_ONE_MS 1193 /* PIT input clock 1.193182 MHz */

static bool count_irq(void *arg)
{
	(*(volatile unsigned *)arg)++;
	return true;
}

/* PIT channel 0, mode 0: one interrupt when the count runs out. */
static void pit_fire_once(uint16_t count)
{
	outb(PIT_CMD, 0x30); /* channel 0, lobyte/hibyte, mode 0, binary */
	outb(PIT_CH0, count & 0xFF);
	outb(PIT_CH0, count >> 8);
}

KTEST(irq, pit_irq0_arrives_through_the_io_apic_override)
{
	volatile unsigned a = 0, b = 0;
	uint64_t before = irq_count(IRQ_LEGACY_BASE + 0);

	if (irq_request(0, count_irq, (void *)&a, "ktest-pit") < 0) {
		KTEST_SKIP(t, "no I/O APIC");
		return;
	}
	/* A second handler on the same line: both must run. */
	KTEST_EXPECT_EQ(t, irq_request(0, count_irq, (void *)&b, "ktest-pit-2"), 0);
	pit_fire_once(PIT_ONE_MS);

	uint64_t give_up = time_since_boot_ns() + 200000000ULL;

	uint64_t flags = read_rflags();

	while (!a && time_since_boot_ns() < give_up) {
		sti();
		hlt();
		cli();
	}
	irq_restore(flags);
	irq_release(0, count_irq, (void *)&a);
	irq_release(0, count_irq, (void *)&b);
	KTEST_EXPECT(t, a >= 1);
	KTEST_EXPECT_EQ(t, a, b);
	KTEST_EXPECT(t, irq_count(IRQ_LEGACY_BASE + 0) > before);
}

KTEST(irq, bad_requests_are_refused)
{
	KTEST_EXPECT(t, irq_request(16, count_irq, NULL, "bad") < 0);
	KTEST_EXPECT(t, irq_request(3, NULL, NULL, "bad") < 0);
}

KTEST(irq, free_vectors_are_allocated_and_released)
{
	int v1 = irq_alloc_vector(count_irq, NULL, "ktest-msi-1");
	int v2 = irq_alloc_vector(count_irq, NULL, "ktest-msi-2");

	KTEST_EXPECT(t, v1 >= IRQ_DYNAMIC_FIRST && v1 <= IRQ_DYNAMIC_LAST);
	KTEST_EXPECT(t, v2 >= IRQ_DYNAMIC_FIRST && v2 != v1);
	irq_free_vector((unsigned)v1);
	KTEST_EXPECT_EQ(t, irq_alloc_vector(count_irq, NULL, "ktest-msi-3"), v1);
	irq_free_vector((unsigned)v1);
	irq_free_vector((unsigned)v2);
}

KTEST(irq, no_spurious_interrupts_so_far)
{
	KTEST_EXPECT_EQ(t, irq_spurious_count(), 0);
}
