// SPDX-License-Identifier: MIT
/*
 * MultiProcessor Specification 1.4 tables, parsed for PCs that have no
 * ACPI (or where it is off): the "_MP_" floating pointer, found on a
 * 16-byte boundary of the EBDA's first KiB, the last KiB of base memory or
 * the BIOS ROM, points to the "PCMP" configuration table, a 44-byte header
 * followed by entries: processors (type 0, 20 bytes), buses (1), I/O APICs
 * (2), I/O interrupt assignments (3) and local interrupt assignments (4),
 * 8 bytes each. From them come the CPUs to start, the I/O APICs and the
 * pins the ISA IRQs are wired to, into struct mp_info (xdv/mptable.h).
 *
 * The tables are outside input. The floating pointer is copied and
 * checked (signature, length, checksum, revision) before its address is
 * used; the table's header is mapped only to learn its length, then the
 * whole base table is mapped and checksummed before any entry is read,
 * and every entry must lie inside it. A structural fault refuses the whole
 * table (mp_info.error); oddities inside well-formed entries (a disabled
 * I/O APIC, an entry naming an unknown bus) are skipped with a warning.
 * The extended table (MPS 1.4, after the base table) is not read.
 *
 * Pure logic: no printing, no globals; built for host unit tests too. The
 * mapper's pointer is dropped before the next map call. Locking: none;
 * the caller owns *out.
 */
#include <xdv/errno.h>
#include <xdv/mptable.h>
#include <xdv/string.h>
#include <xdv/unaligned.h>

#define BDA_EBDA_SEGMENT 0x40Eu /* u16: segment of the EBDA */
#define BDA_BASE_KIB     0x413u /* u16: KiB of base memory */
#define BIOS_ROM_START   0xF0000u
#define BIOS_ROM_LEN     0x10000u

#define FPTR_TABLE     4  /* u32: physical address of the table */
#define FPTR_LENGTH    8  /* u8: in 16-byte units, 1 */
#define FPTR_REVISION  9
#define FPTR_FEATURE1  11 /* default configuration type, 0: table present */
#define FPTR_FEATURE2  12
#define FPTR_IMCRP     0x80u

#define PCMP_LENGTH    4  /* u16: base table, header included */
#define PCMP_REVISION  6
#define PCMP_OEM_ID    8  /* 8 characters */
#define PCMP_PRODUCT   16 /* 12 characters */
#define PCMP_COUNT     34 /* u16: base table entries */
#define PCMP_LAPIC     36 /* u32 */

enum mp_entry {
	MP_PROCESSOR = 0,
	MP_BUS = 1,
	MP_IOAPIC = 2,
	MP_IOINT = 3,
	MP_LINT = 4,
};

#define MP_CPU_ENABLED 0x01u
#define MP_CPU_BSP     0x02u
#define MP_IOAPIC_ENABLED 0x01u
#define MP_INT_TYPE_INT 0 /* vectored; 1 NMI, 2 SMI, 3 ExtINT */
#define MP_ALL_IOAPICS 0xFFu

enum bus_kind { BUS_UNDECLARED = 0, BUS_ISA, BUS_OTHER };

static void mp_warn(struct mp_info *out, const char *msg)
{
	for (unsigned i = 0; i < out->warning_count; i++)
		if (out->warnings[i] == msg)
			return;
	if (out->warning_count < MP_WARNINGS_MAX)
		out->warnings[out->warning_count++] = msg;
}

static int mp_refuse(struct mp_info *out, const char *why)
{
	out->error = why;
	return -EINVAL;
}

/* Map [phys, phys + len) unless it wraps. */
static const uint8_t *mp_map(const struct acpi_mapper *m, uint64_t phys, size_t len)
{
	if (phys + len < phys)
		return NULL;
	return m->map(m->ctx, phys, len);
}

/* Copy a space-padded name, unprintables as '?', trailing spaces cut. */
static void copy_name(char *dst, const uint8_t *src, size_t n)
{
	size_t end = 0;

	for (size_t i = 0; i < n; i++) {
		uint8_t c = src[i];

		dst[i] = (c >= 0x20 && c < 0x7f) ? (char)c : '?';
		if (dst[i] != ' ')
			end = i + 1;
	}
	dst[end] = '\0';
}

static bool fptr_is_valid(const uint8_t *p)
{
	return !memcmp(p, "_MP_", 4) && p[FPTR_LENGTH] == 1 && byte_sum(p, MP_FPTR_LEN) == 0 &&
	       (p[FPTR_REVISION] == 1 || p[FPTR_REVISION] == 4);
}

int mptable_fptr_scan(const void *area, size_t len, size_t *offset)
{
	const uint8_t *p = area;

	if (!p)
		return -ENOENT;
	for (size_t off = 0; len >= MP_FPTR_LEN && off <= len - MP_FPTR_LEN; off += 16) {
		if (fptr_is_valid(p + off)) {
			*offset = off;
			return 0;
		}
	}
	return -ENOENT;
}

/* The size of a base table entry of this type; 0: not in the specification. */
static unsigned entry_size(uint8_t type)
{
	switch (type) {
	case MP_PROCESSOR:
		return 20;
	case MP_BUS:
	case MP_IOAPIC:
	case MP_IOINT:
	case MP_LINT:
		return 8;
	default:
		return 0;
	}
}

/*
 * Walk the entries once to check that each lies inside the table. The
 * count may not exceed what the length holds; bytes left after the last
 * entry are allowed (padding).
 */
static int check_entries(struct mp_info *out, const uint8_t *t, uint32_t len, unsigned count)
{
	uint32_t off = MP_HEADER_LEN;

	for (unsigned i = 0; i < count; i++) {
		if (off >= len)
			return mp_refuse(out, "mptable: entry count runs past the table's length");
		unsigned size = entry_size(t[off]);

		if (!size)
			return mp_refuse(out, "mptable: entry of unknown type (cannot find the next)");
		if (size > len - off)
			return mp_refuse(out, "mptable: entry runs past the end of the table");
		off += size;
	}
	return 0;
}

static int add_cpu(struct mp_info *out, const uint8_t *e)
{
	uint8_t id = e[1];

	if (!(e[3] & MP_CPU_ENABLED))
		return 0;
	if (id == 0xFF) {
		mp_warn(out, "mptable: CPU with the broadcast APIC id 0xff; skipped");
		return 0;
	}
	/* At most 255 distinct ids: the duplicate check bounds cpu_count. */
	for (unsigned i = 0; i < out->cpu_count; i++)
		if (out->cpus[i].apic_id == id)
			return mp_refuse(out, "mptable: two CPUs with the same APIC id");
	out->cpus[out->cpu_count++] = (struct mp_cpu){ id, e[3] & MP_CPU_BSP, false };
	return 0;
}

static int add_ioapic(struct mp_info *out, const uint8_t *e)
{
	uint32_t addr = load_le32(e + 4);

	if (!(e[3] & MP_IOAPIC_ENABLED))
		return 0;
	if (!addr) {
		mp_warn(out, "mptable: I/O APIC at address 0; skipped");
		return 0;
	}
	for (unsigned i = 0; i < out->ioapic_count; i++)
		if (out->ioapics[i].id == e[1])
			return mp_refuse(out, "mptable: two I/O APICs with the same id");
	if (out->ioapic_count == MP_IOAPICS_MAX) {
		mp_warn(out, "mptable: more than 16 I/O APICs; extra ignored");
		return 0;
	}
	out->ioapics[out->ioapic_count++] = (struct mp_ioapic){ e[1], addr };
	return 0;
}

static void set_bus(struct mp_info *out, uint8_t *bus, const uint8_t *e)
{
	if (bus[e[1]] != BUS_UNDECLARED)
		mp_warn(out, "mptable: a bus id declared twice; last kept");
	bus[e[1]] = (!memcmp(e + 2, "ISA   ", 6) || !memcmp(e + 2, "EISA  ", 6)) ? BUS_ISA
										 : BUS_OTHER;
}

/* A type 3 entry: keep vectored interrupts of ISA buses. */
static void add_isa_irq(struct mp_info *out, const uint8_t *bus, const uint8_t *e)
{
	uint16_t flags = load_le16(e + 2);
	uint8_t src_bus = e[4], irq = e[5], apic = e[6], pin = e[7];
	unsigned idx = 0;

	if (e[1] != MP_INT_TYPE_INT)
		return;
	if (bus[src_bus] == BUS_UNDECLARED) {
		mp_warn(out, "mptable: interrupt entry on an undeclared bus; skipped");
		return;
	}
	if (bus[src_bus] != BUS_ISA)
		return;
	if (irq >= MP_ISA_IRQS) {
		mp_warn(out, "mptable: ISA IRQ above 15; skipped");
		return;
	}
	while (idx < out->ioapic_count && out->ioapics[idx].id != apic && apic != MP_ALL_IOAPICS)
		idx++;
	if (idx == out->ioapic_count) {
		mp_warn(out, "mptable: interrupt entry names an unknown I/O APIC; skipped");
		return;
	}
	if (out->isa[irq].present) {
		mp_warn(out, "mptable: an ISA IRQ is wired twice; first kept");
		return;
	}
	if ((flags & ACPI_MPS_POLARITY_MASK) == 2 || (flags & ACPI_MPS_TRIGGER_MASK) == 8)
		mp_warn(out, "mptable: reserved polarity/trigger; ISA default used");
	out->isa[irq] = (struct mp_isa_irq){ true, (uint8_t)idx, pin, flags };
}

/* Processors, buses and I/O APICs first: interrupt entries refer to them. */
static int read_entries(struct mp_info *out, const uint8_t *t, unsigned count)
{
	uint8_t bus[256] = { 0 };
	uint32_t off = MP_HEADER_LEN;
	int err = 0;

	for (unsigned i = 0; i < count && !err; off += entry_size(t[off]), i++) {
		if (t[off] == MP_PROCESSOR)
			err = add_cpu(out, t + off);
		else if (t[off] == MP_IOAPIC)
			err = add_ioapic(out, t + off);
		else if (t[off] == MP_BUS)
			set_bus(out, bus, t + off);
	}
	if (err)
		return err;
	off = MP_HEADER_LEN;
	for (unsigned i = 0; i < count; off += entry_size(t[off]), i++)
		if (t[off] == MP_IOINT)
			add_isa_irq(out, bus, t + off);
	return 0;
}

int mptable_parse(const struct acpi_mapper *m, paddr_t fptr, struct mp_info *out)
{
	uint8_t fp[MP_FPTR_LEN];
	const uint8_t *p;

	memset(out, 0, sizeof(*out));
	out->fptr_phys = fptr;
	if (!m || !m->map)
		return mp_refuse(out, "mptable: no way to read memory");
	p = mp_map(m, fptr, MP_FPTR_LEN);
	if (!p)
		return mp_refuse(out, "mptable: floating pointer unreadable");
	memcpy(fp, p, sizeof(fp));
	if (!fptr_is_valid(fp))
		return mp_refuse(out, "mptable: floating pointer invalid (signature, length, "
				      "checksum or revision)");
	out->spec_rev = fp[FPTR_REVISION];
	out->default_config = fp[FPTR_FEATURE1];
	out->imcr_pic_mode = fp[FPTR_FEATURE2] & FPTR_IMCRP;
	out->table_phys = load_le32(fp + FPTR_TABLE);
	if (out->default_config) {
		out->error = "mptable: a default configuration (no table) is not supported";
		return -ENOTSUP;
	}
	if (!out->table_phys)
		return mp_refuse(out, "mptable: floating pointer gives no table address");

	p = mp_map(m, out->table_phys, MP_HEADER_LEN);
	if (!p)
		return mp_refuse(out, "mptable: configuration table unreadable");
	if (memcmp(p, "PCMP", 4))
		return mp_refuse(out, "mptable: configuration table signature is not PCMP");
	uint32_t len = load_le16(p + PCMP_LENGTH);

	if (len < MP_HEADER_LEN)
		return mp_refuse(out, "mptable: configuration table shorter than its header");
	const uint8_t *t = mp_map(m, out->table_phys, len);

	if (!t)
		return mp_refuse(out, "mptable: configuration table runs into unreadable memory");
	if (byte_sum(t, len))
		return mp_refuse(out, "mptable: configuration table checksum bad");
	if (t[PCMP_REVISION] != 1 && t[PCMP_REVISION] != 4)
		mp_warn(out, "mptable: configuration table of an unknown revision");
	copy_name(out->oem_id, t + PCMP_OEM_ID, 8);
	copy_name(out->product_id, t + PCMP_PRODUCT, 12);
	out->lapic_address = load_le32(t + PCMP_LAPIC);
	out->entry_count = load_le16(t + PCMP_COUNT);

	int err = check_entries(out, t, len, out->entry_count);

	if (!err)
		err = read_entries(out, t, out->entry_count);
	if (!err && !out->cpu_count)
		err = mp_refuse(out, "mptable: no enabled CPU");
	if (err) { /* nothing of a refused table may be used */
		out->cpu_count = out->ioapic_count = 0;
		memset(out->isa, 0, sizeof(out->isa));
		return err;
	}
	bool bsp = false;

	for (unsigned i = 0; i < out->cpu_count; i++)
		bsp |= out->cpus[i].bsp;
	if (!bsp)
		mp_warn(out, "mptable: no CPU is marked as the boot processor");
	return 0;
}

/* Scan [phys, phys + len) for a floating pointer. */
static int scan_at(const struct acpi_mapper *m, paddr_t phys, size_t len, paddr_t *found)
{
	size_t off;

	if (mptable_fptr_scan(mp_map(m, phys, len), len, &off) < 0)
		return -ENOENT;
	*found = phys + off;
	return 0;
}

static uint16_t bda_read16(const struct acpi_mapper *m, paddr_t at)
{
	const uint8_t *p = mp_map(m, at, 2);

	return p ? load_le16(p) : 0;
}

int mptable_find(const struct acpi_mapper *m, struct mp_info *out)
{
	paddr_t ebda, base_top, fptr;
	unsigned base_kib;

	memset(out, 0, sizeof(*out));
	if (!m || !m->map)
		return mp_refuse(out, "mptable: no way to read memory");
	ebda = (paddr_t)bda_read16(m, BDA_EBDA_SEGMENT) << 4;
	base_kib = bda_read16(m, BDA_BASE_KIB);
	if (base_kib < 512 || base_kib > 640)
		base_kib = 640; /* the BDA is not trustworthy: assume a full 640 KiB */
	base_top = (paddr_t)base_kib << 10;

	if ((ebda >= 0x80000 && ebda < 0xA0000 && scan_at(m, ebda, 1024, &fptr) == 0) ||
	    scan_at(m, base_top - 1024, 1024, &fptr) == 0 ||
	    scan_at(m, BIOS_ROM_START, BIOS_ROM_LEN, &fptr) == 0)
		return mptable_parse(m, fptr, out);
	out->error = "mptable: no MP floating pointer";
	return -ENOENT;
}

bool mptable_isa_route(const struct mp_info *info, unsigned irq, const uint32_t *gsi_base,
		       uint32_t *gsi, bool *active_low, bool *level)
{
	if (irq >= MP_ISA_IRQS || !info->isa[irq].present)
		return false;

	const struct mp_isa_irq *r = &info->isa[irq];

	*gsi = gsi_base[r->ioapic] + r->pin;
	*active_low = (r->flags & ACPI_MPS_POLARITY_MASK) == ACPI_MPS_ACTIVE_LOW;
	*level = (r->flags & ACPI_MPS_TRIGGER_MASK) == ACPI_MPS_LEVEL;
	return true;
}

static bool has_cpu(const struct mp_info *info, uint8_t apic_id)
{
	for (unsigned i = 0; i < info->cpu_count; i++)
		if (info->cpus[i].apic_id == apic_id)
			return true;
	return false;
}

/* Does the table list a CPU other than cpus[self] in the package at base? */
static bool package_has_other(const struct mp_info *info, unsigned self, unsigned base,
			      unsigned size)
{
	for (unsigned i = 0; i < info->cpu_count; i++)
		if (i != self && info->cpus[i].apic_id - base < size)
			return true;
	return false;
}

unsigned mptable_add_siblings(struct mp_info *info, const struct mp_topology *topo)
{
	unsigned listed = info->cpu_count, added = 0;
	unsigned size = 1u << topo->pkg_shift;

	if (topo->smt_shift > topo->pkg_shift || topo->pkg_shift > 8 || !topo->threads ||
	    topo->threads > (1u << topo->smt_shift) || topo->logical % topo->threads ||
	    topo->logical / topo->threads > (1u << (topo->pkg_shift - topo->smt_shift)))
		return 0;
	unsigned cores = topo->logical / topo->threads;

	for (unsigned i = 0; i < listed; i++) {
		unsigned base = info->cpus[i].apic_id;

		if (base & (size - 1) || package_has_other(info, i, base, size))
			continue;
		for (unsigned c = 0; c < cores; c++)
			for (unsigned th = 0; th < topo->threads; th++) {
				unsigned id = base + (c << topo->smt_shift) + th;

				if (id >= 0xFF || has_cpu(info, (uint8_t)id) ||
				    info->cpu_count == MP_CPUS_MAX)
					continue;
				info->cpus[info->cpu_count++] =
					(struct mp_cpu){ (uint8_t)id, false, true };
				added++;
			}
	}
	info->siblings_added += added;
	return added;
}
