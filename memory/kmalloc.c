// SPDX-License-Identifier: MIT
/*
 * kmalloc: the general-purpose kernel heap. Requests up to
 * KMALLOC_MAX_SLAB_SIZE bytes go to one of twelve size classes, each a slab
 * cache (slab.c): 8, 16, 32, 64, 96, 128, 192, 256, 512, 1024, 2048, 4096.
 * An object of a class is aligned to the largest power of two dividing the
 * class size, so power-of-two requests get natural alignment up to 4 KiB and
 * every object is at least 8-byte aligned. Larger requests take a naturally
 * aligned block of 2^order whole pages straight from the backend, marked
 * PG_LARGE with its order on the first page.
 *
 * kfree() needs no size: the struct page of the address says whether it is
 * a slab object (PG_SLAB: the owner is the slab, which knows its cache) or a
 * large block (PG_LARGE); anything else is reported and ignored. kfree() of
 * an object of a named cache is accepted as well.
 *
 * GFP_DMA32 is refused (NULL): the backend cannot promise low pages, and
 * silently ignoring the flag would hand a device memory it cannot reach.
 * Use pmm_alloc_pages() for DMA buffers.
 *
 * Locks: none here; each class's cache will have its own (see slab.c).
 */
#include "slab.h"

#include <xdv/string.h>

static const uint16_t kmalloc_sizes[] = {
	8, 16, 32, 64, 96, 128, 192, 256, 512, 1024, 2048, 4096,
};
static const char *const kmalloc_names[] = {
	"kmalloc-8", "kmalloc-16", "kmalloc-32", "kmalloc-64",
	"kmalloc-96", "kmalloc-128", "kmalloc-192", "kmalloc-256",
	"kmalloc-512", "kmalloc-1k", "kmalloc-2k", "kmalloc-4k",
};
#define KMALLOC_CLASSES ARRAY_SIZE(kmalloc_sizes)

static_assert(ARRAY_SIZE(kmalloc_names) == KMALLOC_CLASSES, "one name per class");
static_assert(KMALLOC_MAX_SLAB_SIZE == 4096, "the class table ends at 4 KiB");

/* The class of sizes 1..192, indexed by (size - 1) / 8. */
static const uint8_t kmalloc_small_index[24] = {
	0, 1, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4,
	5, 5, 5, 5, 6, 6, 6, 6, 6, 6, 6, 6,
};

static struct kmem_cache kmalloc_caches[KMALLOC_CLASSES];

/* ceil(log2(n)) for n >= 1. */
static unsigned kmalloc_ceil_log2(size_t n)
{
	return n <= 1 ? 0 : 64 - __builtin_clzl(n - 1);
}

/* The class index of size, 1 <= size <= KMALLOC_MAX_SLAB_SIZE. */
static unsigned kmalloc_index(size_t size)
{
	if (size <= 192)
		return kmalloc_small_index[(size - 1) / 8];
	/* 193..256 -> 7, 257..512 -> 8, ..., 2049..4096 -> 11 */
	return kmalloc_ceil_log2(size) - 1;
}

void kmalloc_init(void)
{
	for (unsigned i = 0; i < KMALLOC_CLASSES; i++) {
		size_t size = kmalloc_sizes[i];

		/* Cannot fail: fixed sizes well within the limits. */
		(void)slab_cache_setup(&kmalloc_caches[i], kmalloc_names[i], size,
				       size & -size, true);
	}
}

/* 2^order pages for a request above the slab classes, or NULL. */
static void *kmalloc_large(size_t size, gfp_t flags)
{
	unsigned order;
	struct page *page;
	void *p;

	if (size > (PAGE_SIZE << BUDDY_MAX_ORDER))
		return NULL;
	order = kmalloc_ceil_log2((size + PAGE_SIZE - 1) / PAGE_SIZE);
	p = slab_backend_alloc(order);
	if (!p)
		return NULL;
	page = slab_backend_page(p);
	page->flags |= PG_LARGE;
	page->order = order;
	if (flags & GFP_ZERO)
		memset(p, 0, PAGE_SIZE << order);
	return p;
}

/* always_inline: kmalloc() is then the class lookup and a jump to slab_alloc(). */
static inline __attribute__((always_inline)) void *
kmalloc_caller(size_t size, gfp_t flags, const void *caller)
{
	if (unlikely(size == 0 || (flags & GFP_DMA32)))
		return NULL;
	uint64_t irq = slab_lock();
	void *p;

	if (likely(size <= KMALLOC_MAX_SLAB_SIZE))
		p = slab_alloc(&kmalloc_caches[kmalloc_index(size)], flags, caller);
	else
		p = kmalloc_large(size, flags);
	slab_unlock(irq);
	return p;
}

/*
 * size bytes of heap (see <xdv/mm.h>), zeroed with GFP_ZERO.
 * Context: any (never sleeps). Return: the block, or NULL for size 0,
 * GFP_DMA32, or no memory.
 */
void *kmalloc(size_t size, gfp_t flags)
{
	return kmalloc_caller(size, flags, __builtin_return_address(0));
}

/* kmalloc() with GFP_ZERO. */
void *kzalloc(size_t size, gfp_t flags)
{
	return kmalloc_caller(size, flags | GFP_ZERO, __builtin_return_address(0));
}

/* n * size zeroed bytes. Return: NULL when the product overflows. */
void *kcalloc(size_t n, size_t size, gfp_t flags)
{
	size_t total;

	if (__builtin_mul_overflow(n, size, &total))
		return NULL;
	return kmalloc_caller(total, flags | GFP_ZERO, __builtin_return_address(0));
}

/*
 * Free a block from kmalloc/kzalloc/kcalloc (or an object of a named
 * cache). NULL does nothing; a pointer that is not a live heap block is
 * reported through slab_report_bad_free() and ignored. Context: any.
 */
static void kfree_locked(const void *ptr, const void *caller)
{
	struct page *page = slab_backend_page(ptr);

	if (likely(page && (page->flags & PG_SLAB))) {
		struct slab *slab = page->owner;

		if (unlikely(slab->cache->internal))
			slab_report_bad_free("not a heap object", ptr, caller);
		else
			slab_free(slab, ptr, caller);
		return;
	}
	if (!page || !(page->flags & PG_LARGE)) {
		slab_report_bad_free("not a heap object", ptr, caller);
		return;
	}
	if (!IS_ALIGNED((uintptr_t)ptr, PAGE_SIZE)) {
		slab_report_bad_free("not the start of a heap object", ptr, caller);
		return;
	}
	page->flags &= ~PG_LARGE;
	slab_backend_free((void *)ptr, page->order);
}

void kfree(const void *ptr)
{
	if (!ptr)
		return;

	uint64_t irq = slab_lock();

	kfree_locked(ptr, __builtin_return_address(0));
	slab_unlock(irq);
}

/*
 * The usable size of a live kmalloc block (the class size, or the whole
 * pages of a large block); 0 for NULL or a pointer that is no heap block.
 */
static size_t ksize_locked(const void *ptr)
{
	struct page *page = slab_backend_page(ptr);
	struct slab *slab;

	if (!page)
		return 0;
	if (page->flags & PG_LARGE)
		return IS_ALIGNED((uintptr_t)ptr, PAGE_SIZE) ? PAGE_SIZE << page->order : 0;
	if (!(page->flags & PG_SLAB))
		return 0;
	slab = page->owner;
	if (slab->cache->internal ||
	    !slab_slot_of(slab->cache, slab, ptr, slab->cache->obj_offset))
		return 0;
	return slab->cache->object_size;
}

size_t ksize(const void *ptr)
{
	if (!ptr)
		return 0;

	uint64_t irq = slab_lock();
	size_t size = ksize_locked(ptr);

	slab_unlock(irq);
	return size;
}
