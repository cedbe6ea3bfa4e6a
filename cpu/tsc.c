// SPDX-License-Identifier: MIT
/*
 * Early time: the TSC counted from the boot stub's first instruction
 * (boot_tsc_start, written by boot/entry32.asm) and calibrated once against
 * PIT channel 2, which every PC has or emulates. The conversion is a
 * multiply and a shift (no division on the hot path): ns = cycles * mult >> 32.
 *
 * The CPU issue brings better sources (HPET, CPUID leaf 15h) behind the
 * same functions.
 *
 * Locks: none; the calibration result is written once at boot.
 */
#include <xdv/time.h>
#include <xdv/printk.h>
#include <xdv/arch/x86.h>

#define PIT_HZ           1193182u
#define PIT_CH2_DATA     0x42
#define PIT_COMMAND      0x43
#define PIT_GATE_PORT    0x61 /* bit 0: channel 2 gate, bit 5: its output */
#define CALIBRATE_MS     5  /* 5966 PIT ticks: ~170 ppm resolution */
#define PIT_WAIT_LIMIT   50000000u /* polls: a missing PIT must not hang us */

extern uint64_t boot_tsc_start;

static uint64_t tsc_khz;
static uint64_t tsc_ns_mult; /* ns per cycle, 32.32 fixed point */

/* TSC cycles during CALIBRATE_MS of PIT channel 2 (mode 0), or 0. */
static uint64_t tsc_cycles_in_pit_window(void)
{
	uint16_t count = PIT_HZ * CALIBRATE_MS / 1000;
	uint8_t gate = inb(PIT_GATE_PORT);

	/* Gate low, speaker off; channel 2, lobyte/hibyte, mode 0, binary. */
	outb(PIT_GATE_PORT, (gate & ~0x03) | 0x00);
	outb(PIT_COMMAND, 0xB0);
	outb(PIT_CH2_DATA, count & 0xFF);
	outb(PIT_CH2_DATA, count >> 8);
	/* Raising the gate starts the count. */
	outb(PIT_GATE_PORT, (gate & ~0x03) | 0x01);

	uint64_t start = rdtsc();
	uint32_t polls = 0;

	while (!(inb(PIT_GATE_PORT) & 0x20)) {
		if (++polls == PIT_WAIT_LIMIT)
			return 0;
	}
	uint64_t end = rdtsc();

	outb(PIT_GATE_PORT, gate);
	return end - start;
}

void time_init(void)
{
	/* Best of two windows: an interruption (an SMI, a host preempting a
	 * virtual CPU) only ever lengthens one. */
	uint64_t best = 0;

	for (int i = 0; i < 2; i++) {
		uint64_t c = tsc_cycles_in_pit_window();

		if (c && (!best || c < best))
			best = c;
	}
	if (!best) {
		pr_warn("time: PIT calibration failed; timestamps stay at 0\n");
		return;
	}
	tsc_khz = best / CALIBRATE_MS;
	tsc_ns_mult = (1000000ULL << 32) / tsc_khz;
	pr_info("time: TSC runs at %lu.%03lu MHz (calibrated against the PIT)\n",
		tsc_khz / 1000, tsc_khz % 1000);
}

uint64_t time_tsc_khz(void)
{
	return tsc_khz;
}

uint64_t time_since_boot_ns(void)
{
	if (!tsc_ns_mult)
		return 0;
	uint64_t cycles = rdtsc() - boot_tsc_start;

	return (uint64_t)(((unsigned __int128)cycles * tsc_ns_mult) >> 32);
}
