// SPDX-License-Identifier: MIT
/*
 * Priority arrays (process/prio_array.h): the bitmap stays in step with the
 * lists, so finding the first runnable level is at most PRIO_WORDS scans.
 */
#include "prio_array.h"

void prio_array_init(struct prio_array *a)
{
	a->nr = 0;
	for (unsigned w = 0; w < PRIO_WORDS; w++)
		a->bitmap[w] = 0;
	for (unsigned p = 0; p < PRIO_LEVELS; p++)
		list_init(&a->queue[p]);
}

void prio_array_add(struct prio_array *a, struct list_node *node, unsigned prio, bool head)
{
	if (head)
		list_add_head(&a->queue[prio], node);
	else
		list_add_tail(&a->queue[prio], node);
	a->bitmap[prio / 64] |= 1ULL << (prio % 64);
	a->nr++;
}

void prio_array_remove(struct prio_array *a, struct list_node *node, unsigned prio)
{
	list_remove(node);
	if (list_is_empty(&a->queue[prio]))
		a->bitmap[prio / 64] &= ~(1ULL << (prio % 64));
	a->nr--;
}

int prio_array_next_level(const struct prio_array *a, unsigned from)
{
	for (unsigned w = from / 64; w < PRIO_WORDS; w++) {
		uint64_t bits = a->bitmap[w];

		if (w == from / 64)
			bits &= ~0ULL << (from % 64);
		if (bits)
			return (int)(w * 64 + (unsigned)__builtin_ctzll(bits));
	}
	return -1;
}

int prio_array_first_level(const struct prio_array *a)
{
	return prio_array_next_level(a, 0);
}
