// SPDX-License-Identifier: MIT
/*
 * Host unit tests for the heap's debug caches (memory/slab_debug.c): red
 * zone overwrites before and after an object, reported with the allocating
 * and the freeing call site; double frees; writes to freed objects, found
 * when the slot is handed out again; overwritten free list links and state
 * words; and the randomized model run with every check on.
 *
 * The same heap objects as the release tests: slab_set_debug(true) before
 * slab_init() turns the checks on for this process (each Criterion test is
 * a process of its own), so one test binary covers both modes.
 */
#include <criterion/criterion.h>
#include <stdint.h>
#include <string.h>
#include <xdv/errno.h>

#include "slab_fake.h"

static void debug_heap_setup(void)
{
	fake_backend_setup();
	cr_assert_eq(slab_set_debug(true), 0);
	slab_init();
}

static void debug_heap_teardown(void)
{
	fake_backend_teardown();
}

TestSuite(slab_debug, .init = debug_heap_setup, .fini = debug_heap_teardown);

/* Allocation and free from known places, to check the reported callers. */
static __attribute__((noinline)) char *alloc_site(size_t size)
{
	char *p = kmalloc(size, GFP_KERNEL);

	__asm__ volatile("" ::: "memory"); /* keep kmalloc a call, not a tail jump */
	return p;
}

static __attribute__((noinline)) void free_site(const void *p)
{
	kfree(p);
	__asm__ volatile("" ::: "memory");
}

static bool caller_in(const void *caller, const void *fn)
{
	uintptr_t c = (uintptr_t)caller, f = (uintptr_t)fn;

	return c > f && c < f + 1024;
}

/* The one report so far, checked for kind, object and first bad byte. */
static const struct fake_report *one_corruption(const char *what, const void *obj,
						const void *bad)
{
	const struct fake_report *r = &fake.reports[0];

	cr_assert_eq(fake.nreports, 1, "%u reports", fake.nreports);
	cr_assert(r->corruption);
	cr_assert(strstr(r->what, what), "report \"%s\", wanted \"%s\"", r->what, what);
	cr_expect_eq(r->ptr, obj);
	cr_expect_eq(r->bad, bad);
	return r;
}

Test(slab_debug, set_debug_after_init_is_refused)
{
	cr_expect_eq(slab_set_debug(false), -EBUSY);
}

Test(slab_debug, objects_aligned_and_handed_out_poisoned)
{
	for (size_t size = 8; size <= 4096; size *= 2) {
		unsigned char *p = kmalloc(size, GFP_KERNEL);

		cr_assert_eq((uintptr_t)p % size, 0, "kmalloc(%zu) = %p", size, p);
		cr_assert_eq(ksize(p), size);
		for (size_t i = 0; i < size; i++)
			cr_assert_eq(p[i], SLAB_POISON_FREE);
		kfree(p);
	}
	cr_expect_eq(fake.nreports, 0);
}

Test(slab_debug, kzalloc_zeroes_over_the_poison)
{
	unsigned char *p = kzalloc(100, GFP_KERNEL);

	for (int i = 0; i < 100; i++)
		cr_assert_eq(p[i], 0);
	kfree(p);
	cr_expect_eq(fake.nreports, 0);
}

Test(slab_debug, stats_slot_holds_red_zones)
{
	struct kmem_cache *c = kmem_cache_create("dbg", 13, 0);
	struct kmem_cache_stats st;

	kmem_cache_get_stats(c, &st);
	cr_expect_eq(st.object_size, 13);
	cr_expect_geq(st.slot_size, 13 + 2 * SLAB_RED_ZONE_MIN + sizeof(struct slab_debug_meta));
	kmem_cache_destroy(c);
}

Test(slab_debug, red_zone_after_overwrite_reported_with_both_callers)
{
	char *p = alloc_site(64);
	const struct fake_report *r;

	p[64] = 'x';
	free_site(p);
	r = one_corruption("after", p, p + 64);
	cr_expect(caller_in(r->alloc_caller, alloc_site));
	cr_expect(caller_in(r->free_caller, free_site));
	/* Repaired: the slot's next life reports nothing. */
	p = kmalloc(64, GFP_KERNEL);
	kfree(p);
	cr_expect_eq(fake.nreports, 1);
}

Test(slab_debug, red_zone_before_overwrite_reported_with_both_callers)
{
	char *p = alloc_site(200);
	const struct fake_report *r;

	p[-3] = 0;
	free_site(p);
	r = one_corruption("before", p, p - 3);
	cr_expect(caller_in(r->alloc_caller, alloc_site));
	cr_expect(caller_in(r->free_caller, free_site));
}

Test(slab_debug, red_zone_of_odd_sized_cache_object_catches_one_byte_overflow)
{
	struct kmem_cache *c = kmem_cache_create("odd", 13, 0);
	char *p = kmem_cache_alloc(c, GFP_KERNEL);
	char *q = kmem_cache_alloc(c, GFP_KERNEL);

	memset(p, 1, 13); /* all of the object: fine */
	kmem_cache_free(c, p);
	cr_expect_eq(fake.nreports, 0);
	q[13] = 1;
	kmem_cache_free(c, q);
	one_corruption("after", q, q + 13);
	kmem_cache_destroy(c);
}

Test(slab_debug, red_zone_far_end_of_4k_object_checked)
{
	char *p = kmalloc(4096, GFP_KERNEL);

	p[4096 + 15] = 0;
	kfree(p);
	one_corruption("after", p, p + 4096 + 15);
}

Test(slab_debug, double_free_not_in_a_row_reported_and_ignored)
{
	char *a = kmalloc(32, GFP_KERNEL);
	char *b = kmalloc(32, GFP_KERNEL);
	char *x, *y, *z;

	kfree(a);
	kfree(b);
	free_site(a);
	cr_assert_eq(fake.nreports, 1);
	cr_expect_str_eq(fake.reports[0].what, "double free");
	cr_expect_eq(fake.reports[0].ptr, a);
	cr_expect(caller_in(fake.reports[0].caller, free_site));
	/* The free list holds a and b once each. */
	x = kmalloc(32, GFP_KERNEL);
	y = kmalloc(32, GFP_KERNEL);
	z = kmalloc(32, GFP_KERNEL);
	cr_expect(x != y && y != z && x != z);
	cr_expect((x == a || y == a) && (x == b || y == b));
	kfree(x);
	kfree(y);
	kfree(z);
	cr_expect_eq(fake.nreports, 1);
}

Test(slab_debug, write_after_free_found_when_slot_reused)
{
	char *keep = kmalloc(128, GFP_KERNEL); /* keeps the slab alive */
	char *p = alloc_site(128);
	const struct fake_report *r;
	char *q;

	free_site(p);
	p[5] = 0x42;
	q = kmalloc(128, GFP_KERNEL);
	cr_assert_eq(q, p, "the last freed slot comes back first");
	r = one_corruption("freed object", p, p + 5);
	cr_expect(caller_in(r->alloc_caller, alloc_site));
	cr_expect(caller_in(r->free_caller, free_site));
	kfree(q);
	kfree(keep);
	cr_expect_eq(fake.nreports, 1);
}

Test(slab_debug, overwritten_free_link_takes_slab_out_of_service)
{
	struct kmem_cache *c = kmem_cache_create("links", 64, 0);
	char *keep = kmem_cache_alloc(c, GFP_KERNEL);
	char *p = kmem_cache_alloc(c, GFP_KERNEL);
	char *q;

	kmem_cache_free(c, p);
	/* The link sits in the meta block at the start of p's slot. */
	*(void **)(p - c->obj_offset) = (void *)(uintptr_t)0x1234;
	q = kmem_cache_alloc(c, GFP_KERNEL);
	cr_assert_not_null(q, "a fresh slab serves the allocation");
	cr_expect_neq(q, p);
	cr_expect_neq(slab_find(q), slab_find(p));
	one_corruption("free list", p, p - c->obj_offset);
	kmem_cache_free(c, q);
	kmem_cache_free(c, keep);
	cr_expect_eq(fake.nreports, 1);
}

Test(slab_debug, overwritten_state_word_free_refused)
{
	char *p = kmalloc(48, GFP_KERNEL);
	struct slab_debug_meta *meta = (void *)(p - slab_find(p)->cache->obj_offset);

	meta->state = 0;
	kfree(p);
	one_corruption("state", p, meta);
}

Test(slab_debug, foreign_and_misaligned_frees_reported)
{
	char *p = kmalloc(64, GFP_KERNEL);
	int on_stack;

	kfree(&on_stack);
	kfree(p + 8);
	kfree(p - 16); /* in the left red zone */
	cr_expect_eq(fake_reports_matching("not a heap object"), 1);
	cr_expect_eq(fake_reports_matching("not the start"), 2);
	kfree(p);
	cr_expect_eq(fake.nreports, 3);
}

Test(slab_debug, random_model_with_checks_on, .timeout = 300)
{
	slab_model_run(42, 100000, 2000);
}
