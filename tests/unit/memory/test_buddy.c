// SPDX-License-Identifier: MIT
/*
 * Host unit tests for the buddy page allocator (memory/buddy.c). Zones are
 * built over heap arrays of struct page of exactly their size (so
 * AddressSanitizer catches any step outside), at aligned and unaligned base
 * frames, with reserved holes. Long randomized alloc/free runs with fixed
 * seeds are checked against a per-frame model: every block inside the
 * zone, naturally aligned, never over a hole or a held block, the counters
 * exact, buddy_check() clean, and after freeing everything the free lists
 * are exactly as they were at the start (full coalescing).
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include <xdv/errno.h>
#include "../../../memory/page.h"

struct hole {
	pfn_t start, end; /* absolute frames, [start, end) */
};

struct block {
	pfn_t pfn;
	unsigned order;
};

/* A zone under test, with the model the allocator is checked against. */
struct tzone {
	struct buddy_zone z;
	struct page *pages;
	uint8_t *hole;  /* per frame: 1 = never released */
	uint8_t *held;  /* per frame: 1 = inside a block we hold */
	uint64_t managed;
	struct block *heldv; /* the blocks we hold */
	size_t nheld;
	uint64_t held_pages;
};

static struct tzone tz;

static void tzone_destroy(void)
{
	free(tz.pages);
	free(tz.hole);
	free(tz.held);
	free(tz.heldv);
	memset(&tz, 0, sizeof(tz));
}

/* A zone over [base, base + npages) with every frame outside holes released. */
static void tzone_create(pfn_t base, uint64_t npages, const struct hole *holes, size_t nholes)
{
	tzone_destroy();
	tz.pages = malloc(npages * sizeof(struct page));
	tz.hole = calloc(npages, 1);
	tz.held = calloc(npages, 1);
	tz.heldv = malloc(npages * sizeof(struct block));
	cr_assert(tz.pages && tz.hole && tz.held && tz.heldv);
	buddy_zone_init(&tz.z, "test", tz.pages, base, npages, 3);
	cr_assert_eq(tz.z.free_pages, 0);
	cr_assert_eq(tz.z.managed_pages, 0);
	cr_assert_eq(buddy_check(&tz.z), 0);
	for (size_t h = 0; h < nholes; h++)
		for (pfn_t f = holes[h].start; f < holes[h].end; f++)
			if (f >= base && f - base < npages)
				tz.hole[f - base] = 1;
	/* Release the gaps between holes, each as one range. */
	for (uint64_t i = 0; i < npages;) {
		uint64_t j = i;

		while (j < npages && !tz.hole[j])
			j++;
		if (j > i)
			buddy_free_range(&tz.z, base + i, j - i);
		tz.managed += j - i;
		while (j < npages && tz.hole[j])
			j++;
		i = j;
	}
	cr_assert_eq(tz.z.managed_pages, tz.managed);
	cr_assert_eq(tz.z.free_pages, tz.managed);
	cr_assert_eq(buddy_check(&tz.z), 0);
}

/* The free blocks of a zone, sorted by frame: its exact shape. */
static size_t snapshot(const struct buddy_zone *z, struct block *out, size_t max)
{
	size_t n = 0;

	for (unsigned o = 0; o <= BUDDY_MAX_ORDER; o++)
		for (const struct page *p = z->free[o].head; p; p = p->next) {
			cr_assert_lt(n, max);
			out[n++] = (struct block){ buddy_page_to_pfn(z, p), o };
		}
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0 && out[j - 1].pfn > out[j].pfn; j--) {
			struct block t = out[j];

			out[j] = out[j - 1];
			out[j - 1] = t;
		}
	return n;
}

/* Largest aligned blocks covering [start, end): what buddy_free_range must build. */
static size_t greedy_blocks(pfn_t start, pfn_t end, struct block *out)
{
	size_t n = 0;

	while (start < end) {
		unsigned o = BUDDY_MAX_ORDER;

		while (o > 0 && ((start & ((1ull << o) - 1)) || start + (1ull << o) > end))
			o--;
		out[n++] = (struct block){ start, o };
		start += 1ull << o;
	}
	return n;
}

static void assert_blocks_eq(const struct block *a, size_t na, const struct block *b, size_t nb)
{
	cr_assert_eq(na, nb, "%zu free blocks, expected %zu", na, nb);
	for (size_t i = 0; i < na; i++) {
		cr_assert_eq(a[i].pfn, b[i].pfn, "block %zu at pfn %lu, expected %lu", i,
			     (unsigned long)a[i].pfn, (unsigned long)b[i].pfn);
		cr_assert_eq(a[i].order, b[i].order, "block %zu (pfn %lu): order %u, expected %u",
			     i, (unsigned long)a[i].pfn, a[i].order, b[i].order);
	}
}

/* Allocate through the model: checks the block and records it as held. */
static struct page *t_alloc(unsigned order)
{
	struct page *p = buddy_alloc(&tz.z, order);
	uint64_t n = 1ull << order;

	if (!p)
		return NULL;
	pfn_t pfn = buddy_page_to_pfn(&tz.z, p);
	uint64_t idx = pfn - tz.z.base_pfn;

	cr_assert(pfn >= tz.z.base_pfn && idx + n <= tz.z.npages, "block outside the zone");
	cr_assert_eq(pfn & (n - 1), 0, "pfn %lu not aligned to order %u", (unsigned long)pfn, order);
	cr_assert(p->flags & PG_ALLOCATED);
	cr_assert_eq(p->order, order);
	for (uint64_t i = 0; i < n; i++) {
		cr_assert(!tz.hole[idx + i], "pfn %lu is in a hole", (unsigned long)(pfn + i));
		cr_assert(!tz.held[idx + i], "pfn %lu handed out twice", (unsigned long)(pfn + i));
		tz.held[idx + i] = 1;
	}
	tz.heldv[tz.nheld++] = (struct block){ pfn, order };
	tz.held_pages += n;
	cr_assert_eq(tz.z.free_pages, tz.managed - tz.held_pages);
	return p;
}

/* Free held block i (swap-remove from the held list). */
static void t_free(size_t i)
{
	struct block b = tz.heldv[i];
	uint64_t n = 1ull << b.order;
	uint64_t idx = b.pfn - tz.z.base_pfn;

	buddy_free(&tz.z, buddy_pfn_to_page(&tz.z, b.pfn), b.order);
	for (uint64_t k = 0; k < n; k++)
		tz.held[idx + k] = 0;
	tz.heldv[i] = tz.heldv[--tz.nheld];
	tz.held_pages -= n;
	cr_assert_eq(tz.z.free_pages, tz.managed - tz.held_pages);
}

static void t_free_all(void)
{
	while (tz.nheld)
		t_free(tz.nheld - 1);
}

/*
 * After a failed alloc of order: no aligned block of that order is wholly
 * free in the model (a fully merged buddy would have found it).
 */
static void assert_no_free_block(unsigned order)
{
	uint64_t n = 1ull << order;
	pfn_t base = tz.z.base_pfn;
	pfn_t first = (base + n - 1) & ~(n - 1);

	for (pfn_t p = first; p + n <= base + tz.z.npages; p += n) {
		uint64_t k = 0;

		while (k < n && !tz.hole[p - base + k] && !tz.held[p - base + k])
			k++;
		cr_assert_lt(k, n, "order %u alloc failed but pfn %lu..+%lu is free", order,
			     (unsigned long)p, (unsigned long)n);
	}
}

static uint64_t rng_state;

static uint64_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

/*
 * ops random operations in phases that lean to allocating or to freeing,
 * so the zone goes from empty to full and back; then free everything and
 * compare with the initial free lists.
 */
static void random_run(uint64_t seed, unsigned ops, unsigned check_every)
{
	static const unsigned alloc_pct[] = { 50, 90, 30, 70, 10, 95, 50 };
	size_t cap = tz.z.npages + 16;
	struct block *before = malloc(cap * sizeof(*before));
	struct block *after = malloc(cap * sizeof(*after));
	size_t nbefore = snapshot(&tz.z, before, cap);
	unsigned failures = 0, successes = 0;

	rng_state = seed;
	for (unsigned op = 0; op < ops; op++) {
		unsigned pct = alloc_pct[(op / 4000) % ARRAY_SIZE(alloc_pct)];

		if (!tz.nheld || rng() % 100 < pct) {
			/* Small orders more often, every order 0..10 regularly. */
			unsigned order = (rng() % 4) ? rng() % 4 : rng() % (BUDDY_MAX_ORDER + 1);

			if (t_alloc(order)) {
				successes++;
			} else {
				failures++;
				if (failures % 32 == 1)
					assert_no_free_block(order);
			}
		} else {
			t_free(rng() % tz.nheld);
		}
		if (op % check_every == 0)
			cr_assert_eq(buddy_check(&tz.z), 0, "buddy_check failed after op %u", op);
	}
	cr_assert_gt(successes, ops / 4);
	cr_assert_gt(failures, 0, "the run never filled the zone");
	t_free_all();
	cr_assert_eq(buddy_check(&tz.z), 0);
	cr_assert_eq(tz.z.free_pages, tz.managed);
	cr_assert_eq(tz.z.managed_pages, tz.managed);
	cr_assert_eq(tz.z.bad_frees, 0);
	assert_blocks_eq(after, snapshot(&tz.z, after, cap), before, nbefore);
	free(before);
	free(after);
}

TestSuite(buddy, .fini = tzone_destroy);

Test(buddy, zone_init_all_reserved_nothing_free)
{
	tzone_create(100, 50, NULL, 0);
	buddy_zone_init(&tz.z, "x", tz.pages, 100, 50, 7);
	for (unsigned i = 0; i < 50; i++) {
		cr_assert_eq(tz.pages[i].flags, PG_RESERVED);
		cr_assert_eq(tz.pages[i].zone, 7);
	}
	cr_assert_eq(tz.z.free_pages, 0);
	cr_assert_null(buddy_alloc(&tz.z, 0));
	cr_assert_eq(buddy_check(&tz.z), 0);
}

Test(buddy, free_range_aligned_zone_gives_max_order_blocks)
{
	struct block got[16], want[4];

	tzone_create(0, 4096, NULL, 0);
	for (unsigned i = 0; i < 4; i++)
		want[i] = (struct block){ i * 1024, BUDDY_MAX_ORDER };
	assert_blocks_eq(got, snapshot(&tz.z, got, 16), want, 4);
	cr_assert_eq(tz.z.free[BUDDY_MAX_ORDER].count, 4);
}

Test(buddy, free_range_unaligned_base_largest_aligned_blocks)
{
	struct block got[64], want[64];

	tzone_create(517, 3000, NULL, 0);
	assert_blocks_eq(got, snapshot(&tz.z, got, 64), want, greedy_blocks(517, 3517, want));
	cr_assert_eq(tz.z.free_pages, 3000);
}

Test(buddy, free_range_page_by_page_merges_like_one_range)
{
	struct block got[64], want[64];
	pfn_t order_of[3000];

	tzone_destroy();
	tz.pages = malloc(3000 * sizeof(struct page));
	buddy_zone_init(&tz.z, "t", tz.pages, 517, 3000, 0);
	for (unsigned i = 0; i < 3000; i++)
		order_of[i] = 517 + i;
	rng_state = 42;
	for (unsigned i = 2999; i > 0; i--) {
		unsigned j = rng() % (i + 1);
		pfn_t t = order_of[i];

		order_of[i] = order_of[j];
		order_of[j] = t;
	}
	for (unsigned i = 0; i < 3000; i++) {
		buddy_free_range(&tz.z, order_of[i], 1);
		if (i % 97 == 0)
			cr_assert_eq(buddy_check(&tz.z), 0);
	}
	cr_assert_eq(buddy_check(&tz.z), 0);
	cr_assert_eq(tz.z.managed_pages, 3000);
	assert_blocks_eq(got, snapshot(&tz.z, got, 64), want, greedy_blocks(517, 3517, want));
}

Test(buddy, free_range_partly_outside_zone_is_clipped)
{
	struct block got[64], want[64];

	tzone_destroy();
	tz.pages = malloc(1000 * sizeof(struct page));
	buddy_zone_init(&tz.z, "t", tz.pages, 2000, 1000, 0);
	buddy_free_range(&tz.z, 0, 2003);        /* ends 3 frames in */
	buddy_free_range(&tz.z, 2997, 1000);     /* starts 3 before the end */
	buddy_free_range(&tz.z, 5000, 100);      /* wholly outside */
	buddy_free_range(&tz.z, 10, 0);          /* empty */
	buddy_free_range(&tz.z, UINT64_MAX - 5, 100); /* wraps */
	cr_assert_eq(tz.z.managed_pages, 6);
	cr_assert_eq(buddy_check(&tz.z), 0);
	buddy_free_range(&tz.z, 1500, UINT64_MAX); /* the rest, count overflowing */
	cr_assert_eq(tz.z.managed_pages, 1000);
	cr_assert_eq(tz.z.free_pages, 1000);
	cr_assert_eq(buddy_check(&tz.z), 0);
	assert_blocks_eq(got, snapshot(&tz.z, got, 64), want, greedy_blocks(2000, 3000, want));
}

Test(buddy, free_range_twice_changes_nothing)
{
	struct block a[64], b[64];
	size_t na;

	tzone_create(517, 3000, NULL, 0);
	na = snapshot(&tz.z, a, 64);
	buddy_free_range(&tz.z, 517, 3000);
	buddy_free_range(&tz.z, 600, 7);
	cr_assert_eq(tz.z.managed_pages, 3000);
	cr_assert_eq(tz.z.free_pages, 3000);
	cr_assert_eq(buddy_check(&tz.z), 0);
	assert_blocks_eq(b, snapshot(&tz.z, b, 64), a, na);
	/* Also with an allocated block inside the range: it stays allocated. */
	struct page *p = t_alloc(5);

	buddy_free_range(&tz.z, 517, 3000);
	cr_assert(p->flags & PG_ALLOCATED);
	cr_assert_eq(tz.z.free_pages, 3000 - 32);
	cr_assert_eq(buddy_check(&tz.z), 0);
}

Test(buddy, free_range_unaligned_pieces_with_holes_between)
{
	static const struct hole holes[] = {
		{ 600, 613 }, { 1024, 1025 }, { 2047, 2100 }, { 3510, 3517 }, { 517, 520 },
	};
	struct block got[128], want[128];
	size_t nw = 0;

	tzone_create(517, 3000, holes, ARRAY_SIZE(holes));
	nw += greedy_blocks(520, 600, want + nw);
	nw += greedy_blocks(613, 1024, want + nw);
	nw += greedy_blocks(1025, 2047, want + nw);
	nw += greedy_blocks(2100, 3510, want + nw);
	assert_blocks_eq(got, snapshot(&tz.z, got, 128), want, nw);
	cr_assert_eq(tz.z.managed_pages, 3000 - 13 - 1 - 53 - 7 - 3);
	for (pfn_t f = 600; f < 613; f++)
		cr_assert_eq(buddy_pfn_to_page(&tz.z, f)->flags, PG_RESERVED);
}

Test(buddy, reserved_hole_blocks_merge)
{
	static const struct hole holes[] = { { 1, 2 } };
	struct page *p;

	tzone_create(0, 2, holes, 1);
	cr_assert_eq(tz.z.free[0].count, 1);
	p = buddy_alloc(&tz.z, 0);
	cr_assert_not_null(p);
	cr_assert_eq(buddy_page_to_pfn(&tz.z, p), 0);
	cr_assert_null(buddy_alloc(&tz.z, 0));
	buddy_free(&tz.z, p, 0);
	cr_assert_eq(tz.z.free[0].count, 1, "merged with a reserved buddy");
	cr_assert_eq(tz.z.free[1].count, 0);
	cr_assert_eq(buddy_check(&tz.z), 0);
}

Test(buddy, alloc_order_above_max_returns_null)
{
	tzone_create(0, 4096, NULL, 0);
	cr_assert_null(buddy_alloc(&tz.z, BUDDY_MAX_ORDER + 1));
	cr_assert_null(buddy_alloc(&tz.z, 64));
	cr_assert_null(buddy_alloc(&tz.z, ~0u));
	cr_assert_eq(tz.z.free_pages, 4096);
	cr_assert_not_null(t_alloc(BUDDY_MAX_ORDER));
}

Test(buddy, alloc_too_large_for_unaligned_zone_returns_null)
{
	/* 3000 frames at 517: the largest aligned block is 1024 at 1024. */
	tzone_create(517, 3000, NULL, 0);
	cr_assert_not_null(t_alloc(10));
	cr_assert_not_null(t_alloc(10));
	cr_assert_null(buddy_alloc(&tz.z, 10));
	cr_assert_null(buddy_alloc(&tz.z, 9)); /* [512, 1024) starts below the zone */
	cr_assert_not_null(t_alloc(8));       /* [3072, 3328) */
	cr_assert_eq(buddy_check(&tz.z), 0);
}

Test(buddy, alloc_splits_and_free_remerges)
{
	struct page *p;

	tzone_create(0, 1024, NULL, 0);
	p = t_alloc(0);
	cr_assert_eq(buddy_page_to_pfn(&tz.z, p), 0);
	for (unsigned o = 0; o < BUDDY_MAX_ORDER; o++)
		cr_assert_eq(tz.z.free[o].count, 1, "order %u", o);
	cr_assert_eq(tz.z.free[BUDDY_MAX_ORDER].count, 0);
	cr_assert_eq(buddy_check(&tz.z), 0);
	t_free(0);
	cr_assert_eq(tz.z.free[BUDDY_MAX_ORDER].count, 1);
	cr_assert_eq(buddy_check(&tz.z), 0);
}

static void exhaust(pfn_t base, uint64_t npages, unsigned order, const struct hole *holes,
		    size_t nholes)
{
	struct block a[256], b[256];
	size_t na;
	uint64_t got = 0;

	tzone_create(base, npages, holes, nholes);
	na = snapshot(&tz.z, a, 256);
	while (t_alloc(order))
		got += 1ull << order;
	assert_no_free_block(order);
	if (order == 0)
		cr_assert_eq(got, tz.managed);
	if (base == 0 && npages % (1u << order) == 0 && !nholes)
		cr_assert_eq(tz.z.free_pages, 0);
	cr_assert_eq(tz.z.free_pages, tz.managed - got);
	cr_assert_eq(buddy_check(&tz.z), 0);
	/* Free in a scrambled order. */
	rng_state = 7;
	while (tz.nheld)
		t_free(rng() % tz.nheld);
	cr_assert_eq(buddy_check(&tz.z), 0);
	assert_blocks_eq(b, snapshot(&tz.z, b, 256), a, na);
}

Test(buddy, exhaust_order0_count_equals_managed)
{
	static const struct hole holes[] = { { 600, 613 }, { 2047, 2100 } };

	exhaust(0, 4096, 0, NULL, 0);
	exhaust(517, 3000, 0, holes, ARRAY_SIZE(holes));
}

Test(buddy, exhaust_order9_then_back_to_initial)
{
	static const struct hole holes[] = { { 600, 613 }, { 2047, 2100 } };

	exhaust(0, 4096, 9, NULL, 0);
	cr_assert_eq(tz.nheld, 0);
	exhaust(517, 3000, 9, holes, ARRAY_SIZE(holes));
}

Test(buddy, free_twice_detected_state_unchanged)
{
	struct block a[64], b[64];
	struct page *p, *q;
	size_t na;

	tzone_create(517, 3000, NULL, 0);
	p = t_alloc(3);
	q = t_alloc(0);
	buddy_free(&tz.z, p, 3);
	na = snapshot(&tz.z, a, 64);
	uint64_t free_before = tz.z.free_pages;

	buddy_free(&tz.z, p, 3); /* double free of a block that merged away */
	cr_assert_eq(tz.z.bad_frees, 1);
	cr_assert_eq(tz.z.free_pages, free_before);
	assert_blocks_eq(b, snapshot(&tz.z, b, 64), a, na);
	cr_assert_eq(buddy_check(&tz.z), 0);

	buddy_free(&tz.z, q, 0);
	buddy_free(&tz.z, q, 0); /* double free of a block now a free head */
	cr_assert_eq(tz.z.bad_frees, 2);
	cr_assert_eq(tz.z.free_pages, 3000);
	cr_assert_eq(buddy_check(&tz.z), 0);
}

Test(buddy, free_wrong_order_detected_state_unchanged)
{
	struct block a[64], b[64];
	struct page *p;
	size_t na;

	tzone_create(0, 4096, NULL, 0);
	p = t_alloc(4);
	na = snapshot(&tz.z, a, 64);
	buddy_free(&tz.z, p, 3);
	buddy_free(&tz.z, p, 5);
	buddy_free(&tz.z, p, BUDDY_MAX_ORDER + 1);
	cr_assert_eq(tz.z.bad_frees, 3);
	cr_assert_eq(tz.z.free_pages, 4096 - 16);
	cr_assert(p->flags & PG_ALLOCATED);
	assert_blocks_eq(b, snapshot(&tz.z, b, 64), a, na);
	cr_assert_eq(buddy_check(&tz.z), 0);
	t_free(0);
	cr_assert_eq(tz.z.free_pages, 4096);
	cr_assert_eq(tz.z.bad_frees, 3);
}

Test(buddy, free_of_non_head_pages_detected)
{
	static const struct hole holes[] = { { 10, 11 } };
	struct page other[4];
	struct page *p;

	tzone_create(0, 64, holes, 1);
	p = t_alloc(2);
	buddy_free(&tz.z, NULL, 0);
	buddy_free(&tz.z, p + 1, 0);                          /* tail page */
	buddy_free(&tz.z, &tz.pages[10], 0);                  /* reserved hole */
	buddy_free(&tz.z, tz.z.free[3].head, 3);              /* a free head */
	buddy_free(&tz.z, &other[1], 0);                      /* not in the zone */
	buddy_free(&tz.z, (struct page *)((char *)p + 8), 2); /* misaligned pointer */
	cr_assert_eq(tz.z.bad_frees, 6);
	cr_assert_eq(tz.z.free_pages, tz.managed - 4);
	cr_assert_eq(buddy_check(&tz.z), 0);
	/* Flags users may add to an allocated head do not stop the free. */
	p->flags |= PG_SLAB;
	t_free(0);
	cr_assert_eq(tz.z.bad_frees, 6);
	cr_assert_eq(buddy_check(&tz.z), 0);
}

Test(buddy, pfn_page_roundtrip_and_outside_null)
{
	tzone_create(517, 3000, NULL, 0);
	for (pfn_t f = 517; f < 3517; f += 37)
		cr_assert_eq(buddy_page_to_pfn(&tz.z, buddy_pfn_to_page(&tz.z, f)), f);
	cr_assert_eq(buddy_pfn_to_page(&tz.z, 517), &tz.pages[0]);
	cr_assert_eq(buddy_pfn_to_page(&tz.z, 3516), &tz.pages[2999]);
	cr_assert_null(buddy_pfn_to_page(&tz.z, 516));
	cr_assert_null(buddy_pfn_to_page(&tz.z, 3517));
	cr_assert_null(buddy_pfn_to_page(&tz.z, UINT64_MAX));
}

Test(buddy, check_detects_corruption)
{
	struct page *p;

	tzone_create(0, 256, NULL, 0);
	p = t_alloc(2);
	cr_assert_eq(buddy_check(&tz.z), 0);

	tz.z.free_pages++;
	cr_assert_eq(buddy_check(&tz.z), -EINVAL);
	tz.z.free_pages--;

	p[1].flags = PG_FREE; /* a head inside an allocated block */
	cr_assert_eq(buddy_check(&tz.z), -EINVAL);
	p[1].flags = 0;

	tz.z.free[0].count++;
	cr_assert_eq(buddy_check(&tz.z), -EINVAL);
	tz.z.free[0].count--;

	struct page *h = tz.z.free[2].head;

	h->order = 3; /* wrong order on its list */
	cr_assert_eq(buddy_check(&tz.z), -EINVAL);
	h->order = 2;

	tz.pages[255].flags = PG_RESERVED; /* a reserved page inside a free block */
	cr_assert_eq(buddy_check(&tz.z), -EINVAL);
	tz.pages[255].flags = 0;

	tz.z.free[7].head->flags = 0; /* managed pages that belong to no block */
	cr_assert_eq(buddy_check(&tz.z), -EINVAL);
	tz.z.free[7].head->flags = PG_FREE;

	p->flags = PG_FREE; /* an allocated block passing for free: missing from the lists */
	cr_assert_eq(buddy_check(&tz.z), -EINVAL);
	p->flags = PG_ALLOCATED;
	cr_assert_eq(buddy_check(&tz.z), 0);
}

Test(buddy, random_4096_aligned, .timeout = 120)
{
	tzone_create(0, 4096, NULL, 0);
	random_run(0x9e3779b97f4a7c15ull, 200000, 257);
}

Test(buddy, random_3000_at_517_with_holes, .timeout = 120)
{
	static const struct hole holes[] = {
		{ 600, 613 }, { 1024, 1025 }, { 1500, 1501 }, { 2047, 2100 }, { 3000, 3003 },
		{ 3510, 3517 },
	};

	tzone_create(517, 3000, holes, ARRAY_SIZE(holes));
	random_run(12345, 200000, 257);
}

Test(buddy, random_high_base_odd_size, .timeout = 120)
{
	static const struct hole holes[] = { { (1ull << 32) + 3, (1ull << 32) + 700 } };

	tzone_create((1ull << 32) - 1001, 5003, holes, ARRAY_SIZE(holes));
	random_run(0xdeadbeefull, 200000, 509);
}

Test(buddy, random_small_zone_check_every_op)
{
	static const struct hole holes[] = { { 70, 71 }, { 90, 96 } };

	tzone_create(37, 100, holes, ARRAY_SIZE(holes));
	random_run(99, 20000, 1);
}
