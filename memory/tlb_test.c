// SPDX-License-Identifier: MIT
/*
 * In-kernel tests of the masked TLB flushes (memory/tlb.c) and of
 * smp_call_mask under them. The flush tests stage a stale translation:
 * every CPU reads a page (and caches its translation), then the page is
 * remapped to another frame without a flush (paging_unmap_lazy flushes
 * only here, and mapping an unmapped entry needs none); a flush whose
 * mask holds the other CPU must make it read the new frame. That a CPU
 * left out of the mask still reads the old frame is only noted: keeping
 * a translation is what a TLB may do, not what it must.
 */
#include <xdv/ktest.h>
#include <xdv/mm.h>
#include <xdv/percpu.h>
#include <xdv/sched.h>
#include <xdv/smp.h>
#include "internal.h"

#define OLD_BYTE 0xa1
#define NEW_BYTE 0xb2

static void mark_cpu(void *arg)
{
	__atomic_fetch_or((uint64_t *)arg, 1ULL << this_cpu()->cpu, __ATOMIC_RELAXED);
}

KTEST(tlb, smp_call_mask_runs_only_on_the_cpus_in_mask)
{
	if (nr_cpus < 2) {
		KTEST_SKIP(t, "needs two CPUs");
		return;
	}
	preempt_disable();
	unsigned me = this_cpu_id(), other = me ? 0 : 1;
	uint64_t seen_other = 0, seen_me = 0, seen_none = 0, seen_both = 0;

	smp_call_mask(1ULL << other, mark_cpu, &seen_other);
	smp_call_mask(1ULL << me, mark_cpu, &seen_me);
	smp_call_mask(0, mark_cpu, &seen_none);
	smp_call_mask((1ULL << me) | (1ULL << other), mark_cpu, &seen_both);
	preempt_enable();
	KTEST_EXPECT_EQ(t, seen_other, 1ULL << other);
	KTEST_EXPECT_EQ(t, seen_me, 1ULL << me);
	KTEST_EXPECT_EQ(t, seen_none, 0);
	KTEST_EXPECT_EQ(t, seen_both, (1ULL << me) | (1ULL << other));
}

struct stale_page {
	volatile uint8_t *va;
	paddr_t old_frame, new_frame;
	uint8_t seen[MAX_CPUS];
};

static void read_page(void *arg)
{
	struct stale_page *s = arg;

	s->seen[this_cpu()->cpu] = s->va[0];
}

/* Map va to a frame holding OLD_BYTE, let every CPU read it, then switch
 * va to a frame holding NEW_BYTE flushing no other CPU. Preemption off. */
static bool stage_stale_page(struct ktest *t, struct stale_page *s)
{
	unsigned flags;

	s->va = vmalloc(PAGE_SIZE);
	s->new_frame = pmm_alloc_pages(0, 0);
	if (!KTEST_EXPECT(t, s->va && s->new_frame))
		return false;
	if (!KTEST_EXPECT_EQ(t, paging_translate((vaddr_t)s->va, &s->old_frame, &flags), 0))
		return false;
	s->va[0] = OLD_BYTE;
	*(volatile uint8_t *)phys_to_virt(s->new_frame) = NEW_BYTE;
	smp_call_all(read_page, s);
	if (!KTEST_EXPECT_EQ(t, paging_unmap_lazy((vaddr_t)s->va, PAGE_SIZE), 0))
		return false;
	return KTEST_EXPECT_EQ(t, paging_map((vaddr_t)s->va, s->new_frame, PAGE_SIZE,
					     VM_WRITE | VM_GLOBAL), 0);
}

/* Give va its own frame back (flushed everywhere) and free everything. */
static void unstage_stale_page(struct ktest *t, struct stale_page *s)
{
	if (s->va) {
		KTEST_EXPECT_EQ(t, paging_unmap((vaddr_t)s->va, PAGE_SIZE), 0);
		KTEST_EXPECT_EQ(t, paging_map((vaddr_t)s->va, s->old_frame, PAGE_SIZE,
					      VM_WRITE | VM_GLOBAL), 0);
		vfree((void *)s->va);
	}
	if (s->new_frame)
		pmm_free_pages(s->new_frame, 0);
}

KTEST(tlb, tlb_flush_range_mask_flushes_the_cpus_in_mask)
{
	static struct stale_page s;

	if (nr_cpus < 2) {
		KTEST_SKIP(t, "needs two CPUs");
		return;
	}
	s = (struct stale_page){ 0 };
	preempt_disable();
	unsigned me = this_cpu_id(), other = me ? 0 : 1;

	if (stage_stale_page(t, &s)) {
		KTEST_EXPECT_EQ(t, s.seen[other], OLD_BYTE);
		tlb_flush_range_mask(1ULL << me, (vaddr_t)s.va, PAGE_SIZE);
		smp_call_all(read_page, &s);
		ktest_note(t, "left out of the mask, CPU %u read 0x%x (0x%x: stale)", other,
			   s.seen[other], OLD_BYTE);
		KTEST_EXPECT_EQ(t, s.seen[me], NEW_BYTE);
		tlb_flush_range_mask(1ULL << other, (vaddr_t)s.va, PAGE_SIZE);
		smp_call_all(read_page, &s);
		KTEST_EXPECT_EQ(t, s.seen[other], NEW_BYTE);
	}
	unstage_stale_page(t, &s);
	preempt_enable();
}

KTEST(tlb, tlb_flush_mm_range_follows_the_cpu_mask)
{
	static struct stale_page s;
	uint64_t mm_mask;

	if (nr_cpus < 2) {
		KTEST_SKIP(t, "needs two CPUs");
		return;
	}
	s = (struct stale_page){ 0 };
	preempt_disable();
	unsigned me = this_cpu_id(), other = me ? 0 : 1;

	if (stage_stale_page(t, &s)) {
		mm_mask = 1ULL << me; /* a single-threaded process here */
		tlb_flush_mm_range(&mm_mask, (vaddr_t)s.va, PAGE_SIZE);
		smp_call_all(read_page, &s);
		ktest_note(t, "outside the mm's mask, CPU %u read 0x%x (0x%x: stale)", other,
			   s.seen[other], OLD_BYTE);
		KTEST_EXPECT_EQ(t, s.seen[me], NEW_BYTE);
		/* The other CPU joins the mm (set before its CR3 load): flushed. */
		__atomic_fetch_or(&mm_mask, 1ULL << other, __ATOMIC_SEQ_CST);
		tlb_flush_mm_range(&mm_mask, (vaddr_t)s.va, PAGE_SIZE);
		smp_call_all(read_page, &s);
		KTEST_EXPECT_EQ(t, s.seen[other], NEW_BYTE);
	}
	unstage_stale_page(t, &s);
	preempt_enable();
}

KTEST(tlb, tlb_flush_mm_range_of_one_cpu_sends_no_ipi)
{
	const unsigned calls = 200;

	if (nr_cpus < 2) {
		KTEST_SKIP(t, "needs two CPUs");
		return;
	}
	preempt_disable();
	unsigned me = this_cpu_id(), other = me ? 0 : 1;
	uint64_t mm_mask = 1ULL << me;
	uint64_t before = READ_ONCE(cpu_areas[other]->ipi_count);

	for (unsigned i = 0; i < calls; i++)
		tlb_flush_mm_range(&mm_mask, 0x400000, PAGE_SIZE);
	uint64_t alone = READ_ONCE(cpu_areas[other]->ipi_count) - before;

	mm_mask |= 1ULL << other;
	before = READ_ONCE(cpu_areas[other]->ipi_count);
	for (unsigned i = 0; i < calls; i++)
		tlb_flush_mm_range(&mm_mask, 0x400000, PAGE_SIZE);
	uint64_t shared = READ_ONCE(cpu_areas[other]->ipi_count) - before;

	preempt_enable();
	ktest_note(t, "IPIs to CPU %u: %lu for %u local flushes, %lu for %u shared", other,
		   (unsigned long)alone, calls, (unsigned long)shared, calls);
	/* Other traffic may add a few; one IPI per flush would add calls. */
	KTEST_EXPECT(t, alone < calls / 10);
	KTEST_EXPECT(t, shared >= calls / 2);
}
