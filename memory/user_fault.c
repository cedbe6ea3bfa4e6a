// SPDX-License-Identifier: MIT
/*
 * The user page-fault handler: what the #PF path (cpu/traps.c) calls for
 * a fault at a user address while an address space is loaded, and what
 * tests call directly. It resolves
 *
 *  - a fault with no VMA, or with rights the VMA does not give: -EFAULT
 *    (the caller sends SIGSEGV, or takes its exception-table fixup);
 *  - a fault below a VMA_GROWSDOWN VMA: the stack grows down to the page,
 *    within the stack rlimit and keeping USER_STACK_GUARD_GAP above the
 *    VMA below (Linux's stack_guard_gap);
 *  - a not-present page of an anonymous VMA: a zeroed page (demand zero);
 *  - a write to a present read-only page of a writable private VMA (copy
 *    on write after fork): the page is copied while others still hold it
 *    (count > 1), or simply made writable when this mapping is its last.
 *
 * File-backed VMAs (through the page cache) are not handled yet: their
 * faults return -EOPNOTSUPP.
 *
 * Locks: takes mm->lock (a mutex: the caller must be able to sleep).
 */
#include <xdv/mm.h>
#include <xdv/errno.h>
#include <xdv/string.h>
#include "user_mm.h"

/* Does the VMA allow this access? */
static bool access_ok(const struct vma *v, unsigned error_code)
{
	if (error_code & PF_ERR_WRITE)
		return v->flags & VMA_WRITE;
	if (error_code & PF_ERR_FETCH)
		return v->flags & VMA_EXEC;
	/* x86 cannot map write-only or exec-only pages: both imply read. */
	return v->flags & VMA_ACCESS;
}

/* Grow stack VMA v down to cover addr. Locks: mm->lock. Return: 0, -EFAULT. */
static int grow_stack(struct mm_struct *mm, struct vma *v, vaddr_t addr)
{
	vaddr_t new_start = ALIGN_DOWN(addr, PAGE_SIZE);
	struct vma *below = vma_prev(&mm->vmas, v->start);

	if (new_start < USER_MMAP_MIN || v->end - new_start > mm->stack_rlimit)
		return -EFAULT;
	if (below && (new_start < below->end || new_start - below->end < USER_STACK_GUARD_GAP))
		return -EFAULT;
	vma_set_start(&mm->vmas, v, new_start);
	return 0;
}

/* Write to a present, write-protected page of a writable private VMA. */
static int fault_cow(struct mm_struct *mm, struct vma *v, vaddr_t page, uint64_t *pte)
{
	uint64_t e = *pte;
	paddr_t old = e & PTE_ADDR_MASK;

	if (page_ref_count(old) == 1) {
		/* The last mapping of the page: no copy needed. */
		WRITE_ONCE(*pte, old | mm_pte_bits(v->flags, true));
		mm_flush_tlb(mm, page, PAGE_SIZE);
		return 0;
	}
	paddr_t new = user_page_alloc();

	if (!new)
		return -ENOMEM;
	memcpy(phys_to_virt(new), phys_to_virt(old), PAGE_SIZE);
	WRITE_ONCE(*pte, new | mm_pte_bits(v->flags, true));
	mm_flush_tlb(mm, page, PAGE_SIZE);
	page_ref_put(old); /* after the flush: no TLB maps it here any more */
	return 0;
}

static int fault_locked(struct mm_struct *mm, vaddr_t addr, unsigned error_code)
{
	vaddr_t page = ALIGN_DOWN(addr, PAGE_SIZE);
	struct vma *v = vma_find(&mm->vmas, addr);
	int err;

	if (!v)
		return -EFAULT;
	if (addr < v->start) {
		if (!(v->flags & VMA_GROWSDOWN))
			return -EFAULT;
		err = grow_stack(mm, v, addr);
		if (err)
			return err;
	}
	if (!access_ok(v, error_code))
		return -EFAULT;
	uint64_t *pte = mm_pte(mm, page, true);

	if (!pte)
		return -ENOMEM;
	uint64_t e = *pte;

	if (!e) {
		if (v->file)
			return -EOPNOTSUPP; /* file-backed faults: a later session */
		paddr_t pa = user_page_alloc();

		if (!pa)
			return -ENOMEM;
		/* Not present before: no TLB entry to drop. */
		WRITE_ONCE(*pte, pa | mm_pte_bits(v->flags, true));
		mm->rss_pages++;
		return 0;
	}
	if (!(e & PTE_P))
		return -EFAULT; /* PROT_NONE entry: mprotect keeps these in step with the VMA */
	if ((error_code & PF_ERR_WRITE) && !(e & PTE_W)) {
		if (v->flags & VMA_SHARED) {
			WRITE_ONCE(*pte, e | PTE_W);
			mm_flush_tlb(mm, page, PAGE_SIZE);
			return 0;
		}
		return fault_cow(mm, v, page, pte);
	}
	/* Already allowed: another thread resolved it, or a stale TLB entry. */
	mm_flush_tlb(mm, page, PAGE_SIZE);
	return 0;
}

int mm_handle_fault(struct mm_struct *mm, vaddr_t addr, unsigned error_code)
{
	if (addr >= USER_SPACE_END)
		return -EFAULT;
	mutex_lock(&mm->lock);
	int err = fault_locked(mm, addr, error_code);

	mutex_unlock(&mm->lock);
	return err;
}
