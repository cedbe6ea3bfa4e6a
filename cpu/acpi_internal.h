/* SPDX-License-Identifier: MIT */
/*
 * Private to the ACPI table parser (cpu/acpi_tables.c, cpu/acpi_madt.c,
 * cpu/acpi_aml.c): table layout constants and the warning list.
 */
#pragma once

#include <xdv/acpi.h>
#include <xdv/string.h>
#include <xdv/unaligned.h>

#define ACPI_HDR_LEN 36u /* signature, length, revision, checksum, OEM... */

/* Record a static warning string once (cpu/acpi_tables.c). */
void acpi_warn(struct acpi_info *out, const char *msg);

/* Parse a checksummed MADT of len bytes (cpu/acpi_madt.c). */
void acpi_madt_parse(struct acpi_info *out, const uint8_t *t, uint32_t len);

/*
 * Look for Name(_S5_, Package(){a, b, ...}) in the AML of a checksummed
 * DSDT or SSDT t[0..len) (cpu/acpi_aml.c).
 * Return: 0 with out->has_s5 and the sleep types set, -ENOENT when the
 * table has no well-formed _S5_ (a malformed one also warns).
 */
int acpi_aml_find_s5(struct acpi_info *out, const uint8_t *t, uint32_t len);
