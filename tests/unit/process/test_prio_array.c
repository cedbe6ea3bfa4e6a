// SPDX-License-Identifier: MIT
/*
 * Host unit tests for the O(1) priority array (process/prio_array.c): the
 * first and next non-empty level, FIFO order for tail adds and LIFO order
 * for head adds within a level, the bitmap cleared only when a level
 * empties, level scans across the 64-bit word boundaries, the entry count,
 * and a long fixed-seed randomized run checked step by step against a
 * plain per-level array model.
 */
#include <criterion/criterion.h>
#include <string.h>
#include "../../../process/prio_array.h"
#include "xorshift.h"

/* What the array holds: an id to check order by, and the level it is at. */
struct entry {
	int id;
	unsigned prio;
	struct list_node node;
};

#define NENTRIES 256

static struct prio_array pa;
static struct entry ent[NENTRIES];

static void setup(void)
{
	prio_array_init(&pa);
	for (int i = 0; i < NENTRIES; i++) {
		ent[i].id = i;
		ent[i].prio = 0;
		list_init(&ent[i].node);
	}
}

TestSuite(prio_array, .init = setup);

static void add(int id, unsigned prio, bool head)
{
	ent[id].prio = prio;
	prio_array_add(&pa, &ent[id].node, prio, head);
}

static void del(int id)
{
	prio_array_remove(&pa, &ent[id].node, ent[id].prio);
}

static bool level_bit(unsigned prio)
{
	return (pa.bitmap[prio / 64] >> (prio % 64)) & 1;
}

/* The list at prio holds exactly want[0..n), front to back, links intact. */
static void expect_level(unsigned prio, const int *want, int n)
{
	const struct list_node *q = &pa.queue[prio];
	int i = 0;

	list_for_each(pos, q) {
		cr_assert_lt(i, n, "level %u: more than %d entries", prio, n);
		cr_assert_eq(pos->next->prev, pos, "level %u: broken link at %d", prio, i);
		cr_expect_eq(list_entry(pos, struct entry, node)->id, want[i],
			     "level %u position %d", prio, i);
		i++;
	}
	cr_expect_eq(i, n, "level %u: %d entries, want %d", prio, i, n);
	cr_expect_eq(level_bit(prio), n > 0, "level %u bit", prio);
}

Test(prio_array, init_empty_array_first_level_is_minus_one)
{
	cr_expect_eq(pa.nr, 0);
	cr_expect_eq(prio_array_first_level(&pa), -1);
	for (unsigned from = 0; from <= PRIO_LEVELS; from++)
		cr_expect_eq(prio_array_next_level(&pa, from), -1, "from %u", from);
	for (unsigned w = 0; w < PRIO_WORDS; w++)
		cr_expect_eq(pa.bitmap[w], 0, "word %u", w);
	for (unsigned p = 0; p < PRIO_LEVELS; p++)
		cr_expect(list_is_empty(&pa.queue[p]), "level %u", p);
}

Test(prio_array, init_after_use_gives_empty_array)
{
	add(0, 5, false);
	add(1, 130, true);
	prio_array_init(&pa);
	cr_expect_eq(pa.nr, 0);
	cr_expect_eq(prio_array_first_level(&pa), -1);
	for (unsigned w = 0; w < PRIO_WORDS; w++)
		cr_expect_eq(pa.bitmap[w], 0, "word %u", w);
}

Test(prio_array, add_several_levels_first_level_is_lowest)
{
	add(0, PRIO_NORMAL, false);
	cr_expect_eq(prio_array_first_level(&pa), PRIO_NORMAL);
	add(1, 139, false);
	cr_expect_eq(prio_array_first_level(&pa), PRIO_NORMAL);
	add(2, 70, true);
	cr_expect_eq(prio_array_first_level(&pa), 70);
	add(3, PRIO_RT_LEVELS - 1, false);
	cr_expect_eq(prio_array_first_level(&pa), 70);
	add(4, 3, false);
	cr_expect_eq(prio_array_first_level(&pa), 3);
	add(5, 0, true);
	cr_expect_eq(prio_array_first_level(&pa), 0);
	cr_expect_eq(pa.nr, 6);
}

Test(prio_array, add_tail_same_level_keeps_fifo_order)
{
	static const int want[] = { 0, 1, 2, 3, 4 };

	for (int i = 0; i < 5; i++)
		add(i, PRIO_NORMAL, false);
	expect_level(PRIO_NORMAL, want, 5);
	cr_expect_eq(pa.nr, 5);
}

Test(prio_array, add_head_same_level_gives_lifo_order)
{
	static const int want[] = { 4, 3, 2, 1, 0 };

	for (int i = 0; i < 5; i++)
		add(i, 42, true);
	expect_level(42, want, 5);
}

Test(prio_array, add_head_and_tail_mixed_head_goes_first)
{
	static const int want[] = { 3, 1, 0, 2, 4 };

	add(0, 64, false);
	add(1, 64, true);
	add(2, 64, false);
	add(3, 64, true);
	add(4, 64, false);
	expect_level(64, want, 5);
}

Test(prio_array, add_other_levels_leave_level_untouched)
{
	static const int want_a[] = { 0, 2 };
	static const int want_b[] = { 1 };

	add(0, 10, false);
	add(1, 11, false);
	add(2, 10, false);
	expect_level(10, want_a, 2);
	expect_level(11, want_b, 1);
	expect_level(9, NULL, 0);
	expect_level(12, NULL, 0);
}

Test(prio_array, remove_not_last_in_level_keeps_bit)
{
	static const int want[] = { 0, 2 };

	add(0, 100, false);
	add(1, 100, false);
	add(2, 100, false);
	del(1);
	expect_level(100, want, 2);
	cr_expect(level_bit(100));
	cr_expect_eq(prio_array_first_level(&pa), 100);
	cr_expect(!list_is_linked(&ent[1].node), "removed node left self-linked");
	cr_expect_eq(pa.nr, 2);
}

Test(prio_array, remove_last_in_level_clears_only_that_bit)
{
	add(0, 63, false);
	add(1, 64, false);
	add(2, 65, false);
	del(1);
	cr_expect(!level_bit(64));
	cr_expect(level_bit(63));
	cr_expect(level_bit(65));
	cr_expect_eq(pa.bitmap[0], 1ULL << 63);
	cr_expect_eq(pa.bitmap[1], 1ULL << 1);
	cr_expect_eq(pa.bitmap[2], 0);
	cr_expect(list_is_empty(&pa.queue[64]));
}

Test(prio_array, remove_lowest_level_first_level_moves_up)
{
	add(0, 5, false);
	add(1, 5, false);
	add(2, 77, false);
	add(3, 139, false);
	del(0);
	cr_expect_eq(prio_array_first_level(&pa), 5);
	del(1);
	cr_expect_eq(prio_array_first_level(&pa), 77);
	del(2);
	cr_expect_eq(prio_array_first_level(&pa), 139);
	del(3);
	cr_expect_eq(prio_array_first_level(&pa), -1);
	cr_expect_eq(pa.nr, 0);
	for (unsigned w = 0; w < PRIO_WORDS; w++)
		cr_expect_eq(pa.bitmap[w], 0, "word %u", w);
}

Test(prio_array, remove_then_add_again_reuses_node)
{
	static const int want[] = { 1, 0 };

	add(0, 20, false);
	add(1, 20, false);
	del(0);
	add(0, 20, false);
	expect_level(20, want, 2);
	del(0);
	add(0, 30, true);
	expect_level(20, &want[0], 1);
	expect_level(30, &want[1], 1);
	cr_expect_eq(pa.nr, 2);
}

Test(prio_array, next_level_across_word_boundaries)
{
	static const unsigned levels[] = { 63, 64, 127, 128, 139 };

	for (unsigned i = 0; i < ARRAY_SIZE(levels); i++)
		add((int)i, levels[i], false);

	cr_expect_eq(prio_array_first_level(&pa), 63);
	cr_expect_eq(prio_array_next_level(&pa, 0), 63);
	cr_expect_eq(prio_array_next_level(&pa, 62), 63);
	cr_expect_eq(prio_array_next_level(&pa, 63), 63);
	cr_expect_eq(prio_array_next_level(&pa, 64), 64);
	cr_expect_eq(prio_array_next_level(&pa, 65), 127);
	cr_expect_eq(prio_array_next_level(&pa, 126), 127);
	cr_expect_eq(prio_array_next_level(&pa, 127), 127);
	cr_expect_eq(prio_array_next_level(&pa, 128), 128);
	cr_expect_eq(prio_array_next_level(&pa, 129), 139);
	cr_expect_eq(prio_array_next_level(&pa, 138), 139);
	cr_expect_eq(prio_array_next_level(&pa, 139), 139);
	cr_expect_eq(prio_array_next_level(&pa, PRIO_LEVELS), -1);
	cr_expect_eq(prio_array_next_level(&pa, 191), -1);
	cr_expect_eq(prio_array_next_level(&pa, 192), -1);

	/* Walk the levels the way a scan from the back would. */
	unsigned seen = 0;
	for (int l = prio_array_first_level(&pa); l >= 0;
	     l = prio_array_next_level(&pa, (unsigned)l + 1)) {
		cr_assert_lt(seen, ARRAY_SIZE(levels));
		cr_expect_eq((unsigned)l, levels[seen], "step %u", seen);
		seen++;
	}
	cr_expect_eq(seen, ARRAY_SIZE(levels));
}

Test(prio_array, next_level_one_entry_found_from_every_start)
{
	for (unsigned l = 0; l < PRIO_LEVELS; l++) {
		prio_array_init(&pa);
		add(0, l, false);
		for (unsigned from = 0; from <= PRIO_LEVELS; from++) {
			int want = from <= l ? (int)l : -1;

			cr_assert_eq(prio_array_next_level(&pa, from), want,
				     "entry at %u, from %u", l, from);
		}
		del(0);
		cr_assert_eq(prio_array_first_level(&pa), -1, "level %u", l);
	}
}

Test(prio_array, next_level_all_levels_full_returns_from)
{
	for (unsigned l = 0; l < PRIO_LEVELS; l++)
		add((int)l, l, false);
	cr_expect_eq(pa.nr, PRIO_LEVELS);
	for (unsigned from = 0; from < PRIO_LEVELS; from++)
		cr_expect_eq(prio_array_next_level(&pa, from), (int)from, "from %u", from);
	cr_expect_eq(pa.bitmap[0], ~0ULL);
	cr_expect_eq(pa.bitmap[1], ~0ULL);
	cr_expect_eq(pa.bitmap[2], (1ULL << (PRIO_LEVELS - 128)) - 1,
		     "no bit above the last level");
}

Test(prio_array, nr_counts_adds_and_removes)
{
	for (int i = 0; i < 50; i++) {
		add(i, (unsigned)(i * 7) % PRIO_LEVELS, i & 1);
		cr_expect_eq(pa.nr, (unsigned)i + 1);
	}
	for (int i = 0; i < 50; i++) {
		del(i);
		cr_expect_eq(pa.nr, 49u - (unsigned)i);
	}
	cr_expect_eq(prio_array_first_level(&pa), -1);
}

/* ---- randomized run against a model ----------------------------------- */

static uint64_t rng_state;

static uint64_t rng(void)
{
	return xorshift64star(&rng_state);
}

/* The model: per level, the ids front to back. */
static int model[PRIO_LEVELS][NENTRIES];
static int model_n[PRIO_LEVELS];
static bool on_array[NENTRIES];

static void model_add(int id, unsigned prio, bool head)
{
	int *q = model[prio];

	if (head) {
		memmove(&q[1], &q[0], (size_t)model_n[prio] * sizeof(q[0]));
		q[0] = id;
	} else {
		q[model_n[prio]] = id;
	}
	model_n[prio]++;
}

static void model_remove(int id, unsigned prio)
{
	int *q = model[prio];
	int i = 0;

	while (i < model_n[prio] && q[i] != id)
		i++;
	cr_assert_lt(i, model_n[prio], "model: id %d not at level %u", id, prio);
	memmove(&q[i], &q[i + 1], (size_t)(model_n[prio] - i - 1) * sizeof(q[0]));
	model_n[prio]--;
}

static int model_next_level(unsigned from)
{
	for (unsigned p = from; p < PRIO_LEVELS; p++)
		if (model_n[p])
			return (int)p;
	return -1;
}

static void check_against_model(unsigned nr, bool full)
{
	cr_assert_eq(pa.nr, nr);
	cr_assert_eq(prio_array_first_level(&pa), model_next_level(0));
	for (unsigned p = 0; p < PRIO_LEVELS; p++)
		cr_assert_eq(level_bit(p), model_n[p] > 0, "bit of level %u", p);
	cr_assert_eq(pa.bitmap[PRIO_WORDS - 1] >> (PRIO_LEVELS % 64), 0,
		     "bit set above the last level");

	unsigned from = (unsigned)(rng() % (PRIO_LEVELS + 1));
	cr_assert_eq(prio_array_next_level(&pa, from), model_next_level(from), "from %u", from);

	if (full) {
		for (unsigned p = 0; p < PRIO_LEVELS; p++)
			expect_level(p, model[p], model_n[p]);
		for (unsigned f = 0; f <= PRIO_LEVELS; f++)
			cr_assert_eq(prio_array_next_level(&pa, f), model_next_level(f), "from %u", f);
	}
}

static void random_run(uint64_t seed, int steps, unsigned nlevels)
{
	unsigned nr = 0;

	rng_state = seed;
	memset(model_n, 0, sizeof(model_n));
	memset(on_array, 0, sizeof(on_array));

	for (int step = 0; step < steps; step++) {
		int id = (int)(rng() % NENTRIES);
		/* Lean towards adding while the array is small, removing when big. */
		bool want_add = rng() % NENTRIES >= nr;

		if (!on_array[id] && want_add) {
			/* Levels drawn from a few spots, word edges included, or anywhere. */
			static const unsigned edges[] = { 0, 1, 62, 63, 64, 65, 99, 100,
							  120, 126, 127, 128, 129, 138, 139 };
			unsigned prio = rng() % 2 ? edges[rng() % ARRAY_SIZE(edges)]
						  : (unsigned)(rng() % nlevels);
			bool head = rng() % 2;

			add(id, prio, head);
			model_add(id, prio, head);
			on_array[id] = true;
			nr++;
		} else if (on_array[id]) {
			del(id);
			model_remove(id, ent[id].prio);
			cr_assert(!list_is_linked(&ent[id].node), "step %d: id %d still linked", step, id);
			on_array[id] = false;
			nr--;
		}
		check_against_model(nr, step % 256 == 0);
	}

	/* Drain in level order, the way the scheduler picks, checking order. */
	for (int l = prio_array_first_level(&pa); l >= 0; l = prio_array_first_level(&pa)) {
		struct entry *e = list_first_entry(&pa.queue[l], struct entry, node);

		cr_assert_gt(model_n[l], 0);
		cr_assert_eq(e->id, model[l][0], "drain level %d", l);
		del(e->id);
		model_remove(e->id, (unsigned)l);
		on_array[e->id] = false;
		nr--;
	}
	check_against_model(0, true);
	cr_assert_eq(nr, 0);
}

Test(prio_array, random_ops_match_model)
{
	random_run(0x9e3779b97f4a7c15ull, 20000, PRIO_LEVELS);
}

Test(prio_array, random_ops_few_levels_match_model)
{
	/* Few levels: long lists, many head/tail mixes and removals mid-list. */
	random_run(0x0123456789abcdefull, 20000, 4);
}
