// SPDX-License-Identifier: MIT
/*
 * MADT ("APIC" table) parsing: the local APIC address, whether legacy 8259
 * PICs are present, the CPUs (local APIC and x2APIC entries), the I/O
 * APICs, the ISA interrupt source overrides and the NMI wiring, into
 * struct acpi_madt for the APIC, IRQ and SMP code.
 *
 * The table has been length-capped and checksummed by acpi_parse()
 * (cpu/acpi_tables.c), but its contents are still firmware input: entries
 * are {u8 type; u8 length; ...}, and one whose length is below 2 or runs
 * past the table end ends the walk (no way to find the next one); one too
 * short for its type, or with impossible contents, is skipped. Arrays are
 * bounded; extra entries are dropped with a warning.
 *
 * Layout: ACPI specification, "Multiple APIC Description Table": header,
 * u32 local APIC address at 36, u32 flags at 40, entries from 44.
 *
 * Pure logic, like the rest of the parser. Locking: none; the caller owns
 * *out.
 */
#include "acpi_internal.h"

#define MADT_LAPIC_ADDR 36u
#define MADT_FLAGS      40u
#define MADT_ENTRIES    44u
#define MADT_PCAT_COMPAT (1u << 0)

#define LAPIC_ENABLED        (1u << 0)
#define LAPIC_ONLINE_CAPABLE (1u << 1)

enum madt_type {
	MADT_LAPIC = 0,
	MADT_IOAPIC = 1,
	MADT_OVERRIDE = 2,
	MADT_NMI_SOURCE = 3,
	MADT_LAPIC_NMI = 4,
	MADT_LAPIC_ADDR_OVERRIDE = 5,
	MADT_X2APIC = 9,
	MADT_X2APIC_NMI = 10,
};

/* The length each entry type must at least have; 0: not used here. */
static uint8_t madt_min_len(uint8_t type)
{
	switch (type) {
	case MADT_LAPIC:
		return 8;
	case MADT_IOAPIC:
		return 12;
	case MADT_OVERRIDE:
		return 10;
	case MADT_NMI_SOURCE:
		return 8;
	case MADT_LAPIC_NMI:
		return 6;
	case MADT_LAPIC_ADDR_OVERRIDE:
		return 12;
	case MADT_X2APIC:
		return 16;
	case MADT_X2APIC_NMI:
		return 12;
	default:
		return 0;
	}
}

static void madt_add_cpu(struct acpi_info *out, uint32_t apic_id,
			 uint32_t uid, uint32_t flags, bool x2apic)
{
	struct acpi_madt *madt = &out->madt;

	/* Neither enabled nor hot-pluggable: firmware lists unused slots. */
	if (!(flags & (LAPIC_ENABLED | LAPIC_ONLINE_CAPABLE)))
		return;
	if ((!x2apic && apic_id == 0xff) || apic_id == 0xffffffffu) {
		acpi_warn(out, "acpi: MADT CPU with the broadcast APIC id; skipped");
		return;
	}
	/* Firmware may list a CPU both as local APIC and as x2APIC. */
	for (unsigned i = 0; i < madt->cpu_count; i++) {
		if (madt->cpus[i].apic_id == apic_id) {
			acpi_warn(out, "acpi: MADT lists an APIC id twice; second ignored");
			return;
		}
	}
	if (madt->cpu_count >= ACPI_CPUS_MAX) {
		acpi_warn(out, "acpi: MADT lists more than 256 CPUs; extra ignored");
		return;
	}
	madt->cpus[madt->cpu_count++] = (struct acpi_cpu){
		.apic_id = apic_id,
		.uid = uid,
		.enabled = flags & LAPIC_ENABLED,
		.online_capable = !(flags & LAPIC_ENABLED) &&
				  (flags & LAPIC_ONLINE_CAPABLE),
		.x2apic = x2apic,
	};
}

static void madt_add_ioapic(struct acpi_info *out, const uint8_t *e)
{
	struct acpi_madt *madt = &out->madt;
	uint32_t addr = load_le32(e + 4);

	if (!addr) {
		acpi_warn(out, "acpi: MADT I/O APIC at address 0; skipped");
		return;
	}
	if (madt->ioapic_count >= ACPI_IOAPICS_MAX) {
		acpi_warn(out, "acpi: MADT lists more than 16 I/O APICs; extra ignored");
		return;
	}
	madt->ioapics[madt->ioapic_count++] = (struct acpi_ioapic){
		.id = e[2],
		.address = addr,
		.gsi_base = load_le32(e + 8),
	};
}

/* Resolve MPS INTI flags; "conforms" means the ISA default here. */
static void madt_resolve_flags(struct acpi_info *out, struct acpi_override *o)
{
	unsigned pol = o->flags & ACPI_MPS_POLARITY_MASK;
	unsigned trig = o->flags & ACPI_MPS_TRIGGER_MASK;

	if (pol == 2 || trig == 8)
		acpi_warn(out, "acpi: MADT override with reserved polarity/trigger; ISA default used");
	o->active_low = pol == ACPI_MPS_ACTIVE_LOW;
	o->level = trig == ACPI_MPS_LEVEL;
}

static void madt_add_override(struct acpi_info *out, const uint8_t *e)
{
	struct acpi_madt *madt = &out->madt;
	struct acpi_override o = {
		.bus = e[2],
		.source_irq = e[3],
		.gsi = load_le32(e + 4),
		.flags = load_le16(e + 8),
	};

	if (o.bus != 0 || o.source_irq >= 16) {
		acpi_warn(out, "acpi: MADT override for a non-ISA IRQ; skipped");
		return;
	}
	for (unsigned i = 0; i < madt->override_count; i++) {
		if (madt->overrides[i].source_irq == o.source_irq) {
			acpi_warn(out, "acpi: MADT overrides an ISA IRQ twice; second ignored");
			return;
		}
	}
	if (madt->override_count >= ACPI_OVERRIDES_MAX) {
		acpi_warn(out, "acpi: MADT lists more than 16 overrides; extra ignored");
		return;
	}
	madt_resolve_flags(out, &o);
	madt->overrides[madt->override_count++] = o;
}

static void madt_add_nmi_source(struct acpi_info *out, const uint8_t *e)
{
	struct acpi_madt *madt = &out->madt;

	if (madt->nmi_source_count >= ACPI_NMIS_MAX) {
		acpi_warn(out, "acpi: MADT lists more than 16 NMI sources; extra ignored");
		return;
	}
	madt->nmi_sources[madt->nmi_source_count++] = (struct acpi_nmi_source){
		.flags = load_le16(e + 2),
		.gsi = load_le32(e + 4),
	};
}

static void madt_add_lapic_nmi(struct acpi_info *out, uint32_t uid,
			       uint16_t flags, uint8_t lint)
{
	struct acpi_madt *madt = &out->madt;

	if (lint > 1) {
		acpi_warn(out, "acpi: MADT local APIC NMI on a LINT pin above 1; skipped");
		return;
	}
	if (madt->lapic_nmi_count >= ACPI_NMIS_MAX) {
		acpi_warn(out, "acpi: MADT lists more than 16 local APIC NMIs; extra ignored");
		return;
	}
	madt->lapic_nmis[madt->lapic_nmi_count++] = (struct acpi_lapic_nmi){
		.uid = uid,
		.flags = flags,
		.lint = lint,
	};
}

static void madt_parse_entry(struct acpi_info *out, const uint8_t *e,
			     uint64_t *addr_override)
{
	switch (e[0]) {
	case MADT_LAPIC:
		madt_add_cpu(out, e[3], e[2], load_le32(e + 4), false);
		break;
	case MADT_X2APIC:
		madt_add_cpu(out, load_le32(e + 4), load_le32(e + 12),
			     load_le32(e + 8), true);
		break;
	case MADT_IOAPIC:
		madt_add_ioapic(out, e);
		break;
	case MADT_OVERRIDE:
		madt_add_override(out, e);
		break;
	case MADT_NMI_SOURCE:
		madt_add_nmi_source(out, e);
		break;
	case MADT_LAPIC_NMI:
		/* A UID of 0xff means all processors. */
		madt_add_lapic_nmi(out, e[2] == 0xff ? ACPI_UID_ALL : e[2],
				   load_le16(e + 3), e[5]);
		break;
	case MADT_X2APIC_NMI:
		madt_add_lapic_nmi(out, load_le32(e + 4), load_le16(e + 2),
				   e[8]);
		break;
	case MADT_LAPIC_ADDR_OVERRIDE:
		*addr_override = load_le64(e + 4);
		break;
	default:
		break; /* other interrupt controllers: not ours */
	}
}

/*
 * Parse a checksummed MADT t[0..len) into out->madt and set has_madt.
 * Context: called by acpi_parse() only.
 */
void acpi_madt_parse(struct acpi_info *out, const uint8_t *t, uint32_t len)
{
	struct acpi_madt *madt = &out->madt;
	uint64_t addr_override = 0;
	uint32_t off = MADT_ENTRIES;

	if (len < MADT_ENTRIES) {
		acpi_warn(out, "acpi: MADT shorter than 44 bytes; ignored");
		return;
	}
	madt->lapic_address = load_le32(t + MADT_LAPIC_ADDR);
	madt->pcat_compat = load_le32(t + MADT_FLAGS) & MADT_PCAT_COMPAT;

	while (off < len) {
		const uint8_t *e = t + off;
		uint8_t elen;

		if (len - off < 2) {
			acpi_warn(out, "acpi: MADT ends in a partial entry header; ignored");
			break;
		}
		elen = e[1];
		if (elen < 2) {
			acpi_warn(out, "acpi: MADT entry shorter than 2 bytes; rest of MADT ignored");
			break;
		}
		if (elen > len - off) {
			acpi_warn(out, "acpi: MADT entry runs past the table end; rest ignored");
			break;
		}
		if (elen < madt_min_len(e[0]))
			acpi_warn(out, "acpi: MADT entry too short for its type; skipped");
		else
			madt_parse_entry(out, e, &addr_override);
		off += elen;
	}
	if (addr_override)
		madt->lapic_address = addr_override;
	if (!madt->lapic_address)
		acpi_warn(out, "acpi: MADT gives local APIC address 0");
	out->has_madt = true;
}
