/* SPDX-License-Identifier: MIT */
/* Private to cpu/: how its files reach each other. */
#pragma once

#include <xdv/types.h>

struct trap_frame;

/* I/O APICs (cpu/ioapic.c). */
int ioapic_add(uint8_t id, paddr_t phys, uint32_t gsi_base);
int ioapic_route(uint32_t gsi, uint8_t vector, uint32_t dest_apic_id, bool active_low,
		 bool level);
void ioapic_mask(uint32_t gsi);
unsigned ioapic_total(void);

/* Legacy ISA IRQ -> GSI with polarity and trigger, from the MADT (cpu/irq.c). */
void irq_set_isa_override(unsigned isa_irq, uint32_t gsi, bool active_low, bool level);

/* Interrupt vectors >= 32 (cpu/irq.c), called by trap_dispatch. */
void irq_dispatch(struct trap_frame *frame);

/* Sort values[0..n) in place and return the middle one (cpu/tsc.c). */
uint64_t median_u64(uint64_t *values, unsigned n);

/* The 8259 PICs: remapped out of the exception vectors and masked. */
void pic_disable(void);

/* Map and start the HPET at addr; recalibrate the TSC against it. */
int hpet_init(paddr_t addr);
