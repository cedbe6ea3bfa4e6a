// SPDX-License-Identifier: MIT
/*
 * Host unit tests for cpu/mptable.c on bad MP tables: floating pointers
 * with a wrong checksum, length or revision, or pointing nowhere; tables
 * with a wrong signature or checksum, shorter than their header, running
 * into unreadable memory, cut at every length, with an entry count past
 * their end or an entry of unknown type; too many CPUs, an APIC id twice,
 * no enabled CPU; odd entries that are skipped with a warning; and fixed-
 * seed fuzz loops. A refused table must leave no CPU, and nothing may
 * crash or read outside a mapping (AddressSanitizer, see mp_builder.c).
 */
#include <criterion/criterion.h>
#include <string.h>
#include <xdv/errno.h>
#include <xdv/mptable.h>
#include "cpu/mp_builder.h"
#include "xorshift.h"

static struct mp_info info;

static void expect_refused(int ret, const char *needle)
{
	cr_assert_eq(ret, -EINVAL, "ret %d", ret);
	cr_assert_not_null(info.error);
	cr_assert_not_null(strstr(info.error, needle), "error '%s' lacks '%s'", info.error,
			   needle);
}

static void expect_warning(const char *needle)
{
	if (mpb_has_warning(&info, needle))
		return;
	for (unsigned i = 0; i < info.warning_count; i++)
		cr_log_error("warning: %s", info.warnings[i]);
	cr_assert_fail("no warning containing '%s'", needle);
}

Test(mptable_bad, fptr_with_bad_checksum_length_or_revision_is_not_found)
{
	static const struct { unsigned off; uint8_t xor; } breaks[] = {
		{ 10, 0x01 }, /* checksum */
		{ 0, 0x20 },  /* signature ("_mP_") */
		{ 8, 0x03 },  /* length 2 */
		{ 9, 0x06 },  /* revision 2 */
	};

	for (unsigned i = 0; i < sizeof(breaks) / sizeof(breaks[0]); i++) {
		mpb_seabios(2);
		uint8_t *p = mpb_at(MPB_ROM_FPTR);

		p[breaks[i].off] ^= breaks[i].xor;
		if (breaks[i].off != 10) /* only the field itself is wrong */
			mpb_fptr_fix(MPB_ROM_FPTR);
		cr_assert_eq(mpb_find(&info), -ENOENT, "break %u", i);
		expect_refused(mpb_parse(MPB_ROM_FPTR, &info), "floating pointer invalid");
		cr_assert_eq(info.cpu_count, 0);
	}
}

Test(mptable_bad, fptr_or_table_out_of_reach_is_refused)
{
	mpb_seabios(2);
	expect_refused(mpb_parse(0xFFFFFFF8u, &info), "floating pointer unreadable");
	expect_refused(mpb_parse(0xFFFFFFFFFFFFFFF8ull, &info), "floating pointer unreadable");
	mpb_fptr(MPB_ROM_FPTR, 0xFFFFFFF0u, 0, 0);
	expect_refused(mpb_find(&info), "configuration table unreadable");
	mpb_fptr(MPB_ROM_FPTR, 0, 0, 0);
	expect_refused(mpb_find(&info), "no table address");
	cr_assert_eq(info.cpu_count, 0);
}

Test(mptable_bad, table_bad_signature_or_checksum_is_refused)
{
	mpb_seabios(2);
	mpb_at(MPB_ROM_TABLE)[1] = 'X';
	expect_refused(mpb_find(&info), "signature is not PCMP");
	mpb_seabios(2);
	mpb_at(MPB_ROM_TABLE + 60)[0] ^= 0x10; /* an entry byte */
	expect_refused(mpb_find(&info), "checksum bad");
	cr_assert_eq(info.cpu_count, 0);
}

Test(mptable_bad, table_shorter_than_its_header_is_refused)
{
	for (uint16_t len = 0; len < MP_HEADER_LEN; len++) {
		mpb_seabios(2);
		mpb_set16(MPB_ROM_TABLE, 4, len);
		expect_refused(mpb_find(&info), "shorter than its header");
	}
}

Test(mptable_bad, table_running_into_unreadable_memory_is_refused)
{
	mpb_reset();
	mpb_fptr(MPB_ROM_FPTR, MPB_MEM_SIZE - 64, 0, 0);
	mpb_begin(MPB_MEM_SIZE - 64);
	mpb_cpu(0, 3);
	mpb_end();
	cr_assert_eq(mpb_find(&info), 0); /* 64 bytes: fits exactly */
	mpb_set16(MPB_MEM_SIZE - 64, 4, 65);
	expect_refused(mpb_find(&info), "runs into unreadable memory");
}

Test(mptable_bad, table_cut_at_every_length_is_refused)
{
	mpb_seabios(4);

	uint16_t full;

	memcpy(&full, mpb_at(MPB_ROM_TABLE + 4), 2);
	for (uint16_t len = MP_HEADER_LEN; len < full; len++) {
		mpb_seabios(4);
		mpb_set16(MPB_ROM_TABLE, 4, len);
		int ret = mpb_find(&info);

		cr_assert_eq(ret, -EINVAL, "length %u", len);
		cr_assert(strstr(info.error, "runs past"), "length %u: %s", len, info.error);
		cr_assert_eq(info.cpu_count, 0);
	}
}

Test(mptable_bad, entry_count_past_the_end_is_refused)
{
	mpb_seabios(4);
	mpb_set16(MPB_ROM_TABLE, 34, 4 + 2 + 1 + 1 + 11 + 2 + 1);
	expect_refused(mpb_find(&info), "entry count runs past");
	mpb_set16(MPB_ROM_TABLE, 34, 0xFFFF);
	expect_refused(mpb_find(&info), "entry count runs past");
	/* Fewer entries than the length holds: the rest is padding. */
	mpb_set16(MPB_ROM_TABLE, 34, 4);
	cr_assert_eq(mpb_find(&info), 0);
	cr_assert_eq(info.cpu_count, 4);
	cr_assert_eq(info.ioapic_count, 0);
}

Test(mptable_bad, entry_of_unknown_type_is_refused)
{
	static const uint8_t vendor[8] = { 0x80, 8 };

	mpb_reset();
	mpb_fptr(MPB_ROM_FPTR, MPB_ROM_TABLE, 0, 0);
	mpb_begin(MPB_ROM_TABLE);
	mpb_cpu(0, 3);
	mpb_raw(vendor, sizeof(vendor));
	mpb_end();
	mpb_set16(MPB_ROM_TABLE, 34, 2);
	expect_refused(mpb_find(&info), "unknown type");
}

Test(mptable_bad, too_many_cpus_or_an_apic_id_twice_is_refused)
{
	mpb_reset();
	mpb_fptr(MPB_ROM_FPTR, 0x10000, 0, 0);
	mpb_begin(0x10000);
	for (unsigned i = 0; i < 300; i++) /* ids wrap: 0..255, 0..43 */
		mpb_cpu((uint8_t)i, i == 0 ? 3 : 1);
	mpb_end();
	expect_refused(mpb_find(&info), "same APIC id");
	cr_assert_eq(info.cpu_count, 0);
	/* 256 entries: every id once, 0xff is the broadcast id, skipped. */
	mpb_set16(0x10000, 34, 256);
	cr_assert_eq(mpb_find(&info), 0, "%s", info.error);
	cr_assert_eq(info.cpu_count, 255);
	expect_warning("broadcast APIC id");
}

Test(mptable_bad, no_enabled_cpu_is_refused)
{
	mpb_reset();
	mpb_fptr(MPB_ROM_FPTR, MPB_ROM_TABLE, 0, 0);
	mpb_begin(MPB_ROM_TABLE);
	mpb_cpu(0, 2);
	mpb_cpu(1, 0);
	mpb_end();
	expect_refused(mpb_find(&info), "no enabled CPU");
}

Test(mptable_bad, an_ioapic_id_twice_is_refused)
{
	mpb_reset();
	mpb_fptr(MPB_ROM_FPTR, MPB_ROM_TABLE, 0, 0);
	mpb_begin(MPB_ROM_TABLE);
	mpb_cpu(0, 3);
	mpb_ioapic(2, 1, MPB_IOAPIC);
	mpb_ioapic(2, 1, MPB_IOAPIC + 0x1000);
	mpb_end();
	expect_refused(mpb_find(&info), "same id");
	cr_assert_eq(info.cpu_count, 0);
	cr_assert_eq(info.ioapic_count, 0);
}

Test(mptable_bad, odd_entries_are_skipped_with_a_warning)
{
	mpb_reset();
	mpb_fptr(MPB_ROM_FPTR, 0x10000, 0, 0);
	mpb_begin(0x10000);
	mpb_cpu(0, 1);                        /* no BSP flag anywhere */
	mpb_bus(1, "ISA   ");
	mpb_bus(1, "ISA   ");                 /* declared twice */
	for (unsigned i = 0; i < 18; i++)     /* 18 I/O APICs: 16 kept */
		mpb_ioapic((uint8_t)(i + 1), 1, MPB_IOAPIC + 0x1000 * i);
	mpb_ioapic(30, 1, 0);                 /* at address 0 */
	mpb_intsrc(0, 0, 7, 3, 1, 3);         /* undeclared bus */
	mpb_intsrc(0, 0, 1, 16, 1, 16);       /* ISA IRQ 16 */
	mpb_intsrc(0, 0, 1, 4, 40, 4);        /* unknown I/O APIC */
	mpb_intsrc(0, 0x02, 1, 6, 1, 6);      /* reserved polarity */
	mpb_intsrc(0, 0, 1, 7, 1, 7);
	mpb_intsrc(0, 0, 1, 7, 2, 7);         /* IRQ 7 twice */
	mpb_end();
	cr_assert_eq(mpb_find(&info), 0);
	cr_assert_eq(info.cpu_count, 1);
	cr_assert_eq(info.ioapic_count, MP_IOAPICS_MAX);
	cr_assert(!info.isa[3].present && !info.isa[4].present);
	cr_assert(info.isa[6].present && info.isa[7].present);
	cr_assert_eq(info.isa[7].ioapic, 0);
	cr_assert_eq(info.warning_count, MP_WARNINGS_MAX);
	expect_warning("declared twice");
	expect_warning("more than 16 I/O APICs");
	expect_warning("address 0");
	expect_warning("undeclared bus");
	expect_warning("above 15");
	expect_warning("unknown I/O APIC");
	expect_warning("reserved polarity");
	expect_warning("wired twice");

	uint32_t gsi;
	bool low = true, level = true;
	static const uint32_t bases[MP_IOAPICS_MAX] = { 0 };

	cr_assert(mptable_isa_route(&info, 6, bases, &gsi, &low, &level));
	cr_assert(!low && !level); /* reserved: the ISA default */
}

Test(mptable_bad, no_mapper_is_refused)
{
	struct acpi_mapper none = { 0 };

	cr_assert_eq(mptable_find(&none, &info), -EINVAL);
	cr_assert_eq(mptable_parse(NULL, MPB_ROM_FPTR, &info), -EINVAL);
	cr_assert_not_null(strstr(info.error, "no way to read memory"));
}

/* ---- fuzz ------------------------------------------------------------------ */

static uint64_t rng_state = 0x2545f4914f6cdd1dull;

static uint32_t rng(void)
{
	return (uint32_t)(xorshift64star(&rng_state) >> 32);
}

static void check_invariants(int ret)
{
	cr_assert(ret == 0 || ret == -EINVAL || ret == -ENOENT || ret == -ENOTSUP, "ret %d",
		  ret);
	if (ret) {
		cr_assert_eq(info.cpu_count, 0);
		cr_assert_eq(info.ioapic_count, 0);
		cr_assert(info.error && !strncmp(info.error, "mptable: ", 9));
		return;
	}
	cr_assert_null(info.error);
	cr_assert(info.cpu_count >= 1 && info.cpu_count <= MP_CPUS_MAX);
	cr_assert_leq(info.ioapic_count, MP_IOAPICS_MAX);
	cr_assert_leq(info.warning_count, MP_WARNINGS_MAX);
	for (unsigned i = 0; i < info.warning_count; i++)
		cr_assert(!strncmp(info.warnings[i], "mptable: ", 9));
	for (unsigned i = 0; i < info.cpu_count; i++) {
		cr_assert_neq(info.cpus[i].apic_id, 0xFF);
		for (unsigned j = 0; j < i; j++)
			cr_assert_neq(info.cpus[i].apic_id, info.cpus[j].apic_id);
	}
	for (unsigned irq = 0; irq < MP_ISA_IRQS; irq++)
		if (info.isa[irq].present)
			cr_assert_lt(info.isa[irq].ioapic, info.ioapic_count);
}

/*
 * Mutation fuzz: change a few bytes of SeaBIOS's table (often its lengths,
 * counts and entry types), mostly re-fix the checksum so the damage gets
 * past it, and parse.
 */
Test(mptable_fuzz, mutated_tables_never_crash, .timeout = 120)
{
	unsigned parsed = 0;

	for (unsigned round = 0; round < 8000; round++) {
		mpb_seabios(1 + rng() % 8);

		uint16_t len;

		memcpy(&len, mpb_at(MPB_ROM_TABLE + 4), 2);
		for (unsigned n = 1 + rng() % 4; n; n--) {
			unsigned pick = rng() % 4;
			uint32_t off = pick == 0 ? 4 + rng() % 2		/* length */
				     : pick == 1 ? 34 + rng() % 2		/* count */
				     : rng() % (len + 8u);			/* anywhere */

			mpb_at(MPB_ROM_TABLE + off)[0] = (uint8_t)rng();
		}
		if (rng() % 8)
			mpb_fix(MPB_ROM_TABLE);
		if (rng() % 16 == 0)
			mpb_at(MPB_ROM_FPTR + rng() % 16)[0] ^= (uint8_t)(1 + rng() % 255);
		int ret = mpb_find(&info);

		check_invariants(ret);
		parsed += ret == 0;
	}
	cr_log_info("%u of 8000 mutated tables parsed", parsed);
	cr_assert_gt(parsed, 500); /* the fuzz reaches the entry walk */
}

/* Random bytes all over the BIOS ROM, with floating pointers and table
 * signatures sprinkled in, some valid, pointing anywhere. */
Test(mptable_fuzz, random_bytes_never_crash, .timeout = 120)
{
	for (unsigned round = 0; round < 300; round++) {
		mpb_reset();
		for (uint32_t a = 0xF0000; a < 0x100000; a += 4) {
			uint32_t v = rng();

			memcpy(mpb_at(a), &v, 4);
		}
		for (unsigned n = 0; n < 8; n++) {
			uint32_t table = 0xF0000 + (rng() % 0xFFF0 & ~3u);
			uint32_t fptr = 0xF0000 + (rng() % 0xFFF & ~15u) * 16 % 0x10000;

			memcpy(mpb_at(table), "PCMP", 4);
			if (rng() % 2)
				mpb_fix(table);
			mpb_fptr(fptr, rng() % 4 ? table : rng(), 0, 0);
		}
		check_invariants(mpb_find(&info));
	}
}
