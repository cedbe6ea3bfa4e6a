// SPDX-License-Identifier: MIT
/*
 * The lock validator's dependency graph (see kernel/lockdep.h): classes
 * keyed by (name, subclass), edges between them with the sites where each
 * order was first seen, and the search for a chain that a new edge would
 * close into a cycle. Pure logic on tables the caller provides, so the
 * host unit tests run it as it is.
 *
 * Locks: none inside; the caller serialises (lockdep.c's graph lock).
 * Classes and edges are only ever appended, and each is complete before
 * the count that publishes it grows, so a reader holding an index may read
 * its immutable fields (name, from, to, sites) without the lock.
 */
#include "lockdep.h"
#include <xdv/errno.h>
#include <xdv/string.h>

void ld_graph_reset(struct ld_graph *g)
{
	g->nr_classes = 0;
	g->nr_edges = 0;
	memset(g->deps, 0, (g->max_classes * g->max_classes + 7) / 8);
}

static int class_add(struct ld_graph *g, const char *name, unsigned subclass)
{
	if (g->nr_classes >= g->max_classes || g->nr_classes >= LD_NONE)
		return -ENOSPC;

	unsigned id = g->nr_classes;
	struct ld_class *c = &g->classes[id];

	memset(c, 0, sizeof(*c));
	c->name = name;
	c->subclass = (uint8_t)subclass;
	c->first_out = LD_NONE;
	for (unsigned s = 0; s < ARRAY_SIZE(c->nested); s++)
		c->nested[s] = LD_NONE;
	c->nested[subclass] = (uint16_t)id;
	__atomic_store_n(&g->nr_classes, id + 1, __ATOMIC_RELEASE);
	return (int)id;
}

int ld_class_get(struct ld_graph *g, const char *name, unsigned subclass)
{
	if (!name)
		name = "(unnamed)";
	if (subclass >= ARRAY_SIZE(g->classes[0].nested))
		return -EINVAL;

	/* The plain class first: it remembers its subclasses. */
	int base = -1;

	for (unsigned i = 0; i < g->nr_classes; i++) {
		struct ld_class *c = &g->classes[i];

		if (c->subclass == 0 && (c->name == name || !strcmp(c->name, name))) {
			base = (int)i;
			break;
		}
	}
	if (base < 0)
		base = class_add(g, name, 0);
	if (base < 0 || subclass == 0)
		return base;

	struct ld_class *b = &g->classes[base];

	if (b->nested[subclass] == LD_NONE) {
		int id = class_add(g, b->name, subclass);

		if (id < 0)
			return id;
		b->nested[subclass] = (uint16_t)id;
	}
	return b->nested[subclass];
}

int ld_add_dep(struct ld_graph *g, unsigned from, unsigned to, uintptr_t from_ip,
	       const uintptr_t trace[LD_TRACE_DEPTH])
{
	if (g->nr_edges >= g->max_edges || g->nr_edges >= LD_NONE - 1)
		return -ENOSPC;

	unsigned id = g->nr_edges;
	struct ld_edge *e = &g->edges[id];
	unsigned bit = from * g->max_classes + to;

	e->from = (uint16_t)from;
	e->to = (uint16_t)to;
	e->from_ip = from_ip;
	for (unsigned i = 0; i < LD_TRACE_DEPTH; i++)
		e->trace[i] = trace ? trace[i] : 0;
	e->next_out = g->classes[from].first_out;
	g->classes[from].first_out = (uint16_t)id;
	__atomic_store_n(&g->nr_edges, id + 1, __ATOMIC_RELEASE);
	/* Last: the lock path tests this bit without the graph lock. */
	__atomic_or_fetch(&g->deps[bit / 8], (uint8_t)(1u << (bit % 8)), __ATOMIC_RELEASE);
	return (int)id;
}

/* The class an edge leads to when walked forward, or backward. */
static unsigned edge_next(const struct ld_edge *e, bool backward)
{
	return backward ? e->from : e->to;
}

static bool is_target(const struct ld_graph *g, unsigned c, unsigned target, unsigned usage)
{
	return usage ? (g->classes[c].usage & usage) != 0 : c == target;
}

int ld_search(struct ld_graph *g, unsigned start, bool backward, unsigned target,
	      unsigned usage, uint16_t *path, unsigned max, unsigned *len)
{
	unsigned head = 0, tail = 0, found;

	*len = 0;
	if (is_target(g, start, target, usage))
		return (int)start;
	for (unsigned i = 0; i < g->nr_classes; i++)
		g->via[i] = LD_NONE;
	g->queue[tail++] = (uint16_t)start;
	/* A class is queued once: `via` marks it seen (start by a dummy). */
	g->via[start] = LD_NONE - 1;

	while (head < tail) {
		unsigned c = g->queue[head++];

		/*
		 * Forward: the class's own edge list. Backward: every edge into
		 * it (a scan; only the rare usage checks walk backward).
		 */
		unsigned e = backward ? 0 : g->classes[c].first_out;

		for (; backward ? e < g->nr_edges : e != LD_NONE;
		     e = backward ? e + 1 : g->edges[e].next_out) {
			if (backward && g->edges[e].to != c)
				continue;

			unsigned next = edge_next(&g->edges[e], backward);

			if (g->via[next] != LD_NONE)
				continue;
			g->via[next] = (uint16_t)e;
			if (is_target(g, next, target, usage)) {
				found = next;
				goto found;
			}
			g->queue[tail++] = (uint16_t)next;
		}
	}
	return -1;

found:;
	/* Walk back to start; the path runs in the direction of the edges. */
	unsigned n = 0;

	for (unsigned c = found; c != start; c = edge_next(&g->edges[g->via[c]], !backward))
		n++;

	unsigned i = backward ? 0 : n;

	for (unsigned c = found; c != start; c = edge_next(&g->edges[g->via[c]], !backward)) {
		if (!backward)
			i--;
		if (i < max)
			path[i] = g->via[c];
		if (backward)
			i++;
	}
	*len = n;
	return (int)found;
}

unsigned ld_find_path(struct ld_graph *g, unsigned from, unsigned to, uint16_t *path,
		      unsigned max)
{
	unsigned len;

	return ld_search(g, from, false, to, 0, path, max, &len) < 0 ? 0 : len;
}
