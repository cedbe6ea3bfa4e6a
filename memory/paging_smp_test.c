// SPDX-License-Identifier: MIT
/*
 * In-kernel test of the unmap order across CPUs: a page table that an
 * unmap empties must not be freed while another CPU can still translate
 * through it. Real CPUs cache paging-structure entries, which QEMU does
 * not model; its TLB stands in for them here: a watcher thread on another
 * CPU keeps reading a page mapped through that table, and at no moment may
 * the table be free (the DEBUG build poisons freed pages, which is how the
 * watcher sees it) while the watcher can still read the page. Before the
 * fix, paging_unmap freed emptied tables before the TLB shootdown.
 */
#include <xdv/ktest.h>
#include <xdv/mm.h>
#include <xdv/percpu.h>
#include <xdv/sched.h>
#include <xdv/arch/x86.h>
#include "internal.h"

#define WATCH_VA     (VMALLOC_END - (96ULL << 20)) /* alone in its 2 MiB: its own table */
#define WATCH_ROUNDS 64
#define POISON_WORD  (PAGE_POISON * 0x0101010101010101ULL)

struct table_watch {
	unsigned round;      /* atomic: the round table belongs to */
	paddr_t table;       /* atomic: the page table mapping WATCH_VA */
	unsigned ready;      /* atomic: last round the watcher read the page in */
	unsigned done;       /* atomic: last round its read faulted in */
	bool stop;           /* atomic */
	unsigned violations; /* rounds with a read that worked while the table was free */
};

/* The level-1 table that maps va in the kernel's tables, or 0. */
static paddr_t table_of(vaddr_t va)
{
	const uint64_t *t = phys_to_virt(kernel_root);

	for (int level = 4; level >= 2; level--) {
		uint64_t e = t[(va >> (12 + 9 * (level - 1))) & 511];

		if (!(e & PTE_P) || (e & PTE_PS))
			return 0;
		if (level == 2)
			return e & PTE_ADDR_MASK;
		t = phys_to_virt(e & PTE_ADDR_MASK);
	}
	return 0;
}

static int table_watcher_main(void *arg)
{
	struct table_watch *w = arg;
	unsigned last = 0, last_violation = 0;

	while (!__atomic_load_n(&w->stop, __ATOMIC_SEQ_CST)) {
		unsigned r = __atomic_load_n(&w->round, __ATOMIC_SEQ_CST);
		paddr_t table = __atomic_load_n(&w->table, __ATOMIC_SEQ_CST);

		if (r == last || !table) {
			cpu_relax();
			continue;
		}
		/* The table first, then the page: a free table seen before a
		 * read that still works is the bug. */
		bool table_free = *(volatile uint64_t *)phys_to_virt(table) == POISON_WORD;
		uint8_t v;

		if (!probe_read_u8((const void *)WATCH_VA, &v)) {
			last = r;
			__atomic_store_n(&w->done, r, __ATOMIC_SEQ_CST);
			continue;
		}
		if (table_free && last_violation != r) {
			last_violation = r;
			w->violations++;
		}
		__atomic_store_n(&w->ready, r, __ATOMIC_SEQ_CST);
	}
	return 0;
}

KTEST(paging, unmap_frees_a_page_table_only_after_every_cpu_flushed)
{
	static struct table_watch w;
	struct thread_attr attr = { .name = "table_watch", .affinity = 2 };
	struct thread *th;
	unsigned rounds = 0;

	if (!IS_ENABLED(CONFIG_DEBUG)) {
		KTEST_SKIP(t, "freed pages are poisoned in the DEBUG build only");
		return;
	}
	if (nr_cpus < 2 || this_cpu_id() == 1) {
		KTEST_SKIP(t, "needs a second CPU for the watcher");
		return;
	}
	w = (struct table_watch){ 0 };
	if (!KTEST_EXPECT_EQ(t, thread_create(kernel_process(), table_watcher_main, &w, &attr,
					      &th), 0))
		return;
	for (unsigned r = 1; r <= WATCH_ROUNDS; r++) {
		paddr_t pa = pmm_alloc_pages(0, GFP_ZERO);

		if (!KTEST_EXPECT(t, pa != 0))
			break;
		if (!KTEST_EXPECT_EQ(t, paging_map(WATCH_VA, pa, PAGE_SIZE, 0), 0)) {
			pmm_free_pages(pa, 0);
			break;
		}
		paddr_t table = table_of(WATCH_VA);

		if (!KTEST_EXPECT(t, table != 0)) {
			KTEST_EXPECT_EQ(t, paging_unmap(WATCH_VA, PAGE_SIZE), 0);
			pmm_free_pages(pa, 0);
			break;
		}
		__atomic_store_n(&w.table, table, __ATOMIC_SEQ_CST);
		__atomic_store_n(&w.round, r, __ATOMIC_SEQ_CST);
		while (__atomic_load_n(&w.ready, __ATOMIC_SEQ_CST) != r)
			cpu_relax();
		KTEST_EXPECT_EQ(t, paging_unmap(WATCH_VA, PAGE_SIZE), 0);
		while (__atomic_load_n(&w.done, __ATOMIC_SEQ_CST) != r)
			cpu_relax();
		pmm_free_pages(pa, 0);
		rounds++;
	}
	__atomic_store_n(&w.stop, true, __ATOMIC_SEQ_CST);
	thread_join(th, NULL);
	ktest_note(t, "%u of %u unmaps freed the table while another CPU still read through it",
		   w.violations, rounds);
	KTEST_EXPECT_EQ(t, w.violations, 0);
}
