// SPDX-License-Identifier: MIT
/*
 * ACPI table builder for the acpi_parse() host tests (see acpi_builder.h).
 * The "QEMU" tables follow what QEMU's pc machine gives a 4-CPU guest:
 * RSDT/XSDT listing FACP, APIC, HPET, MCFG and WAET, a revision 3 FADT
 * with the 0xcf9 reset register, a MADT with 4 local APICs, one I/O APIC
 * and the usual ISA overrides, and a DSDT ending in Name(_S5_, ...).
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include "cpu/acpi_builder.h"

static uint8_t mem[ACPIB_MEM_SIZE];
static size_t used;
static size_t open_at;
static void *last_map;

unsigned acpib_map_calls, acpib_map_refused;

void acpib_reset(void)
{
	memset(mem, 0, sizeof(mem));
	used = 0;
	open_at = 0;
}

void acpib_put(const void *p, size_t n)
{
	cr_assert(used + n <= ACPIB_MEM_SIZE, "fake ACPI memory full");
	memcpy(mem + used, p, n);
	used += n;
}

void acpib_put8(uint8_t v) { acpib_put(&v, 1); }
void acpib_put16(uint16_t v) { acpib_put(&v, 2); }
void acpib_put32(uint32_t v) { acpib_put(&v, 4); }
void acpib_put64(uint64_t v) { acpib_put(&v, 8); }

void acpib_zero(size_t n)
{
	while (n--)
		acpib_put8(0);
}

void acpib_gas(uint8_t space, uint8_t width, uint8_t access, uint64_t addr)
{
	acpib_put8(space);
	acpib_put8(width);
	acpib_put8(0); /* bit offset */
	acpib_put8(access);
	acpib_put64(addr);
}

uint64_t acpib_begin(const char *sig, uint8_t revision)
{
	used = (used + 15) & ~(size_t)15;
	open_at = used;
	acpib_put(sig, 4);
	acpib_put32(0); /* length, by acpib_end() */
	acpib_put8(revision);
	acpib_put8(0); /* checksum */
	acpib_put("BOCHS ", 6);
	acpib_put("BXPC    ", 8);
	acpib_put32(1);
	acpib_put("BXPC", 4);
	acpib_put32(1);
	return ACPIB_BASE + open_at;
}

uint8_t *acpib_at(uint64_t phys)
{
	cr_assert(phys >= ACPIB_BASE && phys < ACPIB_BASE + ACPIB_MEM_SIZE);
	return mem + (phys - ACPIB_BASE);
}

void acpib_fix(uint64_t phys)
{
	uint8_t *t = acpib_at(phys);
	uint32_t len;
	uint8_t sum = 0;

	memcpy(&len, t + 4, 4);
	if (len < 10 || len > ACPIB_MEM_SIZE - (phys - ACPIB_BASE))
		return; /* nothing sensible to sum */
	t[9] = 0;
	for (uint32_t i = 0; i < len; i++)
		sum += t[i];
	t[9] = (uint8_t)-sum;
}

void acpib_poke(uint64_t phys, uint32_t off, const void *p, size_t len)
{
	memcpy(acpib_at(phys) + off, p, len);
	acpib_fix(phys);
}

void acpib_end(void)
{
	uint32_t len = (uint32_t)(used - open_at);

	memcpy(mem + open_at + 4, &len, 4);
	acpib_fix(ACPIB_BASE + open_at);
}

static uint8_t sum_bytes(const uint8_t *p, size_t n)
{
	uint8_t s = 0;

	while (n--)
		s += *p++;
	return s;
}

void acpib_rsdp(uint8_t *r, uint8_t revision, uint32_t rsdt, uint64_t xsdt)
{
	size_t n = revision >= 2 ? 36 : 20;
	uint32_t len = 36;

	memset(r, 0, n);
	memcpy(r, "RSD PTR ", 8);
	memcpy(r + 9, "BOCHS ", 6);
	r[15] = revision;
	memcpy(r + 16, &rsdt, 4);
	r[8] = (uint8_t)-sum_bytes(r, 20);
	if (revision >= 2) {
		memcpy(r + 20, &len, 4);
		memcpy(r + 24, &xsdt, 8);
		r[32] = (uint8_t)-sum_bytes(r, 36);
	}
}

uint64_t acpib_root(bool xsdt, const uint64_t *tables, unsigned n)
{
	uint64_t at = acpib_begin(xsdt ? "XSDT" : "RSDT", 1);

	for (unsigned i = 0; i < n; i++) {
		if (xsdt)
			acpib_put64(tables[i]);
		else
			acpib_put32((uint32_t)tables[i]);
	}
	acpib_end();
	return at;
}

/*
 * A DSDT like QEMU's in miniature: a scope with a device, a string that
 * contains "_S5_" (not a name), _S3_ and _S4_ packages, then \_S5_.
 */
const uint8_t acpib_qemu_aml[] = {
	0x10, 0x0f, '\\', '_', 'S', 'B', '_',          /* Scope (\_SB) */
	0x5b, 0x82, 0x09, 'P', 'C', 'I', '0',          /* Device (PCI0) */
	0x08, '_', 'U', 'I', 'D', 0x00,                /* Name (_UID, 0) */
	0x08, 'S', 'T', 'R', '_', 0x0d, 'X', '_', 'S', '5', '_', 0x00,
	0x08, '_', 'S', '3', '_', 0x12, 0x06, 0x04, 0x01, 0x01, 0x00, 0x00,
	0x08, '_', 'S', '4', '_', 0x12, 0x06, 0x04, 0x02, 0x02, 0x00, 0x00,
	0x08, '\\', '_', 'S', '5', '_', 0x12, 0x06, 0x04, 0x00, 0x00, 0x00, 0x00,
};
const size_t acpib_qemu_aml_len = sizeof(acpib_qemu_aml);

uint64_t acpib_dsdt(const uint8_t *aml, size_t len)
{
	uint64_t at = acpib_begin("DSDT", 1);

	acpib_put(aml, len);
	acpib_end();
	return at;
}

/* A revision 3 FADT (244 bytes), QEMU pc style. */
uint64_t acpib_facp(uint64_t dsdt)
{
	uint64_t at = acpib_begin("FACP", 3);

	acpib_put32(0x7fe0000);         /* 36 FIRMWARE_CTRL (FACS) */
	acpib_put32((uint32_t)dsdt);    /* 40 DSDT */
	acpib_put8(1);                  /* 44 INT_MODEL (1.0) */
	acpib_put8(0);                  /* 45 preferred PM profile */
	acpib_put16(9);                 /* 46 SCI_INT */
	acpib_put32(0xb2);              /* 48 SMI_CMD */
	acpib_put8(0xf1);               /* 52 ACPI_ENABLE */
	acpib_put8(0xf0);               /* 53 ACPI_DISABLE */
	acpib_put8(0);                  /* 54 S4BIOS_REQ */
	acpib_put8(0);                  /* 55 PSTATE_CNT */
	acpib_put32(0x600);             /* 56 PM1a_EVT_BLK */
	acpib_put32(0);                 /* 60 PM1b_EVT_BLK */
	acpib_put32(0x604);             /* 64 PM1a_CNT_BLK */
	acpib_put32(0);                 /* 68 PM1b_CNT_BLK */
	acpib_put32(0);                 /* 72 PM2_CNT_BLK */
	acpib_put32(0x608);             /* 76 PM_TMR_BLK */
	acpib_put32(0xafe0);            /* 80 GPE0_BLK */
	acpib_put32(0);                 /* 84 GPE1_BLK */
	acpib_put8(4);                  /* 88 PM1_EVT_LEN */
	acpib_put8(2);                  /* 89 PM1_CNT_LEN */
	acpib_put8(0);                  /* 90 PM2_CNT_LEN */
	acpib_put8(4);                  /* 91 PM_TMR_LEN */
	acpib_put8(4);                  /* 92 GPE0_BLK_LEN */
	acpib_put8(0);                  /* 93 GPE1_BLK_LEN */
	acpib_put8(0);                  /* 94 GPE1_BASE */
	acpib_put8(0);                  /* 95 CST_CNT */
	acpib_put16(0xfff);             /* 96 P_LVL2_LAT */
	acpib_put16(0xfff);             /* 98 P_LVL3_LAT */
	acpib_zero(4);                  /* 100 FLUSH_SIZE, FLUSH_STRIDE */
	acpib_zero(4);                  /* 104 duty, day/month alarm */
	acpib_put8(0x32);               /* 108 CENTURY */
	acpib_put16(0x0002);            /* 109 IAPC_BOOT_ARCH: 8042 */
	acpib_put8(0);                  /* 111 reserved */
	acpib_put32(0x84a5);            /* 112 flags, RESET_REG_SUP among them */
	acpib_gas(1, 8, 0, 0xcf9);      /* 116 RESET_REG */
	acpib_put8(0x06);               /* 128 RESET_VALUE */
	acpib_zero(3);                  /* 129 ARM_BOOT_ARCH, minor version */
	acpib_put64(0);                 /* 132 X_FIRMWARE_CTRL */
	acpib_put64(dsdt);              /* 140 X_DSDT */
	acpib_gas(1, 32, 0, 0x600);     /* 148 X_PM1a_EVT_BLK */
	acpib_gas(0, 0, 0, 0);          /* 160 X_PM1b_EVT_BLK */
	acpib_gas(1, 16, 0, 0x604);     /* 172 X_PM1a_CNT_BLK */
	acpib_gas(0, 0, 0, 0);          /* 184 X_PM1b_CNT_BLK */
	acpib_gas(0, 0, 0, 0);          /* 196 X_PM2_CNT_BLK */
	acpib_gas(1, 32, 0, 0x608);     /* 208 X_PM_TMR_BLK */
	acpib_gas(1, 32, 0, 0xafe0);    /* 220 X_GPE0_BLK */
	acpib_gas(0, 0, 0, 0);          /* 232 X_GPE1_BLK */
	acpib_end();
	return at;
}

uint64_t acpib_apic_qemu(unsigned cpus)
{
	static const struct { uint8_t irq; uint32_t gsi; uint16_t flags; } iso[] = {
		{ 0, 2, 0x0 }, { 5, 5, 0xd }, { 9, 9, 0xd }, { 10, 10, 0xd },
		{ 11, 11, 0xd },
	};
	uint64_t at = acpib_begin("APIC", 1);

	acpib_put32(0xfee00000);        /* local APIC address */
	acpib_put32(1);                 /* PCAT_COMPAT */
	for (unsigned i = 0; i < cpus; i++) {
		acpib_put8(0);
		acpib_put8(8);
		acpib_put8((uint8_t)i);  /* processor UID */
		acpib_put8((uint8_t)i);  /* APIC id */
		acpib_put32(1);          /* enabled */
	}
	acpib_put8(1);                  /* I/O APIC */
	acpib_put8(12);
	acpib_put8(0);
	acpib_put8(0);
	acpib_put32(0xfec00000);
	acpib_put32(0);
	for (unsigned i = 0; i < 5; i++) {
		acpib_put8(2);
		acpib_put8(10);
		acpib_put8(0);
		acpib_put8(iso[i].irq);
		acpib_put32(iso[i].gsi);
		acpib_put16(iso[i].flags);
	}
	acpib_put8(4);                  /* local APIC NMI: all CPUs, LINT1 */
	acpib_put8(6);
	acpib_put8(0xff);
	acpib_put16(0);
	acpib_put8(1);
	acpib_end();
	return at;
}

uint64_t acpib_hpet(void)
{
	uint64_t at = acpib_begin("HPET", 1);

	acpib_put32(0x8086a201);        /* event timer block ID */
	acpib_gas(0, 0, 0, 0xfed00000);
	acpib_put8(0);                  /* HPET number */
	acpib_put16(0x80);              /* minimum tick */
	acpib_put8(0);                  /* page protection */
	acpib_end();
	return at;
}

uint64_t acpib_mcfg(void)
{
	uint64_t at = acpib_begin("MCFG", 1);

	acpib_zero(8);
	acpib_put64(0xb0000000);
	acpib_put16(0);
	acpib_put8(0);
	acpib_put8(255);
	acpib_put32(0);
	acpib_end();
	return at;
}

void acpib_build_qemu(struct acpib_qemu *q)
{
	uint64_t list[5];

	acpib_reset();
	acpib_zero(64); /* FACS would live here */
	q->dsdt = acpib_dsdt(acpib_qemu_aml, acpib_qemu_aml_len);
	q->facp = acpib_facp(q->dsdt);
	q->apic = acpib_apic_qemu(4);
	q->hpet = acpib_hpet();
	q->mcfg = acpib_mcfg();
	q->waet = acpib_begin("WAET", 1);
	acpib_put32(2);
	acpib_end();
	list[0] = q->facp;
	list[1] = q->apic;
	list[2] = q->hpet;
	list[3] = q->mcfg;
	list[4] = q->waet;
	q->rsdt = acpib_root(false, list, 5);
	q->xsdt = acpib_root(true, list, 5);
	acpib_rsdp(q->rsdp_v0, 0, (uint32_t)q->rsdt, 0);
	acpib_rsdp(q->rsdp_v2, 2, (uint32_t)q->rsdt, q->xsdt);
}

/* The checking mapper: inside the window, an exact-size fresh copy. */
static const void *acpib_map(void *ctx, uint64_t phys, size_t len)
{
	(void)ctx;
	free(last_map);
	last_map = NULL;
	acpib_map_calls++;
	if (phys < ACPIB_BASE || len > ACPIB_MEM_SIZE ||
	    phys - ACPIB_BASE > ACPIB_MEM_SIZE - len) {
		acpib_map_refused++;
		return NULL;
	}
	last_map = malloc(len);
	cr_assert_not_null(last_map);
	memcpy(last_map, mem + (phys - ACPIB_BASE), len);
	return last_map;
}

int acpib_parse(const void *rsdp, size_t len, struct acpi_info *out)
{
	struct acpi_mapper m = { .map = acpib_map, .ctx = NULL };
	void *copy = malloc(len ? len : 1);
	int ret;

	cr_assert_not_null(copy);
	memcpy(copy, rsdp, len);
	acpib_map_calls = acpib_map_refused = 0;
	ret = acpi_parse(&m, copy, len, out);
	free(copy);
	free(last_map);
	last_map = NULL;
	return ret;
}

int acpib_parse_tables(const uint64_t *tables, unsigned n,
		       struct acpi_info *out)
{
	uint8_t r[36];
	uint64_t xsdt = acpib_root(true, tables, n);

	acpib_rsdp(r, 2, 0, xsdt);
	return acpib_parse(r, sizeof(r), out);
}

bool acpib_has_warning(const struct acpi_info *info, const char *needle)
{
	for (unsigned i = 0; i < info->warning_count; i++)
		if (strstr(info->warnings[i], needle))
			return true;
	return false;
}
