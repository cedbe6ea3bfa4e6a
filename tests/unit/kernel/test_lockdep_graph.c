// SPDX-License-Identifier: MIT
/*
 * Host unit tests for the lock validator's dependency graph
 * (kernel/lockdep_graph.c): classes found by name (not by pointer) and
 * subclass, full tables refused with -ENOSPC, edges recorded in the bit
 * matrix and kept with their sites, the shortest chain found in order,
 * none where there is none, and a fixed-seed randomized run whose path
 * answers are checked against a transitive-closure model.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <xdv/errno.h>
#include "../../../kernel/lockdep.h"
#include "xorshift.h"

#define NCLASSES 32
#define NEDGES   256

static struct ld_class classes[NCLASSES];
static struct ld_edge edges[NEDGES];
static uint8_t deps[(NCLASSES * NCLASSES + 7) / 8];
static uint16_t queue[NCLASSES], via[NCLASSES];
static struct ld_graph g;

static void setup(void)
{
	g = (struct ld_graph){ classes, 0, NCLASSES, edges, 0, NEDGES, deps, queue, via };
	ld_graph_reset(&g);
}

TestSuite(lockdep_graph, .init = setup);

static unsigned cls(const char *name)
{
	int id = ld_class_get(&g, name, 0);

	cr_assert_geq(id, 0);
	return (unsigned)id;
}

static void dep(unsigned from, unsigned to)
{
	uintptr_t trace[LD_TRACE_DEPTH] = { 0x1000 + from, 0x2000 + to };

	cr_assert_geq(ld_add_dep(&g, from, to, 0x3000 + from, trace), 0);
}

Test(lockdep_graph, class_get_same_name_other_pointer_returns_same_class)
{
	char copy[] = "runqueue";

	unsigned a = cls("runqueue");

	cr_expect_eq(cls(copy), a);
	cr_expect_neq(cls("pmm"), a);
	cr_expect_eq(g.nr_classes, 2);
}

Test(lockdep_graph, class_get_subclass_returns_distinct_class_once)
{
	unsigned base = cls("runqueue");
	int sub = ld_class_get(&g, "runqueue", 1);

	cr_assert_geq(sub, 0);
	cr_expect_neq((unsigned)sub, base);
	cr_expect_eq(ld_class_get(&g, "runqueue", 1), sub);
	cr_expect_eq(g.classes[sub].subclass, 1);
	cr_expect_eq(g.classes[base].nested[1], sub);
	cr_expect_eq(ld_class_get(&g, "runqueue", 8), -EINVAL);
}

Test(lockdep_graph, class_get_null_name_is_one_unnamed_class)
{
	int a = ld_class_get(&g, NULL, 0);

	cr_assert_geq(a, 0);
	cr_expect_eq(ld_class_get(&g, NULL, 0), a);
	cr_expect_str_eq(g.classes[a].name, "(unnamed)");
}

Test(lockdep_graph, class_get_full_table_returns_enospc)
{
	static char names[NCLASSES][16];

	for (int i = 0; i < NCLASSES; i++) {
		snprintf(names[i], sizeof(names[i]), "c%u", (unsigned)i);
		cr_assert_eq(ld_class_get(&g, names[i], 0), i);
	}
	cr_expect_eq(ld_class_get(&g, "one_more", 0), -ENOSPC);
	cr_expect_eq(ld_class_get(&g, "c3", 0), 3); /* known ones still found */
}

Test(lockdep_graph, add_dep_sets_matrix_bit_and_keeps_sites)
{
	unsigned a = cls("a"), b = cls("b");

	cr_expect(!ld_has_dep(&g, a, b));
	dep(a, b);
	cr_expect(ld_has_dep(&g, a, b));
	cr_expect(!ld_has_dep(&g, b, a));
	cr_expect_eq(g.edges[0].from_ip, 0x3000 + a);
	cr_expect_eq(g.edges[0].trace[0], 0x1000 + a);
	cr_expect_eq(g.edges[0].trace[1], 0x2000 + b);
	cr_expect_eq(g.edges[0].trace[2], 0);
}

Test(lockdep_graph, add_dep_full_table_returns_enospc)
{
	unsigned n = 0;

	for (unsigned i = 0; i < NCLASSES && n < NEDGES; i++)
		for (unsigned j = 0; j < NCLASSES && n < NEDGES; j++, n++)
			cr_assert_eq(ld_add_dep(&g, i, j, 0, NULL), (int)n);
	cr_expect_eq(ld_add_dep(&g, 31, 31, 0, NULL), -ENOSPC);
}

Test(lockdep_graph, find_path_direct_edge_is_one_step)
{
	unsigned a = cls("a"), b = cls("b");
	uint16_t path[4];

	dep(a, b);
	cr_expect_eq(ld_find_path(&g, a, b, path, 4), 1);
	cr_expect_eq(path[0], 0);
	cr_expect_eq(ld_find_path(&g, b, a, path, 4), 0);
}

Test(lockdep_graph, find_path_chain_returns_edges_in_order)
{
	unsigned a = cls("a"), b = cls("b"), c = cls("c"), d = cls("d");
	uint16_t path[4];

	dep(c, d); /* edge 0 */
	dep(b, c); /* edge 1 */
	dep(a, b); /* edge 2 */
	cr_assert_eq(ld_find_path(&g, a, d, path, 4), 3);
	cr_expect_eq(path[0], 2);
	cr_expect_eq(path[1], 1);
	cr_expect_eq(path[2], 0);
	/* Only the first `max` edges are written; the length is still whole. */
	path[1] = 0xBEEF;
	cr_expect_eq(ld_find_path(&g, a, d, path, 1), 3);
	cr_expect_eq(path[0], 2);
	cr_expect_eq(path[1], 0xBEEF);
}

Test(lockdep_graph, find_path_prefers_shortest_chain)
{
	unsigned a = cls("a"), b = cls("b"), c = cls("c"), d = cls("d");
	uint16_t path[4];

	dep(a, b);
	dep(b, c);
	dep(c, d);
	dep(a, d); /* edge 3: the short way */
	cr_expect_eq(ld_find_path(&g, a, d, path, 4), 1);
	cr_expect_eq(path[0], 3);
}

Test(lockdep_graph, find_path_ignores_cycles_not_reaching_target)
{
	unsigned a = cls("a"), b = cls("b"), c = cls("c"), x = cls("x");
	uint16_t path[4];

	dep(a, b);
	dep(b, a);
	dep(b, c);
	dep(c, a);
	cr_expect_eq(ld_find_path(&g, a, x, path, 4), 0);
	cr_expect_eq(ld_find_path(&g, c, b, path, 4), 2);
}

/* Randomized: reachability by the search matches a transitive closure. */
Test(lockdep_graph, find_path_random_graphs_match_closure_model)
{
	uint64_t seed = 0x10cd3b;

	for (int round = 0; round < 200; round++) {
		bool reach[NCLASSES][NCLASSES] = { { false } };
		static char names[NCLASSES][16];
		unsigned nedges = xorshift64star(&seed) % 60;

		setup();
		for (int i = 0; i < NCLASSES; i++) {
			snprintf(names[i], sizeof(names[i]), "k%u", (unsigned)i);
			cls(names[i]);
		}
		for (unsigned e = 0; e < nedges; e++) {
			unsigned from = xorshift64star(&seed) % NCLASSES;
			unsigned to = xorshift64star(&seed) % NCLASSES;

			if (from == to || ld_has_dep(&g, from, to))
				continue;
			dep(from, to);
			reach[from][to] = true;
		}
		for (int k = 0; k < NCLASSES; k++)
			for (int i = 0; i < NCLASSES; i++)
				for (int j = 0; j < NCLASSES; j++)
					reach[i][j] |= reach[i][k] && reach[k][j];
		for (unsigned i = 0; i < NCLASSES; i++)
			for (unsigned j = 0; j < NCLASSES; j++) {
				uint16_t path[NCLASSES];

				if (i == j)
					continue;

				unsigned len = ld_find_path(&g, i, j, path, NCLASSES);

				cr_assert_eq(len != 0, reach[i][j], "round %d: %u -> %u", round, i, j);
				/* The chain is connected and runs from i to j. */
				unsigned at = i;

				for (unsigned s = 0; s < len; s++) {
					cr_assert_eq(g.edges[path[s]].from, at);
					at = g.edges[path[s]].to;
				}
				if (len)
					cr_assert_eq(at, j);
			}
	}
}

Test(lockdep_graph, search_forward_by_usage_finds_nearest_marked_class)
{
	unsigned a = cls("a"), b = cls("b"), c = cls("c"), d = cls("d");
	uint16_t path[4];
	unsigned len;

	dep(a, b); /* edge 0 */
	dep(b, c); /* edge 1 */
	dep(c, d); /* edge 2 */
	g.classes[c].usage = LD_USED_IRQS_ON;
	g.classes[d].usage = LD_USED_IRQS_ON;
	cr_expect_eq(ld_search(&g, a, false, 0, LD_USED_IRQS_ON, path, 4, &len), (int)c);
	cr_assert_eq(len, 2);
	cr_expect_eq(path[0], 0);
	cr_expect_eq(path[1], 1);
	/* The start counts; a usage nobody has is not found. */
	cr_expect_eq(ld_search(&g, c, false, 0, LD_USED_IRQS_ON, path, 4, &len), (int)c);
	cr_expect_eq(len, 0);
	cr_expect_eq(ld_search(&g, a, false, 0, LD_USED_IN_IRQ, path, 4, &len), -1);
}

Test(lockdep_graph, search_backward_by_usage_returns_chain_in_edge_order)
{
	unsigned a = cls("a"), b = cls("b"), c = cls("c"), x = cls("x");
	uint16_t path[4];
	unsigned len;

	dep(a, b); /* edge 0 */
	dep(b, c); /* edge 1 */
	dep(c, x); /* edge 2: leads away from c, so not on a backward walk */
	g.classes[a].usage = LD_USED_IN_IRQ;
	g.classes[x].usage = LD_USED_IN_IRQ;
	cr_expect_eq(ld_search(&g, c, true, 0, LD_USED_IN_IRQ, path, 4, &len), (int)a);
	cr_assert_eq(len, 2);
	cr_expect_eq(path[0], 0); /* a -> b */
	cr_expect_eq(path[1], 1); /* b -> c */
	cr_expect_eq(ld_search(&g, b, false, a, 0, path, 4, &len), -1);
	cr_expect_eq(ld_search(&g, b, true, a, 0, path, 4, &len), (int)a);
	cr_expect_eq(len, 1);
}
