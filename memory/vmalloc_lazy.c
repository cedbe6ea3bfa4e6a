// SPDX-License-Identifier: MIT
/*
 * Lazy vunmap: vfree without a TLB shootdown each time (as Linux's
 * free_vmap_area_noflush and purge_vmap_area_lazy).
 *
 * vfree (memory/vmalloc.c) claims the area, clears its page-table entries
 * and flushes this CPU's TLB only (paging_unmap_lazy); other CPUs may
 * still hold translations of its pages. So the area stays exactly what it
 * was for everyone else: in the area list, holding its range (no vmalloc
 * can take it), and holding its pages (the page allocator cannot hand
 * them out); only its entries are gone. It goes on the purge list here.
 *
 * A purge takes the whole list, unhooks the page tables it left empty,
 * flushes the union of the ranges on every CPU once (a range of more than
 * 32 pages is a whole-TLB flush), frees those tables, and only then frees
 * the areas' pages and releases their ranges: issue 9's order (unmap,
 * flush on every CPU, free pages, release the range) holds, per batch
 * instead of per area. A guard page stays unmapped throughout.
 *
 * A purge happens when the list holds more than lazy_max pages (Linux:
 * lazy_max_pages, 32 MiB times fls(online CPUs); capped here at 1/16 of
 * RAM, since XDV runs in 512 MiB) or more than LAZY_MAX_AREAS areas,
 * when vmalloc finds no room, no page or no heap memory for its
 * descriptor (vmalloc.c purges, then tries again), or when asked
 * (vmalloc_purge_lazy).
 *
 * Locks: lazy_lock (IRQ-safe, a leaf) guards the list and its page count.
 * purge_lock (IRQ-safe) makes purges one at a time, so that one that
 * returns has seen every area freed before it was called finish, even
 * those another CPU's purge had taken. Order: purge_lock, then pt_lock
 * (the flush), vm_lock, pmm_lock and the heap's locks (freeing); a purge
 * runs no code of vfree's callers. vfree only tries purge_lock: when a
 * purge is running already, its own area waits for the next one.
 */
#include <xdv/percpu.h>
#include <xdv/smp.h>
#include <xdv/spinlock.h>
#include <xdv/arch/x86.h>
#include "internal.h"
#include "vmalloc.h"

#define LAZY_UNIT_PAGES ((32ULL << 20) / PAGE_SIZE) /* Linux's 32 MiB */

static struct spinlock lazy_lock = SPINLOCK_INIT("vmalloc_lazy");
static struct spinlock purge_lock = SPINLOCK_INIT("vmalloc_purge");
static struct vm_area *lazy_list; /* lazy_lock */
static size_t lazy_pages;         /* lazy_lock; read without it for the threshold */
static unsigned lazy_areas;       /* lazy_lock */
static size_t lazy_ram_cap;       /* 1/16 of RAM, in pages; set at boot */
static size_t lazy_max_override;  /* tests; 0: the default */

static size_t lazy_max_pages(void)
{
	size_t forced = READ_ONCE(lazy_max_override);

	if (forced)
		return forced;

	unsigned cpus = 0;

	for (uint64_t m = smp_online_mask(); m; m &= m - 1) /* no popcnt in -mgeneral-regs */
		cpus++;
	size_t fls = cpus ? 64 - __builtin_clzll(cpus) : 1;
	size_t max = fls * LAZY_UNIT_PAGES;

	return lazy_ram_cap && lazy_ram_cap < max ? lazy_ram_cap : max;
}

void vmalloc_lazy_init(void)
{
	struct pmm_stats st;

	pmm_get_stats(&st);
	lazy_ram_cap = st.total_pages / 16;
}

size_t vmalloc_lazy_set_max(size_t pages)
{
	return __atomic_exchange_n(&lazy_max_override, pages, __ATOMIC_SEQ_CST);
}

size_t vmalloc_lazy_pages(void)
{
	return READ_ONCE(lazy_pages);
}

/* The purge's list, walked by paging_purge_lazy (under pt_lock). */
struct purge_iter {
	struct vm_area *next;
};

static bool purge_next(void *arg, vaddr_t *va, size_t *size)
{
	struct purge_iter *it = arg;
	struct vm_area *a = it->next;

	if (!a)
		return false;
	it->next = a->lazy_next;
	*va = vm_area_base(a);
	*size = a->mapped;
	return true;
}

/* Purge with purge_lock held. Return: pages freed. */
static size_t purge_locked(void)
{
	lockdep_assert_held(&purge_lock);

	uint64_t irq = spin_lock_irqsave(&lazy_lock);
	struct vm_area *list = lazy_list;
	size_t pages = lazy_pages;

	lazy_list = NULL;
	lazy_areas = 0;
	WRITE_ONCE(lazy_pages, 0);
	spin_unlock_irqrestore(&lazy_lock, irq);
	if (!list)
		return 0;

	vaddr_t lo = VMALLOC_END, hi = VMALLOC_START;

	for (struct vm_area *a = list; a; a = a->lazy_next) {
		vaddr_t base = vm_area_base(a);

		lo = MIN(lo, base);
		hi = MAX(hi, base + a->mapped);
	}
	struct purge_iter it = { list };

	paging_purge_lazy(lo, hi, purge_next, &it);
	/* Every CPU has flushed: pages and ranges may be reused. */
	vm_area_finish_list(list);
	return pages;
}

size_t vmalloc_purge_lazy(void)
{
	uint64_t irq = spin_lock_irqsave(&purge_lock);
	size_t pages = purge_locked();

	spin_unlock_irqrestore(&purge_lock, irq);
	return pages;
}

void vmalloc_lazy_add(struct vm_area *a)
{
	uint64_t irq = spin_lock_irqsave(&lazy_lock);

	a->lazy_next = lazy_list;
	lazy_list = a;
	WRITE_ONCE(lazy_pages, lazy_pages + a->mapped / PAGE_SIZE);
	lazy_areas++;

	/* A test's threshold (lazy_max_override) replaces both limits. */
	bool over = lazy_pages > lazy_max_pages() ||
		    (lazy_areas > LAZY_MAX_AREAS && !READ_ONCE(lazy_max_override));

	spin_unlock_irqrestore(&lazy_lock, irq);
	if (!over)
		return;
	/* One purge at a time; a running one (or the next) takes this area. */
	irq = read_rflags();
	cli();
	if (spin_trylock(&purge_lock)) {
		purge_locked();
		spin_unlock(&purge_lock);
	}
	irq_restore(irq);
}
