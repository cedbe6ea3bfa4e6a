// SPDX-License-Identifier: MIT
/*
 * stat and statx: an inode's attributes as struct kstat, and kstat in the
 * x86-64 struct stat and struct statx layouts of Linux (dev_t in glibc's
 * 64-bit encoding; statx with major/minor apart). Also statfs.
 *
 * Locks: inode->attr_lock while the attributes are copied (inode.c).
 */
#include <xdv/errno.h>
#include <xdv/string.h>
#include "vfs_internal.h"

static void path_fill_kstat(const struct path *path, struct kstat *out)
{
	inode_fill_kstat(path->dentry->inode, out);
	out->mnt_id = path->mnt->id;
	out->mask |= STATX_MNT_ID;
}

int vfs_statat(int dirfd, const char *name, int flags, struct kstat *out)
{
	struct path path;
	unsigned lf = 0;
	int err;

	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH | AT_NO_AUTOMOUNT))
		return -EINVAL;
	if (!(flags & AT_SYMLINK_NOFOLLOW))
		lf |= LOOKUP_FOLLOW;
	if (flags & AT_EMPTY_PATH)
		lf |= LOOKUP_EMPTY;
	err = vfs_lookup_at(dirfd, name, lf, &path);
	if (err)
		return err;
	path_fill_kstat(&path, out);
	path_put(&path);
	return 0;
}

int vfs_fstat(struct file *file, struct kstat *out)
{
	path_fill_kstat(&file->path, out);
	return 0;
}

void kstat_to_stat(const struct kstat *k, struct stat *out)
{
	memset(out, 0, sizeof(*out));
	out->st_dev = dev_encode_user(k->dev);
	out->st_ino = k->ino;
	out->st_nlink = k->nlink;
	out->st_mode = k->mode;
	out->st_uid = k->uid;
	out->st_gid = k->gid;
	out->st_rdev = dev_encode_user(k->rdev);
	out->st_size = (int64_t)k->size;
	out->st_blksize = k->blksize;
	out->st_blocks = (int64_t)k->blocks;
	out->st_atime_sec = (uint64_t)k->atime.sec;
	out->st_atime_nsec = (uint64_t)k->atime.nsec;
	out->st_mtime_sec = (uint64_t)k->mtime.sec;
	out->st_mtime_nsec = (uint64_t)k->mtime.nsec;
	out->st_ctime_sec = (uint64_t)k->ctime.sec;
	out->st_ctime_nsec = (uint64_t)k->ctime.nsec;
}

static struct statx_timestamp ts_statx(struct timespec64 t)
{
	return (struct statx_timestamp){ .tv_sec = t.sec, .tv_nsec = (uint32_t)t.nsec };
}

/* As Linux: every field is filled, stx_mask says which are valid (what the
 * file system has, which may be more than want_mask asked for). */
void kstat_to_statx(const struct kstat *k, uint32_t want_mask, struct statx *out)
{
	memset(out, 0, sizeof(*out));
	(void)want_mask;
	out->stx_mask = k->mask;
	out->stx_blksize = k->blksize;
	out->stx_nlink = k->nlink;
	out->stx_uid = k->uid;
	out->stx_gid = k->gid;
	out->stx_mode = (uint16_t)k->mode;
	out->stx_ino = k->ino;
	out->stx_size = k->size;
	out->stx_blocks = k->blocks;
	out->stx_atime = ts_statx(k->atime);
	out->stx_btime = ts_statx(k->btime);
	out->stx_ctime = ts_statx(k->ctime);
	out->stx_mtime = ts_statx(k->mtime);
	out->stx_rdev_major = MAJOR(k->rdev);
	out->stx_rdev_minor = MINOR(k->rdev);
	out->stx_dev_major = MAJOR(k->dev);
	out->stx_dev_minor = MINOR(k->dev);
	out->stx_mnt_id = k->mnt_id;
}

int vfs_statfs(const char *name, struct kstatfs *out)
{
	struct path path;
	struct super_block *sb;
	int err = vfs_lookup(name, LOOKUP_FOLLOW, &path);

	if (err)
		return err;
	sb = path.mnt->sb;
	memset(out, 0, sizeof(*out));
	out->type = sb->magic;
	out->bsize = sb->block_size;
	out->namelen = NAME_MAX;
	if (sb->ops && sb->ops->statfs)
		err = sb->ops->statfs(sb, out);
	path_put(&path);
	return err;
}
