// SPDX-License-Identifier: MIT
/*
 * Host unit tests for cpu/mptable.c on well-formed MP tables: SeaBIOS's
 * layout found in the BIOS ROM, the EBDA and the last KiB of base memory
 * searched first, the ISA IRQ wiring resolved to GSIs with polarity and
 * trigger, PCI interrupts kept apart, and the package siblings a
 * one-CPU-per-package table leaves out added from a CPUID topology.
 */
#include <criterion/criterion.h>
#include <string.h>
#include <xdv/errno.h>
#include <xdv/mptable.h>
#include "cpu/mp_builder.h"

static struct mp_info info;
static const uint32_t base0[MP_IOAPICS_MAX] = { 0, 24 };

static void expect_route(unsigned irq, uint32_t want_gsi, bool want_low, bool want_level)
{
	uint32_t gsi = 0;
	bool low = !want_low, level = !want_level;

	cr_assert(mptable_isa_route(&info, irq, base0, &gsi, &low, &level), "IRQ %u", irq);
	cr_assert_eq(gsi, want_gsi, "IRQ %u", irq);
	cr_assert_eq(low, want_low, "IRQ %u", irq);
	cr_assert_eq(level, want_level, "IRQ %u", irq);
}

Test(mptable, seabios_table_in_bios_rom_is_found_and_parsed)
{
	uint32_t gsi;
	bool low, level;

	mpb_seabios(4);
	cr_assert_eq(mpb_find(&info), 0);
	cr_assert_null(info.error);
	cr_assert_eq(info.warning_count, 0);
	cr_assert_eq(info.fptr_phys, MPB_ROM_FPTR);
	cr_assert_eq(info.table_phys, MPB_ROM_TABLE);
	cr_assert_eq(info.spec_rev, 4);
	cr_assert_str_eq(info.oem_id, "BOCHSCPU");
	cr_assert_str_eq(info.product_id, "0.1");
	cr_assert_eq(info.lapic_address, 0xFEE00000u);
	cr_assert(!info.imcr_pic_mode);
	cr_assert_eq(info.cpu_count, 4);
	for (unsigned i = 0; i < 4; i++) {
		cr_assert_eq(info.cpus[i].apic_id, i);
		cr_assert_eq(info.cpus[i].bsp, i == 0);
		cr_assert(!info.cpus[i].sibling);
	}
	cr_assert_eq(info.ioapic_count, 1);
	cr_assert_eq(info.ioapics[0].id, 0);
	cr_assert_eq(info.ioapics[0].address, MPB_IOAPIC);
	cr_assert_eq(info.entry_count, 4 + 2 + 1 + 1 + 11 + 2);
	expect_route(0, 2, false, false);
	expect_route(1, 1, false, false);
	expect_route(15, 15, false, false);
	static const unsigned unwired[] = { 2, 5, 9, 10, 11, 16 };

	for (unsigned i = 0; i < sizeof(unwired) / sizeof(unwired[0]); i++)
		cr_assert(!mptable_isa_route(&info, unwired[i], base0, &gsi, &low, &level),
			  "IRQ %u is not wired", unwired[i]);
}

Test(mptable, ebda_is_searched_before_the_bios_rom)
{
	mpb_seabios(4);
	/* A second, 2-CPU table pointed to from the EBDA's first KiB. */
	mpb_fptr(MPB_EBDA + 0x100, 0x9000, 0, 0);
	mpb_begin(0x9000);
	mpb_cpu(0, 3);
	mpb_cpu(1, 1);
	mpb_end();
	cr_assert_eq(mpb_find(&info), 0);
	cr_assert_eq(info.fptr_phys, MPB_EBDA + 0x100);
	cr_assert_eq(info.cpu_count, 2);
	cr_assert_eq(info.ioapic_count, 0);
}

Test(mptable, last_kib_of_base_memory_is_searched_without_an_ebda)
{
	static const uint16_t base_kib[] = { 639, 0, 700, 100 }; /* bad: 640 assumed */

	for (unsigned i = 0; i < sizeof(base_kib) / sizeof(base_kib[0]); i++) {
		uint32_t fptr = base_kib[i] == 639 ? 0x9F800 + 0x3F0 : 0x9FC00 + 0x3F0;

		mpb_reset();
		memset(mpb_at(0x40E), 0, 2);            /* no EBDA */
		memcpy(mpb_at(0x413), &base_kib[i], 2);
		mpb_fptr(fptr, 0x9000, 0, 0);
		mpb_begin(0x9000);
		mpb_cpu(0, 3);
		mpb_end();
		cr_assert_eq(mpb_find(&info), 0, "base %u KiB", base_kib[i]);
		cr_assert_eq(info.fptr_phys, fptr);
	}
}

Test(mptable, ebda_pointer_outside_its_range_is_not_followed)
{
	mpb_reset();
	memcpy(mpb_at(0x40E), &(uint16_t){ 0x1000 }, 2); /* EBDA "at" 0x10000 */
	mpb_fptr(0x10000, 0x9000, 0, 0);
	mpb_begin(0x9000);
	mpb_cpu(0, 3);
	mpb_end();
	cr_assert_eq(mpb_find(&info), -ENOENT);
	cr_assert_str_eq(info.error, "mptable: no MP floating pointer");
	cr_assert_eq(mpb_parse(0x10000, &info), 0); /* the table itself is fine */
}

Test(mptable, no_floating_pointer_gives_enoent)
{
	mpb_reset();
	cr_assert_eq(mpb_find(&info), -ENOENT);
	cr_assert_eq(info.cpu_count, 0);
}

Test(mptable, isa_irqs_resolve_to_gsis_of_the_right_ioapic)
{
	mpb_reset();
	mpb_fptr(MPB_ROM_FPTR, MPB_ROM_TABLE, 0, 0x80); /* IMCR: PIC mode */
	mpb_begin(MPB_ROM_TABLE);
	mpb_cpu(0, 3);
	mpb_bus(3, "EISA  ");
	mpb_bus(0, "PCI   ");
	mpb_ioapic(8, 1, MPB_IOAPIC);
	mpb_ioapic(9, 1, MPB_IOAPIC + 0x1000);
	mpb_ioapic(10, 0, MPB_IOAPIC + 0x2000);            /* disabled: left out */
	mpb_intsrc(0, 0x0F, 3, 4, 9, 3);                    /* low, level */
	mpb_intsrc(0, 0x05, 3, 6, 8, 6);                    /* high, edge, stated */
	mpb_intsrc(0, 0x00, 3, 7, 0xFF, 7);                 /* every I/O APIC */
	mpb_intsrc(3, 0x00, 3, 0, 8, 0);                    /* ExtINT: not a route */
	mpb_intsrc(1, 0x00, 3, 1, 8, 1);                    /* NMI: not a route */
	mpb_intsrc(0, 0x0F, 0, 1, 8, 16);                   /* PCI bus: not ISA */
	mpb_end();
	cr_assert_eq(mpb_find(&info), 0);
	cr_assert(info.imcr_pic_mode);
	cr_assert_eq(info.ioapic_count, 2);
	cr_assert_eq(info.ioapics[1].id, 9);
	expect_route(4, 24 + 3, true, true);
	expect_route(6, 6, false, false);
	expect_route(7, 7, false, false);
	cr_assert(!info.isa[0].present && !info.isa[1].present);
	cr_assert_eq(info.warning_count, 0);
}

Test(mptable, disabled_cpus_are_left_out)
{
	mpb_reset();
	mpb_fptr(MPB_ROM_FPTR, MPB_ROM_TABLE, 0, 0);
	mpb_begin(MPB_ROM_TABLE);
	mpb_cpu(0, 3);
	mpb_cpu(1, 0);
	mpb_cpu(2, 1);
	mpb_end();
	cr_assert_eq(mpb_find(&info), 0);
	cr_assert_eq(info.cpu_count, 2);
	cr_assert_eq(info.cpus[1].apic_id, 2);
}

Test(mptable, default_configuration_gives_enotsup)
{
	mpb_reset();
	mpb_fptr(MPB_ROM_FPTR, 0, 5, 0);
	cr_assert_eq(mpb_find(&info), -ENOTSUP);
	cr_assert_not_null(strstr(info.error, "default configuration"));
	cr_assert_eq(info.cpu_count, 0);
}

static void expect_ids(const uint8_t *want, unsigned n)
{
	cr_assert_eq(info.cpu_count, n);
	for (unsigned i = 0; i < n; i++)
		cr_assert_eq(info.cpus[i].apic_id, want[i], "CPU %u", i);
}

Test(mptable, siblings_of_one_cpu_per_package_tables_are_added)
{
	/* SeaBIOS with -smp 8,sockets=2,cores=2,threads=2: ids 0 and 4 listed. */
	const struct mp_topology topo = { .smt_shift = 1, .pkg_shift = 2, .threads = 2,
					  .logical = 4 };
	static const uint8_t want[] = { 0, 4, 1, 2, 3, 5, 6, 7 };

	mpb_reset();
	mpb_fptr(MPB_ROM_FPTR, MPB_ROM_TABLE, 0, 0);
	mpb_begin(MPB_ROM_TABLE);
	mpb_cpu(0, 3);
	mpb_cpu(4, 1);
	mpb_end();
	cr_assert_eq(mpb_find(&info), 0);
	cr_assert_eq(mptable_add_siblings(&info, &topo), 6);
	cr_assert_eq(info.siblings_added, 6);
	expect_ids(want, 8);
	cr_assert(!info.cpus[1].sibling && info.cpus[2].sibling && !info.cpus[2].bsp);
	/* A second call finds every package complete. */
	cr_assert_eq(mptable_add_siblings(&info, &topo), 0);
}

Test(mptable, three_cores_leave_the_fourth_id_out)
{
	const struct mp_topology topo = { .smt_shift = 0, .pkg_shift = 2, .threads = 1,
					  .logical = 3 };
	static const uint8_t want[] = { 0, 1, 2 };

	mpb_seabios(1);
	cr_assert_eq(mpb_find(&info), 0);
	cr_assert_eq(mptable_add_siblings(&info, &topo), 2);
	expect_ids(want, 3);
}

Test(mptable, tables_listing_every_cpu_get_no_siblings)
{
	const struct mp_topology topo = { .smt_shift = 0, .pkg_shift = 2, .threads = 1,
					  .logical = 4 };

	mpb_seabios(4);
	cr_assert_eq(mpb_find(&info), 0);
	cr_assert_eq(mptable_add_siblings(&info, &topo), 0);
	cr_assert_eq(info.cpu_count, 4);
	/* Only the package's second CPU listed: not the first, left alone. */
	mpb_reset();
	mpb_fptr(MPB_ROM_FPTR, MPB_ROM_TABLE, 0, 0);
	mpb_begin(MPB_ROM_TABLE);
	mpb_cpu(1, 3);
	mpb_end();
	cr_assert_eq(mpb_find(&info), 0);
	cr_assert_eq(mptable_add_siblings(&info, &topo), 0);
}

Test(mptable, impossible_topologies_add_nothing)
{
	static const struct mp_topology bad[] = {
		{ .smt_shift = 2, .pkg_shift = 1, .threads = 1, .logical = 2 }, /* shifts */
		{ .smt_shift = 1, .pkg_shift = 9, .threads = 2, .logical = 4 }, /* > 8 bits */
		{ .smt_shift = 1, .pkg_shift = 2, .threads = 3, .logical = 3 }, /* threads */
		{ .smt_shift = 1, .pkg_shift = 2, .threads = 2, .logical = 5 }, /* ragged */
		{ .smt_shift = 0, .pkg_shift = 2, .threads = 1, .logical = 5 }, /* cores */
		{ .smt_shift = 0, .pkg_shift = 2, .threads = 0, .logical = 4 }, /* zero */
	};

	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		mpb_seabios(1);
		cr_assert_eq(mpb_find(&info), 0);
		cr_assert_eq(mptable_add_siblings(&info, &bad[i]), 0, "topology %u", i);
		cr_assert_eq(info.cpu_count, 1);
	}
}

Test(mptable, siblings_stop_below_the_broadcast_id)
{
	const struct mp_topology topo = { .smt_shift = 0, .pkg_shift = 8, .threads = 1,
					  .logical = 256 };

	mpb_seabios(1);
	cr_assert_eq(mpb_find(&info), 0);
	cr_assert_eq(mptable_add_siblings(&info, &topo), 254);
	cr_assert_eq(info.cpu_count, 255);
	for (unsigned i = 0; i < info.cpu_count; i++)
		cr_assert_neq(info.cpus[i].apic_id, 0xFF);
}
