// SPDX-License-Identifier: MIT
/*
 * read/write/pread/pwrite/lseek and the fsync, fallocate and ioctl
 * dispatch, with Linux's checks before the file's own operation runs:
 * -EBADF for an O_PATH file or the wrong access mode, -EISDIR reading a
 * directory, -ESPIPE for positioned I/O on an unseekable file, -EINVAL
 * for a negative offset, -EFBIG past the largest offset. O_APPEND writes
 * go to the end of the file. Reads update atime (file_accessed).
 *
 * Locks: file->pos_lock across a read, write or lseek that uses the
 * file's offset (as Linux's f_pos_lock), so concurrent calls on one file
 * see offsets in some order; the file operation takes the inode's locks.
 */
#include <xdv/errno.h>
#include "vfs_internal.h"

#define MAX_RW_COUNT (0x7ffff000ul) /* Linux's largest single transfer */
#define MAX_LFS_FILESIZE ((loff_t)INT64_MAX)

static int rw_check(struct file *file, unsigned need, struct iov_iter *it)
{
	if (!file || (file->mode & FMODE_PATH) || !(file->mode & need))
		return -EBADF;
	if (need == FMODE_READ && S_ISDIR(file->inode->mode))
		return -EISDIR;
	if (it->count > MAX_RW_COUNT)
		it->count = MAX_RW_COUNT; /* a short transfer, as Linux */
	return 0;
}

static ssize_t do_read(struct file *file, struct iov_iter *to, loff_t *pos)
{
	ssize_t n;

	if (!file->ops || !file->ops->read_iter)
		return -EINVAL;
	if (*pos < 0)
		return -EINVAL;
	if (!to->count)
		return 0;
	n = file->ops->read_iter(file, to, pos);
	if (n >= 0)
		file_accessed(file);
	return n;
}

static ssize_t do_write(struct file *file, struct iov_iter *from, loff_t *pos)
{
	if (!file->ops || !file->ops->write_iter)
		return -EINVAL;
	if (*pos < 0)
		return -EINVAL;
	if (!from->count)
		return 0;
	if (S_ISREG(file->inode->mode) && *pos >= MAX_LFS_FILESIZE)
		return -EFBIG;
	if (S_ISREG(file->inode->mode) && (loff_t)from->count > MAX_LFS_FILESIZE - *pos)
		from->count = MAX_LFS_FILESIZE - *pos;
	return file->ops->write_iter(file, from, pos);
}

ssize_t vfs_read(struct file *file, struct iov_iter *to)
{
	int err = rw_check(file, FMODE_READ, to);
	ssize_t n;

	if (err)
		return err;
	mutex_lock(&file->pos_lock);
	loff_t pos = file->pos;

	n = do_read(file, to, &pos);
	if (n >= 0)
		file->pos = pos;
	mutex_unlock(&file->pos_lock);
	return n;
}

ssize_t vfs_write(struct file *file, struct iov_iter *from)
{
	int err = rw_check(file, FMODE_WRITE, from);
	ssize_t n;

	if (err)
		return err;
	mutex_lock(&file->pos_lock);
	loff_t pos = file->pos;

	if ((file->flags & O_APPEND) && S_ISREG(file->inode->mode))
		pos = (loff_t)READ_ONCE(file->inode->size);
	n = do_write(file, from, &pos);
	if (n >= 0)
		file->pos = pos;
	mutex_unlock(&file->pos_lock);
	return n;
}

ssize_t vfs_pread(struct file *file, struct iov_iter *to, loff_t pos)
{
	int err = rw_check(file, FMODE_READ, to);

	if (err)
		return err;
	if (!(file->mode & FMODE_LSEEK))
		return -ESPIPE;
	if (pos < 0)
		return -EINVAL;
	return do_read(file, to, &pos);
}

ssize_t vfs_pwrite(struct file *file, struct iov_iter *from, loff_t pos)
{
	int err = rw_check(file, FMODE_WRITE, from);

	if (err)
		return err;
	if (!(file->mode & FMODE_LSEEK))
		return -ESPIPE;
	if (pos < 0)
		return -EINVAL;
	/* Linux appends even with pwrite on an O_APPEND file. */
	if ((file->flags & O_APPEND) && S_ISREG(file->inode->mode))
		pos = (loff_t)READ_ONCE(file->inode->size);
	return do_write(file, from, &pos);
}

ssize_t kernel_read(struct file *file, void *buf, size_t len, loff_t *pos)
{
	struct kvec v = { buf, len };
	struct iov_iter it;

	iov_iter_kvec(&it, &v, 1);
	if (!pos)
		return vfs_read(file, &it);
	ssize_t n = vfs_pread(file, &it, *pos);

	if (n > 0)
		*pos += n;
	return n;
}

ssize_t kernel_write(struct file *file, const void *buf, size_t len, loff_t *pos)
{
	struct kvec v = { (void *)buf, len };
	struct iov_iter it;

	iov_iter_kvec(&it, &v, 1);
	if (!pos)
		return vfs_write(file, &it);
	ssize_t n = vfs_pwrite(file, &it, *pos);

	if (n > 0)
		*pos += n;
	return n;
}

/* Locks: file->pos_lock held by the caller (vfs_llseek). */
loff_t generic_file_llseek(struct file *file, loff_t offset, int whence)
{
	loff_t size = (loff_t)READ_ONCE(file->inode->size), pos;

	switch (whence) {
	case SEEK_SET:
		pos = offset;
		break;
	case SEEK_CUR:
		if (__builtin_add_overflow(file->pos, offset, &pos))
			return -EOVERFLOW;
		break;
	case SEEK_END:
		if (__builtin_add_overflow(size, offset, &pos))
			return -EOVERFLOW;
		break;
	case SEEK_DATA: /* the whole file counts as data */
		if (offset < 0)
			return -EINVAL;
		if (offset >= size)
			return -ENXIO;
		pos = offset;
		break;
	case SEEK_HOLE: /* the only hole is the virtual one at the end */
		if (offset < 0)
			return -EINVAL;
		if (offset >= size)
			return -ENXIO;
		pos = size;
		break;
	default:
		return -EINVAL;
	}
	if (pos < 0)
		return -EINVAL;
	file->pos = pos;
	return pos;
}

loff_t vfs_llseek(struct file *file, loff_t offset, int whence)
{
	loff_t r;

	if (file->mode & FMODE_PATH)
		return -EBADF;
	if (whence < SEEK_SET || whence > SEEK_HOLE)
		return -EINVAL;
	if (!(file->mode & FMODE_LSEEK))
		return -ESPIPE; /* pipes, sockets, stream devices (as Linux 6.12) */
	mutex_lock(&file->pos_lock);
	if (file->ops && file->ops->llseek)
		r = file->ops->llseek(file, offset, whence);
	else
		r = generic_file_llseek(file, offset, whence);
	mutex_unlock(&file->pos_lock);
	return r;
}

int vfs_fsync(struct file *file, bool datasync)
{
	if (file->mode & FMODE_PATH)
		return -EBADF;
	if (!file->ops || !file->ops->fsync)
		return -EINVAL;
	return file->ops->fsync(file, datasync);
}

int vfs_fallocate(struct file *file, int mode, loff_t offset, loff_t len)
{
	struct inode *inode = file->inode;
	loff_t end;
	int err;

	if (mode & ~(FALLOC_FL_KEEP_SIZE | FALLOC_FL_PUNCH_HOLE | FALLOC_FL_ZERO_RANGE))
		return -EOPNOTSUPP;
	if ((mode & FALLOC_FL_PUNCH_HOLE) &&
	    (!(mode & FALLOC_FL_KEEP_SIZE) || (mode & FALLOC_FL_ZERO_RANGE)))
		return -EOPNOTSUPP;
	if (offset < 0 || len <= 0)
		return -EINVAL;
	if ((file->mode & FMODE_PATH) || !(file->mode & FMODE_WRITE))
		return -EBADF;
	if (S_ISDIR(inode->mode))
		return -EISDIR;
	if (!S_ISREG(inode->mode) && !S_ISBLK(inode->mode))
		return -ENODEV;
	if (__builtin_add_overflow(offset, len, &end) || end > MAX_LFS_FILESIZE)
		return -EFBIG;
	if (!file->ops || !file->ops->fallocate)
		return -EOPNOTSUPP;
	err = file->ops->fallocate(file, mode, offset, len);
	if (!err)
		inode_touch(inode, true);
	return err;
}

long vfs_ioctl(struct file *file, unsigned cmd, unsigned long arg)
{
	if (file->mode & FMODE_PATH)
		return -EBADF;
	if (!file->ops || !file->ops->ioctl)
		return -ENOTTY;
	return file->ops->ioctl(file, cmd, arg);
}
