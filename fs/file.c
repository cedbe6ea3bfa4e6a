// SPDX-License-Identifier: MIT
/*
 * Open file descriptions (struct file): what open() makes and descriptors
 * name. A file holds its path (so the mount and the dentry, and through it
 * the inode, stay while it is open: an unlinked file keeps its data until
 * the last close), its O_* status flags, its FMODE_* access mode, the
 * offset under pos_lock, and a copy of its opener's credentials.
 *
 * Counts: one reference per descriptor naming the file and per call in
 * flight on it; the last file_put runs the driver's release, then drops
 * the path. Also here: the atime rule reads apply (file_accessed) and the
 * "." / ".." helper of directory iteration.
 *
 * Locks: pos_lock (mutex) per file; the count is atomic.
 */
#include <xdv/errno.h>
#include <xdv/mm.h>
#include <xdv/string.h>
#include "vfs_internal.h"

/* A file and its opener's credentials, in one allocation. */
struct file_alloc {
	struct file file;
	struct cred cred;
};

static struct kmem_cache *file_cache;
static struct spinlock file_cache_lock = SPINLOCK_INIT("file_cache");

struct file *file_alloc(const struct path *path, unsigned flags, unsigned mode)
{
	struct file_alloc *fa;

	if (!READ_ONCE(file_cache)) {
		struct kmem_cache *c = kmem_cache_create("file", sizeof(struct file_alloc), 0);

		spin_lock(&file_cache_lock);
		if (!file_cache && c) {
			file_cache = c;
			c = NULL;
		}
		spin_unlock(&file_cache_lock);
		if (c)
			kmem_cache_destroy(c);
		if (!READ_ONCE(file_cache))
			return NULL;
	}
	fa = kmem_cache_alloc(file_cache, GFP_ZERO);
	if (!fa)
		return NULL;
	fa->cred = *cred_current();
	fa->file.cred = &fa->cred;
	fa->file.path = *path;
	path_get(path);
	fa->file.inode = path->dentry->inode;
	fa->file.flags = flags;
	fa->file.mode = mode;
	fa->file.refs = 1;
	mutex_init(&fa->file.pos_lock, "file_pos");
	return &fa->file;
}

struct file *file_get(struct file *file)
{
	__atomic_fetch_add(&file->refs, 1, __ATOMIC_RELAXED);
	return file;
}

/* Drop a reference; the last one releases the file. Context: may sleep. */
void file_put(struct file *file)
{
	if (!file || __atomic_sub_fetch(&file->refs, 1, __ATOMIC_ACQ_REL))
		return;
	if (file->ops && file->ops->release && !(file->mode & FMODE_PATH))
		file->ops->release(file->inode, file);
	path_put(&file->path);
	kmem_cache_free(file_cache, container_of(file, struct file_alloc, file));
}

static bool ts_before(struct timespec64 a, struct timespec64 b)
{
	return a.sec < b.sec || (a.sec == b.sec && a.nsec < b.nsec);
}

/*
 * After a read: update atime unless the mount says noatime (or nodiratime
 * for a directory), the file was opened O_NOATIME, or the mount is
 * read-only; with relatime (the default, as Linux) only if atime is not
 * newer than mtime or ctime, or is a day old.
 */
void file_accessed(struct file *file)
{
	struct inode *inode = file->inode;
	unsigned long mf = READ_ONCE(file->path.mnt->flags);
	struct timespec64 now;

	if ((file->flags & O_NOATIME) || (mf & MNT_NOATIME) || mnt_is_readonly(file->path.mnt))
		return;
	if ((mf & MS_NODIRATIME) && S_ISDIR(inode->mode))
		return;
	now = current_time();
	spin_lock(&inode->attr_lock);
	if (!(mf & MNT_RELATIME) || !ts_before(inode->mtime, inode->atime) ||
	    !ts_before(inode->ctime, inode->atime) || now.sec - inode->atime.sec >= 24 * 3600)
		inode->atime = now;
	spin_unlock(&inode->attr_lock);
}

bool dir_emit_dots(struct file *file, struct dir_context *ctx)
{
	if (ctx->pos == 0) {
		if (!ctx->actor(ctx, ".", 1, file->inode->ino, DT_DIR))
			return false;
		ctx->pos = 1;
	}
	if (ctx->pos == 1) {
		struct dentry *parent = d_get_parent(file->path.dentry);
		uint64_t ino = parent->inode ? parent->inode->ino : file->inode->ino;

		d_put(parent);
		if (!ctx->actor(ctx, "..", 2, ino, DT_DIR))
			return false;
		ctx->pos = 2;
	}
	return true;
}
