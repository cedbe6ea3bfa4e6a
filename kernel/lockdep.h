/* SPDX-License-Identifier: MIT */
/*
 * The lock validator's private parts (kernel/lockdep*.c, and the host
 * unit tests of the graph in tests/unit/kernel/test_lockdep_graph.c).
 *
 * The graph (lockdep_graph.c) is pure logic over caller-provided tables:
 * classes found by name and subclass, directed edges "class A was held
 * when class B was taken" with where that was first seen, a bit matrix for
 * the edge test on the lock path, and a breadth-first search for the
 * chain that a new edge would close into a cycle. It allocates nothing and
 * takes no lock: the caller (lockdep.c) serialises with its graph lock.
 */
#pragma once

#include <xdv/compiler.h>

#define LD_TRACE_DEPTH 6 /* return addresses kept per edge */
#define LD_NONE 0xFFFFu  /* no class / no edge */

/* Class usage bits (struct ld_class.usage). */
#define LD_USED_IN_IRQ    (1u << 0) /* taken in interrupt context */
#define LD_USED_IRQS_ON   (1u << 1) /* taken elsewhere with interrupts enabled */

struct ld_class {
	const char *name;
	uint8_t subclass;
	uint8_t usage;            /* LD_USED_* */
	bool irq_reported;        /* irq-safety report made for this class */
	uint16_t first_out;       /* first edge from this class, LD_NONE: none */
	uint16_t nested[8];       /* class of subclass s (index s), LD_NONE: not yet */
	uintptr_t usage_trace[2][LD_TRACE_DEPTH]; /* where each usage bit was first set */
};

struct ld_edge {
	uint16_t from, to;
	uint16_t next_out;        /* next edge from the same class */
	uintptr_t from_ip;        /* where `from` was taken */
	uintptr_t trace[LD_TRACE_DEPTH]; /* where `to` was taken, innermost first */
};

struct ld_graph {
	struct ld_class *classes;
	unsigned nr_classes, max_classes;
	struct ld_edge *edges;
	unsigned nr_edges, max_edges;
	uint8_t *deps;            /* max_classes * max_classes bits: edge exists */
	uint16_t *queue;          /* max_classes: search work space */
	uint16_t *via;            /* max_classes: edge a search reached a class by */
};

/* Empty g (the tables must be sized as its max_* say). */
void ld_graph_reset(struct ld_graph *g);
/* Return: the class of (name, subclass), added if new; -ENOSPC when full. */
int ld_class_get(struct ld_graph *g, const char *name, unsigned subclass);
/* Return: true if the edge from -> to is recorded. */
static inline bool ld_has_dep(const struct ld_graph *g, unsigned from, unsigned to)
{
	unsigned bit = from * g->max_classes + to;

	return g->deps[bit / 8] & (1u << (bit % 8));
}
/* Record from -> to (must be new). Return: the edge's index, or -ENOSPC. */
int ld_add_dep(struct ld_graph *g, unsigned from, unsigned to, uintptr_t from_ip,
	       const uintptr_t trace[LD_TRACE_DEPTH]);
/*
 * Find a chain of edges from -> ... -> to (from != to), shortest first.
 * Up to max edge indices go to path[], in order. Return: the chain's
 * length in edges, 0 if there is none.
 */
unsigned ld_find_path(struct ld_graph *g, unsigned from, unsigned to, uint16_t *path,
		      unsigned max);

/*
 * Breadth-first search from start, along the edges or (backward) against
 * them, for the nearest class that has a bit of usage (usage != 0) or is
 * target (usage == 0); start itself counts. The chain's edge indices go to
 * path[] (up to max) in the edges' direction, its length to *len.
 * Return: the class found, or -1.
 */
int ld_search(struct ld_graph *g, unsigned start, bool backward, unsigned target,
	      unsigned usage, uint16_t *path, unsigned max, unsigned *len);

/* ---- the hooks kernel/spinlock.c calls in the DEBUG build ------------------ */

struct spinlock;

/*
 * Before waiting for lock (after taking it, for a trylock): check the
 * order and interrupt safety, then push it on this CPU's held stack.
 * frame: the lock call's frame (__builtin_frame_address(0)), whose return
 * address is the site reported.
 */
void lockdep_acquire(struct spinlock *lock, unsigned subclass, bool trylock,
		     const void *frame);
/* Before unlocking: pop lock from this CPU's held stack. */
void lockdep_release(struct spinlock *lock);
/* Report an unlock by a CPU that does not hold lock. */
void lockdep_report_bad_unlock(struct spinlock *lock, const void *frame);
/* True if lock is on this CPU's held stack in this context (or cannot tell). */
bool lockdep_is_held(const struct spinlock *lock);

/* ---- what the ktests inspect (kernel/lockdep.c) ---------------------------- */

enum ld_report_kind {
	LD_REPORT_NONE,
	LD_REPORT_INVERSION,    /* a new order closes a cycle */
	LD_REPORT_RECURSION,    /* a class taken while one of its locks is held */
	LD_REPORT_IRQ_UNSAFE,   /* a class taken in an interrupt and with interrupts on */
	LD_REPORT_IRQ_ORDER,    /* an irq-safe class held while an irq-unsafe one is taken */
	LD_REPORT_BAD_UNLOCK,   /* unlock of a lock this CPU does not hold */
	LD_REPORT_OVERFLOW,     /* a table is full: the validator stopped */
};

struct ld_report {
	enum ld_report_kind kind;
	const char *class_a;     /* held (inversion), irq-safe, or the class concerned */
	const char *class_b;     /* being taken (inversion), irq-unsafe */
	unsigned chain_len;      /* edges in the chain b -> ... -> a (irq: a -> ... -> b) */
	uintptr_t ip;            /* where the report was triggered */
};

/*
 * Reports made on this CPU while expecting is on say "lockdep: expected
 * (ktest):" instead of "lockdep: WARNING:", so a clean run stays clean.
 * Context: the calling CPU only; the test stays on it.
 */
void lockdep_test_expect(bool on);
/* Copy of the last report made on any CPU. */
void lockdep_last_report(struct ld_report *out);
/* How full the tables are: classes and orders recorded, and their limits. */
void lockdep_table_use(unsigned *classes, unsigned *max_classes, unsigned *edges,
		       unsigned *max_edges);
/* Print every recorded order, "lockdep: order A -> B" (for a developer). */
void lockdep_print_orders(void);
/* True while the validator runs (it stops itself when a table is full). */
bool lockdep_is_active(void);
