// SPDX-License-Identifier: MIT
/*
 * Host unit tests for the kernel heap (memory/slab.c, memory/kmalloc.c) in
 * release mode: size classes and alignment, large blocks, named caches,
 * statistics, bad frees, backend exhaustion and recovery, giving empty
 * slabs back, and long randomized runs against a model (slab_model.c).
 *
 * The backend is the fake in slab_fake.c. The heap keeps global state: each
 * Criterion test runs in its own process, so every test starts from an
 * empty heap over a fresh arena.
 */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <xdv/errno.h>

#include "slab_fake.h"

static void heap_setup(void)
{
	fake_backend_setup();
	cr_assert_eq(slab_set_debug(false), 0);
	slab_init();
}

static void heap_teardown(void)
{
	fake_backend_teardown();
}

TestSuite(slab, .init = heap_setup, .fini = heap_teardown);
TestSuite(slab_lazy, .init = fake_backend_setup, .fini = heap_teardown);

/* Frees from a known place, so reports can be checked for their caller. */
static __attribute__((noinline)) void free_here(const void *p)
{
	kfree(p);
	__asm__ volatile("" ::: "memory"); /* keep kfree a call, not a tail jump */
}

static bool caller_in(const void *caller, void (*fn)(const void *))
{
	uintptr_t c = (uintptr_t)caller, f = (uintptr_t)fn;

	return c > f && c < f + 1024;
}

/* ---- kmalloc basics ---------------------------------------------------- */

Test(slab, kmalloc_zero_size_returns_null)
{
	cr_expect_null(kmalloc(0, GFP_KERNEL));
	cr_expect_null(kzalloc(0, GFP_KERNEL));
	cr_expect_null(kcalloc(0, 16, GFP_KERNEL));
	cr_expect_eq(fake.pages_in_use, 0);
}

Test(slab, kfree_null_does_nothing)
{
	kfree(NULL);
	cr_expect_eq(fake.nreports, 0);
	cr_expect_eq(ksize(NULL), 0);
}

Test(slab, kcalloc_overflow_returns_null)
{
	cr_expect_null(kcalloc(SIZE_MAX / 2, 3, GFP_KERNEL));
	cr_expect_null(kcalloc((size_t)1 << 32, (size_t)1 << 32, GFP_KERNEL));
	cr_expect_eq(fake.pages_in_use, 0);
}

Test(slab, kcalloc_returns_zeroed_memory_on_reused_slot)
{
	unsigned char *p = kmalloc(200, GFP_KERNEL);

	memset(p, 0x5a, 200);
	kfree(p);
	p = kcalloc(25, 8, GFP_KERNEL);
	cr_assert_not_null(p);
	for (int i = 0; i < 200; i++)
		cr_assert_eq(p[i], 0);
	kfree(p);
}

Test(slab, kzalloc_zeroes_whole_ksize)
{
	unsigned char *p = kmalloc(1000, GFP_KERNEL);

	memset(p, 0xff, ksize(p));
	kfree(p);
	p = kzalloc(600, GFP_KERNEL);
	for (size_t i = 0; i < ksize(p); i++)
		cr_assert_eq(p[i], 0);
	kfree(p);
}

Test(slab, kmalloc_every_size_to_4096_aligned_with_class_ksize)
{
	static const size_t classes[] = { 8, 16, 32, 64, 96, 128, 192, 256,
					  512, 1024, 2048, 4096 };

	for (size_t size = 1; size <= 4096; size++) {
		void *p = kmalloc(size, GFP_KERNEL);
		size_t cls = 0;

		for (unsigned i = 0; !cls; i++)
			if (classes[i] >= size)
				cls = classes[i];
		cr_assert_not_null(p, "kmalloc(%zu)", size);
		cr_assert_eq(ksize(p), cls, "ksize of kmalloc(%zu)", size);
		cr_assert_eq((uintptr_t)p % (cls & -cls), 0, "kmalloc(%zu) = %p", size, p);
		memset(p, 0xcd, size);
		kfree(p);
	}
	cr_expect_eq(fake.nreports, 0);
}

Test(slab, kmalloc_power_of_two_naturally_aligned)
{
	void *p[64];

	for (size_t size = 8; size <= 4096; size *= 2) {
		for (int i = 0; i < 64; i++) {
			p[i] = kmalloc(size, GFP_KERNEL);
			cr_assert_eq((uintptr_t)p[i] % size, 0);
		}
		for (int i = 0; i < 64; i++)
			kfree(p[i]);
	}
}

Test(slab, kmalloc_large_whole_pages_marked_large)
{
	static const struct { size_t size, ksize; } cases[] = {
		{ 4097, 8192 }, { 8192, 8192 }, { 8193, 16384 }, { 12289, 16384 },
		{ 16384, 16384 }, { 100000, 131072 }, { 4u << 20, 4u << 20 },
	};

	for (unsigned i = 0; i < ARRAY_SIZE(cases); i++) {
		unsigned char *p = kmalloc(cases[i].size, GFP_KERNEL);
		struct page *page = fake_page(p);

		cr_assert_not_null(p);
		cr_expect_eq((uintptr_t)p % PAGE_SIZE, 0);
		cr_expect_eq(ksize(p), cases[i].ksize, "ksize of kmalloc(%zu)", cases[i].size);
		cr_expect(page->flags & PG_LARGE);
		cr_expect_eq(PAGE_SIZE << page->order, cases[i].ksize);
		cr_expect_eq(fake.pages_in_use, cases[i].ksize / PAGE_SIZE);
		p[0] = 1;
		p[cases[i].size - 1] = 2;
		cr_expect_eq(ksize(p + 1), 0, "inside a large block is no block");
		kfree(p);
		cr_expect_eq(fake.pages_in_use, 0);
	}
	cr_expect_eq(fake.nreports, 0);
}

Test(slab, kmalloc_too_large_returns_null)
{
	cr_expect_null(kmalloc((4u << 20) + 1, GFP_KERNEL));
	cr_expect_null(kmalloc(SIZE_MAX, GFP_KERNEL));
	cr_expect_null(kmalloc(SIZE_MAX - PAGE_SIZE + 2, GFP_KERNEL));
	cr_expect_eq(fake.pages_in_use, 0);
}

Test(slab, kmalloc_dma32_refused)
{
	cr_expect_null(kmalloc(64, GFP_DMA32));
	cr_expect_null(kmalloc(64 * 1024, GFP_DMA32 | GFP_ZERO));
}

Test(slab_lazy, kmalloc_before_slab_init_sets_heap_up)
{
	void *p = kmalloc(100, GFP_KERNEL);

	cr_assert_not_null(p);
	cr_expect_eq(ksize(p), 128);
	kfree(p);
	slab_init(); /* idempotent */
	cr_expect_eq(slab_set_debug(true), -EBUSY);
	cr_expect_eq(fake.nreports, 0);
}

/* ---- bad frees --------------------------------------------------------- */

Test(slab, kfree_foreign_pointers_reported_and_ignored)
{
	int on_stack;
	void *on_host_heap = malloc(64);
	void *live = kmalloc(64, GFP_KERNEL);
	char *free_page = fake.arena + 4096 * (FAKE_ARENA_PAGES - 1);

	free_here(&on_stack);
	free_here(on_host_heap);
	free_here(free_page); /* in the arena, but not a heap page */
	cr_assert_eq(fake.nreports, 3);
	for (unsigned i = 0; i < 3; i++) {
		cr_expect_str_eq(fake.reports[i].what, "not a heap object");
		cr_expect(caller_in(fake.reports[i].caller, free_here));
	}
	cr_expect_eq(fake.reports[1].ptr, on_host_heap);
	kfree(live);
	cr_expect_eq(fake.nreports, 3);
	free(on_host_heap);
}

Test(slab, kfree_misaligned_pointer_reported_object_stays_live)
{
	char *p = kmalloc(64, GFP_KERNEL);
	char *q;

	memset(p, 0x11, 64);
	free_here(p + 8);
	free_here(p + 1);
	cr_assert_eq(fake_reports_matching("not the start"), 2);
	cr_expect_eq(fake.reports[0].ptr, p + 8);
	cr_expect(caller_in(fake.reports[0].caller, free_here));
	q = kmalloc(64, GFP_KERNEL); /* p must not have been put on a free list */
	cr_expect_neq(q, p);
	for (int i = 0; i < 64; i++)
		cr_assert_eq(p[i], 0x11);
	kfree(p);
	kfree(q);
	cr_expect_eq(fake.nreports, 2);
}

Test(slab, kfree_misaligned_large_reported)
{
	char *p = kmalloc(20000, GFP_KERNEL);

	free_here(p + 16);
	free_here(p + PAGE_SIZE); /* a tail page of the block */
	cr_expect_eq(fake_reports_matching("not the start"), 1);
	cr_expect_eq(fake_reports_matching("not a heap object"), 1);
	kfree(p);
	cr_expect_eq(fake.pages_in_use, 0);
}

Test(slab, kfree_inside_object_reported_for_odd_slot_sizes)
{
	static const size_t sizes[] = { 24, 96, 200, 5000 };

	for (unsigned s = 0; s < ARRAY_SIZE(sizes); s++) {
		struct kmem_cache *c = kmem_cache_create("odd", sizes[s], 8);
		char *objs[12];
		unsigned bad = 0;

		for (int i = 0; i < 12; i++)
			objs[i] = kmem_cache_alloc(c, GFP_KERNEL);
		for (int i = 0; i < 12; i++) {
			size_t offs[] = { 1, 8, sizes[s] / 2 + 1, sizes[s] - 1 };

			for (unsigned k = 0; k < ARRAY_SIZE(offs); k++, bad++)
				kfree(objs[i] + offs[k]);
		}
		cr_expect_eq(fake_reports_matching("not the start"), bad);
		for (int i = 0; i < 12; i++)
			kfree(objs[i]);
		kmem_cache_destroy(c);
		cr_expect_eq(fake.nreports, bad);
		fake.nreports = 0;
	}
	slab_trim();
	cr_expect_eq(fake.pages_in_use, 0);
}

Test(slab, kfree_on_slab_header_area_reported)
{
	/* kmalloc-8 slabs keep their header in the last bytes of the page. */
	char *p = kmalloc(8, GFP_KERNEL);
	char *end = (char *)((uintptr_t)p | (PAGE_SIZE - 1)) + 1;

	free_here(end - 8);
	cr_expect_eq(fake_reports_matching("not the start"), 1);
	kfree(p);
}

Test(slab, kfree_twice_in_a_row_reported)
{
	void *keep = kmalloc(32, GFP_KERNEL);
	void *p = kmalloc(32, GFP_KERNEL);

	kfree(p);
	free_here(p);
	cr_assert_eq(fake_reports_matching("double free"), 1);
	cr_expect_eq(fake.reports[0].ptr, p);
	cr_expect(caller_in(fake.reports[0].caller, free_here));
	kfree(keep);
	slab_trim();
	cr_expect_eq(fake.pages_in_use, 0);
}

Test(slab, kfree_large_twice_reported)
{
	void *p = kmalloc(50000, GFP_KERNEL);

	kfree(p);
	free_here(p);
	cr_expect_eq(fake_reports_matching("not a heap object"), 1);
	cr_expect_eq(fake.pages_in_use, 0);
}

/* ---- named caches ------------------------------------------------------ */

Test(slab, kmem_cache_create_bad_arguments_return_null)
{
	cr_expect_null(kmem_cache_create("zero", 0, 0));
	cr_expect_null(kmem_cache_create("align3", 16, 3));
	cr_expect_null(kmem_cache_create("align8k", 16, 8192));
	cr_expect_null(kmem_cache_create("huge", 1 << 20, 0));
	slab_trim();
	cr_expect_eq(fake.pages_in_use, 0);
}

Test(slab, kmem_cache_objects_aligned_and_sized)
{
	static const struct { size_t size, align; } shapes[] = {
		{ 1, 0 }, { 13, 0 }, { 40, 64 }, { 100, 32 }, { 4000, 4096 },
		{ 24, 8 }, { 700, 0 }, { 65536, 0 },
	};

	for (unsigned s = 0; s < ARRAY_SIZE(shapes); s++) {
		struct kmem_cache *c = kmem_cache_create("t", shapes[s].size, shapes[s].align);
		size_t align = MAX(shapes[s].align, (size_t)8);
		void *objs[40];

		cr_assert_not_null(c, "shape %u", s);
		for (int i = 0; i < 40; i++) {
			objs[i] = kmem_cache_alloc(c, GFP_KERNEL);
			cr_assert_not_null(objs[i]);
			cr_assert_eq((uintptr_t)objs[i] % align, 0);
			cr_assert_eq(ksize(objs[i]), shapes[s].size);
			memset(objs[i], 0xee, shapes[s].size);
		}
		for (int i = 0; i < 40; i++)
			kmem_cache_free(c, objs[i]);
		kmem_cache_destroy(c);
	}
	slab_trim();
	cr_expect_eq(fake.nreports, 0);
	cr_expect_eq(fake.pages_in_use, 0);
}

Test(slab, kmem_cache_stats_count_objects_and_slabs)
{
	struct kmem_cache *c = kmem_cache_create("stats", 40, 64);
	struct kmem_cache_stats st;
	void *objs[100];

	for (int i = 0; i < 100; i++)
		objs[i] = kmem_cache_alloc(c, GFP_ZERO);
	kmem_cache_get_stats(c, &st);
	cr_expect_str_eq(st.name, "stats");
	cr_expect_eq(st.object_size, 40);
	cr_expect_eq(st.slot_size, 64);
	cr_expect_eq(st.active_objects, 100);
	cr_expect_eq(st.slabs, 2); /* 63 slots per page */
	cr_expect_eq(st.total_objects, 126);
	for (int i = 0; i < 100; i++)
		kmem_cache_free(c, objs[i]);
	kmem_cache_get_stats(c, &st);
	cr_expect_eq(st.active_objects, 0);
	cr_expect_eq(st.slabs, 1, "one empty slab is kept");
	kmem_cache_destroy(c);
}

Test(slab, kmem_cache_free_wrong_cache_reported)
{
	struct kmem_cache *a = kmem_cache_create("a", 32, 0);
	struct kmem_cache *b = kmem_cache_create("b", 32, 0);
	void *p = kmem_cache_alloc(a, GFP_KERNEL);
	void *k = kmalloc(32, GFP_KERNEL);

	kmem_cache_free(b, p);
	kmem_cache_free(b, k);
	cr_expect_eq(fake_reports_matching("another cache"), 2);
	kmem_cache_free(a, p);
	kmem_cache_free(b, NULL);
	kfree(k);
	kmem_cache_destroy(a);
	kmem_cache_destroy(b);
	slab_trim();
	cr_expect_eq(fake.nreports, 2);
	cr_expect_eq(fake.pages_in_use, 0);
}

Test(slab, kfree_of_a_cache_descriptor_reported)
{
	struct kmem_cache *c = kmem_cache_create("desc", 64, 0);

	free_here(c); /* a struct kmem_cache is the heap's, not a kmalloc block */
	cr_expect_eq(fake_reports_matching("not a heap object"), 1);
	cr_expect_eq(ksize(c), 0);
	kmem_cache_destroy(c);
	slab_trim();
	cr_expect_eq(fake.pages_in_use, 0);
	cr_expect_eq(fake.nreports, 1);
}

Test(slab, kmem_cache_destroy_with_live_objects_reported_and_kept)
{
	struct kmem_cache *c = kmem_cache_create("busy", 128, 0);
	void *p = kmem_cache_alloc(c, GFP_KERNEL);

	kmem_cache_destroy(c);
	cr_expect_eq(fake_reports_matching("cache in use"), 1);
	memset(p, 1, 128); /* still valid memory */
	kmem_cache_free(c, p);
	kmem_cache_destroy(c);
	kmem_cache_destroy(NULL);
	slab_trim();
	cr_expect_eq(fake.nreports, 1);
	cr_expect_eq(fake.pages_in_use, 0);
}

/* ---- slabs come and go ------------------------------------------------- */

Test(slab, empty_slabs_beyond_one_go_back_to_backend)
{
	static void *p[5000];

	for (int i = 0; i < 5000; i++)
		p[i] = kmalloc(64, GFP_KERNEL);
	cr_expect_eq(fake.pages_in_use, (5000 + 62) / 63); /* 63 objects a page */
	for (int i = 0; i < 5000; i++)
		kfree(p[i]);
	cr_expect_eq(fake.pages_in_use, 1, "kmalloc-64 keeps one empty slab");
	slab_trim();
	cr_expect_eq(fake.pages_in_use, 0);
}

Test(slab, offslab_headers_return_with_their_slabs)
{
	static void *p[1000];

	for (int i = 0; i < 1000; i++)
		p[i] = kmalloc(i % 2 ? 4096 : 1024, GFP_KERNEL);
	for (int i = 999; i >= 0; i--)
		kfree(p[i]);
	slab_trim();
	cr_expect_eq(fake.pages_in_use, 0);
	cr_expect_eq(fake.nreports, 0);
}

Test(slab, alloc_free_alternating_reuses_same_slot)
{
	void *a = kmalloc(4096, GFP_KERNEL);
	uint64_t allocs;

	kfree(a);
	allocs = fake.allocs;
	for (int i = 0; i < 10000; i++) {
		void *b = kmalloc(4096, GFP_KERNEL);

		cr_assert_eq(b, a);
		kfree(b);
	}
	cr_expect_eq(fake.allocs, allocs, "no backend traffic in the steady state");
}

Test(slab, backend_exhaustion_returns_null_then_recovers)
{
	static const size_t sizes[] = { 8, 96, 1000, 4096, 10000 };
	static void *p[20000];
	struct kmem_cache *x;
	size_t n;

	for (unsigned s = 0; s < ARRAY_SIZE(sizes); s++) {
		fake.page_limit = 16;
		for (n = 0; n < ARRAY_SIZE(p); n++) {
			p[n] = kmalloc(sizes[s], GFP_KERNEL);
			if (!p[n])
				break;
			memset(p[n], 0x77, sizes[s]);
		}
		cr_assert_lt(n, ARRAY_SIZE(p), "size %zu never ran out", sizes[s]);
		cr_assert_gt(n, 0);
		cr_expect_null(kmalloc(sizes[s], GFP_KERNEL), "still out of memory");
		x = kmem_cache_create("x", 3000, 0); /* may fit: it needs no slab */
		if (x) {
			cr_expect_null(kmem_cache_alloc(x, GFP_KERNEL), "no room for a slab");
			kmem_cache_destroy(x);
		}
		while (n--)
			kfree(p[n]);
		fake.page_limit = UINT64_MAX;
		p[0] = kmalloc(sizes[s], GFP_KERNEL);
		cr_expect_not_null(p[0], "the heap works again");
		kfree(p[0]);
		slab_trim();
		cr_expect_eq(fake.pages_in_use, 0, "size %zu leaked", sizes[s]);
	}
	cr_expect_eq(fake.nreports, 0);
}

Test(slab, offslab_header_exhaustion_returns_slab_pages)
{
	/*
	 * kmalloc-1k: 2-page slabs of 8 objects, headers off the slab. Allow
	 * exactly the pages of one more slab once the header cache's first
	 * page is full: the slab's pages come, its header page does not.
	 */
	size_t headers = (PAGE_SIZE - sizeof(struct slab)) / sizeof(struct slab);
	size_t n = 0, max = headers * 8 + 100;
	void **p = calloc(max, sizeof(*p));

	fake.page_limit = 1 + 2 * headers + 2;
	while (n < max && (p[n] = kmalloc(1024, GFP_KERNEL)))
		n++;
	cr_expect_eq(n, headers * 8);
	cr_expect_eq(fake.pages_in_use, 1 + 2 * headers, "the failed slab's pages came back");
	fake.page_limit = UINT64_MAX;
	p[n] = kmalloc(1024, GFP_KERNEL);
	cr_expect_not_null(p[n++]);
	while (n--)
		kfree(p[n]);
	slab_trim();
	cr_expect_eq(fake.pages_in_use, 0);
	cr_expect_eq(fake.nreports, 0);
	free(p);
}

/* ---- randomized runs against the model -------------------------------- */

Test(slab, random_model_seed_1, .timeout = 300)
{
	slab_model_run(1, 200000, 4000);
}

Test(slab, random_model_seed_2_small_live_set, .timeout = 300)
{
	slab_model_run(0x9e3779b97f4a7c15ull, 150000, 300);
}

Test(slab, random_model_seed_3, .timeout = 300)
{
	slab_model_run(3, 120000, 2000);
}
