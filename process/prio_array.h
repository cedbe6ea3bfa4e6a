/* SPDX-License-Identifier: MIT */
/*
 * A priority array: one FIFO list per priority level and a bitmap of the
 * non-empty levels, so the highest-priority entry (the lowest level
 * number) is found with a few bit scans whatever the number of entries:
 * the O(1) pick of the scheduler. Pure data structure, no locking (the run
 * queue's lock guards it); host-tested in tests/unit/process/.
 */
#pragma once

#include <xdv/compiler.h>
#include <xdv/list.h>

#define PRIO_LEVELS     140
#define PRIO_RT_LEVELS  100   /* levels 0..99: real-time */
#define PRIO_NORMAL     120   /* nice 0 */
#define PRIO_WORDS      ((PRIO_LEVELS + 63) / 64)

struct prio_array {
	unsigned nr;                          /* entries in all lists */
	uint64_t bitmap[PRIO_WORDS];          /* bit n: queue[n] is not empty */
	struct list_node queue[PRIO_LEVELS];
};

void prio_array_init(struct prio_array *a);

/* Add node at level prio, at the front (head) or the back of its list. */
void prio_array_add(struct prio_array *a, struct list_node *node, unsigned prio, bool head);

/* Take node (now at level prio) out of the array. */
void prio_array_remove(struct prio_array *a, struct list_node *node, unsigned prio);

/* The lowest non-empty level, or -1 when the array is empty. */
int prio_array_first_level(const struct prio_array *a);

/* The lowest non-empty level >= from, or -1 (for scans from the back). */
int prio_array_next_level(const struct prio_array *a, unsigned from);
