// SPDX-License-Identifier: MIT
/*
 * The slab allocator: caches of equal-sized objects carved out of slabs,
 * runs of 2^order naturally aligned pages from the backend (the buddy
 * allocator through the direct map, or a fake in host tests). kmalloc.c
 * builds the general-purpose heap on top of it; slab_debug.c adds red zones
 * and poisoning to caches set up in debug mode.
 *
 * Slots and free list. A slab is cut into objs_per_slab slots of slot_size
 * bytes from its first byte on, so objects whose size is a power of two up
 * to the page size are naturally aligned. A free slot holds the link to the
 * next free slot in its first 8 bytes; a release cache has no other
 * per-object overhead (slot_size is the size rounded up to the alignment).
 * A debug cache puts a struct slab_debug_meta there instead, then a red zone,
 * the object, and a red zone to the end of the slot.
 *
 * Slab headers. Small slots (below SLAB_OFFSLAB_MIN) keep the header in the
 * last bytes of the slab itself: it costs at most one slot and needs no
 * allocation. Large slots take their header from slab_header_cache (itself
 * an on-slab cache), so that a slab of 512..4096-byte objects is exactly
 * 2^order of them with nothing lost. Every page of a slab is marked PG_SLAB
 * with owner = header, so any address inside maps back to its slab in O(1).
 *
 * Slab lists. Each cache keeps a list of slabs with a free slot (allocation
 * takes from the first) and a list of full ones. A slab that empties stays
 * where it is, up to SLAB_EMPTY_KEEP empty slabs per cache, so that a cache
 * going back and forth between 0 and 1 objects moves no slab at all;
 * beyond that it goes straight back to the backend, and slab_trim() returns
 * the kept ones too. Allocation and free are O(1) apart from making or
 * releasing a slab.
 *
 * Bad frees. A pointer outside any slab page, not at the start of a slot,
 * of another cache, or (release caches) equal to the head of the free list
 * is reported through slab_report_bad_free() and ignored, and so is kfree()
 * of the heap's own objects (slab headers, cache descriptors). Debug caches also
 * catch every double free and check red zones and poison (slab_debug.c).
 *
 * State. No globals besides the caches themselves, the list of caches, and
 * the debug default. Locks: one heap lock (slab_lock()/slab_unlock(), an
 * IRQ-safe spinlock in the kernel, nothing in host tests) around every
 * public entry point, held across the backend calls; lock order: the heap
 * lock, then the page allocator's. Per-cache locks can replace it when
 * contention shows in the benchmarks.
 */
#include "slab.h"

#include <xdv/errno.h>
#include <xdv/string.h>

/* Slots of this size and more keep their slab header off the slab. */
#define SLAB_OFFSLAB_MIN 512
/* A slab is at most 2^SLAB_MAX_ORDER pages; objects are at most 64 KiB. */
#define SLAB_MAX_ORDER   5
#define SLAB_MAX_OBJECT  (64 * 1024)
/* Slab size goal: this many objects and at most 1/SLAB_WASTE_DIV wasted. */
#define SLAB_MIN_OBJS    8
#define SLAB_WASTE_DIV   8
/* Empty slabs a cache keeps for the next allocation. */
#define SLAB_EMPTY_KEEP  1
/*
 * Slot index = (offset * slot_recip) >> SLAB_RECIP_SHIFT, exact for every
 * offset below 2^17 (the largest slab) and slot size below 2^17: the error
 * of the rounded-up reciprocal stays below offset * slot_size < 2^34.
 */
#define SLAB_RECIP_SHIFT 40

static_assert((PAGE_SIZE << SLAB_MAX_ORDER) <= (1ul << 17), "recip exactness");
static_assert(sizeof(struct slab_debug_meta) % 16 == 0, "meta keeps alignment");

static bool slab_ready;
static bool slab_debug_default = IS_ENABLED(CONFIG_DEBUG);
static struct kmem_cache *slab_cache_list;

/* Headers of off-slab slabs, and the struct kmem_cache of created caches. */
static struct kmem_cache slab_header_cache;
static struct kmem_cache slab_cache_cache;

/* ---- slab lists -------------------------------------------------------- */

static struct slab_list *slab_list_of(struct kmem_cache *cache, uint32_t id)
{
	return id == SLAB_LIST_FULL ? &cache->full : &cache->partial;
}

static void slab_list_add(struct kmem_cache *cache, struct slab *slab, uint32_t id)
{
	struct slab_list *list = slab_list_of(cache, id);

	slab->prev = NULL;
	slab->next = list->first;
	if (list->first)
		list->first->prev = slab;
	list->first = slab;
	list->count++;
	slab->list = id;
}

static void slab_list_del(struct kmem_cache *cache, struct slab *slab)
{
	struct slab_list *list = slab_list_of(cache, slab->list);

	if (slab->prev)
		slab->prev->next = slab->next;
	else
		list->first = slab->next;
	if (slab->next)
		slab->next->prev = slab->prev;
	list->count--;
	slab->list = 0;
}

static void slab_list_move(struct kmem_cache *cache, struct slab *slab, uint32_t id)
{
	slab_list_del(cache, slab);
	slab_list_add(cache, slab, id);
}

/* ---- cache layout ------------------------------------------------------ */

/*
 * The smallest order that holds SLAB_MIN_OBJS slots with at most
 * 1/SLAB_WASTE_DIV of the slab wasted; failing that, the order that wastes
 * the smallest fraction. Return: false when not even one slot fits.
 */
static bool slab_pick_order(struct kmem_cache *cache)
{
	size_t best_waste = 0, best_bytes = 0;
	bool found = false;

	for (unsigned order = 0; order <= SLAB_MAX_ORDER; order++) {
		size_t bytes = PAGE_SIZE << order;
		size_t usable = bytes - (cache->offslab ? 0 : sizeof(struct slab));
		size_t n = usable / cache->slot_size;
		size_t waste = bytes - n * cache->slot_size;

		if (n == 0)
			continue;
		if (n >= SLAB_MIN_OBJS && waste * SLAB_WASTE_DIV <= bytes) {
			cache->order = order;
			cache->objs_per_slab = n;
			return true;
		}
		if (!found || waste * best_bytes < best_waste * bytes) {
			found = true;
			best_waste = waste;
			best_bytes = bytes;
			cache->order = order;
			cache->objs_per_slab = n;
		}
	}
	return found;
}

/*
 * Lay cache out for objects of size bytes aligned to align (0: 8) and link
 * it into the list of caches. name is kept, not copied. Context: any.
 * Return: 0, or -EINVAL when the size or alignment is out of range.
 */
int slab_cache_setup(struct kmem_cache *cache, const char *name, size_t size,
		     size_t align, bool builtin)
{
	size_t slot;

	if (size == 0 || size > SLAB_MAX_OBJECT || align > PAGE_SIZE ||
	    (align & (align - 1)))
		return -EINVAL;
	align = MAX(align, (size_t)8);

	memset(cache, 0, sizeof(*cache));
	cache->name = name;
	cache->object_size = size;
	cache->align = align;
	cache->debug = slab_debug_default;
	cache->builtin = builtin;
	if (cache->debug) {
		cache->obj_offset = ALIGN_UP(sizeof(struct slab_debug_meta) +
					     SLAB_RED_ZONE_MIN, align);
		slot = ALIGN_UP(cache->obj_offset + size + SLAB_RED_ZONE_MIN, align);
	} else {
		slot = ALIGN_UP(size, align);
	}
	cache->slot_size = slot;
	cache->offslab = slot >= SLAB_OFFSLAB_MIN;
	if (!slab_pick_order(cache))
		return -EINVAL;
	cache->slot_recip = ((1ull << SLAB_RECIP_SHIFT) + slot - 1) / slot;

	cache->next_cache = slab_cache_list;
	slab_cache_list = cache;
	return 0;
}

/* ---- slabs ------------------------------------------------------------- */

/* The slab whose pages hold addr, or NULL. Context: any. */
struct slab *slab_find(const void *addr)
{
	struct page *page = slab_backend_page(addr);

	if (!page || !(page->flags & PG_SLAB))
		return NULL;
	return page->owner;
}

/*
 * The slot of slab that begins offset_in_slot bytes before addr. O(1): a
 * multiplication by the reciprocal instead of a division.
 * Return: the slot, or NULL when addr is not exactly there in any slot.
 */
void *slab_slot_of(const struct kmem_cache *cache, const struct slab *slab,
		   const void *addr, size_t offset_in_slot)
{
	uint64_t off = (uintptr_t)addr - (uintptr_t)slab->base - offset_in_slot;
	uint64_t idx = (off * cache->slot_recip) >> SLAB_RECIP_SHIFT;

	if (off >= (uint64_t)cache->objs_per_slab * cache->slot_size ||
	    idx * cache->slot_size != off)
		return NULL;
	return slab->base + off;
}

static void slab_mark_pages(struct kmem_cache *cache, char *base, struct slab *owner)
{
	for (size_t i = 0; i < (1ul << cache->order); i++) {
		struct page *page = slab_backend_page(base + i * PAGE_SIZE);

		if (owner)
			page->flags |= PG_SLAB;
		else
			page->flags &= ~PG_SLAB;
		page->owner = owner;
	}
}

/* A new slab on the partial list, or NULL when the backend is out of pages. */
/* Pages held by all slabs, for /proc/meminfo's Slab line. */
static uint64_t slab_pages_total;

uint64_t kmem_slab_pages(void)
{
	return __atomic_load_n(&slab_pages_total, __ATOMIC_RELAXED);
}

static struct slab *slab_new(struct kmem_cache *cache)
{
	char *base = slab_backend_alloc(cache->order);
	struct slab *slab;

	if (!base)
		return NULL;
	if (cache->offslab) {
		slab = slab_alloc(&slab_header_cache, GFP_KERNEL, NULL);
		if (!slab) {
			slab_backend_free(base, cache->order);
			return NULL;
		}
	} else {
		slab = (struct slab *)(base + slab_bytes(cache) - sizeof(*slab));
	}

	slab->cache = cache;
	slab->base = base;
	slab->inuse = 0;
	slab->freelist = base;
	for (uint32_t i = 0; i < cache->objs_per_slab; i++) {
		char *slot = base + (size_t)i * cache->slot_size;
		bool last = i + 1 == cache->objs_per_slab;

		*(void **)slot = last ? NULL : slot + cache->slot_size;
	}
	if (cache->debug)
		slab_debug_init_slab(cache, slab);
	slab_mark_pages(cache, base, slab);
	slab_list_add(cache, slab, SLAB_LIST_PARTIAL);
	cache->slabs++;
	__atomic_fetch_add(&slab_pages_total, 1ull << cache->order, __ATOMIC_RELAXED);
	return slab;
}

/* Give an empty slab (on no list) back to the backend. */
static void slab_release(struct kmem_cache *cache, struct slab *slab)
{
	char *base = slab->base;

	slab_mark_pages(cache, base, NULL);
	if (cache->offslab)
		slab_free(slab_find(slab), slab, NULL);
	slab_backend_free(base, cache->order);
	cache->slabs--;
	__atomic_fetch_sub(&slab_pages_total, 1ull << cache->order, __ATOMIC_RELAXED);
}

/* Release the empty slabs of cache beyond keep. */
static void slab_cache_shrink(struct kmem_cache *cache, uint64_t keep)
{
	struct slab *slab = cache->partial.first, *next;

	for (; slab && cache->nr_empty > keep; slab = next) {
		next = slab->next;
		if (slab->inuse)
			continue;
		slab_list_del(cache, slab);
		cache->nr_empty--;
		slab_release(cache, slab);
	}
}

/* ---- objects ----------------------------------------------------------- */

/*
 * A new slab for a cache with none free: on the partial list, counted
 * empty. Return: the slab, or NULL. noinline, like the other slow paths
 * below: it keeps their registers out of the fast paths.
 */
static __attribute__((noinline)) struct slab *slab_refill(struct kmem_cache *cache)
{
	struct slab *slab;

	if (unlikely(!slab_ready))
		slab_init();
	slab = slab_new(cache);
	if (slab)
		cache->nr_empty++;
	return slab;
}

static __attribute__((noinline)) void slab_became_full(struct kmem_cache *cache,
							 struct slab *slab)
{
	slab_list_move(cache, slab, SLAB_LIST_FULL);
}

/* One empty slab more than the cache keeps: give slab back. */
static __attribute__((noinline)) void slab_release_empty(struct kmem_cache *cache,
							   struct slab *slab)
{
	slab_list_del(cache, slab);
	cache->nr_empty--;
	slab_release(cache, slab);
}

/* Take slot, the head of slab's free list. */
static inline void slab_pop(struct kmem_cache *cache, struct slab *slab, void **slot)
{
	slab->freelist = *slot;
	cache->active_objects++;
	if (unlikely(slab->inuse++ == 0))
		cache->nr_empty--;
	if (unlikely(slab->inuse == cache->objs_per_slab))
		slab_became_full(cache, slab);
}

/* slab_alloc() when there is no free slot, the cache checks, or GFP_ZERO. */
static __attribute__((noinline)) void *slab_alloc_slow(struct kmem_cache *cache,
							 gfp_t flags, const void *caller)
{
	struct slab *slab;
	void **slot;
	char *obj;

again:
	slab = cache->partial.first;
	if (!slab && !(slab = slab_refill(cache)))
		return NULL;
	slot = slab->freelist;
	if (cache->debug && !slab_debug_alloc(cache, slab, slot, caller)) {
		/* The free list is broken: keep the slab off-limits for good. */
		if (slab->inuse == 0)
			cache->nr_empty--;
		slab->freelist = NULL;
		slab->inuse = cache->objs_per_slab;
		slab_became_full(cache, slab);
		goto again;
	}
	slab_pop(cache, slab, slot);
	obj = (char *)slot + cache->obj_offset;
	if (flags & GFP_ZERO)
		memset(obj, 0, cache->object_size);
	return obj;
}

/*
 * An object of cache for caller (recorded by debug caches), zeroed with
 * GFP_ZERO. Context: any, never sleeps. Locks: (SMP) takes cache->lock.
 * Return: the object, or NULL when the backend has no pages.
 */
void *slab_alloc(struct kmem_cache *cache, gfp_t flags, const void *caller)
{
	struct slab *slab = cache->partial.first;
	void **slot;

	if (unlikely(!slab || cache->debug || (flags & GFP_ZERO)))
		return slab_alloc_slow(cache, flags, caller);
	slot = slab->freelist;
	slab_pop(cache, slab, slot);
	return slot; /* obj_offset is 0 outside debug caches */
}

/*
 * slab just went from full to partial, or from one object to none (was:
 * its objects live before the free): move it, count it empty, or give it
 * back.
 */
static __attribute__((noinline)) void slab_freed_transition(struct kmem_cache *cache,
							      struct slab *slab, uint32_t was)
{
	if (was == cache->objs_per_slab)
		slab_list_move(cache, slab, SLAB_LIST_PARTIAL);
	if (was == 1 && ++cache->nr_empty > SLAB_EMPTY_KEEP)
		slab_release_empty(cache, slab);
}

/* Put slot back on slab's free list. */
static inline void slab_push(struct kmem_cache *cache, struct slab *slab, void **slot)
{
	uint32_t was = slab->inuse--;

	*slot = slab->freelist;
	slab->freelist = slot;
	cache->active_objects--;
	if (unlikely(was == cache->objs_per_slab || was == 1))
		slab_freed_transition(cache, slab, was);
}

/* slab_free() of a bad pointer, or in a debug cache. */
static __attribute__((noinline)) void slab_free_slow(struct slab *slab, const void *obj,
						    void **slot, const void *caller)
{
	struct kmem_cache *cache = slab->cache;

	if (!slot) {
		slab_report_bad_free("not the start of a heap object", obj, caller);
		return;
	}
	if (cache->debug) {
		if (slab_debug_free(cache, slab, slot, caller))
			slab_push(cache, slab, slot);
		return;
	}
	/* The cheap check: catches a free repeated right away. */
	slab_report_bad_free("double free", obj, caller);
}

/*
 * Give obj back to its slab; a pointer that is not the start of a live slot
 * is reported and ignored. Context: any. Locks: (SMP) takes the cache's lock.
 */
void slab_free(struct slab *slab, const void *obj, const void *caller)
{
	struct kmem_cache *cache = slab->cache;
	void **slot = slab_slot_of(cache, slab, obj, cache->obj_offset);

	if (unlikely(!slot || cache->debug || slot == slab->freelist)) {
		slab_free_slow(slab, obj, slot, caller);
		return;
	}
	slab_push(cache, slab, slot);
}

/* ---- set-up and the public cache interface ----------------------------- */

/* Set up the heap's own caches and the kmalloc classes. Context: boot. */
void slab_init(void)
{
	int err;

	if (slab_ready)
		return;
	slab_ready = true;
	err = slab_cache_setup(&slab_header_cache, "slab_header",
			       sizeof(struct slab), 0, true);
	err |= slab_cache_setup(&slab_cache_cache, "kmem_cache",
				sizeof(struct kmem_cache), 0, true);
	/* Fixed sizes that always fit: a failure is a bug in the layout code. */
	(void)err;
	slab_header_cache.internal = true;
	slab_cache_cache.internal = true;
	kmalloc_init();
}

/* Debug checks for caches set up from now on. Return: 0 or -EBUSY. */
int slab_set_debug(bool on)
{
	if (slab_ready)
		return -EBUSY;
	slab_debug_default = on;
	return 0;
}

/* Release every empty slab. Context: any. Locks: (SMP) each cache's. */
void slab_trim(void)
{
	uint64_t irq = slab_lock();

	/* slab_header_cache last: releasing other slabs frees its objects. */
	for (struct kmem_cache *c = slab_cache_list; c; c = c->next_cache)
		if (c != &slab_header_cache)
			slab_cache_shrink(c, 0);
	slab_cache_shrink(&slab_header_cache, 0);
	slab_unlock(irq);
}

/*
 * Create a named cache (see <xdv/mm.h>); name must outlive it. Context:
 * any. Return: the cache, or NULL for bad arguments or no memory.
 */
struct kmem_cache *kmem_cache_create(const char *name, size_t size, size_t align)
{
	uint64_t irq = slab_lock();
	struct kmem_cache *cache = slab_alloc(&slab_cache_cache, GFP_KERNEL,
					      __builtin_return_address(0));

	if (cache && slab_cache_setup(cache, name, size, align, false) < 0) {
		slab_free(slab_find(cache), cache, NULL);
		cache = NULL;
	}
	slab_unlock(irq);
	return cache;
}

/*
 * Destroy a cache whose objects are all free. A cache with live objects, or
 * a kmalloc class, is reported and left alone (its memory leaks).
 */
static void kmem_cache_destroy_locked(struct kmem_cache *cache, const void *caller)
{
	struct kmem_cache **link;

	if (cache->builtin || cache->active_objects || cache->full.count ||
	    cache->nr_empty != cache->partial.count) {
		slab_report_bad_free("kmem_cache_destroy: cache in use", cache, caller);
		return;
	}
	slab_cache_shrink(cache, 0);
	for (link = &slab_cache_list; *link; link = &(*link)->next_cache) {
		if (*link == cache) {
			*link = cache->next_cache;
			break;
		}
	}
	slab_free(slab_find(cache), cache, caller);
}

void kmem_cache_destroy(struct kmem_cache *cache)
{
	if (!cache)
		return;

	uint64_t irq = slab_lock();

	kmem_cache_destroy_locked(cache, __builtin_return_address(0));
	slab_unlock(irq);
}

/* An object of cache, zeroed with GFP_ZERO. Return: the object or NULL. */
void *kmem_cache_alloc(struct kmem_cache *cache, gfp_t flags)
{
	uint64_t irq = slab_lock();
	void *obj = slab_alloc(cache, flags, __builtin_return_address(0));

	slab_unlock(irq);
	return obj;
}

static void kmem_cache_free_locked(struct kmem_cache *cache, void *obj, const void *caller)
{
	struct slab *slab = slab_find(obj);

	if (!slab) {
		slab_report_bad_free("not a heap object", obj, caller);
		return;
	}
	if (slab->cache != cache) {
		slab_report_bad_free("object of another cache", obj, caller);
		return;
	}
	slab_free(slab, obj, caller);
}

/* Free obj, an object of cache; NULL does nothing, bad pointers are reported. */
void kmem_cache_free(struct kmem_cache *cache, void *obj)
{
	if (!obj)
		return;

	uint64_t irq = slab_lock();

	kmem_cache_free_locked(cache, obj, __builtin_return_address(0));
	slab_unlock(irq);
}

/* Fill *out with cache's figures. Context: any. */
void kmem_cache_get_stats(const struct kmem_cache *cache, struct kmem_cache_stats *out)
{
	out->name = cache->name;
	out->object_size = cache->object_size;
	out->slot_size = cache->slot_size;
	out->active_objects = cache->active_objects;
	out->total_objects = cache->slabs * cache->objs_per_slab;
	out->slabs = cache->slabs;
}
