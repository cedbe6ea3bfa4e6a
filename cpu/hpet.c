// SPDX-License-Identifier: MIT
/*
 * The HPET (High Precision Event Timer): a memory-mapped 64-bit (or
 * 32-bit) up-counter of known period, found through the ACPI HPET table.
 * XDV uses its main counter as the reference that the TSC is calibrated
 * against (cpu/tsc.c); the local APIC timer is then calibrated against the
 * TSC clock. Its comparators are not used.
 */
#define pr_fmt(fmt) "hpet: " fmt
#include <xdv/errno.h>
#include <xdv/mm.h>
#include <xdv/printk.h>
#include <xdv/time.h>
#include "internal.h"

#define HPET_CAP     0x000 /* bits 63:32 period in femtoseconds */
#define HPET_CONFIG  0x010 /* bit 0: counter enable */
#define HPET_COUNTER 0x0F0
#define HPET_MAX_PERIOD_FS 100000000ULL /* 100 ns: the spec's ceiling */

static volatile uint64_t *hpet;
static uint64_t hpet_hz;

static uint64_t hpet_read(void)
{
	return hpet[HPET_COUNTER / 8];
}

int hpet_init(paddr_t addr)
{
	volatile uint64_t *regs = ioremap(addr, 1024, VM_CACHE_UC);

	if (!regs)
		return -ENOMEM;

	uint64_t period_fs = regs[HPET_CAP / 8] >> 32;

	if (period_fs == 0 || period_fs > HPET_MAX_PERIOD_FS) {
		pr_warn("at 0x%lx reports a period of %lu fs; not used\n", addr, period_fs);
		iounmap((void *)regs);
		return -ENODEV;
	}
	regs[HPET_CONFIG / 8] |= 1; /* start the main counter */
	hpet = regs;
	hpet_hz = 1000000000000000ULL / period_fs;
	pr_info("at 0x%lx, %lu.%03lu MHz\n", addr, hpet_hz / 1000000, (hpet_hz / 1000) % 1000);
	time_calibrate_tsc(hpet_read, hpet_hz, "HPET");
	return 0;
}
