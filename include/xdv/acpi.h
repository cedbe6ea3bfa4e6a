/* SPDX-License-Identifier: MIT */
/*
 * ACPI static tables: the firmware's description of the machine (CPUs and
 * interrupt controllers, HPET, PCIe configuration space, reset and
 * soft-off registers), parsed and validated once into struct acpi_info
 * (cpu/acpi_tables.c, cpu/acpi_madt.c, cpu/acpi_aml.c), so no other part of
 * the kernel reads firmware tables.
 *
 * The parser is pure logic: it reaches physical memory only through a
 * caller-supplied struct acpi_mapper, prints nothing and keeps no state, so
 * host unit tests feed it good and malformed tables. Problems it finds are
 * recorded in acpi_info.warnings and printed by acpi_info_print().
 */
#pragma once

#include <xdv/types.h>

#define ACPI_TABLES_MAX    64  /* root table entries kept */
#define ACPI_CPUS_MAX      256
#define ACPI_IOAPICS_MAX   16
#define ACPI_OVERRIDES_MAX 16  /* one per ISA IRQ */
#define ACPI_NMIS_MAX      16  /* each of NMI sources and local APIC NMIs */
#define ACPI_MCFG_MAX      16
#define ACPI_WARNINGS_MAX  16
#define ACPI_TABLE_MAX_LEN (1u << 20) /* refuse a table claiming more */

#define ACPI_RSDP_V1_LEN 20u
#define ACPI_RSDP_V2_LEN 36u

/*
 * How the parser reads physical memory. map(ctx, phys, len) returns a
 * pointer to len readable bytes at phys, or NULL if that range cannot be
 * read. The pointer need only stay valid until the next map call: the
 * parser never holds two mappings at once, so a single temporary window
 * will do.
 */
struct acpi_mapper {
	const void *(*map)(void *ctx, uint64_t phys, size_t len);
	void *ctx;
};

/* Generic Address Structure: where a register lives. */
enum acpi_gas_space {
	ACPI_GAS_MEMORY = 0,
	ACPI_GAS_IO = 1,
	ACPI_GAS_PCI_CONFIG = 2,
};

struct acpi_gas {
	uint8_t space;      /* enum acpi_gas_space, or another ACPI value */
	uint8_t bit_width;
	uint8_t bit_offset;
	uint8_t access_size; /* 0 undefined, 1 byte, 2 word, 3 dword, 4 qword */
	uint64_t address;    /* 0: the register is absent */
};

/* One entry of the RSDT/XSDT. */
struct acpi_table_ref {
	char signature[5]; /* "APIC"; "????" when the header was unreadable */
	uint8_t revision;
	paddr_t phys;
	uint32_t length;
	bool valid;        /* readable, sane length, checksum right */
};

struct acpi_cpu {
	uint32_t apic_id;
	uint32_t uid;           /* ACPI processor UID */
	bool enabled;           /* usable now */
	bool online_capable;    /* disabled, but may be hot-added */
	bool x2apic;            /* from a type 9 (x2APIC) entry */
};

struct acpi_ioapic {
	uint8_t id;
	paddr_t address;
	uint32_t gsi_base;
};

/* MPS INTI flags: polarity in bits 0-1, trigger mode in bits 2-3. */
#define ACPI_MPS_POLARITY_MASK 0x3u
#define ACPI_MPS_ACTIVE_HIGH   0x1u
#define ACPI_MPS_ACTIVE_LOW    0x3u
#define ACPI_MPS_TRIGGER_MASK  0xcu
#define ACPI_MPS_EDGE          0x4u
#define ACPI_MPS_LEVEL         0xcu

/* An ISA IRQ that is not wired to GSI n, edge, active high. */
struct acpi_override {
	uint8_t bus;        /* 0: ISA */
	uint8_t source_irq; /* 0..15 */
	uint32_t gsi;
	uint16_t flags;     /* raw MPS INTI flags */
	bool active_low;    /* flags resolved, "conforms" = ISA default: */
	bool level;         /* active high, edge */
};

/* A GSI wired to NMI (MADT type 3). */
struct acpi_nmi_source {
	uint32_t gsi;
	uint16_t flags;
};

#define ACPI_UID_ALL 0xffffffffu /* a local APIC NMI that applies to all */

/* A local APIC LINT pin wired to NMI (MADT types 4 and 10). */
struct acpi_lapic_nmi {
	uint32_t uid;  /* processor UID, or ACPI_UID_ALL */
	uint16_t flags;
	uint8_t lint;  /* 0 or 1 */
};

struct acpi_madt {
	paddr_t lapic_address; /* after any type 5 (64-bit) override */
	bool pcat_compat;      /* legacy 8259 PICs present */
	struct acpi_cpu cpus[ACPI_CPUS_MAX]; /* enabled or online-capable */
	unsigned cpu_count;
	struct acpi_ioapic ioapics[ACPI_IOAPICS_MAX];
	unsigned ioapic_count;
	struct acpi_override overrides[ACPI_OVERRIDES_MAX];
	unsigned override_count;
	struct acpi_nmi_source nmi_sources[ACPI_NMIS_MAX];
	unsigned nmi_source_count;
	struct acpi_lapic_nmi lapic_nmis[ACPI_NMIS_MAX];
	unsigned lapic_nmi_count;
};

/* FADT flags and IA-PC boot architecture flags used by the kernel. */
#define ACPI_FADT_RESET_REG_SUP (1u << 10)
#define ACPI_FADT_HW_REDUCED    (1u << 20)
#define ACPI_BOOT_LEGACY_DEVICES (1u << 0)
#define ACPI_BOOT_8042           (1u << 1)
#define ACPI_BOOT_VGA_ABSENT     (1u << 2)
#define ACPI_BOOT_CMOS_RTC_ABSENT (1u << 5)

struct acpi_fadt {
	uint8_t revision;
	uint32_t flags;
	bool hw_reduced;
	/* Reset: write reset_value to reset_reg (only when has_reset). */
	bool has_reset;
	struct acpi_gas reset_reg;
	uint8_t reset_value;
	/* PM1 control blocks (X_ fields preferred); address 0 = absent. */
	struct acpi_gas pm1a_cnt, pm1b_cnt;
	uint16_t sci_irq;
	uint32_t smi_cmd;    /* 0: ACPI mode is always on */
	uint8_t acpi_enable; /* value to write to smi_cmd */
	uint8_t century;     /* CMOS index, 0 = none */
	/* IA-PC boot architecture flags (FADT revision >= 3 only). */
	bool has_boot_arch;
	uint16_t boot_arch;
	bool legacy_devices, has_8042, vga_absent, cmos_rtc_absent;
	paddr_t dsdt;        /* X_DSDT preferred; 0 = none */
};

struct acpi_hpet {
	paddr_t address;    /* system memory */
	uint8_t number;
	uint16_t min_tick;  /* main counter minimum periodic tick */
	uint32_t block_id;  /* event timer block ID (comparators, vendor) */
};

/* One PCIe ECAM window: buses start_bus..end_bus of a segment. */
struct acpi_mcfg_entry {
	paddr_t base;       /* address of bus 0 of the segment */
	uint16_t segment;
	uint8_t start_bus, end_bus;
};

struct acpi_info {
	/* RSDP and root table. */
	uint8_t rsdp_revision;   /* 0: ACPI 1.0, >= 2: has an XSDT */
	char oem_id[7];          /* NUL-terminated, unprintables as '?' */
	bool root_is_xsdt;
	paddr_t root_phys;
	struct acpi_table_ref tables[ACPI_TABLES_MAX];
	unsigned table_count;

	bool has_madt, has_fadt, has_hpet, has_mcfg, has_s5;
	struct acpi_madt madt;
	struct acpi_fadt fadt;
	struct acpi_hpet hpet;
	struct acpi_mcfg_entry mcfg[ACPI_MCFG_MAX];
	unsigned mcfg_count;
	uint8_t s5_slp_typ_a, s5_slp_typ_b; /* \_S5_ sleep types (3 bits) */

	/* Problems found while parsing: static strings, oldest first. */
	const char *warnings[ACPI_WARNINGS_MAX];
	unsigned warning_count;
	bool warnings_truncated;
};

/*
 * Check the RSDP in rsdp[0..len): signature, checksum of the first 20
 * bytes and, for revision >= 2, a length of 36..len and the extended
 * checksum over it. *why (if why is non-NULL) gets the reason on failure.
 * Return: 0 if valid, -EINVAL if not.
 */
int __must_check acpi_rsdp_validate(const void *rsdp, size_t len,
				    const char **why);

/*
 * Find a valid RSDP on a 16-byte boundary of area[0..len) (the EBDA's
 * first KiB, or 0xE0000-0xFFFFF), the whole structure inside the area.
 * Return: 0 with its offset in *offset, or -ENOENT.
 */
int __must_check acpi_rsdp_scan(const void *area, size_t len, size_t *offset);

/*
 * Parse the tables reached from the RSDP copy rsdp[0..rsdp_len) into out.
 * The XSDT is used when the RSDP is revision >= 2 with a good extended
 * checksum and a non-zero address, else the RSDT (also when the XSDT is
 * unusable). Each table is read through m, length-capped and checksummed
 * first; a bad one is skipped with a warning, the rest are still used.
 * Context: any; pure, no side effects beyond *out and calls to m.
 * Return: 0 (possibly with warnings), -EINVAL when the RSDP is invalid,
 * -ENOENT when no root table is usable (out then holds the warnings).
 */
int __must_check acpi_parse(const struct acpi_mapper *m, const void *rsdp,
			    size_t rsdp_len, struct acpi_info *out);

/*
 * The index-th valid root table entry with signature sig (4 characters),
 * counting from 0. Return: the entry, or NULL.
 */
const struct acpi_table_ref *acpi_find_table(const struct acpi_info *info,
					     const char *sig, unsigned index);

/* Print a summary of info (tables, CPUs, I/O APICs, HPET...) and warnings. */
void acpi_info_print(const struct acpi_info *info);
