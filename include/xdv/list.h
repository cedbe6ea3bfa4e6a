/* SPDX-License-Identifier: MIT */
/*
 * Intrusive doubly linked lists: a struct list_node lives inside the
 * object, and a list is a node whose next and prev point to itself when it
 * is empty. Insertion and removal are O(1) and never allocate, which is
 * what run queues and wait queues need in places that must not fail.
 */
#pragma once

#include <xdv/compiler.h>

struct list_node {
	struct list_node *next, *prev;
};

#define LIST_INIT(name) { &(name), &(name) }

static inline void list_init(struct list_node *list)
{
	list->next = list;
	list->prev = list;
}

static inline bool list_is_empty(const struct list_node *list)
{
	return list->next == list;
}

/* True when node is on some list (nodes are list_init'ed when taken off). */
static inline bool list_is_linked(const struct list_node *node)
{
	return node->next != node;
}

static inline void list_insert_between(struct list_node *node, struct list_node *prev,
				       struct list_node *next)
{
	node->prev = prev;
	node->next = next;
	prev->next = node;
	next->prev = node;
}

static inline void list_add_head(struct list_node *list, struct list_node *node)
{
	list_insert_between(node, list, list->next);
}

static inline void list_add_tail(struct list_node *list, struct list_node *node)
{
	list_insert_between(node, list->prev, list);
}

/* Take node off its list and leave it self-linked (list_is_linked: false). */
static inline void list_remove(struct list_node *node)
{
	node->prev->next = node->next;
	node->next->prev = node->prev;
	list_init(node);
}

#define list_entry(node, type, member) container_of(node, type, member)
#define list_first_entry(list, type, member) list_entry((list)->next, type, member)
#define list_last_entry(list, type, member) list_entry((list)->prev, type, member)

/* Walk the nodes of list; the loop body must not remove pos. */
#define list_for_each(pos, list) \
	for (struct list_node *pos = (list)->next; pos != (list); pos = pos->next)

/* Walk the nodes of list; the body may remove pos (not its successor). */
#define list_for_each_safe(pos, list)                                         \
	for (struct list_node *pos = (list)->next, *pos##_next = pos->next;   \
	     pos != (list); pos = pos##_next, pos##_next = pos->next)
