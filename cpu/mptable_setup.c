// SPDX-License-Identifier: MIT
/*
 * The MP specification's tables put to use on a PC whose ACPI gives no
 * MADT (no RSDP, unusable tables, or no MADT among them): acpi_init()
 * calls mptable_setup(), which finds and parses the tables (cpu/mptable.c,
 * pure logic) through the direct map, prints what it found, switches the
 * IMCR from PIC to APIC mode where the BIOS left it in PIC mode (as the
 * specification asks), registers the I/O APICs (first GSIs one after the
 * other, in table order, as Linux numbers them) and the ISA IRQs that are
 * not wired to pin n as overrides; acpi_start_cpus() takes its CPU list
 * from mptable_cpu_ids(). A BIOS that lists only the first logical CPU of
 * each package (SeaBIOS does, so QEMU's "-smp 4", four cores of one
 * package, shows one CPU) gets the package's other cores and threads added
 * from CPUID leaf 0xB's topology. That leaf gives the package's design, not
 * what the BIOS enabled: a core that was switched off just does not answer
 * its start-up IPI, and SMP start-up says so. No table, or a refused one, leaves one CPU and
 * no I/O APIC, with the reason printed.
 *
 * Locks: none; boot CPU, once, before other CPUs run.
 */
#include <xdv/cpufeature.h>
#include <xdv/errno.h>
#include <xdv/mm.h>
#include <xdv/mptable.h>
#include <xdv/percpu.h>
#include <xdv/printk.h>
#include <xdv/arch/x86.h>
#include "internal.h"

#define IMCR_SELECT 0x22
#define IMCR_DATA   0x23
#define IMCR_INDEX  0x70
#define IMCR_APIC   0x01
#define GSI_NOWHERE 0x80000000u /* pins of an I/O APIC that did not register */

static struct mp_info mp;
static bool mp_used;

/* The tables are read through the direct map, which covers the low 4 GiB. */
static const void *mp_map(void *ctx, uint64_t phys, size_t len)
{
	return phys_range_is_mapped(phys, len) ? phys_to_virt(phys) : NULL;
}

const struct acpi_mapper mptable_mapper = { mp_map, NULL };

static void register_ioapics_and_irqs(void)
{
	uint32_t gsi_base[MP_IOAPICS_MAX];

	for (unsigned i = 0; i < mp.ioapic_count; i++) {
		gsi_base[i] = ioapic_gsi_end();
		if (ioapic_add(mp.ioapics[i].id, mp.ioapics[i].address, gsi_base[i]) < 0) {
			pr_warn("mptable: I/O APIC %u at 0x%lx not usable\n", mp.ioapics[i].id,
				mp.ioapics[i].address);
			gsi_base[i] = GSI_NOWHERE;
		}
	}
	for (unsigned irq = 0; irq < MP_ISA_IRQS; irq++) {
		uint32_t gsi;
		bool active_low, level;

		if (mptable_isa_route(&mp, irq, gsi_base, &gsi, &active_low, &level) &&
		    (gsi != irq || active_low || level))
			irq_set_isa_override(irq, gsi, active_low, level);
	}
}

/* The boot CPU's package layout from CPUID leaf 0xB. Return: true if known. */
static bool read_topology(struct mp_topology *topo)
{
	uint32_t a, b, c, d;

	if (cpu_info()->max_leaf < 0xB)
		return false;
	cpuid(0xB, 0, &a, &b, &c, &d);
	if (((c >> 8) & 0xFF) != 1 || !(b & 0xFFFF)) /* level 0 must be the threads */
		return false;
	topo->smt_shift = topo->pkg_shift = a & 0x1F;
	topo->threads = topo->logical = b & 0xFFFF;
	for (uint32_t level = 1; level < 8; level++) { /* the last level is the package's */
		cpuid(0xB, level, &a, &b, &c, &d);
		if (!((c >> 8) & 0xFF))
			break;
		topo->pkg_shift = a & 0x1F;
		topo->logical = b & 0xFFFF;
	}
	return true;
}

int mptable_read_firmware(struct mp_info *out)
{
	struct mp_topology topo;
	int err = mptable_find(&mptable_mapper, out);

	if (!err && read_topology(&topo))
		mptable_add_siblings(out, &topo);
	return err;
}

void mptable_setup(void)
{
	int err = mptable_read_firmware(&mp);

	for (unsigned i = 0; i < mp.warning_count; i++)
		pr_warn("%s\n", mp.warnings[i]);
	if (err == -ENOENT) {
		pr_warn("mptable: no MP table either: one CPU, no I/O APIC\n");
		return;
	}
	if (err) {
		pr_warn("%s: one CPU, no I/O APIC\n", mp.error);
		return;
	}
	pr_info("mptable: MP 1.%u table at 0x%lx ('%s' '%s'): %u CPUs, %u I/O APICs\n",
		mp.spec_rev, mp.table_phys, mp.oem_id, mp.product_id,
		mp.cpu_count - mp.siblings_added, mp.ioapic_count);
	if (mp.siblings_added)
		pr_info("mptable: %u more CPUs from CPUID's topology (the table lists one per "
			"package)\n", mp.siblings_added);
	if (mp.imcr_pic_mode) {
		outb(IMCR_SELECT, IMCR_INDEX);
		outb(IMCR_DATA, IMCR_APIC);
		pr_info("mptable: IMCR switched from PIC to APIC mode\n");
	}
	register_ioapics_and_irqs();
	mp_used = true;
}

unsigned mptable_cpu_ids(uint32_t *ids, unsigned max)
{
	unsigned n = 0;

	if (!mp_used)
		return 0;
	for (unsigned i = 0; i < mp.cpu_count && n < max; i++)
		ids[n++] = mp.cpus[i].apic_id;
	if (mp.cpu_count > max)
		pr_warn("mptable: only %u of %u CPUs are used\n", max, mp.cpu_count);
	return n;
}

const struct mp_info *mptable_get(void)
{
	return mp_used ? &mp : NULL;
}
