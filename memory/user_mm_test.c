// SPDX-License-Identifier: MIT
/*
 * In-kernel tests of user address spaces (suite mm_user): create, switch
 * and destroy; demand-zero, wrong-rights, copy-on-write and stack-growth
 * faults through mm_handle_fault, called as the #PF path calls it; unmap,
 * mprotect, fork. The kernel runs with SMAP, so results are checked
 * through the page tables (mm_translate) and the direct map, never by
 * touching user addresses. Leak checks count free pages of the page
 * allocator and user pages in use, after a warm-up round that lets the
 * heap and the shared kernel-half tables reach their steady state.
 */
#include <xdv/ktest.h>
#include <xdv/errno.h>
#include <xdv/mm.h>
#include <xdv/percpu.h>
#include <xdv/sched.h>
#include <xdv/string.h>
#include <xdv/arch/x86.h>
#include "internal.h"
#include "user_mm.h"

#define BASE 0x10000000ULL
#define RW   (VMA_READ | VMA_WRITE)
#define RD   PF_ERR_USER
#define WR   (PF_ERR_USER | PF_ERR_WRITE)

static uint64_t free_pages(void)
{
	struct pmm_stats st;

	pmm_get_stats(&st);
	return st.free_pages;
}

/* The page mapped at va, or 0. */
static paddr_t page_at(struct mm_struct *mm, vaddr_t va, uint64_t *pte)
{
	paddr_t pa;
	uint64_t e;

	if (mm_translate(mm, va, &pa, &e))
		return 0;
	if (pte)
		*pte = e;
	return pa;
}

static struct mm_struct *new_mm(struct ktest *t)
{
	struct mm_struct *mm = NULL;

	KTEST_EXPECT_EQ(t, mm_create(&mm), 0);
	return mm;
}

static int map_fixed(struct mm_struct *mm, vaddr_t addr, size_t len, unsigned long flags)
{
	vaddr_t out;

	return mm_map_anonymous(mm, addr, len, flags, MM_MAP_FIXED, &out);
}

KTEST(mm_user, switch_to_mm_sees_later_kernel_mappings)
{
	struct mm_struct *mm = new_mm(t);
	uint64_t old_affinity = thread_affinity(thread_current());

	if (!mm)
		return;
	/* The CR3 switch is per CPU: stay on this one meanwhile. */
	KTEST_EXPECT_EQ(t, thread_set_affinity(thread_current(), 1ULL << this_cpu_id()), 0);
	mm_switch(mm);
	KTEST_EXPECT_EQ(t, read_cr3() & PTE_ADDR_MASK, mm->pml4);
	KTEST_EXPECT(t, mm_current() == mm);
	KTEST_EXPECT_EQ(t, mm->cpu_mask, 1ULL << this_cpu_id());
	/* Mapped after mm_create: reachable through the shared kernel half. */
	volatile uint64_t *p = vmalloc(3 * PAGE_SIZE);

	KTEST_EXPECT(t, p != NULL);
	if (p) {
		p[PAGE_SIZE / 8] = 0x5a5a;
		KTEST_EXPECT_EQ(t, p[PAGE_SIZE / 8], 0x5a5a);
		vfree((void *)p);
	}
	mm_switch(NULL);
	KTEST_EXPECT_EQ(t, read_cr3() & PTE_ADDR_MASK, kernel_root);
	KTEST_EXPECT(t, mm_current() == NULL);
	KTEST_EXPECT_EQ(t, mm->cpu_mask, 0);
	/* The last put of the mm loaded here leaves it first. */
	mm_switch(mm);
	mm_put(mm);
	KTEST_EXPECT_EQ(t, read_cr3() & PTE_ADDR_MASK, kernel_root);
	KTEST_EXPECT(t, mm_current() == NULL);
	KTEST_EXPECT_EQ(t, thread_set_affinity(thread_current(), old_affinity), 0);
}

KTEST(mm_user, fault_anonymous_read_maps_zeroed_user_page)
{
	struct mm_struct *mm = new_mm(t);
	uint64_t pte = 0;

	if (!mm)
		return;
	KTEST_EXPECT_EQ(t, map_fixed(mm, BASE, 4 * PAGE_SIZE, RW), 0);
	KTEST_EXPECT_EQ(t, page_at(mm, BASE + PAGE_SIZE, NULL), 0);
	KTEST_EXPECT_EQ(t, mm_handle_fault(mm, BASE + PAGE_SIZE + 123, RD), 0);
	paddr_t pa = page_at(mm, BASE + PAGE_SIZE, &pte);

	KTEST_EXPECT(t, pa != 0);
	KTEST_EXPECT(t, (pte & (PTE_P | PTE_U | PTE_W)) == (PTE_P | PTE_U | PTE_W));
	KTEST_EXPECT_EQ(t, !!(pte & PTE_NX), paging_nx_enabled());
	KTEST_EXPECT_EQ(t, page_ref_count(pa), 1);
	const uint8_t *k = phys_to_virt(pa);
	bool zero = true;

	for (unsigned i = 0; i < PAGE_SIZE; i++)
		zero &= k[i] == 0;
	KTEST_EXPECT(t, zero);
	KTEST_EXPECT_EQ(t, page_at(mm, BASE, NULL), 0);          /* only the page touched */
	KTEST_EXPECT_EQ(t, mm->rss_pages, 1);
	mm_put(mm);
}

KTEST(mm_user, fault_without_rights_returns_efault)
{
	struct mm_struct *mm = new_mm(t);

	if (!mm)
		return;
	KTEST_EXPECT_EQ(t, map_fixed(mm, BASE, PAGE_SIZE, VMA_READ), 0);
	KTEST_EXPECT_EQ(t, map_fixed(mm, BASE + 4 * PAGE_SIZE, PAGE_SIZE, 0), 0);
	KTEST_EXPECT_EQ(t, mm_handle_fault(mm, BASE - 1, RD), -EFAULT);          /* no VMA */
	KTEST_EXPECT_EQ(t, mm_handle_fault(mm, BASE + PAGE_SIZE, RD), -EFAULT);  /* a hole */
	KTEST_EXPECT_EQ(t, mm_handle_fault(mm, BASE, WR), -EFAULT);              /* read-only */
	KTEST_EXPECT_EQ(t, mm_handle_fault(mm, BASE, PF_ERR_USER | PF_ERR_FETCH), -EFAULT);
	KTEST_EXPECT_EQ(t, mm_handle_fault(mm, BASE + 4 * PAGE_SIZE, RD), -EFAULT); /* PROT_NONE */
	KTEST_EXPECT_EQ(t, mm_handle_fault(mm, USER_SPACE_END, RD), -EFAULT);
	KTEST_EXPECT_EQ(t, mm_handle_fault(mm, BASE, RD), 0);
	uint64_t pte = 0;

	KTEST_EXPECT(t, page_at(mm, BASE, &pte) != 0);
	KTEST_EXPECT(t, !(pte & PTE_W));
	/* Present and read-only in a read-only VMA: a write still fails. */
	KTEST_EXPECT_EQ(t, mm_handle_fault(mm, BASE, PF_ERR_USER | PF_ERR_WRITE | PF_ERR_PRESENT),
			-EFAULT);
	mm_put(mm);
}

KTEST(mm_user, fork_then_child_write_copies_and_parent_keeps_its_page)
{
	struct mm_struct *parent = new_mm(t), *child = NULL;
	uint64_t pte = 0;

	if (!parent)
		return;
	KTEST_EXPECT_EQ(t, map_fixed(parent, BASE, 2 * PAGE_SIZE, RW), 0);
	KTEST_EXPECT_EQ(t, mm_handle_fault(parent, BASE, WR), 0);
	paddr_t orig = page_at(parent, BASE, NULL);

	memset(phys_to_virt(orig), 0x11, PAGE_SIZE);
	KTEST_EXPECT_EQ(t, mm_fork(parent, &child), 0);
	if (!child) {
		mm_put(parent);
		return;
	}
	/* Shared read-only, counted twice. */
	KTEST_EXPECT_EQ(t, page_at(child, BASE, &pte), orig);
	KTEST_EXPECT(t, !(pte & PTE_W));
	KTEST_EXPECT_EQ(t, page_at(parent, BASE, &pte), orig);
	KTEST_EXPECT(t, !(pte & PTE_W));
	KTEST_EXPECT_EQ(t, page_ref_count(orig), 2);
	KTEST_EXPECT_EQ(t, child->vmas.count, 1);
	KTEST_EXPECT_EQ(t, page_at(child, BASE + PAGE_SIZE, NULL), 0);

	/* The child writes: it gets a copy. */
	KTEST_EXPECT_EQ(t, mm_handle_fault(child, BASE + 8, WR | PF_ERR_PRESENT), 0);
	paddr_t copy = page_at(child, BASE, &pte);

	KTEST_EXPECT(t, copy != orig && copy != 0);
	KTEST_EXPECT(t, pte & PTE_W);
	KTEST_EXPECT_EQ(t, ((uint8_t *)phys_to_virt(copy))[PAGE_SIZE - 1], 0x11);
	memset(phys_to_virt(copy), 0x22, PAGE_SIZE);
	KTEST_EXPECT_EQ(t, ((uint8_t *)phys_to_virt(orig))[7], 0x11);
	KTEST_EXPECT_EQ(t, page_ref_count(orig), 1);
	KTEST_EXPECT_EQ(t, page_ref_count(copy), 1);

	/* The parent writes: its page is its own again, no copy. */
	KTEST_EXPECT_EQ(t, mm_handle_fault(parent, BASE, WR | PF_ERR_PRESENT), 0);
	KTEST_EXPECT_EQ(t, page_at(parent, BASE, &pte), orig);
	KTEST_EXPECT(t, pte & PTE_W);
	mm_put(child);
	KTEST_EXPECT_EQ(t, page_ref_count(copy), 0);
	KTEST_EXPECT_EQ(t, page_ref_count(orig), 1);
	mm_put(parent);
}

KTEST(mm_user, fork_shared_mapping_stays_shared_and_writable)
{
	struct mm_struct *parent = new_mm(t), *child = NULL;
	uint64_t pte = 0;

	if (!parent)
		return;
	KTEST_EXPECT_EQ(t, map_fixed(parent, BASE, PAGE_SIZE, RW | VMA_SHARED), 0);
	KTEST_EXPECT_EQ(t, mm_handle_fault(parent, BASE, WR), 0);
	paddr_t pa = page_at(parent, BASE, NULL);

	KTEST_EXPECT_EQ(t, mm_fork(parent, &child), 0);
	if (child) {
		KTEST_EXPECT_EQ(t, page_at(child, BASE, &pte), pa);
		KTEST_EXPECT(t, pte & PTE_W);
		KTEST_EXPECT_EQ(t, page_at(parent, BASE, &pte), pa);
		KTEST_EXPECT(t, pte & PTE_W);
		KTEST_EXPECT_EQ(t, page_ref_count(pa), 2);
		mm_put(child);
	}
	KTEST_EXPECT_EQ(t, page_ref_count(pa), 1);
	mm_put(parent);
}

KTEST(mm_user, munmap_middle_splits_vma_and_frees_pages_and_tables)
{
	struct mm_struct *mm = new_mm(t);

	if (!mm)
		return;
	KTEST_EXPECT_EQ(t, map_fixed(mm, BASE, 8 * PAGE_SIZE, RW), 0);
	for (unsigned i = 0; i < 8; i++)
		KTEST_EXPECT_EQ(t, mm_handle_fault(mm, BASE + i * PAGE_SIZE, WR), 0);
	uint64_t in_use = user_pages_in_use();

	KTEST_EXPECT_EQ(t, mm->table_pages, 3); /* PDPT, PD, PT */
	KTEST_EXPECT_EQ(t, mm_munmap(mm, BASE + 2 * PAGE_SIZE, 2 * PAGE_SIZE), 0);
	KTEST_EXPECT_EQ(t, mm->vmas.count, 2);
	KTEST_EXPECT_EQ(t, user_pages_in_use(), in_use - 2);
	KTEST_EXPECT_EQ(t, page_at(mm, BASE + 2 * PAGE_SIZE, NULL), 0);
	KTEST_EXPECT(t, page_at(mm, BASE + 4 * PAGE_SIZE, NULL) != 0);
	KTEST_EXPECT_EQ(t, mm_handle_fault(mm, BASE + 3 * PAGE_SIZE, RD), -EFAULT);
	struct vma *hi = vma_find(&mm->vmas, BASE + 2 * PAGE_SIZE);

	KTEST_EXPECT(t, hi && hi->start == BASE + 4 * PAGE_SIZE && hi->end == BASE + 8 * PAGE_SIZE);
	/* A length is rounded up to pages, as Linux: pages 1 and 2 go. */
	KTEST_EXPECT_EQ(t, mm_munmap(mm, BASE + PAGE_SIZE, PAGE_SIZE + 1), 0);
	KTEST_EXPECT_EQ(t, user_pages_in_use(), in_use - 3);
	KTEST_EXPECT_EQ(t, mm->vmas.count, 2);
	KTEST_EXPECT_EQ(t, mm_munmap(mm, BASE + 1, PAGE_SIZE), -EINVAL);
	KTEST_EXPECT_EQ(t, mm_munmap(mm, BASE - 16 * PAGE_SIZE, 64 * PAGE_SIZE), 0);
	KTEST_EXPECT_EQ(t, mm->vmas.count, 0);
	KTEST_EXPECT_EQ(t, mm->rss_pages, 0);
	KTEST_EXPECT_EQ(t, mm->table_pages, 0); /* emptied tables went too */
	KTEST_EXPECT_EQ(t, user_pages_in_use(), in_use - 8);
	mm_put(mm);
}

KTEST(mm_user, mprotect_readonly_blocks_writes_and_merges_back)
{
	struct mm_struct *mm = new_mm(t);
	uint64_t pte = 0;

	if (!mm)
		return;
	KTEST_EXPECT_EQ(t, map_fixed(mm, BASE, 4 * PAGE_SIZE, RW), 0);
	KTEST_EXPECT_EQ(t, mm_handle_fault(mm, BASE + PAGE_SIZE, WR), 0);
	KTEST_EXPECT_EQ(t, mm_mprotect(mm, BASE + PAGE_SIZE, PAGE_SIZE, VMA_READ), 0);
	KTEST_EXPECT_EQ(t, mm->vmas.count, 3);
	KTEST_EXPECT(t, page_at(mm, BASE + PAGE_SIZE, &pte) != 0);
	KTEST_EXPECT(t, !(pte & PTE_W));
	KTEST_EXPECT_EQ(t, mm_handle_fault(mm, BASE + PAGE_SIZE, WR | PF_ERR_PRESENT), -EFAULT);
	KTEST_EXPECT_EQ(t, mm_mprotect(mm, BASE + PAGE_SIZE, PAGE_SIZE, 0), 0);
	KTEST_EXPECT(t, page_at(mm, BASE + PAGE_SIZE, &pte) != 0);     /* kept, not present */
	KTEST_EXPECT(t, !(pte & PTE_P));
	KTEST_EXPECT_EQ(t, mm_handle_fault(mm, BASE + PAGE_SIZE, RD), -EFAULT);
	KTEST_EXPECT_EQ(t, mm_mprotect(mm, BASE + PAGE_SIZE, PAGE_SIZE, RW), 0);
	KTEST_EXPECT_EQ(t, mm->vmas.count, 1);
	KTEST_EXPECT(t, page_at(mm, BASE + PAGE_SIZE, &pte) != 0);
	KTEST_EXPECT(t, (pte & (PTE_P | PTE_W)) == (PTE_P | PTE_W));
	/* A hole in the range: -ENOMEM as Linux, nothing changed. */
	KTEST_EXPECT_EQ(t, mm_mprotect(mm, BASE, 8 * PAGE_SIZE, VMA_READ), -ENOMEM);
	KTEST_EXPECT_EQ(t, mm->vmas.count, 1);
	mm_put(mm);
}

KTEST(mm_user, map_without_fixed_goes_top_down_and_honours_free_hint)
{
	struct mm_struct *mm = new_mm(t);
	vaddr_t a = 0, b = 0, c = 0;

	if (!mm)
		return;
	KTEST_EXPECT_EQ(t, mm_map_anonymous(mm, 0, 3 * PAGE_SIZE, RW, 0, &a), 0);
	KTEST_EXPECT_EQ(t, a, mm->mmap_base - 3 * PAGE_SIZE);
	KTEST_EXPECT_EQ(t, mm_map_anonymous(mm, 0, PAGE_SIZE, RW, 0, &b), 0);
	KTEST_EXPECT_EQ(t, b, a - PAGE_SIZE);
	KTEST_EXPECT_EQ(t, mm->vmas.count, 1); /* adjacent, same rights: merged */
	KTEST_EXPECT_EQ(t, mm_map_anonymous(mm, BASE, PAGE_SIZE, VMA_READ, 0, &c), 0);
	KTEST_EXPECT_EQ(t, c, BASE);
	KTEST_EXPECT_EQ(t, mm_map_anonymous(mm, BASE, PAGE_SIZE, VMA_READ, 0, &c), 0);
	KTEST_EXPECT(t, c != BASE);            /* the hint is taken: not used */
	KTEST_EXPECT_EQ(t, mm_map_anonymous(mm, 0, 0, RW, 0, &c), -EINVAL);
	KTEST_EXPECT_EQ(t, mm_map_anonymous(mm, USER_SPACE_END - PAGE_SIZE, 2 * PAGE_SIZE, RW,
					    MM_MAP_FIXED, &c), -EINVAL);
	KTEST_EXPECT_EQ(t, vma_tree_check(&mm->vmas), 0);
	mm_put(mm);
}

KTEST(mm_user, stack_grows_down_within_rlimit_and_guard_gap)
{
	struct mm_struct *mm = new_mm(t);
	vaddr_t top = USER_STACK_TOP, low = top - 4 * PAGE_SIZE;

	if (!mm)
		return;
	KTEST_EXPECT_EQ(t, map_fixed(mm, low, 4 * PAGE_SIZE, RW | VMA_GROWSDOWN), 0);
	KTEST_EXPECT_EQ(t, mm_handle_fault(mm, low - 8, WR), 0);
	struct vma *v = vma_find(&mm->vmas, low - 8);

	KTEST_EXPECT(t, v && v->start == low - PAGE_SIZE);
	KTEST_EXPECT(t, page_at(mm, low - PAGE_SIZE, NULL) != 0);
	/* Beyond RLIMIT_STACK: refused. */
	KTEST_EXPECT_EQ(t, mm_handle_fault(mm, top - mm->stack_rlimit - PAGE_SIZE, WR), -EFAULT);
	/* A mapping below: the stack keeps the guard gap above it. */
	vaddr_t other = low - 2 * USER_STACK_GUARD_GAP;

	KTEST_EXPECT_EQ(t, map_fixed(mm, other, PAGE_SIZE, RW), 0);
	KTEST_EXPECT_EQ(t, mm_handle_fault(mm, other + PAGE_SIZE + 64, WR), -EFAULT);
	KTEST_EXPECT_EQ(t, mm_handle_fault(mm, other + PAGE_SIZE + USER_STACK_GUARD_GAP, WR), 0);
	KTEST_EXPECT_EQ(t, vma_tree_check(&mm->vmas), 0);
	mm_put(mm);
}

/* One round of the leak test: a parent with touched pages, a fork, a COW copy. */
static void create_fork_destroy(struct ktest *t)
{
	struct mm_struct *mm = NULL, *child = NULL;

	if (mm_create(&mm))
		return;
	KTEST_EXPECT_EQ(t, map_fixed(mm, BASE, 16 * PAGE_SIZE, RW), 0);
	KTEST_EXPECT_EQ(t, map_fixed(mm, BASE + (1ULL << 30), 2 * PAGE_SIZE, RW | VMA_SHARED), 0);
	for (unsigned i = 0; i < 16; i++)
		KTEST_EXPECT_EQ(t, mm_handle_fault(mm, BASE + i * PAGE_SIZE, WR), 0);
	KTEST_EXPECT_EQ(t, mm_handle_fault(mm, BASE + (1ULL << 30), WR), 0);
	if (mm_fork(mm, &child) == 0) {
		for (unsigned i = 0; i < 8; i++)
			KTEST_EXPECT_EQ(t, mm_handle_fault(child, BASE + i * PAGE_SIZE, WR | PF_ERR_PRESENT), 0);
		mm_put(child);
	}
	mm_put(mm);
}

KTEST(mm_user, create_fork_destroy_100_rounds_leak_nothing)
{
	create_fork_destroy(t); /* warm-up: heap slabs, kernel-half tables */
	uint64_t before = free_pages(), users = user_pages_in_use();

	for (unsigned i = 0; i < 100; i++)
		create_fork_destroy(t);
	KTEST_EXPECT_EQ(t, free_pages(), before);
	KTEST_EXPECT_EQ(t, user_pages_in_use(), users);
}

KTEST(mm_user, out_of_memory_returns_enomem_and_leaks_nothing)
{
	struct mm_struct *mm = new_mm(t), *child = NULL;

	if (!mm)
		return;
	KTEST_EXPECT_EQ(t, map_fixed(mm, BASE, 4 * PAGE_SIZE, RW), 0);
	KTEST_EXPECT_EQ(t, mm_handle_fault(mm, BASE, WR), 0); /* tables exist now */
	/* Warm-up: the heap gets the slabs for an mm and its VMAs. */
	KTEST_EXPECT_EQ(t, mm_fork(mm, &child), 0);
	if (child)
		mm_put(child);
	uint64_t before = free_pages(), users = user_pages_in_use();

	/* Demand zero: the page allocation fails. */
	user_alloc_fail_after(1);
	KTEST_EXPECT_EQ(t, mm_handle_fault(mm, BASE + PAGE_SIZE, WR), -ENOMEM);
	KTEST_EXPECT_EQ(t, page_at(mm, BASE + PAGE_SIZE, NULL), 0);
	/* A table allocation fails (a new PDPT for a far address). */
	KTEST_EXPECT_EQ(t, map_fixed(mm, BASE + (1ULL << 40), PAGE_SIZE, RW), 0);
	user_alloc_fail_after(1);
	KTEST_EXPECT_EQ(t, mm_handle_fault(mm, BASE + (1ULL << 40), WR), -ENOMEM);
	/* COW copy fails. */
	KTEST_EXPECT_EQ(t, mm_fork(mm, &child), 0);
	user_alloc_fail_after(1);
	KTEST_EXPECT_EQ(t, mm_handle_fault(child, BASE, WR | PF_ERR_PRESENT), -ENOMEM);
	mm_put(child);
	/* Fork fails at each of its page-table allocations in turn. */
	for (unsigned n = 1; n <= 3; n++) {
		child = NULL;
		user_alloc_fail_after(n);
		KTEST_EXPECT_EQ(t, mm_fork(mm, &child), -ENOMEM);
		KTEST_EXPECT(t, child == NULL);
	}
	user_alloc_fail_after(0);
	KTEST_EXPECT_EQ(t, mm_munmap(mm, BASE + (1ULL << 40), PAGE_SIZE), 0);
	KTEST_EXPECT_EQ(t, user_pages_in_use(), users);
	KTEST_EXPECT_EQ(t, page_ref_count(page_at(mm, BASE, NULL)), 1);
	KTEST_EXPECT_EQ(t, free_pages(), before);
	/* The parent is still usable. */
	KTEST_EXPECT_EQ(t, mm_handle_fault(mm, BASE + PAGE_SIZE, WR), 0);
	mm_put(mm);
}
