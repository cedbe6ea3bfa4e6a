// SPDX-License-Identifier: MIT
/*
 * The kernel's page tables: map, unmap, protect and translate, for 4 KiB,
 * 2 MiB and (in the direct map) 1 GiB pages, with the cache mode chosen
 * through the PAT.
 *
 * All changes go to the tables under kernel_root (CR3 once mm_init has
 * switched to them). A walk creates missing tables on the way down, and
 * splits a large page it meets above the level it needs, so that a 4 KiB
 * change inside a 2 MiB page is possible; an unmap frees page-table pages
 * that became empty, except the page-directory-pointer tables hung from
 * the PML4's kernel half, which later address spaces will share. Every
 * change that removes or alters a present entry ends with
 * tlb_flush_range() (memory/tlb.c, where TLB entries are dropped), on
 * every CPU; except a lazy unmap (paging_unmap_lazy, for vfree), which
 * flushes this CPU only and keeps the tables until paging_purge_lazy
 * unhooks the empty ones and flushes every CPU once for many unmaps.
 * Mapping what was not mapped needs no flush: x86 caches
 * neither translations nor paging-structure entries that are not present
 * (Intel SDM vol. 3, 4.10.2.3 and 4.10.3.1).
 *
 * Order on unmap: clear the entries, flush every CPU's TLB, and only then
 * free the page-table pages that became empty; until the flush, another
 * CPU's paging-structure caches may still walk through them. Callers that
 * own the unmapped frames (vmalloc) free those after paging_unmap returns,
 * for the same reason.
 *
 * PAT: entry 0 write-back, 1 write-combining, 2 uncached-minus, 3 uncached
 * (4-7 the same), so PWT selects WC and PCD|PWT selects UC; the PAT bit of
 * the entries is never used.
 *
 * Locks: pt_lock (IRQ-safe) around every public function that reads or
 * writes the tables; it comes before pmm_lock (page-table pages) and is
 * held across the TLB shootdown, which cannot deadlock: while a CPU waits
 * for the others it still runs their requests (cpu/smp.c).
 */
#include <xdv/mm.h>
#include <xdv/cpufeature.h>
#include <xdv/errno.h>
#include <xdv/percpu.h>
#include <xdv/smp.h>
#include <xdv/spinlock.h>
#include <xdv/string.h>
#include <xdv/arch/x86.h>
#include "internal.h"

#define PTE_PWT (1ULL << 3)
#define PTE_PCD (1ULL << 4)
#define PTE_PAT_LARGE (1ULL << 12)
#define PTE_FLAGS_MASK (~PTE_ADDR_MASK)
#define ENTRIES 512

#define MSR_PAT 0x277
/* PA0 WB(6), PA1 WC(1), PA2 UC-(7), PA3 UC(0), and again for PA4-7. */
#define PAT_VALUE 0x0007010600070106ULL

#define LEVEL_SHIFT(level) (PAGE_SHIFT + 9 * ((level) - 1))
#define LEVEL_SIZE(level)  (1ULL << LEVEL_SHIFT(level))

paddr_t kernel_root;            /* PML4 of the kernel's page tables */
static struct spinlock pt_lock = SPINLOCK_INIT("page_tables");
static uint64_t table_pages;    /* tables allocated by this file */

extern uint32_t boot_nx_enabled; /* boot/entry32.asm */

bool paging_nx_enabled(void)
{
	return boot_nx_enabled != 0;
}

static uint64_t *table_virt(uint64_t entry)
{
	return phys_to_virt(entry & PTE_ADDR_MASK);
}

static unsigned table_index(vaddr_t va, int level)
{
	return (va >> LEVEL_SHIFT(level)) & (ENTRIES - 1);
}

static bool is_canonical(vaddr_t va)
{
	return (uint64_t)((int64_t)(va << 16) >> 16) == va;
}

void paging_pat_init(void)
{
	if (cpu_has(X86_FEATURE_PAT))
		wrmsr(MSR_PAT, PAT_VALUE);
}

/* The leaf entry bits for flags; large for 2 MiB and 1 GiB pages. */
static uint64_t leaf_bits(unsigned flags, bool large)
{
	uint64_t e = PTE_P;

	if (flags & VM_WRITE)
		e |= PTE_W;
	if (flags & VM_USER)
		e |= PTE_U;
	if (flags & VM_GLOBAL)
		e |= PTE_G;
	if (!(flags & VM_EXEC) && paging_nx_enabled())
		e |= PTE_NX;
	if (flags & VM_CACHE_UC)
		e |= PTE_PCD | PTE_PWT;
	else if (flags & VM_CACHE_WC)
		e |= PTE_PWT;
	if (large)
		e |= PTE_PS;
	return e;
}

static unsigned leaf_flags(uint64_t e, int level)
{
	unsigned flags = 0;

	if (e & PTE_W)
		flags |= VM_WRITE;
	if (e & PTE_U)
		flags |= VM_USER;
	if (e & PTE_G)
		flags |= VM_GLOBAL;
	if (!(e & PTE_NX))
		flags |= VM_EXEC;
	if ((e & (PTE_PCD | PTE_PWT)) == (PTE_PCD | PTE_PWT))
		flags |= VM_CACHE_UC;
	else if (e & PTE_PWT)
		flags |= VM_CACHE_WC;
	if (level > 1)
		flags |= VM_LARGE;
	return flags;
}

static int table_new(uint64_t *entry, bool user)
{
	paddr_t pa = mm_table_alloc();

	if (!pa)
		return -ENOMEM;
	table_pages++;
	*entry = pa | PTE_P | PTE_W | (user ? PTE_U : 0);
	return 0;
}

/*
 * Replace the large page in *entry (at level 2 or 3) by a table of 512
 * entries one level down that map the same memory with the same rights.
 */
static int split_large(uint64_t *entry, int level)
{
	uint64_t old = *entry;
	uint64_t bits = old & PTE_FLAGS_MASK & ~PTE_PAT_LARGE;
	paddr_t base = old & PTE_ADDR_MASK & ~(LEVEL_SIZE(level) - 1);
	uint64_t child;

	if (table_new(&child, old & PTE_U) < 0)
		return -ENOMEM;
	uint64_t *t = table_virt(child);

	if (level - 1 == 1)
		bits &= ~PTE_PS; /* 4 KiB entries have no PS bit */
	for (unsigned i = 0; i < ENTRIES; i++)
		t[i] = (base + i * LEVEL_SIZE(level - 1)) | bits;
	WRITE_ONCE(*entry, child);
	return 0;
}

/*
 * The entry for va at level (1: 4 KiB, 2: 2 MiB, 3: 1 GiB). With create,
 * missing tables are made and large pages above level are split; without,
 * NULL is returned where the walk ends early (*found_level then says where
 * a large leaf was found, or 0 for a hole).
 */
static uint64_t *walk(vaddr_t va, int level, bool create, bool user, int *err,
		      int *found_level)
{
	uint64_t *table = phys_to_virt(kernel_root);

	*err = 0;
	for (int l = 4; l > level; l--) {
		uint64_t *e = &table[table_index(va, l)];

		if (!(*e & PTE_P)) {
			if (!create) {
				*found_level = 0;
				return NULL;
			}
			*err = table_new(e, user);
			if (*err)
				return NULL;
		} else if (*e & PTE_PS) {
			if (!create) {
				*found_level = l;
				return e;
			}
			*err = split_large(e, l);
			if (*err)
				return NULL;
		} else if (create && user && !(*e & PTE_U)) {
			/* A table made for kernel use (the boot stub's low
			 * tables): a user page below needs U at every level; the
			 * leaves still decide what is user-accessible. */
			WRITE_ONCE(*e, *e | PTE_U);
		}
		table = table_virt(*e);
	}
	*found_level = level;
	return &table[table_index(va, level)];
}

static int check_range(vaddr_t va, size_t size, size_t align)
{
	if (!size || !IS_ALIGNED(va, align) || !IS_ALIGNED(size, align))
		return -EINVAL;
	if (va + size - 1 < va || !is_canonical(va) || !is_canonical(va + size - 1))
		return -EINVAL;
	return 0;
}

static int translate_locked(vaddr_t va, paddr_t *pa, unsigned *flags)
{
	lockdep_assert_held(&pt_lock);

	int err, level;
	uint64_t *e = walk(va, 1, false, false, &err, &level);

	if (!e || !(*e & PTE_P))
		return -ENOENT;
	uint64_t mask = LEVEL_SIZE(level) - 1;

	*pa = ((*e & PTE_ADDR_MASK) & ~mask & ~(level > 1 ? PTE_PAT_LARGE : 0)) | (va & mask);
	*flags = leaf_flags(*e, level);
	return 0;
}

static int unmap_range(vaddr_t va, size_t size);

/*
 * True when nothing in [va, va + size) is mapped, checked in steps of the
 * page size of level: a present entry at that level (a leaf, or a table,
 * which unmap frees once empty) or a large leaf above it means mapped.
 */
static bool range_is_unmapped(vaddr_t va, size_t size, int level)
{
	for (size_t off = 0; off < size; off += LEVEL_SIZE(level)) {
		int err, found;
		uint64_t *e = walk(va + off, level, false, false, &err, &found);

		if (e && (found > level || (*e & PTE_P)))
			return false;
	}
	return true;
}

/*
 * Map without the "already mapped" check; on failure, undo what was done.
 * Large (2 MiB) or huge (1 GiB, direct map only) leaves when asked.
 */
static int map_pages(vaddr_t va, paddr_t pa, size_t size, unsigned flags, int level)
{
	size_t step = LEVEL_SIZE(level);
	uint64_t bits = leaf_bits(flags, level > 1);

	for (size_t off = 0; off < size; off += step) {
		int err, found;
		uint64_t *e = walk(va + off, level, true, flags & VM_USER, &err, &found);

		if (!e) {
			if (off)
				unmap_range(va, off); /* 4 KiB or whole leaves: cannot fail */
			return err;
		}
		WRITE_ONCE(*e, (pa + off) | bits);
	}
	return 0;
}

int paging_translate(vaddr_t va, paddr_t *pa, unsigned *flags)
{
	uint64_t irq = spin_lock_irqsave(&pt_lock);
	int err = translate_locked(va, pa, flags);

	spin_unlock_irqrestore(&pt_lock, irq);
	return err;
}

static int map_locked(vaddr_t va, paddr_t pa, size_t size, unsigned flags)
{
	lockdep_assert_held(&pt_lock);

	size_t align = (flags & VM_LARGE) ? LEVEL_SIZE(2) : PAGE_SIZE;
	int err = check_range(va, size, align);

	if (err)
		return err;
	if (!IS_ALIGNED(pa, align) || pa + size - 1 < pa || (pa & ~PTE_ADDR_MASK))
		return -EINVAL;

	int level = (flags & VM_LARGE) ? 2 : 1;

	if (!range_is_unmapped(va, size, level))
		return -EEXIST;
	/* Only entries that were not present change: no TLB flush (above). */
	return map_pages(va, pa, size, flags, level);
}

int paging_map(vaddr_t va, paddr_t pa, size_t size, unsigned flags)
{
	uint64_t irq = spin_lock_irqsave(&pt_lock);
	int err = map_locked(va, pa, size, flags);

	spin_unlock_irqrestore(&pt_lock, irq);
	return err;
}

int paging_map_huge(vaddr_t va, paddr_t pa, size_t size, unsigned flags)
{
	return map_pages(va, pa, size, flags, 3);
}

/*
 * Page-table pages an unmap emptied and unhooked, freed only after the TLB
 * flush (see the top of this file). They are linked through their first
 * entry: a page address has bit 0 (PTE_P) clear, so a walk that still
 * reaches the page through a stale paging-structure cache entry reads
 * "not present" there, as in the rest of the empty table.
 */
struct table_freelist {
	paddr_t head; /* 0: empty */
};

static void table_defer_free(struct table_freelist *fl, paddr_t pa)
{
	WRITE_ONCE(*(uint64_t *)phys_to_virt(pa), fl->head);
	fl->head = pa;
}

/* Free what table_defer_free collected. Call after tlb_flush_range. */
static void table_free_deferred(struct table_freelist *fl)
{
	while (fl->head) {
		paddr_t pa = fl->head;

		fl->head = *(uint64_t *)phys_to_virt(pa);
		mm_table_free(pa);
		table_pages--;
	}
}

/*
 * Unhook the table *entry points to if no entry in it is present, and
 * queue it on fl to be freed after the flush.
 * Return: true if it was unhooked (the caller may then look one level up).
 */
static bool unhook_if_empty(uint64_t *entry, struct table_freelist *fl)
{
	const uint64_t *t = table_virt(*entry);

	for (unsigned i = 0; i < ENTRIES; i++)
		if (t[i] & PTE_P)
			return false;
	paddr_t pa = *entry & PTE_ADDR_MASK;

	WRITE_ONCE(*entry, 0);
	table_defer_free(fl, pa);
	return true;
}

/*
 * Clear the leaf at va (a large page only when it lies entirely inside
 * [va, end), else it is split first), then unhook page tables (level 1)
 * and page directories (level 2) left empty, onto fl (unless fl is NULL:
 * a lazy unmap keeps the tables, see paging_unmap_lazy). Return: bytes from
 * va to the next possible leaf, or 0 with *err = -ENOMEM when a split
 * failed.
 */
static size_t unmap_one(vaddr_t va, vaddr_t end, struct table_freelist *fl, int *err)
{
	uint64_t *path[5] = { 0 }; /* path[l]: the entry used at level l */
	uint64_t *table = phys_to_virt(kernel_root);
	int l;

	*err = 0;
	for (l = 4; l >= 1; l--) {
		uint64_t *e = &table[table_index(va, l)];

		path[l] = e;
		if (!(*e & PTE_P))
			return LEVEL_SIZE(l) - (va & (LEVEL_SIZE(l) - 1));
		if (l == 1 || (*e & PTE_PS))
			break;
		table = table_virt(*e);
	}
	size_t size = LEVEL_SIZE(l);

	if (l > 1 && (!IS_ALIGNED(va, size) || end - va < size)) {
		*err = split_large(path[l], l);
		return *err ? 0 : unmap_one(va, end, fl, err);
	}
	WRITE_ONCE(*path[l], 0);
	/* The level-k table is referenced by path[k + 1]. PDPTs (level 3)
	 * stay: the PML4's kernel half will be shared by address spaces. */
	for (int k = l; fl && k <= 2; k++)
		if (!unhook_if_empty(path[k + 1], fl))
			break;
	return size;
}

/* Clear, flush every CPU, then free the emptied tables. Locks: pt_lock. */
static int unmap_range(vaddr_t va, size_t size)
{
	struct table_freelist fl = { 0 };
	int err = 0;

	for (vaddr_t p = va; p < va + size;) {
		size_t step = unmap_one(p, va + size, &fl, &err);

		if (err)
			break;
		if (p + step < p)
			break;
		p += step;
	}
	tlb_flush_range(va, size);
	table_free_deferred(&fl);
	return err;
}

int paging_unmap(vaddr_t va, size_t size)
{
	int err = check_range(va, size, PAGE_SIZE);

	if (err)
		return err;

	uint64_t irq = spin_lock_irqsave(&pt_lock);

	err = unmap_range(va, size);
	spin_unlock_irqrestore(&pt_lock, irq);
	return err;
}

/* ---- lazy unmap (for memory/vmalloc_lazy.c) ---- */

int paging_unmap_lazy(vaddr_t va, size_t size)
{
	int err = check_range(va, size, PAGE_SIZE);

	if (err)
		return err;

	uint64_t irq = spin_lock_irqsave(&pt_lock);

	for (vaddr_t p = va; p < va + size;) {
		size_t step = unmap_one(p, va + size, NULL, &err);

		if (err || p + step < p)
			break;
		p += step;
	}
	tlb_flush_range_here(va, size);
	spin_unlock_irqrestore(&pt_lock, irq);
	return err;
}

/* Unhook the page tables and directories left empty in [va, va + size) onto fl. */
static void reclaim_empty_tables(vaddr_t va, size_t size, struct table_freelist *fl)
{
	lockdep_assert_held(&pt_lock);

	const vaddr_t pd_size = LEVEL_SIZE(2);

	for (vaddr_t p = ALIGN_DOWN(va, pd_size); p < va + size && p >= ALIGN_DOWN(va, pd_size);
	     p += pd_size) {
		uint64_t *pml4e = &((uint64_t *)phys_to_virt(kernel_root))[table_index(p, 4)];

		if (!(*pml4e & PTE_P))
			continue;
		uint64_t *pdpte = &table_virt(*pml4e)[table_index(p, 3)];

		if (!(*pdpte & PTE_P) || (*pdpte & PTE_PS))
			continue;
		uint64_t *pde = &table_virt(*pdpte)[table_index(p, 2)];

		if (!(*pde & PTE_P) || (*pde & PTE_PS))
			continue;
		if (unhook_if_empty(pde, fl))
			unhook_if_empty(pdpte, fl); /* PDPTs stay: see unmap_one */
	}
}

void paging_purge_lazy(vaddr_t lo, vaddr_t hi,
		       bool (*next)(void *it, vaddr_t *va, size_t *size), void *it)
{
	struct table_freelist fl = { 0 };
	vaddr_t va;
	size_t size;
	uint64_t irq = spin_lock_irqsave(&pt_lock);

	while (next(it, &va, &size))
		reclaim_empty_tables(va, size, &fl);
	/* Under pt_lock: no table is hooked again under an address whose old
	 * table another CPU's paging-structure cache may still hold. */
	if (hi > lo)
		tlb_flush_range(lo, hi - lo);
	table_free_deferred(&fl);
	spin_unlock_irqrestore(&pt_lock, irq);
}

static int protect_locked(vaddr_t va, size_t size, unsigned flags)
{
	lockdep_assert_held(&pt_lock);

	int err = check_range(va, size, PAGE_SIZE);

	if (err)
		return err;
	for (size_t off = 0; off < size; off += PAGE_SIZE) {
		paddr_t pa;
		unsigned f;

		if (translate_locked(va + off, &pa, &f) < 0)
			return -ENOENT;
	}
	for (vaddr_t p = va; p < va + size;) {
		int found, level = 1;
		uint64_t *e = walk(p, 1, false, false, &err, &found);

		/* A large leaf wholly inside the range keeps its size. */
		if (e && found > 1 && IS_ALIGNED(p, LEVEL_SIZE(found)) &&
		    va + size - p >= LEVEL_SIZE(found)) {
			level = found;
		} else {
			e = walk(p, 1, true, flags & VM_USER, &err, &found);
			if (!e)
				break;
		}
		uint64_t addr = *e & PTE_ADDR_MASK & ~(level > 1 ? PTE_PAT_LARGE : 0);

		WRITE_ONCE(*e, addr | leaf_bits(flags, level > 1));
		p += LEVEL_SIZE(level);
	}
	tlb_flush_range(va, size);
	return err;
}

int paging_protect(vaddr_t va, size_t size, unsigned flags)
{
	uint64_t irq = spin_lock_irqsave(&pt_lock);
	int err = protect_locked(va, size, flags);

	spin_unlock_irqrestore(&pt_lock, irq);
	return err;
}

uint64_t paging_table_pages(void)
{
	return table_pages;
}

uint64_t paging_lookup(vaddr_t va, int *level)
{
	int err;
	uint64_t *e = walk(va, 1, false, false, &err, level);

	return (e && (*e & PTE_P)) ? *e : 0;
}

/*
 * Give every PML4 entry of the kernel half (256..511) a table, once, and
 * copy the 256 entries into the user PML4 at pml4: later kernel mappings
 * (vmalloc, ioremap) then appear in every address space without copying,
 * since these tables are never freed (unhook_if_empty keeps them).
 * Return: 0, -ENOMEM (pml4 untouched).
 */
int paging_share_kernel_half(uint64_t *pml4)
{
	uint64_t irq = spin_lock_irqsave(&pt_lock);
	uint64_t *root = phys_to_virt(kernel_root);
	int err = 0;

	for (unsigned i = ENTRIES / 2; i < ENTRIES && !err; i++)
		if (!(root[i] & PTE_P))
			err = table_new(&root[i], false);
	if (!err)
		memcpy(pml4 + ENTRIES / 2, root + ENTRIES / 2, ENTRIES / 2 * sizeof(*root));
	spin_unlock_irqrestore(&pt_lock, irq);
	return err;
}
