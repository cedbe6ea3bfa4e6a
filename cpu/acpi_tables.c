// SPDX-License-Identifier: MIT
/*
 * ACPI static tables: from the RSDP the boot loader handed over (or one
 * found by acpi_rsdp_scan()), through the XSDT or RSDT, to the tables the
 * kernel needs — MADT (cpu/acpi_madt.c), FADT, HPET, MCFG — and the \_S5_
 * soft-off object in the DSDT/SSDT AML (cpu/acpi_aml.c), all gathered into
 * struct acpi_info (include/xdv/acpi.h).
 *
 * Firmware tables are outside input and treated as hostile. Physical memory
 * is reached only through the caller's mapper, and only for ranges whose
 * end does not wrap: each table's 36-byte header is mapped first, its
 * length checked (36..ACPI_TABLE_MAX_LEN), then the whole table is mapped
 * and checksummed before any other field is read; every later read is
 * within that length. A table that fails is skipped with a warning and the
 * others are still used. The mapper's pointer is dropped before the next
 * map call, so a single temporary window is enough; for that reason the
 * root table's entries are copied out before any table is visited.
 *
 * Layouts: ACPI specification, "ACPI Software Programming Model" (RSDP,
 * RSDT/XSDT, FADT, MADT, GAS) and the IA-PC HPET and PCI Firmware
 * specifications (HPET, MCFG). Fields are read with memcpy: a table need
 * not be aligned.
 *
 * Pure logic: no printing, no globals, no assembly; built for host unit
 * tests too. Warnings are static strings; acpi_info_print() shows them.
 * Locking: none; the caller owns *out.
 */
#include <xdv/errno.h>
#include "acpi_internal.h"

/* RSDP offsets. */
#define RSDP_CHECKSUM_LEN 20u /* the ACPI 1.0 part */
#define RSDP_OEM_ID       9u
#define RSDP_REVISION     15u
#define RSDP_RSDT         16u
#define RSDP_LENGTH       20u
#define RSDP_XSDT         24u

/* Common table header offsets. */
#define HDR_LENGTH   4u
#define HDR_REVISION 8u

/* FADT offsets, and the lengths that contain the later fields. */
#define FADT_DSDT          40u
#define FADT_SCI_INT       46u
#define FADT_SMI_CMD       48u
#define FADT_ACPI_ENABLE   52u
#define FADT_PM1A_CNT      64u
#define FADT_PM1B_CNT      68u
#define FADT_PM1_CNT_LEN   89u
#define FADT_CENTURY       108u
#define FADT_BOOT_ARCH     109u
#define FADT_FLAGS         112u
#define FADT_V1_LEN        116u /* ACPI 1.0: ends after the flags */
#define FADT_RESET_REG     116u
#define FADT_RESET_VALUE   128u
#define FADT_X_DSDT        140u
#define FADT_X_PM1A_CNT    172u
#define FADT_X_PM1B_CNT    184u
#define ACPI_GAS_LEN       12u

/* HPET and MCFG offsets. */
#define HPET_BLOCK_ID  36u
#define HPET_BASE      40u
#define HPET_NUMBER    52u
#define HPET_MIN_TICK  53u
#define HPET_LEN       56u
#define MCFG_ENTRIES   44u
#define MCFG_ENTRY_LEN 16u

/* What to say when a table of one kind cannot be used. */
struct acpi_table_msgs {
	const char *unreadable, *too_short, *too_long, *checksum, *signature;
};

static const struct acpi_table_msgs acpi_root_msgs = {
	"acpi: root table (XSDT/RSDT) outside readable memory",
	"acpi: root table length below 36",
	"acpi: root table length above 1 MiB",
	"acpi: root table checksum bad",
	"acpi: root table signature is not XSDT/RSDT",
};

static const struct acpi_table_msgs acpi_entry_msgs = {
	"acpi: table outside readable memory; skipped",
	"acpi: table length below 36; skipped",
	"acpi: table length above 1 MiB; skipped",
	"acpi: table checksum bad; skipped",
	NULL, /* any signature */
};

static const struct acpi_table_msgs acpi_dsdt_msgs = {
	"acpi: DSDT/SSDT outside readable memory; not searched for _S5_",
	"acpi: DSDT/SSDT length below 36; not searched for _S5_",
	"acpi: DSDT/SSDT length above 1 MiB; not searched for _S5_",
	"acpi: DSDT/SSDT checksum bad; not searched for _S5_",
	"acpi: DSDT/SSDT signature wrong; not searched for _S5_",
};

/*
 * Record a warning once: the same problem repeated (200 MADT entries too
 * many) must not crowd out the others.
 */
void acpi_warn(struct acpi_info *out, const char *msg)
{
	for (unsigned i = 0; i < out->warning_count; i++)
		if (out->warnings[i] == msg)
			return;
	if (out->warning_count < ACPI_WARNINGS_MAX)
		out->warnings[out->warning_count++] = msg;
	else
		out->warnings_truncated = true;
}

/* Map [phys, phys + len) unless the range wraps past 2^64. */
static const uint8_t *acpi_map(const struct acpi_mapper *m, uint64_t phys,
			       size_t len)
{
	if (!len || len - 1 > UINT64_MAX - phys)
		return NULL;
	return m->map(m->ctx, phys, len);
}

/*
 * Map the table at phys: header first, then its whole length, then verify
 * the checksum (and the signature, when sig is given). ref (may be NULL)
 * gets whatever the header told. Warns with msgs on failure.
 * Return: the table, valid until the next map call, or NULL.
 */
static const uint8_t *acpi_map_table(struct acpi_info *out,
				     const struct acpi_mapper *m, uint64_t phys,
				     const char *sig,
				     const struct acpi_table_msgs *msgs,
				     struct acpi_table_ref *ref, uint32_t *lenp)
{
	const uint8_t *t = phys ? acpi_map(m, phys, ACPI_HDR_LEN) : NULL;
	uint32_t len;

	if (!t) {
		acpi_warn(out, msgs->unreadable);
		return NULL;
	}
	len = load_le32(t + HDR_LENGTH);
	if (ref) {
		for (int i = 0; i < 4; i++)
			ref->signature[i] = (t[i] >= 0x20 && t[i] < 0x7f) ?
						    (char)t[i] : '?';
		ref->revision = t[HDR_REVISION];
		ref->length = len;
	}
	if (sig && memcmp(t, sig, 4) != 0) {
		acpi_warn(out, msgs->signature);
		return NULL;
	}
	if (len < ACPI_HDR_LEN) {
		acpi_warn(out, msgs->too_short);
		return NULL;
	}
	if (len > ACPI_TABLE_MAX_LEN) {
		acpi_warn(out, msgs->too_long);
		return NULL;
	}
	t = acpi_map(m, phys, len);
	if (!t) {
		acpi_warn(out, msgs->unreadable);
		return NULL;
	}
	/* The header may have changed under a racing writer: trust only len. */
	if (load_le32(t + HDR_LENGTH) != len || byte_sum(t, len) != 0) {
		acpi_warn(out, msgs->checksum);
		return NULL;
	}
	*lenp = len;
	return t;
}

/* The first 20 bytes: signature and checksum. Return: NULL or why not. */
static const char *acpi_rsdp_v1_check(const uint8_t *p, size_t len)
{
	if (!p || len < ACPI_RSDP_V1_LEN)
		return "acpi: RSDP shorter than 20 bytes";
	if (memcmp(p, "RSD PTR ", 8) != 0)
		return "acpi: RSDP signature is not 'RSD PTR '";
	if (byte_sum(p, RSDP_CHECKSUM_LEN) != 0)
		return "acpi: RSDP checksum bad";
	return NULL;
}

/* The ACPI 2.0 part (revision >= 2). Return: NULL or why not. */
static const char *acpi_rsdp_ext_check(const uint8_t *p, size_t len)
{
	uint32_t ext_len;

	if (len < ACPI_RSDP_V2_LEN)
		return "acpi: RSDP revision >= 2 but shorter than 36 bytes";
	ext_len = load_le32(p + RSDP_LENGTH);
	if (ext_len < ACPI_RSDP_V2_LEN || ext_len > len)
		return "acpi: RSDP length field invalid";
	if (byte_sum(p, ext_len) != 0)
		return "acpi: RSDP extended checksum bad";
	return NULL;
}

/*
 * Check one RSDP (see acpi.h).
 * Context: any. Return: 0 or -EINVAL, with the reason in *why.
 */
int acpi_rsdp_validate(const void *rsdp, size_t len, const char **why)
{
	const uint8_t *p = rsdp;
	const char *bad = acpi_rsdp_v1_check(p, len);

	if (!bad && p[RSDP_REVISION] >= 2)
		bad = acpi_rsdp_ext_check(p, len);
	if (why)
		*why = bad;
	return bad ? -EINVAL : 0;
}

/*
 * Find a valid RSDP on a 16-byte boundary of area[0..len) (see acpi.h).
 * Context: any. Return: 0 with *offset set, or -ENOENT.
 */
int acpi_rsdp_scan(const void *area, size_t len, size_t *offset)
{
	const uint8_t *p = area;

	if (!p)
		return -ENOENT;
	for (size_t off = 0; off < len && len - off >= ACPI_RSDP_V1_LEN;
	     off += 16) {
		if (acpi_rsdp_validate(p + off, len - off, NULL) == 0) {
			*offset = off;
			return 0;
		}
	}
	return -ENOENT;
}

/* Copy the root table's entry addresses into out->tables[].phys. */
static int acpi_parse_root(struct acpi_info *out, const struct acpi_mapper *m,
			   uint64_t phys, bool xsdt)
{
	unsigned esize = xsdt ? 8 : 4;
	const uint8_t *t;
	uint32_t len, n;

	t = acpi_map_table(out, m, phys, xsdt ? "XSDT" : "RSDT",
			   &acpi_root_msgs, NULL, &len);
	if (!t)
		return -ENOENT;
	if ((len - ACPI_HDR_LEN) % esize)
		acpi_warn(out, "acpi: root table ends in a partial entry; ignored");
	n = (len - ACPI_HDR_LEN) / esize;
	if (n > ACPI_TABLES_MAX) {
		acpi_warn(out, "acpi: root table lists more than 64 tables; extra ignored");
		n = ACPI_TABLES_MAX;
	}
	for (uint32_t i = 0; i < n; i++) {
		const uint8_t *e = t + ACPI_HDR_LEN + i * esize;

		out->tables[i] = (struct acpi_table_ref){
			.signature = "????",
			.phys = xsdt ? load_le64(e) : load_le32(e),
		};
	}
	out->table_count = n;
	out->root_phys = phys;
	out->root_is_xsdt = xsdt;
	return 0;
}

static struct acpi_gas acpi_read_gas(const uint8_t *p)
{
	return (struct acpi_gas){
		.space = p[0],
		.bit_width = p[1],
		.bit_offset = p[2],
		.access_size = p[3],
		.address = load_le64(p + 4),
	};
}

/* A PM1 control block: the 32-bit port, or the X_ GAS if present. */
static struct acpi_gas acpi_fadt_pm1(const uint8_t *t, uint32_t len,
				     uint32_t port_off, uint32_t x_off)
{
	struct acpi_gas g = {
		.space = ACPI_GAS_IO,
		.bit_width = (uint8_t)(t[FADT_PM1_CNT_LEN] * 8),
		.address = load_le32(t + port_off),
	};

	if (len >= x_off + ACPI_GAS_LEN) {
		struct acpi_gas x = acpi_read_gas(t + x_off);

		if (x.address)
			g = x;
	}
	return g;
}

static void acpi_parse_fadt(struct acpi_info *out, const uint8_t *t,
			    uint32_t len)
{
	struct acpi_fadt *f = &out->fadt;
	uint64_t dsdt32, x_dsdt = 0;

	if (len < FADT_V1_LEN) {
		acpi_warn(out, "acpi: FADT shorter than 116 bytes; ignored");
		return;
	}
	f->revision = t[HDR_REVISION];
	f->flags = load_le32(t + FADT_FLAGS);
	f->hw_reduced = f->flags & ACPI_FADT_HW_REDUCED;
	f->sci_irq = load_le16(t + FADT_SCI_INT);
	f->smi_cmd = load_le32(t + FADT_SMI_CMD);
	f->acpi_enable = t[FADT_ACPI_ENABLE];
	f->century = t[FADT_CENTURY];

	/* Bytes 109-110 were reserved before ACPI 2.0 (FADT revision 3). */
	if (f->revision >= 3) {
		f->has_boot_arch = true;
		f->boot_arch = load_le16(t + FADT_BOOT_ARCH);
		f->legacy_devices = f->boot_arch & ACPI_BOOT_LEGACY_DEVICES;
		f->has_8042 = f->boot_arch & ACPI_BOOT_8042;
		f->vga_absent = f->boot_arch & ACPI_BOOT_VGA_ABSENT;
		f->cmos_rtc_absent = f->boot_arch & ACPI_BOOT_CMOS_RTC_ABSENT;
	}

	if (f->flags & ACPI_FADT_RESET_REG_SUP) {
		if (len <= FADT_RESET_VALUE) {
			acpi_warn(out, "acpi: FADT too short for the reset register; no ACPI reset");
		} else {
			f->reset_reg = acpi_read_gas(t + FADT_RESET_REG);
			f->reset_value = t[FADT_RESET_VALUE];
			if (f->reset_reg.address &&
			    f->reset_reg.space <= ACPI_GAS_PCI_CONFIG)
				f->has_reset = true;
			else
				acpi_warn(out, "acpi: FADT reset register unusable; no ACPI reset");
		}
	}

	f->pm1a_cnt = acpi_fadt_pm1(t, len, FADT_PM1A_CNT, FADT_X_PM1A_CNT);
	f->pm1b_cnt = acpi_fadt_pm1(t, len, FADT_PM1B_CNT, FADT_X_PM1B_CNT);

	dsdt32 = load_le32(t + FADT_DSDT);
	if (len >= FADT_X_DSDT + 8)
		x_dsdt = load_le64(t + FADT_X_DSDT);
	if (x_dsdt && dsdt32 && x_dsdt != dsdt32)
		acpi_warn(out, "acpi: FADT DSDT and X_DSDT differ; X_DSDT used");
	f->dsdt = x_dsdt ? x_dsdt : dsdt32;
	out->has_fadt = true;
}

static void acpi_parse_hpet(struct acpi_info *out, const uint8_t *t,
			    uint32_t len)
{
	struct acpi_gas base;

	if (len < HPET_LEN) {
		acpi_warn(out, "acpi: HPET table shorter than 56 bytes; ignored");
		return;
	}
	base = acpi_read_gas(t + HPET_BASE);
	if (base.space != ACPI_GAS_MEMORY) {
		acpi_warn(out, "acpi: HPET not in system memory space; ignored");
		return;
	}
	if (!base.address) {
		acpi_warn(out, "acpi: HPET address is 0; ignored");
		return;
	}
	out->hpet = (struct acpi_hpet){
		.address = base.address,
		.number = t[HPET_NUMBER],
		.min_tick = load_le16(t + HPET_MIN_TICK),
		.block_id = load_le32(t + HPET_BLOCK_ID),
	};
	out->has_hpet = true;
}

static void acpi_parse_mcfg(struct acpi_info *out, const uint8_t *t,
			    uint32_t len)
{
	uint32_t n;

	if (len < MCFG_ENTRIES) {
		acpi_warn(out, "acpi: MCFG shorter than 44 bytes; ignored");
		return;
	}
	if ((len - MCFG_ENTRIES) % MCFG_ENTRY_LEN)
		acpi_warn(out, "acpi: MCFG ends in a partial entry; ignored");
	n = (len - MCFG_ENTRIES) / MCFG_ENTRY_LEN;
	for (uint32_t i = 0; i < n; i++) {
		const uint8_t *e = t + MCFG_ENTRIES + i * MCFG_ENTRY_LEN;
		struct acpi_mcfg_entry ent = {
			.base = load_le64(e),
			.segment = load_le16(e + 8),
			.start_bus = e[10],
			.end_bus = e[11],
		};

		if (!ent.base || ent.start_bus > ent.end_bus) {
			acpi_warn(out, "acpi: MCFG entry with base 0 or start bus > end bus; skipped");
			continue;
		}
		if (out->mcfg_count >= ACPI_MCFG_MAX) {
			acpi_warn(out, "acpi: MCFG lists more than 16 windows; extra ignored");
			break;
		}
		out->mcfg[out->mcfg_count++] = ent;
	}
	out->has_mcfg = out->mcfg_count > 0;
}

/* Hand a checksummed table to its parser; the first of each kind wins. */
static void acpi_parse_one(struct acpi_info *out, const uint8_t *t,
			   uint32_t len)
{
	if (!memcmp(t, "APIC", 4)) {
		if (out->has_madt)
			acpi_warn(out, "acpi: more than one MADT; first used");
		else
			acpi_madt_parse(out, t, len);
	} else if (!memcmp(t, "FACP", 4)) {
		if (out->has_fadt)
			acpi_warn(out, "acpi: more than one FADT; first used");
		else
			acpi_parse_fadt(out, t, len);
	} else if (!memcmp(t, "HPET", 4)) {
		if (out->has_hpet)
			acpi_warn(out, "acpi: more than one HPET table; first used");
		else
			acpi_parse_hpet(out, t, len);
	} else if (!memcmp(t, "MCFG", 4)) {
		if (out->has_mcfg)
			acpi_warn(out, "acpi: more than one MCFG; first used");
		else
			acpi_parse_mcfg(out, t, len);
	}
}

/* Search the DSDT, then each SSDT, for \_S5_. */
static void acpi_find_s5(struct acpi_info *out, const struct acpi_mapper *m)
{
	const uint8_t *t;
	uint32_t len;

	if (!out->fadt.dsdt) {
		acpi_warn(out, "acpi: FADT gives no DSDT; no _S5_");
		return;
	}
	t = acpi_map_table(out, m, out->fadt.dsdt, "DSDT", &acpi_dsdt_msgs,
			   NULL, &len);
	if (t && acpi_aml_find_s5(out, t, len) == 0)
		return;
	for (unsigned i = 0; i < out->table_count; i++) {
		const struct acpi_table_ref *ref = &out->tables[i];

		if (!ref->valid || memcmp(ref->signature, "SSDT", 4) != 0)
			continue;
		t = acpi_map_table(out, m, ref->phys, "SSDT", &acpi_dsdt_msgs,
				   NULL, &len);
		if (t && acpi_aml_find_s5(out, t, len) == 0)
			return;
	}
	acpi_warn(out, "acpi: no usable _S5_ object; no ACPI soft-off");
}

/* Start over with only a warning: nothing can be used. */
static int acpi_reject(struct acpi_info *out, const char *msg, int err)
{
	memset(out, 0, sizeof(*out));
	acpi_warn(out, msg);
	return err;
}

/*
 * Parse the ACPI tables reached from an RSDP copy into out (see acpi.h).
 * Context: any; pure, no side effects beyond *out and calls to m->map.
 * Return: 0 (possibly with warnings), -EINVAL for an invalid RSDP, -ENOENT
 * when no root table is usable.
 */
int acpi_parse(const struct acpi_mapper *m, const void *rsdp, size_t rsdp_len,
	       struct acpi_info *out)
{
	const uint8_t *p = rsdp;
	const char *why;
	uint64_t xsdt = 0;
	uint32_t rsdt;
	int ret = -ENOENT;

	memset(out, 0, sizeof(*out));
	if (!m || !m->map)
		return acpi_reject(out, "acpi: no way to read memory", -EINVAL);
	why = acpi_rsdp_v1_check(p, rsdp_len);
	if (why)
		return acpi_reject(out, why, -EINVAL);

	out->rsdp_revision = p[RSDP_REVISION];
	for (int i = 0; i < 6; i++) {
		uint8_t c = p[RSDP_OEM_ID + i];

		out->oem_id[i] = (c >= 0x20 && c < 0x7f) ? (char)c : '?';
	}
	rsdt = load_le32(p + RSDP_RSDT);
	/*
	 * A 20-byte copy of a revision 2 RSDP (Multiboot2's "old" tag) simply
	 * has no XSDT part; anything else wrong with that part is worth a word.
	 */
	if (out->rsdp_revision >= 2 && rsdp_len >= ACPI_RSDP_V2_LEN) {
		why = acpi_rsdp_ext_check(p, rsdp_len);
		if (why)
			acpi_warn(out, why);
		else
			xsdt = load_le64(p + RSDP_XSDT);
	}

	if (xsdt) {
		ret = acpi_parse_root(out, m, xsdt, true);
		if (ret && rsdt)
			acpi_warn(out, "acpi: XSDT unusable; trying the RSDT");
	}
	if (ret && rsdt)
		ret = acpi_parse_root(out, m, rsdt, false);
	if (ret) {
		if (!xsdt && !rsdt)
			acpi_warn(out, "acpi: RSDP has no RSDT or XSDT address");
		return ret;
	}

	for (unsigned i = 0; i < out->table_count; i++) {
		struct acpi_table_ref *ref = &out->tables[i];
		const uint8_t *t;
		uint32_t len;

		t = acpi_map_table(out, m, ref->phys, NULL, &acpi_entry_msgs,
				   ref, &len);
		if (!t)
			continue;
		ref->valid = true;
		acpi_parse_one(out, t, len);
	}
	if (out->has_fadt)
		acpi_find_s5(out, m);
	return 0;
}

/*
 * The index-th valid root table entry with signature sig.
 * Context: any. Return: the entry, or NULL.
 */
const struct acpi_table_ref *acpi_find_table(const struct acpi_info *info,
					     const char *sig, unsigned index)
{
	for (unsigned i = 0; i < info->table_count; i++) {
		const struct acpi_table_ref *ref = &info->tables[i];

		if (ref->valid && !memcmp(ref->signature, sig, 4) && !index--)
			return ref;
	}
	return NULL;
}
