/* SPDX-License-Identifier: MIT */
/* Private to cpu/: how its files reach each other. */
#pragma once

#include <xdv/acpi.h>
#include <xdv/types.h>

struct trap_frame;

/* I/O APICs (cpu/ioapic.c). */
int ioapic_add(uint8_t id, paddr_t phys, uint32_t gsi_base);
int ioapic_route(uint32_t gsi, uint8_t vector, uint32_t dest_apic_id, bool active_low,
		 bool level);
void ioapic_mask(uint32_t gsi);
unsigned ioapic_total(void);
/* The GSI after the last line of every I/O APIC added so far (0: none). */
uint32_t ioapic_gsi_end(void);

/* Legacy ISA IRQ -> GSI with polarity and trigger, from the MADT (cpu/irq.c). */
void irq_set_isa_override(unsigned isa_irq, uint32_t gsi, bool active_low, bool level);

/*
 * Tests of the trap entry (cpu/traps_entry_test.c): when set, trap_dispatch
 * offers every exception (vector < 32) to it first; true means handled.
 */
extern bool (*volatile trap_test_hook)(struct trap_frame *frame);

/* Interrupt vectors >= 32 (cpu/irq.c), called by trap_dispatch. */
void irq_dispatch(struct trap_frame *frame);

/* Sort values[0..n) in place and return the middle one (cpu/tsc.c). */
uint64_t median_u64(uint64_t *values, unsigned n);

/* The 8259 PICs: remapped out of the exception vectors and masked. */
void pic_disable(void);

/*
 * The MP specification's tables, when ACPI has no MADT (cpu/mptable_setup.c):
 * mptable_read_firmware() finds and parses them through the direct map and
 * adds the CPUs of each package the table leaves out (0 or -errno as
 * mptable_find()); mptable_setup() registers their I/O APICs and ISA IRQ wiring;
 * mptable_cpu_ids() gives up to max APIC ids of their CPUs (0 when no table
 * is used); mptable_get() the table in use, or NULL. mptable_mapper reads
 * physical memory through the direct map. Context: boot CPU, at boot.
 */
struct mp_info;
struct acpi_mapper;
int mptable_read_firmware(struct mp_info *out);
void mptable_setup(void);
unsigned mptable_cpu_ids(uint32_t *ids, unsigned max);
const struct mp_info *mptable_get(void);
extern const struct acpi_mapper mptable_mapper;

/* Map and start the HPET at addr; recalibrate the TSC against it. */
int hpet_init(paddr_t addr);

/*
 * ACPI registers the power-off and reboot paths write (cpu/power.c). A
 * register in memory space is mapped when prepared (at boot), because
 * once the other CPUs are stopped no mapping can be made safely.
 */
struct power_reg {
	struct acpi_gas gas;
	volatile void *mmio; /* memory space: the mapping; else NULL */
};

/* Copy g into r and map it if it is in memory space. Return: 0, -ENOMEM. */
int power_reg_prepare(struct power_reg *r, const struct acpi_gas *g);
/* Write v at the register's width; no allocation, no lock. */
void power_reg_write(const struct power_reg *r, uint32_t v);
void power_reg_release(struct power_reg *r);
/* Prepare the FADT's reset and PM1 control registers. Context: acpi_init. */
void power_init(const struct acpi_info *acpi);
/* True when every FADT register in memory space has its mapping. */
bool power_regs_mapped(void);

/* The SYSCALL entry point (cpu/syscall_entry.asm): LSTAR, and the one
 * place a kernel-mode single-step trap is expected (traps.c). */
extern const char syscall_entry[];
