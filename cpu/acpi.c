// SPDX-License-Identifier: MIT
/*
 * The kernel's side of ACPI: find the RSDP (the copy the boot loader
 * handed over, else a scan of the EBDA and the BIOS area as on any PC),
 * parse the tables (cpu/acpi_tables.c, pure logic) through the direct map,
 * print what was found, and put it to use: the HPET becomes the TSC's
 * calibration reference, the I/O APICs and interrupt source overrides of
 * the MADT go to the IRQ layer, its CPU list to SMP.
 * Without a MADT (no RSDP, unusable tables, or none among them) the MP
 * specification's tables take its place (cpu/mptable_setup.c); without
 * those either the machine keeps working: one CPU, no I/O APIC (legacy
 * IRQs then report -ENODEV), and a warning.
 *
 * Locks: none; boot CPU, once.
 */
#define pr_fmt(fmt) "acpi: " fmt
#include <xdv/acpi.h>
#include <xdv/boot.h>
#include <xdv/cpu.h>
#include <xdv/mm.h>
#include <xdv/percpu.h>
#include <xdv/printk.h>
#include <xdv/smp.h>
#include "internal.h"

#define EBDA_SEGMENT_PTR 0x40E
#define BIOS_AREA_START  0xE0000
#define BIOS_AREA_END    0x100000

static struct acpi_info acpi;
static bool acpi_ok;

const struct acpi_info *acpi_get(void)
{
	return acpi_ok ? &acpi : NULL;
}

/* Tables are read through the direct map, which covers the low 4 GiB. */
static const void *acpi_map(void *ctx, uint64_t phys, size_t len)
{
	return phys_range_is_mapped(phys, len) ? phys_to_virt(phys) : NULL;
}

static const struct acpi_mapper mapper = { acpi_map, NULL };

/* The RSDP: the loader's copy, else a scan of the EBDA's first KiB and the BIOS area. */
static const void *find_rsdp(size_t *len)
{
	size_t off;

	if (boot_info.has_rsdp_v2) {
		*len = sizeof(boot_info.rsdp_v2);
		return boot_info.rsdp_v2;
	}
	if (boot_info.has_rsdp_v1) {
		*len = sizeof(boot_info.rsdp_v1);
		return boot_info.rsdp_v1;
	}
	paddr_t ebda = (paddr_t)(*(const uint16_t *)phys_to_virt(EBDA_SEGMENT_PTR)) << 4;

	if (ebda >= 0x80000 && ebda < 0xA0000 &&
	    acpi_rsdp_scan(phys_to_virt(ebda), 1024, &off) == 0) {
		*len = 1024 - off;
		return (const char *)phys_to_virt(ebda) + off;
	}
	if (acpi_rsdp_scan(phys_to_virt(BIOS_AREA_START), BIOS_AREA_END - BIOS_AREA_START,
			   &off) == 0) {
		*len = BIOS_AREA_END - BIOS_AREA_START - off;
		return (const char *)phys_to_virt(BIOS_AREA_START) + off;
	}
	return NULL;
}

void acpi_init(void)
{
	size_t len = 0;
	const void *rsdp = find_rsdp(&len);

	if (!rsdp) {
		pr_warn("no RSDP found; trying the MP table\n");
		mptable_setup();
		return;
	}
	int err = acpi_parse(&mapper, rsdp, MIN(len, (size_t)ACPI_RSDP_V2_LEN), &acpi);

	acpi_info_print(&acpi);
	if (err) {
		pr_warn("tables unusable (%d); trying the MP table\n", err);
		mptable_setup();
		return;
	}
	acpi_ok = true;
	power_init(&acpi); /* map power-off/reset registers now, not when CPUs are stopped */
	if (acpi.has_hpet && hpet_init(acpi.hpet.address) < 0)
		pr_warn("HPET not usable; the TSC keeps its PIT calibration\n");
	if (!acpi.has_madt) {
		pr_warn("no MADT; trying the MP table\n");
		mptable_setup();
		return;
	}
	for (unsigned i = 0; i < acpi.madt.ioapic_count; i++) {
		const struct acpi_ioapic *io = &acpi.madt.ioapics[i];

		if (ioapic_add(io->id, io->address, io->gsi_base) < 0)
			pr_warn("I/O APIC %u at 0x%lx not usable\n", io->id, io->address);
	}
	for (unsigned i = 0; i < acpi.madt.override_count; i++) {
		const struct acpi_override *o = &acpi.madt.overrides[i];

		if (o->bus == 0)
			irq_set_isa_override(o->source_irq, o->gsi, o->active_low, o->level);
	}
}

unsigned acpi_start_cpus(void)
{
	uint32_t ids[MAX_CPUS];
	unsigned n = 0;

	if (acpi_ok && acpi.has_madt) {
		for (unsigned i = 0; i < acpi.madt.cpu_count && n < MAX_CPUS; i++)
			if (acpi.madt.cpus[i].enabled)
				ids[n++] = acpi.madt.cpus[i].apic_id;
	} else {
		n = mptable_cpu_ids(ids, MAX_CPUS); /* the MP table's, if one is used */
	}
	if (acpi_ok && acpi.madt.cpu_count > MAX_CPUS)
		pr_warn("only %u of %u CPUs are used\n", MAX_CPUS, acpi.madt.cpu_count);
	return smp_start_cpus(ids, n);
}
