/* SPDX-License-Identifier: MIT */
/*
 * The page cache's index (fs/page_tree.c): an xarray-like radix tree from a
 * 64-bit page number to a pointer, 64 slots per node, with a bitmap per node
 * of the slots in use and one per mark (PAGE_TREE_DIRTY, _WRITEBACK) that
 * says "something below this slot has the mark". Finding the next present
 * or next marked index from a start is then a walk down one path with a
 * count-trailing-zeros per level: O(height), height = ceil(bits / 6).
 *
 * The tree grows in height when an index does not fit and shrinks when only
 * slot 0 of the root is left, so a small file costs one node. Nodes come
 * from the caller's allocator callback, so this file is pure logic that the
 * host unit tests build too (tests/unit/fs/test_page_tree.c).
 *
 * Locks: none inside; the caller serialises (page_cache->lock).
 */
#pragma once

#include <xdv/compiler.h>

#define PAGE_TREE_SHIFT 6
#define PAGE_TREE_SLOTS (1u << PAGE_TREE_SHIFT)
#define PAGE_TREE_MAX_HEIGHT 11 /* 11 * 6 = 66 bits >= 64 */

enum page_tree_mark {
	PAGE_TREE_DIRTY = 0,
	PAGE_TREE_WRITEBACK = 1,
	PAGE_TREE_NR_MARKS = 2,
};

struct page_cache_node {
	uint64_t present;                   /* slots that are not NULL */
	uint64_t marks[PAGE_TREE_NR_MARKS]; /* slots with the mark at or below */
	void *slots[PAGE_TREE_SLOTS];       /* children, or items at the leaves */
};

/* Where a tree's nodes come from: alloc returns a zeroed node or NULL. */
struct page_tree_alloc {
	struct page_cache_node *(*alloc)(void *ctx);
	void (*free)(struct page_cache_node *node, void *ctx);
	void *ctx;
};

/*
 * A tree is a root pointer and a height (0: empty), kept by the owner
 * (struct page_cache holds them); the calls take pointers to both.
 */
struct page_tree {
	struct page_cache_node **root;
	unsigned *height;
};

/* The item at index, or NULL. */
void *page_tree_lookup(struct page_tree t, uint64_t index);
/*
 * Store item (not NULL) at index, growing the tree as needed.
 * Return: 0, -EEXIST if index holds an item, -EINVAL for a NULL item,
 * -ENOMEM (the tree unchanged).
 */
int __must_check page_tree_insert(struct page_tree t, uint64_t index, void *item,
				  const struct page_tree_alloc *a);
/* Remove and return the item at index (NULL if none); its marks go with it,
 * emptied nodes are freed and the tree shrinks. */
void *page_tree_delete(struct page_tree t, uint64_t index, const struct page_tree_alloc *a);
/* Set / clear / test a mark on a present index (no-op if absent). */
void page_tree_set_mark(struct page_tree t, uint64_t index, enum page_tree_mark mark);
void page_tree_clear_mark(struct page_tree t, uint64_t index, enum page_tree_mark mark);
bool page_tree_get_mark(struct page_tree t, uint64_t index, enum page_tree_mark mark);
/* True when some index carries the mark. */
bool page_tree_any_mark(struct page_tree t, enum page_tree_mark mark);
/*
 * The first item at an index >= start (its index in *found), or NULL.
 * The _marked form finds the first one that carries mark.
 */
void *page_tree_next(struct page_tree t, uint64_t start, uint64_t *found);
void *page_tree_next_marked(struct page_tree t, uint64_t start, enum page_tree_mark mark,
			    uint64_t *found);
