// SPDX-License-Identifier: MIT
/*
 * Interrupt handlers and their dispatch. Each vector has up to
 * IRQ_SHARED_MAX handlers (devices may share a line); an interrupt calls
 * them all, counts itself, and ends with an EOI to the local APIC. The
 * spurious vector is counted and gets no EOI, as the APIC requires.
 *
 * Legacy IRQs 0-15 go through the I/O APIC: the MADT's interrupt source
 * overrides (e.g. the PIT's IRQ 0 on GSI 2, the ACPI SCI level/low) say
 * which GSI and which polarity/trigger; without an override a legacy IRQ
 * is GSI n, edge, active high (ISA's own convention).
 *
 * Locks: irq_lock guards the handler table and routing changes; dispatch
 * reads a handler slot without it (slots are filled before the line is
 * unmasked and cleared after it is masked).
 */
#define pr_fmt(fmt) "irq: " fmt
#include <xdv/cpu.h>
#include <xdv/errno.h>
#include <xdv/irq.h>
#include <xdv/percpu.h>
#include <xdv/printk.h>
#include <xdv/spinlock.h>
#include "internal.h"

struct irq_action {
	irq_handler_t fn;
	void *data;
	const char *name;
};

struct isa_route {
	uint32_t gsi;
	bool active_low, level;
};

static struct spinlock irq_lock = SPINLOCK_INIT("irq");
static struct irq_action actions[256][IRQ_SHARED_MAX];
static uint64_t vector_counts[256];
/* Per CPU, for /proc/interrupts: written by its own CPU only, 32 bits
 * each as Linux's kstat_irqs (they wrap). Vectors below IRQ_LEGACY_BASE
 * are exceptions and are not counted here. */
static uint32_t vector_cpu_counts[MAX_CPUS][256 - IRQ_LEGACY_BASE];
static uint64_t spurious;
/* ISA convention until the MADT overrides a line: GSI n, edge, high. */
#define ISA_ROUTE(n) [n] = { .gsi = (n), .active_low = false, .level = false }
static struct isa_route isa_routes[16] = {
	ISA_ROUTE(0), ISA_ROUTE(1), ISA_ROUTE(2), ISA_ROUTE(3),
	ISA_ROUTE(4), ISA_ROUTE(5), ISA_ROUTE(6), ISA_ROUTE(7),
	ISA_ROUTE(8), ISA_ROUTE(9), ISA_ROUTE(10), ISA_ROUTE(11),
	ISA_ROUTE(12), ISA_ROUTE(13), ISA_ROUTE(14), ISA_ROUTE(15),
};

void irq_set_isa_override(unsigned isa_irq, uint32_t gsi, bool active_low, bool level)
{
	if (isa_irq < 16)
		isa_routes[isa_irq] = (struct isa_route){ gsi, active_low, level };
}

/* Add fn to vector's handlers. Locks: irq_lock. Return: 0 or -EBUSY. */
static int action_add(unsigned vector, irq_handler_t fn, void *data, const char *name)
{
	lockdep_assert_held(&irq_lock);

	for (unsigned i = 0; i < IRQ_SHARED_MAX; i++) {
		if (!actions[vector][i].fn) {
			actions[vector][i] = (struct irq_action){ fn, data, name };
			return 0;
		}
	}
	return -EBUSY;
}

/* Return: true if vector has no handler left. Locks: irq_lock. */
static bool action_remove(unsigned vector, irq_handler_t fn, void *data)
{
	lockdep_assert_held(&irq_lock);

	bool empty = true;

	for (unsigned i = 0; i < IRQ_SHARED_MAX; i++) {
		struct irq_action *a = &actions[vector][i];

		if (a->fn == fn && a->data == data)
			*a = (struct irq_action){ 0 };
		empty = empty && !a->fn;
	}
	return empty;
}

int irq_request(unsigned isa_irq, irq_handler_t fn, void *data, const char *name)
{
	if (isa_irq >= 16 || !fn)
		return -EINVAL;
	if (!ioapic_total())
		return -ENODEV;

	uint64_t flags = spin_lock_irqsave(&irq_lock);
	unsigned vector = IRQ_LEGACY_BASE + isa_irq;
	const struct isa_route *r = &isa_routes[isa_irq];
	int err = action_add(vector, fn, data, name);

	if (!err)
		err = ioapic_route(r->gsi, vector, lapic_id(), r->active_low, r->level);
	spin_unlock_irqrestore(&irq_lock, flags);
	return err;
}

void irq_release(unsigned isa_irq, irq_handler_t fn, void *data)
{
	if (isa_irq >= 16)
		return;

	uint64_t flags = spin_lock_irqsave(&irq_lock);

	if (action_remove(IRQ_LEGACY_BASE + isa_irq, fn, data))
		ioapic_mask(isa_routes[isa_irq].gsi);
	spin_unlock_irqrestore(&irq_lock, flags);
}

int irq_alloc_vector(irq_handler_t fn, void *data, const char *name)
{
	int vector = -ENOSPC;
	uint64_t flags = spin_lock_irqsave(&irq_lock);

	for (unsigned v = IRQ_DYNAMIC_FIRST; v <= IRQ_DYNAMIC_LAST; v++) {
		if (!actions[v][0].fn) {
			actions[v][0] = (struct irq_action){ fn, data, name };
			vector = (int)v;
			break;
		}
	}
	spin_unlock_irqrestore(&irq_lock, flags);
	return vector;
}

void irq_free_vector(unsigned vector)
{
	uint64_t flags = spin_lock_irqsave(&irq_lock);

	if (vector >= IRQ_DYNAMIC_FIRST && vector <= IRQ_DYNAMIC_LAST)
		actions[vector][0] = (struct irq_action){ 0 };
	spin_unlock_irqrestore(&irq_lock, flags);
}

void irq_set_fixed(unsigned vector, irq_handler_t fn, void *data, const char *name)
{
	uint64_t flags = spin_lock_irqsave(&irq_lock);

	actions[vector][0] = (struct irq_action){ fn, data, name };
	spin_unlock_irqrestore(&irq_lock, flags);
}

uint64_t irq_count(unsigned vector)
{
	return __atomic_load_n(&vector_counts[vector & 0xFF], __ATOMIC_RELAXED);
}

void irq_describe(unsigned vector, struct irq_description *out)
{
	uint64_t flags = spin_lock_irqsave(&irq_lock);
	size_t len = 0;

	*out = (struct irq_description){ 0 };
	vector &= 0xFF;
	for (unsigned i = 0; i < IRQ_SHARED_MAX; i++) {
		const struct irq_action *a = &actions[vector][i];

		if (!a->fn)
			continue;
		len += (size_t)snprintf(out->names + len, len < sizeof(out->names) ?
					sizeof(out->names) - len : 0, "%s%s",
					out->used ? ", " : "", a->name ? a->name : "?");
		out->used = true;
		if (len >= sizeof(out->names))
			len = sizeof(out->names);
	}
	if (vector >= IRQ_LEGACY_BASE && vector < IRQ_LEGACY_BASE + 16) {
		out->gsi = isa_routes[vector - IRQ_LEGACY_BASE].gsi;
		out->level = isa_routes[vector - IRQ_LEGACY_BASE].level;
	}
	spin_unlock_irqrestore(&irq_lock, flags);
}

uint32_t irq_count_cpu(unsigned vector, unsigned cpu)
{
	vector &= 0xFF;
	if (vector < IRQ_LEGACY_BASE || cpu >= MAX_CPUS)
		return 0;
	return READ_ONCE(vector_cpu_counts[cpu][vector - IRQ_LEGACY_BASE]);
}

uint64_t irq_spurious_count(void)
{
	return __atomic_load_n(&spurious, __ATOMIC_RELAXED);
}

void irq_dispatch(struct trap_frame *frame)
{
	unsigned vector = frame->vector & 0xFF;

	if (vector == VECTOR_SPURIOUS) {
		__atomic_fetch_add(&spurious, 1, __ATOMIC_RELAXED);
		return; /* no EOI for a spurious interrupt */
	}
	__atomic_fetch_add(&vector_counts[vector], 1, __ATOMIC_RELAXED);
	if (vector >= IRQ_LEGACY_BASE) {
		unsigned cpu = nr_cpus ? this_cpu()->cpu : 0;

		WRITE_ONCE(vector_cpu_counts[cpu][vector - IRQ_LEGACY_BASE],
			   vector_cpu_counts[cpu][vector - IRQ_LEGACY_BASE] + 1);
	}
	if (nr_cpus) {
		this_cpu()->irq_count++;
		this_cpu()->irq_nesting++;
	}

	bool handled = false;

	for (unsigned i = 0; i < IRQ_SHARED_MAX; i++) {
		struct irq_action a = actions[vector][i];

		if (a.fn)
			handled |= a.fn(a.data);
	}
	if (!handled && vector != VECTOR_APIC_ERROR)
		pr_warn("unhandled interrupt on vector 0x%x\n", vector);
	lapic_eoi();
	if (nr_cpus)
		this_cpu()->irq_nesting--;
}

void irq_init(void)
{
	pic_disable();
	lapic_init_cpu();
	pr_info("local APIC %u in %s mode; legacy PICs masked\n", lapic_id(),
		lapic_is_x2apic() ? "x2APIC" : "xAPIC");
}
