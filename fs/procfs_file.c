// SPDX-License-Identifier: MIT
/*
 * procfs: generated files, as Linux's single_open seq_files. At open the
 * entry's generator writes the whole text into a buffer (one page first;
 * if it overflows, a buffer of the size it asked for, and again until it
 * fits), so that every read of this open file sees one consistent
 * snapshot, at any offset and in pieces of any size (busybox reads stat
 * in one go, others byte by byte). A new open sees new figures.
 *
 * Writable files (sys/kernel/hostname) take the text of a write at
 * offset 0 and hand it to the entry's write function.
 *
 * Locks: none of its own. The text belongs to the open file and never
 * changes after open; file->pos is guarded by the VFS's pos_lock.
 */
#include <xdv/errno.h>
#include <xdv/mm.h>
#include <xdv/string.h>
#include "internal.h"
#include "procfs.h"

#define PROCFS_TEXT_MAX (4u << 20) /* a generator wanting more is broken */
#define PROCFS_WRITE_MAX PAGE_SIZE

/* The generated text of an open file (file->private). */
struct procfs_text {
	char *text; /* from procfs_generate */
	size_t len;
};

int procfs_generate(const struct procfs_entry *entry, struct process *p, char **out,
		    size_t *len)
{
	size_t size = PAGE_SIZE;

	for (;;) {
		char *buf = kmalloc(size, 0);
		struct seq_buf m;
		int err;

		if (!buf)
			return -ENOMEM;
		seq_buf_init(&m, buf, size);
		err = entry->show(&m, p);
		if (err) {
			kfree(buf);
			return err;
		}
		if (!seq_buf_overflowed(&m)) {
			*out = buf;
			*len = m.len;
			return 0;
		}
		kfree(buf);
		/* Another try with room for what it said it needed (the
		 * figures may have grown meanwhile: leave slack). */
		size = m.len + m.len / 4 + 64;
		if (size > PROCFS_TEXT_MAX)
			return -EFBIG;
	}
}

static int procfs_file_open(struct inode *inode, struct file *file)
{
	const struct procfs_inode *pi = procfs_inode_of(inode);
	struct procfs_text *t;
	struct process *p = NULL;
	char *text;
	size_t len;
	int err;

	if (pi->pid >= 0) {
		p = process_find_get(pi->pid);
		if (!p)
			return -ENOENT; /* the process has gone since the lookup */
	}
	err = procfs_generate(pi->entry, p, &text, &len);
	if (p)
		process_put(p);
	if (err)
		return err;
	t = kmalloc(sizeof(*t), 0);
	if (!t) {
		kfree(text);
		return -ENOMEM;
	}
	t->text = text;
	t->len = len;
	file->private = t;
	return 0;
}

static void procfs_file_release(struct inode *inode, struct file *file)
{
	struct procfs_text *t = file->private;

	if (t)
		kfree(t->text);
	kfree(t);
	file->private = NULL;
}

static ssize_t procfs_file_read(struct file *file, struct iov_iter *to, loff_t *pos)
{
	const struct procfs_text *t = file->private;
	size_t n;

	if (*pos < 0)
		return -EINVAL;
	if (!t || (uint64_t)*pos >= t->len)
		return 0;
	n = t->len - (size_t)*pos;
	if (n > to->count)
		n = to->count;
	n = copy_to_iter(t->text + *pos, n, to);
	if (!n && to->count)
		return -EFAULT;
	*pos += (loff_t)n;
	return (ssize_t)n;
}

static ssize_t procfs_file_write(struct file *file, struct iov_iter *from, loff_t *pos)
{
	const struct procfs_inode *pi = procfs_inode_of(file->inode);
	size_t len = from->count;
	char *buf;
	int err;

	if (!pi->entry->write)
		return -EINVAL; /* Linux's answer for a write to a read-only proc file */
	if (*pos != 0)
		return -EINVAL; /* the whole value in one write, from the start */
	if (len > PROCFS_WRITE_MAX)
		len = PROCFS_WRITE_MAX;
	buf = kmalloc(len + 1, 0);
	if (!buf)
		return -ENOMEM;
	if (copy_from_iter(buf, len, from) != len) {
		kfree(buf);
		return -EFAULT;
	}
	buf[len] = '\0';
	err = pi->entry->write(buf, len);
	kfree(buf);
	if (err)
		return err;
	*pos += (loff_t)len;
	return (ssize_t)len;
}

/* seq_file's lseek: SEEK_SET and SEEK_CUR within any offset >= 0. */
static loff_t procfs_file_llseek(struct file *file, loff_t offset, int whence)
{
	loff_t pos;

	switch (whence) {
	case SEEK_SET:
		pos = offset;
		break;
	case SEEK_CUR:
		if (__builtin_add_overflow(file->pos, offset, &pos))
			return -EOVERFLOW;
		break;
	default:
		return -EINVAL;
	}
	if (pos < 0)
		return -EINVAL;
	file->pos = pos;
	return pos;
}

const struct file_ops procfs_file_ops = {
	.open = procfs_file_open,
	.release = procfs_file_release,
	.read_iter = procfs_file_read,
	.write_iter = procfs_file_write,
	.llseek = procfs_file_llseek,
};
