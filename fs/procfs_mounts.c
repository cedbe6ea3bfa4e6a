// SPDX-License-Identifier: MIT
/*
 * procfs: the files that read the VFS's own tables, /proc/mounts (and
 * /proc/<pid>/mounts, which it links to), /proc/filesystems and
 * /proc/devices, and the page-cache figures of /proc/meminfo.
 *
 * /proc/mounts is Linux's getmntent format: "source target type options
 * 0 0", with space, tab, newline and backslash in the fields written as
 * octal escapes, and the target as seen from the reading process's root.
 *
 * Locks: mount_for_each holds the mount table lock (a mutex) around each
 * callback; the page-cache count takes each super block's inode_lock
 * under it and reads the per-file counts without their locks (a snapshot).
 */
#include <xdv/errno.h>
#include <xdv/mm.h>
#include <xdv/string.h>
#include "internal.h"
#include "procfs.h"

struct mounts_walk {
	struct seq_buf *m;
	const struct path *root; /* NULL: the global root */
	char *buf;               /* PATH_MAX bytes for a mount point */
};

/* The per-mount flags /proc/mounts shows after rw/ro, in Linux's order. */
static const struct {
	unsigned long flag;
	const char *name;
} mnt_flag_names[] = {
	{ MNT_NOSUID, ",nosuid" },  { MNT_NODEV, ",nodev" },
	{ MNT_NOEXEC, ",noexec" },  { MNT_NOATIME, ",noatime" },
	{ MNT_RELATIME, ",relatime" },
};

static void mounts_show_one(struct mount *mnt, void *arg)
{
	struct mounts_walk *w = arg;
	struct path at = { mnt, mnt->root };
	int len = path_to_string(&at, w->root, w->buf, PATH_MAX);

	if (len < 0)
		return; /* outside the reader's root, or too long: Linux skips it */
	seq_escape(w->m, mnt->source ? mnt->source : "none");
	seq_putc(w->m, ' ');
	seq_escape(w->m, w->buf);
	seq_putc(w->m, ' ');
	seq_escape(w->m, mnt->sb->type->name);
	seq_puts(w->m, (mnt->flags & MNT_RDONLY) || (mnt->sb->flags & SB_RDONLY) ? " ro" : " rw");
	for (size_t i = 0; i < ARRAY_SIZE(mnt_flag_names); i++) {
		if (mnt->flags & mnt_flag_names[i].flag)
			seq_puts(w->m, mnt_flag_names[i].name);
	}
	if (mnt->sb->ops && mnt->sb->ops->show_options)
		mnt->sb->ops->show_options(w->m, mnt->sb);
	seq_puts(w->m, " 0 0\n");
}

int procfs_show_mounts(struct seq_buf *m, struct process *p)
{
	struct fs_context *fs = process_fs_context_get(p ? p : process_current());
	struct mounts_walk w = { m, NULL, kmalloc(PATH_MAX, 0) };
	struct path root;
	bool have_root = false;

	if (!w.buf) {
		fs_context_put(fs);
		return -ENOMEM;
	}
	if (fs) {
		spin_lock(&fs->lock);
		root = fs->root;
		path_get(&root);
		spin_unlock(&fs->lock);
		fs_context_put(fs);
		w.root = &root;
		have_root = true;
	}
	mount_for_each(mounts_show_one, &w);
	if (have_root)
		path_put(&root);
	kfree(w.buf);
	return 0;
}

static void filesystems_show_one(struct fs_type *type, void *arg)
{
	/* "nodev" for types that need no block device, as Linux. */
	seq_printf(arg, "%s\t%s\n", (type->flags & FS_REQUIRES_DEV) ? "" : "nodev", type->name);
}

int procfs_show_filesystems(struct seq_buf *m, struct process *p)
{
	fs_type_for_each(filesystems_show_one, m);
	return 0;
}

static void devices_show_one(unsigned major, const char *name, void *arg)
{
	seq_printf(arg, "%3u %s\n", major, name);
}

int procfs_show_devices(struct seq_buf *m, struct process *p)
{
	seq_puts(m, "Character devices:\n");
	devices_for_each(false, devices_show_one, m);
	seq_puts(m, "\nBlock devices:\n");
	devices_for_each(true, devices_show_one, m);
	return 0;
}

/* ---- page-cache figures ---------------------------------------------------- */

#define CACHE_MAX_SB 64

struct cache_walk {
	struct procfs_cache_counts *out;
	struct super_block *seen[CACHE_MAX_SB];
	unsigned nr_seen;
};

static void cache_count_mount(struct mount *mnt, void *arg)
{
	struct cache_walk *w = arg;
	struct super_block *sb = mnt->sb;
	bool shmem = sb->magic == TMPFS_MAGIC;
	uint64_t pages = 0, dirty = 0;

	for (unsigned i = 0; i < w->nr_seen; i++) {
		if (w->seen[i] == sb)
			return; /* the same file system mounted twice (bind) */
	}
	if (w->nr_seen < CACHE_MAX_SB)
		w->seen[w->nr_seen++] = sb;

	spin_lock(&sb->inode_lock);
	list_for_each(node, &sb->inodes) {
		struct inode *inode = list_entry(node, struct inode, sb_link);

		pages += READ_ONCE(inode->data.nr_pages);
		dirty += READ_ONCE(inode->data.nr_dirty);
	}
	spin_unlock(&sb->inode_lock);
	w->out->cached += pages;
	if (shmem)
		w->out->shmem += pages;
	else
		w->out->dirty += dirty; /* tmpfs pages have nowhere to be written */
}

void procfs_count_cache(struct procfs_cache_counts *out)
{
	struct cache_walk w = { .out = out };

	memset(out, 0, sizeof(*out));
	mount_for_each(cache_count_mount, &w);
}
