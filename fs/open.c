// SPDX-License-Identifier: MIT
/*
 * open(2) through the kernel API: resolve (or create) the name, check the
 * access the flags ask for, and make a struct file with the inode's file
 * operations (a device node's driver takes over in its open).
 *
 * Linux's rules: O_CREAT|O_EXCL fails with -EEXIST on any existing name,
 * a dangling symlink included; O_CREAT alone follows a symlink in the last
 * component (creating its target) unless O_NOFOLLOW; O_NOFOLLOW on a
 * symlink is -ELOOP (O_PATH|O_NOFOLLOW opens the link itself); O_DIRECTORY
 * on a non-directory is -ENOTDIR; a directory opened for writing, or with
 * O_CREAT, is -EISDIR; O_TRUNC needs write permission and empties a
 * regular file; O_PATH makes a file with no I/O (FMODE_PATH). The creator
 * of a file may open it with any access, whatever mode it was given.
 *
 * Locks: the directory's inode->lock across the lookup and create of the
 * last component.
 */
#include <xdv/errno.h>
#include <xdv/mm.h>
#include <xdv/string.h>
#include "vfs_internal.h"

/* Give a just-created inode its owner: the creator, and the directory's
 * group (and, for directories, its setgid bit) under a setgid directory. */
void inode_init_owner(struct inode *inode, struct inode *dir)
{
	const struct cred *cred = cred_current();

	spin_lock(&inode->attr_lock);
	inode->uid = cred->fsuid;
	if (READ_ONCE(dir->mode) & S_ISGID) {
		inode->gid = dir->gid;
		if (S_ISDIR(inode->mode))
			inode->mode |= S_ISGID;
	} else {
		inode->gid = cred->fsgid;
	}
	spin_unlock(&inode->attr_lock);
}

/* Open what path names with flags; created: this open made the file. */
static int do_open(const struct path *path, int flags, bool created, struct file **out)
{
	struct inode *inode = path->dentry->inode;
	unsigned acc = flags & O_ACCMODE;
	unsigned fmode = 0;
	int may = 0, err;
	struct file *file;

	if (flags & O_PATH) {
		if ((flags & O_DIRECTORY) && !S_ISDIR(inode->mode))
			return -ENOTDIR;
		file = file_alloc(path, flags & (O_PATH | O_DIRECTORY | O_NOFOLLOW), FMODE_PATH);
		if (!file)
			return -ENOMEM;
		*out = file;
		return 0;
	}
	if (S_ISLNK(inode->mode))
		return -ELOOP;
	if ((flags & O_DIRECTORY) && !S_ISDIR(inode->mode))
		return -ENOTDIR;
	if (acc == O_RDONLY || acc == O_RDWR) {
		fmode |= FMODE_READ;
		may |= MAY_READ;
	}
	if (acc == O_WRONLY || acc == O_RDWR) {
		fmode |= FMODE_WRITE;
		may |= MAY_WRITE;
	}
	if (flags & O_TRUNC)
		may |= MAY_WRITE;
	if (S_ISDIR(inode->mode) && (may & MAY_WRITE))
		return -EISDIR;
	if ((may & MAY_WRITE) && (S_ISREG(inode->mode) || S_ISDIR(inode->mode)) &&
	    mnt_is_readonly(path->mnt))
		return -EROFS;
	if ((S_ISCHR(inode->mode) || S_ISBLK(inode->mode)) && (path->mnt->flags & MNT_NODEV))
		return -EACCES;
	if (!created) {
		err = inode_permission(cred_current(), inode, may);
		if (err)
			return err;
	}
	file = file_alloc(path, flags & ~(O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC | O_CLOEXEC),
			  fmode | FMODE_LSEEK);
	if (!file)
		return -ENOMEM;
	file->ops = inode->fops;
	if (file->ops && file->ops->open) {
		err = file->ops->open(inode, file);
		if (err) {
			file->ops = NULL; /* no release for a file that did not open */
			file_put(file);
			return err;
		}
	}
	if ((flags & O_TRUNC) && S_ISREG(inode->mode) && !created) {
		struct iattr attr = { .valid = ATTR_SIZE | ATTR_MTIME | ATTR_CTIME, .size = 0 };

		err = notify_change(path->dentry, &attr);
		if (err) {
			file_put(file);
			return err;
		}
	}
	*out = file;
	return 0;
}

/*
 * The O_CREAT part: find or make the last component under its directory's
 * lock, following a symlink there unless O_EXCL / O_NOFOLLOW forbid.
 */
static int open_create(int dirfd, const char *name, int flags, umode_t mode, struct path *out,
		       bool *created)
{
	struct nameparent np;
	unsigned links = 0;
	int err = path_parent_at(dirfd, name, &np);

	for (;;) {
		struct dentry *d;
		struct inode *dir;

		if (err)
			return err;
		if (np.type != LAST_NORM || np.trailing_slash) {
			err = -EISDIR;
			goto out;
		}
		dir = np.dir.dentry->inode;
		mutex_lock(&dir->lock);
		err = lookup_one_locked(np.dir.dentry, np.last, np.last_len, &d);
		if (err) {
			mutex_unlock(&dir->lock);
			goto out;
		}
		if (!d->inode) {
			err = mnt_is_readonly(np.dir.mnt) ? -EROFS :
			      inode_permission(cred_current(), dir, MAY_WRITE | MAY_EXEC);
			if (!err && (!dir->iops || !dir->iops->create))
				err = -EACCES;
			if (!err)
				err = dir->iops->create(dir, d,
							S_IFREG | (mode & ~current_umask() & S_IALLUGO));
			if (!err && !d->inode)
				err = -EIO;
			if (!err) {
				inode_init_owner(d->inode, dir);
				*created = true;
			}
			mutex_unlock(&dir->lock);
			if (err) {
				d_put(d);
				goto out;
			}
			out->mnt = mnt_get(np.dir.mnt);
			out->dentry = d;
			goto out;
		}
		mutex_unlock(&dir->lock);
		if (flags & O_EXCL) {
			d_put(d);
			err = -EEXIST;
			goto out;
		}
		if (S_ISLNK(d->inode->mode) && !(flags & O_NOFOLLOW)) {
			struct inode *link = d->inode;
			char *target = NULL;

			inode_get(link);
			d_put(d);
			links += np.links + 1;
			err = links > SYMLOOP_MAX ? -ELOOP : symlink_read(link, &target);
			inode_put(link);
			if (!err) {
				struct path base = np.dir;

				path_get(&base);
				nameparent_put(&np);
				err = path_parent_from(&base, target, &np);
				path_put(&base);
			}
			kfree(target);
			if (err)
				return err;
			continue;
		}
		out->mnt = mnt_get(np.dir.mnt);
		out->dentry = d;
		path_follow_mounts(out);
		if (S_ISDIR(d->inode->mode))
			err = -EISDIR;
		if (err)
			path_put(out);
		goto out;
	}
out:
	nameparent_put(&np);
	return err;
}

int vfs_openat(int dirfd, const char *name, int flags, umode_t mode, struct file **out)
{
	struct path path;
	bool created = false;
	int err;

	if ((flags & O_ACCMODE) == 3 && !(flags & O_PATH))
		return -EINVAL;
	if ((flags & O_TMPFILE) == O_TMPFILE)
		return -EOPNOTSUPP;
	if ((flags & O_CREAT) && !(flags & O_PATH)) {
		err = open_create(dirfd, name, flags, mode, &path, &created);
	} else {
		unsigned lf = (flags & O_NOFOLLOW) ? 0 : LOOKUP_FOLLOW;

		if (flags & O_DIRECTORY)
			lf |= LOOKUP_DIRECTORY;
		err = vfs_lookup_at(dirfd, name, lf, &path);
	}
	if (err)
		return err;
	err = do_open(&path, flags, created, out);
	path_put(&path);
	return err;
}

int vfs_open_path(const struct path *path, int flags, struct file **out)
{
	return do_open(path, flags, false, out);
}
