// SPDX-License-Identifier: MIT
/*
 * tmpfs regular files and symbolic links. A file's data is its page
 * cache and nothing else: read and write are the generic page-cache ones,
 * a page that is not cached is a hole (reads as zeros, costs nothing),
 * and every page held is charged to the super block's size limit through
 * tmpfs_page_cache_ops.charge, so that a write past size= fails with
 * -ENOSPC (short if some bytes went in) and freeing gives the space back.
 * Truncate and extend (sparse), fallocate (allocate, KEEP_SIZE, punch a
 * hole), SEEK_DATA/SEEK_HOLE from the pages cached, st_blocks from the
 * pages held. A symlink keeps its target with the inode; one of 128 bytes
 * or more takes a block of space, as Linux's.
 *
 * Locks: setattr runs with inode->lock held by the VFS; fallocate takes
 * inode->lock itself (as Linux's shmem_fallocate takes i_rwsem), so it
 * excludes writes, truncates and other fallocates of the file. The page
 * cache has its own lock inside; the size and the times are changed under
 * inode->attr_lock.
 */
#include <xdv/errno.h>
#include <xdv/mm.h>
#include <xdv/string.h>

#include "internal.h"
#include "tmpfs.h"

static int tmpfs_charge(struct page_cache *cache, long pages)
{
	return tmpfs_charge_blocks(cache->host->sb, pages);
}

const struct page_cache_ops tmpfs_page_cache_ops = {
	.read_page = NULL,  /* a page not cached is a hole: zeros */
	.write_page = NULL, /* no backing store: pages stay */
	.charge = tmpfs_charge,
};

/*
 * Release what a non-directory inode holds at eviction: a file's pages
 * (given back to the size limit), a symlink's target and its block.
 * Context: may sleep; the inode is unused.
 */
void tmpfs_file_evict(struct inode *inode)
{
	struct tmpfs_inode *ti = TMPFS_I(inode);

	if (S_ISREG(inode->mode)) {
		page_cache_truncate(&inode->data, 0);
	} else if (S_ISLNK(inode->mode)) {
		if (ti->symlink_charged) {
			ti->symlink_charged = false;
			tmpfs_uncharge_blocks(inode->sb, 1);
		}
		kfree(ti->symlink);
		ti->symlink = NULL;
	}
}

static uint64_t inode_size(struct inode *inode)
{
	uint64_t size;

	spin_lock(&inode->attr_lock);
	size = inode->size;
	spin_unlock(&inode->attr_lock);
	return size;
}

static void inode_set_size(struct inode *inode, uint64_t size)
{
	spin_lock(&inode->attr_lock);
	inode->size = size;
	spin_unlock(&inode->attr_lock);
}

/* ---- attributes ------------------------------------------------------------ */

static int tmpfs_truncate(struct inode *inode, uint64_t size)
{
	uint64_t old;

	if (S_ISDIR(inode->mode))
		return -EISDIR;
	if (!S_ISREG(inode->mode))
		return -EINVAL;
	if (size > (uint64_t)TMPFS_MAX_FILE_SIZE)
		return -EFBIG;
	old = inode_size(inode);
	inode_set_size(inode, size);
	/* Shrinking: readers past the new size see EOF from here on; drop
	 * the pages after it and zero the tail of the last one, so that a
	 * later extension reads zeros there. */
	if (size < old)
		page_cache_truncate(&inode->data, size);
	if (size != old)
		inode_touch(inode, true);
	return 0;
}

/**
 * tmpfs_setattr - change a tmpfs inode's attributes (inode_ops->setattr)
 * @dentry: names the inode
 * @attr: the fields ATTR_* says are valid
 *
 * Locks: inode->lock held by the caller. Return: 0, -EINVAL (size of a
 * non-regular file), -EISDIR, -EFBIG.
 */
int tmpfs_setattr(struct dentry *dentry, const struct iattr *attr)
{
	struct inode *inode = dentry->inode;
	int err;

	if (attr->valid & ATTR_SIZE) {
		err = tmpfs_truncate(inode, attr->size);
		if (err)
			return err;
	}
	setattr_copy(inode, attr);
	return 0;
}

/**
 * tmpfs_getattr - what struct inode does not hold: st_blocks
 * @inode: any tmpfs inode
 * @stat: filled from the inode already
 *
 * A file's blocks are its pages (8 units of 512 bytes each), a long
 * symlink's one page, a directory's none, as Linux tmpfs. Return: 0.
 */
int tmpfs_getattr(struct inode *inode, struct kstat *stat)
{
	uint64_t pages = 0;

	if (S_ISREG(inode->mode))
		pages = READ_ONCE(inode->data.nr_pages);
	else if (S_ISLNK(inode->mode))
		pages = TMPFS_I(inode)->symlink_charged ? 1 : 0;
	stat->blocks = pages * (PAGE_SIZE / 512);
	stat->blksize = PAGE_SIZE;
	return 0;
}

/* ---- file_ops -------------------------------------------------------------- */

/* SEEK_DATA / SEEK_HOLE: a cached page is data, anything else a hole. */
static loff_t tmpfs_llseek(struct file *file, loff_t offset, int whence)
{
	struct inode *inode = file->inode;
	struct page_cache *cache = &inode->data;
	uint64_t size, idx, next;
	loff_t pos;

	if (whence != SEEK_DATA && whence != SEEK_HOLE)
		return generic_file_llseek(file, offset, whence);
	size = inode_size(inode);
	if (offset < 0 || (uint64_t)offset >= size)
		return -ENXIO;
	idx = (uint64_t)offset >> PAGE_SHIFT;
	if (whence == SEEK_DATA) {
		next = page_cache_next_index(cache, idx);
		if (next == UINT64_MAX || next >= (size + PAGE_SIZE - 1) >> PAGE_SHIFT)
			return -ENXIO;
		pos = MAX(offset, (loff_t)(next << PAGE_SHIFT));
	} else {
		while ((idx << PAGE_SHIFT) < size && page_cache_next_index(cache, idx) == idx)
			idx++;
		pos = MAX(offset, (loff_t)MIN(idx << PAGE_SHIFT, size));
	}
	file->pos = pos;
	return pos;
}

static int tmpfs_fsync(struct file *file __unused, bool datasync __unused)
{
	return 0; /* nothing to write back: memory is the store */
}

/* Zero [from, to) of page idx if it is cached (a hole is zeros already). */
static void zero_in_page(struct page_cache *cache, uint64_t idx, size_t from, size_t to)
{
	struct cached_page *page = page_cache_find(cache, idx);

	if (!page)
		return;
	memset((char *)page_cache_page_data(page) + from, 0, to - from);
	page_cache_mark_dirty(page);
	page_cache_put(page);
}

static void punch_hole(struct page_cache *cache, uint64_t start, uint64_t end)
{
	uint64_t first_full = (start + PAGE_SIZE - 1) >> PAGE_SHIFT;
	uint64_t end_full = end >> PAGE_SHIFT;
	bool head_partial = start % PAGE_SIZE;

	if (first_full < end_full)
		page_cache_drop_range(cache, first_full, end_full - 1);
	if (head_partial) {
		uint64_t page_start = ALIGN_DOWN(start, PAGE_SIZE);

		zero_in_page(cache, start >> PAGE_SHIFT, start - page_start,
			     MIN(end - page_start, PAGE_SIZE));
	}
	if (end % PAGE_SIZE && !(head_partial && (start >> PAGE_SHIFT) == (end >> PAGE_SHIFT)))
		zero_in_page(cache, end >> PAGE_SHIFT, 0, end % PAGE_SIZE);
}

/* Pages of [first, last] that are not cached. */
static uint64_t count_missing(struct page_cache *cache, uint64_t first, uint64_t last)
{
	uint64_t missing = 0, idx = first;

	while (idx <= last) {
		uint64_t next = page_cache_next_index(cache, idx);

		if (next == idx) {
			idx++;
			continue;
		}
		if (next > last || next == UINT64_MAX) {
			missing += last - idx + 1;
			break;
		}
		missing += next - idx;
		idx = next;
	}
	return missing;
}

/* A run of pages that one fallocate added. */
struct page_run {
	uint64_t first, last;
};

/* Note that page idx was added; extends the last run or starts one.
 * Return: 0 or -ENOMEM. */
static int note_added(struct page_run **runs, size_t *nr, size_t *cap, uint64_t idx)
{
	if (*nr && (*runs)[*nr - 1].last + 1 == idx) {
		(*runs)[*nr - 1].last = idx;
		return 0;
	}
	if (*nr == *cap) {
		size_t ncap = *cap ? *cap * 2 : 16;
		struct page_run *n = kmalloc(ncap * sizeof(*n), GFP_KERNEL);

		if (!n)
			return -ENOMEM;
		if (*nr)
			memcpy(n, *runs, *nr * sizeof(*n));
		kfree(*runs);
		*runs = n;
		*cap = ncap;
	}
	(*runs)[(*nr)++] = (struct page_run){ idx, idx };
	return 0;
}

/*
 * Add the pages of [first, last] that are missing. On failure drop the
 * ones this call added again (as Linux's shmem_fallocate undoes its
 * allocation), so a failed fallocate leaves the space as it found it.
 * Locks: inode->lock held (no write or truncate of the file meanwhile).
 */
static int allocate_range(struct page_cache *cache, uint64_t first, uint64_t last)
{
	struct tmpfs_sb_info *sbi = TMPFS_SB(cache->host->sb);
	struct page_run *runs = NULL;
	size_t nr = 0, cap = 0;
	uint64_t missing;
	int err = 0;

	/* Refuse up front what cannot fit (the charge checks again per page,
	 * for other files that fill the file system meanwhile). */
	missing = count_missing(cache, first, last);
	spin_lock(&sbi->lock);
	if (sbi->max_blocks && sbi->used_blocks + missing > sbi->max_blocks)
		err = -ENOSPC;
	spin_unlock(&sbi->lock);
	if (err)
		return err;

	for (uint64_t idx = first;; idx++) {
		struct cached_page *page = page_cache_find(cache, idx);

		if (page) {
			page_cache_put(page);
		} else {
			err = page_cache_get(cache, idx, &page);
			if (err)
				break;
			page_cache_mark_dirty(page);
			page_cache_put(page);
			err = note_added(&runs, &nr, &cap, idx);
			if (err) {
				page_cache_drop_range(cache, idx, idx);
				break;
			}
		}
		if (idx == last)
			break;
	}
	if (err) {
		for (size_t i = 0; i < nr; i++)
			page_cache_drop_range(cache, runs[i].first, runs[i].last);
	}
	kfree(runs);
	return err;
}

static int tmpfs_fallocate(struct file *file, int mode, loff_t offset, loff_t len)
{
	struct inode *inode = file->inode;
	struct page_cache *cache = &inode->data;
	loff_t end;
	int err = 0;

	if (mode & ~(FALLOC_FL_KEEP_SIZE | FALLOC_FL_PUNCH_HOLE))
		return -EOPNOTSUPP;
	if ((mode & FALLOC_FL_PUNCH_HOLE) && !(mode & FALLOC_FL_KEEP_SIZE))
		return -EOPNOTSUPP;
	if (offset < 0 || len <= 0)
		return -EINVAL;
	if (__builtin_add_overflow(offset, len, &end))
		return -EFBIG;
	if (S_ISDIR(inode->mode))
		return -EISDIR;
	if (!S_ISREG(inode->mode))
		return -ENODEV;

	mutex_lock(&inode->lock);
	if (mode & FALLOC_FL_PUNCH_HOLE) {
		punch_hole(cache, (uint64_t)offset, (uint64_t)end);
		inode_touch(inode, true);
		goto out;
	}
	err = allocate_range(cache, (uint64_t)offset >> PAGE_SHIFT,
			     ((uint64_t)end - 1) >> PAGE_SHIFT);
	if (err)
		goto out;
	if (!(mode & FALLOC_FL_KEEP_SIZE) && (uint64_t)end > inode_size(inode))
		inode_set_size(inode, (uint64_t)end);
	inode_touch(inode, true);
out:
	mutex_unlock(&inode->lock);
	return err;
}

const struct file_ops tmpfs_file_fops = {
	.read_iter = generic_file_read_iter,
	.write_iter = generic_file_write_iter,
	.llseek = tmpfs_llseek,
	.fsync = tmpfs_fsync,
	.fallocate = tmpfs_fallocate,
};

const struct inode_ops tmpfs_file_iops = {
	.setattr = tmpfs_setattr,
	.getattr = tmpfs_getattr,
};

const struct inode_ops tmpfs_special_iops = {
	.setattr = tmpfs_setattr,
	.getattr = tmpfs_getattr,
};

/* ---- symbolic links ------------------------------------------------------ */

/*
 * Give a new symlink inode its target (copied). A target of 128 bytes or
 * more takes one block of space, as Linux's. Context: may sleep.
 * Return: 0, -ENOENT (empty), -ENAMETOOLONG (a page or more), -ENOSPC,
 * -ENOMEM; on failure the caller drops the inode, which gives back any
 * charge.
 */
int tmpfs_symlink_set_target(struct inode *inode, const char *target)
{
	struct tmpfs_inode *ti = TMPFS_I(inode);
	size_t len = strnlen(target, PAGE_SIZE);
	int err;

	if (!len)
		return -ENOENT;
	if (len + 1 > PAGE_SIZE)
		return -ENAMETOOLONG;
	if (len >= TMPFS_SHORT_SYMLINK_LEN) {
		err = tmpfs_charge_blocks(inode->sb, 1);
		if (err)
			return err;
		ti->symlink_charged = true;
	}
	ti->symlink = kmalloc(len + 1, GFP_KERNEL);
	if (!ti->symlink)
		return -ENOMEM; /* the charge goes with the inode's eviction */
	memcpy(ti->symlink, target, len + 1);
	inode_set_size(inode, len);
	return 0;
}

static int tmpfs_readlink(struct inode *inode, char *buf, size_t len)
{
	struct tmpfs_inode *ti = TMPFS_I(inode);
	size_t n;

	if (!ti->symlink)
		return -EINVAL;
	n = MIN(len, (size_t)inode->size);
	memcpy(buf, ti->symlink, n);
	return (int)n;
}

const struct inode_ops tmpfs_symlink_iops = {
	.readlink = tmpfs_readlink,
	.setattr = tmpfs_setattr,
	.getattr = tmpfs_getattr,
};
