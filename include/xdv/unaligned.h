/* SPDX-License-Identifier: MIT */
/*
 * Reading the structures firmware and boot loaders hand over (Multiboot2
 * information, ACPI tables, MP tables): little-endian fields at any
 * alignment, and the byte sum their checksums are defined by (a valid
 * structure sums to 0 mod 256). memcpy keeps unaligned loads defined C;
 * the compiler makes each one a single move (x86 only, like all of XDV).
 * Pure: the host unit tests build these too.
 */
#pragma once

#include <xdv/string.h>

static inline uint16_t load_le16(const uint8_t *p)
{
	uint16_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static inline uint32_t load_le32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static inline uint64_t load_le64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

/* The sum of len bytes mod 256. */
static inline uint8_t byte_sum(const uint8_t *p, size_t len)
{
	uint8_t sum = 0;

	while (len--)
		sum += *p++;
	return sum;
}
