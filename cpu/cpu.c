// SPDX-License-Identifier: MIT
/*
 * Bringing up the boot CPU's own machinery, in the order the pieces need
 * each other: the per-CPU area (GDT, TSS with IST stacks, GS base) needs
 * the heap; the IST entries of the IDT need the TSS; the local APIC needs
 * ioremap; the timer needs the APIC and the calibrated TSC.
 */
#include <xdv/cpu.h>
#include <xdv/irq.h>
#include <xdv/printk.h>
#include <xdv/percpu.h>
#include <xdv/timer.h>

void cpu_init_boot(void)
{
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
