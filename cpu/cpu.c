// SPDX-License-Identifier: MIT
/*
 * Bringing up the boot CPU's own machinery, in the order the pieces need
 * each other: the per-CPU area (GDT, TSS with IST stacks, GS base) needs
 * the heap; the IST entries of the IDT need the TSS; the local APIC needs
 * ioremap; the timer needs the APIC and the calibrated TSC. The feature
 * table comes first (the FPU setup and the CRNG consult it).
 */

#include <xdv/acpi.h>
#include <xdv/cpu.h>
#include <xdv/cpufeature.h>
#include <xdv/fpu.h>
#include <xdv/irq.h>
#include <xdv/random.h>
#include <xdv/rtc.h>
#include <xdv/time.h>
#include <xdv/printk.h>
#include <xdv/percpu.h>
#include <xdv/timer.h>

void cpu_init_boot(void)
{
	cpu_features_print();
	if (fpu_init() < 0)
		pr_err("cpu: no usable FPU/SSE state management\n");
	random_init();

	/* Only a PC whose RAM could not be found at all gets here without a
	 * heap: it keeps running on the boot stub's GDT, without interrupts. */
	if (cpu_local_init(0, 0) < 0) {
		pr_err("cpu: no memory for the per-CPU area; running without interrupts\n");
		return;
	}
	trap_enable_ist();
	irq_init();
	this_cpu()->apic_id = lapic_id();
	this_cpu()->online = true;
	timer_init_cpu();
}

int64_t wallclock_boot_unix;

void wallclock_init(void)
{
	const struct acpi_info *acpi = acpi_get();
	unsigned century = acpi && acpi->has_fadt ? acpi->fadt.century : 0;
	struct rtc_time t;

	if (acpi && acpi->has_fadt && acpi->fadt.cmos_rtc_absent) {
		pr_info("time: no CMOS real-time clock (ACPI)\n");
		return;
	}
	if (rtc_read(century, &t) < 0) {
		pr_warn("time: the CMOS real-time clock reads garbage; wall clock unknown\n");
		return;
	}
	wallclock_boot_unix = rtc_to_unix(&t);
	random_add_entropy(&t, sizeof(t)); /* little entropy, but never hurts */
	pr_info("time: wall clock %04d-%02u-%02u %02u:%02u:%02u UTC (Unix %ld)\n", t.year,
		t.month, t.day, t.hour, t.minute, t.second, (long)wallclock_boot_unix);
}
