// SPDX-License-Identifier: MIT
/*
 * getdents64: a directory's entries as struct linux_dirent64 records.
 *
 * The file system's iterate walks its entries from ctx->pos (its own
 * cookie; 0 and 1 are "." and "..") and calls the actor for each, moving
 * ctx->pos past an entry once the actor took it. A record's d_off is the
 * cookie of the entry after it (what lseek(fd, d_off, SEEK_SET) resumes
 * from): the actor writes it into the previous record when the next entry
 * comes, and the last record gets the cookie iterate ends with.
 *
 * Locks: file->pos_lock, then the directory's inode->lock (so entries do
 * not change under one call).
 */
#include <xdv/errno.h>
#include <xdv/string.h>
#include "vfs_internal.h"

struct getdents_ctx {
	struct dir_context ctx;
	char *buf;
	size_t size, used;
	struct linux_dirent64 *prev;
	int error;
};

static bool filldir64(struct dir_context *ctx, const char *name, size_t len, uint64_t ino,
		      unsigned d_type)
{
	struct getdents_ctx *g = container_of(ctx, struct getdents_ctx, ctx);
	size_t reclen = ALIGN_UP(offsetof(struct linux_dirent64, d_name) + len + 1, 8);
	struct linux_dirent64 *d;

	if (len > NAME_MAX) {
		g->error = -EIO;
		return false;
	}
	if (g->used + reclen > g->size) {
		if (!g->prev)
			g->error = -EINVAL; /* not even one record fits */
		return false;
	}
	if (g->prev)
		g->prev->d_off = ctx->pos;
	d = (struct linux_dirent64 *)(g->buf + g->used);
	d->d_ino = ino;
	d->d_off = 0;
	d->d_reclen = (uint16_t)reclen;
	d->d_type = (uint8_t)d_type;
	memcpy(d->d_name, name, len);
	memset(d->d_name + len, 0, reclen - offsetof(struct linux_dirent64, d_name) - len);
	g->prev = d;
	g->used += reclen;
	return true;
}

ssize_t vfs_getdents64(struct file *file, void *buf, size_t len)
{
	struct getdents_ctx g = { .ctx.actor = filldir64, .buf = buf, .size = len };
	struct inode *inode = file->inode;
	int err;

	if (file->mode & FMODE_PATH)
		return -EBADF;
	if (!S_ISDIR(inode->mode) || !file->ops || !file->ops->iterate)
		return -ENOTDIR;
	mutex_lock(&file->pos_lock);
	mutex_lock(&inode->lock);
	g.ctx.pos = file->pos;
	err = READ_ONCE(inode->nlink) ? file->ops->iterate(file, &g.ctx) : 0;
	mutex_unlock(&inode->lock);
	if (g.prev)
		g.prev->d_off = g.ctx.pos;
	file->pos = g.ctx.pos;
	mutex_unlock(&file->pos_lock);
	file_accessed(file);
	if (g.used)
		return (ssize_t)g.used;
	if (g.error)
		return g.error;
	return err;
}
