// SPDX-License-Identifier: MIT
/*
 * Host unit tests for the page cache's radix tree (fs/page_tree.c): insert,
 * lookup and delete; marks; next-present and next-marked searches across
 * node boundaries and tree heights; growing and shrinking; allocation
 * failure; and a randomized model check against a sorted array. Nodes come
 * from calloc through a counting allocator, so every test also checks that
 * no node is leaked once the tree is empty.
 */
#include <criterion/criterion.h>
#include <stdlib.h>

#include <xdv/errno.h>

#include "../../../fs/page_tree.h"
#include "xorshift.h"

struct counting_alloc {
	long live;
	long fail_after; /* allocations left before one fails; -1: never */
};

static struct page_cache_node *count_alloc(void *ctx)
{
	struct counting_alloc *c = ctx;

	if (c->fail_after == 0)
		return NULL;
	if (c->fail_after > 0)
		c->fail_after--;
	c->live++;
	return calloc(1, sizeof(struct page_cache_node));
}

static void count_free(struct page_cache_node *node, void *ctx)
{
	struct counting_alloc *c = ctx;

	c->live--;
	free(node);
}

struct fixture {
	struct page_cache_node *root;
	unsigned height;
	struct counting_alloc counts;
	struct page_tree_alloc a;
	struct page_tree t;
};

static void fixture_init(struct fixture *f)
{
	f->root = NULL;
	f->height = 0;
	f->counts = (struct counting_alloc){ 0, -1 };
	f->a = (struct page_tree_alloc){ count_alloc, count_free, &f->counts };
	f->t = (struct page_tree){ &f->root, &f->height };
}

/* Items are odd numbers made from the index, cast to a pointer (never
 * NULL; distinct for indices below 2^63). */
static void *item_of(uint64_t index)
{
	return (void *)(uintptr_t)(index * 2 + 1);
}

static void insert_ok(struct fixture *f, uint64_t index)
{
	cr_assert_eq(page_tree_insert(f->t, index, item_of(index), &f->a), 0,
		     "insert %llu", (unsigned long long)index);
}

Test(page_tree, page_tree_lookup_empty_returns_null)
{
	struct fixture f;

	fixture_init(&f);
	cr_expect_null(page_tree_lookup(f.t, 0));
	cr_expect_null(page_tree_lookup(f.t, UINT64_MAX));
	uint64_t found;
	cr_expect_null(page_tree_next(f.t, 0, &found));
	cr_expect_eq(f.height, 0);
}

Test(page_tree, page_tree_insert_small_index_uses_one_node)
{
	struct fixture f;

	fixture_init(&f);
	insert_ok(&f, 5);
	cr_expect_eq(f.height, 1);
	cr_expect_eq(f.counts.live, 1);
	cr_expect_eq(page_tree_lookup(f.t, 5), item_of(5));
	cr_expect_null(page_tree_lookup(f.t, 4));
	cr_expect_null(page_tree_lookup(f.t, 64 + 5));
	cr_expect_eq(page_tree_delete(f.t, 5, &f.a), item_of(5));
	cr_expect_eq(f.height, 0);
	cr_expect_null(f.root);
	cr_expect_eq(f.counts.live, 0);
}

Test(page_tree, page_tree_insert_twice_returns_eexist)
{
	struct fixture f;

	fixture_init(&f);
	insert_ok(&f, 100);
	cr_expect_eq(page_tree_insert(f.t, 100, item_of(7), &f.a), -EEXIST);
	cr_expect_eq(page_tree_insert(f.t, 101, NULL, &f.a), -EINVAL);
	cr_expect_null(page_tree_lookup(f.t, 101));
	cr_expect_eq(page_tree_lookup(f.t, 100), item_of(100));
	page_tree_delete(f.t, 100, &f.a);
	cr_expect_eq(f.counts.live, 0);
}

Test(page_tree, page_tree_insert_large_index_grows_and_delete_shrinks)
{
	struct fixture f;

	fixture_init(&f);
	insert_ok(&f, 1);
	insert_ok(&f, 64);             /* height 2 */
	cr_expect_eq(f.height, 2);
	insert_ok(&f, 1ull << 30);     /* height 6 */
	cr_expect_eq(f.height, 6);
	insert_ok(&f, UINT64_MAX);     /* the top: height 11 */
	cr_expect_eq(f.height, 11);
	cr_expect_eq(page_tree_lookup(f.t, UINT64_MAX), item_of(UINT64_MAX));
	cr_expect_eq(page_tree_lookup(f.t, 1ull << 30), item_of(1ull << 30));
	cr_expect_eq(page_tree_lookup(f.t, 64), item_of(64));
	cr_expect_null(page_tree_lookup(f.t, 65));

	cr_expect_eq(page_tree_delete(f.t, UINT64_MAX, &f.a), item_of(UINT64_MAX));
	cr_expect_eq(f.height, 6);
	cr_expect_eq(page_tree_delete(f.t, 1ull << 30, &f.a), item_of(1ull << 30));
	cr_expect_eq(f.height, 2);
	cr_expect_eq(page_tree_delete(f.t, 64, &f.a), item_of(64));
	cr_expect_eq(f.height, 1);
	cr_expect_eq(page_tree_lookup(f.t, 1), item_of(1));
	cr_expect_null(page_tree_delete(f.t, 64, &f.a));
	page_tree_delete(f.t, 1, &f.a);
	cr_expect_eq(f.counts.live, 0);
}

Test(page_tree, page_tree_next_crosses_node_boundaries)
{
	struct fixture f;
	uint64_t found = 0;

	fixture_init(&f);
	insert_ok(&f, 3);
	insert_ok(&f, 4095);     /* last slot of a height-2 tree */
	insert_ok(&f, 4096);     /* first index of the next level-2 subtree */
	insert_ok(&f, 1000000);

	cr_expect_eq(page_tree_next(f.t, 0, &found), item_of(3));
	cr_expect_eq(found, 3);
	cr_expect_eq(page_tree_next(f.t, 4, &found), item_of(4095));
	cr_expect_eq(found, 4095);
	cr_expect_eq(page_tree_next(f.t, 4096, &found), item_of(4096));
	cr_expect_eq(page_tree_next(f.t, 4097, &found), item_of(1000000));
	cr_expect_eq(found, 1000000);
	cr_expect_null(page_tree_next(f.t, 1000001, &found));
	cr_expect_null(page_tree_next(f.t, UINT64_MAX, &found));
	page_tree_delete(f.t, 3, &f.a);
	page_tree_delete(f.t, 4095, &f.a);
	page_tree_delete(f.t, 4096, &f.a);
	page_tree_delete(f.t, 1000000, &f.a);
	cr_expect_eq(f.counts.live, 0);
}

Test(page_tree, page_tree_marks_set_clear_and_propagate)
{
	struct fixture f;
	uint64_t found = 0;

	fixture_init(&f);
	for (uint64_t i = 0; i < 300; i++)
		insert_ok(&f, i * 37);
	cr_expect_not(page_tree_any_mark(f.t, PAGE_TREE_DIRTY));
	page_tree_set_mark(f.t, 37 * 10, PAGE_TREE_DIRTY);
	page_tree_set_mark(f.t, 37 * 200, PAGE_TREE_DIRTY);
	page_tree_set_mark(f.t, 37 * 200, PAGE_TREE_WRITEBACK);
	page_tree_set_mark(f.t, 5, PAGE_TREE_DIRTY); /* absent: no-op */
	cr_expect(page_tree_any_mark(f.t, PAGE_TREE_DIRTY));
	cr_expect(page_tree_get_mark(f.t, 370, PAGE_TREE_DIRTY));
	cr_expect_not(page_tree_get_mark(f.t, 370, PAGE_TREE_WRITEBACK));
	cr_expect_not(page_tree_get_mark(f.t, 5, PAGE_TREE_DIRTY));

	cr_expect_eq(page_tree_next_marked(f.t, 0, PAGE_TREE_DIRTY, &found), item_of(370));
	cr_expect_eq(found, 370);
	cr_expect_eq(page_tree_next_marked(f.t, 371, PAGE_TREE_DIRTY, &found),
		     item_of(7400));
	cr_expect_eq(found, 7400);
	cr_expect_null(page_tree_next_marked(f.t, 7401, PAGE_TREE_DIRTY, &found));
	cr_expect_eq(page_tree_next_marked(f.t, 0, PAGE_TREE_WRITEBACK, &found),
		     item_of(7400));

	page_tree_clear_mark(f.t, 370, PAGE_TREE_DIRTY);
	cr_expect_eq(page_tree_next_marked(f.t, 0, PAGE_TREE_DIRTY, &found), item_of(7400));
	page_tree_clear_mark(f.t, 7400, PAGE_TREE_DIRTY);
	cr_expect_not(page_tree_any_mark(f.t, PAGE_TREE_DIRTY));
	cr_expect(page_tree_any_mark(f.t, PAGE_TREE_WRITEBACK));
	/* A delete takes the item's marks with it. */
	page_tree_delete(f.t, 7400, &f.a);
	cr_expect_not(page_tree_any_mark(f.t, PAGE_TREE_WRITEBACK));
	for (uint64_t i = 0; i < 300; i++)
		page_tree_delete(f.t, i * 37, &f.a);
	cr_expect_eq(f.counts.live, 0);
}

Test(page_tree, page_tree_marks_survive_grow_and_shrink)
{
	struct fixture f;
	uint64_t found = 0;

	fixture_init(&f);
	insert_ok(&f, 2);
	page_tree_set_mark(f.t, 2, PAGE_TREE_DIRTY);
	insert_ok(&f, 1ull << 40); /* grows the tree above the marked leaf */
	cr_expect(page_tree_get_mark(f.t, 2, PAGE_TREE_DIRTY));
	cr_expect_eq(page_tree_next_marked(f.t, 0, PAGE_TREE_DIRTY, &found), item_of(2));
	cr_expect_null(page_tree_next_marked(f.t, 3, PAGE_TREE_DIRTY, &found));
	page_tree_delete(f.t, 1ull << 40, &f.a); /* shrinks back */
	cr_expect_eq(f.height, 1);
	cr_expect(page_tree_get_mark(f.t, 2, PAGE_TREE_DIRTY));
	cr_expect(page_tree_any_mark(f.t, PAGE_TREE_DIRTY));
	page_tree_delete(f.t, 2, &f.a);
	cr_expect_eq(f.counts.live, 0);
}

Test(page_tree, page_tree_insert_nomem_leaves_tree_unchanged)
{
	struct fixture f;

	fixture_init(&f);
	insert_ok(&f, 7);
	long before = f.counts.live;

	/* Index 1 << 30 needs 5 new nodes; let each count of them fail. */
	for (long n = 0; n < 5; n++) {
		f.counts.fail_after = n;
		cr_expect_eq(page_tree_insert(f.t, 1ull << 30, item_of(1), &f.a), -ENOMEM);
		cr_expect_eq(f.counts.live, before, "leak with fail_after %ld", n);
		cr_expect_eq(f.height, 1);
		cr_expect_eq(page_tree_lookup(f.t, 7), item_of(7));
	}
	f.counts.fail_after = 0;
	cr_expect_eq(page_tree_insert(f.t, 8, item_of(8), &f.a), 0); /* no node needed */
	f.counts.fail_after = -1;
	page_tree_delete(f.t, 7, &f.a);
	page_tree_delete(f.t, 8, &f.a);
	cr_expect_eq(f.counts.live, 0);

	/* An empty tree that cannot get its root stays empty. */
	f.counts.fail_after = 0;
	cr_expect_eq(page_tree_insert(f.t, 3, item_of(3), &f.a), -ENOMEM);
	cr_expect_null(f.root);
	cr_expect_eq(f.height, 0);
}

/* The model: which indices are present and which carry each mark. */
#define MODEL_N 64
struct model {
	uint64_t idx[MODEL_N];
	bool used[MODEL_N];
	bool mark[MODEL_N][PAGE_TREE_NR_MARKS];
};

static int model_find(const struct model *m, uint64_t index)
{
	for (int i = 0; i < MODEL_N; i++)
		if (m->used[i] && m->idx[i] == index)
			return i;
	return -1;
}

/* The smallest present (marked, if mark >= 0) index >= start, or -1. */
static int model_next(const struct model *m, uint64_t start, int mark)
{
	int best = -1;

	for (int i = 0; i < MODEL_N; i++) {
		if (!m->used[i] || m->idx[i] < start || (mark >= 0 && !m->mark[i][mark]))
			continue;
		if (best < 0 || m->idx[i] < m->idx[best])
			best = i;
	}
	return best;
}

/* Indices from a few clustered ranges and a few wide ones, so that both
 * node neighbours and tall trees are exercised. */
static uint64_t random_index(uint64_t *rng)
{
	uint64_t r = xorshift64star(rng);

	switch (r % 4) {
	case 0:
		return (r >> 8) % 200;
	case 1:
		return 4000 + (r >> 8) % 200;
	case 2:
		return (r >> 8) % (1ull << 24);
	default:
		return r >> (r % 64 / 2 + 2) ;
	}
}

Test(page_tree, page_tree_random_ops_match_model)
{
	struct fixture f;
	struct model m = { 0 };
	uint64_t rng = 0x9e3779b97f4a7c15ull;

	fixture_init(&f);
	for (int step = 0; step < 40000; step++) {
		uint64_t r = xorshift64star(&rng);
		uint64_t index = random_index(&rng);
		int at = model_find(&m, index);
		int mark = (int)(r >> 40) % PAGE_TREE_NR_MARKS;
		uint64_t found = 0;
		void *got;
		int want;

		switch (r % 6) {
		case 0: /* insert */
		case 1: {
			int slot = -1;

			for (int i = 0; i < MODEL_N && slot < 0; i++)
				if (!m.used[i])
					slot = i;
			if (slot < 0 && at < 0)
				break;
			int err = page_tree_insert(f.t, index, item_of(index), &f.a);

			if (at >= 0) {
				cr_assert_eq(err, -EEXIST, "step %d", step);
			} else {
				cr_assert_eq(err, 0, "step %d", step);
				m.used[slot] = true;
				m.idx[slot] = index;
				m.mark[slot][0] = m.mark[slot][1] = false;
			}
			break;
		}
		case 2: /* delete: half the time one that is present */
			if (at < 0 && (r & 0x100)) {
				for (int i = 0; i < MODEL_N; i++)
					if (m.used[i]) {
						at = i;
						index = m.idx[i];
						break;
					}
			}
			got = page_tree_delete(f.t, index, &f.a);
			cr_assert_eq(got, at >= 0 ? item_of(index) : NULL, "step %d", step);
			if (at >= 0)
				m.used[at] = false;
			break;
		case 3: /* set or clear a mark on a present index */
			for (int i = 0; i < MODEL_N && at < 0; i++)
				if (m.used[(i + (int)(r >> 50)) % MODEL_N])
					at = (i + (int)(r >> 50)) % MODEL_N;
			if (at < 0)
				break;
			if (r & 0x200) {
				page_tree_set_mark(f.t, m.idx[at], mark);
				m.mark[at][mark] = true;
			} else {
				page_tree_clear_mark(f.t, m.idx[at], mark);
				m.mark[at][mark] = false;
			}
			break;
		case 4: /* next present */
			want = model_next(&m, index, -1);
			got = page_tree_next(f.t, index, &found);
			cr_assert_eq(got, want >= 0 ? item_of(m.idx[want]) : NULL, "step %d", step);
			if (want >= 0)
				cr_assert_eq(found, m.idx[want]);
			break;
		default: /* next marked, and get_mark */
			want = model_next(&m, index, mark);
			got = page_tree_next_marked(f.t, index, mark, &found);
			cr_assert_eq(got, want >= 0 ? item_of(m.idx[want]) : NULL, "step %d", step);
			if (want >= 0)
				cr_assert_eq(found, m.idx[want]);
			cr_assert_eq(page_tree_get_mark(f.t, index, mark),
				     at >= 0 && m.used[at] && m.idx[at] == index && m.mark[at][mark],
				     "step %d", step);
			break;
		}
		/* Every present index is found by lookup. */
		if (step % 997 == 0)
			for (int i = 0; i < MODEL_N; i++)
				if (m.used[i])
					cr_assert_eq(page_tree_lookup(f.t, m.idx[i]), item_of(m.idx[i]));
	}
	for (int i = 0; i < MODEL_N; i++)
		if (m.used[i])
			cr_assert_eq(page_tree_delete(f.t, m.idx[i], &f.a), item_of(m.idx[i]));
	cr_expect_eq(f.counts.live, 0);
	cr_expect_eq(f.height, 0);
}
