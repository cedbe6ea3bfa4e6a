// SPDX-License-Identifier: MIT
/*
 * Starting the application processors (APs) and calling functions on them.
 *
 * Start-up: the trampoline (boot/ap_trampoline.asm) is copied to a free
 * page below 1 MiB, identity-mapped for as long as APs start, and given
 * the kernel's CR3. For each AP the boot CPU prepares its per-CPU area and
 * stack, sends INIT, waits 10 ms, then STARTUP (twice if needed, as the
 * MP specification asks), and waits for the AP to call in from ap_entry,
 * then for it to say it is online. Both waits are long (1 s and 10 s, as
 * Linux's): under a loaded hypervisor an AP's vCPU may not run for a
 * while, and an AP given up on must never come up later under a CPU
 * number that the next AP was given. One that did not call in is sent
 * INIT, which stops it for good (it waits for a STARTUP that never comes);
 * one that called in is waited for. The AP
 * loads its own GDT/TSS and the IDT, programs the PAT and CR4 protections
 * like the boot CPU, enables its local APIC and timer, makes its start-up
 * context its idle thread (process/sched.c), and only then joins the
 * online mask and says it is online: from then on threads may be placed
 * on it, and TLB shootdowns reach it (see smp_join_online for why it
 * flushes its TLB right after joining).
 *
 * Cross-CPU calls: one request at a time (call_lock); the caller publishes
 * the function, marks every other online CPU in call_mask, sends each an
 * IPI and waits for the mask to clear. Every wait polls for requests aimed
 * at this CPU, so even with interrupts off two CPUs calling each other
 * both make progress.
 *
 * A CPU that waits for a spinlock also answers requests (smp_poll_calls in
 * spin_lock), so a caller holding a lock that another CPU waits for with
 * interrupts off (a TLB shootdown under the page-table lock) still gets
 * its answer. Functions run this way must therefore take no spinlock.
 *
 * A stopped CPU (stop_other_cpus: panic, power off, reboot) takes itself
 * out of the online mask before it halts, and the CPU that stops it waits
 * for that: a shootdown made afterwards (an ioremap in the power-off path)
 * must not wait for CPUs that will never answer.
 *
 * Lock order: call_lock before anything a called function takes.
 */
#define pr_fmt(fmt) "smp: " fmt
#include <xdv/boot.h>
#include <xdv/cpu.h>
#include <xdv/fpu.h>
#include <xdv/irq.h>
#include <xdv/mm.h>
#include <xdv/panic.h>
#include <xdv/percpu.h>
#include <xdv/printk.h>
#include <xdv/sched.h>
#include <xdv/smp.h>
#include <xdv/spinlock.h>
#include <xdv/string.h>
#include <xdv/time.h>
#include <xdv/timer.h>
#include <xdv/arch/x86.h>

#define AP_CALLIN_NS    1000000000ULL  /* 1 s for a started AP to reach ap_entry */
#define AP_ONLINE_NS    10000000000ULL /* 10 s for it to finish starting (as Linux) */
#define INIT_DELAY_NS   10000000ULL  /* 10 ms after INIT */
#define SIPI_DELAY_NS   200000ULL    /* 200 us between STARTUPs */
#define TRAMPOLINE_PREFERRED 0x8000ULL
#define STOP_WAIT_NS    1000000000ULL /* 1 s for stopped CPUs to leave the mask */
#define STOP_WAIT_SPINS 100000000ULL  /* the same without a clock, roughly */

extern const char ap_trampoline_start[], ap_trampoline_end[];
extern const char ap_tramp_page[], ap_tramp_cr3[], ap_tramp_efer[], ap_tramp_cpu[];
extern const char ap_tramp_stack[], ap_tramp_entry[];
extern uint32_t boot_nx_enabled;
extern paddr_t kernel_root;

static struct percpu *volatile starting_area; /* the AP being started */

/* ---- cross-CPU calls ------------------------------------------------------ */

struct call_request {
	void (*fn)(void *arg);
	void *arg;
};

static struct spinlock call_lock = SPINLOCK_INIT("smp_call");
static struct call_request *volatile call_slot;
static volatile uint64_t call_mask;
static volatile uint64_t online_mask = 1; /* the boot CPU */

uint64_t smp_online_mask(void)
{
	return online_mask;
}

/* Run the pending request if it is meant for this CPU. */
void smp_poll_calls(void)
{
	uint64_t mask = __atomic_load_n(&call_mask, __ATOMIC_ACQUIRE);

	if (likely(!mask))
		return;

	struct percpu *p = this_cpu();
	uint64_t me = 1ULL << p->cpu;

	/* Not again from inside the call (its lock waits poll too). */
	if (!(mask & me) || p->in_smp_call)
		return;

	struct call_request *req = call_slot;

	p->in_smp_call = true;
	req->fn(req->arg);
	p->in_smp_call = false;
	__atomic_fetch_and(&call_mask, ~me, __ATOMIC_RELEASE);
}

static bool ipi_call_interrupt(void *unused)
{
	this_cpu()->ipi_count++;
	smp_poll_calls();
	return true;
}

/*
 * Run fn on the online CPUs in mask other than this one, and here at the
 * same time when this CPU is in mask too.
 */
static void smp_call(uint64_t mask, void (*fn)(void *arg), void *arg)
{
	preempt_disable(); /* "the other CPUs" must stay the same CPUs */

	/*
	 * A full fence before reading the mask: the caller's page-table
	 * stores must be visible before the read, or a CPU joining the mask
	 * right now (which flushes its TLB after joining) could both be left
	 * out here and still walk the old entries (store-load reordering).
	 */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);

	uint64_t me = 1ULL << this_cpu()->cpu;
	bool self = mask & me;
	uint64_t others = online_mask & mask & ~me;
	struct call_request req = { fn, arg };

	if (!others) {
		if (self)
			fn(arg);
		preempt_enable();
		return;
	}
	/* Interrupts off while the lock is held: an interrupt handler (a timer
	 * callback's shootdown) may make a call too, and must not find this
	 * CPU holding call_lock under it. */
	uint64_t flags = read_rflags();

	cli();
	while (!spin_trylock(&call_lock))
		smp_poll_calls();
	/* Read again under the lock: CPUs may have joined or stopped meanwhile. */
	others = online_mask & mask & ~me;
	call_slot = &req;
	__atomic_store_n(&call_mask, others, __ATOMIC_RELEASE);
	for (uint64_t m = others; m; m &= m - 1)
		lapic_send_ipi(cpu_areas[__builtin_ctzll(m)]->apic_id, VECTOR_IPI_CALL);
	if (self)
		fn(arg);
	for (uint64_t left; (left = __atomic_load_n(&call_mask, __ATOMIC_ACQUIRE));) {
		/* A CPU that stopped after it was asked will not answer. */
		if (unlikely(left & ~online_mask))
			__atomic_fetch_and(&call_mask, online_mask, __ATOMIC_ACQ_REL);
		cpu_relax();
	}
	call_slot = NULL;
	spin_unlock(&call_lock);
	irq_restore(flags);
	preempt_enable();
}

/* The scheduler's nudge: the sender has set need_resched; the switch
 * happens on the way out of this interrupt (sched_irq_exit). */
static bool ipi_resched_interrupt(void *unused)
{
	__atomic_fetch_add(&this_cpu()->resched_ipis, 1, __ATOMIC_RELAXED);
	return true;
}

void smp_send_reschedule(unsigned cpu)
{
	if (cpu < nr_cpus && (online_mask & (1ULL << cpu)))
		lapic_send_ipi(cpu_areas[cpu]->apic_id, VECTOR_IPI_RESCHED);
}

void smp_call_others(void (*fn)(void *arg), void *arg)
{
	preempt_disable();
	smp_call(~(1ULL << this_cpu()->cpu), fn, arg);
	preempt_enable();
}

void smp_call_all(void (*fn)(void *arg), void *arg)
{
	smp_call(~0ULL, fn, arg);
}

void smp_call_mask(uint64_t mask, void (*fn)(void *arg), void *arg)
{
	smp_call(mask, fn, arg);
}

/* ---- application processor start-up --------------------------------------- */

/*
 * Join the online mask: from now on cross-CPU calls (TLB shootdowns)
 * include this CPU. Until this point it ran on the kernel page tables
 * without getting shootdowns, so its TLB may hold entries for mappings
 * that changed meanwhile; it flushes everything, global pages included
 * (toggling CR4.PGE), right after joining. The order matters: a CPU that
 * changed a mapping and read the mask before the join (both with full
 * fences: smp_call, and the locked OR here) left this CPU out, but its
 * change is then visible before the flush below, which drops any stale
 * entry; a change after the join is shot down here like anywhere else.
 * What this CPU touches before joining (its stack, its per-CPU area and
 * IST stacks, the kernel image, the direct map) is never unmapped.
 */
static void smp_join_online(unsigned cpu)
{
	__atomic_fetch_or(&online_mask, 1ULL << cpu, __ATOMIC_SEQ_CST);

	uint64_t cr4 = read_cr4();

	if (cr4 & CR4_PGE) {
		write_cr4(cr4 & ~CR4_PGE);
		write_cr4(cr4);
	} else {
		write_cr3(read_cr3());
	}
}

/* The CPU number of the last AP that reached ap_entry; -1: none yet. */
static volatile int ap_called_in = -1;

/* The C entry of an AP, called by the trampoline on the AP's own stack. */
void ap_entry(unsigned cpu);
void ap_entry(unsigned cpu)
{
	struct percpu *p = starting_area;

	__atomic_store_n(&ap_called_in, (int)cpu, __ATOMIC_RELEASE);
	cpu_area_load(p);
	trap_load_idt();
	mm_init_ap();
	if (fpu_init() < 0)
		pr_err("CPU %u: no usable FPU/SSE state management\n", cpu);
	lapic_init_cpu();
	p->apic_id = lapic_id();
	timer_init_cpu();
	sched_init_ap();
	/* Counted before it joins: tlb_flush_range skips shootdowns while
	 * nr_cpus is 1. Only the boot CPU writes it otherwise, and it is
	 * waiting for this CPU now. */
	if (nr_cpus <= cpu)
		__atomic_store_n(&nr_cpus, cpu + 1, __ATOMIC_SEQ_CST);
	smp_join_online(cpu);
	__atomic_store_n(&p->online, true, __ATOMIC_RELEASE);
	sched_idle_forever();
}

/* ---- stopping CPUs ---------------------------------------------------------- */

void smp_park_self(volatile bool *release)
{
	unsigned cpu = this_cpu()->cpu;

	cli();
	__atomic_fetch_and(&online_mask, ~(1ULL << cpu), __ATOMIC_SEQ_CST);
	if (!release)
		cpu_halt_forever();
	while (!__atomic_load_n(release, __ATOMIC_ACQUIRE))
		cpu_relax();
	smp_join_online(cpu);
}

void smp_stop_others(void)
{
	uint64_t me = 1ULL << this_cpu_id();
	bool clock = time_tsc_khz() != 0;
	uint64_t give_up = clock ? time_since_boot_ns() + STOP_WAIT_NS : 0;

	if (nr_cpus < 2)
		return;
	lapic_send_nmi_all_but_self();
	/* An NMI reaches even a CPU with interrupts off; wait, with a bound. */
	for (uint64_t spins = 0;; spins++) {
		if ((__atomic_load_n(&online_mask, __ATOMIC_ACQUIRE) & ~me) == 0)
			return;
		if (clock ? time_since_boot_ns() >= give_up : spins >= STOP_WAIT_SPINS)
			return;
		cpu_relax();
	}
}

/* A 4 KiB page of usable RAM below 1 MiB (real mode reaches only that). */
static paddr_t trampoline_page(void)
{
	paddr_t best = 0;

	for (unsigned i = 0; i < boot_info.mmap_count; i++) {
		const struct boot_mmap_entry *m = &boot_info.mmap[i];

		if (m->type != BOOT_MMAP_AVAILABLE)
			continue;
		for (paddr_t pa = ALIGN_UP(MAX(m->base, 0x1000ULL), PAGE_SIZE);
		     pa + PAGE_SIZE <= m->base + m->length && pa < 0x9F000; pa += PAGE_SIZE) {
			if (pa == TRAMPOLINE_PREFERRED)
				return pa;
			if (!best)
				best = pa;
		}
	}
	return best;
}

static void trampoline_set(paddr_t page, const char *field, uint64_t v, size_t size)
{
	memcpy((char *)phys_to_virt(page) + (field - ap_trampoline_start), &v, size);
}

/* Start one AP. Return: true once it is online. */
static bool start_one(paddr_t page, unsigned cpu, uint32_t apic_id)
{
	struct percpu *p = cpu_area_alloc(cpu, apic_id);
	uint8_t *stack = kstack_alloc();

	if (!p || !stack) {
		pr_err("no memory to start CPU %u (APIC id %u)\n", cpu, apic_id);
		return false;
	}
	starting_area = p;
	trampoline_set(page, ap_tramp_cpu, cpu, 4);
	trampoline_set(page, ap_tramp_stack, (uintptr_t)(stack + KERNEL_STACK_SIZE), 8);

	lapic_send_init(apic_id);
	udelay_ns(INIT_DELAY_NS);
	for (int sipi = 0; sipi < 2 && __atomic_load_n(&ap_called_in, __ATOMIC_ACQUIRE) != (int)cpu;
	     sipi++) {
		lapic_send_startup(apic_id, (uint8_t)(page >> PAGE_SHIFT));
		uint64_t give_up = time_since_boot_ns() + (sipi ? AP_CALLIN_NS : SIPI_DELAY_NS);

		while (__atomic_load_n(&ap_called_in, __ATOMIC_ACQUIRE) != (int)cpu &&
		       time_since_boot_ns() < give_up)
			cpu_relax();
	}
	if (__atomic_load_n(&ap_called_in, __ATOMIC_ACQUIRE) != (int)cpu) {
		/* Never let it start late, under a CPU number given to another. */
		lapic_send_init(apic_id);
		udelay_ns(INIT_DELAY_NS);
		return false;
	}

	uint64_t give_up = time_since_boot_ns() + AP_ONLINE_NS;

	while (!__atomic_load_n(&p->online, __ATOMIC_ACQUIRE) && time_since_boot_ns() < give_up) {
		smp_poll_calls(); /* its start-up may need this CPU's answer */
		cpu_relax();
	}
	if (!p->online)
		panic("CPU %u (APIC id %u) called in but did not finish starting", cpu, apic_id);
	return p->online;
}

unsigned smp_start_cpus(const uint32_t *apic_ids, unsigned count)
{
	irq_set_fixed(VECTOR_IPI_CALL, ipi_call_interrupt, NULL, "ipi-call");
	irq_set_fixed(VECTOR_IPI_RESCHED, ipi_resched_interrupt, NULL, "ipi-resched");
	if (count <= 1)
		return nr_cpus;

	paddr_t page = trampoline_page();
	size_t size = ap_trampoline_end - ap_trampoline_start;

	if (!page || !time_tsc_khz() ||
	    paging_map(page, page, PAGE_SIZE, VM_WRITE | VM_EXEC) < 0) {
		pr_err("no low page for the AP trampoline (or no clock); one CPU only\n");
		return nr_cpus;
	}
	memcpy(phys_to_virt(page), ap_trampoline_start, size);
	trampoline_set(page, ap_tramp_page, page, 4);
	trampoline_set(page, ap_tramp_cr3, kernel_root, 4);
	trampoline_set(page, ap_tramp_efer, (1u << 8) | (boot_nx_enabled ? 1u << 11 : 0), 4);
	trampoline_set(page, ap_tramp_entry, (uintptr_t)ap_entry, 8);

	uint32_t me = lapic_id();

	for (unsigned i = 0; i < count && nr_cpus < MAX_CPUS; i++) {
		if (apic_ids[i] == me)
			continue;
		unsigned cpu = nr_cpus;

		if (start_one(page, cpu, apic_ids[i])) {
			nr_cpus = cpu + 1; /* the AP counted itself in already */
		} else {
			pr_warn("CPU with APIC id %u did not start\n", apic_ids[i]);
		}
	}
	if (paging_unmap(page, PAGE_SIZE) < 0)
		pr_warn("trampoline page stays mapped\n");
	for (unsigned cpu = 0; cpu < nr_cpus; cpu++)
		pr_info("CPU %u online (APIC id %u)\n", cpu, cpu_areas[cpu]->apic_id);
	return nr_cpus;
}
