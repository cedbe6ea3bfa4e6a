/* SPDX-License-Identifier: MIT */
/*
 * MP table builder for the host tests of cpu/mptable.c: lays out the first
 * MiB of a fake PC (BIOS data area, EBDA, BIOS ROM) with floating pointers
 * and configuration tables the way SeaBIOS does, fixes lengths, counts and
 * checksums, and parses through a mapper that refuses anything outside
 * that MiB and hands out an exact-size heap copy per call (freed on the
 * next call), so AddressSanitizer catches any read past a mapping and any
 * use of a stale one.
 */
#pragma once

#include <xdv/mptable.h>

#define MPB_MEM_SIZE   0x100000u /* the fake PC's first MiB */
#define MPB_EBDA       0x9FC00u  /* SeaBIOS's EBDA (the BDA points to it) */
#define MPB_ROM_FPTR   0xF5BA0u  /* where SeaBIOS puts the floating pointer */
#define MPB_ROM_TABLE  0xF5BB0u  /* and the table right after it */
#define MPB_IOAPIC     0xFEC00000u

/* A fresh fake MiB: zeroes, a BDA saying EBDA at 0x9FC00, 639 KiB base. */
void mpb_reset(void);
uint8_t *mpb_at(uint32_t phys);

/* Start a configuration table at phys; entries follow; end fixes it up. */
void mpb_begin(uint32_t phys);
void mpb_cpu(uint8_t apic_id, uint8_t flags);   /* 1 enabled, 2 BSP */
void mpb_bus(uint8_t id, const char *type6);     /* "ISA   ", "PCI   " */
void mpb_ioapic(uint8_t id, uint8_t flags, uint32_t addr);
void mpb_intsrc(uint8_t type, uint16_t flags, uint8_t bus, uint8_t irq, uint8_t apic,
		uint8_t pin);
void mpb_lint(uint8_t type, uint8_t lint);
void mpb_raw(const void *p, size_t n);           /* bytes as they are */
/* Write length, entry count and checksum. Return: the table's length. */
uint32_t mpb_end(void);
/* Recompute the checksum of the table at phys from its length field. */
void mpb_fix(uint32_t phys);
/* Set the u16 at phys + off and fix the table's checksum. */
void mpb_set16(uint32_t table, uint32_t off, uint16_t v);

/* A floating pointer at fptr for the table at table (revision 4). */
void mpb_fptr(uint32_t fptr, uint32_t table, uint8_t feature1, uint8_t feature2);

/* Recompute the checksum of the floating pointer at fptr. */
void mpb_fptr_fix(uint32_t fptr);

/* A SeaBIOS table for cpus CPUs: fptr at MPB_ROM_FPTR, table after it. */
void mpb_seabios(unsigned cpus);

/* mptable_find() / mptable_parse() through the checking mapper. */
int mpb_find(struct mp_info *out);
int mpb_parse(uint64_t fptr, struct mp_info *out);
extern unsigned mpb_map_calls;

/* Does a warning of info contain needle? */
bool mpb_has_warning(const struct mp_info *info, const char *needle);
