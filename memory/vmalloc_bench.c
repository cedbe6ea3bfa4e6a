// SPDX-License-Identifier: MIT
/*
 * Benchmarks of what lazy vunmap and masked flushes save (make bench):
 * threads created and joined 64 at a time on CPU 0 while CPU 1 spins in a
 * busy thread (more stacks than the thread code caches, so kernel stacks
 * are vmalloc'd and vfree'd, and any shootdown interrupts the busy CPU),
 * vmalloc plus vfree of a kernel stack's size with CPU 1 busy, and a user
 * address space's flush of one page when the mm ran on this CPU only.
 */
#include <xdv/kbench.h>
#include <xdv/mm.h>
#include <xdv/percpu.h>
#include <xdv/sched.h>
#include <xdv/smp.h>
#include <xdv/arch/x86.h>

#define BATCH 64

static bool spinner_stop; /* atomic */

static int spinner_main(void *arg __unused)
{
	while (!__atomic_load_n(&spinner_stop, __ATOMIC_ACQUIRE))
		cpu_relax();
	return 0;
}

static int do_nothing(void *arg __unused)
{
	return 0;
}

/* Pin the caller to CPU 0 and keep CPU 1 busy. Return: the spinner, or NULL. */
static struct thread *busy_other_cpu(uint64_t *old_affinity)
{
	struct thread_attr attr = { .name = "bench-spinner", .affinity = 2 };
	struct thread *spinner;

	if (nr_cpus < 2)
		return NULL;
	*old_affinity = thread_affinity(thread_current());
	if (thread_set_affinity(thread_current(), 1) < 0)
		return NULL;
	__atomic_store_n(&spinner_stop, false, __ATOMIC_RELEASE);
	if (thread_create(kernel_process(), spinner_main, NULL, &attr, &spinner) < 0) {
		(void)thread_set_affinity(thread_current(), *old_affinity);
		return NULL;
	}
	return spinner;
}

static void busy_end(struct thread *spinner, uint64_t old_affinity)
{
	__atomic_store_n(&spinner_stop, true, __ATOMIC_RELEASE);
	thread_join(spinner, NULL);
	(void)thread_set_affinity(thread_current(), old_affinity);
}

KBENCH(thread_create_join_64_other_cpu_busy, 2048)
{
	struct thread_attr attr = { .name = "bench-nothing", .affinity = 1 };
	struct thread *th[BATCH];
	uint64_t old_affinity, done = 0;
	struct thread *spinner = busy_other_cpu(&old_affinity);

	if (!spinner)
		return 0;
	while (done < n) {
		unsigned k = 0;

		while (k < BATCH && done + k < n &&
		       thread_create(kernel_process(), do_nothing, NULL, &attr, &th[k]) == 0)
			k++;
		for (unsigned i = 0; i < k; i++)
			thread_join(th[i], NULL);
		if (!k)
			break;
		done += k;
	}
	busy_end(spinner, old_affinity);
	return done == n ? n : 0;
}

KBENCH(vmalloc_vfree_16k_other_cpu_busy, 20000)
{
	uint64_t old_affinity, done = 0;
	struct thread *spinner = busy_other_cpu(&old_affinity);

	if (!spinner)
		return 0;
	for (; done < n; done++) {
		void *p = vmalloc(16 * 1024);

		if (!p)
			break;
		vfree(p);
	}
	busy_end(spinner, old_affinity);
	return done == n ? n : 0;
}

KBENCH(tlb_flush_mm_range_one_cpu, 100000)
{
	uint64_t mm_mask = 0;

	preempt_disable();
	mm_mask = 1ULL << this_cpu_id();
	for (uint64_t i = 0; i < n; i++)
		tlb_flush_mm_range(&mm_mask, 0x400000, PAGE_SIZE);
	preempt_enable();
	return n;
}

KBENCH(tlb_flush_mm_range_two_cpus, 100000)
{
	uint64_t mm_mask = smp_online_mask();

	if (nr_cpus < 2)
		return 0;
	for (uint64_t i = 0; i < n; i++)
		tlb_flush_mm_range(&mm_mask, 0x400000, PAGE_SIZE);
	return n;
}
