/* SPDX-License-Identifier: MIT */
/*
 * ACPI table builder for the host tests of acpi_parse(): lays tables out in
 * a fake physical memory window the way QEMU's firmware does, fixes their
 * lengths and checksums, and parses through a mapper that refuses ranges
 * outside the window and hands out an exact-size heap copy per call (freed
 * on the next call), so AddressSanitizer catches any read past a mapping
 * and any use of a stale one.
 */
#pragma once

#include <xdv/acpi.h>

#define ACPIB_BASE     0x7fe0000ull     /* where the fake window starts */
#define ACPIB_MEM_SIZE (256u * 1024u)

/* Addresses of the tables acpib_build_qemu() lays out. */
struct acpib_qemu {
	uint64_t dsdt, facp, apic, hpet, mcfg, waet, rsdt, xsdt;
	uint8_t rsdp_v0[20];
	uint8_t rsdp_v2[36];
};

void acpib_reset(void);

/* Open a table at the next 16-byte boundary; returns its address. */
uint64_t acpib_begin(const char *sig, uint8_t revision);
void acpib_put(const void *p, size_t n);
void acpib_put8(uint8_t v);
void acpib_put16(uint16_t v);
void acpib_put32(uint32_t v);
void acpib_put64(uint64_t v);
void acpib_gas(uint8_t space, uint8_t width, uint8_t access, uint64_t addr);
void acpib_zero(size_t n);
/* Close the open table: write its length and checksum. */
void acpib_end(void);

/* The bytes at phys (inside the window) for tweaking. */
uint8_t *acpib_at(uint64_t phys);
/* Recompute the checksum of the table at phys from its length field. */
void acpib_fix(uint64_t phys);
/* Overwrite len bytes of the table at phys + off, then fix its checksum. */
void acpib_poke(uint64_t phys, uint32_t off, const void *p, size_t len);

/* The RSDP bytes (v0: 20 bytes, v2: 36 bytes), checksums included. */
void acpib_rsdp(uint8_t *r, uint8_t revision, uint32_t rsdt, uint64_t xsdt);
uint64_t acpib_root(bool xsdt, const uint64_t *tables, unsigned n);

/* Tables as QEMU (pc machine, 4 CPUs) builds them. */
uint64_t acpib_dsdt(const uint8_t *aml, size_t len);
uint64_t acpib_facp(uint64_t dsdt);
uint64_t acpib_apic_qemu(unsigned cpus);
uint64_t acpib_hpet(void);
uint64_t acpib_mcfg(void);
void acpib_build_qemu(struct acpib_qemu *q);
extern const uint8_t acpib_qemu_aml[];
extern const size_t acpib_qemu_aml_len;

/* Parse through the checking mapper; counts its calls. */
int acpib_parse(const void *rsdp, size_t len, struct acpi_info *out);
/* Parse with an XSDT listing tables[0..n) and a v2 RSDP. */
int acpib_parse_tables(const uint64_t *tables, unsigned n,
		       struct acpi_info *out);
extern unsigned acpib_map_calls, acpib_map_refused;

/* Does a warning of info contain needle? */
bool acpib_has_warning(const struct acpi_info *info, const char *needle);
