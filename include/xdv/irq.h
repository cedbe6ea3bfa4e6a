/* SPDX-License-Identifier: MIT */
/*
 * Interrupts: the local APIC of each CPU, the I/O APICs, and an API to
 * install handlers on legacy (ISA) IRQs and on free vectors (for MSI).
 *
 * Vectors: 0-31 exceptions; 0x20-0x2F legacy IRQ 0-15 (through the I/O
 * APIC, after the MADT's interrupt source overrides); 0x30-0xDF free for
 * irq_alloc_vector(); 0xE0-0xEF the kernel's own (timer, IPIs); 0xFE APIC
 * error; 0xFF spurious.
 */
#pragma once

#include <xdv/compiler.h>

#define IRQ_LEGACY_BASE    0x20
#define IRQ_DYNAMIC_FIRST  0x30
#define IRQ_DYNAMIC_LAST   0xDF
#define VECTOR_TIMER       0xE0
#define VECTOR_IPI_CALL    0xE1 /* run a function on other CPUs */
#define VECTOR_IPI_RESCHED 0xE2 /* the scheduler's nudge */
#define VECTOR_IPI_STOP    0xE3 /* panic: stop this CPU */
#define VECTOR_APIC_ERROR  0xFE
#define VECTOR_SPURIOUS    0xFF

#define IRQ_SHARED_MAX 4 /* handlers on one vector */

/*
 * An interrupt handler. Return: true if its device raised the interrupt
 * (on a shared line every handler is asked).
 * Context: interrupt, interrupts off, on the CPU that took it.
 */
typedef bool (*irq_handler_t)(void *data);

/*
 * Handle legacy IRQ isa_irq (0-15): routed through the I/O APIC to this
 * CPU, with the MADT's override for it (GSI, polarity, trigger) applied.
 * Several handlers may share it. Return: 0, -EINVAL, -EBUSY (full), -ENODEV.
 */
int __must_check irq_request(unsigned isa_irq, irq_handler_t fn, void *data,
			     const char *name);

/* Remove a handler added by irq_request (the line is masked when unused). */
void irq_release(unsigned isa_irq, irq_handler_t fn, void *data);

/* A free vector with fn on it (for MSI). Return: the vector, or -ENOSPC. */
int __must_check irq_alloc_vector(irq_handler_t fn, void *data, const char *name);
void irq_free_vector(unsigned vector);

/* Install a kernel handler on one of the fixed vectors (0xE0-0xEF). */
void irq_set_fixed(unsigned vector, irq_handler_t fn, void *data, const char *name);

/* Interrupts seen on vector, and spurious interrupts, since boot (all CPUs). */
uint64_t irq_count(unsigned vector);
uint64_t irq_spurious_count(void);
/* Interrupts on vector (>= IRQ_LEGACY_BASE) taken by one CPU; 32 bits, wrapping. */
uint32_t irq_count_cpu(unsigned vector, unsigned cpu);

/* What is installed on a vector, for /proc/interrupts. */
struct irq_description {
	bool used;        /* some handler is installed */
	bool level;       /* legacy IRQs: level-triggered (else edge) */
	uint32_t gsi;     /* legacy IRQs: the GSI the line is routed to */
	char names[64];   /* the handlers' names, ", "-separated */
};
void irq_describe(unsigned vector, struct irq_description *out);

/* Set up the boot CPU: PICs masked, local APIC on, I/O APICs from ACPI. */
void irq_init(void);

/* ---- local APIC (cpu/lapic.c) ------------------------------------------ */

void lapic_init_cpu(void);         /* enable this CPU's local APIC */
uint32_t lapic_id(void);           /* this CPU's APIC id */
bool lapic_is_x2apic(void);
void lapic_eoi(void);
/* Fixed-vector IPI to one CPU, or to all others with dest = LAPIC_ALL_BUT_SELF. */
#define LAPIC_ALL_BUT_SELF 0xFFFFFFFFu
void lapic_send_ipi(uint32_t dest_apic_id, uint8_t vector);
void lapic_send_nmi_all_but_self(void);
void lapic_send_nmi(uint32_t dest_apic_id); /* also to this CPU's own id */
void lapic_send_init(uint32_t dest_apic_id);
void lapic_send_startup(uint32_t dest_apic_id, uint8_t page);

/* The local APIC timer: one-shot after `ticks` (0 stops it), divide by 16. */
void lapic_timer_oneshot(uint32_t ticks);
void lapic_timer_periodic(uint32_t ticks);
uint32_t lapic_timer_current(void);
