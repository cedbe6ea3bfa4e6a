// SPDX-License-Identifier: MIT
/*
 * Path resolution: from a name ("/usr/bin/sh", "../x", "") to a path
 * (mount, dentry), as Linux's fs/namei.c resolves it.
 *
 * A walk starts at the process's root (absolute names), its working
 * directory (AT_FDCWD) or a directory descriptor, and takes one component
 * at a time: the current place must be a directory the caller may search
 * (-ENOTDIR, -EACCES); "." stays; ".." goes to the parent, leaving a
 * mount's root for the mount point below it and never above the
 * process's root; a name is looked up in the dentry cache and only on a
 * miss, under the directory's lock, by the file system; a mount on the
 * result is entered. A symbolic link met before the last component (or
 * last, when following, or before a trailing slash) is replaced in the
 * remaining name by its target, at most SYMLOOP_MAX times (-ELOOP). A
 * component longer than NAME_MAX, or a name of PATH_MAX bytes or more, is
 * -ENAMETOOLONG; a trailing slash requires a directory (-ENOTDIR).
 *
 * The parent form (path_parent_*) stops before the last component and
 * hands it back for create, remove and rename, which look it up under the
 * directory's lock (lookup_one_locked).
 *
 * Locks: none held across the walk; each step takes the dcache's,
 * the mount list's, and on a miss the directory's inode->lock.
 */
#include <xdv/errno.h>
#include <xdv/mm.h>
#include <xdv/string.h>
#include "vfs_internal.h"

struct walk {
	struct path path;   /* where the walk is (references) */
	struct path root;   /* the process's root (references) */
	const struct cred *cred;
	unsigned links;
	bool trailing_slash; /* the last component had one */
	char *buf;          /* the rest of the name: small, or PATH_MAX bytes */
	char small[128];    /* short names need no allocation */
};

#define WALK_HEAP(w) ((w)->buf != (w)->small)

void current_root(struct path *out)
{
	struct fs_context *fs = fs_context_current();

	if (fs) {
		spin_lock(&fs->lock);
		*out = fs->root;
		path_get(out);
		spin_unlock(&fs->lock);
		return;
	}
	out->mnt = mnt_root_get();
	out->dentry = out->mnt ? d_get(out->mnt->root) : NULL;
}

int path_from_dirfd(int dirfd, bool empty_ok, struct path *out)
{
	struct fd_table *files;
	struct file *file;

	if (dirfd == AT_FDCWD) {
		struct fs_context *fs = fs_context_current();

		if (!fs) {
			current_root(out);
			return out->mnt ? 0 : -ENOENT;
		}
		spin_lock(&fs->lock);
		*out = fs->cwd;
		path_get(out);
		spin_unlock(&fs->lock);
		return 0;
	}
	files = fd_table_current();
	file = files ? fd_get_file(files, dirfd) : NULL;
	if (!file)
		return -EBADF;
	*out = file->path;
	path_get(out);
	file_put(file);
	if (!empty_ok && !S_ISDIR(out->dentry->inode->mode)) {
		path_put(out);
		return -ENOTDIR;
	}
	return 0;
}

int symlink_read(struct inode *inode, char **out)
{
	char *buf;
	int n;

	if (!inode->iops || !inode->iops->readlink)
		return -EINVAL;
	buf = kmalloc(PATH_MAX, 0);
	if (!buf)
		return -ENOMEM;
	n = inode->iops->readlink(inode, buf, PATH_MAX - 1);
	if (n < 0) {
		kfree(buf);
		return n;
	}
	buf[n] = '\0';
	*out = buf;
	return 0;
}

int lookup_one_locked(struct dentry *dir, const char *name, size_t len, struct dentry **out)
{
	struct inode *inode = dir->inode;
	struct dentry *d = __d_lookup(dir, name, len);
	int err;

	if (d) {
		*out = d;
		return 0;
	}
	if (!READ_ONCE(inode->nlink))
		return -ENOENT; /* a removed directory holds no names */
	d = d_alloc(dir, name, len);
	if (!d)
		return -ENOMEM;
	if (inode->iops && inode->iops->lookup) {
		err = inode->iops->lookup(inode, d);
		if (err) {
			d_invalidate(d);
			d_put(d);
			return err;
		}
	}
	*out = d;
	return 0;
}

/* The child name of dir, cached or looked up. Return: 0 and *out, or -errno. */
static int lookup_child(struct dentry *dir, const char *name, size_t len, struct dentry **out)
{
	struct dentry *d = d_lookup(dir, name, len);

	if (!d) {
		struct inode *inode = dir->inode;
		int err;

		mutex_lock(&inode->lock);
		err = lookup_one_locked(dir, name, len, &d);
		mutex_unlock(&inode->lock);
		if (err)
			return err;
	}
	*out = d;
	return 0;
}

static bool path_equal(const struct path *a, const struct path *b)
{
	return a->mnt == b->mnt && a->dentry == b->dentry;
}

/* "..": up one level, across mount points, never above the root. */
static void walk_dotdot(struct walk *w)
{
	for (;;) {
		if (path_equal(&w->path, &w->root))
			return;
		if (w->path.dentry != w->path.mnt->root) {
			struct dentry *parent = d_get_parent(w->path.dentry);

			d_put(w->path.dentry);
			w->path.dentry = parent;
			break;
		}
		if (!path_to_mountpoint(&w->path))
			return; /* the root of the name space */
	}
	path_follow_mounts(&w->path);
}

/* Replace the walked-so-far part by a link's target: buf = target + rest. */
static int walk_splice_link(struct walk *w, struct inode *link, const char *rest, char **pos)
{
	char *target;
	size_t tl, rl = strlen(rest);
	int err;

	if (++w->links > SYMLOOP_MAX)
		return -ELOOP;
	err = symlink_read(link, &target);
	if (err)
		return err;
	tl = strlen(target);
	if (!tl)
		err = -ENOENT;
	else if (tl + rl >= PATH_MAX)
		err = -ENAMETOOLONG;
	if (!err && !WALK_HEAP(w) && tl + rl >= sizeof(w->small)) {
		char *heap = kmalloc(PATH_MAX, 0);

		if (!heap) {
			err = -ENOMEM;
		} else {
			memcpy(heap + tl, rest, rl + 1);
			w->buf = heap;
			rest = heap + tl;
		}
	}
	if (!err) {
		memmove(w->buf + tl, rest, rl + 1);
		memcpy(w->buf, target, tl);
		*pos = w->buf;
		if (target[0] == '/') {
			path_put(&w->path);
			w->path = w->root;
			path_get(&w->path);
		}
	}
	kfree(target);
	return err;
}

/*
 * Walk w->buf from w->path. With np, stop before the last component and
 * describe it in np. Return: 0 or -errno (w->path stays referenced).
 */
static int walk_name(struct walk *w, unsigned flags, struct nameparent *np)
{
	char *p = w->buf;

	if (*p == '/') {
		path_put(&w->path);
		w->path = w->root;
		path_get(&w->path);
	}
	for (;;) {
		while (*p == '/')
			p++;
		if (!*p) {
			if (np) {
				np->type = LAST_ROOT;
				np->last = NULL;
				np->last_len = 0;
			}
			return 0;
		}
		char *s = p;

		while (*p && *p != '/')
			p++;
		size_t len = p - s;
		char *q = p;

		while (*q == '/')
			q++;
		bool last = !*q;
		bool dot = len == 1 && s[0] == '.';
		bool dotdot = len == 2 && s[0] == '.' && s[1] == '.';
		struct inode *dir = w->path.dentry->inode;
		int err;

		if (len > NAME_MAX)
			return -ENAMETOOLONG;
		if (!S_ISDIR(dir->mode))
			return -ENOTDIR;
		err = inode_permission(w->cred, dir, MAY_EXEC);
		if (err)
			return err;
		w->trailing_slash = last && *p == '/';
		if (last && np) {
			np->last = s;
			np->last_len = len;
			np->trailing_slash = w->trailing_slash;
			np->type = dot ? LAST_DOT : dotdot ? LAST_DOTDOT : LAST_NORM;
			return 0;
		}
		if (dot)
			continue;
		if (dotdot) {
			walk_dotdot(w);
			continue;
		}
		struct dentry *next;

		err = lookup_child(w->path.dentry, s, len, &next);
		if (err)
			return err;
		struct inode *inode = next->inode;

		if (!inode) {
			d_put(next);
			return -ENOENT;
		}
		/* A symlink cannot be a mount point here: mounts need a directory. */
		if (S_ISLNK(inode->mode) && (!last || w->trailing_slash || (flags & LOOKUP_FOLLOW))) {
			inode_get(inode);
			d_put(next);
			err = walk_splice_link(w, inode, p, &p);
			inode_put(inode);
			if (err)
				return err;
			continue;
		}
		d_put(w->path.dentry);
		w->path.dentry = next;
		path_follow_mounts(&w->path);
	}
}

/* Set up w to walk name from base (NULL: the dirfd's start). */
static int walk_start(struct walk *w, const struct path *base, const char *name)
{
	size_t len = strnlen(name, PATH_MAX);

	if (len >= PATH_MAX)
		return -ENAMETOOLONG;
	w->buf = len < sizeof(w->small) ? w->small : kmalloc(PATH_MAX, 0);
	if (!w->buf)
		return -ENOMEM;
	memcpy(w->buf, name, len + 1);
	w->cred = cred_current();
	w->links = 0;
	w->trailing_slash = false;
	current_root(&w->root);
	if (!w->root.mnt) {
		if (WALK_HEAP(w))
			kfree(w->buf);
		return -ENOENT;
	}
	w->path = *base;
	path_get(&w->path);
	return 0;
}

static void walk_end(struct walk *w)
{
	path_put(&w->root);
	if (WALK_HEAP(w))
		kfree(w->buf);
}

int path_lookup_from(const struct path *base, const char *name, unsigned flags, struct path *out)
{
	struct walk w;
	int err;

	if (!*name && !(flags & LOOKUP_EMPTY))
		return -ENOENT;
	err = walk_start(&w, base, name);
	if (err)
		return err;
	err = walk_name(&w, flags, NULL);
	if (!err && (w.trailing_slash || (flags & LOOKUP_DIRECTORY)) &&
	    !S_ISDIR(w.path.dentry->inode->mode))
		err = -ENOTDIR;
	if (err)
		path_put(&w.path);
	else
		*out = w.path;
	walk_end(&w);
	return err;
}

/*
 * Resolve name relative to dirfd into *out (see vfs.h).
 * Context: may sleep. Return: 0 with references in *out, or -errno.
 */
int vfs_lookup_at(int dirfd, const char *name, unsigned lookup_flags, struct path *out)
{
	struct path base;
	int err;

	if (!name)
		return -EFAULT;
	if (!*name && !(lookup_flags & LOOKUP_EMPTY))
		return -ENOENT;
	if (name[0] == '/') {
		current_root(&base);
		if (!base.mnt)
			return -ENOENT;
	} else {
		err = path_from_dirfd(dirfd, !*name, &base);
		if (err)
			return err;
	}
	if (!*name) {
		*out = base;
		return 0;
	}
	err = path_lookup_from(&base, name, lookup_flags, out);
	path_put(&base);
	return err;
}

/*
 * Resolve name relative to base, for the kernel's own callers.
 * Return: 0 with references in *out, or -errno.
 */
int vfs_lookup_path(const struct path *base, const char *name, unsigned lookup_flags,
		    struct path *out)
{
	return path_lookup_from(base, name, lookup_flags, out);
}

int path_parent_from(const struct path *base, const char *name, struct nameparent *np)
{
	struct walk w;
	int err;

	memset(np, 0, sizeof(*np));
	if (!*name)
		return -ENOENT;
	err = walk_start(&w, base, name);
	if (err)
		return err;
	err = walk_name(&w, 0, np);
	if (err) {
		path_put(&w.path);
		walk_end(&w);
		return err;
	}
	if (!WALK_HEAP(&w)) {
		/* np->last must outlive w: give np a heap copy of the name. */
		size_t len = strlen(w.buf);
		char *copy = kmalloc(len + 1, 0);

		if (!copy) {
			path_put(&w.path);
			walk_end(&w);
			return -ENOMEM;
		}
		memcpy(copy, w.buf, len + 1);
		if (np->last)
			np->last = copy + (np->last - w.buf);
		w.buf = copy;
	}
	np->dir = w.path;
	np->name_buf = w.buf; /* np->last points into it */
	np->links = w.links;
	path_put(&w.root);
	return 0;
}

int path_parent_at(int dirfd, const char *name, struct nameparent *np)
{
	struct path base;
	int err;

	if (!name)
		return -EFAULT;
	if (name[0] == '/') {
		current_root(&base);
		if (!base.mnt)
			return -ENOENT;
	} else {
		err = path_from_dirfd(dirfd, false, &base);
		if (err)
			return err;
	}
	err = path_parent_from(&base, name, np);
	path_put(&base);
	return err;
}

void nameparent_put(struct nameparent *np)
{
	if (np->dir.mnt)
		path_put(&np->dir);
	kfree(np->name_buf);
	np->dir.mnt = NULL;
	np->name_buf = NULL;
}
