// SPDX-License-Identifier: MIT
/*
 * Benchmarks of user address spaces (make bench): a demand-zero fault per
 * page (only the faults are timed, not the mapping or the teardown), and
 * mm_fork plus the child's destruction for a 4 MiB mapping whose pages are
 * all present (1024 PTEs shared and counted, then dropped).
 */
#include <xdv/kbench.h>
#include <xdv/mm.h>
#include <xdv/time.h>

#define BENCH_BASE 0x10000000ULL
#define FORK_SIZE  (4ULL << 20)

KBENCH(mm_fault_demand_zero, 20000)
{
	struct mm_struct *mm;
	vaddr_t out;
	uint64_t done = 0;

	if (mm_create(&mm))
		return 0;
	if (mm_map_anonymous(mm, BENCH_BASE, n * PAGE_SIZE, VMA_READ | VMA_WRITE, MM_MAP_FIXED,
			     &out) == 0) {
		uint64_t t0 = time_since_boot_ns();

		for (; done < n; done++)
			if (mm_handle_fault(mm, BENCH_BASE + done * PAGE_SIZE,
					    PF_ERR_USER | PF_ERR_WRITE))
				break;
		kbench_set_elapsed(time_since_boot_ns() - t0);
	}
	mm_put(mm);
	return done == n ? n : 0;
}

KBENCH(mm_fork_destroy_4mib, 200)
{
	struct mm_struct *mm, *child;
	vaddr_t out;
	uint64_t done = 0;

	if (mm_create(&mm))
		return 0;
	if (mm_map_anonymous(mm, BENCH_BASE, FORK_SIZE, VMA_READ | VMA_WRITE, MM_MAP_FIXED,
			     &out))
		goto out;
	for (vaddr_t va = BENCH_BASE; va < BENCH_BASE + FORK_SIZE; va += PAGE_SIZE)
		if (mm_handle_fault(mm, va, PF_ERR_USER | PF_ERR_WRITE))
			goto out;
	uint64_t t0 = time_since_boot_ns();

	for (; done < n; done++) {
		if (mm_fork(mm, &child))
			break;
		mm_put(child);
	}
	kbench_set_elapsed(time_since_boot_ns() - t0);
out:
	mm_put(mm);
	return done == n ? n : 0;
}
