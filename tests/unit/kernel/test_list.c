// SPDX-License-Identifier: MIT
/*
 * Host unit tests for the intrusive doubly linked list (include/xdv/list.h):
 * init and the static initializer, head and tail insertion order, removal
 * relinking the neighbours and leaving the node self-linked, the linked
 * predicate, list_for_each and list_for_each_safe with removal in the loop,
 * and a fixed-seed randomized run checked against an array model.
 */
#include <criterion/criterion.h>
#include <string.h>
#include <xdv/list.h>
#include "xorshift.h"

struct item {
	int id;
	struct list_node node;
};

#define NITEMS 64

static struct list_node head;
static struct item items[NITEMS];

static void setup(void)
{
	list_init(&head);
	for (int i = 0; i < NITEMS; i++) {
		items[i].id = i;
		list_init(&items[i].node);
	}
}

TestSuite(list, .init = setup);

/* list holds exactly want[0..n), front to back, and back to front too. */
static void expect_list(const struct list_node *list, const int *want, int n)
{
	int i = 0;

	list_for_each(pos, list) {
		cr_assert_lt(i, n, "more than %d nodes", n);
		cr_assert_eq(pos->next->prev, pos, "next->prev broken at %d", i);
		cr_assert_eq(pos->prev->next, pos, "prev->next broken at %d", i);
		cr_expect_eq(list_entry(pos, struct item, node)->id, want[i], "position %d", i);
		i++;
	}
	cr_assert_eq(i, n, "%d nodes, want %d", i, n);

	/* And backwards through prev. */
	const struct list_node *pos = list->prev;
	for (i = n - 1; i >= 0; i--, pos = pos->prev)
		cr_expect_eq(list_entry(pos, struct item, node)->id, want[i], "back, position %d", i);
	cr_expect_eq(pos, list, "backward walk ends at the head");
	cr_expect_eq(list_is_empty(list), n == 0);
}

Test(list, list_init_gives_empty_self_linked_list)
{
	cr_expect(list_is_empty(&head));
	cr_expect_eq(head.next, &head);
	cr_expect_eq(head.prev, &head);
	cr_expect(!list_is_linked(&items[0].node), "a fresh node is not linked");
}

Test(list, list_init_static_initializer_gives_empty_list)
{
	static struct list_node s = LIST_INIT(s);

	cr_expect(list_is_empty(&s));
	cr_expect_eq(s.next, &s);
	cr_expect_eq(s.prev, &s);
	list_add_tail(&s, &items[0].node);
	cr_expect(!list_is_empty(&s));
	list_remove(&items[0].node);
	cr_expect(list_is_empty(&s));
}

Test(list, list_add_tail_keeps_insertion_order)
{
	static const int want[] = { 0, 1, 2, 3 };

	for (int i = 0; i < 4; i++)
		list_add_tail(&head, &items[i].node);
	expect_list(&head, want, 4);
}

Test(list, list_add_head_reverses_insertion_order)
{
	static const int want[] = { 3, 2, 1, 0 };

	for (int i = 0; i < 4; i++)
		list_add_head(&head, &items[i].node);
	expect_list(&head, want, 4);
}

Test(list, list_add_head_and_tail_mixed_both_ends_grow)
{
	static const int want[] = { 3, 1, 0, 2, 4 };

	list_add_tail(&head, &items[0].node);
	list_add_head(&head, &items[1].node);
	list_add_tail(&head, &items[2].node);
	list_add_head(&head, &items[3].node);
	list_add_tail(&head, &items[4].node);
	expect_list(&head, want, 5);
	cr_expect_eq(list_first_entry(&head, struct item, node), &items[3]);
	cr_expect_eq(list_last_entry(&head, struct item, node), &items[4]);
}

Test(list, list_add_single_node_links_both_ways_to_head)
{
	list_add_head(&head, &items[7].node);
	cr_expect_eq(head.next, &items[7].node);
	cr_expect_eq(head.prev, &items[7].node);
	cr_expect_eq(items[7].node.next, &head);
	cr_expect_eq(items[7].node.prev, &head);
	cr_expect(list_is_linked(&items[7].node));
}

Test(list, list_remove_middle_relinks_neighbours_and_self_links_node)
{
	static const int want[] = { 0, 2 };

	for (int i = 0; i < 3; i++)
		list_add_tail(&head, &items[i].node);
	list_remove(&items[1].node);
	expect_list(&head, want, 2);
	cr_expect_eq(items[0].node.next, &items[2].node);
	cr_expect_eq(items[2].node.prev, &items[0].node);
	cr_expect_eq(items[1].node.next, &items[1].node);
	cr_expect_eq(items[1].node.prev, &items[1].node);
	cr_expect(!list_is_linked(&items[1].node));
}

Test(list, list_remove_first_and_last_keeps_rest)
{
	static const int want[] = { 1, 2 };

	for (int i = 0; i < 4; i++)
		list_add_tail(&head, &items[i].node);
	list_remove(&items[0].node);
	list_remove(&items[3].node);
	expect_list(&head, want, 2);
}

Test(list, list_remove_only_node_leaves_list_empty)
{
	list_add_tail(&head, &items[0].node);
	cr_expect(!list_is_empty(&head));
	list_remove(&items[0].node);
	cr_expect(list_is_empty(&head));
	cr_expect_eq(head.prev, &head);
	cr_expect(!list_is_linked(&items[0].node));
}

Test(list, list_remove_twice_is_harmless)
{
	/* A removed node is self-linked, so removing it again changes nothing. */
	static const int want[] = { 1 };

	list_add_tail(&head, &items[0].node);
	list_add_tail(&head, &items[1].node);
	list_remove(&items[0].node);
	list_remove(&items[0].node);
	expect_list(&head, want, 1);
	cr_expect(!list_is_linked(&items[0].node));
}

Test(list, list_is_linked_follows_add_and_remove)
{
	struct list_node *n = &items[5].node;

	cr_expect(!list_is_linked(n));
	list_add_tail(&head, n);
	cr_expect(list_is_linked(n));
	list_remove(n);
	cr_expect(!list_is_linked(n));
	list_add_head(&head, n);
	cr_expect(list_is_linked(n));
}

Test(list, list_remove_then_add_to_other_list_moves_node)
{
	static struct list_node other = LIST_INIT(other);
	static const int want_head[] = { 0, 2 };
	static const int want_other[] = { 1 };

	for (int i = 0; i < 3; i++)
		list_add_tail(&head, &items[i].node);
	list_remove(&items[1].node);
	list_add_tail(&other, &items[1].node);
	expect_list(&head, want_head, 2);
	expect_list(&other, want_other, 1);
}

Test(list, list_for_each_empty_list_runs_zero_times)
{
	int n = 0;

	list_for_each(pos, &head)
		n++;
	cr_expect_eq(n, 0);
	list_for_each_safe(pos, &head)
		n++;
	cr_expect_eq(n, 0);
}

Test(list, list_for_each_visits_every_node_in_order)
{
	int n = 0;

	for (int i = 0; i < NITEMS; i++)
		list_add_tail(&head, &items[i].node);
	list_for_each(pos, &head) {
		cr_expect_eq(list_entry(pos, struct item, node), &items[n], "step %d", n);
		n++;
	}
	cr_expect_eq(n, NITEMS);
}

Test(list, list_for_each_safe_remove_every_node_empties_list)
{
	int n = 0;

	for (int i = 0; i < NITEMS; i++)
		list_add_tail(&head, &items[i].node);
	list_for_each_safe(pos, &head) {
		cr_expect_eq(list_entry(pos, struct item, node)->id, n, "step %d", n);
		list_remove(pos);
		n++;
	}
	cr_expect_eq(n, NITEMS);
	cr_expect(list_is_empty(&head));
	for (int i = 0; i < NITEMS; i++)
		cr_expect(!list_is_linked(&items[i].node), "item %d", i);
}

Test(list, list_for_each_safe_remove_even_nodes_keeps_odd)
{
	int want[NITEMS / 2];
	int n = 0;

	for (int i = 0; i < NITEMS; i++)
		list_add_tail(&head, &items[i].node);
	list_for_each_safe(pos, &head) {
		struct item *it = list_entry(pos, struct item, node);

		n++;
		if (it->id % 2 == 0)
			list_remove(pos);
	}
	cr_expect_eq(n, NITEMS, "every node visited once");
	for (int i = 0; i < NITEMS / 2; i++)
		want[i] = 2 * i + 1;
	expect_list(&head, want, NITEMS / 2);
}

Test(list, list_for_each_safe_move_to_other_list_keeps_walking)
{
	/* Removing pos and adding it elsewhere is fine: the successor was saved. */
	struct list_node other;
	int want[NITEMS];
	int n = 0;

	list_init(&other);
	for (int i = 0; i < NITEMS; i++)
		list_add_tail(&head, &items[i].node);
	list_for_each_safe(pos, &head) {
		list_remove(pos);
		list_add_head(&other, pos);
		n++;
	}
	cr_expect_eq(n, NITEMS);
	cr_expect(list_is_empty(&head));
	for (int i = 0; i < NITEMS; i++)
		want[i] = NITEMS - 1 - i;
	expect_list(&other, want, NITEMS);
}

/* ---- randomized run against a model ----------------------------------- */

static uint64_t rng_state;

static uint64_t rng(void)
{
	return xorshift64star(&rng_state);
}

Test(list, list_random_ops_match_array_model)
{
	int model[NITEMS];
	bool on_list[NITEMS] = { false };
	int n = 0;

	rng_state = 0x5851f42d4c957f2dull;
	for (int step = 0; step < 10000; step++) {
		int id = (int)(rng() % NITEMS);
		struct list_node *node = &items[id].node;

		cr_assert_eq(list_is_linked(node), on_list[id], "step %d: id %d", step, id);
		if (on_list[id]) {
			int i = 0;

			while (model[i] != id)
				i++;
			memmove(&model[i], &model[i + 1], (size_t)(n - i - 1) * sizeof(model[0]));
			n--;
			list_remove(node);
		} else if (rng() % 2) {
			memmove(&model[1], &model[0], (size_t)n * sizeof(model[0]));
			model[0] = id;
			n++;
			list_add_head(&head, node);
		} else {
			model[n++] = id;
			list_add_tail(&head, node);
		}
		on_list[id] = !on_list[id];
		cr_assert_eq(list_is_linked(node), on_list[id], "step %d: id %d", step, id);
		if (step % 64 == 0)
			expect_list(&head, model, n);
	}
	expect_list(&head, model, n);
}
