// SPDX-License-Identifier: MIT
/*
 * The page cache: each file's data pages, indexed by page number in a
 * radix tree (fs/page_tree.c) that lives in struct page_cache (vfs.h).
 * tmpfs keeps its files here and nowhere else; disk file systems fill pages
 * through ops->read_page and write them back through ops->write_page; mmap
 * will map the same pages later.
 *
 * A struct cached_page names one physical page frame (reached through the
 * direct map). The cache holds one reference while the page is in the tree;
 * each page_cache_find/get gives the caller another. A page taken out of
 * the tree (truncate, hole punch) loses the cache's reference and its frame
 * is freed at the last put, so a reader that still holds it copies from
 * valid memory.
 *
 * A new page is filled (read_page, or zeroed) before it goes into the tree,
 * so nobody ever sees a half-read page: two threads that miss on the same
 * index both fill one, and the one that inserts second throws its copy
 * away. ops->charge accounts each page coming in (+1) and going out (-1),
 * which is how tmpfs enforces size= with -ENOSPC.
 *
 * Dirty pages carry CPAGE_DIRTY and the tree's DIRTY mark, so writeback and
 * for_each_dirty visit them in index order in O(log n) per page; a page
 * being written has CPAGE_WRITEBACK and the WRITEBACK mark.
 *
 * Locks: cache->lock (a spinlock, after inode->lock in the order of vfs.h)
 * guards the tree, nr_pages, nr_dirty and every page's flags. It is never
 * held across read_page, write_page, charge, or the callers' callbacks,
 * which may sleep. Tree nodes are allocated under it (kmalloc does not
 * sleep). Data in a page is guarded by the host inode's lock (writers),
 * not by cache->lock.
 */
#include <xdv/errno.h>
#include <xdv/mm.h>
#include <xdv/string.h>
#include <xdv/vfs.h>

#include "internal.h"
#include "page_tree.h"

static struct page_cache_node *page_cache_node_alloc(void *ctx)
{
	return kzalloc(sizeof(struct page_cache_node), GFP_KERNEL);
}

static void page_cache_node_free(struct page_cache_node *node, void *ctx)
{
	kfree(node);
}

static const struct page_tree_alloc page_cache_tree_alloc = {
	.alloc = page_cache_node_alloc,
	.free = page_cache_node_free,
};

static struct page_tree page_cache_tree(struct page_cache *cache)
{
	return (struct page_tree){ &cache->root, &cache->height };
}

static int page_cache_charge(struct page_cache *cache, long pages)
{
	if (!cache->ops || !cache->ops->charge)
		return 0;
	return cache->ops->charge(cache, pages);
}

/*
 * Set up an empty cache for host's data, with ops (NULL: holes read as
 * zeros, nothing is written back or charged). Context: any.
 */
void page_cache_init(struct page_cache *cache, struct inode *host,
		     const struct page_cache_ops *ops)
{
	cache->host = host;
	cache->ops = ops;
	spin_lock_init(&cache->lock, "page_cache");
	cache->root = NULL;
	cache->height = 0;
	cache->nr_pages = 0;
	cache->nr_dirty = 0;
}

/* Return: the page's data through the direct map. Context: any. */
void *page_cache_page_data(const struct cached_page *page)
{
	return phys_to_virt(page->pa);
}

static void page_get(struct cached_page *page)
{
	__atomic_fetch_add(&page->refs, 1, __ATOMIC_RELAXED);
}

/*
 * Drop a reference from page_cache_find/get; the last one frees the page
 * frame. Context: any (does not sleep).
 */
void page_cache_put(struct cached_page *page)
{
	if (__atomic_sub_fetch(&page->refs, 1, __ATOMIC_ACQ_REL) != 0)
		return;
	pmm_free_pages(page->pa, 0);
	kfree(page);
}

/*
 * The page at index with a reference, or NULL if it is not cached.
 * Context: any. Locks: takes cache->lock.
 */
struct cached_page *page_cache_find(struct page_cache *cache, uint64_t index)
{
	struct cached_page *page;

	spin_lock(&cache->lock);
	page = page_tree_lookup(page_cache_tree(cache), index);
	if (page)
		page_get(page);
	spin_unlock(&cache->lock);
	return page;
}

/* A new page for index, filled from the backing store or zeroed. */
static int page_cache_fill_new(struct page_cache *cache, uint64_t index,
			       struct cached_page **out)
{
	struct cached_page *page;
	int err;

	page = kzalloc(sizeof(*page), GFP_KERNEL);
	if (!page)
		return -ENOMEM;
	page->pa = pmm_alloc_pages(0, GFP_KERNEL);
	if (!page->pa) {
		err = -ENOMEM;
		goto out_free;
	}
	page->index = index;
	page->cache = cache;
	page->refs = 2; /* the tree's and the caller's */
	if (cache->ops && cache->ops->read_page) {
		err = cache->ops->read_page(cache, page);
		if (err)
			goto out_frame;
	} else {
		memset(page_cache_page_data(page), 0, PAGE_SIZE);
	}
	page->flags = CPAGE_UPTODATE;
	*out = page;
	return 0;

out_frame:
	pmm_free_pages(page->pa, 0);
out_free:
	kfree(page);
	return err;
}

/*
 * Add a filled page (refs already counting the tree's reference) at
 * index, unless another thread added one first: then *other gets that
 * page with a reference and the caller drops its own. Locks: takes
 * cache->lock. Return: 0 (added, or *other set), or -ENOMEM from the tree.
 */
static int page_cache_add_or_find(struct page_cache *cache, uint64_t index,
				  struct cached_page *page, struct cached_page **other)
{
	int err;

	spin_lock(&cache->lock);
	*other = page_tree_lookup(page_cache_tree(cache), index);
	if (*other) {
		page_get(*other);
		spin_unlock(&cache->lock);
		return 0;
	}
	err = page_tree_insert(page_cache_tree(cache), index, page, &page_cache_tree_alloc);
	if (!err)
		cache->nr_pages++;
	spin_unlock(&cache->lock);
	return err;
}

/*
 * The page at index, read in (or zeroed) and added if it was not cached.
 * Context: may sleep (read_page, charge). Locks: takes cache->lock.
 * Return: 0 and *out with a reference, -ENOMEM, -ENOSPC (charge refused),
 * -EIO (read_page failed); nothing is charged or leaked on failure.
 */
int page_cache_get(struct page_cache *cache, uint64_t index, struct cached_page **out)
{
	struct cached_page *page, *other;
	int err;

	page = page_cache_find(cache, index);
	if (page)
		goto found;
	err = page_cache_charge(cache, 1);
	if (err)
		return err;
	err = page_cache_fill_new(cache, index, &page);
	if (err)
		goto out_uncharge;

	err = page_cache_add_or_find(cache, index, page, &other);
	if (err || other) {
		page->refs = 1;
		page_cache_put(page);
		if (err)
			goto out_uncharge;
		/* Another thread filled it first: use theirs. */
		page_cache_charge(cache, -1);
		page = other;
	}
found:
	*out = page;
	return 0;

out_uncharge:
	page_cache_charge(cache, -1);
	return err;
}

/*
 * Write a whole page at index from the iterator (a write that covers it):
 * a cached page is overwritten in place; otherwise a new frame is filled
 * straight from the iterator, neither zeroed nor read first, and added
 * dirty only once it holds the data, so no reader sees it half written.
 * A short copy (a fault) leaves the rest of a new page zero.
 * Context: may sleep. Locks: takes cache->lock; the caller holds the
 * host's inode->lock. Return: the bytes copied (PAGE_SIZE unless the
 * iterator faulted), or -ENOMEM, -ENOSPC, -EIO, -EFAULT (nothing copied).
 */
ssize_t page_cache_write_whole_page(struct page_cache *cache, uint64_t index,
				    struct iov_iter *from)
{
	struct cached_page *page, *other;
	size_t copied;
	int err;

	page = page_cache_find(cache, index);
	if (page)
		goto copy_in_place;
	err = page_cache_charge(cache, 1);
	if (err)
		return err;
	page = kzalloc(sizeof(*page), GFP_KERNEL);
	if (!page) {
		err = -ENOMEM;
		goto out_uncharge;
	}
	page->pa = pmm_alloc_pages(0, GFP_KERNEL);
	if (!page->pa) {
		kfree(page);
		err = -ENOMEM;
		goto out_uncharge;
	}
	page->index = index;
	page->cache = cache;
	page->refs = 1;
	copied = copy_from_iter(page_cache_page_data(page), PAGE_SIZE, from);
	if (!copied) {
		page_cache_put(page);
		err = -EFAULT;
		goto out_uncharge;
	}
	if (copied < PAGE_SIZE)
		memset((char *)page_cache_page_data(page) + copied, 0, PAGE_SIZE - copied);

	page->flags = CPAGE_UPTODATE;
	page->refs = 2; /* the tree's, and ours until the mark below */
	err = page_cache_add_or_find(cache, index, page, &other);
	if (err) {
		page->refs = 1;
		page_cache_put(page);
		goto out_uncharge;
	}
	if (other) {
		/* Added meanwhile (a reader of a disk file): copy ours over it. */
		memcpy(page_cache_page_data(other), page_cache_page_data(page), copied);
		page->refs = 1;
		page_cache_put(page);
		page_cache_charge(cache, -1);
		page_cache_mark_dirty(other);
		page_cache_put(other);
		return (ssize_t)copied;
	}
	page_cache_mark_dirty(page);
	page_cache_put(page);
	return (ssize_t)copied;

copy_in_place:
	copied = copy_from_iter(page_cache_page_data(page), PAGE_SIZE, from);
	if (copied)
		page_cache_mark_dirty(page);
	page_cache_put(page);
	return copied ? (ssize_t)copied : -EFAULT;

out_uncharge:
	page_cache_charge(cache, -1);
	return err;
}

/*
 * Mark a page's data newer than the backing store. Context: any.
 * Locks: takes cache->lock.
 */
void page_cache_mark_dirty(struct cached_page *page)
{
	struct page_cache *cache = page->cache;

	spin_lock(&cache->lock);
	if (!(page->flags & CPAGE_DIRTY)) {
		page->flags |= CPAGE_DIRTY;
		/* A page already dropped from the tree is only flagged. */
		if (page_tree_lookup(page_cache_tree(cache), page->index) == page) {
			page_tree_set_mark(page_cache_tree(cache), page->index, PAGE_TREE_DIRTY);
			cache->nr_dirty++;
		}
	}
	spin_unlock(&cache->lock);
}

/* Take page out of the tree. Locks: cache->lock held. */
static void page_cache_remove_locked(struct page_cache *cache, struct cached_page *page)
{
	spin_assert_held(&cache->lock);
	if (page_tree_get_mark(page_cache_tree(cache), page->index, PAGE_TREE_DIRTY))
		cache->nr_dirty--;
	page_tree_delete(page_cache_tree(cache), page->index, &page_cache_tree_alloc);
	cache->nr_pages--;
}

/*
 * Drop cached pages with index in [first, last]: out of the tree, the
 * cache's reference put, uncharged. Dirty data is discarded (the caller
 * has cut the file there). Context: may sleep (charge). Locks: takes
 * cache->lock; the caller holds the host's inode->lock.
 */
void page_cache_drop_range(struct page_cache *cache, uint64_t first, uint64_t last)
{
	uint64_t index = first;
	long dropped = 0;

	while (index <= last) {
		struct cached_page *page;

		spin_lock(&cache->lock);
		page = page_tree_next(page_cache_tree(cache), index, &index);
		if (!page || index > last) {
			spin_unlock(&cache->lock);
			break;
		}
		page_cache_remove_locked(cache, page);
		spin_unlock(&cache->lock);
		page_cache_put(page);
		dropped++;
		if (index == UINT64_MAX)
			break;
		index++;
	}
	if (dropped)
		page_cache_charge(cache, -dropped);
}

/*
 * Truncate to `from` bytes: drop every page wholly past it and zero the
 * tail of the page it ends in, so that a later extension reads zeros.
 * Context: may sleep. Locks: the caller holds the host's inode->lock.
 */
void page_cache_truncate(struct page_cache *cache, uint64_t from)
{
	uint64_t offset = from % PAGE_SIZE;
	uint64_t first_whole = from / PAGE_SIZE + (offset ? 1 : 0);

	if (offset) {
		struct cached_page *page = page_cache_find(cache, from / PAGE_SIZE);

		if (page) {
			memset((char *)page_cache_page_data(page) + offset, 0,
			       PAGE_SIZE - offset);
			page_cache_put(page);
		}
	}
	if (first_whole <= UINT64_MAX / PAGE_SIZE)
		page_cache_drop_range(cache, first_whole, UINT64_MAX);
}

/*
 * The first cached index >= index (SEEK_DATA), or UINT64_MAX if none.
 * Context: any. Locks: takes cache->lock.
 */
uint64_t page_cache_next_index(struct page_cache *cache, uint64_t index)
{
	uint64_t found = UINT64_MAX;

	spin_lock(&cache->lock);
	if (!page_tree_next(page_cache_tree(cache), index, &found))
		found = UINT64_MAX;
	spin_unlock(&cache->lock);
	return found;
}

/*
 * The first dirty page at an index >= *index, with a reference, its index
 * in *index; NULL when there is none. Locks: takes cache->lock.
 */
static struct cached_page *page_cache_next_dirty(struct page_cache *cache, uint64_t *index)
{
	struct cached_page *page;

	spin_lock(&cache->lock);
	page = page_tree_next_marked(page_cache_tree(cache), *index, PAGE_TREE_DIRTY, index);
	if (page)
		page_get(page);
	spin_unlock(&cache->lock);
	return page;
}

/*
 * Write every dirty page back through ops->write_page, in index order
 * (fsync). A page is clean and under writeback while it is written; one
 * that fails is marked dirty again. Without write_page pages stay dirty
 * (tmpfs has no backing store) and this returns 0.
 * Context: may sleep. Return: 0, or the first error of write_page.
 */
int page_cache_writeback(struct page_cache *cache)
{
	struct page_tree tree = page_cache_tree(cache);
	struct cached_page *page;
	uint64_t index = 0;
	int first_err = 0;

	if (!cache->ops || !cache->ops->write_page)
		return 0;
	while ((page = page_cache_next_dirty(cache, &index))) {
		int err;

		spin_lock(&cache->lock);
		if (!(page->flags & CPAGE_DIRTY) || page_tree_lookup(tree, page->index) != page) {
			/* Cleaned or dropped since the search: nothing to write. */
			spin_unlock(&cache->lock);
			page_cache_put(page);
			goto next;
		}
		page->flags = (page->flags & ~CPAGE_DIRTY) | CPAGE_WRITEBACK;
		page_tree_clear_mark(tree, page->index, PAGE_TREE_DIRTY);
		page_tree_set_mark(tree, page->index, PAGE_TREE_WRITEBACK);
		cache->nr_dirty--;
		spin_unlock(&cache->lock);

		err = cache->ops->write_page(cache, page);

		spin_lock(&cache->lock);
		page->flags &= ~CPAGE_WRITEBACK;
		if (page_tree_lookup(tree, page->index) == page) {
			page_tree_clear_mark(tree, page->index, PAGE_TREE_WRITEBACK);
			if (err && !(page->flags & CPAGE_DIRTY)) {
				page->flags |= CPAGE_DIRTY;
				page_tree_set_mark(tree, page->index, PAGE_TREE_DIRTY);
				cache->nr_dirty++;
			}
		}
		spin_unlock(&cache->lock);
		page_cache_put(page);
		if (err && !first_err)
			first_err = err;
next:
		if (index == UINT64_MAX)
			break;
		index++;
	}
	return first_err;
}

/*
 * Call fn for each dirty page in index order, holding a reference but no
 * lock, so fn may sleep. Pages dirtied behind the walk are not visited.
 * Context: may sleep if fn does.
 */
void page_cache_for_each_dirty(struct page_cache *cache,
			       void (*fn)(struct cached_page *page, void *arg), void *arg)
{
	struct cached_page *page;
	uint64_t index = 0;

	while ((page = page_cache_next_dirty(cache, &index))) {
		fn(page, arg);
		page_cache_put(page);
		if (index == UINT64_MAX)
			break;
		index++;
	}
}
