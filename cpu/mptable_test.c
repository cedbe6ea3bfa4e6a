// SPDX-License-Identifier: MIT
/*
 * In-kernel tests of the MP table reader on this machine's firmware: where
 * ACPI is on too (SeaBIOS builds both), the MP table must describe the same
 * CPUs, I/O APICs and ISA wiring as the MADT; where the MP table is what
 * the kernel used (-machine pc,acpi=off), every CPU it lists is online and
 * every I/O APIC registered. UEFI firmware has no MP table: skipped.
 */
#include <xdv/acpi.h>
#include <xdv/cpu.h>
#include <xdv/errno.h>
#include <xdv/ktest.h>
#include <xdv/mptable.h>
#include <xdv/percpu.h>
#include "internal.h"

static struct mp_info fw_mp; /* ~1.5 KiB: not on the test's stack */

/* The GSI the MADT gives ISA IRQ irq: its override, else irq itself. */
static uint32_t madt_isa_gsi(const struct acpi_madt *madt, unsigned irq)
{
	for (unsigned i = 0; i < madt->override_count; i++)
		if (madt->overrides[i].bus == 0 && madt->overrides[i].source_irq == irq)
			return madt->overrides[i].gsi;
	return irq;
}

static bool madt_has_cpu(const struct acpi_madt *madt, uint32_t apic_id)
{
	for (unsigned i = 0; i < madt->cpu_count; i++)
		if (madt->cpus[i].enabled && madt->cpus[i].apic_id == apic_id)
			return true;
	return false;
}

KTEST(mptable, firmware_table_agrees_with_the_madt)
{
	const struct acpi_info *acpi = acpi_get();
	int err = mptable_read_firmware(&fw_mp);

	if (err == -ENOENT) {
		KTEST_SKIP(t, "no MP table in this firmware");
		return;
	}
	if (!KTEST_EXPECT_EQ(t, err, 0)) {
		ktest_note(t, "%s", fw_mp.error);
		return;
	}
	KTEST_EXPECT_EQ(t, fw_mp.warning_count, 0);
	if (!acpi || !acpi->has_madt) {
		KTEST_SKIP(t, "no ACPI MADT to compare with");
		return;
	}
	const struct acpi_madt *madt = &acpi->madt;
	unsigned enabled = 0;
	uint32_t gsi_base[MP_IOAPICS_MAX];

	for (unsigned i = 0; i < madt->cpu_count; i++)
		enabled += madt->cpus[i].enabled;
	KTEST_EXPECT_EQ(t, fw_mp.cpu_count, enabled);
	for (unsigned i = 0; i < fw_mp.cpu_count; i++)
		KTEST_EXPECT(t, madt_has_cpu(madt, fw_mp.cpus[i].apic_id));

	KTEST_EXPECT_EQ(t, fw_mp.ioapic_count, madt->ioapic_count);
	for (unsigned i = 0; i < fw_mp.ioapic_count; i++) {
		gsi_base[i] = 0x80000000u;
		for (unsigned j = 0; j < madt->ioapic_count; j++)
			if (madt->ioapics[j].id == fw_mp.ioapics[i].id) {
				KTEST_EXPECT_EQ(t, fw_mp.ioapics[i].address, madt->ioapics[j].address);
				gsi_base[i] = madt->ioapics[j].gsi_base;
			}
	}
	unsigned wired = 0;

	for (unsigned irq = 0; irq < MP_ISA_IRQS; irq++) {
		uint32_t gsi;
		bool active_low, level;

		if (!mptable_isa_route(&fw_mp, irq, gsi_base, &gsi, &active_low, &level))
			continue;
		wired++;
		if (!KTEST_EXPECT_EQ(t, gsi, madt_isa_gsi(madt, irq)))
			ktest_note(t, "ISA IRQ %u", irq);
	}
	KTEST_EXPECT(t, wired > 0);
}

KTEST(mptable, every_cpu_it_lists_is_online)
{
	const struct mp_info *mp = mptable_get();

	if (!mp) {
		KTEST_SKIP(t, "the ACPI MADT lists the CPUs");
		return;
	}
	KTEST_EXPECT_EQ(t, nr_cpus, mp->cpu_count < MAX_CPUS ? mp->cpu_count : MAX_CPUS);
	KTEST_EXPECT_EQ(t, ioapic_total(), mp->ioapic_count);
}
