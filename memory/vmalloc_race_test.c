// SPDX-License-Identifier: MIT
/*
 * In-kernel tests of the vmalloc area under concurrency: threads pinned to
 * different CPUs vmalloc, write, check and vfree areas of 1 to 4 pages as
 * fast as they can, so that one CPU's vmalloc keeps landing on the range
 * another CPU's vfree is tearing down. Not one vmalloc may fail and no
 * area may hold anything but what its owner wrote. The vmalloc suite runs
 * a short version with every ktest boot; the stress_vmalloc suite (run
 * only when named: tests/system/memory.sh) a long one.
 *
 * And a late writer: a thread on another CPU keeps writing into an area
 * while it is vfree'd. Its writes must land before the purge that ends
 * the lazy vfree (the pages are still the area's) or fault; never in a
 * page already freed, which
 * the DEBUG build's page poisoning (memory/page_poison.c) would report.
 *
 * The regression pinned here: vfree used to release the address range
 * and free the pages before unmapping them, so another CPU's vmalloc took
 * the range and its paging_map failed with -EEXIST (131 failures in 600
 * calls from 4 CPUs), while the freed pages stayed mapped writable.
 */
#include <xdv/ktest.h>
#include <xdv/mm.h>
#include <xdv/percpu.h>
#include <xdv/sched.h>
#include <xdv/arch/x86.h>

#define RACE_THREADS 4

struct vmalloc_race {
	unsigned rounds;        /* vmalloc+vfree pairs per thread */
	struct completion go;   /* lets every thread start at once */
	unsigned failures;      /* atomic: vmalloc returned NULL */
	unsigned corrupted;     /* atomic: a page did not hold what was written */
};

static int vmalloc_race_worker(void *arg)
{
	struct vmalloc_race *r = arg;
	unsigned me = this_cpu_id();

	wait_for_completion(&r->go);
	for (unsigned i = 0; i < r->rounds; i++) {
		size_t pages = 1 + (i + me) % 4;
		uint64_t *p = vmalloc(pages * PAGE_SIZE);
		uint64_t tag = (uint64_t)thread_id(thread_current()) << 32 | i;

		if (!p) {
			__atomic_fetch_add(&r->failures, 1, __ATOMIC_RELAXED);
			continue;
		}
		for (size_t k = 0; k < pages; k++)
			p[k * PAGE_SIZE / 8 + k] = tag + k;
		for (size_t k = 0; k < pages; k++)
			if (READ_ONCE(p[k * PAGE_SIZE / 8 + k]) != tag + k)
				__atomic_fetch_add(&r->corrupted, 1, __ATOMIC_RELAXED);
		vfree(p);
	}
	return 0;
}

/* RACE_THREADS threads, thread i pinned to CPU i (mod the CPUs there are). */
static void vmalloc_race_run(struct ktest *t, unsigned rounds)
{
	static struct vmalloc_race r;
	struct thread *th[RACE_THREADS];
	unsigned started = 0;
	unsigned cpus = MIN(nr_cpus, RACE_THREADS);

	r = (struct vmalloc_race){ .rounds = rounds };
	completion_init(&r.go);
	for (unsigned i = 0; i < RACE_THREADS; i++) {
		struct thread_attr attr = { .name = "vmalloc_race",
					    .affinity = 1ULL << (i % nr_cpus) };

		if (KTEST_EXPECT_EQ(t, thread_create(kernel_process(), vmalloc_race_worker, &r,
						     &attr, &th[started]), 0))
			started++;
	}
	complete_all(&r.go);
	for (unsigned i = 0; i < started; i++)
		thread_join(th[i], NULL);
	ktest_note(t, "%u failed vmallocs, %u corrupted pages in %u calls from %u CPUs",
		   r.failures, r.corrupted, started * rounds, cpus);
	KTEST_EXPECT_EQ(t, r.failures, 0);
	KTEST_EXPECT_EQ(t, r.corrupted, 0);
}

KTEST(vmalloc, vmalloc_racing_vfree_on_other_cpus_never_fails)
{
	vmalloc_race_run(t, 25);
}

KTEST(stress_vmalloc, vmalloc_racing_vfree_on_other_cpus_never_fails_in_600_calls)
{
	vmalloc_race_run(t, 150);
}

/* ---- a late writer ---- */

#define LATE_PAGES  4
#define LATE_ROUNDS 64

struct late_writer {
	uint8_t *area;       /* atomic: the area to write into, or NULL */
	unsigned round;      /* atomic: the round area belongs to */
	unsigned seen;       /* atomic: the last round the writer wrote in */
	unsigned faulted;    /* atomic: the last round a write of the writer faulted in */
	uint64_t iterations; /* atomic: loops of the writer, ended */
	bool stop;           /* atomic */
	uint64_t writes, faults;
};

static int late_writer_main(void *arg)
{
	struct late_writer *w = arg;

	while (!__atomic_load_n(&w->stop, __ATOMIC_SEQ_CST)) {
		unsigned round = __atomic_load_n(&w->round, __ATOMIC_SEQ_CST);
		uint8_t *a = __atomic_load_n(&w->area, __ATOMIC_SEQ_CST);

		for (unsigned k = 0; a && k < LATE_PAGES; k++) {
			if (probe_write_u8(a + k * PAGE_SIZE + 64, 0x5a)) {
				w->writes++;
				continue;
			}
			w->faults++;
			__atomic_store_n(&w->faulted, round, __ATOMIC_SEQ_CST);
			break;
		}
		if (a)
			__atomic_store_n(&w->seen, round, __ATOMIC_SEQ_CST);
		__atomic_fetch_add(&w->iterations, 1, __ATOMIC_SEQ_CST);
		cpu_relax();
	}
	return 0;
}

/* Wait until the writer has run a whole loop that began after now. */
static void late_writer_quiesce(struct late_writer *w)
{
	uint64_t now = __atomic_load_n(&w->iterations, __ATOMIC_SEQ_CST);

	while (__atomic_load_n(&w->iterations, __ATOMIC_SEQ_CST) < now + 2)
		cpu_relax();
}

KTEST(vmalloc, vfree_racing_a_writer_on_another_cpu_never_exposes_a_freed_page)
{
	static struct late_writer w;
	struct thread_attr attr = { .name = "late_writer", .affinity = 2 };
	struct pmm_stats before, after;
	struct thread *th;

	if (!IS_ENABLED(CONFIG_DEBUG)) {
		KTEST_SKIP(t, "freed pages are poisoned in the DEBUG build only");
		return;
	}
	if (nr_cpus < 2 || this_cpu_id() == 1) {
		KTEST_SKIP(t, "needs a second CPU for the writer");
		return;
	}
	w = (struct late_writer){ 0 };
	pmm_get_stats(&before);
	if (!KTEST_EXPECT_EQ(t, thread_create(kernel_process(), late_writer_main, &w, &attr, &th), 0))
		return;
	for (unsigned r = 1; r <= LATE_ROUNDS; r++) {
		uint8_t *p = vmalloc(LATE_PAGES * PAGE_SIZE);

		if (!KTEST_EXPECT(t, p != NULL))
			break;
		__atomic_store_n(&w.round, r, __ATOMIC_SEQ_CST);
		__atomic_store_n(&w.area, p, __ATOMIC_SEQ_CST);
		while (__atomic_load_n(&w.seen, __ATOMIC_SEQ_CST) != r)
			cpu_relax();
		vfree(p); /* while the writer still writes */
		/* Lazy vfree: the writer's CPU may keep writing through its
		 * TLB into pages the area still owns, until the purge's flush;
		 * and only after the flush are the pages freed. */
		late_writer_quiesce(&w);
		vmalloc_purge_lazy();
		/* Until the writer's stale pointer faults: it wrote all along. */
		while (__atomic_load_n(&w.faulted, __ATOMIC_SEQ_CST) != r)
			cpu_relax();
		__atomic_store_n(&w.area, NULL, __ATOMIC_SEQ_CST);
		late_writer_quiesce(&w);
	}
	__atomic_store_n(&w.stop, true, __ATOMIC_SEQ_CST);
	thread_join(th, NULL);
	/* The last round's pages: allocated again now, and so checked. */
	paddr_t got[2 * LATE_PAGES];

	for (unsigned i = 0; i < ARRAY_SIZE(got); i++)
		got[i] = pmm_alloc_pages(0, 0);
	for (unsigned i = 0; i < ARRAY_SIZE(got); i++)
		if (got[i])
			pmm_free_pages(got[i], 0);
	pmm_get_stats(&after);
	ktest_note(t, "%lu writes, %lu faults; %lu freed pages found written",
		   (unsigned long)w.writes, (unsigned long)w.faults,
		   (unsigned long)(after.poison_errors - before.poison_errors));
	KTEST_EXPECT_EQ(t, after.poison_errors, before.poison_errors);
}
