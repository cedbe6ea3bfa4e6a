// SPDX-License-Identifier: MIT
/*
 * MP table builder for the mptable host tests (see mp_builder.h). The
 * SeaBIOS layout is the one QEMU's pc machine shows with acpi=off: CPU
 * entries, a PCI and an ISA bus, one I/O APIC, a PCI interrupt, ISA IRQs
 * 0-15 without the PCI ones (5, 9, 10, 11) and with IRQ 0 on pin 2 (so no
 * IRQ 2), then ExtINT on LINT0 and NMI on LINT1.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include "cpu/mp_builder.h"

static uint8_t mem[MPB_MEM_SIZE];
static uint32_t table_at, used;
static uint16_t count;
static void *last_map;

unsigned mpb_map_calls;

static void put16(uint8_t *p, uint16_t v) { memcpy(p, &v, 2); }
static void put32(uint8_t *p, uint32_t v) { memcpy(p, &v, 4); }

static uint8_t sum(const uint8_t *p, size_t n)
{
	uint8_t s = 0;

	while (n--)
		s += *p++;
	return s;
}

void mpb_reset(void)
{
	memset(mem, 0, sizeof(mem));
	put16(mem + 0x40E, MPB_EBDA >> 4);
	put16(mem + 0x413, 639);
}

uint8_t *mpb_at(uint32_t phys)
{
	cr_assert_lt(phys, MPB_MEM_SIZE);
	return mem + phys;
}

void mpb_begin(uint32_t phys)
{
	table_at = phys;
	used = MP_HEADER_LEN;
	count = 0;
	memset(mem + phys, 0, MP_HEADER_LEN);
	memcpy(mem + phys, "PCMP", 4);
	mem[phys + 6] = 4;
	memcpy(mem + phys + 8, "BOCHSCPU", 8);
	memcpy(mem + phys + 16, "0.1         ", 12);
	put32(mem + phys + 36, 0xFEE00000u);
}

void mpb_raw(const void *p, size_t n)
{
	cr_assert_leq(table_at + used + n, MPB_MEM_SIZE, "fake memory full");
	memcpy(mem + table_at + used, p, n);
	used += n;
}

static void entry(const uint8_t *e, size_t n)
{
	mpb_raw(e, n);
	count++;
}

void mpb_cpu(uint8_t apic_id, uint8_t flags)
{
	uint8_t e[20] = { 0, apic_id, 0x14, flags, 0x61, 0x06, 0, 0 };

	entry(e, sizeof(e));
}

void mpb_bus(uint8_t id, const char *type6)
{
	uint8_t e[8] = { 1, id };

	memcpy(e + 2, type6, 6);
	entry(e, sizeof(e));
}

void mpb_ioapic(uint8_t id, uint8_t flags, uint32_t addr)
{
	uint8_t e[8] = { 2, id, 0x11, flags };

	put32(e + 4, addr);
	entry(e, sizeof(e));
}

void mpb_intsrc(uint8_t type, uint16_t flags, uint8_t bus, uint8_t irq, uint8_t apic,
		uint8_t pin)
{
	uint8_t e[8] = { 3, type, 0, 0, bus, irq, apic, pin };

	put16(e + 2, flags);
	entry(e, sizeof(e));
}

void mpb_lint(uint8_t type, uint8_t lint)
{
	uint8_t e[8] = { 4, type, 0, 0, 0, 0, 0xFF, lint };

	entry(e, sizeof(e));
}

void mpb_fix(uint32_t phys)
{
	uint16_t len;

	memcpy(&len, mem + phys + 4, 2);
	if (len > MPB_MEM_SIZE - phys) /* a lying length: sum what exists */
		len = (uint16_t)(MPB_MEM_SIZE - phys);
	mem[phys + 7] = 0;
	mem[phys + 7] = (uint8_t)-sum(mem + phys, len);
}

uint32_t mpb_end(void)
{
	put16(mem + table_at + 4, (uint16_t)used);
	put16(mem + table_at + 34, count);
	mpb_fix(table_at);
	return used;
}

void mpb_set16(uint32_t table, uint32_t off, uint16_t v)
{
	put16(mem + table + off, v);
	mpb_fix(table);
}

void mpb_fptr(uint32_t fptr, uint32_t table, uint8_t feature1, uint8_t feature2)
{
	uint8_t *p = mem + fptr;

	memset(p, 0, MP_FPTR_LEN);
	memcpy(p, "_MP_", 4);
	put32(p + 4, table);
	p[8] = 1;
	p[9] = 4;
	p[11] = feature1;
	p[12] = feature2;
	mpb_fptr_fix(fptr);
}

void mpb_fptr_fix(uint32_t fptr)
{
	uint8_t *p = mem + fptr;

	p[10] = 0;
	p[10] = (uint8_t)-sum(p, MP_FPTR_LEN);
}

void mpb_seabios(unsigned cpus)
{
	mpb_reset();
	mpb_fptr(MPB_ROM_FPTR, MPB_ROM_TABLE, 0, 0);
	mpb_begin(MPB_ROM_TABLE);
	for (unsigned i = 0; i < cpus; i++)
		mpb_cpu((uint8_t)i, i == 0 ? 3 : 1);
	mpb_bus(0, "PCI   ");
	mpb_bus(1, "ISA   ");
	mpb_ioapic(0, 1, MPB_IOAPIC);
	mpb_intsrc(0, 0x0F, 0, 0x0C, 0, 0x0B); /* PCI 00:03 INTA#: level, low */
	for (uint8_t irq = 0; irq < 16; irq++) {
		if (irq == 2 || irq == 5 || irq == 9 || irq == 10 || irq == 11)
			continue;
		mpb_intsrc(0, 0, 1, irq, 0, irq == 0 ? 2 : irq);
	}
	mpb_lint(3, 0);
	mpb_lint(1, 1);
	mpb_end();
}

static const void *mpb_map(void *ctx, uint64_t phys, size_t len)
{
	(void)ctx;
	free(last_map);
	last_map = NULL;
	mpb_map_calls++;
	if (phys >= MPB_MEM_SIZE || len > MPB_MEM_SIZE - phys)
		return NULL;
	last_map = malloc(len ? len : 1);
	cr_assert_not_null(last_map);
	memcpy(last_map, mem + phys, len);
	return last_map;
}

static const struct acpi_mapper mapper = { mpb_map, NULL };

int mpb_find(struct mp_info *out)
{
	mpb_map_calls = 0;
	int ret = mptable_find(&mapper, out);

	free(last_map);
	last_map = NULL;
	return ret;
}

int mpb_parse(uint64_t fptr, struct mp_info *out)
{
	mpb_map_calls = 0;
	int ret = mptable_parse(&mapper, fptr, out);

	free(last_map);
	last_map = NULL;
	return ret;
}

bool mpb_has_warning(const struct mp_info *info, const char *needle)
{
	for (unsigned i = 0; i < info->warning_count; i++)
		if (strstr(info->warnings[i], needle))
			return true;
	return false;
}
