// SPDX-License-Identifier: MIT
/*
 * The monotonic clock: the TSC counted from the boot stub's first
 * instruction (boot_tsc_start, written by boot/entry32.asm). Its rate comes
 * from CPUID leaf 15h when the CPU states it, else from PIT channel 2,
 * which every PC has or emulates; once ACPI has found the HPET, it is
 * measured again against that (time_calibrate_tsc), and the clock is
 * rebased so that it continues from where it was. The conversion is a
 * multiply and a shift (no division on the hot path):
 * ns = base_ns + (tsc - base_tsc) * mult >> 32.
 *
 * Locks: none; the calibration result is written once at boot.
 */
#include <xdv/time.h>
#include <xdv/printk.h>
#include <xdv/arch/x86.h>
#include "internal.h"

#define PIT_HZ           1193182u
#define PIT_CH2_DATA     0x42
#define PIT_COMMAND      0x43
#define PIT_GATE_PORT    0x61 /* bit 0: channel 2 gate, bit 5: its output */
#define CALIBRATE_MS     5  /* 5966 PIT ticks: ~170 ppm resolution */
#define PIT_WAIT_LIMIT   50000000u /* polls: a missing PIT must not hang us */

extern uint64_t boot_tsc_start;

static uint64_t tsc_khz;
static uint64_t tsc_ns_mult; /* ns per cycle, 32.32 fixed point */
/* The clock is base_ns at TSC base_tsc (rebased on recalibration). */
static uint64_t base_ns;
static uint64_t base_tsc;

#define REF_WINDOWS   5
#define REF_WINDOW_NS 2000000ULL

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

uint64_t median_u64(uint64_t *values, unsigned n)
{
	/* Insertion sort: calibrations take a handful of samples. */
	for (unsigned w = 1; w < n; w++)
		for (unsigned i = w; i > 0 && values[i - 1] > values[i]; i--) {
			uint64_t tmp = values[i];

			values[i] = values[i - 1];
			values[i - 1] = tmp;
		}
	return values[n / 2];
}

/* Use khz from now on, continuing the clock from where it is. */
static void tsc_set_khz(uint64_t khz)
{
	if (tsc_ns_mult) {
		base_ns = time_since_boot_ns();
		base_tsc = rdtsc();
	} else {
		/* First calibration: time counts from the boot stub's entry. */
		base_ns = 0;
		base_tsc = boot_tsc_start;
	}
	tsc_khz = khz;
	tsc_ns_mult = (1000000ULL << 32) / khz;
}

/* TSC kHz from CPUID leaf 15h (crystal clock ratio), or 0. */
static uint64_t tsc_khz_from_cpuid(void)
{
	uint32_t max, a, b, c, d;

	cpuid(0, 0, &max, &b, &c, &d);
	if (max < 0x15)
		return 0;
	cpuid(0x15, 0, &a, &b, &c, &d);
	if (!a || !b || !c)
		return 0;
	return (uint64_t)c * b / a / 1000;
}

void time_calibrate_tsc(uint64_t (*read_ref)(void), uint64_t ref_hz, const char *name)
{
	uint64_t khz[REF_WINDOWS];
	uint64_t ref_window = ref_hz * REF_WINDOW_NS / 1000000000ULL;

	for (unsigned w = 0; w < REF_WINDOWS; w++) {
		uint64_t r0 = read_ref(), t0 = rdtsc(), r1, t1;

		do {
			r1 = read_ref();
			t1 = rdtsc();
		} while (r1 - r0 < ref_window);
		khz[w] = (t1 - t0) * ref_hz / (r1 - r0) / 1000;
	}
	tsc_set_khz(median_u64(khz, REF_WINDOWS));
	pr_info("time: TSC runs at %lu.%03lu MHz (calibrated against the %s)\n",
		tsc_khz / 1000, tsc_khz % 1000, name);
}

void time_init(void)
{
	uint64_t cpuid_khz = tsc_khz_from_cpuid();

	if (cpuid_khz) {
		tsc_set_khz(cpuid_khz);
		pr_info("time: TSC runs at %lu.%03lu MHz (CPUID leaf 15h)\n",
			tsc_khz / 1000, tsc_khz % 1000);
		return;
	}
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
	tsc_set_khz(best / CALIBRATE_MS);
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
	uint64_t cycles = rdtsc() - base_tsc;

	return base_ns + (uint64_t)(((unsigned __int128)cycles * tsc_ns_mult) >> 32);
}
