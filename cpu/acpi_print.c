// SPDX-License-Identifier: MIT
/*
 * ACPI report: prints what acpi_parse() (cpu/acpi_tables.c) made of the
 * firmware's tables — root table and its entries, CPUs and interrupt
 * controllers, HPET, PCIe ECAM windows, reset and soft-off registers — and
 * every warning the parser recorded, so odd firmware shows up in the boot
 * log.
 *
 * Kernel only (printk). The warnings carry their own "acpi: " prefix, so
 * this file spells the prefix out instead of defining pr_fmt.
 * Locking: none; runs once on the boot CPU.
 */
#include <xdv/acpi.h>
#include <xdv/printk.h>
#include <xdv/string.h>

#define ACPI_IDS_SHOWN 16 /* APIC ids listed on the MADT line */

/* A line assembled piece by piece; output past the end is cut off. */
struct acpi_line {
	char buf[256];
	size_t len;
};

static void __printf(2, 3) acpi_line_add(struct acpi_line *l, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (l->len >= sizeof(l->buf) - 1)
		return;
	va_start(ap, fmt);
	n = vsnprintf(l->buf + l->len, sizeof(l->buf) - l->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		l->len = MIN(l->len + (size_t)n, sizeof(l->buf) - 1);
}

static const char *acpi_gas_space_name(uint8_t space)
{
	switch (space) {
	case ACPI_GAS_MEMORY:
		return "memory";
	case ACPI_GAS_IO:
		return "I/O port";
	case ACPI_GAS_PCI_CONFIG:
		return "PCI config";
	default:
		return "address space ?";
	}
}

static void acpi_print_tables(const struct acpi_info *info)
{
	struct acpi_line l = { .len = 0 };

	acpi_line_add(&l, "acpi: RSDP v%u OEM '%s', %s at 0x%llx with %u tables:",
		      info->rsdp_revision >= 2 ? 2u : 1u, info->oem_id,
		      info->root_is_xsdt ? "XSDT" : "RSDT",
		      (unsigned long long)info->root_phys, info->table_count);
	for (unsigned i = 0; i < info->table_count; i++)
		acpi_line_add(&l, " %s%s", info->tables[i].signature,
			      info->tables[i].valid ? "" : "(bad)");
	pr_info("%s\n", l.buf);
}

static void acpi_print_madt(const struct acpi_madt *madt)
{
	struct acpi_line l = { .len = 0 };
	unsigned enabled = 0, shown = 0;

	for (unsigned i = 0; i < madt->cpu_count; i++)
		enabled += madt->cpus[i].enabled;
	acpi_line_add(&l, "acpi: MADT: %u CPUs (APIC ids", enabled);
	for (unsigned i = 0; i < madt->cpu_count; i++) {
		if (!madt->cpus[i].enabled)
			continue;
		if (shown++ == ACPI_IDS_SHOWN) {
			acpi_line_add(&l, " ...");
			break;
		}
		acpi_line_add(&l, " %u", madt->cpus[i].apic_id);
	}
	acpi_line_add(&l, ")");
	if (madt->cpu_count > enabled)
		acpi_line_add(&l, " + %u hot-pluggable", madt->cpu_count - enabled);
	acpi_line_add(&l, ", %u I/O APIC%s", madt->ioapic_count,
		      madt->ioapic_count == 1 ? "" : "s");
	for (unsigned i = 0; i < madt->ioapic_count; i++)
		acpi_line_add(&l, " (id %u at 0x%llx, GSI base %u)",
			      madt->ioapics[i].id,
			      (unsigned long long)madt->ioapics[i].address,
			      madt->ioapics[i].gsi_base);
	acpi_line_add(&l, ", %u overrides, %s", madt->override_count,
		      madt->pcat_compat ? "legacy PICs" : "no legacy PICs");
	pr_info("%s\n", l.buf);
	pr_info("acpi: local APIC at 0x%llx, %u NMI sources, %u local APIC NMIs\n",
		(unsigned long long)madt->lapic_address, madt->nmi_source_count,
		madt->lapic_nmi_count);
	for (unsigned i = 0; i < madt->override_count; i++) {
		const struct acpi_override *o = &madt->overrides[i];

		pr_info("acpi: IRQ %u -> GSI %u, %s, active %s\n", o->source_irq,
			o->gsi, o->level ? "level" : "edge",
			o->active_low ? "low" : "high");
	}
}

static void acpi_print_fadt(const struct acpi_fadt *f)
{
	struct acpi_line l = { .len = 0 };

	acpi_line_add(&l, "acpi: FADT: ");
	if (f->has_reset)
		acpi_line_add(&l, "reset via %s 0x%llx value 0x%x",
			      acpi_gas_space_name(f->reset_reg.space),
			      (unsigned long long)f->reset_reg.address,
			      f->reset_value);
	else
		acpi_line_add(&l, "no reset register");
	acpi_line_add(&l, ", PM1a control %s 0x%llx",
		      acpi_gas_space_name(f->pm1a_cnt.space),
		      (unsigned long long)f->pm1a_cnt.address);
	if (f->pm1b_cnt.address)
		acpi_line_add(&l, ", PM1b control 0x%llx",
			      (unsigned long long)f->pm1b_cnt.address);
	acpi_line_add(&l, ", SCI %u", f->sci_irq);
	if (f->century)
		acpi_line_add(&l, ", century index 0x%x", f->century);
	if (f->hw_reduced)
		acpi_line_add(&l, ", hardware-reduced");
	pr_info("%s\n", l.buf);

	if (f->has_boot_arch)
		pr_info("acpi: boot flags 0x%x:%s%s%s%s\n", f->boot_arch,
			f->has_8042 ? " 8042" : " no-8042",
			f->legacy_devices ? " legacy-devices" : "",
			f->vga_absent ? " no-VGA" : "",
			f->cmos_rtc_absent ? " no-CMOS-RTC" : "");
	if (f->smi_cmd)
		pr_info("acpi: SMI command port 0x%x, ACPI enable value 0x%x\n",
			f->smi_cmd, f->acpi_enable);
}

/*
 * Print a summary of the parsed ACPI tables and every parser warning.
 * Context: boot CPU, after acpi_parse(); printk keeps it for consoles
 * that register later.
 */
void acpi_info_print(const struct acpi_info *info)
{
	if (info->table_count)
		acpi_print_tables(info);
	if (info->has_madt)
		acpi_print_madt(&info->madt);
	else if (info->table_count)
		pr_info("acpi: no MADT\n");
	if (info->has_hpet)
		pr_info("acpi: HPET %u at 0x%llx, minimum tick %u\n",
			info->hpet.number, (unsigned long long)info->hpet.address,
			info->hpet.min_tick);
	for (unsigned i = 0; i < info->mcfg_count; i++)
		pr_info("acpi: PCIe ECAM segment %u buses %u-%u at 0x%llx\n",
			info->mcfg[i].segment, info->mcfg[i].start_bus,
			info->mcfg[i].end_bus,
			(unsigned long long)info->mcfg[i].base);
	if (info->has_fadt)
		acpi_print_fadt(&info->fadt);
	if (info->has_s5)
		pr_info("acpi: S5 sleep type a=%u b=%u\n", info->s5_slp_typ_a,
			info->s5_slp_typ_b);

	for (unsigned i = 0; i < info->warning_count && i < ACPI_WARNINGS_MAX; i++)
		pr_warn("%s\n", info->warnings[i]);
	if (info->warnings_truncated)
		pr_warn("acpi: more ACPI warnings were dropped\n");
}
