// SPDX-License-Identifier: MIT
/*
 * In-kernel tests of SMP, on however many CPUs QEMU gave (the system tests
 * boot with -smp 1, 2, 4 and 8): every CPU the MADT lists came up, a call
 * reaches every other CPU, each CPU sees its own per-CPU area, a mapping
 * changed on one CPU is seen changed on all (TLB shootdown), and a counter
 * all CPUs increment under one spinlock stays exact.
 */
#include <xdv/ktest.h>
#include <xdv/mm.h>
#include <xdv/percpu.h>
#include <xdv/sched.h>
#include <xdv/smp.h>
#include <xdv/spinlock.h>
#include <xdv/time.h>
#include <xdv/arch/x86.h>

static void mark_cpu(void *arg)
{
	__atomic_fetch_or((uint64_t *)arg, 1ULL << this_cpu()->cpu, __ATOMIC_RELAXED);
}

KTEST(smp, call_reaches_every_other_cpu)
{
	uint64_t seen = 0;
	uint64_t all = smp_online_mask();

	unsigned online = 0;

	for (uint64_t m = all; m; m &= m - 1) /* no libgcc: count by hand */
		online++;
	KTEST_EXPECT_EQ(t, online, nr_cpus);
	smp_call_others(mark_cpu, &seen);
	KTEST_EXPECT_EQ(t, seen, all & ~1ULL);
	seen = 0;
	smp_call_all(mark_cpu, &seen);
	KTEST_EXPECT_EQ(t, seen, all);
}

static void check_own_area(void *arg)
{
	struct percpu *p = this_cpu();
	bool ok = p->self == p && cpu_areas[p->cpu] == p && p->online;

	if (!ok)
		__atomic_fetch_add((unsigned *)arg, 1, __ATOMIC_RELAXED);
}

KTEST(smp, per_cpu_areas_are_distinct)
{
	unsigned wrong = 0;

	smp_call_all(check_own_area, &wrong);
	KTEST_EXPECT_EQ(t, wrong, 0);
	for (unsigned i = 0; i < nr_cpus; i++)
		for (unsigned j = i + 1; j < nr_cpus; j++) {
			KTEST_EXPECT(t, cpu_areas[i] != cpu_areas[j]);
			KTEST_EXPECT(t, cpu_areas[i]->apic_id != cpu_areas[j]->apic_id);
		}
}

#define SHOOT_VA (VMALLOC_END - (96ULL << 20))

struct shoot_read {
	uint64_t mismatches;
	uint64_t want;
};

static void read_through_mapping(void *arg)
{
	struct shoot_read *r = arg;

	if (*(volatile uint64_t *)SHOOT_VA != r->want)
		__atomic_fetch_add(&r->mismatches, 1, __ATOMIC_RELAXED);
}

KTEST(smp, remapped_page_is_seen_changed_on_every_cpu)
{
	paddr_t a = pmm_alloc_pages(0, 0), b = pmm_alloc_pages(0, 0);
	struct shoot_read r = { 0, 0xAAAA };

	if (!KTEST_EXPECT(t, a && b))
		return;
	*(uint64_t *)phys_to_virt(a) = 0xAAAA;
	*(uint64_t *)phys_to_virt(b) = 0xBBBB;
	KTEST_EXPECT_EQ(t, paging_map(SHOOT_VA, a, PAGE_SIZE, 0), 0);
	/* Every CPU reads it: now each TLB holds SHOOT_VA -> a. */
	smp_call_all(read_through_mapping, &r);
	KTEST_EXPECT_EQ(t, r.mismatches, 0);
	/* Point it at b on this CPU only; the shootdown must reach the rest. */
	KTEST_EXPECT_EQ(t, paging_unmap(SHOOT_VA, PAGE_SIZE), 0);
	KTEST_EXPECT_EQ(t, paging_map(SHOOT_VA, b, PAGE_SIZE, 0), 0);
	r.want = 0xBBBB;
	smp_call_all(read_through_mapping, &r);
	KTEST_EXPECT_EQ(t, r.mismatches, 0);
	KTEST_EXPECT_EQ(t, paging_unmap(SHOOT_VA, PAGE_SIZE), 0);
	pmm_free_pages(a, 0);
	pmm_free_pages(b, 0);
}

/*
 * Acquisitions in all, shared among the CPUs. Kept modest because QEMU
 * runs up to 8 virtual CPUs on 2 host cores here, and a fair lock must
 * then wait for the host to schedule the next ticket's owner; any real
 * overlap of the unlocked load and store would already lose increments.
 */
#define CONTENTION_TOTAL 4000

struct contention {
	struct spinlock lock;
	volatile uint64_t counter; /* lock */
	volatile unsigned arrived;
};

static void hammer_counter(void *arg)
{
	struct contention *c = arg;

	/* Start together, so that the CPUs really contend. */
	__atomic_fetch_add(&c->arrived, 1, __ATOMIC_ACQ_REL);
	while (__atomic_load_n(&c->arrived, __ATOMIC_ACQUIRE) < nr_cpus)
		cpu_relax();
	for (unsigned i = 0; i < CONTENTION_TOTAL / nr_cpus; i++) {
		uint64_t flags = spin_lock_irqsave(&c->lock); /* taken in IPIs too */
		c->counter = c->counter + 1; /* a load and a store: racy without the lock */
		spin_unlock_irqrestore(&c->lock, flags);
	}
}

KTEST(spinlock, contention_across_all_cpus_keeps_counter_exact)
{
	static struct contention c = { .lock = SPINLOCK_INIT("ktest_contention") };

	c.counter = 0;
	c.arrived = 0;
	smp_call_all(hammer_counter, &c);
	KTEST_EXPECT_EQ(t, c.counter, (uint64_t)(CONTENTION_TOTAL / nr_cpus) * nr_cpus);
}

KTEST(smp, reschedule_ipi_reaches_each_cpu)
{
	uint64_t before[MAX_CPUS];

	for (unsigned cpu = 1; cpu < nr_cpus; cpu++) {
		before[cpu] = __atomic_load_n(&cpu_areas[cpu]->resched_ipis, __ATOMIC_RELAXED);
		smp_send_reschedule(cpu);
	}
	for (unsigned cpu = 1; cpu < nr_cpus; cpu++) {
		/* Delivery is asynchronous: wait for it, with a bound. */
		for (unsigned spin = 0; spin < 100000000u; spin++)
			if (__atomic_load_n(&cpu_areas[cpu]->resched_ipis, __ATOMIC_RELAXED) >
			    before[cpu])
				break;
		KTEST_EXPECT(t, cpu_areas[cpu]->resched_ipis > before[cpu]);
	}
}

/* ---- stopped (parked) CPUs leave the online mask -------------------------- */

#define PARK_WAIT_NS 2000000000ULL

static struct {
	volatile bool release;
	volatile bool back;
} park;

static int park_here(void *arg)
{
	uint64_t flags = read_rflags();

	smp_park_self(&park.release); /* interrupts off, out of the mask */
	park.back = true;
	irq_restore(flags);
	return 0;
}

/* Wait until the online mask has bit cpu set (want) or clear, with a bound. */
static bool wait_online(unsigned cpu, bool want)
{
	uint64_t give_up = time_since_boot_ns() + PARK_WAIT_NS;

	while (!!(smp_online_mask() & (1ULL << cpu)) != want) {
		if (time_since_boot_ns() > give_up)
			return false;
		smp_poll_calls();
		cpu_relax();
	}
	return true;
}

/* Park CPU x (the last one) from a thread pinned there; this thread moves off it. */
static bool park_start(struct ktest *t, unsigned x, uint64_t *old_affinity)
{
	struct thread *self = thread_current();
	struct thread_attr attr = { .name = "ktest-park", .affinity = 1ULL << x };

	*old_affinity = thread_affinity(self);
	if (!KTEST_EXPECT_EQ(t, thread_set_affinity(self, smp_online_mask() & ~(1ULL << x)), 0))
		return false;
	park.release = false;
	park.back = false;
	KTEST_EXPECT_EQ(t, kthread_start(park_here, NULL, &attr), 0);
	return KTEST_EXPECT(t, wait_online(x, false));
}

static void park_end(struct ktest *t, unsigned x, uint64_t old_affinity)
{
	park.release = true;
	KTEST_EXPECT(t, wait_online(x, true));
	for (uint64_t give_up = time_since_boot_ns() + PARK_WAIT_NS;
	     !park.back && time_since_boot_ns() < give_up;)
		cpu_relax();
	KTEST_EXPECT(t, park.back);
	KTEST_EXPECT_EQ(t, thread_set_affinity(thread_current(), old_affinity), 0);
}

KTEST(smp, parked_cpu_leaves_online_mask_and_shootdown_skips_it)
{
	if (nr_cpus < 2) {
		KTEST_SKIP(t, "needs two CPUs");
		return;
	}
	unsigned x = nr_cpus - 1;
	uint64_t old_affinity, all = smp_online_mask();

	if (park_start(t, x, &old_affinity)) {
		/* A shootdown (map + unmap) must not wait for the parked CPU. */
		void *p = vmalloc(PAGE_SIZE);

		KTEST_EXPECT(t, p != NULL);
		vfree(p);

		uint64_t seen = 0;

		smp_call_all(mark_cpu, &seen);
		KTEST_EXPECT_EQ(t, seen, all & ~(1ULL << x));
	}
	park_end(t, x, old_affinity);
	KTEST_EXPECT_EQ(t, smp_online_mask(), all);
}

/*
 * A CPU out of the mask misses shootdowns; joining again must flush its
 * TLB (as an AP does when it first joins), or it reads a stale mapping.
 */
KTEST(smp, cpu_joining_online_mask_drops_stale_tlb_entries)
{
	if (nr_cpus < 2) {
		KTEST_SKIP(t, "needs two CPUs");
		return;
	}
	unsigned x = nr_cpus - 1;
	uint64_t old_affinity;
	paddr_t a = pmm_alloc_pages(0, 0), b = pmm_alloc_pages(0, 0);
	struct shoot_read r = { 0, 0xAAAA };

	if (!KTEST_EXPECT(t, a && b))
		return;
	*(uint64_t *)phys_to_virt(a) = 0xAAAA;
	*(uint64_t *)phys_to_virt(b) = 0xBBBB;
	KTEST_EXPECT_EQ(t, paging_map(SHOOT_VA, a, PAGE_SIZE, 0), 0);
	smp_call_all(read_through_mapping, &r); /* every TLB: SHOOT_VA -> a */
	KTEST_EXPECT_EQ(t, r.mismatches, 0);
	if (park_start(t, x, &old_affinity)) {
		KTEST_EXPECT_EQ(t, paging_unmap(SHOOT_VA, PAGE_SIZE), 0);
		KTEST_EXPECT_EQ(t, paging_map(SHOOT_VA, b, PAGE_SIZE, 0), 0);
	}
	park_end(t, x, old_affinity);
	r.want = 0xBBBB;
	smp_call_all(read_through_mapping, &r); /* CPU x too, now back */
	KTEST_EXPECT_EQ(t, r.mismatches, 0);
	KTEST_EXPECT_EQ(t, paging_unmap(SHOOT_VA, PAGE_SIZE), 0);
	pmm_free_pages(a, 0);
	pmm_free_pages(b, 0);
}
