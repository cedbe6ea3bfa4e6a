/* SPDX-License-Identifier: MIT */
/*
 * Early time keeping: the TSC, calibrated once against the PIT, gives the
 * nanoseconds since the kernel's first instruction. The CPU issue replaces
 * the calibration source (HPET, CPUID 15h) behind the same calls.
 */
#pragma once

#include <xdv/compiler.h>

/*
 * Calibrate the TSC: from CPUID leaf 15h when the CPU states its
 * frequency, else against PIT channel 2. Until this has run,
 * time_since_boot_ns() returns 0.
 */
void time_init(void);

/*
 * Measure the TSC again against a better reference counter (read_ref,
 * ref_hz ticks a second: the HPET), the median of five windows. The clock
 * is rebased, so time_since_boot_ns() never goes backwards.
 */
void time_calibrate_tsc(uint64_t (*read_ref)(void), uint64_t ref_hz, const char *name);

/* Nanoseconds since the boot stub's first instruction (0 before time_init). */
uint64_t time_since_boot_ns(void);

/* TSC frequency found by time_init(), in kHz (0 if calibration failed). */
uint64_t time_tsc_khz(void);

/* Unix time read from the CMOS clock at boot (0 if it could not be read). */
extern int64_t wallclock_boot_unix;

/* Read the CMOS real-time clock once (cpu/cpu.c). Context: boot, after ACPI. */
void wallclock_init(void);
