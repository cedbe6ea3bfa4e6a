// SPDX-License-Identifier: MIT
/*
 * A randomized workout of the heap checked against a model, shared by the
 * release and debug test suites. Fixed seeds, so a failure replays.
 *
 * Each step allocates (kmalloc, kzalloc, kcalloc or one of four named
 * caches, sizes 1..16384 spread over every class and the page-sized path) or
 * frees a random live block. The model keeps every live block with its size
 * and fill byte and checks: the promised alignment, ksize >= size, no
 * overlap with any live block (a shadow map of the arena, one byte per
 * 8-byte word), zeroed memory where asked, contents intact until the free,
 * the caches' statistics, and at the end, with everything freed, the caches
 * destroyed and the heap trimmed, that every page went back to the backend
 * and nothing was reported.
 */
#include "slab_fake.h"

#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include "xorshift.h"

#define MODEL_CACHES 4

struct model_block {
	unsigned char *p;
	size_t size;
	int cache; /* index into model_caches, or -1 for kmalloc */
	unsigned char fill;
};

static const struct { size_t size, align; } model_cache_shapes[MODEL_CACHES] = {
	{ 24, 0 }, { 40, 64 }, { 300, 16 }, { 5000, 256 },
};

static struct kmem_cache *model_caches[MODEL_CACHES];
static uint64_t model_cache_live[MODEL_CACHES];
static struct model_block *model_live;
static size_t model_nlive;
static uint8_t *model_shadow; /* per 8-byte word of the arena: 1 = live */
static uint64_t model_rng;

static uint64_t model_rand(void)
{
	return xorshift64star(&model_rng);
}

static size_t model_rand_range(size_t lo, size_t hi)
{
	return lo + model_rand() % (hi - lo + 1);
}

/* Sizes 1..16384, a quarter each: tiny, small, up to a page, above a page. */
static size_t model_rand_size(void)
{
	switch (model_rand() % 4) {
	case 0: return model_rand_range(1, 64);
	case 1: return model_rand_range(65, 512);
	case 2: return model_rand_range(513, 4096);
	default: return model_rand_range(4097, 16384);
	}
}

/* The alignment kmalloc promises for size. */
static size_t model_kmalloc_align(size_t size)
{
	static const size_t classes[] = { 8, 16, 32, 64, 96, 128, 192, 256,
					  512, 1024, 2048, 4096 };

	if (size > KMALLOC_MAX_SLAB_SIZE)
		return PAGE_SIZE;
	for (unsigned i = 0;; i++)
		if (classes[i] >= size)
			return classes[i] & -classes[i];
}

static void model_shadow_mark(const unsigned char *p, size_t size, uint8_t v)
{
	size_t first = ((uintptr_t)p - (uintptr_t)fake.arena) / 8;
	size_t words = (size + 7) / 8;

	for (size_t i = 0; i < words; i++) {
		cr_assert_neq(model_shadow[first + i], v,
			      "block %p+%zu overlaps a live block (or is freed twice)",
			      p, i * 8);
		model_shadow[first + i] = v;
	}
}

static void model_alloc(void)
{
	struct model_block b = { .cache = -1, .fill = (unsigned char)model_rand() };
	size_t align;
	bool zeroed = false;
	unsigned kind = model_rand() % 10;

	if (kind < 2) {
		b.cache = model_rand() % MODEL_CACHES;
		b.size = model_cache_shapes[b.cache].size;
		align = MAX(model_cache_shapes[b.cache].align, (size_t)8);
		zeroed = model_rand() % 2;
		b.p = kmem_cache_alloc(model_caches[b.cache], zeroed ? GFP_ZERO : GFP_KERNEL);
	} else {
		b.size = model_rand_size();
		align = model_kmalloc_align(b.size);
		if (kind == 2) {
			zeroed = true;
			b.p = kzalloc(b.size, GFP_KERNEL);
		} else if (kind == 3 && b.size % 4 == 0) {
			zeroed = true;
			b.p = kcalloc(b.size / 4, 4, GFP_KERNEL);
		} else {
			b.p = kmalloc(b.size, GFP_KERNEL);
		}
	}
	cr_assert_not_null(b.p, "allocation of %zu failed", b.size);
	cr_assert(fake_in_arena(b.p), "block %p outside the arena", b.p);
	cr_assert_eq((uintptr_t)b.p % align, 0, "block %p of %zu not %zu-aligned",
		     b.p, b.size, align);
	if (b.cache < 0)
		cr_assert_geq(ksize(b.p), b.size);
	else
		cr_assert_eq(ksize(b.p), b.size);
	for (size_t i = 0; zeroed && i < b.size; i++)
		cr_assert_eq(b.p[i], 0, "byte %zu of a zeroed block is %#x", i, b.p[i]);
	model_shadow_mark(b.p, b.size, 1);
	memset(b.p, b.fill, b.size);
	model_live[model_nlive++] = b;
	if (b.cache >= 0)
		model_cache_live[b.cache]++;
}

static void model_free(size_t i)
{
	struct model_block b = model_live[i];

	for (size_t j = 0; j < b.size; j++)
		cr_assert_eq(b.p[j], b.fill, "byte %zu of block %p (%zu) changed", j,
			     b.p, b.size);
	model_shadow_mark(b.p, b.size, 0);
	if (b.cache >= 0) {
		model_cache_live[b.cache]--;
		if (model_rand() % 8)
			kmem_cache_free(model_caches[b.cache], b.p);
		else
			kfree(b.p); /* kfree takes objects of named caches too */
	} else {
		kfree(b.p);
	}
	model_live[i] = model_live[--model_nlive];
}

static void model_check_stats(void)
{
	struct kmem_cache_stats st;

	for (int c = 0; c < MODEL_CACHES; c++) {
		kmem_cache_get_stats(model_caches[c], &st);
		cr_assert_eq(st.active_objects, model_cache_live[c]);
		cr_assert_leq(st.active_objects, st.total_objects);
		cr_assert_geq(st.slot_size, st.object_size);
	}
}

void slab_model_run(uint64_t seed, unsigned ops, unsigned max_live)
{
	unsigned cap;

	model_rng = seed;
	model_nlive = 0;
	model_live = calloc(max_live, sizeof(*model_live));
	model_shadow = calloc(fake.npages * PAGE_SIZE / 8, 1);
	cr_assert(model_live && model_shadow);
	for (int c = 0; c < MODEL_CACHES; c++) {
		model_caches[c] = kmem_cache_create("model", model_cache_shapes[c].size,
						    model_cache_shapes[c].align);
		cr_assert_not_null(model_caches[c]);
		model_cache_live[c] = 0;
	}

	for (unsigned op = 0; op < ops; op++) {
		/* The live-set ceiling breathes, so slabs fill, drain and come back. */
		cap = (op / 20000) % 2 ? max_live : max_live / 8;
		if (model_nlive < cap && (model_nlive == 0 || model_rand() % 100 < 55))
			model_alloc();
		else if (model_nlive)
			model_free(model_rand() % model_nlive);
		if (op % 10000 == 0)
			model_check_stats();
	}
	model_check_stats();

	while (model_nlive)
		model_free(model_nlive - 1);
	model_check_stats();
	for (int c = 0; c < MODEL_CACHES; c++)
		kmem_cache_destroy(model_caches[c]);
	slab_trim();
	cr_expect_eq(fake.nreports, 0, "unexpected report: %s",
		     fake.nreports ? fake.reports[0].what : "");
	cr_expect_eq(fake.pages_in_use, 0, "%llu pages not returned",
		     (unsigned long long)fake.pages_in_use);
	free(model_live);
	free(model_shadow);
}
