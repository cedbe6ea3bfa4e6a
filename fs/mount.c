// SPDX-License-Identifier: MIT
/*
 * The mount table: where each super block's tree is attached in the name
 * space. A mount is (super block, root dentry of the part shown) attached
 * at a mount point (parent mount, dentry). Mounting on a mount point
 * stacks: the newest mount hides the older ones until it goes. A bind
 * mount shows a subtree of an existing mount again elsewhere. kern_mount
 * makes a mount the kernel uses without attaching it (devtmpfs's own).
 *
 * Counts: a mount has one reference for being attached and one for each
 * path (lookup results, open files, working directories) naming it; the
 * last reference frees it and drops the super block's active count,
 * whose fall to zero kills the super block. umount refuses (-EBUSY) a
 * mount with references besides its own and the caller's, or with mounts
 * on it, unless MNT_DETACH detaches it lazily.
 *
 * Locks: mount_lock (mutex) serializes mount, umount and mount_for_each;
 * mount_list_lock (spinlock, taken under mount_lock and alone by path
 * walks) guards the list, every mount's parent/mountpoint/flags and each
 * dentry's mounted count.
 */
#include <xdv/errno.h>
#include <xdv/mm.h>
#include <xdv/string.h>
#include "vfs_internal.h"

static struct mutex mount_lock = MUTEX_INIT(mount_lock);
static struct spinlock mount_list_lock = SPINLOCK_INIT("mount_list");
static struct list_node mounts = LIST_INIT(mounts);
static struct mount *root_mnt;
static uint64_t next_mnt_id = 1; /* atomic */

struct mount *mnt_get(struct mount *mnt)
{
	__atomic_fetch_add(&mnt->refs, 1, __ATOMIC_RELAXED);
	return mnt;
}

void mnt_put(struct mount *mnt)
{
	if (!mnt || __atomic_sub_fetch(&mnt->refs, 1, __ATOMIC_ACQ_REL))
		return;
	struct super_block *sb = mnt->sb;

	d_put(mnt->root);
	kfree(mnt->source);
	kfree(mnt);
	if (__atomic_sub_fetch(&sb->active, 1, __ATOMIC_ACQ_REL) == 0) {
		if (sb->type && sb->type->kill_sb)
			sb->type->kill_sb(sb);
		else
			vfs_sb_kill(sb);
	}
}

void path_get(const struct path *path)
{
	mnt_get(path->mnt);
	d_get(path->dentry);
}

void path_put(const struct path *path)
{
	d_put(path->dentry);
	mnt_put(path->mnt);
}

bool mnt_is_readonly(const struct mount *mnt)
{
	return (READ_ONCE(mnt->flags) & MNT_RDONLY) || (READ_ONCE(mnt->sb->flags) & SB_RDONLY);
}

struct mount *mnt_root_get(void)
{
	struct mount *m;

	spin_lock(&mount_list_lock);
	m = root_mnt ? mnt_get(root_mnt) : NULL;
	spin_unlock(&mount_list_lock);
	return m;
}

struct mount *mnt_lookup_child(struct mount *mnt, struct dentry *dentry)
{
	struct mount *found = NULL;

	if (!READ_ONCE(dentry->mounted))
		return NULL;
	spin_lock(&mount_list_lock);
	for (struct list_node *n = mounts.prev; n != &mounts; n = n->prev) {
		struct mount *m = list_entry(n, struct mount, link);

		if (m->parent == mnt && m->mountpoint == dentry && m != mnt) {
			found = mnt_get(m);
			break;
		}
	}
	spin_unlock(&mount_list_lock);
	return found;
}

void path_follow_mounts(struct path *path)
{
	struct mount *m;

	while ((m = mnt_lookup_child(path->mnt, path->dentry))) {
		d_put(path->dentry);
		mnt_put(path->mnt);
		path->mnt = m;
		path->dentry = d_get(m->root);
	}
}

/*
 * Go from a mount's root to the mount point it hides: *path becomes the
 * mount point in the parent mount (references moved). Return: false at
 * the root of the name space (or of a detached tree).
 */
bool path_to_mountpoint(struct path *path)
{
	struct mount *parent = NULL;
	struct dentry *mp = NULL;

	spin_lock(&mount_list_lock);
	if (path->mnt->parent != path->mnt) {
		parent = mnt_get(path->mnt->parent);
		mp = d_get(path->mnt->mountpoint);
	}
	spin_unlock(&mount_list_lock);
	if (!parent)
		return false;
	path_put(path);
	path->mnt = parent;
	path->dentry = mp;
	return true;
}

static struct mount *mnt_alloc(struct super_block *sb, struct dentry *root, const char *source,
			       unsigned long flags)
{
	struct mount *m = kzalloc(sizeof(*m), 0);
	size_t len = strlen(source ? source : "none");

	if (!m)
		return NULL;
	m->source = kmalloc(len + 1, 0);
	if (!m->source) {
		kfree(m);
		return NULL;
	}
	memcpy(m->source, source ? source : "none", len + 1);
	m->sb = sb;
	m->root = d_get(root);
	m->parent = m;
	m->mountpoint = m->root;
	m->flags = flags;
	m->refs = 1;
	m->id = __atomic_fetch_add(&next_mnt_id, 1, __ATOMIC_RELAXED);
	list_init(&m->link);
	__atomic_fetch_add(&sb->active, 1, __ATOMIC_ACQ_REL);
	return m;
}

/* The MNT_* flags a mount keeps from mount(2)'s MS_* flags (relatime default). */
static unsigned long mnt_flags_from(unsigned long ms)
{
	unsigned long f = ms & (MNT_RDONLY | MNT_NOSUID | MNT_NODEV | MNT_NOEXEC | MNT_NOATIME |
				MS_NODIRATIME | MNT_RELATIME);

	if (!(ms & (MS_NOATIME | MS_STRICTATIME)))
		f |= MNT_RELATIME;
	if (ms & MS_STRICTATIME)
		f &= ~MNT_RELATIME;
	return f;
}

int mount_root(struct super_block *sb, const char *source, unsigned long flags, struct path *out)
{
	struct mount *m = mnt_alloc(sb, sb->root, source, mnt_flags_from(flags));

	if (!m)
		return -ENOMEM;
	mutex_lock(&mount_lock);
	spin_lock(&mount_list_lock);
	list_add_tail(&mounts, &m->link);
	root_mnt = m;
	spin_unlock(&mount_list_lock);
	mutex_unlock(&mount_lock);
	out->mnt = mnt_get(m);
	out->dentry = d_get(m->root);
	return 0;
}

/*
 * A mount of type not attached anywhere, for the kernel's own use.
 * Context: may sleep. Return: the mount (one reference), or NULL.
 */
struct mount *kern_mount(struct fs_type *type, const char *options)
{
	struct super_block *sb = NULL;
	struct mount *m;

	if (type->mount(type, type->name, 0, options, &sb) || !sb)
		return NULL;
	m = mnt_alloc(sb, sb->root, type->name, mnt_flags_from(0));
	if (!m && sb->active == 0)
		type->kill_sb ? type->kill_sb(sb) : vfs_sb_kill(sb);
	return m;
}

/* Attach m at target. Locks: mount_lock. Return: 0 or -ENOENT (deleted). */
static int mnt_attach(struct mount *m, const struct path *target)
{
	if (!d_is_hashed(target->dentry) && target->dentry != target->mnt->root)
		return -ENOENT;
	spin_lock(&mount_list_lock);
	m->parent = mnt_get(target->mnt);
	m->mountpoint = d_get(target->dentry);
	target->dentry->mounted++;
	list_add_tail(&mounts, &m->link);
	spin_unlock(&mount_list_lock);
	return 0;
}

static int do_remount(const struct path *target, unsigned long flags, const char *data)
{
	struct mount *m = target->mnt;
	struct super_block *sb = m->sb;
	int err = 0;

	if (target->dentry != m->root)
		return -EINVAL;
	if (!(flags & MS_BIND) && sb->ops && sb->ops->remount) {
		unsigned long sbf = flags;

		err = sb->ops->remount(sb, &sbf, data);
		if (err)
			return err;
	}
	spin_lock(&mount_list_lock);
	m->flags = mnt_flags_from(flags);
	if (!(flags & MS_BIND))
		sb->flags = (sb->flags & ~SB_RDONLY) | (flags & MS_RDONLY);
	spin_unlock(&mount_list_lock);
	return 0;
}

int vfs_mount(const char *source, const char *target, const char *type, unsigned long flags,
	      const char *data)
{
	struct path tp, sp;
	struct mount *m = NULL;
	struct super_block *sb = NULL;
	int err;

	if (!cred_is_root(cred_current()))
		return -EPERM;
	err = vfs_lookup(target, LOOKUP_FOLLOW, &tp);
	if (err)
		return err;
	mutex_lock(&mount_lock);
	if (flags & MS_REMOUNT) {
		err = do_remount(&tp, flags, data);
		goto out;
	}
	if (flags & MS_BIND) {
		err = vfs_lookup(source, LOOKUP_FOLLOW, &sp);
		if (err)
			goto out;
		if (S_ISDIR(sp.dentry->inode->mode) != S_ISDIR(tp.dentry->inode->mode))
			err = -ENOTDIR;
		else if (!(m = mnt_alloc(sp.mnt->sb, sp.dentry, sp.mnt->source,
					 mnt_flags_from(flags))))
			err = -ENOMEM;
		path_put(&sp);
		if (err)
			goto out;
	} else {
		struct fs_type *ft = type ? fs_type_find(type) : NULL;

		err = -ENODEV;
		if (!ft)
			goto out;
		err = -ENOTDIR;
		if (!S_ISDIR(tp.dentry->inode->mode))
			goto out;
		err = ft->mount(ft, source, flags, data, &sb);
		if (err)
			goto out;
		if (flags & MS_RDONLY)
			sb->flags |= SB_RDONLY;
		m = mnt_alloc(sb, sb->root, source, mnt_flags_from(flags));
		if (!m) {
			err = -ENOMEM;
			if (sb->active == 0)
				ft->kill_sb ? ft->kill_sb(sb) : vfs_sb_kill(sb);
			goto out;
		}
	}
	err = mnt_attach(m, &tp);
	if (err)
		goto out;
	m = NULL;
out:
	mutex_unlock(&mount_lock);
	mnt_put(m);
	path_put(&tp);
	return err;
}

/* Take m and every mount below it off the table. Locks: both mount locks. */
static void mnt_detach_tree(struct mount *m, struct list_node *gone)
{
	list_remove(&m->link);
	list_add_tail(gone, &m->link);
	for (struct list_node *n = gone->next; n != gone; n = n->next) {
		struct mount *p = list_entry(n, struct mount, link);

		list_for_each_safe(c, &mounts) {
			struct mount *child = list_entry(c, struct mount, link);

			if (child->parent == p && child != p) {
				list_remove(&child->link);
				list_add_tail(gone, &child->link);
			}
		}
	}
}

static bool mnt_has_children(struct mount *m)
{
	list_for_each(n, &mounts) {
		struct mount *c = list_entry(n, struct mount, link);

		if (c->parent == m && c != m)
			return true;
	}
	return false;
}

int vfs_umount(const char *target, int flags)
{
	struct list_node gone = LIST_INIT(gone);
	struct path tp;
	struct mount *m;
	int err;

	if (!cred_is_root(cred_current()))
		return -EPERM;
	if (flags & ~(MNT_FORCE | MNT_DETACH | UMOUNT_NOFOLLOW))
		return -EINVAL;
	err = vfs_lookup(target, (flags & UMOUNT_NOFOLLOW) ? 0 : LOOKUP_FOLLOW, &tp);
	if (err)
		return err;
	m = tp.mnt;
	mutex_lock(&mount_lock);
	spin_lock(&mount_list_lock);
	if (tp.dentry != m->root || !list_is_linked(&m->link))
		err = -EINVAL;
	else if (m == root_mnt)
		err = -EBUSY;
	else if (!(flags & MNT_DETACH) &&
		 (mnt_has_children(m) || __atomic_load_n(&m->refs, __ATOMIC_ACQUIRE) > 2))
		err = -EBUSY; /* 2: attached, and our lookup */
	else
		mnt_detach_tree(m, &gone);
	spin_unlock(&mount_list_lock);
	mutex_unlock(&mount_lock);
	path_put(&tp);

	while (!list_is_empty(&gone)) {
		struct mount *d = list_first_entry(&gone, struct mount, link);
		struct mount *parent;
		struct dentry *mp;

		spin_lock(&mount_list_lock);
		list_remove(&d->link);
		parent = d->parent;
		mp = d->mountpoint;
		mp->mounted--;
		d->parent = d;
		d->mountpoint = d->root;
		spin_unlock(&mount_list_lock);
		d_put(mp);
		mnt_put(parent);
		mnt_put(d); /* the attached reference */
	}
	return err;
}

/* Locks: takes mount_lock (fn may sleep and may call path_to_string). */
void mount_for_each(void (*fn)(struct mount *mnt, void *arg), void *arg)
{
	mutex_lock(&mount_lock);
	list_for_each(n, &mounts)
		fn(list_entry(n, struct mount, link), arg);
	mutex_unlock(&mount_lock);
}

/* Put s (len bytes) in front of buf[*pos..]. Return: false if it does not fit. */
static bool prepend(char *buf, size_t *pos, const char *s, size_t len)
{
	if (len > *pos)
		return false;
	*pos -= len;
	memcpy(buf + *pos, s, len);
	return true;
}

int path_to_string(const struct path *path, const struct path *root, char *buf, size_t len)
{
	char name[NAME_MAX + 1];
	struct path p = *path;
	size_t pos = len;
	bool deleted = p.dentry != p.mnt->root && !d_is_hashed(p.dentry);
	int err = 0;

	if (!len)
		return -ENAMETOOLONG;
	path_get(&p);
	if (!prepend(buf, &pos, "", 1) || (deleted && !prepend(buf, &pos, " (deleted)", 10)))
		err = -ENAMETOOLONG;
	while (!err && !(root && p.mnt == root->mnt && p.dentry == root->dentry)) {
		if (p.dentry == p.mnt->root) {
			if (!path_to_mountpoint(&p))
				break;
			continue;
		}
		struct dentry *parent = d_get_parent(p.dentry);
		size_t n = d_name_copy(p.dentry, name, sizeof(name));

		d_put(p.dentry);
		p.dentry = parent;
		if (!prepend(buf, &pos, name, n) || !prepend(buf, &pos, "/", 1))
			err = -ENAMETOOLONG;
	}
	path_put(&p);
	if (err)
		return err;
	if (pos == len - 1 - (deleted ? 10 : 0) && !prepend(buf, &pos, "/", 1))
		return -ENAMETOOLONG;
	memmove(buf, buf + pos, len - pos);
	return (int)(len - pos - 1);
}
