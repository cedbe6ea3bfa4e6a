// SPDX-License-Identifier: MIT
/*
 * The \_S5_ (soft-off) object, found in a DSDT or SSDT without an AML
 * interpreter: turning the machine off means writing SLP_TYPa/SLP_TYPb |
 * SLP_EN to the PM1a/PM1b control registers, and those two values are the
 * first elements of the package that Name(_S5_, Package(){...}) defines.
 *
 * The search is a pattern match on the AML byte stream (ACPI
 * specification, "ACPI Machine Language (AML) Specification"):
 *
 *   NameOp 0x08, optional '\' or '^'..., "_S5_", PackageOp 0x12,
 *   PkgLength (1-4 bytes), NumElements, then each element as ZeroOp 0x00,
 *   OneOp 0x01, OnesOp 0xff, or BytePrefix 0x0a / WordPrefix 0x0b /
 *   DWordPrefix 0x0c / QWordPrefix 0x0e and the value.
 *
 * The pattern could in principle match inside unrelated bytes, so every
 * candidate must decode completely inside the package and the table; one
 * that does not is skipped with a warning and the search goes on. Nothing
 * is read outside t[0..len).
 *
 * Pure logic, like the rest of the parser. Locking: none.
 */
#include <xdv/errno.h>
#include "acpi_internal.h"

#define AML_NAME_OP    0x08
#define AML_PACKAGE_OP 0x12
#define AML_ZERO_OP    0x00
#define AML_ONE_OP     0x01
#define AML_ONES_OP    0xff
#define AML_BYTE_PREFIX  0x0a
#define AML_WORD_PREFIX  0x0b
#define AML_DWORD_PREFIX 0x0c
#define AML_QWORD_PREFIX 0x0e

#define SLP_TYP_MASK 0x7u /* SLP_TYPx is 3 bits of PM1_CNT */

/*
 * Decode one integer element at t[*pos], which must end by end.
 * Return: true with *val and *pos advanced, false if not decodable.
 */
static bool aml_read_integer(const uint8_t *t, uint32_t *pos, uint32_t end,
			     uint64_t *val)
{
	uint32_t p = *pos, size;

	if (p >= end)
		return false;
	switch (t[p]) {
	case AML_ZERO_OP:
		*val = 0;
		size = 0;
		break;
	case AML_ONE_OP:
		*val = 1;
		size = 0;
		break;
	case AML_ONES_OP:
		*val = UINT64_MAX;
		size = 0;
		break;
	case AML_BYTE_PREFIX:
		size = 1;
		break;
	case AML_WORD_PREFIX:
		size = 2;
		break;
	case AML_DWORD_PREFIX:
		size = 4;
		break;
	case AML_QWORD_PREFIX:
		size = 8;
		break;
	default:
		return false;
	}
	if (size) {
		if (end - p - 1 < size)
			return false;
		*val = 0;
		memcpy(val, t + p + 1, size); /* little-endian, like x86 */
	}
	*pos = p + 1 + size;
	return true;
}

/*
 * Decode a PkgLength at t[*pos] (before end). Its value counts from the
 * PkgLength's own first byte. Return: true with *pkg_end and *pos set.
 */
static bool aml_read_pkg_length(const uint8_t *t, uint32_t *pos, uint32_t end,
				uint32_t *pkg_end)
{
	uint32_t p = *pos, len, extra;
	uint8_t lead;

	if (p >= end)
		return false;
	lead = t[p];
	extra = lead >> 6;
	if (end - p - 1 < extra)
		return false;
	if (!extra) {
		len = lead & 0x3f;
	} else {
		if (lead & 0x30) /* bits 4-5 reserved in the multi-byte form */
			return false;
		len = lead & 0x0f;
		for (uint32_t i = 0; i < extra; i++)
			len |= (uint32_t)t[p + 1 + i] << (4 + 8 * i);
	}
	if (len < 1 + extra || len > end - p)
		return false;
	*pkg_end = p + len;
	*pos = p + 1 + extra;
	return true;
}

/* Decode the package after "_S5_" at t[pos]. Return: true if well formed. */
static bool aml_decode_s5(struct acpi_info *out, const uint8_t *t,
			  uint32_t pos, uint32_t len)
{
	uint32_t pkg_end;
	uint64_t a, b;

	if (pos >= len || t[pos] != AML_PACKAGE_OP)
		return false;
	pos++;
	if (!aml_read_pkg_length(t, &pos, len, &pkg_end))
		return false;
	if (pos >= pkg_end || t[pos] < 2) /* NumElements */
		return false;
	pos++;
	if (!aml_read_integer(t, &pos, pkg_end, &a) ||
	    !aml_read_integer(t, &pos, pkg_end, &b))
		return false;
	if (a > SLP_TYP_MASK || b > SLP_TYP_MASK)
		acpi_warn(out, "acpi: _S5_ sleep type wider than 3 bits; masked");
	out->s5_slp_typ_a = (uint8_t)(a & SLP_TYP_MASK);
	out->s5_slp_typ_b = (uint8_t)(b & SLP_TYP_MASK);
	out->has_s5 = true;
	return true;
}

/* Is "_S5_" at t[i] (i >= start) the name of a NameOp? */
static bool aml_is_s5_name(const uint8_t *t, uint32_t start, uint32_t i)
{
	uint32_t j = i;

	if (j > start && t[j - 1] == '\\') {
		j--;
	} else {
		while (j > start && t[j - 1] == '^')
			j--;
	}
	return j > start && t[j - 1] == AML_NAME_OP;
}

/*
 * Find Name(_S5_, Package(){...}) in the AML of t[0..len) (see
 * acpi_internal.h). Context: called by acpi_parse() only.
 * Return: 0 with out->has_s5 set, or -ENOENT.
 */
int acpi_aml_find_s5(struct acpi_info *out, const uint8_t *t, uint32_t len)
{
	uint32_t start = ACPI_HDR_LEN;

	if (len < start + 4)
		return -ENOENT;
	for (uint32_t i = start; i <= len - 4; i++) {
		if (memcmp(t + i, "_S5_", 4) != 0 || !aml_is_s5_name(t, start, i))
			continue;
		if (aml_decode_s5(out, t, i + 4, len))
			return 0;
		acpi_warn(out, "acpi: _S5_ object truncated or not a plain package; ignored");
	}
	return -ENOENT;
}
