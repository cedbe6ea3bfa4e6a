/* SPDX-License-Identifier: MIT */
/*
 * Private to memory/'s user address-space files (address_space.c,
 * user_fault.c, page_ref.c and their tests): struct mm_struct and the
 * page-level helpers. Other subsystems use include/xdv/mm.h.
 */
#pragma once

#include <xdv/mm.h>
#include <xdv/sched.h>

/* A PTE that keeps its page while the VMA allows no access (PROT_NONE):
 * not present, so every access faults; a software bit marks it. */
#define PTE_PROTNONE (1ULL << 9)
#define PTE_LEVEL_SHIFT(level) (PAGE_SHIFT + 9 * ((level) - 1))
#define PTE_LEVEL_SIZE(level)  (1ULL << PTE_LEVEL_SHIFT(level))

struct mm_struct {
	paddr_t pml4;                 /* physical address, what CR3 gets */
	int refs;                     /* atomic */
	uint64_t cpu_mask;            /* atomic: CPUs that may hold its translations */

	struct mutex lock;            /* guards everything below and the user page tables */
	struct vma_tree vmas;
	vaddr_t mmap_base;            /* top of the top-down mmap area */
	uint64_t stack_rlimit;        /* RLIMIT_STACK, for VMA_GROWSDOWN growth */
	vaddr_t start_code, end_code, start_data, end_data;  /* for /proc maps (ELF loader) */
	vaddr_t start_brk, brk, start_stack;
	uint64_t rss_pages;           /* user pages mapped here (shared ones too) */
	uint64_t table_pages;         /* user page-table pages, the PML4 excluded */
};

/*
 * The level-1 entry for va in mm, creating the tables on the way with
 * create (NULL then means out of memory), or NULL when a table is missing.
 * Locks: mm->lock.
 */
uint64_t *mm_pte(struct mm_struct *mm, vaddr_t va, bool create);

/* The leaf bits for a page of a VMA with flags; writable only with write. */
uint64_t mm_pte_bits(unsigned long vma_flags, bool write);

/*
 * Drop the TLB entries of [va, va + size) of mm on every CPU that may
 * hold them: the one place to switch to a masked shootdown.
 */
void mm_flush_tlb(struct mm_struct *mm, vaddr_t va, size_t size);

/* Tests: make the nth next user page or page-table allocation fail (0: off). */
void user_alloc_fail_after(unsigned n);
/* True when the injected failure is due now (consumes one count). */
bool user_alloc_should_fail(void);

/* memory/paging.c: tables for every kernel PML4 entry, copied into pml4. */
int paging_share_kernel_half(uint64_t *pml4);
