// SPDX-License-Identifier: MIT
/*
 * Host unit tests for acpi_parse() on malformed firmware tables: bad RSDP
 * checksums, root tables out of reach or with impossible lengths, tables
 * with bad checksums, MADT entries that lie about their length, too many
 * CPUs, short FADTs, a \_S5_ package cut at every byte, and odd AML
 * (the fuzz loops are in test_acpi_fuzz.c). Each case must give a clean
 * result and the expected warning; the builder's mapper (acpi_builder.c) makes any read
 * outside a mapping an AddressSanitizer error.
 */
#include <criterion/criterion.h>
#include <string.h>
#include <xdv/acpi.h>
#include <xdv/errno.h>
#include "cpu/acpi_builder.h"

static struct acpib_qemu q;
static struct acpi_info info;

static void expect_warning(const char *needle)
{
	if (acpib_has_warning(&info, needle))
		return;
	for (unsigned i = 0; i < info.warning_count; i++)
		cr_log_error("warning: %s", info.warnings[i]);
	cr_assert_fail("no warning containing '%s'", needle);
}

static void set32(uint64_t phys, uint32_t off, uint32_t v)
{
	memcpy(acpib_at(phys) + off, &v, 4);
}

/* The QEMU tables other than the one under test must still be parsed. */
static void expect_rest_parsed(void)
{
	cr_assert(info.has_fadt && info.has_madt && info.has_mcfg && info.has_s5);
	cr_assert_eq(info.madt.cpu_count, 4);
}

Test(acpi_bad, rsdp_bad_checksum_gives_einval)
{
	acpib_build_qemu(&q);
	q.rsdp_v0[16] ^= 0x40;
	cr_assert_eq(acpib_parse(q.rsdp_v0, 20, &info), -EINVAL);
	expect_warning("RSDP checksum bad");
	cr_assert_eq(info.table_count, 0);
	cr_assert_eq(acpib_map_calls, 0);
}

Test(acpi_bad, rsdp_bad_signature_or_size_gives_einval)
{
	struct acpi_mapper m = { 0 };

	acpib_build_qemu(&q);
	cr_assert_eq(acpib_parse(q.rsdp_v0, 19, &info), -EINVAL);
	expect_warning("shorter than 20");
	q.rsdp_v0[0] = 'r';
	q.rsdp_v0[8]++; /* keep the sum right: only the signature is wrong */
	cr_assert_eq(acpib_parse(q.rsdp_v0, 20, &info), -EINVAL);
	expect_warning("signature");
	cr_assert_eq(acpi_parse(&m, q.rsdp_v2, 36, &info), -EINVAL);
	expect_warning("no way to read memory");
}

Test(acpi_bad, rsdp_bad_extended_checksum_uses_rsdt)
{
	acpib_build_qemu(&q);
	q.rsdp_v2[33] = 1; /* a reserved byte: only the extended sum breaks */
	cr_assert_eq(acpi_rsdp_validate(q.rsdp_v2, 36, NULL), -EINVAL);
	cr_assert_eq(acpib_parse(q.rsdp_v2, 36, &info), 0);
	expect_warning("RSDP extended checksum bad");
	cr_assert(!info.root_is_xsdt);
	cr_assert_eq(info.root_phys, q.rsdt);
	expect_rest_parsed();
}

Test(acpi_bad, rsdp_extended_length_invalid_uses_rsdt)
{
	static const uint32_t lengths[] = { 0, 20, 35, 37, 0xffffffffu };

	for (unsigned i = 0; i < ARRAY_SIZE(lengths); i++) {
		uint8_t r[36], sum = 0;

		acpib_build_qemu(&q);
		memcpy(r, q.rsdp_v2, 36);
		memcpy(r + 20, &lengths[i], 4);
		r[32] = 0;
		for (int k = 0; k < 36; k++)
			sum += r[k];
		r[32] = (uint8_t)-sum;
		cr_assert_eq(acpib_parse(r, 36, &info), 0);
		expect_warning("RSDP length field invalid");
		cr_assert(!info.root_is_xsdt);
		expect_rest_parsed();
	}
}

Test(acpi_bad, rsdt_outside_memory_gives_enoent)
{
	uint8_t r[20];

	acpib_build_qemu(&q);
	acpib_rsdp(r, 0, 0x1000, 0);
	cr_assert_eq(acpib_parse(r, 20, &info), -ENOENT);
	expect_warning("root table (XSDT/RSDT) outside readable memory");
	cr_assert_eq(info.table_count, 0);
	acpib_rsdp(r, 0, 0xfffffff0u, 0); /* straddles the window's end */
	cr_assert_eq(acpib_parse(r, 20, &info), -ENOENT);
	acpib_rsdp(r, 0, 0, 0);
	cr_assert_eq(acpib_parse(r, 20, &info), -ENOENT);
	expect_warning("RSDP has no RSDT or XSDT address");
}

Test(acpi_bad, xsdt_unusable_falls_back_to_rsdt)
{
	static const uint64_t bad[] = { 0xdead0000ull, 0xfffffffffffffff0ull,
					ACPIB_BASE + ACPIB_MEM_SIZE - 8 };
	uint8_t r[36];

	for (unsigned i = 0; i < ARRAY_SIZE(bad); i++) {
		acpib_build_qemu(&q);
		acpib_rsdp(r, 2, (uint32_t)q.rsdt, bad[i]);
		cr_assert_eq(acpib_parse(r, 36, &info), 0);
		expect_warning("XSDT unusable; trying the RSDT");
		cr_assert(!info.root_is_xsdt);
		expect_rest_parsed();
	}
	/* No RSDT to fall back on. */
	acpib_rsdp(r, 2, 0, 0xdead0000ull);
	cr_assert_eq(acpib_parse(r, 36, &info), -ENOENT);
	cr_assert(!acpib_has_warning(&info, "trying the RSDT"));
}

Test(acpi_bad, root_table_bad_header_gives_enoent)
{
	static const struct { uint32_t off, val; const char *warn; } cases[] = {
		{ 9, 0x55, "root table checksum bad" },
		{ 4, 20, "root table length below 36" },
		{ 4, 0xffffffffu, "root table length above 1 MiB" },
		{ 4, 0x100000, "outside readable memory" }, /* past the window */
		{ 0, 0x54445358, "signature is not XSDT/RSDT" }, /* "XSDT" */
	};

	for (unsigned i = 0; i < ARRAY_SIZE(cases); i++) {
		acpib_build_qemu(&q);
		set32(q.rsdt, cases[i].off, cases[i].val);
		if (cases[i].off == 0)
			acpib_fix(q.rsdt);
		cr_assert_eq(acpib_parse(q.rsdp_v0, 20, &info), -ENOENT, "case %u", i);
		expect_warning(cases[i].warn);
		cr_assert_eq(info.table_count, 0);
	}
}

Test(acpi_bad, root_table_partial_entry_and_too_many)
{
	uint64_t list[70];

	acpib_build_qemu(&q);
	set32(q.rsdt, 4, 36 + 4 + 3);
	acpib_fix(q.rsdt);
	cr_assert_eq(acpib_parse(q.rsdp_v0, 20, &info), 0);
	expect_warning("partial entry");
	cr_assert_eq(info.table_count, 1);
	cr_assert(info.has_fadt && !info.has_madt);

	for (unsigned i = 0; i < 70; i++)
		list[i] = q.waet;
	cr_assert_eq(acpib_parse_tables(list, 70, &info), 0);
	expect_warning("more than 64 tables");
	cr_assert_eq(info.table_count, ACPI_TABLES_MAX);
}

Test(acpi_bad, table_with_bad_checksum_is_skipped)
{
	acpib_build_qemu(&q);
	acpib_at(q.hpet)[40 + 4] ^= 0x10;
	cr_assert_eq(acpib_parse(q.rsdp_v2, 36, &info), 0);
	expect_warning("table checksum bad; skipped");
	cr_assert(!info.has_hpet);
	cr_assert_str_eq(info.tables[2].signature, "HPET");
	cr_assert(!info.tables[2].valid);
	cr_assert_null(acpi_find_table(&info, "HPET", 0));
	expect_rest_parsed();
}

Test(acpi_bad, table_with_bad_length_is_skipped)
{
	static const struct { uint32_t len; const char *warn; } cases[] = {
		{ 0, "length below 36" },
		{ 35, "length below 36" },
		{ 0xffffffffu, "length above 1 MiB" },
		{ ACPI_TABLE_MAX_LEN + 1, "length above 1 MiB" },
		{ ACPI_TABLE_MAX_LEN, "outside readable memory" },
	};

	for (unsigned i = 0; i < ARRAY_SIZE(cases); i++) {
		acpib_build_qemu(&q);
		set32(q.apic, 4, cases[i].len);
		cr_assert_eq(acpib_parse(q.rsdp_v2, 36, &info), 0);
		expect_warning(cases[i].warn);
		cr_assert(!info.has_madt);
		cr_assert(!info.tables[1].valid);
		cr_assert_eq(info.tables[1].length, cases[i].len);
		cr_assert(info.has_fadt && info.has_hpet && info.has_s5);
	}
}

Test(acpi_bad, table_address_zero_or_outside_is_skipped)
{
	uint64_t list[3];

	acpib_build_qemu(&q);
	list[0] = 0;
	list[1] = 0x1000;
	list[2] = q.hpet;
	cr_assert_eq(acpib_parse_tables(list, 3, &info), 0);
	expect_warning("table outside readable memory; skipped");
	cr_assert_eq(info.table_count, 3);
	cr_assert_str_eq(info.tables[0].signature, "????");
	cr_assert(!info.tables[0].valid && !info.tables[1].valid);
	cr_assert(info.has_hpet);
}

Test(acpi_bad, duplicate_tables_first_used)
{
	uint64_t apic2, list[2];

	acpib_build_qemu(&q);
	apic2 = acpib_apic_qemu(2);
	list[0] = q.apic;
	list[1] = apic2;
	cr_assert_eq(acpib_parse_tables(list, 2, &info), 0);
	expect_warning("more than one MADT");
	cr_assert_eq(info.madt.cpu_count, 4);
}

/* A MADT: header, LAPIC address, flags; entries appended by the caller. */
static uint64_t madt_open(void)
{
	uint64_t t;

	acpib_reset();
	t = acpib_begin("APIC", 1);
	acpib_put32(0xfee00000);
	acpib_put32(1);
	return t;
}

static void madt_cpu(uint8_t uid, uint8_t id, uint32_t flags)
{
	acpib_put(&(uint8_t[4]){ 0, 8, uid, id }, 4);
	acpib_put32(flags);
}

static void parse_madt(uint64_t t)
{
	cr_assert_eq(acpib_parse_tables(&t, 1, &info), 0);
	cr_assert(info.has_madt);
}

Test(acpi_bad, madt_entry_length_zero_stops_walk)
{
	uint64_t t = madt_open();

	madt_cpu(0, 0, 1);
	madt_cpu(1, 1, 1);
	acpib_put(&(uint8_t[8]){ 0, 0, 2, 2, 1, 0, 0, 0 }, 8);
	madt_cpu(3, 3, 1);
	acpib_end();
	parse_madt(t);
	expect_warning("MADT entry shorter than 2 bytes");
	cr_assert_eq(info.madt.cpu_count, 2);

	t = madt_open();
	madt_cpu(0, 0, 1);
	acpib_put(&(uint8_t[8]){ 0, 1, 2, 2, 1, 0, 0, 0 }, 8);
	acpib_end();
	parse_madt(t);
	expect_warning("MADT entry shorter than 2 bytes");
	cr_assert_eq(info.madt.cpu_count, 1);
}

Test(acpi_bad, madt_entry_past_end_stops_walk)
{
	uint64_t t = madt_open();

	madt_cpu(0, 0, 1);
	acpib_put(&(uint8_t[8]){ 1, 12, 0, 0, 0, 0, 0xc0, 0xfe }, 8);
	acpib_end();
	parse_madt(t);
	expect_warning("MADT entry runs past the table end");
	cr_assert_eq(info.madt.cpu_count, 1);
	cr_assert_eq(info.madt.ioapic_count, 0);

	t = madt_open();
	madt_cpu(0, 0, 1);
	acpib_put8(0); /* a lone type byte */
	acpib_end();
	parse_madt(t);
	expect_warning("partial entry header");
	cr_assert_eq(info.madt.cpu_count, 1);
}

Test(acpi_bad, madt_entry_too_short_for_type_is_skipped)
{
	uint64_t t = madt_open();

	acpib_put(&(uint8_t[8]){ 1, 8, 0, 0, 0, 0, 0xc0, 0xfe }, 8); /* I/O APIC */
	acpib_put(&(uint8_t[6]){ 9, 6, 0, 0, 1, 0 }, 6);               /* x2APIC */
	madt_cpu(0, 0, 1);
	acpib_end();
	parse_madt(t);
	expect_warning("MADT entry too short for its type; skipped");
	cr_assert_eq(info.madt.ioapic_count, 0);
	cr_assert_eq(info.madt.cpu_count, 1);
}

Test(acpi_bad, madt_too_many_cpus_truncated)
{
	uint64_t t = madt_open();

	for (unsigned i = 0; i < 300; i++) {
		acpib_put(&(uint8_t[4]){ 9, 16, 0, 0 }, 4);
		acpib_put32(i);
		acpib_put32(1);
		acpib_put32(i);
	}
	acpib_end();
	parse_madt(t);
	expect_warning("more than 256 CPUs");
	cr_assert_eq(info.madt.cpu_count, ACPI_CPUS_MAX);
	cr_assert_eq(info.madt.cpus[255].apic_id, 255);
	cr_assert_eq(info.warning_count, 1);
}

Test(acpi_bad, madt_bad_cpu_entries_skipped)
{
	uint64_t t = madt_open();

	madt_cpu(0, 0, 1);
	madt_cpu(1, 0xff, 1); /* broadcast id */
	madt_cpu(2, 0, 1);    /* duplicate */
	acpib_put(&(uint8_t[4]){ 9, 16, 0, 0 }, 4);
	acpib_put32(0);       /* x2APIC entry for the same CPU */
	acpib_put32(1);
	acpib_put32(0);
	acpib_end();
	parse_madt(t);
	expect_warning("broadcast APIC id");
	expect_warning("APIC id twice");
	cr_assert_eq(info.madt.cpu_count, 1);
}

Test(acpi_bad, madt_too_many_ioapics_nmis_and_bad_overrides)
{
	uint64_t t = madt_open();

	for (unsigned i = 0; i < 20; i++) {
		acpib_put(&(uint8_t[4]){ 1, 12, (uint8_t)i, 0 }, 4);
		acpib_put32(0xfec00000 + i * 0x1000);
		acpib_put32(i * 24);
	}
	acpib_put(&(uint8_t[4]){ 1, 12, 99, 0 }, 4); /* address 0 */
	acpib_put32(0);
	acpib_put32(0);
	for (unsigned i = 0; i < 20; i++) {
		acpib_put(&(uint8_t[4]){ 3, 8, 0, 0 }, 4);
		acpib_put32(i);
		acpib_put(&(uint8_t[6]){ 4, 6, (uint8_t)i, 0, 0, 1 }, 6);
	}
	acpib_put(&(uint8_t[6]){ 4, 6, 0, 0, 0, 2 }, 6); /* LINT2 */
	acpib_put(&(uint8_t[4]){ 2, 10, 0, 16 }, 4);      /* IRQ 16 */
	acpib_put32(16);
	acpib_put16(0);
	acpib_put(&(uint8_t[4]){ 2, 10, 1, 3 }, 4);       /* bus 1 */
	acpib_put32(3);
	acpib_put16(0);
	acpib_put(&(uint8_t[4]){ 2, 10, 0, 4 }, 4);       /* reserved polarity */
	acpib_put32(4);
	acpib_put16(0x2);
	acpib_put(&(uint8_t[4]){ 2, 10, 0, 4 }, 4);       /* IRQ 4 again */
	acpib_put32(7);
	acpib_put16(0);
	acpib_end();
	parse_madt(t);
	cr_assert_eq(info.madt.ioapic_count, ACPI_IOAPICS_MAX);
	cr_assert_eq(info.madt.ioapics[15].gsi_base, 15 * 24);
	cr_assert_eq(info.madt.nmi_source_count, ACPI_NMIS_MAX);
	cr_assert_eq(info.madt.lapic_nmi_count, ACPI_NMIS_MAX);
	cr_assert_eq(info.madt.override_count, 1);
	cr_assert_eq(info.madt.overrides[0].gsi, 4);
	cr_assert(!info.madt.overrides[0].active_low);
	expect_warning("more than 16 I/O APICs");
	expect_warning("I/O APIC at address 0");
	expect_warning("more than 16 NMI sources");
	expect_warning("more than 16 local APIC NMIs");
	expect_warning("LINT pin above 1");
	expect_warning("non-ISA IRQ");
	expect_warning("reserved polarity/trigger");
	expect_warning("ISA IRQ twice");
}

Test(acpi_bad, madt_too_short_is_ignored)
{
	uint64_t t;

	acpib_reset();
	t = acpib_begin("APIC", 1);
	acpib_put32(0xfee00000);
	acpib_end();
	cr_assert_eq(acpib_parse_tables(&t, 1, &info), 0);
	expect_warning("MADT shorter than 44 bytes");
	cr_assert(!info.has_madt);
}

Test(acpi_bad, fadt_too_short_for_reset_register)
{
	acpib_build_qemu(&q);
	set32(q.facp, 4, 116);
	acpib_fix(q.facp);
	cr_assert_eq(acpib_parse(q.rsdp_v2, 36, &info), 0);
	expect_warning("FADT too short for the reset register");
	cr_assert(info.has_fadt);
	cr_assert(!info.fadt.has_reset);
	cr_assert_eq(info.fadt.pm1a_cnt.address, 0x604); /* from the port field */
	cr_assert_eq(info.fadt.dsdt, q.dsdt);            /* 32-bit field */
	cr_assert(info.has_s5);

	/* 128 bytes: the GAS is there, the value byte is not. */
	acpib_build_qemu(&q);
	set32(q.facp, 4, 128);
	acpib_fix(q.facp);
	cr_assert_eq(acpib_parse(q.rsdp_v2, 36, &info), 0);
	expect_warning("FADT too short for the reset register");
	cr_assert(!info.fadt.has_reset);
}

Test(acpi_bad, fadt_shorter_than_v1_is_ignored)
{
	acpib_build_qemu(&q);
	set32(q.facp, 4, 100);
	acpib_fix(q.facp);
	cr_assert_eq(acpib_parse(q.rsdp_v2, 36, &info), 0);
	expect_warning("FADT shorter than 116 bytes");
	cr_assert(!info.has_fadt && !info.has_s5);
	cr_assert(info.has_madt);
}

Test(acpi_bad, fadt_reset_register_unusable)
{
	uint8_t gas[12] = { 1, 8, 0, 0 }; /* address 0 */
	uint8_t space = 0x7f;

	acpib_build_qemu(&q);
	acpib_poke(q.facp, 116, gas, 12);
	cr_assert_eq(acpib_parse(q.rsdp_v2, 36, &info), 0);
	expect_warning("reset register unusable");
	cr_assert(!info.fadt.has_reset);

	acpib_build_qemu(&q);
	acpib_poke(q.facp, 116, &space, 1);
	cr_assert_eq(acpib_parse(q.rsdp_v2, 36, &info), 0);
	expect_warning("reset register unusable");
	cr_assert(!info.fadt.has_reset);
}

Test(acpi_bad, fadt_dsdt_problems)
{
	uint64_t x = 0x1000;
	uint32_t zero = 0;

	/* X_DSDT differs (and points nowhere): warned, X_DSDT used. */
	acpib_build_qemu(&q);
	acpib_poke(q.facp, 140, &x, 8);
	cr_assert_eq(acpib_parse(q.rsdp_v2, 36, &info), 0);
	expect_warning("DSDT and X_DSDT differ");
	expect_warning("DSDT/SSDT outside readable memory");
	expect_warning("no usable _S5_");
	cr_assert_eq(info.fadt.dsdt, 0x1000);
	cr_assert(!info.has_s5);

	/* No DSDT at all. */
	acpib_build_qemu(&q);
	x = 0;
	acpib_poke(q.facp, 140, &x, 8);
	acpib_poke(q.facp, 40, &zero, 4);
	cr_assert_eq(acpib_parse(q.rsdp_v2, 36, &info), 0);
	expect_warning("FADT gives no DSDT");
	cr_assert(!info.has_s5);

	/* DSDT with a bad checksum; then with the wrong signature. */
	acpib_build_qemu(&q);
	acpib_at(q.dsdt)[40] ^= 1;
	cr_assert_eq(acpib_parse(q.rsdp_v2, 36, &info), 0);
	expect_warning("DSDT/SSDT checksum bad");
	cr_assert(!info.has_s5);
	acpib_build_qemu(&q);
	acpib_poke(q.dsdt, 0, "SSDT", 4);
	cr_assert_eq(acpib_parse(q.rsdp_v2, 36, &info), 0);
	expect_warning("DSDT/SSDT signature wrong");
	cr_assert(!info.has_s5);
}

/* Parse a DSDT holding aml[0..len). */
static void parse_dsdt(const uint8_t *aml, size_t len)
{
	uint64_t facp;

	acpib_reset();
	facp = acpib_facp(acpib_dsdt(aml, len));
	cr_assert_eq(acpib_parse_tables(&facp, 1, &info), 0);
	cr_assert(info.has_fadt);
}

Test(acpi_bad, s5_truncated_at_every_byte)
{
	const size_t full = acpib_qemu_aml_len;
	const size_t name_end = full - 7; /* just past \_S5_'s name */

	for (size_t n = 0; n < full; n++) {
		parse_dsdt(acpib_qemu_aml, n);
		cr_assert(!info.has_s5, "cut at %zu", n);
		expect_warning("no usable _S5_");
		if (n >= name_end)
			expect_warning("_S5_ object truncated");
	}
	parse_dsdt(acpib_qemu_aml, full);
	cr_assert(info.has_s5);
	cr_assert_eq(info.warning_count, 0);
}

Test(acpi_bad, s5_odd_encodings_not_found)
{
	static const struct { uint8_t aml[16]; size_t len; } cases[] = {
		/* element is a name, a string, a buffer */
		{ { 0x08, '_', 'S', '5', '_', 0x12, 0x07, 0x02, 'A', 'B', 'C', 'D', 0x00 }, 13 },
		{ { 0x08, '_', 'S', '5', '_', 0x12, 0x05, 0x02, 0x0d, 0x00, 0x00 }, 11 },
		/* one element only; zero elements */
		{ { 0x08, '_', 'S', '5', '_', 0x12, 0x03, 0x01, 0x05 }, 9 },
		{ { 0x08, '_', 'S', '5', '_', 0x12, 0x02, 0x00 }, 8 },
		/* PkgLength 0; reserved bits set; longer than the table */
		{ { 0x08, '_', 'S', '5', '_', 0x12, 0x00, 0x02, 0x00, 0x00 }, 10 },
		{ { 0x08, '_', 'S', '5', '_', 0x12, 0x74, 0x00, 0x02, 0x00, 0x00 }, 11 },
		{ { 0x08, '_', 'S', '5', '_', 0x12, 0xc4, 0xff, 0xff, 0xff, 0x02, 0x00, 0x00 }, 13 },
		/* PkgLength too small for its elements */
		{ { 0x08, '_', 'S', '5', '_', 0x12, 0x03, 0x02, 0x0a, 0x05, 0x0a, 0x05 }, 12 },
		/* not a package */
		{ { 0x08, '_', 'S', '5', '_', 0x0a, 0x05 }, 7 },
	};

	for (unsigned i = 0; i < ARRAY_SIZE(cases); i++) {
		parse_dsdt(cases[i].aml, cases[i].len);
		cr_assert(!info.has_s5, "case %u", i);
		expect_warning("_S5_ object truncated or not a plain package");
	}
}

Test(acpi_bad, s5_bad_candidate_then_good_one)
{
	static const uint8_t aml[] = {
		0x08, '_', 'S', '5', '_', 0x0a, 0x05,            /* not a package */
		'_', 'S', '5', '_', 0x12, 0x04, 0x02, 0x01, 0x01, /* no NameOp */
		0x08, '_', 'S', '5', '_', 0x12, 0x04, 0x02, 0x0a, 0x03,
		0x0a, 0x04, /* PkgLength says 4: the second element is cut */
		0x08, '_', 'S', '5', '_', 0x12, 0x06, 0x02, 0x0a, 0x03, 0x0a, 0x04,
	};

	parse_dsdt(aml, sizeof(aml));
	cr_assert(info.has_s5);
	cr_assert_eq(info.s5_slp_typ_a, 3);
	cr_assert_eq(info.s5_slp_typ_b, 4);
	expect_warning("_S5_ object truncated");
}

Test(acpi_bad, hpet_and_mcfg_problems)
{
	uint8_t io = ACPI_GAS_IO;
	uint64_t zero = 0, list[2];
	uint8_t bad_bus[2] = { 9, 3 };

	acpib_build_qemu(&q);
	acpib_poke(q.hpet, 40, &io, 1);
	set32(q.mcfg, 4, 44 + 16 + 5);
	acpib_fix(q.mcfg);
	cr_assert_eq(acpib_parse(q.rsdp_v2, 36, &info), 0);
	expect_warning("HPET not in system memory space");
	expect_warning("MCFG ends in a partial entry");
	cr_assert(!info.has_hpet);
	cr_assert_eq(info.mcfg_count, 1);

	acpib_build_qemu(&q);
	acpib_poke(q.hpet, 44, &zero, 8);
	acpib_poke(q.mcfg, 54, bad_bus, 2);
	cr_assert_eq(acpib_parse(q.rsdp_v2, 36, &info), 0);
	expect_warning("HPET address is 0");
	expect_warning("start bus > end bus");
	cr_assert(!info.has_hpet && !info.has_mcfg);

	acpib_build_qemu(&q);
	set32(q.hpet, 4, 52);
	acpib_fix(q.hpet);
	set32(q.mcfg, 4, 40);
	acpib_fix(q.mcfg);
	cr_assert_eq(acpib_parse(q.rsdp_v2, 36, &info), 0);
	expect_warning("HPET table shorter than 56");
	expect_warning("MCFG shorter than 44");

	acpib_build_qemu(&q);
	list[0] = acpib_begin("MCFG", 1);
	acpib_zero(8);
	for (unsigned i = 0; i < 20; i++) {
		acpib_put64(0xe0000000ull + ((uint64_t)i << 28));
		acpib_put16((uint16_t)i);
		acpib_put8(0);
		acpib_put8(255);
		acpib_put32(0);
	}
	acpib_end();
	list[1] = q.mcfg;
	cr_assert_eq(acpib_parse_tables(list, 2, &info), 0);
	expect_warning("more than 16 windows");
	expect_warning("more than one MCFG");
	cr_assert_eq(info.mcfg_count, ACPI_MCFG_MAX);
}

Test(acpi_bad, warnings_deduplicated_and_bounded)
{
	uint64_t t = madt_open(), list[40];
	unsigned n = 0;

	for (unsigned i = 0; i < 50; i++)
		acpib_put(&(uint8_t[4]){ 1, 4, 0, 0 }, 4); /* too short */
	acpib_end();
	parse_madt(t);
	cr_assert_eq(info.warning_count, 1);
	cr_assert(!info.warnings_truncated);

	/* Many different problems: 16 kept, the rest flagged. */
	acpib_build_qemu(&q);
	list[n++] = 0;                                    /* outside */
	list[n++] = acpib_begin("BAD1", 1);               /* short */
	acpib_end();
	set32(list[n - 1], 4, 20);
	list[n++] = acpib_begin("BAD2", 1);               /* long */
	acpib_end();
	set32(list[n - 1], 4, 0x7fffffff);
	list[n++] = acpib_begin("BAD3", 1);               /* checksum */
	acpib_put32(1);
	acpib_end();
	acpib_at(list[n - 1])[36] = 2;
	t = acpib_begin("APIC", 1);
	acpib_put32(0xfee00000);
	acpib_put32(0);
	acpib_put(&(uint8_t[4]){ 1, 4, 0, 0 }, 4);         /* too short */
	madt_cpu(0, 0xff, 1);                              /* broadcast */
	madt_cpu(0, 1, 1);
	madt_cpu(0, 1, 1);                                 /* twice */
	acpib_put(&(uint8_t[12]){ 1, 12, 0, 0 }, 12);      /* I/O APIC at 0 */
	acpib_put(&(uint8_t[10]){ 2, 10, 0, 20 }, 10);     /* non-ISA */
	acpib_put(&(uint8_t[10]){ 2, 10, 0, 1, 1, 0, 0, 0, 2, 0 }, 10);
	acpib_put(&(uint8_t[10]){ 2, 10, 0, 1 }, 10);      /* twice */
	acpib_put(&(uint8_t[6]){ 4, 6, 0, 0, 0, 7 }, 6);   /* LINT7 */
	acpib_put8(0);                                     /* partial */
	acpib_end();
	list[n++] = t;
	list[n++] = t;                                     /* second MADT */
	list[n++] = acpib_begin("HPET", 1);                /* short */
	acpib_end();
	list[n++] = acpib_begin("MCFG", 1);                /* short */
	acpib_end();
	list[n++] = acpib_begin("FACP", 1);                /* short */
	acpib_end();
	cr_assert_eq(acpib_parse_tables(list, n, &info), 0);
	cr_assert_eq(info.warning_count, ACPI_WARNINGS_MAX);
	cr_assert(info.warnings_truncated);
	for (unsigned i = 0; i < info.warning_count; i++)
		for (unsigned j = 0; j < i; j++)
			cr_assert_neq(info.warnings[i], info.warnings[j]);
}
