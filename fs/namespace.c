// SPDX-License-Identifier: MIT
/*
 * Name-space operations: mkdir, mknod, symlink, link, unlink, rmdir,
 * rename and readlink, in their *at forms and the kernel's *_path forms.
 *
 * Each resolves the parent of its last component (namei.c), locks the
 * parent directory, looks the name up under that lock, checks as Linux
 * does and in Linux's order (existence, -EROFS, -EACCES on the directory,
 * the sticky bit, -EBUSY for mount points), then calls the file system
 * and brings the dentry cache in line (d_invalidate of a removed name,
 * d_move of a renamed one).
 *
 * Locks: the parent's inode->lock; rmdir and a rename over a directory
 * also take the victim directory's lock (parent before child). A rename
 * between two directories first takes the super block's rename_lock
 * (which freezes the shape of the tree, so "is this an ancestor" holds),
 * then the two directories' locks, an ancestor before its descendant and
 * otherwise in address order.
 */
#include <xdv/errno.h>
#include <xdv/mm.h>
#include <xdv/string.h>
#include "vfs_internal.h"

/* ---- emptiness ------------------------------------------------------------ */

struct empty_ctx {
	struct dir_context ctx;
	bool found;
};

static bool empty_actor(struct dir_context *ctx, const char *name, size_t len, uint64_t ino,
			unsigned d_type)
{
	struct empty_ctx *e = container_of(ctx, struct empty_ctx, ctx);

	if ((len == 1 && name[0] == '.') || (len == 2 && name[0] == '.' && name[1] == '.'))
		return true;
	e->found = true;
	return false;
}

/* Return: 1 empty, 0 not, -errno. Locks: path's inode->lock held. */
int dir_is_empty(struct path *path)
{
	struct inode *inode = path->dentry->inode;
	struct empty_ctx e = { .ctx.actor = empty_actor };
	struct file *file;
	int err = 0;

	if (!inode->fops || !inode->fops->iterate)
		return 1;
	file = file_alloc(path, O_RDONLY | O_DIRECTORY, FMODE_READ);
	if (!file)
		return -ENOMEM;
	file->ops = inode->fops;
	if (file->ops->open)
		err = file->ops->open(inode, file);
	if (err) {
		file->ops = NULL;
		file_put(file);
		return err;
	}
	err = file->ops->iterate(file, &e.ctx);
	file_put(file);
	if (err)
		return err;
	return !e.found;
}

/* ---- create --------------------------------------------------------------- */

/*
 * Lock the parent and find the (negative) dentry for a new name.
 * Return: 0 with np's directory locked and *out referenced, or -errno.
 */
static int create_begin(struct nameparent *np, bool is_dir, struct dentry **out)
{
	struct inode *dir = np->dir.dentry->inode;
	struct dentry *d;
	int err;

	if (np->type != LAST_NORM)
		return -EEXIST;
	mutex_lock(&dir->lock);
	err = lookup_one_locked(np->dir.dentry, np->last, np->last_len, &d);
	if (err)
		goto out_unlock;
	if (d->inode)
		err = -EEXIST;
	else if (np->trailing_slash && !is_dir)
		err = -ENOENT;
	else if (mnt_is_readonly(np->dir.mnt))
		err = -EROFS;
	else
		err = inode_permission(cred_current(), dir, MAY_WRITE | MAY_EXEC);
	if (!err) {
		*out = d;
		return 0;
	}
	d_put(d);
out_unlock:
	mutex_unlock(&dir->lock);
	return err;
}

static void create_end(struct nameparent *np, struct dentry *d, int err)
{
	if (!err && d->inode)
		inode_init_owner(d->inode, np->dir.dentry->inode);
	mutex_unlock(&np->dir.dentry->inode->lock);
	d_put(d);
}

static int do_mkdir(struct nameparent *np, umode_t mode)
{
	struct inode *dir = np->dir.dentry->inode;
	struct dentry *d;
	int err = create_begin(np, true, &d);

	if (err)
		return err;
	if (!dir->iops || !dir->iops->mkdir)
		err = -EPERM;
	else if (dir->nlink >= MAX_LINKS)
		err = -EMLINK;
	else
		err = dir->iops->mkdir(dir, d, S_IFDIR | (mode & ~current_umask() & 07777));
	create_end(np, d, err);
	return err;
}

static int do_mknod(struct nameparent *np, umode_t mode, dev_t dev)
{
	struct inode *dir = np->dir.dentry->inode;
	struct dentry *d;
	int err;

	if ((mode & S_IFMT) == 0)
		mode |= S_IFREG;
	switch (mode & S_IFMT) {
	case S_IFCHR:
	case S_IFBLK:
		if (!cred_is_root(cred_current()))
			return -EPERM;
		break;
	case S_IFREG:
	case S_IFIFO:
	case S_IFSOCK:
		break;
	case S_IFDIR:
		return -EPERM;
	default:
		return -EINVAL;
	}
	err = create_begin(np, false, &d);
	if (err)
		return err;
	mode = (mode & S_IFMT) | (mode & ~current_umask() & 07777);
	if (S_ISREG(mode))
		err = dir->iops && dir->iops->create ? dir->iops->create(dir, d, mode) : -EPERM;
	else
		err = dir->iops && dir->iops->mknod ? dir->iops->mknod(dir, d, mode, dev) : -EPERM;
	create_end(np, d, err);
	return err;
}

static int do_symlink(const char *target, struct nameparent *np)
{
	struct inode *dir = np->dir.dentry->inode;
	struct dentry *d;
	int err;

	if (!*target)
		return -ENOENT;
	if (strnlen(target, PATH_MAX) >= PATH_MAX)
		return -ENAMETOOLONG;
	err = create_begin(np, false, &d);
	if (err)
		return err;
	err = dir->iops && dir->iops->symlink ? dir->iops->symlink(dir, d, target) : -EPERM;
	create_end(np, d, err);
	return err;
}

int vfs_mkdirat(int dirfd, const char *name, umode_t mode)
{
	struct nameparent np;
	int err = path_parent_at(dirfd, name, &np);

	if (!err)
		err = do_mkdir(&np, mode);
	nameparent_put(&np);
	return err;
}

int vfs_mkdir_path(const struct path *base, const char *name, umode_t mode)
{
	struct nameparent np;
	int err = path_parent_from(base, name, &np);

	if (!err)
		err = do_mkdir(&np, mode);
	nameparent_put(&np);
	return err;
}

int vfs_mknodat(int dirfd, const char *name, umode_t mode, dev_t dev)
{
	struct nameparent np;
	int err = path_parent_at(dirfd, name, &np);

	if (!err)
		err = do_mknod(&np, mode, dev);
	nameparent_put(&np);
	return err;
}

int vfs_mknod_path(const struct path *base, const char *name, umode_t mode, dev_t dev)
{
	struct nameparent np;
	int err = path_parent_from(base, name, &np);

	if (!err)
		err = do_mknod(&np, mode, dev);
	nameparent_put(&np);
	return err;
}

int vfs_symlinkat(const char *target, int dirfd, const char *name)
{
	struct nameparent np;
	int err = path_parent_at(dirfd, name, &np);

	if (!err)
		err = do_symlink(target, &np);
	nameparent_put(&np);
	return err;
}

int vfs_linkat(int olddirfd, const char *oldname, int newdirfd, const char *newname, int flags)
{
	struct nameparent np;
	struct path old;
	struct dentry *d;
	struct inode *dir, *inode;
	unsigned lf = 0;
	int err;

	if (flags & ~(AT_SYMLINK_FOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	if (flags & AT_SYMLINK_FOLLOW)
		lf |= LOOKUP_FOLLOW;
	if (flags & AT_EMPTY_PATH)
		lf |= LOOKUP_EMPTY;
	err = vfs_lookup_at(olddirfd, oldname, lf, &old);
	if (err)
		return err;
	inode = old.dentry->inode;
	err = path_parent_at(newdirfd, newname, &np);
	if (err)
		goto out_old;
	if (np.dir.mnt != old.mnt) {
		err = -EXDEV;
		goto out_np;
	}
	if (S_ISDIR(inode->mode)) {
		err = -EPERM;
		goto out_np;
	}
	err = create_begin(&np, false, &d);
	if (err)
		goto out_np;
	dir = np.dir.dentry->inode;
	if (!READ_ONCE(inode->nlink))
		err = -ENOENT; /* unlinked meanwhile */
	else if (inode->nlink >= MAX_LINKS)
		err = -EMLINK;
	else if (!dir->iops || !dir->iops->link)
		err = -EPERM;
	else
		err = dir->iops->link(old.dentry, dir, d);
	mutex_unlock(&dir->lock);
	d_put(d);
out_np:
	nameparent_put(&np);
out_old:
	path_put(&old);
	return err;
}

/* ---- remove --------------------------------------------------------------- */

/* The checks every removal shares. Locks: the parent's lock. */
static int may_delete(struct nameparent *np, struct dentry *victim)
{
	struct inode *dir = np->dir.dentry->inode;
	int err;

	if (mnt_is_readonly(np->dir.mnt))
		return -EROFS;
	err = inode_permission(cred_current(), dir, MAY_WRITE | MAY_EXEC);
	if (err)
		return err;
	err = may_delete_sticky(cred_current(), dir, victim->inode);
	if (err)
		return err;
	if (READ_ONCE(victim->mounted))
		return -EBUSY;
	return 0;
}

static int do_unlink(struct nameparent *np)
{
	struct inode *dir = np->dir.dentry->inode;
	struct dentry *d;
	int err;

	if (np->type != LAST_NORM)
		return -EISDIR;
	mutex_lock(&dir->lock);
	err = lookup_one_locked(np->dir.dentry, np->last, np->last_len, &d);
	if (err)
		goto out_unlock;
	if (!d->inode)
		err = -ENOENT;
	else if (S_ISDIR(d->inode->mode))
		err = -EISDIR;
	else if (np->trailing_slash)
		err = -ENOTDIR;
	else
		err = may_delete(np, d);
	if (!err)
		err = dir->iops && dir->iops->unlink ? dir->iops->unlink(dir, d) : -EPERM;
	if (!err)
		d_invalidate(d);
	d_put(d);
out_unlock:
	mutex_unlock(&dir->lock);
	return err;
}

static int do_rmdir(struct nameparent *np)
{
	struct inode *dir = np->dir.dentry->inode;
	struct dentry *d;
	int err;

	if (np->type == LAST_DOT)
		return -EINVAL;
	if (np->type == LAST_DOTDOT)
		return -ENOTEMPTY;
	if (np->type == LAST_ROOT)
		return -EBUSY;
	mutex_lock(&dir->lock);
	err = lookup_one_locked(np->dir.dentry, np->last, np->last_len, &d);
	if (err)
		goto out_unlock;
	if (!d->inode)
		err = -ENOENT;
	else if (!S_ISDIR(d->inode->mode))
		err = -ENOTDIR;
	else
		err = may_delete(np, d);
	if (!err) {
		struct inode *victim = d->inode;
		struct path vp = { np->dir.mnt, d };

		mutex_lock(&victim->lock);
		err = dir_is_empty(&vp);
		err = err < 0 ? err : err ? 0 : -ENOTEMPTY;
		if (!err)
			err = dir->iops && dir->iops->rmdir ? dir->iops->rmdir(dir, d) : -EPERM;
		if (!err)
			d_invalidate(d);
		mutex_unlock(&victim->lock);
	}
	d_put(d);
out_unlock:
	mutex_unlock(&dir->lock);
	return err;
}

static int do_unlinkat(struct nameparent *np, int flags)
{
	if (flags & ~AT_REMOVEDIR)
		return -EINVAL;
	return (flags & AT_REMOVEDIR) ? do_rmdir(np) : do_unlink(np);
}

int vfs_unlinkat(int dirfd, const char *name, int flags)
{
	struct nameparent np;
	int err = path_parent_at(dirfd, name, &np);

	if (!err)
		err = do_unlinkat(&np, flags);
	nameparent_put(&np);
	return err;
}

int vfs_unlink_path(const struct path *base, const char *name, int flags)
{
	struct nameparent np;
	int err = path_parent_from(base, name, &np);

	if (!err)
		err = do_unlinkat(&np, flags);
	nameparent_put(&np);
	return err;
}

/* ---- rename --------------------------------------------------------------- */

/* True when a is b or above it. Locks: the sb's rename_lock (a still tree). */
static bool d_is_ancestor(struct dentry *a, struct dentry *b)
{
	struct dentry *d = d_get(b);
	bool found = false;

	for (;;) {
		if (d == a) {
			found = true;
			break;
		}
		struct dentry *parent = d_get_parent(d);

		if (parent == d) {
			d_put(parent);
			break;
		}
		d_put(d);
		d = parent;
	}
	d_put(d);
	return found;
}

static void lock_rename(struct dentry *od, struct dentry *nd)
{
	struct inode *oi = od->inode, *ni = nd->inode;

	if (oi == ni) {
		mutex_lock(&oi->lock);
		return;
	}
	mutex_lock(&oi->sb->rename_lock);
	if (d_is_ancestor(nd, od) || (!d_is_ancestor(od, nd) && ni < oi)) {
		mutex_lock(&ni->lock);
		mutex_lock(&oi->lock);
	} else {
		mutex_lock(&oi->lock);
		mutex_lock(&ni->lock);
	}
}

static void unlock_rename(struct dentry *od, struct dentry *nd)
{
	struct inode *oi = od->inode, *ni = nd->inode;

	mutex_unlock(&oi->lock);
	if (oi != ni) {
		mutex_unlock(&ni->lock);
		mutex_unlock(&oi->sb->rename_lock);
	}
}

/* The checks of a rename once both names are looked up. Locks: lock_rename. */
static int rename_check(struct nameparent *o, struct nameparent *n, struct dentry *old,
			struct dentry *new, unsigned flags)
{
	const struct cred *cred = cred_current();
	struct inode *odir = o->dir.dentry->inode, *ndir = n->dir.dentry->inode;
	bool is_dir = S_ISDIR(old->inode->mode);
	int err;

	if ((flags & RENAME_EXCHANGE) && !new->inode)
		return -ENOENT;
	if ((flags & RENAME_NOREPLACE) && new->inode)
		return -EEXIST;
	if (!is_dir && (o->trailing_slash || n->trailing_slash))
		return -ENOTDIR;
	err = inode_permission(cred, odir, MAY_WRITE | MAY_EXEC);
	if (!err)
		err = inode_permission(cred, ndir, MAY_WRITE | MAY_EXEC);
	if (!err)
		err = may_delete_sticky(cred, odir, old->inode);
	if (!err && new->inode)
		err = may_delete_sticky(cred, ndir, new->inode);
	if (err)
		return err;
	if (READ_ONCE(old->mounted) || READ_ONCE(new->mounted))
		return -EBUSY;
	if (new->inode && !(flags & RENAME_EXCHANGE)) {
		if (is_dir && !S_ISDIR(new->inode->mode))
			return -ENOTDIR;
		if (!is_dir && S_ISDIR(new->inode->mode))
			return -EISDIR;
	}
	if (odir != ndir) {
		/* A directory moving into its own subtree; its ".." changes too. */
		if (is_dir && d_is_ancestor(old, n->dir.dentry))
			return -EINVAL;
		if (new->inode && (flags & RENAME_EXCHANGE) && S_ISDIR(new->inode->mode) &&
		    d_is_ancestor(new, o->dir.dentry))
			return -EINVAL;
		if (is_dir && inode_permission(cred, old->inode, MAY_WRITE))
			return -EACCES;
	}
	if (new->inode && S_ISDIR(new->inode->mode) && !(flags & RENAME_EXCHANGE)) {
		struct path vp = { n->dir.mnt, new };

		mutex_lock(&new->inode->lock);
		err = dir_is_empty(&vp);
		mutex_unlock(&new->inode->lock);
		if (err < 0)
			return err;
		if (!err)
			return -ENOTEMPTY;
	}
	return 0;
}

static int do_rename(struct nameparent *o, struct nameparent *n, unsigned flags)
{
	struct dentry *old = NULL, *new = NULL;
	struct inode *odir, *ndir;
	int err;

	if (flags & ~(RENAME_NOREPLACE | RENAME_EXCHANGE))
		return -EINVAL;
	if ((flags & RENAME_NOREPLACE) && (flags & RENAME_EXCHANGE))
		return -EINVAL;
	if (o->type != LAST_NORM || n->type != LAST_NORM)
		return -EBUSY;
	if (o->dir.mnt != n->dir.mnt)
		return -EXDEV;
	if (mnt_is_readonly(o->dir.mnt))
		return -EROFS;
	odir = o->dir.dentry->inode;
	ndir = n->dir.dentry->inode;
	lock_rename(o->dir.dentry, n->dir.dentry);
	err = lookup_one_locked(o->dir.dentry, o->last, o->last_len, &old);
	if (err)
		goto out;
	if (!old->inode) {
		err = -ENOENT;
		goto out;
	}
	err = lookup_one_locked(n->dir.dentry, n->last, n->last_len, &new);
	if (err)
		goto out;
	if (old->inode == new->inode) {
		err = 0; /* the same file (or hard links to it): nothing to do */
		goto out;
	}
	err = rename_check(o, n, old, new, flags);
	if (err)
		goto out;
	err = odir->iops && odir->iops->rename ?
		      odir->iops->rename(odir, old, ndir, new, flags) : -EPERM;
	if (err)
		goto out;
	if (flags & RENAME_EXCHANGE) {
		/* Both names now name the other file: forget both. */
		d_invalidate(old);
		d_invalidate(new);
	} else {
		err = d_move(old, n->dir.dentry, n->last, n->last_len, new);
		if (err)
			d_invalidate(old); /* no memory for the name: forget it */
		err = 0;
	}
out:
	unlock_rename(o->dir.dentry, n->dir.dentry);
	if (old)
		d_put(old);
	if (new)
		d_put(new);
	return err;
}

int vfs_renameat2(int olddirfd, const char *oldname, int newdirfd, const char *newname,
		  unsigned flags)
{
	struct nameparent o, n;
	int err = path_parent_at(olddirfd, oldname, &o);

	if (err)
		return err;
	err = path_parent_at(newdirfd, newname, &n);
	if (!err)
		err = do_rename(&o, &n, flags);
	nameparent_put(&n);
	nameparent_put(&o);
	return err;
}

/* ---- readlink ------------------------------------------------------------- */

int vfs_readlinkat(int dirfd, const char *name, char *buf, size_t len)
{
	struct path path;
	struct inode *inode;
	int err;

	if (!len || len > INT32_MAX)
		return -EINVAL;
	err = vfs_lookup_at(dirfd, name, LOOKUP_EMPTY, &path);
	if (err)
		return err;
	inode = path.dentry->inode;
	if (!S_ISLNK(inode->mode) || !inode->iops || !inode->iops->readlink) {
		err = -EINVAL;
	} else {
		err = inode->iops->readlink(inode, buf, len);
		if (err >= 0) {
			struct file f = { .path = path, .inode = inode };

			file_accessed(&f);
		}
	}
	path_put(&path);
	return err;
}
