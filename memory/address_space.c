// SPDX-License-Identifier: MIT
/*
 * User address spaces (struct mm_struct, memory/user_mm.h): a PML4 of
 * their own whose kernel half (entries 256..511) points at the kernel's
 * tables, shared and never freed (paging_share_kernel_half gives every
 * entry a table before the first address space exists), the VMA tree
 * (memory/vma.c), and the user half's page tables, built on demand by the
 * fault handler (memory/user_fault.c).
 *
 * Pages mapped here are user pages with a reference count
 * (memory/page_ref.c): each PTE that maps a page holds one reference.
 * Fork shares private pages read-only (copy on write) and shared ones
 * writable; unmap drops the references and frees the page tables left
 * empty. The order of an unmap is that of memory/paging.c: clear the
 * entries (and unhook emptied tables), flush the TLBs, and only then drop
 * the page references and free the tables.
 *
 * TLB: mm->cpu_mask has a bit for each CPU that has loaded the mm since
 * it last switched away (mm_switch); mm_flush_tlb() skips the shootdown
 * when it is empty, and otherwise flushes only the CPUs in the mask
 * (tlb_flush_mm_range), so a single-threaded process sends no IPI.
 *
 * Locks: mm->lock (a mutex) guards the VMAs, the layout fields and the
 * user page tables; it is taken before pt_lock and pmm_lock. refs and
 * cpu_mask are atomic.
 */
#include <xdv/mm.h>
#include <xdv/errno.h>
#include <xdv/percpu.h>
#include <xdv/printk.h>
#include <xdv/string.h>
#include <xdv/vfs.h>
#include <xdv/arch/x86.h>
#include "internal.h"
#include "user_mm.h"

#define ENTRIES 512
#define GATHER_MAX 64

static struct mm_struct *active_mm[MAX_CPUS]; /* loaded on each CPU, NULL: kernel */

static uint64_t *entry_table(uint64_t e)
{
	return phys_to_virt(e & PTE_ADDR_MASK);
}

static unsigned entry_index(vaddr_t va, int level)
{
	return (va >> PTE_LEVEL_SHIFT(level)) & (ENTRIES - 1);
}

static paddr_t table_alloc(struct mm_struct *mm)
{
	if (user_alloc_should_fail())
		return 0;

	paddr_t pa = pmm_alloc_pages(0, GFP_ZERO);

	if (pa)
		mm->table_pages++;
	return pa;
}

static void table_free(struct mm_struct *mm, paddr_t pa)
{
	mm->table_pages--;
	pmm_free_pages(pa, 0);
}

uint64_t *mm_pte(struct mm_struct *mm, vaddr_t va, bool create)
{
	uint64_t *table = phys_to_virt(mm->pml4);

	for (int level = 4; level > 1; level--) {
		uint64_t *e = &table[entry_index(va, level)];

		if (!(*e & PTE_P)) {
			if (!create)
				return NULL;
			paddr_t pa = table_alloc(mm);

			if (!pa)
				return NULL;
			/* Rights are decided by the leaves alone. */
			WRITE_ONCE(*e, pa | PTE_P | PTE_W | PTE_U);
		}
		table = entry_table(*e);
	}
	return &table[entry_index(va, 1)];
}

uint64_t mm_pte_bits(unsigned long vma_flags, bool write)
{
	uint64_t bits = PTE_P | PTE_U;

	if (!(vma_flags & VMA_ACCESS))
		return PTE_PROTNONE;
	if (write && (vma_flags & VMA_WRITE))
		bits |= PTE_W;
	if (!(vma_flags & VMA_EXEC) && paging_nx_enabled())
		bits |= PTE_NX;
	return bits;
}

void mm_flush_tlb(struct mm_struct *mm, vaddr_t va, size_t size)
{
	/* The PTE stores before the look at the mask (x86 may order a load
	 * before an earlier store): a CPU that sets its bit in mm_switch
	 * after this load walks the new entries. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (!__atomic_load_n(&mm->cpu_mask, __ATOMIC_ACQUIRE))
		return; /* loaded nowhere: no TLB holds its entries */
	tlb_flush_mm_range(&mm->cpu_mask, va, size);
}

/* ---- create, switch, destroy --------------------------------------------- */

int mm_create(struct mm_struct **out)
{
	struct mm_struct *mm = kzalloc(sizeof(*mm), 0);
	int err = -ENOMEM;

	might_sleep();
	if (!mm)
		return -ENOMEM;
	mm->pml4 = pmm_alloc_pages(0, GFP_ZERO);
	if (!mm->pml4)
		goto out_free;
	err = paging_share_kernel_half(phys_to_virt(mm->pml4));
	if (err)
		goto out_pml4;
	mm->refs = 1;
	mutex_init(&mm->lock, "mm");
	vma_tree_init(&mm->vmas);
	mm->stack_rlimit = USER_STACK_RLIMIT_DEFAULT;
	/* Linux's mmap_base: below the stack, its rlimit and a gap. */
	mm->mmap_base = USER_STACK_TOP - USER_STACK_RLIMIT_DEFAULT - USER_STACK_GAP;
	*out = mm;
	return 0;

out_pml4:
	pmm_free_pages(mm->pml4, 0);
out_free:
	kfree(mm);
	return err;
}

void mm_get(struct mm_struct *mm)
{
	__atomic_fetch_add(&mm->refs, 1, __ATOMIC_RELAXED);
}

void mm_put(struct mm_struct *mm)
{
	if (__atomic_sub_fetch(&mm->refs, 1, __ATOMIC_ACQ_REL) == 0)
		mm_destroy(mm);
}

void mm_switch(struct mm_struct *mm)
{
	unsigned cpu = this_cpu_id();
	struct mm_struct *old = active_mm[cpu];

	if (old == mm)
		return;
	if (mm)
		__atomic_fetch_or(&mm->cpu_mask, 1ULL << cpu, __ATOMIC_SEQ_CST);
	write_cr3(mm ? mm->pml4 : kernel_root);
	active_mm[cpu] = mm;
	/* Without PCIDs the CR3 write dropped old's non-global entries. */
	if (old)
		__atomic_fetch_and(&old->cpu_mask, ~(1ULL << cpu), __ATOMIC_RELEASE);
}

struct mm_struct *mm_current(void)
{
	return active_mm[this_cpu_id()];
}

/* ---- unmapping -------------------------------------------------------------- */

/* What an unmap frees, held until the TLBs no longer point at it. */
struct gather {
	struct mm_struct *mm;
	vaddr_t start, end;            /* the range being unmapped */
	paddr_t pages[GATHER_MAX];     /* one reference each */
	paddr_t tables[GATHER_MAX];
	unsigned npages, ntables;
};

static void gather_release(struct gather *g)
{
	mm_flush_tlb(g->mm, g->start, g->end - g->start);
	for (unsigned i = 0; i < g->npages; i++)
		page_ref_put(g->pages[i]);
	for (unsigned i = 0; i < g->ntables; i++)
		table_free(g->mm, g->tables[i]);
	g->npages = g->ntables = 0;
}

static bool table_is_empty(const uint64_t *t)
{
	for (unsigned i = 0; i < ENTRIES; i++)
		if (t[i])
			return false;
	return true;
}

/* Clear [start, end) in table (of level, mapping from base). */
static void unmap_level(struct gather *g, uint64_t *table, int level, vaddr_t base,
			vaddr_t start, vaddr_t end)
{
	uint64_t size = PTE_LEVEL_SIZE(level);

	for (unsigned i = entry_index(start, level); i < ENTRIES; i++) {
		vaddr_t lo = base + i * size;

		if (lo >= end)
			break;
		uint64_t e = table[i];

		if (!e)
			continue;
		if (level == 1) {
			WRITE_ONCE(table[i], 0);
			g->mm->rss_pages--;
			g->pages[g->npages++] = e & PTE_ADDR_MASK;
			if (g->npages == GATHER_MAX)
				gather_release(g);
			continue;
		}
		uint64_t *child = entry_table(e);

		unmap_level(g, child, level - 1, lo, MAX(start, lo), MIN(end, lo + size));
		if (table_is_empty(child)) {
			WRITE_ONCE(table[i], 0);
			g->tables[g->ntables++] = e & PTE_ADDR_MASK;
			if (g->ntables == GATHER_MAX)
				gather_release(g);
		}
	}
}

/* Unmap the pages of [start, end) and free the emptied tables. Locks: mm->lock. */
static void unmap_pages(struct mm_struct *mm, vaddr_t start, vaddr_t end)
{
	struct gather g = { .mm = mm, .start = start, .end = end };

	unmap_level(&g, phys_to_virt(mm->pml4), 4, 0, start, end);
	if (g.npages || g.ntables)
		gather_release(&g);
}

static void vma_free(struct vma *v)
{
	if (v->file)
		file_put(v->file);
	kfree(v);
}

void mm_destroy(struct mm_struct *mm)
{
	struct vma *v;

	might_sleep();
	if (mm_current() == mm)
		mm_switch(NULL); /* the last user of mm ran here: leave its tables */
	mutex_lock(&mm->lock);
	unmap_pages(mm, 0, USER_SPACE_END);
	while ((v = mm->vmas.root) != NULL) {
		vma_remove(&mm->vmas, v);
		vma_free(v);
	}
	mutex_unlock(&mm->lock);
	if (mm->cpu_mask || mm->table_pages || mm->rss_pages)
		pr_err("mm_destroy: mask %lx, %lu tables and %lu pages left\n", mm->cpu_mask,
		       mm->table_pages, mm->rss_pages);
	pmm_free_pages(mm->pml4, 0);
	kfree(mm);
}

/* ---- VMA-level operations --------------------------------------------------- */

/* Split so that no VMA straddles addr. Locks: mm->lock. */
static int split_at(struct mm_struct *mm, vaddr_t addr)
{
	struct vma *v = vma_find(&mm->vmas, addr);

	if (!v || v->start >= addr)
		return 0;
	struct vma *tail = kzalloc(sizeof(*tail), 0);

	if (!tail)
		return -ENOMEM;
	int err = vma_split(&mm->vmas, v, addr, tail);

	if (err) {
		kfree(tail);
		return err;
	}
	if (tail->file)
		file_get(tail->file);
	return 0;
}

/* Merge v with its neighbours where they are compatible. Locks: mm->lock. */
static void merge_around(struct mm_struct *mm, struct vma *v)
{
	struct vma *next = vma_next(&mm->vmas, v);
	struct vma *prev = vma_prev(&mm->vmas, v->start);

	if (next && vma_can_merge(v, next)) {
		vma_merge(&mm->vmas, v, next);
		vma_free(next);
	}
	if (prev && vma_can_merge(prev, v)) {
		vma_merge(&mm->vmas, prev, v);
		vma_free(v);
	}
}

static bool range_ok(vaddr_t addr, size_t len)
{
	return IS_ALIGNED(addr, PAGE_SIZE) && len && addr < USER_SPACE_END &&
	       len <= USER_SPACE_END - addr;
}

/* Remove every VMA part in [start, end). Locks: mm->lock. Return: 0, -ENOMEM. */
static int munmap_locked(struct mm_struct *mm, vaddr_t start, vaddr_t end)
{
	int err = split_at(mm, start);

	if (!err)
		err = split_at(mm, end);
	if (err)
		return err;
	for (struct vma *v = vma_find(&mm->vmas, start); v && v->start < end;) {
		struct vma *next = vma_next(&mm->vmas, v);

		vma_remove(&mm->vmas, v);
		vma_free(v);
		v = next;
	}
	unmap_pages(mm, start, end);
	return 0;
}

int mm_map_anonymous(struct mm_struct *mm, vaddr_t addr, size_t len, unsigned long flags,
		     unsigned map_flags, vaddr_t *out)
{
	struct vma *v;
	int err;

	len = ALIGN_UP(len, PAGE_SIZE);
	if (!len || (flags & ~(VMA_ACCESS | VMA_SHARED | VMA_GROWSDOWN)))
		return -EINVAL;
	if ((map_flags & MM_MAP_FIXED) && (!range_ok(addr, len) || addr < USER_MMAP_MIN))
		return -EINVAL;
	v = kzalloc(sizeof(*v), 0);
	if (!v)
		return -ENOMEM;
	v->flags = flags | VMA_MAYREAD | VMA_MAYWRITE | VMA_MAYEXEC;
	if (flags & VMA_SHARED)
		v->flags |= VMA_MAYSHARE;

	mutex_lock(&mm->lock);
	if (map_flags & MM_MAP_FIXED) {
		err = munmap_locked(mm, addr, addr + len);
		if (err)
			goto out_unlock;
	} else {
		addr = ALIGN_DOWN(addr, PAGE_SIZE);
		/* The hint, if it is free; else top-down from mmap_base. */
		if (!(range_ok(addr, len) && addr >= USER_MMAP_MIN &&
		      vma_range_is_free(&mm->vmas, addr, addr + len))) {
			err = vma_find_free_topdown(&mm->vmas, len, USER_MMAP_MIN, mm->mmap_base,
						    &addr);
			if (err)
				goto out_unlock;
		}
	}
	v->start = addr;
	v->end = addr + len;
	err = vma_insert(&mm->vmas, v);
	if (err)
		goto out_unlock;
	merge_around(mm, v);
	mutex_unlock(&mm->lock);
	*out = addr;
	return 0;

out_unlock:
	mutex_unlock(&mm->lock);
	kfree(v);
	return err;
}

int mm_munmap(struct mm_struct *mm, vaddr_t addr, size_t len)
{
	len = ALIGN_UP(len, PAGE_SIZE);
	if (!range_ok(addr, len))
		return -EINVAL;
	mutex_lock(&mm->lock);
	int err = munmap_locked(mm, addr, addr + len);

	mutex_unlock(&mm->lock);
	return err;
}

/* Rewrite the PTEs of [start, end) for v's rights. Locks: mm->lock. */
static void protect_pages(struct mm_struct *mm, struct vma *v, vaddr_t start, vaddr_t end)
{
	for (vaddr_t va = start; va < end; va += PAGE_SIZE) {
		uint64_t *pte = mm_pte(mm, va, false);

		if (!pte) {
			/* No table here: skip to the next one. */
			va = ALIGN_DOWN(va, PTE_LEVEL_SIZE(2)) + PTE_LEVEL_SIZE(2) - PAGE_SIZE;
			continue;
		}
		if (!*pte)
			continue;
		paddr_t pa = *pte & PTE_ADDR_MASK;
		/* A private page shared with another mm stays read-only (COW). */
		bool write = (v->flags & VMA_SHARED) || page_ref_count(pa) == 1;

		WRITE_ONCE(*pte, pa | mm_pte_bits(v->flags, write));
	}
	mm_flush_tlb(mm, start, end - start);
}

int mm_mprotect(struct mm_struct *mm, vaddr_t addr, size_t len, unsigned long prot)
{
	vaddr_t end;
	int err;

	len = ALIGN_UP(len, PAGE_SIZE);
	if (!range_ok(addr, len) || (prot & ~VMA_ACCESS))
		return -EINVAL;
	end = addr + len;
	mutex_lock(&mm->lock);
	/* Linux: the whole range must be mapped, else -ENOMEM. */
	vaddr_t at = addr;

	for (struct vma *v = vma_find(&mm->vmas, addr); at < end; v = vma_next(&mm->vmas, v)) {
		if (!v || v->start > at) {
			err = -ENOMEM;
			goto out_unlock;
		}
		if ((prot & VMA_WRITE) && !(v->flags & VMA_MAYWRITE)) {
			err = -EACCES;
			goto out_unlock;
		}
		at = v->end;
	}
	err = split_at(mm, addr);
	if (!err)
		err = split_at(mm, end);
	if (err)
		goto out_unlock;
	for (struct vma *v = vma_find(&mm->vmas, addr); v && v->start < end;) {
		v->flags = (v->flags & ~VMA_ACCESS) | prot;
		protect_pages(mm, v, v->start, v->end);
		v = vma_next(&mm->vmas, v);
	}
	/* Merge what became equal, from the first VMA of the range up to one past it. */
	struct vma *v = vma_prev(&mm->vmas, addr);

	if (!v)
		v = vma_find(&mm->vmas, addr);
	while (v && v->start <= end) {
		struct vma *next = vma_next(&mm->vmas, v);

		if (next && vma_can_merge(v, next)) {
			vma_merge(&mm->vmas, v, next);
			vma_free(next);
			continue;
		}
		v = next;
	}
out_unlock:
	mutex_unlock(&mm->lock);
	return err;
}

int mm_translate(struct mm_struct *mm, vaddr_t va, paddr_t *pa, uint64_t *pte_out)
{
	int err = -ENOENT;

	mutex_lock(&mm->lock);
	uint64_t *pte = mm_pte(mm, va, false);

	if (pte && *pte) {
		*pa = *pte & PTE_ADDR_MASK;
		*pte_out = *pte;
		err = 0;
	}
	mutex_unlock(&mm->lock);
	return err;
}

/* ---- fork ------------------------------------------------------------------ */

/* Share v's pages of parent with child. Locks: parent->lock (child is private). */
static int fork_pages(struct mm_struct *parent, struct mm_struct *child, const struct vma *v)
{
	bool cow = !(v->flags & VMA_SHARED);

	for (vaddr_t va = v->start; va < v->end; va += PAGE_SIZE) {
		uint64_t *src = mm_pte(parent, va, false);

		if (!src) {
			va = ALIGN_DOWN(va, PTE_LEVEL_SIZE(2)) + PTE_LEVEL_SIZE(2) - PAGE_SIZE;
			continue;
		}
		uint64_t e = *src;

		if (!e)
			continue;
		uint64_t *dst = mm_pte(child, va, true);

		if (!dst)
			return -ENOMEM;
		if (cow && (e & PTE_W)) {
			e &= ~PTE_W;
			WRITE_ONCE(*src, e);
		}
		page_ref_get(e & PTE_ADDR_MASK);
		WRITE_ONCE(*dst, e);
		child->rss_pages++;
	}
	return 0;
}

int mm_fork(struct mm_struct *parent, struct mm_struct **out)
{
	struct mm_struct *child;
	int err = mm_create(&child);

	if (err)
		return err;
	/* child is not visible to anyone yet: its lock is not needed. */
	mutex_lock(&parent->lock);
	child->mmap_base = parent->mmap_base;
	child->stack_rlimit = parent->stack_rlimit;
	child->start_code = parent->start_code;
	child->end_code = parent->end_code;
	child->start_data = parent->start_data;
	child->end_data = parent->end_data;
	child->start_brk = parent->start_brk;
	child->brk = parent->brk;
	child->start_stack = parent->start_stack;
	for (struct vma *v = vma_find(&parent->vmas, 0); v; v = vma_next(&parent->vmas, v)) {
		struct vma *c = kzalloc(sizeof(*c), 0);

		if (!c) {
			err = -ENOMEM;
			break;
		}
		c->start = v->start;
		c->end = v->end;
		c->flags = v->flags;
		c->file = v->file ? file_get(v->file) : NULL;
		c->pgoff = v->pgoff;
		err = vma_insert(&child->vmas, c);
		if (err) {
			vma_free(c);
			break;
		}
		err = fork_pages(parent, child, v);
		if (err)
			break;
	}
	/* The parent's pages just became read-only: drop its writable entries. */
	mm_flush_tlb(parent, 0, USER_SPACE_END);
	mutex_unlock(&parent->lock);
	if (err) {
		mm_put(child);
		return err;
	}
	*out = child;
	return 0;
}
