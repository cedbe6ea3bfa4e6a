// SPDX-License-Identifier: MIT
/*
 * generic_file_read_iter / generic_file_write_iter: read(2) and write(2)
 * of regular files through the page cache (fs/page_cache.c), as tmpfs
 * uses them now and disk file systems will later.
 *
 * Reads stop at inode->size; a page that is not cached is a hole and reads
 * as zeros without being allocated (a file system with a backing store,
 * ops->read_page, has it read in instead). Writes fetch each page (so a
 * partial-page write keeps the rest of the page; a page written whole is
 * filled straight from the caller, page_cache_write_whole_page), copy,
 * mark it dirty and
 * extend the size as they go, so a write that fails part way (-ENOSPC on
 * a page) returns the bytes done and leaves size covering exactly them.
 *
 * Locks: a write holds the file's inode->lock from the O_APPEND position
 * to the size update, so appends and extensions do not interleave; size
 * itself is stored under inode->attr_lock for readers. Reads take no
 * inode lock (as Linux's for page-cache files): they see each page's data
 * as it is and the size as it was when they looked.
 */
#include <xdv/errno.h>
#include <xdv/mm.h>
#include <xdv/vfs.h>

#include "internal.h"

/* The largest file the page cache serves (Linux's MAX_LFS_FILESIZE). */
#define PAGE_CACHE_MAX_BYTES ((uint64_t)INT64_MAX)

static uint64_t inode_size_read(struct inode *inode)
{
	return __atomic_load_n(&inode->size, __ATOMIC_ACQUIRE);
}

/*
 * Read from *pos up to the end of the file into to, advancing *pos.
 * Context: may sleep (read_page). Return: bytes read (0 at or past the
 * end), -EINVAL for a negative position, -EFAULT if nothing could be
 * copied, or the error of read_page when nothing was read.
 */
ssize_t generic_file_read_iter(struct file *file, struct iov_iter *to, loff_t *pos)
{
	struct inode *inode = file->inode;
	struct page_cache *cache = &inode->data;
	bool backed = cache->ops && cache->ops->read_page;
	uint64_t size;
	size_t done = 0;
	int err = 0;

	if (*pos < 0)
		return -EINVAL;
	/* The size is looked at again for each page, so a read that races
	 * with a truncate stops at the new end rather than reading zeros. */
	while (to->count && (uint64_t)*pos < (size = inode_size_read(inode))) {
		uint64_t index = (uint64_t)*pos / PAGE_SIZE;
		size_t offset = (uint64_t)*pos % PAGE_SIZE;
		size_t n = PAGE_SIZE - offset;
		struct cached_page *page = page_cache_find(cache, index);
		size_t copied;

		if (n > size - (uint64_t)*pos)
			n = size - (uint64_t)*pos;
		if (!page && backed) {
			err = page_cache_get(cache, index, &page);
			if (err)
				break;
		}
		if (page) {
			copied = copy_to_iter((char *)page_cache_page_data(page) + offset, n, to);
			page_cache_put(page);
		} else {
			copied = iov_iter_zero(n, to);
		}
		*pos += copied;
		done += copied;
		if (copied < n) {
			if (to->count)
				err = -EFAULT;
			break;
		}
	}
	if (done)
		return (ssize_t)done;
	return err;
}

/* Store a new size. Locks: inode->lock held. */
static void inode_size_write(struct inode *inode, uint64_t size)
{
	spin_lock(&inode->attr_lock);
	__atomic_store_n(&inode->size, size, __ATOMIC_RELEASE);
	spin_unlock(&inode->attr_lock);
}

/*
 * Write from at *pos (at the end of the file with O_APPEND), advancing
 * *pos; extends the size, updates mtime and ctime.
 * Context: may sleep. Locks: takes inode->lock.
 * Return: bytes written (short if a later page failed), or -EFBIG past the
 * largest file size, -ENOSPC / -ENOMEM / -EIO from the first page,
 * -EFAULT if nothing could be copied, -EINVAL for a negative position.
 */
ssize_t generic_file_write_iter(struct file *file, struct iov_iter *from, loff_t *pos)
{
	struct inode *inode = file->inode;
	struct page_cache *cache = &inode->data;
	size_t done = 0, count = from->count;
	ssize_t ret;
	int err = 0;

	mutex_lock(&inode->lock);
	if (file->flags & O_APPEND)
		*pos = (loff_t)inode->size;
	if (*pos < 0) {
		ret = -EINVAL;
		goto out_unlock;
	}
	if (!count) {
		ret = 0;
		goto out_unlock;
	}
	if ((uint64_t)*pos >= PAGE_CACHE_MAX_BYTES) {
		ret = -EFBIG;
		goto out_unlock;
	}
	if (count > PAGE_CACHE_MAX_BYTES - (uint64_t)*pos)
		count = PAGE_CACHE_MAX_BYTES - (uint64_t)*pos;

	while (done < count) {
		uint64_t index = (uint64_t)*pos / PAGE_SIZE;
		size_t offset = (uint64_t)*pos % PAGE_SIZE;
		size_t n = PAGE_SIZE - offset;
		struct cached_page *page;
		size_t copied;

		if (n > count - done)
			n = count - done;
		if (n == PAGE_SIZE) {
			/* All of it is new: no need to zero or read it first. */
			ssize_t r = page_cache_write_whole_page(cache, index, from);

			if (r < 0) {
				err = (int)r;
				break;
			}
			copied = (size_t)r;
		} else {
			err = page_cache_get(cache, index, &page);
			if (err)
				break;
			copied = copy_from_iter((char *)page_cache_page_data(page) + offset, n,
						from);
			if (copied)
				page_cache_mark_dirty(page);
			page_cache_put(page);
		}
		*pos += copied;
		done += copied;
		if ((uint64_t)*pos > inode->size)
			inode_size_write(inode, (uint64_t)*pos);
		if (copied < n) {
			err = -EFAULT;
			break;
		}
	}
	if (done) {
		inode_touch(inode, true);
		ret = (ssize_t)done;
	} else {
		ret = err;
	}
out_unlock:
	mutex_unlock(&inode->lock);
	return ret;
}
