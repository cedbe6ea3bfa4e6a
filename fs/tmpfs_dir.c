// SPDX-License-Identifier: MIT
/*
 * tmpfs directories. tmpfs keeps its own entries rather than trusting the
 * dentry cache to hold them (the dcache may drop unused dentries): each
 * directory has a hash of its names for lookup and a list of the same
 * entries in creation order, each with a cookie that only grows. getdents
 * hands out the cookies as positions, so a reader goes on where it
 * stopped although names are created and removed meanwhile: an entry
 * removed is simply not seen, one created later comes after, nothing is
 * seen twice unless it was renamed (a renamed entry gets a new cookie).
 *
 * Sizes and link counts are Linux tmpfs's: a directory's st_size is 20
 * bytes per entry plus 40, its st_nlink 2 plus its subdirectories.
 *
 * Locks: the VFS holds the directory's inode->lock around each inode_ops
 * call (both directories' for a rename). tmpfs_dir.lock, a mutex taken
 * after it, guards the hash and the list so that getdents (which may run
 * without inode->lock) sees them whole; two directories' tmpfs_dir.lock
 * are taken in address order. Each entry holds a reference to its inode.
 */
#include <xdv/errno.h>
#include <xdv/mm.h>
#include <xdv/printk.h>
#include <xdv/string.h>

#include "internal.h"
#include "tmpfs.h"

#define TMPFS_DIR_MIN_BUCKETS 8
#define TMPFS_DIR_MAX_BUCKETS (1u << 16)

/* FNV-1a: cheap and good enough for names. */
static uint32_t name_hash(const char *name, size_t len)
{
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < len; i++) {
		h ^= (uint8_t)name[i];
		h *= 16777619u;
	}
	return h;
}

/* An empty directory's entries. Context: any. */
void tmpfs_dir_init(struct tmpfs_dir *dir)
{
	mutex_init(&dir->lock, "tmpfs_dir.lock");
	list_init(&dir->entries);
	dir->buckets = NULL;
	dir->nr_buckets = 0;
	dir->nr_entries = 0;
	dir->next_cookie = 2;
	dir->dead = false;
}

/*
 * Free a directory's entries at eviction: none are left after rmdir; at
 * kill_sb the inodes they name are freed by vfs_sb_kill, so no reference
 * is dropped here. Context: may sleep; nothing else uses dir.
 */
void tmpfs_dir_destroy(struct tmpfs_dir *dir)
{
	list_for_each_safe(node, &dir->entries) {
		struct tmpfs_dirent *de = list_entry(node, struct tmpfs_dirent, order_link);

		/* The super block is going: vfs_sb_kill frees de->inode. A
		 * cursor belongs to an open file, which frees it. */
		list_remove(&de->order_link);
		if (de->inode)
			kfree(de);
	}
	kfree(dir->buckets);
	dir->buckets = NULL;
	dir->nr_buckets = 0;
	dir->nr_entries = 0;
}

static struct tmpfs_dirent *dirent_alloc(const char *name, size_t len)
{
	struct tmpfs_dirent *de = kmalloc(sizeof(*de) + len + 1, GFP_KERNEL);

	if (!de)
		return NULL;
	list_init(&de->hash_link);
	list_init(&de->order_link);
	de->cookie = 0;
	de->inode = NULL;
	de->hash = name_hash(name, len);
	de->name_len = (uint32_t)len;
	memcpy(de->name, name, len);
	de->name[len] = '\0';
	return de;
}

/* Locks: dir->lock held. */
static struct tmpfs_dirent *dir_find(struct tmpfs_dir *dir, const char *name, size_t len)
{
	uint32_t h = name_hash(name, len);

	if (!dir->nr_buckets)
		return NULL;
	list_for_each(node, &dir->buckets[h & (dir->nr_buckets - 1)]) {
		struct tmpfs_dirent *de = list_entry(node, struct tmpfs_dirent, hash_link);

		if (de->hash == h && de->name_len == len && !memcmp(de->name, name, len))
			return de;
	}
	return NULL;
}

/* Rehash into nr buckets; on -ENOMEM keep the old table (longer chains). */
static void dir_rehash(struct tmpfs_dir *dir, unsigned nr)
{
	struct list_node *b = kmalloc(nr * sizeof(*b), GFP_KERNEL);

	if (!b)
		return;
	for (unsigned i = 0; i < nr; i++)
		list_init(&b[i]);
	list_for_each(node, &dir->entries) {
		struct tmpfs_dirent *de = list_entry(node, struct tmpfs_dirent, order_link);

		list_remove(&de->hash_link);
		list_add_tail(&b[de->hash & (nr - 1)], &de->hash_link);
	}
	kfree(dir->buckets);
	dir->buckets = b;
	dir->nr_buckets = nr;
}

/*
 * Add de (with its inode set) at the end of the order with the next
 * cookie. Locks: dir->lock held. Return: 0, -ENOMEM (no first table).
 */
static int dir_insert(struct tmpfs_dir *dir, struct tmpfs_dirent *de)
{
	if (!dir->nr_buckets) {
		dir_rehash(dir, TMPFS_DIR_MIN_BUCKETS);
		if (!dir->nr_buckets)
			return -ENOMEM;
	} else if (dir->nr_entries >= dir->nr_buckets &&
		   dir->nr_buckets < TMPFS_DIR_MAX_BUCKETS) {
		dir_rehash(dir, dir->nr_buckets * 2);
	}
	de->cookie = dir->next_cookie++;
	list_add_tail(&dir->buckets[de->hash & (dir->nr_buckets - 1)], &de->hash_link);
	list_add_tail(&dir->entries, &de->order_link);
	dir->nr_entries++;
	return 0;
}

/* Locks: dir->lock held. */
static void dir_remove(struct tmpfs_dir *dir, struct tmpfs_dirent *de)
{
	list_remove(&de->hash_link);
	list_remove(&de->order_link);
	dir->nr_entries--;
}

static void dir_add_size(struct inode *dir, int64_t delta)
{
	spin_lock(&dir->attr_lock);
	dir->size = (uint64_t)((int64_t)dir->size + delta);
	spin_unlock(&dir->attr_lock);
}

static struct tmpfs_dir *TMPFS_D(struct inode *inode)
{
	return &TMPFS_I(inode)->dir;
}

/* ---- inode_ops ------------------------------------------------------------- */

static int tmpfs_lookup(struct inode *dir, struct dentry *dentry)
{
	struct tmpfs_dir *d = TMPFS_D(dir);
	struct tmpfs_dirent *de;

	if (dentry->name_len > NAME_MAX)
		return -ENAMETOOLONG;
	mutex_lock(&d->lock);
	de = dir_find(d, dentry->name, dentry->name_len);
	if (de)
		inode_get(de->inode);
	mutex_unlock(&d->lock);
	if (de)
		d_instantiate(dentry, de->inode);
	return 0;
}

/*
 * Give the new inode its name in dir and the dentry. Takes over the
 * caller's reference to inode (the entry's) and de.
 * Return: 0, or -EEXIST / -ENOMEM with nothing changed (de and the
 * reference are the caller's again).
 */
static int dir_link_new(struct inode *dir, struct dentry *dentry, struct inode *inode,
			struct tmpfs_dirent *de)
{
	struct tmpfs_dir *d = TMPFS_D(dir);
	int err;

	mutex_lock(&d->lock);
	if (d->dead) {
		mutex_unlock(&d->lock);
		return -ENOENT; /* as Linux, for a name made in a removed directory */
	}
	if (dir_find(d, de->name, de->name_len)) {
		mutex_unlock(&d->lock);
		return -EEXIST;
	}
	de->inode = inode;
	err = dir_insert(d, de);
	mutex_unlock(&d->lock);
	if (err)
		return err;
	dir_add_size(dir, TMPFS_BOGO_DIRENT_SIZE);
	if (S_ISDIR(inode->mode))
		inode_inc_nlink(dir);
	inode_touch(dir, true);
	inode_get(inode);
	d_instantiate(dentry, inode);
	return 0;
}

/* create, mkdir, mknod and symlink: a new inode under a new name. */
static int tmpfs_make_node(struct inode *dir, struct dentry *dentry, umode_t mode, dev_t rdev,
			   const char *target)
{
	struct tmpfs_dirent *de;
	struct inode *inode;
	int err;

	if (dentry->name_len > NAME_MAX)
		return -ENAMETOOLONG;
	de = dirent_alloc(dentry->name, dentry->name_len);
	if (!de)
		return -ENOMEM;
	err = tmpfs_new_inode(dir->sb, dir, mode, rdev, &inode);
	if (err)
		goto out_de;
	if (target) {
		err = tmpfs_symlink_set_target(inode, target);
		if (err)
			goto out_inode;
	}
	err = dir_link_new(dir, dentry, inode, de);
	if (err)
		goto out_inode;
	return 0;

out_inode:
	inode_set_nlink(inode, 0);
	inode_put(inode);
out_de:
	kfree(de);
	return err;
}

static int tmpfs_create(struct inode *dir, struct dentry *dentry, umode_t mode)
{
	return tmpfs_make_node(dir, dentry, (mode & S_IALLUGO) | S_IFREG, 0, NULL);
}

static int tmpfs_mkdir(struct inode *dir, struct dentry *dentry, umode_t mode)
{
	return tmpfs_make_node(dir, dentry, (mode & S_IALLUGO) | S_IFDIR, 0, NULL);
}

static int tmpfs_mknod(struct inode *dir, struct dentry *dentry, umode_t mode, dev_t rdev)
{
	switch (mode & S_IFMT) {
	case 0:
		mode |= S_IFREG; /* mknod(2) with no type makes a regular file */
		break;
	case S_IFREG:
	case S_IFCHR:
	case S_IFBLK:
	case S_IFIFO:
	case S_IFSOCK:
		break;
	default:
		return -EINVAL;
	}
	return tmpfs_make_node(dir, dentry, mode, S_ISREG(mode) ? 0 : rdev, NULL);
}

static int tmpfs_symlink(struct inode *dir, struct dentry *dentry, const char *target)
{
	return tmpfs_make_node(dir, dentry, S_IFLNK | 0777, 0, target);
}

static int tmpfs_link(struct dentry *old, struct inode *dir, struct dentry *dentry)
{
	struct inode *inode = old->inode;
	struct tmpfs_dirent *de;
	int err;

	if (S_ISDIR(inode->mode))
		return -EPERM;
	if (!inode->nlink)
		return -ENOENT; /* unlinked while open: it stays gone, as Linux */
	if (dentry->name_len > NAME_MAX)
		return -ENAMETOOLONG;
	if (inode->nlink >= MAX_LINKS)
		return -EMLINK;
	/* Each extra name counts against nr_inodes, as Linux's. */
	err = tmpfs_reserve_inode(dir->sb);
	if (err)
		return err;
	de = dirent_alloc(dentry->name, dentry->name_len);
	if (!de) {
		err = -ENOMEM;
		goto out_release;
	}
	inode_get(inode); /* the entry's reference */
	err = dir_link_new(dir, dentry, inode, de);
	if (err)
		goto out_put;
	inode_inc_nlink(inode);
	inode_touch(inode, false);
	return 0;

out_put:
	inode_put(inode);
	kfree(de);
out_release:
	tmpfs_release_inode(dir->sb);
	return err;
}

/*
 * A name of inode is gone (unlink, rmdir, or replaced by rename): its link
 * count and the nr_inodes count of an extra hard link. The caller then
 * drops the entry's reference.
 */
static void name_dropped(struct inode *inode)
{
	if (S_ISDIR(inode->mode)) {
		/* Counted until evicted, as Linux's (a cwd may hold it). */
		inode_set_nlink(inode, 0);
	} else {
		if (inode->nlink > 1)
			tmpfs_release_inode(inode->sb);
		inode_drop_nlink(inode);
	}
	inode_touch(inode, false);
}

/*
 * Mark a directory that is losing its last name dead, if it is empty.
 * Locks: its parent's tmpfs_dir.lock held; takes its own (child after
 * parent). Return: true if it was empty (and is now dead).
 */
static bool dir_kill_if_empty(struct tmpfs_dir *d)
{
	bool empty;

	mutex_lock(&d->lock);
	empty = d->nr_entries == 0;
	if (empty)
		d->dead = true;
	mutex_unlock(&d->lock);
	return empty;
}

static int tmpfs_remove(struct inode *dir, struct dentry *dentry, bool is_dir)
{
	struct tmpfs_dir *d = TMPFS_D(dir);
	struct inode *inode = dentry->inode;
	struct tmpfs_dirent *de;

	mutex_lock(&d->lock);
	de = dir_find(d, dentry->name, dentry->name_len);
	if (!de || de->inode != inode) {
		mutex_unlock(&d->lock);
		return -ENOENT;
	}
	if (is_dir && !dir_kill_if_empty(TMPFS_D(inode))) {
		mutex_unlock(&d->lock);
		return -ENOTEMPTY;
	}
	dir_remove(d, de);
	mutex_unlock(&d->lock);

	dir_add_size(dir, -TMPFS_BOGO_DIRENT_SIZE);
	if (is_dir)
		inode_drop_nlink(dir);
	inode_touch(dir, true);
	name_dropped(inode);
	kfree(de);
	inode_put(inode);
	return 0;
}

static int tmpfs_unlink(struct inode *dir, struct dentry *dentry)
{
	if (S_ISDIR(dentry->inode->mode))
		return -EISDIR;
	return tmpfs_remove(dir, dentry, false);
}

static int tmpfs_rmdir(struct inode *dir, struct dentry *dentry)
{
	if (!S_ISDIR(dentry->inode->mode))
		return -ENOTDIR;
	return tmpfs_remove(dir, dentry, true);
}

static void lock_two_dirs(struct tmpfs_dir *a, struct tmpfs_dir *b)
{
	if (a == b) {
		mutex_lock(&a->lock);
	} else if (a < b) {
		mutex_lock(&a->lock);
		mutex_lock(&b->lock);
	} else {
		mutex_lock(&b->lock);
		mutex_lock(&a->lock);
	}
}

static void unlock_two_dirs(struct tmpfs_dir *a, struct tmpfs_dir *b)
{
	mutex_unlock(&a->lock);
	if (a != b)
		mutex_unlock(&b->lock);
}

/* RENAME_EXCHANGE: the two names swap their inodes. */
static int tmpfs_exchange(struct inode *old_dir, struct dentry *old_dentry,
			  struct inode *new_dir, struct dentry *new_dentry)
{
	struct tmpfs_dir *od = TMPFS_D(old_dir), *nd = TMPFS_D(new_dir);
	struct inode *a = old_dentry->inode, *b = new_dentry->inode;
	struct tmpfs_dirent *ade, *bde;

	if (!a || !b)
		return -ENOENT;
	lock_two_dirs(od, nd);
	ade = dir_find(od, old_dentry->name, old_dentry->name_len);
	bde = dir_find(nd, new_dentry->name, new_dentry->name_len);
	if (!ade || !bde || ade->inode != a || bde->inode != b) {
		unlock_two_dirs(od, nd);
		return -ENOENT;
	}
	ade->inode = b;
	bde->inode = a;
	unlock_two_dirs(od, nd);

	/* A directory moving to the other parent moves its ".." link. */
	if (old_dir != new_dir && S_ISDIR(a->mode) != S_ISDIR(b->mode)) {
		if (S_ISDIR(a->mode)) {
			inode_drop_nlink(old_dir);
			inode_inc_nlink(new_dir);
		} else {
			inode_inc_nlink(old_dir);
			inode_drop_nlink(new_dir);
		}
	}
	inode_touch(a, false);
	inode_touch(b, false);
	inode_touch(old_dir, true);
	if (new_dir != old_dir)
		inode_touch(new_dir, true);
	return 0;
}

static int tmpfs_rename(struct inode *old_dir, struct dentry *old_dentry,
			struct inode *new_dir, struct dentry *new_dentry, unsigned flags)
{
	struct tmpfs_dir *od = TMPFS_D(old_dir), *nd = TMPFS_D(new_dir);
	struct inode *inode = old_dentry->inode, *target = new_dentry->inode;
	struct tmpfs_dirent *ode, *tde = NULL, *de;
	bool is_dir;
	int err;

	if (flags & ~(RENAME_NOREPLACE | RENAME_EXCHANGE))
		return -EINVAL; /* RENAME_WHITEOUT: no overlay file systems here */
	if (flags & RENAME_EXCHANGE)
		return tmpfs_exchange(old_dir, old_dentry, new_dir, new_dentry);
	if (!inode)
		return -ENOENT;
	if (target == inode)
		return 0; /* two names of one file: nothing to do, as POSIX says */
	if (new_dentry->name_len > NAME_MAX)
		return -ENAMETOOLONG;
	if (target && (flags & RENAME_NOREPLACE))
		return -EEXIST;
	is_dir = S_ISDIR(inode->mode);
	if (target && S_ISDIR(target->mode) != is_dir)
		return is_dir ? -ENOTDIR : -EISDIR;

	de = dirent_alloc(new_dentry->name, new_dentry->name_len);
	if (!de)
		return -ENOMEM;
	lock_two_dirs(od, nd);
	ode = dir_find(od, old_dentry->name, old_dentry->name_len);
	if (!ode || ode->inode != inode)
		goto out_enoent;
	tde = dir_find(nd, new_dentry->name, new_dentry->name_len);
	if ((tde ? tde->inode : NULL) != target) {
		tde = NULL;
		goto out_enoent;
	}
	if (nd->dead)
		goto out_enoent;
	/* The one step that can fail goes first: new_dir's first table. */
	if (!nd->nr_buckets)
		dir_rehash(nd, TMPFS_DIR_MIN_BUCKETS);
	if (!nd->nr_buckets) {
		unlock_two_dirs(od, nd);
		kfree(de);
		return -ENOMEM;
	}
	if (target && is_dir && !dir_kill_if_empty(TMPFS_D(target))) {
		unlock_two_dirs(od, nd);
		kfree(de);
		return -ENOTEMPTY;
	}
	de->inode = inode;
	if (tde)
		dir_remove(nd, tde);
	dir_remove(od, ode);
	err = dir_insert(nd, de); /* cannot fail: the table exists */
	unlock_two_dirs(od, nd);
	if (err)
		pr_err("tmpfs: rename lost a name (%d)\n", err);

	dir_add_size(old_dir, -TMPFS_BOGO_DIRENT_SIZE);
	dir_add_size(new_dir, TMPFS_BOGO_DIRENT_SIZE);
	if (tde) {
		dir_add_size(new_dir, -TMPFS_BOGO_DIRENT_SIZE);
		if (is_dir)
			inode_drop_nlink(old_dir); /* new_dir keeps one subdir */
		name_dropped(target);
	} else if (is_dir && old_dir != new_dir) {
		inode_drop_nlink(old_dir);
		inode_inc_nlink(new_dir);
	}
	inode_touch(inode, false);
	inode_touch(old_dir, true);
	if (new_dir != old_dir)
		inode_touch(new_dir, true);
	kfree(ode);
	if (tde) {
		kfree(tde);
		inode_put(target);
	}
	return 0;

out_enoent:
	unlock_two_dirs(od, nd);
	kfree(de);
	return -ENOENT;
}

const struct inode_ops tmpfs_dir_iops = {
	.lookup = tmpfs_lookup,
	.create = tmpfs_create,
	.mkdir = tmpfs_mkdir,
	.mknod = tmpfs_mknod,
	.symlink = tmpfs_symlink,
	.link = tmpfs_link,
	.unlink = tmpfs_unlink,
	.rmdir = tmpfs_rmdir,
	.rename = tmpfs_rename,
	.setattr = tmpfs_setattr,
	.getattr = tmpfs_getattr,
};

/* ---- file_ops -------------------------------------------------------------- */

/*
 * Each open directory file has a cursor: an entry with no inode and no
 * name, kept in the order list just before the next entry to read, with
 * the position it stands for. getdents that goes on where the last one
 * stopped (the usual case) starts at the cursor instead of walking the
 * list from its head, so reading a directory of n names costs O(n), not
 * O(n^2 / names per call). Cursors are in no hash chain and are skipped
 * by every walk. Without one (no memory at open), iterate walks from the
 * head, which gives the same answer more slowly.
 */
static int tmpfs_dir_open(struct inode *inode __unused, struct file *file)
{
	struct tmpfs_dirent *cursor = dirent_alloc("", 0);

	file->private = cursor; /* NULL is fine: see above */
	return 0;
}

static void tmpfs_dir_release(struct inode *inode, struct file *file)
{
	struct tmpfs_dirent *cursor = file->private;
	struct tmpfs_dir *d = TMPFS_D(inode);

	if (!cursor)
		return;
	mutex_lock(&d->lock);
	list_remove(&cursor->order_link);
	mutex_unlock(&d->lock);
	kfree(cursor);
	file->private = NULL;
}

/*
 * Emit the entries whose cookie is ctx->pos or more, in cookie order.
 * Locks: the VFS holds the directory's inode->lock; takes tmpfs_dir.lock.
 */
static int tmpfs_iterate(struct file *file, struct dir_context *ctx)
{
	struct tmpfs_dir *d = TMPFS_D(file->inode);
	struct tmpfs_dirent *cursor = file->private;
	struct list_node *node;

	if (!dir_emit_dots(file, ctx))
		return 0;
	mutex_lock(&d->lock);
	node = d->entries.next;
	if (cursor && list_is_linked(&cursor->order_link) && cursor->cookie == (uint64_t)ctx->pos)
		node = cursor->order_link.next;
	for (; node != &d->entries; node = node->next) {
		struct tmpfs_dirent *de = list_entry(node, struct tmpfs_dirent, order_link);

		if (!de->inode || de->cookie < (uint64_t)ctx->pos)
			continue; /* a cursor, or read already */
		ctx->pos = (loff_t)de->cookie;
		if (!ctx->actor(ctx, de->name, de->name_len, de->inode->ino,
				(de->inode->mode & S_IFMT) >> 12))
			break;
		ctx->pos = (loff_t)de->cookie + 1;
	}
	if (cursor) {
		/* Before node: every entry before it has a smaller cookie,
		 * every one after (created later included) a larger one. */
		list_remove(&cursor->order_link);
		list_insert_between(&cursor->order_link, node->prev, node);
		cursor->cookie = (uint64_t)ctx->pos;
	}
	mutex_unlock(&d->lock);
	return 0;
}

/* Positions are cookies: any value is a place to go on from (telldir). */
static loff_t tmpfs_dir_llseek(struct file *file, loff_t offset, int whence)
{
	switch (whence) {
	case SEEK_SET:
		break;
	case SEEK_CUR:
		if (__builtin_add_overflow(offset, file->pos, &offset))
			return -EINVAL;
		break;
	default:
		return -EINVAL;
	}
	if (offset < 0)
		return -EINVAL;
	file->pos = offset;
	return offset;
}

static int tmpfs_dir_fsync(struct file *file __unused, bool datasync __unused)
{
	return 0;
}

const struct file_ops tmpfs_dir_fops = {
	.open = tmpfs_dir_open,
	.release = tmpfs_dir_release,
	.iterate = tmpfs_iterate,
	.llseek = tmpfs_dir_llseek,
	.fsync = tmpfs_dir_fsync,
};
