// SPDX-License-Identifier: MIT
/*
 * The checks of debug caches (slab.c sets a cache up in debug mode when
 * CONFIG_DEBUG is on, or when slab_set_debug() asked for it). A debug slot is
 *
 *   [struct slab_debug_meta][red zone][object][red zone to the slot end]
 *
 * with the object aligned as the cache promises and each red zone at least
 * SLAB_RED_ZONE_MIN bytes of SLAB_RED_ZONE. The meta block holds the free
 * list link (so a free object can be poisoned whole), the callers that last
 * allocated and freed the slot, and a state word, FREE or LIVE.
 *
 * On free: a slot that is not LIVE is a double free (reported, ignored); red
 * zones that changed are reported with the allocating and the freeing caller
 * and then repaired; the object is poisoned with SLAB_POISON_FREE. On
 * allocation: a poisoned object that changed means a write after free,
 * reported with the callers of its last life; a broken state word or free
 * list link means the slab's metadata was overwritten, and slab.c then takes
 * the slab out of service rather than follow a bad pointer.
 *
 * Everything here is O(slot size) per call: debug caches trade speed for
 * finding the bug near its cause. Locks: the cache's, held by slab.c.
 */
#include "slab.h"

#include <xdv/string.h>

static struct slab_debug_meta *slab_meta(void *slot)
{
	return slot;
}

static char *slab_object(const struct kmem_cache *cache, void *slot)
{
	return (char *)slot + cache->obj_offset;
}

/* The first byte of [p, p + len) that is not c, or NULL. */
static const char *slab_find_not(const char *p, size_t len, int c)
{
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)p[i] != (unsigned char)c)
			return p + i;
	return NULL;
}

/* The red zone before the object: from the end of the meta to the object. */
static char *slab_left_zone(void *slot, size_t *len, const struct kmem_cache *cache)
{
	*len = cache->obj_offset - sizeof(struct slab_debug_meta);
	return (char *)slot + sizeof(struct slab_debug_meta);
}

/* The red zone after the object: to the end of the slot. */
static char *slab_right_zone(void *slot, size_t *len, const struct kmem_cache *cache)
{
	*len = cache->slot_size - cache->obj_offset - cache->object_size;
	return slab_object(cache, slot) + cache->object_size;
}

static void slab_fill_zones(const struct kmem_cache *cache, void *slot)
{
	size_t len;
	char *zone = slab_left_zone(slot, &len, cache);

	memset(zone, SLAB_RED_ZONE, len);
	zone = slab_right_zone(slot, &len, cache);
	memset(zone, SLAB_RED_ZONE, len);
}

/*
 * Poison every object of a new slab, fill its red zones and mark it FREE.
 * The free list links (meta.next) are already in place.
 */
void slab_debug_init_slab(const struct kmem_cache *cache, struct slab *slab)
{
	for (uint32_t i = 0; i < cache->objs_per_slab; i++) {
		void *slot = slab->base + (size_t)i * cache->slot_size;
		struct slab_debug_meta *meta = slab_meta(slot);

		meta->alloc_caller = NULL;
		meta->free_caller = NULL;
		meta->state = SLAB_OBJ_FREE;
		slab_fill_zones(cache, slot);
		memset(slab_object(cache, slot), SLAB_POISON_FREE, cache->object_size);
	}
}

/* True when next may follow on a free list of slab: NULL or a FREE slot. */
static bool slab_link_ok(const struct kmem_cache *cache, const struct slab *slab,
			 void *next)
{
	if (!next)
		return true;
	if (slab_slot_of(cache, slab, next, 0) != next)
		return false;
	return slab_meta(next)->state == SLAB_OBJ_FREE;
}

/*
 * Check slot, the head of slab's free list, before it is handed out to
 * caller, and mark it LIVE. Return: false when the slab's metadata is broken
 * (reported; slot must not be used), true otherwise, even after reporting a
 * write to the free object.
 */
bool slab_debug_alloc(const struct kmem_cache *cache, struct slab *slab,
		      void *slot, const void *caller)
{
	struct slab_debug_meta *meta = slab_meta(slot);
	char *obj = slab_object(cache, slot);
	const char *bad;

	if (meta->state != SLAB_OBJ_FREE || !slab_link_ok(cache, slab, meta->next)) {
		slab_report_corruption("slab free list overwritten", obj, slot,
				       meta->alloc_caller, meta->free_caller);
		return false;
	}
	bad = slab_find_not(obj, cache->object_size, SLAB_POISON_FREE);
	if (bad)
		slab_report_corruption("write to a freed object", obj, bad,
				       meta->alloc_caller, meta->free_caller);
	meta->state = SLAB_OBJ_LIVE;
	meta->alloc_caller = caller;
	meta->free_caller = NULL;
	return true;
}

/* Report and repair one red zone. */
static void slab_check_zone(const char *what, char *zone, size_t len,
			    const char *obj, const struct slab_debug_meta *meta,
			    const void *caller)
{
	const char *bad = slab_find_not(zone, len, SLAB_RED_ZONE);

	if (!bad)
		return;
	slab_report_corruption(what, obj, bad, meta->alloc_caller, caller);
	memset(zone, SLAB_RED_ZONE, len);
}

/*
 * Check slot as caller frees it: state LIVE, red zones intact; then poison
 * the object and mark it FREE. Return: true when the free may go on (after
 * reporting and repairing red zones), false for a double free or a broken
 * state word (reported; the slot is left alone).
 */
bool slab_debug_free(const struct kmem_cache *cache, struct slab *slab,
		     void *slot, const void *caller)
{
	struct slab_debug_meta *meta = slab_meta(slot);
	char *obj = slab_object(cache, slot);
	char *zone;
	size_t len;

	if (meta->state == SLAB_OBJ_FREE) {
		slab_report_bad_free("double free", obj, caller);
		return false;
	}
	if (meta->state != SLAB_OBJ_LIVE) {
		slab_report_corruption("slab object state overwritten", obj, meta,
				       meta->alloc_caller, caller);
		return false;
	}
	zone = slab_left_zone(slot, &len, cache);
	slab_check_zone("red zone before object overwritten", zone, len, obj,
			meta, caller);
	zone = slab_right_zone(slot, &len, cache);
	slab_check_zone("red zone after object overwritten", zone, len, obj,
			meta, caller);

	memset(obj, SLAB_POISON_FREE, cache->object_size);
	meta->state = SLAB_OBJ_FREE;
	meta->free_caller = caller;
	return true;
}
