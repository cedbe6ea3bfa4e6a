// SPDX-License-Identifier: MIT
/*
 * The physical memory manager: from the boot memory map to the kernel's own
 * page tables and the buddy page allocator. mm_init() runs once at boot:
 *
 *  1. usable RAM = AVAILABLE entries of the memory map, minus every other
 *     entry type, minus the first MiB (BIOS data, and the real-mode page
 *     the SMP trampoline will need), the kernel image, the boot information
 *     and the modules (the initramfs must survive) — memory/memmap.c;
 *  2. an early allocator takes pages from the top of that RAM below 4 GiB,
 *     which the boot stub's direct map already covers;
 *  3. the kernel's page tables are built with those pages: the image W^X in
 *     4 KiB pages, the direct map of the first 4 GiB in 1 GiB pages (2 MiB
 *     without CPUID's pdpe1gb) and of RAM above 4 GiB, nothing else; CR3
 *     switches to them, and the boot stub's tables (identity map included)
 *     are dead;
 *  4. per-page metadata (struct page, 32 bytes per 4 KiB) for two zones,
 *     DMA32 (below 4 GiB) and NORMAL, and the rest of usable RAM goes to
 *     the buddy allocators (memory/buddy.c).
 *
 * Allocations try NORMAL first so that memory below 4 GiB stays available
 * for devices that can only address 32 bits (GFP_DMA32).
 *
 * Single pages, by far the most common request, go through a small cache
 * of recently freed pages (like Linux's per-CPU page lists): an order-0
 * alloc+free pair then costs a push and a pop instead of splitting a
 * 4 MiB block ten times and merging it back. The cache is filled and
 * drained in batches; its pages count as free. With SMP it becomes per-CPU.
 *
 * In the DEBUG build every freed block is filled with a poison and checked
 * when it is handed out again (memory/page_poison.c): a write to a page
 * after its free is reported instead of corrupting its next owner quietly.
 *
 * Locks: pmm_lock (IRQ-safe) guards the zones and the page cache; it is
 * the innermost lock of memory/ (the heap and page-table locks come first).
 */
#define pr_fmt(fmt) "mm: " fmt
#include <xdv/boot.h>
#include <xdv/cpufeature.h>
#include <xdv/rtc.h>
#include <xdv/errno.h>
#include <xdv/panic.h>
#include <xdv/printk.h>
#include <xdv/spinlock.h>
#include <xdv/string.h>
#include <xdv/arch/x86.h>
#include "internal.h"

#define USABLE_RANGES_MAX 64
#define LOW_RESERVED_END  0x100000ULL /* first MiB: never given out */
#define GIB               ((uint64_t)1 << 30)
#define MIB               ((uint64_t)1 << 20)

enum { ZONE_DMA32, ZONE_NORMAL, ZONES };

extern const char _boot_start[], _text_start[], _text_end[], _rodata_start[], _rodata_end[];
extern char _data_start[], _kernel_end[];

static struct phys_range usable[USABLE_RANGES_MAX];
static unsigned usable_count;
static struct buddy_zone zones[ZONES];
static bool buddy_ready;
static struct spinlock pmm_lock = SPINLOCK_INIT("pmm");

#define PAGE_CACHE_HIGH  64 /* drain down to PAGE_CACHE_BATCH above this */
#define PAGE_CACHE_BATCH 16 /* pages moved to or from the buddy at once */

/* Recently freed single pages, as a stack of physical addresses. */
static struct {
	paddr_t pages[PAGE_CACHE_HIGH];
	unsigned count;
} page_cache;
static uint64_t ram_bytes;      /* AVAILABLE RAM in the memory map */
static uint64_t early_pages;    /* taken by the early allocator */

/* ---- early allocator ----------------------------------------------------- */

/* pages contiguous pages from the top of the highest usable range below 4 GiB. */
static paddr_t early_alloc(uint64_t pages)
{
	uint64_t bytes = pages * PAGE_SIZE;

	for (unsigned i = usable_count; i-- > 0;) {
		struct phys_range *r = &usable[i];

		if (r->end > BOOT_DIRECT_MAP_SIZE || r->end - r->start < bytes)
			continue;
		r->end -= bytes;
		early_pages += pages;
		return r->end;
	}
	return 0;
}

paddr_t mm_table_alloc(void)
{
	if (buddy_ready)
		return pmm_alloc_pages(0, GFP_ZERO);

	paddr_t pa = early_alloc(1);

	if (pa)
		memset(phys_to_virt(pa), 0, PAGE_SIZE);
	return pa;
}

void mm_table_free(paddr_t pa)
{
	/* Early tables belong to the direct map and the image: never freed. */
	if (buddy_ready)
		pmm_free_pages(pa, 0);
}

/* ---- buddy zones ----------------------------------------------------------- */

static struct buddy_zone *zone_of(pfn_t pfn)
{
	for (unsigned z = 0; z < ZONES; z++)
		if (zones[z].npages && pfn >= zones[z].base_pfn &&
		    pfn - zones[z].base_pfn < zones[z].npages)
			return &zones[z];
	return NULL;
}

static paddr_t buddy_alloc_pages(unsigned order, gfp_t flags);
static void buddy_free_pages(struct buddy_zone *z, paddr_t pa, unsigned order);

static struct page *page_of(paddr_t pa)
{
	struct buddy_zone *z = zone_of(pa >> PAGE_SHIFT);

	return z ? buddy_pfn_to_page(z, pa >> PAGE_SHIFT) : NULL;
}

/*
 * A cached page is neither allocated nor a buddy-free head: PG_CACHED keeps
 * a second free of it (a double free) detectable, and keeps the buddy from
 * merging it away while it sits here.
 */
static void page_cache_push(paddr_t pa, struct page *p)
{
	p->flags = PG_CACHED;
	p->owner = NULL;
	page_cache.pages[page_cache.count++] = pa;
}

static paddr_t page_cache_pop(void)
{
	paddr_t pa = page_cache.pages[--page_cache.count];
	struct page *p = page_of(pa);

	p->flags = PG_ALLOCATED;
	p->order = 0;
	return pa;
}

static void page_cache_refill(void)
{
	while (page_cache.count < PAGE_CACHE_BATCH) {
		paddr_t pa = buddy_alloc_pages(0, 0);

		if (!pa)
			break;
		page_cache_push(pa, page_of(pa));
	}
}

static void page_cache_drain(unsigned keep)
{
	while (page_cache.count > keep) {
		paddr_t pa = page_cache_pop();

		buddy_free_pages(zone_of(pa >> PAGE_SHIFT), pa, 0);
	}
}

static paddr_t pmm_alloc_locked(unsigned order, gfp_t flags)
{
	lockdep_assert_held(&pmm_lock);

	if (order == 0 && !(flags & GFP_DMA32) && buddy_ready) {
		if (!page_cache.count)
			page_cache_refill();
		if (!page_cache.count)
			return 0;

		return page_cache_pop();
	}
	paddr_t pa = buddy_alloc_pages(order, flags);

	/* Out of blocks: the cached single pages may complete one. */
	if (!pa && page_cache.count) {
		page_cache_drain(0);
		pa = buddy_alloc_pages(order, flags);
	}
	return pa;
}

paddr_t pmm_alloc_pages(unsigned order, gfp_t flags)
{
	uint64_t irq = spin_lock_irqsave(&pmm_lock);
	paddr_t pa = pmm_alloc_locked(order, flags);

	spin_unlock_irqrestore(&pmm_lock, irq);
	/* Checking and zeroing need no lock: the pages are ours now. */
	if (IS_ENABLED(CONFIG_DEBUG) && pa)
		page_poison_check(pa, page_of(pa), order, __builtin_return_address(0));
	if (pa && (flags & GFP_ZERO))
		memset(phys_to_virt(pa), 0, PAGE_SIZE << order);
	return pa;
}

/* True when p heads a block allocated with this order (a free that is right). */
static bool page_is_allocated_head(const struct page *p, unsigned order)
{
	return (p->flags & PG_ALLOCATED) && !(p->flags & (PG_FREE | PG_RESERVED)) &&
	       p->order == order;
}

static void pmm_free_locked(paddr_t pa, unsigned order)
{
	lockdep_assert_held(&pmm_lock);

	struct buddy_zone *z = zone_of(pa >> PAGE_SHIFT);

	if (!z || !IS_ALIGNED(pa, PAGE_SIZE)) {
		pr_err("pmm_free_pages: 0x%lx is not a managed page\n", pa);
		return;
	}
	/* Poison only what is really being freed: a double free must not
	 * scribble on a page that has a new owner. */
	if (IS_ENABLED(CONFIG_DEBUG) && order <= BUDDY_MAX_ORDER &&
	    IS_ALIGNED(pa, PAGE_SIZE << order)) {
		struct page *p = buddy_pfn_to_page(z, pa >> PAGE_SHIFT);

		if (page_is_allocated_head(p, order))
			page_poison_fill(pa, p, order);
	}
	/* Only a single page that is really allocated enters the cache; the
	 * buddy reports everything else. */
	if (order == 0) {
		struct page *p = buddy_pfn_to_page(z, pa >> PAGE_SHIFT);

		if ((p->flags & PG_ALLOCATED) && p->order == 0) {
			if (page_cache.count == PAGE_CACHE_HIGH)
				page_cache_drain(PAGE_CACHE_HIGH - PAGE_CACHE_BATCH);
			page_cache_push(pa, p);
			return;
		}
	}
	buddy_free_pages(z, pa, order);
}

void pmm_free_pages(paddr_t pa, unsigned order)
{
	uint64_t irq = spin_lock_irqsave(&pmm_lock);

	pmm_free_locked(pa, order);
	spin_unlock_irqrestore(&pmm_lock, irq);
}

static paddr_t buddy_alloc_pages(unsigned order, gfp_t flags)
{
	struct page *p = NULL;
	int z = (flags & GFP_DMA32) ? ZONE_DMA32 : ZONE_NORMAL;

	if (!buddy_ready)
		return 0;
	for (; z >= 0 && !p; z--)
		if (zones[z].npages)
			p = buddy_alloc(&zones[z], order);
	if (!p)
		return 0;

	return buddy_page_to_pfn(&zones[z + 1], p) << PAGE_SHIFT;
}

/* Return a block to zone z's buddy allocator, reporting a refused free. */
static void buddy_free_pages(struct buddy_zone *z, paddr_t pa, unsigned order)
{
	uint64_t bad = z->bad_frees;

	buddy_free(z, buddy_pfn_to_page(z, pa >> PAGE_SHIFT), order);
	if (z->bad_frees != bad)
		pr_err("pmm_free_pages: refused 0x%lx order %u (not allocated, or another order)\n",
		       pa, order);
}

void pmm_get_stats(struct pmm_stats *out)
{
	uint64_t irq = spin_lock_irqsave(&pmm_lock);

	*out = (struct pmm_stats){ 0 };
	for (unsigned z = 0; z < ZONES; z++) {
		out->total_pages += zones[z].managed_pages;
		out->free_pages += zones[z].free_pages;
	}
	out->free_pages += page_cache.count;
	spin_unlock_irqrestore(&pmm_lock, irq);
	out->poison_errors = page_poison_errors();
	out->kernel_pages = (ram_bytes >> PAGE_SHIFT) - out->free_pages;
}

/* The slab allocator's view of the page allocator. */
void *slab_backend_alloc(unsigned order)
{
	paddr_t pa = pmm_alloc_pages(order, 0);

	return pa ? phys_to_virt(pa) : NULL;
}

void slab_backend_free(void *addr, unsigned order)
{
	pmm_free_pages(virt_to_phys(addr), order);
}

struct page *slab_backend_page(const void *addr)
{
	pfn_t pfn = virt_to_phys(addr) >> PAGE_SHIFT;
	struct buddy_zone *z = zone_of(pfn);

	return z ? buddy_pfn_to_page(z, pfn) : NULL;
}

/* ---- setup ---------------------------------------------------------------- */

/*
 * Without a memory map from the loader, fall back to what else describes
 * RAM, as old kernels did: the loader's basic meminfo (RAM from 1 MiB up
 * to the first hole), else the BIOS's CMOS memory-size registers (0x34/35:
 * 64 KiB blocks above 16 MiB; 0x30/31: KiB above 1 MiB). Only that low
 * contiguous RAM is used: anything beyond is unknown.
 * Return: number of entries written to map (0 or 1).
 */
static unsigned fallback_memory_map(struct boot_mmap_entry *map)
{
	uint64_t end = 0;
	const char *source = NULL;

	if (boot_info.has_basic_meminfo && boot_info.mem_upper_kib) {
		end = MIB + ((uint64_t)boot_info.mem_upper_kib << 10);
		source = "the loader's basic meminfo";
	} else {
		uint64_t above16 = cmos_read(0x34) | (uint64_t)cmos_read(0x35) << 8;
		uint64_t above1 = cmos_read(0x30) | (uint64_t)cmos_read(0x31) << 8;

		if (above16)
			end = 16 * MIB + (above16 << 16);
		else if (above1)
			end = MIB + (above1 << 10);
		source = "the CMOS memory size";
	}
	if (end <= MIB)
		return 0;
	*map = (struct boot_mmap_entry){ .base = MIB, .length = end - MIB,
					 .type = BOOT_MMAP_AVAILABLE };
	pr_warn("no memory map from the loader: using %s, %lu MiB from 1 MiB\n", source,
		(end - MIB) / MIB);
	return 1;
}

/* Usable RAM from the memory map, split at 4 GiB (the zone boundary). */
static int find_usable_ram(void)
{
	struct phys_range reserved[2 + BOOT_MODULES_MAX];
	unsigned nres = 0;

	reserved[nres++] = (struct phys_range){ 0, LOW_RESERVED_END };
	/* _boot_start is linked at its physical address (linker.ld). */
	reserved[nres++] = (struct phys_range){ (uintptr_t)_boot_start,
						(uintptr_t)_kernel_end - KERNEL_VMA };
	if (boot_info.info_size)
		reserved[nres++] = (struct phys_range){ boot_info.info_phys,
							boot_info.info_phys + boot_info.info_size };
	for (unsigned i = 0; i < boot_info.module_count && nres < ARRAY_SIZE(reserved); i++)
		reserved[nres++] = (struct phys_range){ boot_info.modules[i].start,
							boot_info.modules[i].end };

	uint64_t max_phys = 1ULL << MIN(cpu_info()->phys_addr_bits, 52u);
	const struct boot_mmap_entry *map = boot_info.mmap;
	unsigned map_count = boot_info.mmap_count;
	struct boot_mmap_entry fallback;

	if (!map_count) {
		map = &fallback;
		map_count = fallback_memory_map(&fallback);
	}
	int n = memmap_usable(map, map_count, reserved, nres, max_phys, usable,
			      USABLE_RANGES_MAX - 1);

	if (n == -E2BIG) {
		pr_warn("more than %d usable RAM ranges; the rest is ignored\n",
			USABLE_RANGES_MAX - 1);
		n = USABLE_RANGES_MAX - 1;
	}
	if (n < 0)
		return n;
	usable_count = (unsigned)n;

	for (unsigned i = 0; i < map_count; i++)
		if (map[i].type == BOOT_MMAP_AVAILABLE && map[i].base < max_phys)
			ram_bytes += MIN(map[i].length, max_phys - map[i].base);

	/* Split a range that straddles 4 GiB (there is room: max - 1 above). */
	for (unsigned i = 0; i < usable_count; i++) {
		struct phys_range *r = &usable[i];

		if (r->start < BOOT_DIRECT_MAP_SIZE && r->end > BOOT_DIRECT_MAP_SIZE) {
			memmove(r + 2, r + 1, (usable_count - i - 1) * sizeof(*r));
			r[1] = (struct phys_range){ BOOT_DIRECT_MAP_SIZE, r->end };
			r->end = BOOT_DIRECT_MAP_SIZE;
			usable_count++;
			break;
		}
	}
	return 0;
}

/* Map [start, end) of physical memory in the direct map, largest pages first. */
static int direct_map(paddr_t start, paddr_t end, bool huge_ok)
{
	unsigned flags = VM_WRITE | VM_GLOBAL;
	int err = 0;

	while (start < end && !err) {
		vaddr_t va = (vaddr_t)phys_to_virt(start);

		if (huge_ok && IS_ALIGNED(start, GIB) && end - start >= GIB) {
			err = paging_map_huge(va, start, GIB, flags);
			start += GIB;
		} else if (IS_ALIGNED(start, 2 * MIB) && end - start >= 2 * MIB) {
			err = paging_map(va, start, 2 * MIB, flags | VM_LARGE);
			start += 2 * MIB;
		} else {
			err = paging_map(va, start, PAGE_SIZE, flags);
			start += PAGE_SIZE;
		}
	}
	return err;
}

static int map_image_segment(const void *start, const void *end, unsigned flags)
{
	vaddr_t va = (vaddr_t)start;

	return paging_map(va, va - KERNEL_VMA, (vaddr_t)end - va, flags | VM_GLOBAL);
}

/* Build the kernel's page tables and switch CR3 to them. */
static int build_kernel_tables(void)
{
	paddr_t root = mm_table_alloc();
	bool huge = cpu_has(X86_FEATURE_PDPE1GB);
	int err;

	if (!root)
		return -ENOMEM;
	kernel_root = root;
	err = map_image_segment(_text_start, _text_end, VM_EXEC);
	if (!err)
		err = map_image_segment(_rodata_start, _rodata_end, 0);
	if (!err)
		err = map_image_segment(_data_start, _kernel_end, VM_WRITE);
	if (!err)
		err = direct_map(0, BOOT_DIRECT_MAP_SIZE, huge);
	for (unsigned i = 0; i < usable_count && !err; i++)
		if (usable[i].start >= BOOT_DIRECT_MAP_SIZE)
			err = direct_map(usable[i].start, usable[i].end, huge);
	if (err)
		return err;
	write_cr3(root);
	pr_info("page tables: kernel image W^X in 4 KiB pages, direct map with %s pages\n",
		huge ? "1 GiB" : "2 MiB");
	return 0;
}

/* Metadata and buddy allocator for the frames [lo, hi) of zone z. */
static int zone_setup(unsigned z, const char *name, pfn_t lo, pfn_t hi)
{
	if (hi <= lo)
		return 0;

	uint64_t npages = hi - lo;
	uint64_t meta_pages = ALIGN_UP(npages * sizeof(struct page), PAGE_SIZE) >> PAGE_SHIFT;
	paddr_t meta = early_alloc(meta_pages);

	if (!meta)
		return -ENOMEM;
	buddy_zone_init(&zones[z], name, phys_to_virt(meta), lo, npages, (uint8_t)z);
	return 0;
}

void mm_init(void)
{
	int err;

	kernel_root = read_cr3() & PTE_ADDR_MASK;
	paging_pat_init();
	if (find_usable_ram() < 0 || usable_count == 0) {
		pr_err("no usable RAM in the boot memory map; running without a page allocator\n");
		return;
	}
	err = build_kernel_tables();
	if (err)
		panic("mm: cannot build the kernel's page tables (%d)", err);

	/* Each zone's metadata spans its lowest to its highest usable frame
	 * (ranges never straddle 4 GiB: find_usable_ram split them). */
	pfn_t lo[ZONES] = { ~0ULL, ~0ULL }, hi[ZONES] = { 0, 0 };

	for (unsigned i = 0; i < usable_count; i++) {
		unsigned z = usable[i].start >= BOOT_DIRECT_MAP_SIZE ? ZONE_NORMAL : ZONE_DMA32;

		lo[z] = MIN(lo[z], usable[i].start >> PAGE_SHIFT);
		hi[z] = MAX(hi[z], usable[i].end >> PAGE_SHIFT);
	}
	err = zone_setup(ZONE_DMA32, "DMA32", lo[ZONE_DMA32], hi[ZONE_DMA32]);
	if (!err)
		err = zone_setup(ZONE_NORMAL, "Normal", lo[ZONE_NORMAL], hi[ZONE_NORMAL]);
	if (err) {
		pr_err("no room for the page metadata; running without a page allocator\n");
		return;
	}
	/* What the early allocator did not take is free RAM. */
	for (unsigned i = 0; i < usable_count; i++) {
		pfn_t first = usable[i].start >> PAGE_SHIFT;
		pfn_t last = usable[i].end >> PAGE_SHIFT;
		struct buddy_zone *z = zone_of(first);

		if (z && last > first)
			buddy_free_range(z, first, last - first);
	}
	buddy_ready = true;

	cpu_protection_init();
	slab_init();
	vmalloc_init();

	struct pmm_stats st;

	pmm_get_stats(&st);
	pr_info("%lu MiB RAM in %u ranges; %lu MiB free; zones DMA32 %lu MiB, Normal %lu MiB\n",
		ram_bytes / MIB, usable_count, (st.free_pages << PAGE_SHIFT) / MIB,
		(zones[ZONE_DMA32].managed_pages << PAGE_SHIFT) / MIB,
		(zones[ZONE_NORMAL].managed_pages << PAGE_SHIFT) / MIB);
}
