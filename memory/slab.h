/* SPDX-License-Identifier: MIT */
/*
 * Private to memory/: the kernel heap's structures, shared by slab.c (caches
 * and slabs), slab_debug.c (red zones, poison, double frees) and kmalloc.c
 * (size classes and page-sized blocks). Everything else reaches the heap
 * through the "kernel heap" section of <xdv/mm.h>.
 *
 * Pure declarations: the heap builds for host unit tests too
 * (tests/unit/memory/test_slab*.c), where a fake backend stands in for the
 * buddy allocator.
 */
#pragma once

#include <xdv/mm.h>

#include "page.h"

/* ---- what the kernel (or a host test) provides ------------------------- */

/*
 * A free that the heap refused: ptr is not in a heap page, not the start of
 * an object, an object of another cache, already free, or a cache destroyed
 * with objects still live. The heap leaves its state untouched after the
 * report. caller: the code that called kfree/kmem_cache_free (or _destroy).
 * The kernel prints it with a backtrace (WARN style); host tests record it.
 */
void slab_report_bad_free(const char *what, const void *ptr, const void *caller);

/*
 * A heap object found corrupted (debug caches only): a red zone overwritten
 * (found when the object is freed: free_caller is the code freeing it), a
 * freed object written to (found when its slot is handed out again:
 * free_caller is the code that freed it), or a free list link or state
 * overwritten. obj: the object; bad: the first byte that differs;
 * alloc_caller: the code that allocated the object.
 */
void slab_report_corruption(const char *what, const void *obj, const void *bad,
			    const void *alloc_caller, const void *free_caller);

/*
 * The heap lock, taken by every public entry point: the kernel's is an
 * IRQ-safe spinlock (memory/slab_report.c), host tests' a no-op.
 * Return (slab_lock): what slab_unlock needs to restore the interrupt flag.
 */
uint64_t slab_lock(void);
void slab_unlock(uint64_t irq);

/* ---- set-up ------------------------------------------------------------ */

/*
 * Set up the heap's own caches and the kmalloc size classes. Idempotent; the
 * first allocation calls it too if nobody has. Context: boot, after the
 * page allocator (the backend) works.
 */
void slab_init(void);

/*
 * Turn the debug checks (red zones, poison, allocation and free callers,
 * state byte) on or off for caches set up from now on, including the kmalloc
 * classes when it comes before slab_init(). The default is CONFIG_DEBUG; a
 * release kernel may turn it on from the command line, host tests flip it.
 * Return: 0, or -EBUSY once slab_init() has run.
 */
int slab_set_debug(bool on);

/* Give every cache's empty slabs back to the backend. Context: any. */
void slab_trim(void);

/* ---- structures -------------------------------------------------------- */

/* Debug caches: the fill patterns and the width of the red zones. */
#define SLAB_POISON_FREE 0x6b /* a free object's bytes */
#define SLAB_RED_ZONE    0xbb /* the guard bytes around an object */
#define SLAB_RED_ZONE_MIN 16  /* at least this many guard bytes each side */

enum slab_list_id {
	SLAB_LIST_PARTIAL = 1,
	SLAB_LIST_FULL,
};

/*
 * A slab: 2^cache->order naturally aligned pages cut into objs_per_slab
 * slots. Every page of it is PG_SLAB with owner = this header.
 */
struct slab {
	struct slab *next, *prev;  /* on one of the cache's lists */
	struct kmem_cache *cache;
	char *base;                /* first byte of the slab = slot 0 */
	void *freelist;            /* first free slot, NULL when none */
	uint32_t inuse;            /* slots handed out */
	uint32_t list;             /* enum slab_list_id: which list holds it */
};

struct slab_list {
	struct slab *first;
	uint64_t count;
};

struct kmem_cache {
	/* Fixed when the cache is set up. */
	const char *name;
	uint32_t object_size;   /* bytes the user asked for (ksize) */
	uint32_t align;         /* object alignment, a power of two >= 8 */
	uint32_t slot_size;     /* bytes per slot: object, padding, debug data */
	uint32_t obj_offset;    /* object start within its slot (0 unless debug) */
	uint32_t objs_per_slab;
	uint32_t order;         /* a slab is 2^order pages */
	uint64_t slot_recip;    /* ceil(2^SLAB_RECIP_SHIFT / slot_size) */
	bool offslab;           /* header from slab_header_cache, not in the slab */
	bool debug;             /* red zones, poison, callers, state byte */
	bool builtin;           /* static (kmalloc class, internal): never destroyed */
	bool internal;          /* the heap's own: kfree refuses its objects */

	/* Locks: (SMP) cache->lock will guard everything below. */
	struct slab_list partial;   /* slabs with a free slot, empty ones too */
	struct slab_list full;
	uint64_t nr_empty;          /* slabs on partial with no object live */
	uint64_t active_objects;
	uint64_t slabs;
	struct kmem_cache *next_cache; /* all caches, for slab_trim */
};

/*
 * Debug caches keep this at the start of every slot, then a red zone, the
 * object, and a red zone to the end of the slot. next comes first: the free
 * list link lives at slot offset 0 in every cache (in release caches it is
 * the object's own first 8 bytes).
 */
struct slab_debug_meta {
	void *next;
	const void *alloc_caller;
	const void *free_caller;
	uint64_t state; /* SLAB_OBJ_* */
};

#define SLAB_OBJ_FREE 0x46524545ull /* "FREE" */
#define SLAB_OBJ_LIVE 0x4c495645ull /* "LIVE" */

/* ---- between slab.c, slab_debug.c and kmalloc.c ------------------------ */

/*
 * Fill in a cache's fixed fields and empty lists, and link it into the list
 * of all caches. Return: 0, or -EINVAL (size 0 or too large, align not a
 * power of two or above PAGE_SIZE).
 */
int slab_cache_setup(struct kmem_cache *cache, const char *name, size_t size,
		     size_t align, bool builtin);

/* An object of cache, or NULL. caller: for debug caches' records. */
void *slab_alloc(struct kmem_cache *cache, gfp_t flags, const void *caller);

/*
 * The slab holding addr, or NULL when addr is in no slab page. Does not check
 * that addr is an object.
 */
struct slab *slab_find(const void *addr);

/*
 * Free obj, which lies in slab; checks that obj is the start of a slot and
 * live (reports and ignores the free when not).
 */
void slab_free(struct slab *slab, const void *obj, const void *caller);

/* The slot holding addr when addr is exactly the start of one; else NULL. */
void *slab_slot_of(const struct kmem_cache *cache, const struct slab *slab,
		   const void *addr, size_t offset_in_slot);

static inline size_t slab_bytes(const struct kmem_cache *cache)
{
	return PAGE_SIZE << cache->order;
}

/* Set up the kmalloc classes (kmalloc.c). Called by slab_init(). */
void kmalloc_init(void);

/* Debug caches (slab_debug.c). */
void slab_debug_init_slab(const struct kmem_cache *cache, struct slab *slab);
bool slab_debug_alloc(const struct kmem_cache *cache, struct slab *slab,
		      void *slot, const void *caller);
bool slab_debug_free(const struct kmem_cache *cache, struct slab *slab,
		     void *slot, const void *caller);
