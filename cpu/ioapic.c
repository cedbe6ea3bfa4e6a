// SPDX-License-Identifier: MIT
/*
 * I/O APICs: where device interrupt lines (global system interrupts, GSIs)
 * become vectors on a CPU. The ACPI MADT lists each I/O APIC (address,
 * first GSI); every redirection entry starts masked, and ioapic_route()
 * programs one line: vector, destination APIC id (physical mode), polarity
 * and trigger mode.
 *
 * Locks: none yet; with SMP, routing changes take irq_lock (cpu/irq.c).
 */
#include <xdv/errno.h>
#include <xdv/irq.h>
#include <xdv/mm.h>
#include <xdv/printk.h>
#include "internal.h"

#define IOAPIC_MAX 16
#define IOREGSEL   0x00
#define IOWIN      0x10
#define IOAPIC_REG_VER 0x01
#define IOAPIC_REG_REDIR(i) (0x10 + 2 * (i))

#define REDIR_ACTIVE_LOW (1u << 13)
#define REDIR_LEVEL      (1u << 15)
#define REDIR_MASKED     (1u << 16)

struct ioapic {
	volatile uint32_t *regs;
	uint32_t gsi_base;
	unsigned lines;
	uint8_t id;
};

static struct ioapic ioapics[IOAPIC_MAX];
static unsigned ioapic_count;

static uint32_t ioapic_read(const struct ioapic *io, uint32_t reg)
{
	io->regs[IOREGSEL / 4] = reg;
	return io->regs[IOWIN / 4];
}

static void ioapic_write(const struct ioapic *io, uint32_t reg, uint32_t v)
{
	io->regs[IOREGSEL / 4] = reg;
	io->regs[IOWIN / 4] = v;
}

int ioapic_add(uint8_t id, paddr_t phys, uint32_t gsi_base)
{
	if (ioapic_count == IOAPIC_MAX)
		return -ENOSPC;

	struct ioapic *io = &ioapics[ioapic_count];

	io->regs = ioremap(phys, 0x20, VM_CACHE_UC);
	if (!io->regs)
		return -ENOMEM;
	io->id = id;
	io->gsi_base = gsi_base;
	io->lines = ((ioapic_read(io, IOAPIC_REG_VER) >> 16) & 0xFF) + 1;
	for (unsigned i = 0; i < io->lines; i++) {
		ioapic_write(io, IOAPIC_REG_REDIR(i), REDIR_MASKED);
		ioapic_write(io, IOAPIC_REG_REDIR(i) + 1, 0);
	}
	ioapic_count++;
	pr_info("irq: I/O APIC %u at 0x%lx, GSI %u-%u\n", id, phys, gsi_base,
		gsi_base + io->lines - 1);
	return 0;
}

static struct ioapic *ioapic_for(uint32_t gsi, unsigned *line)
{
	for (unsigned i = 0; i < ioapic_count; i++) {
		struct ioapic *io = &ioapics[i];

		if (gsi >= io->gsi_base && gsi - io->gsi_base < io->lines) {
			*line = gsi - io->gsi_base;
			return io;
		}
	}
	return NULL;
}

int ioapic_route(uint32_t gsi, uint8_t vector, uint32_t dest_apic_id, bool active_low,
		 bool level)
{
	unsigned line;
	struct ioapic *io = ioapic_for(gsi, &line);

	if (!io)
		return -ENODEV;
	ioapic_write(io, IOAPIC_REG_REDIR(line) + 1, dest_apic_id << 24);
	ioapic_write(io, IOAPIC_REG_REDIR(line), vector | (active_low ? REDIR_ACTIVE_LOW : 0) |
						     (level ? REDIR_LEVEL : 0));
	return 0;
}

void ioapic_mask(uint32_t gsi)
{
	unsigned line;
	struct ioapic *io = ioapic_for(gsi, &line);

	if (io)
		ioapic_write(io, IOAPIC_REG_REDIR(line),
			     ioapic_read(io, IOAPIC_REG_REDIR(line)) | REDIR_MASKED);
}

unsigned ioapic_total(void)
{
	return ioapic_count;
}

uint32_t ioapic_gsi_end(void)
{
	uint32_t end = 0;

	for (unsigned i = 0; i < ioapic_count; i++)
		end = MAX(end, ioapics[i].gsi_base + ioapics[i].lines);
	return end;
}
