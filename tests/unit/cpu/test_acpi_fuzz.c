// SPDX-License-Identifier: MIT
/*
 * Fuzz tests for acpi_parse(): fixed-seed loops that mutate the QEMU-like
 * tables of acpi_builder.c (mostly re-fixing the checksums so the damage
 * reaches the table parsers) or fill the fake memory with random bytes and
 * scattered table signatures. Nothing may crash or trip ASan/UBSan, and the
 * result must keep its invariants: bounded counts, static "acpi: "
 * warnings, unique APIC ids, 3-bit sleep types.
 */
#include <criterion/criterion.h>
#include <string.h>
#include <xdv/acpi.h>
#include <xdv/errno.h>
#include "cpu/acpi_builder.h"
#include "xorshift.h"

static struct acpib_qemu q;
static struct acpi_info info;

/* A small fixed-seed generator (xorshift64*), so failures reproduce. */
static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint32_t rng(void)
{
	return (uint32_t)(xorshift64star(&rng_state) >> 32);
}

static void check_invariants(int ret)
{
	const struct acpi_madt *madt = &info.madt;

	cr_assert(ret == 0 || ret == -EINVAL || ret == -ENOENT);
	cr_assert_leq(info.warning_count, ACPI_WARNINGS_MAX);
	for (unsigned i = 0; i < info.warning_count; i++)
		cr_assert(info.warnings[i] && !strncmp(info.warnings[i], "acpi: ", 6));
	cr_assert_leq(info.table_count, ACPI_TABLES_MAX);
	cr_assert_leq(madt->cpu_count, ACPI_CPUS_MAX);
	cr_assert_leq(madt->ioapic_count, ACPI_IOAPICS_MAX);
	cr_assert_leq(madt->override_count, ACPI_OVERRIDES_MAX);
	cr_assert_leq(madt->nmi_source_count, ACPI_NMIS_MAX);
	cr_assert_leq(madt->lapic_nmi_count, ACPI_NMIS_MAX);
	cr_assert_leq(info.mcfg_count, ACPI_MCFG_MAX);
	cr_assert_leq(info.s5_slp_typ_a, 7);
	cr_assert_leq(info.s5_slp_typ_b, 7);
	for (unsigned i = 0; i < madt->override_count; i++)
		cr_assert_lt(madt->overrides[i].source_irq, 16);
	for (unsigned i = 0; i < madt->cpu_count; i++)
		for (unsigned j = 0; j < i; j++)
			cr_assert_neq(madt->cpus[i].apic_id, madt->cpus[j].apic_id);
	if (ret)
		cr_assert(!info.has_madt && !info.has_fadt && info.warning_count);
}

/*
 * Mutation fuzz: start from the QEMU tables, change a few bytes (often in
 * lengths, counts and entry headers), mostly re-fix the checksums so the
 * damage gets past them, and parse. Nothing may crash or trip ASan/UBSan.
 */
Test(acpi_fuzz, mutated_tables_never_crash, .timeout = 120)
{
	static uint8_t snapshot[4096];
	uint64_t tables[8];
	unsigned parsed_madt = 0, found_s5 = 0;

	acpib_build_qemu(&q);
	memcpy(snapshot, acpib_at(ACPIB_BASE), sizeof(snapshot));
	tables[0] = q.dsdt;
	tables[1] = q.facp;
	tables[2] = q.apic;
	tables[3] = q.hpet;
	tables[4] = q.mcfg;
	tables[5] = q.waet;
	tables[6] = q.rsdt;
	tables[7] = q.xsdt;

	for (unsigned iter = 0; iter < 20000; iter++) {
		uint8_t *mem = acpib_at(ACPIB_BASE);
		uint8_t r[36];
		unsigned flips = 1 + rng() % 8;
		bool v2 = rng() & 1;
		int ret;

		memcpy(mem, snapshot, sizeof(snapshot));
		memcpy(r, v2 ? q.rsdp_v2 : q.rsdp_v0, v2 ? 36 : 20);
		for (unsigned k = 0; k < flips; k++) {
			uint64_t t = tables[rng() % 8];
			uint32_t len, off;

			memcpy(&len, acpib_at(t) + 4, 4);
			switch (rng() % 4) {
			case 0: /* a byte of the length field */
				acpib_at(t)[4 + rng() % 4] = (uint8_t)rng();
				break;
			case 1: /* an entry header byte or count-like value */
				off = 36 + rng() % (len > 36 && len < 4096 ? len - 36 : 64);
				if (t - ACPIB_BASE + off < sizeof(snapshot))
					acpib_at(t)[off] =
						(uint8_t)(rng() % 3 ? rng() % 16 : rng());
				break;
			default: /* anywhere in the window's used part */
				mem[rng() % sizeof(snapshot)] = (uint8_t)rng();
				break;
			}
		}
		if (rng() % 4)
			for (unsigned k = 0; k < 8; k++)
				acpib_fix(tables[k]);
		if (rng() % 16 == 0)
			r[rng() % (v2 ? 36 : 20)] = (uint8_t)rng();
		ret = acpib_parse(r, v2 ? 36 : 20, &info);
		check_invariants(ret);
		parsed_madt += info.has_madt;
		found_s5 += info.has_s5;
	}
	/* The fuzzer must mostly get past the checksums to be worth it. */
	cr_assert_gt(parsed_madt, 5000);
	cr_assert_gt(found_s5, 5000);
}

/* Random bytes everywhere, with signatures sprinkled in; no checksums. */
Test(acpi_fuzz, random_bytes_never_crash, .timeout = 120)
{
	static const char *const sigs[] = { "APIC", "FACP", "HPET", "MCFG",
					    "DSDT", "SSDT", "XSDT", "RSDT" };

	static uint8_t noise[8192];

	for (unsigned iter = 0; iter < 5000; iter++) {
		uint8_t *mem;
		uint8_t r[36];
		uint64_t list[6];
		int ret;

		acpib_reset();
		for (unsigned i = 0; i < sizeof(noise); i++)
			noise[i] = (uint8_t)rng();
		acpib_put(noise, sizeof(noise)); /* later tables go after it */
		mem = acpib_at(ACPIB_BASE);
		for (unsigned i = 0; i < 6; i++) {
			uint32_t off = (rng() % 7800) & ~15u;
			uint32_t len = 36 + rng() % 400;

			memcpy(mem + off, sigs[rng() % 8], 4);
			memcpy(mem + off + 4, &len, 4);
			list[i] = ACPIB_BASE + off;
			acpib_fix(list[i]);
		}
		acpib_rsdp(r, 2, (uint32_t)list[0], acpib_root(true, list, 6));
		ret = acpib_parse(r, 36, &info);
		check_invariants(ret);
	}
}
