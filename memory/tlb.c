// SPDX-License-Identifier: MIT
/*
 * TLB invalidation: the one place translations are dropped after a page
 * table changed, here and, through cross-CPU calls, on other CPUs.
 *
 * Three entries, from the widest to the narrowest:
 * - tlb_flush_range: a kernel-half change, seen by every CPU (the kernel
 *   half of the page tables is shared, its pages are global): all online
 *   CPUs flush.
 * - tlb_flush_range_mask: only the CPUs in a mask (this one directly, the
 *   others by IPI); for callers that know which CPUs may hold the entries.
 * - tlb_flush_mm_range / tlb_flush_mm_all: a user address space's change,
 *   flushed on the CPUs in that address space's CPU mask, read at the
 *   right moment (below). A single-threaded process's munmap thus flushes
 *   locally only.
 *
 * A range of more than FULL_FLUSH_PAGES pages is flushed whole: for the
 * kernel by toggling CR4.PGE (global entries too), for a user range by
 * reloading CR3 (non-global entries only: the kernel's stay).
 *
 * Locks: none of its own; cross-CPU calls serialise on cpu/smp.c's
 * call_lock. Callers may hold spinlocks (pt_lock is held across the
 * shootdown): the waits run other CPUs' requests, so two callers cannot
 * deadlock.
 */
#include <xdv/mm.h>
#include <xdv/percpu.h>
#include <xdv/smp.h>
#include <xdv/arch/x86.h>
#include "internal.h"

#define FULL_FLUSH_PAGES 32 /* above this, flush everything instead */

struct flush_range {
	vaddr_t va;
	size_t size;
	bool user; /* non-global entries only: a CR3 reload is enough */
};

static void tlb_flush_local(void *arg)
{
	const struct flush_range *r = arg;

	if (r->size / PAGE_SIZE <= FULL_FLUSH_PAGES) {
		for (vaddr_t p = r->va; p < r->va + r->size; p += PAGE_SIZE)
			invlpg(p);
		return;
	}
	if (r->user) {
		write_cr3(read_cr3());
		return;
	}
	/* Toggling CR4.PGE drops global entries too. */
	uint64_t cr4 = read_cr4();

	write_cr4(cr4 & ~CR4_PGE);
	write_cr4(cr4);
}

void tlb_flush_range_here(vaddr_t va, size_t size)
{
	struct flush_range r = { va, size, false };

	tlb_flush_local(&r);
}

void tlb_flush_range(vaddr_t va, size_t size)
{
	struct flush_range r = { va, size, false };

	tlb_flush_local(&r);
	/*
	 * Every other CPU may cache the old entries: shoot them down. Asked
	 * even while this is the only CPU (not before the per-CPU areas
	 * exist): smp_call fences before it reads the online mask, so an AP
	 * joining right now is either asked or flushes after seeing this
	 * change; a bare look at nr_cpus could be ordered before the change.
	 */
	if (nr_cpus)
		smp_call_others(tlb_flush_local, &r);
}

static void flush_mask(uint64_t mask, vaddr_t va, size_t size, bool user)
{
	struct flush_range r = { va, size, user };

	if (!nr_cpus) { /* before the per-CPU areas: the boot CPU alone */
		if (mask & 1)
			tlb_flush_local(&r);
		return;
	}
	smp_call_mask(mask, tlb_flush_local, &r);
}

void tlb_flush_range_mask(uint64_t mask, vaddr_t va, size_t size)
{
	flush_mask(mask, va, size, false);
}

/*
 * The page-table stores must be visible before the mask is read: a CPU
 * that switches to the address space sets its bit (a locked operation,
 * a full fence) before it loads CR3, so either we see its bit, or it
 * walks the tables after our change. The same reasoning as smp_call's
 * fence before it reads the online mask.
 */
static uint64_t mm_mask_read(const uint64_t *cpumask)
{
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	return __atomic_load_n(cpumask, __ATOMIC_ACQUIRE);
}

void tlb_flush_mm_range(const uint64_t *cpumask, vaddr_t va, size_t size)
{
	flush_mask(mm_mask_read(cpumask), va, size, true);
}

void tlb_flush_mm_all(const uint64_t *cpumask)
{
	flush_mask(mm_mask_read(cpumask), 0, ~(size_t)0 & ~(size_t)(PAGE_SIZE - 1), true);
}
