// SPDX-License-Identifier: MIT
/*
 * Host unit tests for the VMA tree (memory/vma.c). Besides small cases, a
 * long random run of inserts, removals, splits, merges and stack moves is
 * checked against a model (one byte per page of a small address space):
 * after every operation vma_tree_check() is clean (AVL balance, order,
 * augmented fields, count), and vma_find, vma_prev, vma_range_is_free and
 * vma_find_free_topdown agree with brute force over the model.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include <xdv/errno.h>
#include <xdv/mm.h>
#include "../xorshift.h"

#define NPAGES 2048
#define BASE   0x400000ULL
#define PG(i)  (BASE + (vaddr_t)(i) * PAGE_SIZE)

static struct vma *vnew(vaddr_t start, vaddr_t end, unsigned long flags)
{
	struct vma *v = calloc(1, sizeof(*v));

	cr_assert(v);
	v->start = start;
	v->end = end;
	v->flags = flags;
	return v;
}

Test(vma, insert_overlap_returns_eexist)
{
	struct vma_tree t;

	vma_tree_init(&t);
	struct vma *a = vnew(PG(10), PG(20), VMA_READ);
	struct vma *b = vnew(PG(19), PG(25), VMA_READ);
	struct vma *c = vnew(PG(20), PG(25), VMA_READ);

	cr_expect_eq(vma_insert(&t, a), 0);
	cr_expect_eq(vma_insert(&t, b), -EEXIST);
	cr_expect_eq(vma_insert(&t, c), 0);
	cr_expect_eq(vma_find(&t, PG(5)), a);
	cr_expect_eq(vma_find(&t, PG(20)), c);
	cr_expect_null(vma_find(&t, PG(25)));
	cr_expect_eq(vma_prev(&t, PG(20)), a);
	cr_expect_eq(vma_tree_check(&t), 0);
	free(a);
	free(b);
	free(c);
}

Test(vma, insert_unaligned_returns_einval)
{
	struct vma_tree t;
	struct vma v = { .start = PG(1) + 1, .end = PG(2) };
	struct vma e = { .start = PG(2), .end = PG(2) };

	vma_tree_init(&t);
	cr_expect_eq(vma_insert(&t, &v), -EINVAL);
	cr_expect_eq(vma_insert(&t, &e), -EINVAL);
	cr_expect_eq(t.count, 0);
}

Test(vma, split_then_merge_restores_one_vma)
{
	struct vma_tree t;
	struct vma *a = vnew(PG(0), PG(8), VMA_READ | VMA_WRITE);
	struct vma tail;

	vma_tree_init(&t);
	a->file = (struct file *)0x1000; /* compared, never dereferenced */
	a->pgoff = 3;
	cr_assert_eq(vma_insert(&t, a), 0);
	cr_expect_eq(vma_split(&t, a, PG(8), &tail), -EINVAL);
	cr_assert_eq(vma_split(&t, a, PG(5), &tail), 0);
	cr_expect_eq(a->end, PG(5));
	cr_expect_eq(tail.start, PG(5));
	cr_expect_eq(tail.pgoff, 8);
	cr_expect_eq(t.count, 2);
	cr_expect(vma_can_merge(a, &tail));
	tail.pgoff = 9;
	cr_expect_not(vma_can_merge(a, &tail));
	tail.pgoff = 8;
	vma_merge(&t, a, &tail);
	cr_expect_eq(t.count, 1);
	cr_expect_eq(a->end, PG(8));
	cr_expect_eq(vma_tree_check(&t), 0);
	free(a);
}

Test(vma, find_free_topdown_takes_highest_hole)
{
	struct vma_tree t;
	struct vma *a = vnew(PG(100), PG(110), 0);
	struct vma *b = vnew(PG(112), PG(120), 0);
	vaddr_t out;

	vma_tree_init(&t);
	cr_assert_eq(vma_insert(&t, a), 0);
	cr_assert_eq(vma_insert(&t, b), 0);
	cr_expect_eq(vma_find_free_topdown(&t, PAGE_SIZE, PG(0), PG(120), &out), 0);
	cr_expect_eq(out, PG(111));
	cr_expect_eq(vma_find_free_topdown(&t, 3 * PAGE_SIZE, PG(0), PG(120), &out), 0);
	cr_expect_eq(out, PG(97));
	cr_expect_eq(vma_find_free_topdown(&t, 3 * PAGE_SIZE, PG(98), PG(120), &out), -ENOMEM);
	cr_expect_eq(vma_find_free_topdown(&t, PAGE_SIZE, PG(0), PG(200), &out), 0);
	cr_expect_eq(out, PG(199));
	free(a);
	free(b);
}

/* ---- the random run against a model --------------------------------------- */

static int owner[NPAGES];            /* index into vmas[] + 1, 0 = free */
static struct vma *vmas[NPAGES];
static unsigned nvmas;

static void model_set(struct vma *v, int id)
{
	for (vaddr_t a = v->start; a < v->end; a += PAGE_SIZE)
		owner[(a - BASE) / PAGE_SIZE] = id;
}

static void model_add(struct vma *v)
{
	vmas[nvmas] = v;
	model_set(v, (int)++nvmas);
}

static void model_del(unsigned i)
{
	model_set(vmas[i], 0);
	free(vmas[i]);
	vmas[i] = vmas[--nvmas];
	if (i < nvmas)
		model_set(vmas[i], (int)i + 1);
}

static void model_reindex(unsigned i)
{
	model_set(vmas[i], (int)i + 1);
}

/* Brute force: the highest page a with [a, a + n) free within [lo, hi). */
static long model_topdown(unsigned n, unsigned lo, unsigned hi)
{
	for (long a = (long)hi - n; a >= (long)lo; a--) {
		unsigned k;

		for (k = 0; k < n && !owner[a + k]; k++)
			;
		if (k == n)
			return a;
	}
	return -1;
}

static void check_against_model(struct vma_tree *t, uint64_t *rng)
{
	cr_assert_eq(vma_tree_check(t), 0, "tree invariants broken");
	cr_assert_eq(t->count, nvmas);
	for (int probe = 0; probe < 8; probe++) {
		unsigned p = (unsigned)(xorshift64star(rng) % NPAGES);
		struct vma *f = vma_find(t, PG(p));
		unsigned q = p;

		while (q < NPAGES && !owner[q])
			q++;
		if (q == NPAGES)
			cr_assert_null(f);
		else
			cr_assert_eq(f, vmas[owner[q] - 1]);
		struct vma *pv = vma_prev(t, PG(p));
		int r = (int)p - 1;

		while (r >= 0 && !owner[r])
			r--;
		if (r >= 0 && owner[p] && owner[r] == owner[p]) {
			/* p is inside a VMA: prev is the one before that VMA */
			vaddr_t s = vmas[owner[p] - 1]->start;

			r = (int)((s - BASE) / PAGE_SIZE) - 1;
			while (r >= 0 && !owner[r])
				r--;
		}
		if (owner[p] && r >= 0 && vmas[owner[r] - 1]->end > PG(p))
			r = -1; /* unreachable: kept for clarity */
		if (r < 0)
			cr_assert_null(pv);
		else
			cr_assert_eq(pv, vmas[owner[r] - 1]);
	}
	unsigned n = 1 + (unsigned)(xorshift64star(rng) % 16);
	unsigned lo = (unsigned)(xorshift64star(rng) % (NPAGES / 2));
	unsigned hi = lo + (unsigned)(xorshift64star(rng) % (NPAGES - lo)) + 1;
	vaddr_t out;
	long want = model_topdown(n, lo, hi);
	int err = vma_find_free_topdown(t, (size_t)n * PAGE_SIZE, PG(lo), PG(hi), &out);

	if (want < 0) {
		cr_assert_eq(err, -ENOMEM, "found %lx, model says no room", out);
	} else {
		cr_assert_eq(err, 0, "n %u lo %u hi %u: model has %ld", n, lo, hi, want);
		cr_assert_eq(out, PG(want), "n %u lo %u hi %u", n, lo, hi);
		cr_assert(vma_range_is_free(t, out, out + (vaddr_t)n * PAGE_SIZE));
	}
}

static void random_run(uint64_t seed, unsigned ops)
{
	struct vma_tree t;
	uint64_t rng = seed;

	vma_tree_init(&t);
	memset(owner, 0, sizeof(owner));
	nvmas = 0;
	for (unsigned i = 0; i < ops; i++) {
		unsigned op = (unsigned)(xorshift64star(&rng) % 10);

		if (op < 4 || nvmas == 0) {
			unsigned s = (unsigned)(xorshift64star(&rng) % NPAGES);
			unsigned len = 1 + (unsigned)(xorshift64star(&rng) % 24);
			unsigned e = MIN(s + len, NPAGES);
			struct vma *v = vnew(PG(s), PG(e), 1 + xorshift64star(&rng) % 2);
			bool free_in_model = true;

			for (unsigned k = s; k < e; k++)
				free_in_model &= owner[k] == 0;
			int err = vma_insert(&t, v);

			if (free_in_model) {
				cr_assert_eq(err, 0);
				model_add(v);
			} else {
				cr_assert_eq(err, -EEXIST);
				free(v);
			}
		} else if (op < 6) {
			unsigned k = (unsigned)(xorshift64star(&rng) % nvmas);

			vma_remove(&t, vmas[k]);
			model_del(k);
		} else if (op < 8) {
			unsigned k = (unsigned)(xorshift64star(&rng) % nvmas);
			struct vma *v = vmas[k];
			uint64_t pages = (v->end - v->start) / PAGE_SIZE;

			if (pages < 2)
				continue;
			vaddr_t at = v->start + (1 + xorshift64star(&rng) % (pages - 1)) * PAGE_SIZE;
			struct vma *tail = calloc(1, sizeof(*tail));

			cr_assert_eq(vma_split(&t, v, at, tail), 0);
			model_add(tail);
		} else if (op < 9) {
			unsigned k = (unsigned)(xorshift64star(&rng) % nvmas);
			struct vma *v = vmas[k], *next = vma_next(&t, v);

			if (!next || !vma_can_merge(v, next))
				continue;
			int id = owner[(next->start - BASE) / PAGE_SIZE] - 1;

			vma_merge(&t, v, next);
			model_del((unsigned)id);
			for (unsigned j = 0; j < nvmas; j++)
				model_reindex(j);
		} else {
			unsigned k = (unsigned)(xorshift64star(&rng) % nvmas);
			struct vma *v = vmas[k];
			struct vma *p = vma_prev(&t, v->start);
			vaddr_t floor = p ? p->end : BASE;

			if (floor < v->start) {
				vaddr_t ns = v->start - PAGE_SIZE;

				vma_set_start(&t, v, ns);
				model_reindex(k);
			}
		}
		check_against_model(&t, &rng);
	}
	while (nvmas) {
		vma_remove(&t, vmas[0]);
		model_del(0);
	}
	cr_expect_null(t.root);
	cr_expect_eq(t.count, 0);
}

Test(vma, random_ops_match_model_seed1)
{
	random_run(0x1234567ULL, 6000);
}

Test(vma, random_ops_match_model_seed2)
{
	random_run(0xdeadbeefcafeULL, 6000);
}

Test(vma, height_stays_logarithmic_for_sorted_inserts)
{
	struct vma_tree t;
	static struct vma v[1024];

	vma_tree_init(&t);
	for (unsigned i = 0; i < 1024; i++) {
		v[i].start = PG(2 * i);
		v[i].end = PG(2 * i + 1);
		cr_assert_eq(vma_insert(&t, &v[i]), 0);
	}
	cr_expect_eq(vma_tree_check(&t), 0);
	/* AVL: height <= 1.44 log2(n + 2); for 1024 nodes at most 14. */
	cr_expect_leq(t.root->height, 14);
	cr_expect_eq(t.root->subtree_gap, PAGE_SIZE);
}
