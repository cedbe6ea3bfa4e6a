// SPDX-License-Identifier: MIT
/*
 * The VMA tree of an address space: an AVL tree of struct vma keyed by
 * start address (VMAs never overlap), augmented so that both lookups and
 * the search for a free range are O(log n). Each node carries, for its
 * subtree, the lowest start, the highest end and the largest hole between
 * two of its VMAs; a hole inside a subtree lies between a node and the
 * nearest VMA of one of its child subtrees, so the three fields of the
 * children are enough to recompute a node's (Linux's rb_subtree_gap, but
 * self-contained: no list of neighbours to keep in step).
 *
 * The free-range search is top-down, as Linux's default mmap layout: the
 * highest hole below a limit, found by descending into the right subtree
 * first and skipping every subtree whose largest hole is too small or
 * that lies wholly outside [low, high).
 *
 * Pure logic: no allocation (callers own the struct vma), no locks (the
 * owning mm_struct's lock guards the tree), and it builds for the host
 * tests (tests/unit/memory/test_vma.c).
 */
#include <xdv/mm.h>
#include <xdv/errno.h>

static int height(const struct vma *v)
{
	return v ? v->height : 0;
}

/* Recompute v's height and augmented fields from its children. */
static void update(struct vma *v)
{
	struct vma *l = v->left, *r = v->right;
	uint64_t gap = 0;

	v->height = 1 + MAX(height(l), height(r));
	v->subtree_start = l ? l->subtree_start : v->start;
	v->subtree_end = r ? r->subtree_end : v->end;
	if (l) {
		gap = MAX(l->subtree_gap, v->start - l->subtree_end);
	}
	if (r) {
		gap = MAX(gap, r->subtree_gap);
		gap = MAX(gap, r->subtree_start - v->end);
	}
	v->subtree_gap = gap;
}

static struct vma *rotate_right(struct vma *v)
{
	struct vma *l = v->left;

	v->left = l->right;
	l->right = v;
	update(v);
	update(l);
	return l;
}

static struct vma *rotate_left(struct vma *v)
{
	struct vma *r = v->right;

	v->right = r->left;
	r->left = v;
	update(v);
	update(r);
	return r;
}

/* Restore the AVL balance at v (children balanced, heights off by <= 2). */
static struct vma *rebalance(struct vma *v)
{
	update(v);
	int bal = height(v->left) - height(v->right);

	if (bal > 1) {
		if (height(v->left->left) < height(v->left->right))
			v->left = rotate_left(v->left);
		return rotate_right(v);
	}
	if (bal < -1) {
		if (height(v->right->right) < height(v->right->left))
			v->right = rotate_right(v->right);
		return rotate_left(v);
	}
	return v;
}

static struct vma *insert_at(struct vma *n, struct vma *v)
{
	if (!n)
		return v;
	if (v->start < n->start)
		n->left = insert_at(n->left, v);
	else
		n->right = insert_at(n->right, v);
	return rebalance(n);
}

/* Remove the lowest node of subtree n; *min gets it. */
static struct vma *remove_min(struct vma *n, struct vma **min)
{
	if (!n->left) {
		*min = n;
		return n->right;
	}
	n->left = remove_min(n->left, min);
	return rebalance(n);
}

static struct vma *remove_at(struct vma *n, struct vma *v)
{
	if (!n)
		return NULL; /* not in the tree: callers guarantee it is */
	if (n == v) {
		struct vma *l = n->left, *r = n->right, *min;

		if (!r)
			return l;
		r = remove_min(r, &min);
		min->left = l;
		min->right = r;
		return rebalance(min);
	}
	if (v->start < n->start)
		n->left = remove_at(n->left, v);
	else
		n->right = remove_at(n->right, v);
	return rebalance(n);
}

struct vma *vma_find(const struct vma_tree *t, vaddr_t addr)
{
	struct vma *n = t->root, *best = NULL;

	while (n) {
		if (n->end > addr) {
			best = n;
			if (n->start <= addr)
				return n;
			n = n->left;
		} else {
			n = n->right;
		}
	}
	return best;
}

struct vma *vma_next(const struct vma_tree *t, const struct vma *v)
{
	return vma_find(t, v->end);
}

struct vma *vma_prev(const struct vma_tree *t, vaddr_t addr)
{
	struct vma *n = t->root, *best = NULL;

	while (n) {
		if (n->end <= addr) {
			best = n;
			n = n->right;
		} else {
			n = n->left;
		}
	}
	return best;
}

bool vma_range_is_free(const struct vma_tree *t, vaddr_t start, vaddr_t end)
{
	struct vma *v = vma_find(t, start);

	return !v || v->start >= end;
}

static bool page_aligned(vaddr_t a)
{
	return (a & (PAGE_SIZE - 1)) == 0;
}

/* Link v, known not to overlap anything, into t. */
static void link(struct vma_tree *t, struct vma *v)
{
	v->left = v->right = NULL;
	update(v);
	t->root = insert_at(t->root, v);
	t->count++;
}

int vma_insert(struct vma_tree *t, struct vma *v)
{
	if (v->start >= v->end || !page_aligned(v->start) || !page_aligned(v->end))
		return -EINVAL;
	if (!vma_range_is_free(t, v->start, v->end))
		return -EEXIST;
	link(t, v);
	return 0;
}

void vma_remove(struct vma_tree *t, struct vma *v)
{
	t->root = remove_at(t->root, v);
	t->count--;
	v->left = v->right = NULL;
}

int vma_split(struct vma_tree *t, struct vma *v, vaddr_t addr, struct vma *tail)
{
	if (addr <= v->start || addr >= v->end || !page_aligned(addr))
		return -EINVAL;
	vma_remove(t, v);
	tail->start = addr;
	tail->end = v->end;
	tail->flags = v->flags;
	tail->file = v->file;
	tail->pgoff = v->pgoff + ((addr - v->start) >> PAGE_SHIFT);
	v->end = addr;
	link(t, v); /* both fit where v was */
	link(t, tail);
	return 0;
}

bool vma_can_merge(const struct vma *a, const struct vma *b)
{
	if (a->end != b->start || a->flags != b->flags || a->file != b->file)
		return false;
	return !a->file || a->pgoff + ((a->end - a->start) >> PAGE_SHIFT) == b->pgoff;
}

void vma_merge(struct vma_tree *t, struct vma *a, struct vma *b)
{
	vaddr_t end = b->end;

	vma_remove(t, b);
	vma_remove(t, a);
	a->end = end;
	link(t, a); /* the union of two tree members: free */
}

void vma_set_start(struct vma_tree *t, struct vma *v, vaddr_t new_start)
{
	vma_remove(t, v);
	if (v->file)
		v->pgoff -= (v->start - new_start) >> PAGE_SHIFT;
	v->start = new_start;
	link(t, v); /* the caller checked the room below */
}

/* The top len bytes of the hole [a, b) clipped to [low, high), if they fit. */
static bool fit_top(vaddr_t a, vaddr_t b, size_t len, vaddr_t low, vaddr_t high,
		    vaddr_t *out)
{
	a = MAX(a, low);
	b = MIN(b, high);
	if (b <= a || b - a < len)
		return false;
	*out = b - len;
	return true;
}

/* Highest fit among the holes between the VMAs of subtree n. */
static bool find_topdown(const struct vma *n, size_t len, vaddr_t low, vaddr_t high,
			 vaddr_t *out)
{
	while (n) {
		/* Every hole of the subtree lies in [subtree_start, subtree_end). */
		if (n->subtree_gap < len || n->subtree_start >= high ||
		    n->subtree_end <= low || high - n->subtree_start < len ||
		    n->subtree_end - low < len)
			return false;
		if (find_topdown(n->right, len, low, high, out))
			return true;
		if (n->right && fit_top(n->end, n->right->subtree_start, len, low, high, out))
			return true;
		if (n->left && fit_top(n->left->subtree_end, n->start, len, low, high, out))
			return true;
		n = n->left;
	}
	return false;
}

int vma_find_free_topdown(const struct vma_tree *t, size_t len, vaddr_t low, vaddr_t high,
			  vaddr_t *out)
{
	const struct vma *root = t->root;

	len = ALIGN_UP(len, PAGE_SIZE);
	if (len == 0 || high <= low)
		return -ENOMEM;
	if (!root)
		return fit_top(low, high, len, low, high, out) ? 0 : -ENOMEM;
	if (fit_top(root->subtree_end, high, len, low, high, out) ||
	    find_topdown(root, len, low, high, out) ||
	    fit_top(low, root->subtree_start, len, low, high, out))
		return 0;
	return -ENOMEM;
}

/* Check subtree n within (lo, hi); *count counts its nodes. Return: its height or -1. */
static int check_subtree(const struct vma *n, vaddr_t lo, vaddr_t hi, uint64_t *count)
{
	if (!n)
		return 0;
	if (n->start >= n->end || n->start < lo || n->end > hi)
		return -1;
	int hl = check_subtree(n->left, lo, n->start, count);
	int hr = check_subtree(n->right, n->end, hi, count);

	if (hl < 0 || hr < 0 || hl - hr > 1 || hr - hl > 1 || n->height != 1 + MAX(hl, hr))
		return -1;
	struct vma copy = *n;

	update(&copy);
	if (copy.subtree_start != n->subtree_start || copy.subtree_end != n->subtree_end ||
	    copy.subtree_gap != n->subtree_gap)
		return -1;
	(*count)++;
	return n->height;
}

int vma_tree_check(const struct vma_tree *t)
{
	uint64_t count = 0;

	if (check_subtree(t->root, 0, ~(vaddr_t)0, &count) < 0 || count != t->count)
		return -EINVAL;
	return 0;
}
