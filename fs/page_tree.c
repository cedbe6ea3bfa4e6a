// SPDX-License-Identifier: MIT
/*
 * The page cache's radix tree (see page_tree.h for the shape). Every node
 * keeps three 64-bit maps over its slots: present (the slot is not NULL)
 * and one per mark (the item, or something below the slot, carries the
 * mark). Two invariants make the searches O(height):
 *   - no node in the tree is empty (a delete frees emptied nodes upward),
 *     so a present bit always leads down to an item;
 *   - a mark bit is set exactly when the subtree below holds a marked item,
 *     so a search never descends into a slot without a hit in it.
 * The height is the smallest that holds the largest index (the root is
 * collapsed while only its slot 0 is used), so lookups of a small file
 * touch one node.
 *
 * Pure logic: nodes come from the caller's allocator, nothing sleeps.
 * Locks: none here; the caller serialises (page_cache->lock).
 */
#include "page_tree.h"
#include <xdv/errno.h>

#define PT_MASK ((uint64_t)PAGE_TREE_SLOTS - 1)

static unsigned pt_top_shift(unsigned height)
{
	return PAGE_TREE_SHIFT * (height - 1);
}

/* Does a tree of this height hold index? */
static bool pt_fits(uint64_t index, unsigned height)
{
	return height >= PAGE_TREE_MAX_HEIGHT || (index >> (PAGE_TREE_SHIFT * height)) == 0;
}

static unsigned pt_height_for(uint64_t index)
{
	unsigned h = 1;

	while (!pt_fits(index, h))
		h++;
	return h;
}

static uint64_t pt_bit(unsigned off)
{
	return (uint64_t)1 << off;
}

/* A path from the root to the leaf of index: nodes and the slot taken. */
struct pt_path {
	struct page_cache_node *node[PAGE_TREE_MAX_HEIGHT];
	unsigned off[PAGE_TREE_MAX_HEIGHT];
	unsigned depth;
};

/*
 * Walk towards index as far as the tree goes. Return: true if the whole
 * path down to the leaf node exists (the item itself may still be NULL).
 */
static bool pt_walk(struct page_tree t, uint64_t index, struct pt_path *p)
{
	unsigned h = *t.height;
	struct page_cache_node *node = *t.root;

	p->depth = 0;
	if (!h || !pt_fits(index, h))
		return false;
	for (unsigned shift = pt_top_shift(h);; shift -= PAGE_TREE_SHIFT) {
		unsigned off = (index >> shift) & PT_MASK;

		p->node[p->depth] = node;
		p->off[p->depth] = off;
		p->depth++;
		if (shift == 0)
			return true;
		node = node->slots[off];
		if (!node)
			return false;
	}
}

/*
 * After the leaf end of a path changed: clear mark bits of parents whose
 * child has none left, and free nodes that became empty, bottom up.
 */
static void pt_fixup_path(struct pt_path *p, const struct page_tree_alloc *a)
{
	for (unsigned i = p->depth - 1; i > 0; i--) {
		struct page_cache_node *child = p->node[i];
		struct page_cache_node *parent = p->node[i - 1];
		uint64_t bit = pt_bit(p->off[i - 1]);

		for (unsigned m = 0; m < PAGE_TREE_NR_MARKS; m++)
			if (!child->marks[m])
				parent->marks[m] &= ~bit;
		if (!child->present) {
			parent->slots[p->off[i - 1]] = NULL;
			parent->present &= ~bit;
			a->free(child, a->ctx);
		}
	}
}

/* Collapse the root while it is empty or only its slot 0 is used. */
static void pt_shrink(struct page_tree t, const struct page_tree_alloc *a)
{
	while (*t.height) {
		struct page_cache_node *root = *t.root;

		if (!root->present) {
			a->free(root, a->ctx);
			*t.root = NULL;
			*t.height = 0;
			return;
		}
		if (*t.height == 1 || root->present != 1)
			return;
		*t.root = root->slots[0];
		(*t.height)--;
		a->free(root, a->ctx);
	}
}

/* Return: the item at index, or NULL. */
void *page_tree_lookup(struct page_tree t, uint64_t index)
{
	struct pt_path p;

	if (!pt_walk(t, index, &p))
		return NULL;
	return p.node[p.depth - 1]->slots[index & PT_MASK];
}

/* Make the tree tall enough for index. Return: 0 or -ENOMEM. */
static int pt_grow(struct page_tree t, uint64_t index, const struct page_tree_alloc *a)
{
	if (!*t.root) {
		struct page_cache_node *root = a->alloc(a->ctx);

		if (!root)
			return -ENOMEM;
		*t.root = root;
		*t.height = pt_height_for(index);
		return 0;
	}
	while (!pt_fits(index, *t.height)) {
		struct page_cache_node *old = *t.root;
		struct page_cache_node *top = a->alloc(a->ctx);

		if (!top)
			return -ENOMEM;
		top->slots[0] = old;
		top->present = 1;
		for (unsigned m = 0; m < PAGE_TREE_NR_MARKS; m++)
			top->marks[m] = old->marks[m] ? 1 : 0;
		*t.root = top;
		(*t.height)++;
	}
	return 0;
}

/* Store item at index. Return: 0, -EEXIST, -EINVAL (NULL item), -ENOMEM. */
int page_tree_insert(struct page_tree t, uint64_t index, void *item,
		     const struct page_tree_alloc *a)
{
	struct pt_path p = { .depth = 0 };
	struct page_cache_node *node;
	int err;

	if (!item)
		return -EINVAL; /* NULL means "no item" in a slot */
	if (page_tree_lookup(t, index))
		return -EEXIST;
	err = pt_grow(t, index, a);
	if (err)
		goto out_shrink;
	node = *t.root;
	for (unsigned shift = pt_top_shift(*t.height);; shift -= PAGE_TREE_SHIFT) {
		unsigned off = (index >> shift) & PT_MASK;

		p.node[p.depth] = node;
		p.off[p.depth] = off;
		p.depth++;
		if (shift == 0)
			break;
		if (!node->slots[off]) {
			struct page_cache_node *child = a->alloc(a->ctx);

			if (!child) {
				err = -ENOMEM;
				goto out_prune;
			}
			node->slots[off] = child;
			node->present |= pt_bit(off);
		}
		node = node->slots[off];
	}
	node->slots[index & PT_MASK] = item;
	node->present |= pt_bit(index & PT_MASK);
	return 0;

out_prune:
	/* Free the nodes made for this insert: they hold nothing yet. */
	pt_fixup_path(&p, a);
out_shrink:
	if (*t.root)
		pt_shrink(t, a);
	return err;
}

/* Remove the item at index. Return: it, or NULL if there was none. */
void *page_tree_delete(struct page_tree t, uint64_t index, const struct page_tree_alloc *a)
{
	struct pt_path p;
	struct page_cache_node *leaf;
	unsigned off = index & PT_MASK;
	void *item;

	if (!pt_walk(t, index, &p))
		return NULL;
	leaf = p.node[p.depth - 1];
	item = leaf->slots[off];
	if (!item)
		return NULL;
	leaf->slots[off] = NULL;
	leaf->present &= ~pt_bit(off);
	for (unsigned m = 0; m < PAGE_TREE_NR_MARKS; m++)
		leaf->marks[m] &= ~pt_bit(off);
	pt_fixup_path(&p, a);
	pt_shrink(t, a);
	return item;
}

/* Set mark on the item at index and on every node above it. */
void page_tree_set_mark(struct page_tree t, uint64_t index, enum page_tree_mark mark)
{
	struct pt_path p;

	if (!pt_walk(t, index, &p) || !p.node[p.depth - 1]->slots[index & PT_MASK])
		return;
	for (unsigned i = 0; i < p.depth; i++)
		p.node[i]->marks[mark] |= pt_bit(p.off[i]);
}

/* Clear mark on the item at index, and above it where nothing else has it. */
void page_tree_clear_mark(struct page_tree t, uint64_t index, enum page_tree_mark mark)
{
	struct pt_path p;

	if (!pt_walk(t, index, &p))
		return;
	for (unsigned i = p.depth; i-- > 0;) {
		p.node[i]->marks[mark] &= ~pt_bit(p.off[i]);
		if (p.node[i]->marks[mark])
			break; /* a sibling still has it: the parents keep theirs */
	}
}

/* Return: whether the item at index carries mark. */
bool page_tree_get_mark(struct page_tree t, uint64_t index, enum page_tree_mark mark)
{
	struct pt_path p;

	if (!pt_walk(t, index, &p))
		return false;
	return p.node[p.depth - 1]->marks[mark] & pt_bit(index & PT_MASK);
}

/* Return: whether any item carries mark. */
bool page_tree_any_mark(struct page_tree t, enum page_tree_mark mark)
{
	return *t.height && (*t.root)->marks[mark] != 0;
}

/* The slots of node to search: present (mark < 0) or marked. */
static uint64_t pt_bits(const struct page_cache_node *node, int mark)
{
	return mark < 0 ? node->present : node->marks[mark];
}

/*
 * First item at an index >= start below node, which covers indices from
 * base on in slots of 1 << shift indices each (start >= base).
 */
static void *pt_find(const struct page_cache_node *node, unsigned shift, uint64_t base,
		     uint64_t start, int mark, uint64_t *found)
{
	unsigned off = (unsigned)((start - base) >> shift);
	uint64_t bits = pt_bits(node, mark) & (~(uint64_t)0 << off);

	while (bits) {
		unsigned s = (unsigned)__builtin_ctzll(bits);
		uint64_t child_base = base + ((uint64_t)s << shift);
		void *r;

		if (shift == 0) {
			*found = child_base;
			return node->slots[s];
		}
		r = pt_find(node->slots[s], shift - PAGE_TREE_SHIFT, child_base,
			    start > child_base ? start : child_base, mark, found);
		if (r)
			return r;
		bits &= bits - 1;
	}
	return NULL;
}

/* Return: the first item at an index >= start (index in *found), or NULL. */
void *page_tree_next(struct page_tree t, uint64_t start, uint64_t *found)
{
	if (!*t.height || !pt_fits(start, *t.height))
		return NULL;
	return pt_find(*t.root, pt_top_shift(*t.height), 0, start, -1, found);
}

/* Return: the first item with mark at an index >= start, or NULL. */
void *page_tree_next_marked(struct page_tree t, uint64_t start, enum page_tree_mark mark,
			    uint64_t *found)
{
	if (!*t.height || !pt_fits(start, *t.height))
		return NULL;
	return pt_find(*t.root, pt_top_shift(*t.height), 0, start, (int)mark, found);
}
