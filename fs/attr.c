// SPDX-License-Identifier: MIT
/*
 * Changing attributes: chmod, chown, truncate, utimensat, and the calls
 * that only check or move (faccessat, chdir, chroot). Each one checks as
 * Linux does, then hands an iattr to notify_change(), which sets ctime
 * and calls the file system's setattr (or sets the fields itself).
 *
 * Rules: only the owner (or root) may chmod, set explicit times or chgrp
 * (to its own group); only root may give a file away; a chown of a
 * non-directory clears set-user-ID, and set-group-ID when group-execute
 * is set; chmod by a non-member clears set-group-ID. Times "now" need
 * ownership or write permission. Writes on a read-only mount: -EROFS.
 *
 * Locks: notify_change takes the inode's lock around setattr.
 */
#include <xdv/errno.h>
#include "vfs_internal.h"

/*
 * Copy the attributes attr says are valid (all but the size) into inode.
 * Locks: inode->lock held; takes inode->attr_lock.
 */
void setattr_copy(struct inode *inode, const struct iattr *attr)
{
	spin_lock(&inode->attr_lock);
	if (attr->valid & ATTR_MODE)
		inode->mode = (inode->mode & S_IFMT) | (attr->mode & S_IALLUGO);
	if (attr->valid & ATTR_UID)
		inode->uid = attr->uid;
	if (attr->valid & ATTR_GID)
		inode->gid = attr->gid;
	if (attr->valid & ATTR_ATIME)
		inode->atime = attr->atime;
	if (attr->valid & ATTR_MTIME)
		inode->mtime = attr->mtime;
	if (attr->valid & ATTR_CTIME)
		inode->ctime = attr->ctime;
	spin_unlock(&inode->attr_lock);
}

int notify_change(struct dentry *dentry, struct iattr *attr)
{
	struct inode *inode = dentry->inode;
	struct timespec64 now = current_time();
	int err = 0;

	attr->valid |= ATTR_CTIME;
	attr->ctime = now;
	if ((attr->valid & ATTR_SIZE) && !(attr->valid & ATTR_MTIME)) {
		attr->valid |= ATTR_MTIME;
		attr->mtime = now;
	}
	mutex_lock(&inode->lock);
	if (inode->iops && inode->iops->setattr) {
		err = inode->iops->setattr(dentry, attr);
	} else if (attr->valid & ATTR_SIZE) {
		err = -EPERM; /* no way to change the size */
	} else {
		setattr_copy(inode, attr);
	}
	mutex_unlock(&inode->lock);
	return err;
}

static int lookup_for_attr(int dirfd, const char *name, int flags, struct path *out)
{
	unsigned lf = (flags & AT_SYMLINK_NOFOLLOW) ? 0 : LOOKUP_FOLLOW;

	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	if (flags & AT_EMPTY_PATH)
		lf |= LOOKUP_EMPTY;
	return vfs_lookup_at(dirfd, name, lf, out);
}

int vfs_fchmodat(int dirfd, const char *name, umode_t mode, int flags)
{
	const struct cred *cred = cred_current();
	struct path path;
	struct inode *inode;
	int err = lookup_for_attr(dirfd, name, flags, &path);

	if (err)
		return err;
	inode = path.dentry->inode;
	if (S_ISLNK(inode->mode))
		err = -EOPNOTSUPP; /* Linux: symlink modes cannot change */
	else if (mnt_is_readonly(path.mnt))
		err = -EROFS;
	else if (!cred_is_root(cred) && !cred_owns(cred, inode))
		err = -EPERM;
	if (!err) {
		struct iattr attr = { .valid = ATTR_MODE, .mode = mode & S_IALLUGO };

		if (!cred_is_root(cred) && cred->fsgid != inode->gid)
			attr.mode &= ~S_ISGID;
		err = notify_change(path.dentry, &attr);
	}
	path_put(&path);
	return err;
}

int vfs_fchownat(int dirfd, const char *name, uid_t uid, gid_t gid, int flags)
{
	const struct cred *cred = cred_current();
	struct iattr attr = { 0 };
	struct path path;
	struct inode *inode;
	int err = lookup_for_attr(dirfd, name, flags, &path);

	if (err)
		return err;
	inode = path.dentry->inode;
	if (uid != (uid_t)-1 && uid != inode->uid) {
		attr.valid |= ATTR_UID;
		attr.uid = uid;
	}
	if (gid != (gid_t)-1 && gid != inode->gid) {
		attr.valid |= ATTR_GID;
		attr.gid = gid;
	}
	if (mnt_is_readonly(path.mnt)) {
		err = -EROFS;
	} else if (!cred_is_root(cred)) {
		/* Not root: no giving away; chgrp only by the owner, to its group. */
		if ((attr.valid & ATTR_UID) || ((uid != (uid_t)-1 || gid != (gid_t)-1) &&
						!cred_owns(cred, inode)))
			err = -EPERM;
		else if ((attr.valid & ATTR_GID) && gid != cred->fsgid && gid != cred->egid)
			err = -EPERM;
	}
	if (!err && (uid != (uid_t)-1 || gid != (gid_t)-1) && !S_ISDIR(inode->mode) &&
	    (inode->mode & (S_ISUID | S_ISGID))) {
		attr.valid |= ATTR_MODE;
		attr.mode = inode->mode & ~S_ISUID;
		if (inode->mode & 010) /* S_IXGRP: a real set-group-ID */
			attr.mode &= ~S_ISGID;
	}
	if (!err)
		err = notify_change(path.dentry, &attr);
	path_put(&path);
	return err;
}

static bool utime_valid(long nsec)
{
	return (nsec >= 0 && nsec <= 999999999) || nsec == UTIME_NOW || nsec == UTIME_OMIT;
}

int vfs_utimensat(int dirfd, const char *name, const struct timespec64 times[2], int flags)
{
	const struct cred *cred = cred_current();
	struct timespec64 now = current_time();
	struct iattr attr = { .valid = ATTR_ATIME | ATTR_MTIME, .atime = now, .mtime = now };
	bool only_now = true;
	struct path path;
	int err;

	if (times) {
		if (!utime_valid(times[0].nsec) || !utime_valid(times[1].nsec))
			return -EINVAL;
		if (times[0].nsec == UTIME_OMIT && times[1].nsec == UTIME_OMIT)
			return 0;
		for (int i = 0; i < 2; i++) {
			unsigned bit = i ? ATTR_MTIME : ATTR_ATIME;
			struct timespec64 *dst = i ? &attr.mtime : &attr.atime;

			if (times[i].nsec == UTIME_OMIT) {
				attr.valid &= ~bit;
			} else if (times[i].nsec != UTIME_NOW) {
				*dst = times[i];
				only_now = false;
			}
		}
	}
	err = lookup_for_attr(dirfd, name ? name : "", name ? flags : flags | AT_EMPTY_PATH,
			      &path);
	if (err)
		return err;
	struct inode *inode = path.dentry->inode;

	if (mnt_is_readonly(path.mnt))
		err = -EROFS;
	else if (!cred_is_root(cred) && !cred_owns(cred, inode))
		err = only_now ? (inode_permission(cred, inode, MAY_WRITE) ? -EACCES : 0) : -EPERM;
	if (!err)
		err = notify_change(path.dentry, &attr);
	path_put(&path);
	return err;
}

/* Truncate the file at path to length (checks done by the callers). */
static int do_truncate(struct path *path, loff_t length)
{
	struct iattr attr = { .valid = ATTR_SIZE, .size = (uint64_t)length };

	return notify_change(path->dentry, &attr);
}

int vfs_truncate(const char *name, loff_t length)
{
	struct path path;
	struct inode *inode;
	int err;

	if (length < 0)
		return -EINVAL;
	err = vfs_lookup(name, LOOKUP_FOLLOW, &path);
	if (err)
		return err;
	inode = path.dentry->inode;
	if (S_ISDIR(inode->mode))
		err = -EISDIR;
	else if (!S_ISREG(inode->mode))
		err = -EINVAL;
	else if (mnt_is_readonly(path.mnt))
		err = -EROFS;
	else
		err = inode_permission(cred_current(), inode, MAY_WRITE);
	if (!err)
		err = do_truncate(&path, length);
	path_put(&path);
	return err;
}

int vfs_ftruncate(struct file *file, loff_t length)
{
	if (length < 0)
		return -EINVAL;
	if (file->mode & FMODE_PATH)
		return -EBADF;
	if (!S_ISREG(file->inode->mode) || !(file->mode & FMODE_WRITE))
		return -EINVAL;
	return do_truncate(&file->path, length);
}

int vfs_faccessat(int dirfd, const char *name, int mode, int flags)
{
	const struct cred *cur = cred_current();
	struct cred real = *cur;
	struct path path;
	struct inode *inode;
	int err;

	if (mode & ~(R_OK | W_OK | X_OK))
		return -EINVAL;
	if (flags & ~(AT_EACCESS | AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	if (!(flags & AT_EACCESS)) {
		real.fsuid = cur->uid; /* access(2) asks for the real ids */
		real.fsgid = cur->gid;
	}
	err = lookup_for_attr(dirfd, name, flags & ~AT_EACCESS, &path);
	if (err)
		return err;
	inode = path.dentry->inode;
	if (mode) {
		err = inode_permission(&real, inode, (mode & R_OK ? MAY_READ : 0) |
					      (mode & W_OK ? MAY_WRITE : 0) |
					      (mode & X_OK ? MAY_EXEC : 0));
		if (!err && (mode & W_OK) && mnt_is_readonly(path.mnt) &&
		    (S_ISREG(inode->mode) || S_ISDIR(inode->mode) || S_ISLNK(inode->mode)))
			err = -EROFS;
	}
	path_put(&path);
	return err;
}

static int set_dir(const char *name, int which)
{
	struct fs_context *fs = fs_context_current();
	struct path path;
	int err;

	if (!fs)
		return -ENOENT;
	err = vfs_lookup(name, LOOKUP_FOLLOW | LOOKUP_DIRECTORY, &path);
	if (err)
		return err;
	err = inode_permission(cred_current(), path.dentry->inode, MAY_EXEC);
	if (!err)
		fs_context_set(fs, which, &path);
	path_put(&path);
	return err;
}

int vfs_chdir(const char *name)
{
	return set_dir(name, 1);
}

int vfs_chroot(const char *name)
{
	if (!cred_is_root(cred_current()))
		return -EPERM;
	return set_dir(name, 0);
}
