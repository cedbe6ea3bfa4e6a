/* SPDX-License-Identifier: MIT */
/*
 * Intel MultiProcessor Specification (1.4) tables: how a PC without ACPI
 * (or with ACPI switched off) lists its CPUs, I/O APICs and the wiring of
 * the ISA interrupts. The kernel reads them only when ACPI gives no MADT
 * (cpu/mptable_setup.c); the parser (cpu/mptable.c) is pure logic like the
 * ACPI parser: it reads memory only through a struct acpi_mapper, prints
 * nothing and keeps no state, so host unit tests feed it good, truncated
 * and corrupted tables.
 *
 * A table that is wrong anywhere in its structure (checksum, lengths,
 * entries past its end, more CPUs than fit, one APIC id twice) is refused
 * as a whole with the reason in mp_info.error: the kernel then runs on one
 * CPU without I/O APIC rather than on half-understood wiring.
 */
#pragma once

#include <xdv/acpi.h>
#include <xdv/types.h>

#define MP_CPUS_MAX     256 /* APIC ids are 8 bits here */
#define MP_IOAPICS_MAX  16
#define MP_ISA_IRQS     16
#define MP_WARNINGS_MAX 8

#define MP_FPTR_LEN   16u /* the floating pointer structure */
#define MP_HEADER_LEN 44u /* the configuration table header */

struct mp_cpu {
	uint8_t apic_id;
	bool bsp;          /* the processor that runs the BIOS */
	bool sibling;      /* not in the table: added by mptable_add_siblings() */
};

struct mp_ioapic {
	uint8_t id;
	paddr_t address;
};

/* Where an ISA IRQ is wired: pin `pin` of I/O APIC ioapics[ioapic]. */
struct mp_isa_irq {
	bool present;      /* false: not connected to an I/O APIC */
	uint8_t ioapic;    /* index into mp_info.ioapics */
	uint8_t pin;
	uint16_t flags;    /* MPS INTI flags, ACPI_MPS_* in xdv/acpi.h */
};

struct mp_info {
	paddr_t fptr_phys;     /* the "_MP_" floating pointer */
	paddr_t table_phys;    /* the "PCMP" configuration table */
	uint8_t spec_rev;      /* 1: MPS 1.1, 4: MPS 1.4 */
	uint8_t default_config; /* feature byte 1: 0 = a table is present */
	bool imcr_pic_mode;    /* IMCR present: the BIOS left PIC mode on */
	char oem_id[9], product_id[13]; /* NUL-terminated, unprintables as '?' */
	paddr_t lapic_address;
	struct mp_cpu cpus[MP_CPUS_MAX]; /* enabled processors only */
	unsigned cpu_count;
	struct mp_ioapic ioapics[MP_IOAPICS_MAX]; /* enabled ones only */
	unsigned ioapic_count;
	struct mp_isa_irq isa[MP_ISA_IRQS];
	unsigned entry_count;  /* base table entries walked */
	unsigned siblings_added; /* CPUs added by mptable_add_siblings() */

	const char *error;     /* why the table was refused (static string) */
	const char *warnings[MP_WARNINGS_MAX]; /* oddities that were skipped */
	unsigned warning_count;
};

/*
 * Find a valid floating pointer ("_MP_", length 1, checksum, revision 1 or
 * 4) on a 16-byte boundary of area[0..len).
 * Return: 0 with its offset in *offset, or -ENOENT.
 */
int __must_check mptable_fptr_scan(const void *area, size_t len, size_t *offset);

/*
 * Parse the tables whose floating pointer is at physical fptr, through m.
 * Context: any; pure, no side effects beyond *out and calls to m.
 * Return: 0 (possibly with warnings); -EINVAL when the floating pointer or
 * the table is refused (out->error says why); -ENOTSUP for one of the
 * specification's "default configurations" (no table to read).
 */
int __must_check mptable_parse(const struct acpi_mapper *m, paddr_t fptr,
			       struct mp_info *out);

/*
 * Look for the floating pointer where the specification puts it (the
 * first KiB of the EBDA, whose segment the BIOS data area holds at 0x40E;
 * the last KiB of base memory, whose size in KiB is at 0x413; the BIOS ROM
 * 0xF0000-0xFFFFF), reading through m, and parse what it points to.
 * Context: any; pure.
 * Return: as mptable_parse(), or -ENOENT when there is no floating pointer.
 */
int __must_check mptable_find(const struct acpi_mapper *m, struct mp_info *out);

/*
 * The GSI, polarity and trigger of ISA IRQ irq (0..15), given the first
 * GSI of each I/O APIC of info (gsi_base[i] for info->ioapics[i]).
 * "Conforms to the bus" means the ISA default: active high, edge.
 * Return: true if the IRQ is wired to an I/O APIC, false if not.
 */
bool mptable_isa_route(const struct mp_info *info, unsigned irq, const uint32_t *gsi_base,
		       uint32_t *gsi, bool *active_low, bool *level);

/*
 * The layout of APIC ids in a package, from CPUID leaf 0xB: the low
 * smt_shift bits number the threads of a core, the bits up to pkg_shift
 * the cores of the package; threads per core and logical CPUs per package.
 */
struct mp_topology {
	unsigned smt_shift, pkg_shift;
	unsigned threads, logical;
};

/*
 * Some BIOSes (SeaBIOS among them) list only the first logical CPU of each
 * package, leaving its other cores and threads to an OS that reads CPUID.
 * For each enabled CPU that is the first of its package and the only one
 * the table lists there, add the other APIC ids topo gives that package
 * (marked .sibling). A topology that does not fit 8-bit APIC ids, or
 * contradicts itself, adds nothing.
 * Return: the number of CPUs added.
 */
unsigned mptable_add_siblings(struct mp_info *info, const struct mp_topology *topo);
