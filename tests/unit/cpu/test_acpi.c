// SPDX-License-Identifier: MIT
/*
 * Host unit tests for acpi_parse() and the RSDP helpers (cpu/acpi_tables.c,
 * cpu/acpi_madt.c, cpu/acpi_aml.c) on well-formed tables: QEMU-like RSDP
 * v0 and v2, RSDT and XSDT, FADT with a DSDT holding \_S5_, MADT, HPET and
 * MCFG, plus the less common encodings real firmware uses (x2APIC entries,
 * the 64-bit local APIC override, the AML integer forms). Every parsed
 * field is checked. Malformed input is in test_acpi_bad.c.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include <xdv/acpi.h>
#include <xdv/errno.h>
#include "cpu/acpi_builder.h"

static struct acpib_qemu q;
static struct acpi_info info;

static void expect_no_warnings(void)
{
	for (unsigned i = 0; i < info.warning_count; i++)
		cr_log_error("unexpected warning: %s", info.warnings[i]);
	cr_assert_eq(info.warning_count, 0);
	cr_assert(!info.warnings_truncated);
}

static void expect_qemu_tables(void)
{
	static const char *const sigs[5] = { "FACP", "APIC", "HPET", "MCFG", "WAET" };
	const uint64_t phys[5] = { q.facp, q.apic, q.hpet, q.mcfg, q.waet };

	cr_assert_eq(info.table_count, 5);
	for (unsigned i = 0; i < 5; i++) {
		cr_assert_str_eq(info.tables[i].signature, sigs[i]);
		cr_assert_eq(info.tables[i].phys, phys[i]);
		cr_assert(info.tables[i].valid);
		cr_assert_eq(info.tables[i].revision, i == 0 ? 3 : 1);
	}
	cr_assert_eq(info.tables[0].length, 244);
	cr_assert_eq(info.tables[4].length, 40);
	cr_assert(info.has_madt && info.has_fadt && info.has_hpet &&
		  info.has_mcfg && info.has_s5);
}

Test(acpi_parse, qemu_rsdp_v2_uses_xsdt)
{
	acpib_build_qemu(&q);
	cr_assert_eq(acpib_parse(q.rsdp_v2, 36, &info), 0);
	expect_no_warnings();
	cr_assert_eq(info.rsdp_revision, 2);
	cr_assert_str_eq(info.oem_id, "BOCHS ");
	cr_assert(info.root_is_xsdt);
	cr_assert_eq(info.root_phys, q.xsdt);
	expect_qemu_tables();
	cr_assert_eq(acpib_map_refused, 0);
}

Test(acpi_parse, qemu_rsdp_v0_uses_rsdt)
{
	acpib_build_qemu(&q);
	cr_assert_eq(acpib_parse(q.rsdp_v0, 20, &info), 0);
	expect_no_warnings();
	cr_assert_eq(info.rsdp_revision, 0);
	cr_assert(!info.root_is_xsdt);
	cr_assert_eq(info.root_phys, q.rsdt);
	expect_qemu_tables();
}

Test(acpi_parse, v2_rsdp_with_20_byte_copy_uses_rsdt_quietly)
{
	acpib_build_qemu(&q);
	cr_assert_eq(acpib_parse(q.rsdp_v2, 20, &info), 0);
	expect_no_warnings();
	cr_assert(!info.root_is_xsdt);
	expect_qemu_tables();
}

Test(acpi_parse, v2_rsdp_with_zero_xsdt_uses_rsdt)
{
	uint8_t r[36];

	acpib_build_qemu(&q);
	acpib_rsdp(r, 2, (uint32_t)q.rsdt, 0);
	cr_assert_eq(acpib_parse(r, 36, &info), 0);
	expect_no_warnings();
	cr_assert(!info.root_is_xsdt);
	expect_qemu_tables();
}

Test(acpi_parse, qemu_madt_fields)
{
	const struct acpi_madt *madt = &info.madt;
	static const struct { uint8_t irq; uint32_t gsi; bool low, level; } iso[5] = {
		{ 0, 2, false, false }, { 5, 5, false, true }, { 9, 9, false, true },
		{ 10, 10, false, true }, { 11, 11, false, true },
	};

	acpib_build_qemu(&q);
	cr_assert_eq(acpib_parse(q.rsdp_v2, 36, &info), 0);
	cr_assert_eq(madt->lapic_address, 0xfee00000);
	cr_assert(madt->pcat_compat);
	cr_assert_eq(madt->cpu_count, 4);
	for (unsigned i = 0; i < 4; i++) {
		cr_assert_eq(madt->cpus[i].apic_id, i);
		cr_assert_eq(madt->cpus[i].uid, i);
		cr_assert(madt->cpus[i].enabled);
		cr_assert(!madt->cpus[i].online_capable);
		cr_assert(!madt->cpus[i].x2apic);
	}
	cr_assert_eq(madt->ioapic_count, 1);
	cr_assert_eq(madt->ioapics[0].id, 0);
	cr_assert_eq(madt->ioapics[0].address, 0xfec00000);
	cr_assert_eq(madt->ioapics[0].gsi_base, 0);
	cr_assert_eq(madt->override_count, 5);
	for (unsigned i = 0; i < 5; i++) {
		const struct acpi_override *o = &madt->overrides[i];

		cr_assert_eq(o->bus, 0);
		cr_assert_eq(o->source_irq, iso[i].irq);
		cr_assert_eq(o->gsi, iso[i].gsi);
		cr_assert_eq(o->active_low, iso[i].low);
		cr_assert_eq(o->level, iso[i].level);
	}
	cr_assert_eq(madt->overrides[2].flags, 0xd);
	cr_assert_eq(madt->nmi_source_count, 0);
	cr_assert_eq(madt->lapic_nmi_count, 1);
	cr_assert_eq(madt->lapic_nmis[0].uid, ACPI_UID_ALL);
	cr_assert_eq(madt->lapic_nmis[0].lint, 1);
	cr_assert_eq(madt->lapic_nmis[0].flags, 0);
}

Test(acpi_parse, qemu_fadt_fields)
{
	const struct acpi_fadt *f = &info.fadt;

	acpib_build_qemu(&q);
	cr_assert_eq(acpib_parse(q.rsdp_v2, 36, &info), 0);
	cr_assert_eq(f->revision, 3);
	cr_assert_eq(f->flags, 0x84a5);
	cr_assert(!f->hw_reduced);
	cr_assert(f->has_reset);
	cr_assert_eq(f->reset_reg.space, ACPI_GAS_IO);
	cr_assert_eq(f->reset_reg.bit_width, 8);
	cr_assert_eq(f->reset_reg.address, 0xcf9);
	cr_assert_eq(f->reset_value, 6);
	cr_assert_eq(f->pm1a_cnt.space, ACPI_GAS_IO);
	cr_assert_eq(f->pm1a_cnt.address, 0x604);
	cr_assert_eq(f->pm1a_cnt.bit_width, 16);
	cr_assert_eq(f->pm1b_cnt.address, 0);
	cr_assert_eq(f->sci_irq, 9);
	cr_assert_eq(f->smi_cmd, 0xb2);
	cr_assert_eq(f->acpi_enable, 0xf1);
	cr_assert_eq(f->century, 0x32);
	cr_assert(f->has_boot_arch);
	cr_assert_eq(f->boot_arch, 2);
	cr_assert(f->has_8042);
	cr_assert(!f->legacy_devices && !f->vga_absent && !f->cmos_rtc_absent);
	cr_assert_eq(f->dsdt, q.dsdt);
	cr_assert(info.has_s5);
	cr_assert_eq(info.s5_slp_typ_a, 0);
	cr_assert_eq(info.s5_slp_typ_b, 0);
}

Test(acpi_parse, fadt_without_x_fields_uses_port_fields)
{
	uint8_t zero[12] = { 0 };
	uint64_t zero64 = 0;
	uint16_t arch = 0x0025; /* legacy devices, VGA absent, no CMOS RTC */

	acpib_build_qemu(&q);
	acpib_poke(q.facp, 172, zero, 12);
	acpib_poke(q.facp, 140, &zero64, 8);
	acpib_poke(q.facp, 109, &arch, 2);
	cr_assert_eq(acpib_parse(q.rsdp_v2, 36, &info), 0);
	expect_no_warnings();
	cr_assert_eq(info.fadt.pm1a_cnt.space, ACPI_GAS_IO);
	cr_assert_eq(info.fadt.pm1a_cnt.address, 0x604);
	cr_assert_eq(info.fadt.pm1a_cnt.bit_width, 16); /* PM1_CNT_LEN 2 */
	cr_assert_eq(info.fadt.dsdt, q.dsdt);
	cr_assert(info.fadt.legacy_devices && info.fadt.vga_absent &&
		  info.fadt.cmos_rtc_absent && !info.fadt.has_8042);
	cr_assert(info.has_s5);
}

Test(acpi_parse, fadt_x_fields_preferred_over_ports)
{
	uint8_t gas_a[12] = { 0, 16, 0, 2, 0x10, 0x20, 0, 0xfe, 0, 0, 0, 0 };
	uint8_t gas_b[12] = { 1, 16, 0, 2, 0x40, 0x06, 0, 0, 0, 0, 0, 0 };

	acpib_build_qemu(&q);
	acpib_poke(q.facp, 172, gas_a, 12);
	acpib_poke(q.facp, 184, gas_b, 12);
	cr_assert_eq(acpib_parse(q.rsdp_v2, 36, &info), 0);
	cr_assert_eq(info.fadt.pm1a_cnt.space, ACPI_GAS_MEMORY);
	cr_assert_eq(info.fadt.pm1a_cnt.address, 0xfe002010);
	cr_assert_eq(info.fadt.pm1a_cnt.access_size, 2);
	cr_assert_eq(info.fadt.pm1b_cnt.space, ACPI_GAS_IO);
	cr_assert_eq(info.fadt.pm1b_cnt.address, 0x640);
}

Test(acpi_parse, fadt_revision1_has_no_reset_or_boot_flags)
{
	uint64_t dsdt, facp;
	uint8_t rev = 1;
	uint32_t flags = 0x00a5, len = 116;

	acpib_reset();
	dsdt = acpib_dsdt(acpib_qemu_aml, acpib_qemu_aml_len);
	facp = acpib_facp(dsdt);
	memcpy(acpib_at(facp) + 4, &len, 4);
	acpib_poke(facp, 8, &rev, 1);
	acpib_poke(facp, 112, &flags, 4);
	cr_assert_eq(acpib_parse_tables(&facp, 1, &info), 0);
	expect_no_warnings();
	cr_assert(info.has_fadt);
	cr_assert(!info.fadt.has_reset);
	cr_assert(!info.fadt.has_boot_arch);
	cr_assert(!info.fadt.has_8042);
	cr_assert_eq(info.fadt.pm1a_cnt.address, 0x604);
	cr_assert_eq(info.fadt.dsdt, dsdt);
	cr_assert(info.has_s5);
}

Test(acpi_parse, fadt_hw_reduced_and_memory_reset)
{
	uint32_t flags = ACPI_FADT_HW_REDUCED | ACPI_FADT_RESET_REG_SUP;
	uint8_t gas[12] = { 0, 8, 0, 1, 0x00, 0x10, 0xd0, 0xfe, 0, 0, 0, 0 };
	uint8_t val = 0x0e;

	acpib_build_qemu(&q);
	acpib_poke(q.facp, 112, &flags, 4);
	acpib_poke(q.facp, 116, gas, 12);
	acpib_poke(q.facp, 128, &val, 1);
	cr_assert_eq(acpib_parse(q.rsdp_v2, 36, &info), 0);
	cr_assert(info.fadt.hw_reduced);
	cr_assert(info.fadt.has_reset);
	cr_assert_eq(info.fadt.reset_reg.space, ACPI_GAS_MEMORY);
	cr_assert_eq(info.fadt.reset_reg.address, 0xfed01000);
	cr_assert_eq(info.fadt.reset_value, 0x0e);
}

Test(acpi_parse, qemu_hpet_fields)
{
	acpib_build_qemu(&q);
	cr_assert_eq(acpib_parse(q.rsdp_v2, 36, &info), 0);
	cr_assert(info.has_hpet);
	cr_assert_eq(info.hpet.address, 0xfed00000);
	cr_assert_eq(info.hpet.number, 0);
	cr_assert_eq(info.hpet.min_tick, 0x80);
	cr_assert_eq(info.hpet.block_id, 0x8086a201);
}

Test(acpi_parse, qemu_mcfg_fields)
{
	acpib_build_qemu(&q);
	cr_assert_eq(acpib_parse(q.rsdp_v2, 36, &info), 0);
	cr_assert(info.has_mcfg);
	cr_assert_eq(info.mcfg_count, 1);
	cr_assert_eq(info.mcfg[0].base, 0xb0000000);
	cr_assert_eq(info.mcfg[0].segment, 0);
	cr_assert_eq(info.mcfg[0].start_bus, 0);
	cr_assert_eq(info.mcfg[0].end_bus, 255);
}

Test(acpi_parse, mcfg_two_segments)
{
	uint64_t t;

	acpib_reset();
	t = acpib_begin("MCFG", 1);
	acpib_zero(8);
	acpib_put64(0xe0000000);
	acpib_put16(0);
	acpib_put8(0);
	acpib_put8(63);
	acpib_put32(0);
	acpib_put64(0x3f0000000ull);
	acpib_put16(1);
	acpib_put8(0x80);
	acpib_put8(0xff);
	acpib_put32(0);
	acpib_end();
	cr_assert_eq(acpib_parse_tables(&t, 1, &info), 0);
	expect_no_warnings();
	cr_assert_eq(info.mcfg_count, 2);
	cr_assert_eq(info.mcfg[1].base, 0x3f0000000ull);
	cr_assert_eq(info.mcfg[1].segment, 1);
	cr_assert_eq(info.mcfg[1].start_bus, 0x80);
	cr_assert_eq(info.mcfg[1].end_bus, 0xff);
	cr_assert(!info.has_fadt && !info.has_s5);
}

/* MADT with x2APIC CPUs, a 64-bit LAPIC override and all NMI kinds. */
Test(acpi_parse, madt_x2apic_override_and_nmis)
{
	const struct acpi_madt *madt = &info.madt;
	uint64_t t;

	acpib_reset();
	t = acpib_begin("APIC", 4);
	acpib_put32(0xfee00000);
	acpib_put32(0); /* no PICs */
	/* type 0: UID 1, APIC 0, enabled; UID 2, APIC 1, online capable */
	acpib_put(&(uint8_t[8]){ 0, 8, 1, 0, 1, 0, 0, 0 }, 8);
	acpib_put(&(uint8_t[8]){ 0, 8, 2, 1, 2, 0, 0, 0 }, 8);
	/* type 0 with neither flag: an unused slot, dropped silently */
	acpib_put(&(uint8_t[8]){ 0, 8, 3, 2, 0, 0, 0, 0 }, 8);
	/* type 9: x2APIC id 0x100, flags enabled, UID 7 */
	acpib_put(&(uint8_t[4]){ 9, 16, 0, 0 }, 4);
	acpib_put32(0x100);
	acpib_put32(1);
	acpib_put32(7);
	/* type 5: local APIC address override */
	acpib_put(&(uint8_t[4]){ 5, 12, 0, 0 }, 4);
	acpib_put64(0xfee10000ull);
	/* type 3: NMI source GSI 17, flags 0xd */
	acpib_put(&(uint8_t[4]){ 3, 8, 0xd, 0 }, 4);
	acpib_put32(17);
	/* type 4: UID 1, flags 5, LINT0 */
	acpib_put(&(uint8_t[6]){ 4, 6, 1, 5, 0, 0 }, 6);
	/* type 10: x2APIC NMI, flags 0, UID 0xffffffff (all), LINT1 */
	acpib_put(&(uint8_t[4]){ 10, 12, 0, 0 }, 4);
	acpib_put32(0xffffffffu);
	acpib_put(&(uint8_t[4]){ 1, 0, 0, 0 }, 4);
	/* type 0x7f (unknown to us) with a sane length: skipped quietly */
	acpib_put(&(uint8_t[5]){ 0x7f, 5, 0, 0, 0 }, 5);
	acpib_end();
	cr_assert_eq(acpib_parse_tables(&t, 1, &info), 0);
	expect_no_warnings();
	cr_assert(info.has_madt);
	cr_assert(!madt->pcat_compat);
	cr_assert_eq(madt->lapic_address, 0xfee10000ull);
	cr_assert_eq(madt->cpu_count, 3);
	cr_assert(madt->cpus[0].enabled && madt->cpus[0].uid == 1 &&
		  madt->cpus[0].apic_id == 0);
	cr_assert(!madt->cpus[1].enabled && madt->cpus[1].online_capable);
	cr_assert_eq(madt->cpus[1].apic_id, 1);
	cr_assert(madt->cpus[2].x2apic && madt->cpus[2].enabled);
	cr_assert_eq(madt->cpus[2].apic_id, 0x100);
	cr_assert_eq(madt->cpus[2].uid, 7);
	cr_assert_eq(madt->nmi_source_count, 1);
	cr_assert_eq(madt->nmi_sources[0].gsi, 17);
	cr_assert_eq(madt->nmi_sources[0].flags, 0xd);
	cr_assert_eq(madt->lapic_nmi_count, 2);
	cr_assert_eq(madt->lapic_nmis[0].uid, 1);
	cr_assert_eq(madt->lapic_nmis[0].flags, 5);
	cr_assert_eq(madt->lapic_nmis[0].lint, 0);
	cr_assert_eq(madt->lapic_nmis[1].uid, ACPI_UID_ALL);
	cr_assert_eq(madt->lapic_nmis[1].lint, 1);
}

Test(acpi_parse, override_flags_resolve_polarity_and_trigger)
{
	static const struct { uint16_t flags; bool low, level; } cases[] = {
		{ 0x0, false, false }, { 0x1, false, false }, { 0x3, true, false },
		{ 0x4, false, false }, { 0xc, false, true },  { 0xf, true, true },
		{ 0xd, false, true },  { 0x7, true, false },
	};
	uint64_t t;

	acpib_reset();
	t = acpib_begin("APIC", 1);
	acpib_put32(0xfee00000);
	acpib_put32(1);
	for (unsigned i = 0; i < ARRAY_SIZE(cases); i++) {
		acpib_put(&(uint8_t[4]){ 2, 10, 0, (uint8_t)i }, 4);
		acpib_put32(i + 16);
		acpib_put16(cases[i].flags);
	}
	acpib_end();
	cr_assert_eq(acpib_parse_tables(&t, 1, &info), 0);
	expect_no_warnings();
	cr_assert_eq(info.madt.override_count, ARRAY_SIZE(cases));
	for (unsigned i = 0; i < ARRAY_SIZE(cases); i++) {
		cr_assert_eq(info.madt.overrides[i].gsi, i + 16);
		cr_assert_eq(info.madt.overrides[i].active_low, cases[i].low, "case %u", i);
		cr_assert_eq(info.madt.overrides[i].level, cases[i].level, "case %u", i);
	}
}

/* Parse a DSDT holding aml (and nothing else of interest). */
static int parse_dsdt(const uint8_t *aml, size_t len)
{
	uint64_t dsdt, facp;

	acpib_reset();
	dsdt = acpib_dsdt(aml, len);
	facp = acpib_facp(dsdt);
	return acpib_parse_tables(&facp, 1, &info);
}

Test(acpi_s5, integer_encodings)
{
	static const struct {
		uint8_t aml[24];
		size_t len;
		uint8_t a, b;
	} cases[] = {
		{ { 0x08, '_', 'S', '5', '_', 0x12, 0x04, 0x02, 0x00, 0x01 }, 10, 0, 1 },
		{ { 0x08, '_', 'S', '5', '_', 0x12, 0x06, 0x02, 0x0a, 0x07, 0x0a, 0x05 }, 12, 7, 5 },
		{ { 0x08, '_', 'S', '5', '_', 0x12, 0x06, 0x02, 0x0b, 0x06, 0x00, 0x01 }, 12, 6, 1 },
		{ { 0x08, '_', 'S', '5', '_', 0x12, 0x0b, 0x04, 0x0c, 0x03, 0, 0, 0, 0x0a, 0x04,
		    0x00, 0x00 }, 17, 3, 4 },
		{ { 0x08, '_', 'S', '5', '_', 0x12, 0x0c, 0x02, 0x0e, 0x02, 0, 0, 0, 0, 0, 0, 0,
		    0x01 }, 18, 2, 1 },
		/* \_S5_ and ^^_S5_ */
		{ { 0x08, '\\', '_', 'S', '5', '_', 0x12, 0x04, 0x02, 0x01, 0x00 }, 11, 1, 0 },
		{ { 0x08, '^', '^', '_', 'S', '5', '_', 0x12, 0x04, 0x02, 0x01, 0x01 }, 12, 1, 1 },
		/* two-byte PkgLength (value 7: 0x47 0x00) */
		{ { 0x08, '_', 'S', '5', '_', 0x12, 0x47, 0x00, 0x02, 0x0a, 0x03, 0x0a, 0x03 }, 13,
		  3, 3 },
	};

	for (unsigned i = 0; i < ARRAY_SIZE(cases); i++) {
		cr_assert_eq(parse_dsdt(cases[i].aml, cases[i].len), 0);
		expect_no_warnings();
		cr_assert(info.has_s5, "case %u", i);
		cr_assert_eq(info.s5_slp_typ_a, cases[i].a, "case %u", i);
		cr_assert_eq(info.s5_slp_typ_b, cases[i].b, "case %u", i);
	}
}

Test(acpi_s5, ones_op_is_masked_with_warning)
{
	static const uint8_t aml[] = { 0x08, '_', 'S', '5', '_', 0x12, 0x04, 0x02, 0xff, 0x00 };

	cr_assert_eq(parse_dsdt(aml, sizeof(aml)), 0);
	cr_assert(info.has_s5);
	cr_assert_eq(info.s5_slp_typ_a, 7);
	cr_assert_eq(info.s5_slp_typ_b, 0);
	cr_assert(acpib_has_warning(&info, "wider than 3 bits"));
}

Test(acpi_s5, found_in_ssdt_when_dsdt_has_none)
{
	static const uint8_t dsdt_aml[] = { 0x08, '_', 'S', '4', '_', 0x12, 0x04, 0x02, 0x01, 0x01 };
	static const uint8_t ssdt_aml[] = { 0x08, '_', 'S', '5', '_', 0x12, 0x05, 0x02, 0x0a, 0x05,
					    0x00 };
	uint64_t tables[2];

	acpib_reset();
	tables[0] = acpib_facp(acpib_dsdt(dsdt_aml, sizeof(dsdt_aml)));
	tables[1] = acpib_begin("SSDT", 1);
	acpib_put(ssdt_aml, sizeof(ssdt_aml));
	acpib_end();
	cr_assert_eq(acpib_parse_tables(tables, 2, &info), 0);
	expect_no_warnings();
	cr_assert(info.has_s5);
	cr_assert_eq(info.s5_slp_typ_a, 5);
	cr_assert_eq(info.s5_slp_typ_b, 0);
}

Test(acpi_find_table, finds_by_signature_and_index)
{
	const struct acpi_table_ref *ref;
	uint64_t tables[3];

	acpib_reset();
	for (unsigned i = 0; i < 3; i++) {
		tables[i] = acpib_begin("SSDT", (uint8_t)(i + 1));
		acpib_put32(i);
		acpib_end();
	}
	cr_assert_eq(acpib_parse_tables(tables, 3, &info), 0);
	ref = acpi_find_table(&info, "SSDT", 2);
	cr_assert_not_null(ref);
	cr_assert_eq(ref->phys, tables[2]);
	cr_assert_eq(ref->revision, 3);
	cr_assert_eq(ref->length, 40);
	cr_assert_null(acpi_find_table(&info, "SSDT", 3));
	cr_assert_null(acpi_find_table(&info, "APIC", 0));
}

Test(acpi_rsdp, validate_accepts_v0_and_v2)
{
	const char *why = "unset";

	acpib_build_qemu(&q);
	cr_assert_eq(acpi_rsdp_validate(q.rsdp_v0, 20, &why), 0);
	cr_assert_null(why);
	cr_assert_eq(acpi_rsdp_validate(q.rsdp_v2, 36, &why), 0);
	cr_assert_eq(acpi_rsdp_validate(q.rsdp_v2, 35, &why), -EINVAL);
	cr_assert_not_null(why);
	cr_assert_eq(acpi_rsdp_validate(q.rsdp_v0, 19, NULL), -EINVAL);
	cr_assert_eq(acpi_rsdp_validate(NULL, 36, NULL), -EINVAL);
}

/* Scan an exact-size heap copy so ASan sees any read past the area. */
static int scan_copy(const uint8_t *area, size_t len, size_t *off)
{
	uint8_t *copy = malloc(len ? len : 1);
	int ret;

	cr_assert_not_null(copy);
	memcpy(copy, area, len);
	ret = acpi_rsdp_scan(copy, len, off);
	free(copy);
	return ret;
}

Test(acpi_rsdp, scan_finds_rsdp_on_16_byte_boundary)
{
	static uint8_t area[0x20000]; /* 0xE0000-0xFFFFF */
	size_t off = 0;

	acpib_build_qemu(&q);
	memset(area, 0xaa, sizeof(area));
	memcpy(area + 0x15a50, q.rsdp_v2, 36);
	cr_assert_eq(scan_copy(area, sizeof(area), &off), 0);
	cr_assert_eq(off, 0x15a50);

	/* Not on a boundary: not found. */
	memset(area, 0, sizeof(area));
	memcpy(area + 0x108, q.rsdp_v0, 20);
	cr_assert_eq(scan_copy(area, sizeof(area), &off), -ENOENT);

	/* v0 RSDP in the last 20 bytes of a 1 KiB EBDA. */
	memset(area, 0, 1024);
	memcpy(area + 1024 - 32, q.rsdp_v0, 20);
	cr_assert_eq(scan_copy(area, 1024 - 12, &off), 0);
	cr_assert_eq(off, 1024 - 32);
}

Test(acpi_rsdp, scan_skips_bad_candidates)
{
	static uint8_t area[1024];
	uint8_t bad[36];
	size_t off = 0;

	acpib_build_qemu(&q);
	memset(area, 0, sizeof(area));
	memcpy(bad, q.rsdp_v2, 36);
	bad[8] ^= 1; /* checksum */
	memcpy(area + 0x10, bad, 36);
	memcpy(bad, q.rsdp_v2, 36);
	bad[32] ^= 1; /* extended checksum */
	memcpy(area + 0x40, bad, 36);
	memcpy(area + 0x3f0, q.rsdp_v2, 16); /* cut off by the area's end */
	memcpy(area + 0x80, q.rsdp_v2, 36);
	cr_assert_eq(scan_copy(area, sizeof(area), &off), 0);
	cr_assert_eq(off, 0x80);
	cr_assert_eq(scan_copy(area, 0x80, &off), -ENOENT);
	cr_assert_eq(scan_copy(area, 0, &off), -ENOENT);
	cr_assert_eq(acpi_rsdp_scan(NULL, 100, &off), -ENOENT);
}
