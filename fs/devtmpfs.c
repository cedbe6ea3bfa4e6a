// SPDX-License-Identifier: MIT
/*
 * devtmpfs: the /dev that drivers fill. There is one instance, a tmpfs
 * super block (tmpfs_make_sb) made at boot and held by a kernel mount
 * (kern_mount) that is never attached, so it lives for ever; every mount
 * of "devtmpfs" (vfs_init's on /dev, or `mount -t devtmpfs none /x`)
 * shows that same tree, as Linux's does. Drivers add and remove nodes with
 * devfs_add_node/devfs_remove_node, which go through the ordinary VFS
 * name-space calls relative to the instance's root, so nodes made here are
 * seen through every mount at once and users may also mknod, chmod or
 * remove them like any tmpfs file.
 *
 * A node gets exactly the mode, uid and gid its driver asks for (no
 * umask). A name with '/' ("pts/0") gets its directories made (0755);
 * removing the last node in such a directory removes the emptied
 * directories too, as Linux's devtmpfs does for the ones it made.
 *
 * Early nodes: drivers register during devices_init, before vfs_init has
 * mounted the root, and the VFS walks names only for a process that has a
 * root. Until the kernel process has its file-system context, nodes are
 * kept on devfs_pending (an -EEXIST check included) and made on the
 * first call that can walk: the mount of devtmpfs on /dev, or the next
 * add or remove.
 *
 * Locks: devtmpfs_lock (a mutex) serialises add and remove and guards
 * devfs_pending, so that making and removing parent directories do not
 * race; under it the VFS takes the directories' inode locks. A mount
 * takes it under mount_lock (to make pending nodes). Mount options are
 * ignored after the instance exists (as Linux's single instance).
 */
#include <xdv/errno.h>
#include <xdv/mm.h>
#include <xdv/printk.h>
#include <xdv/string.h>

#include "internal.h"

static struct mount *devtmpfs_mnt;
static struct mutex devtmpfs_lock = MUTEX_INIT(devtmpfs_lock);

/* A node asked for before the VFS could make it. */
struct devfs_pending_node {
	struct device_node_info info; /* info.name points at name */
	struct list_node link;
	char name[];
};

static struct list_node devfs_pending = LIST_INIT(devfs_pending);

static void devfs_flush_pending(void);

static int devtmpfs_mount(struct fs_type *type, const char *source, unsigned long flags,
			  const char *options, struct super_block **out)
{
	struct mount *mnt = __atomic_load_n(&devtmpfs_mnt, __ATOMIC_ACQUIRE);

	if (mnt) {
		mutex_lock(&devtmpfs_lock);
		devfs_flush_pending();
		mutex_unlock(&devtmpfs_lock);
		*out = mnt->sb;
		return 0;
	}
	/* The first call, from kern_mount in devtmpfs_init: make the instance. */
	return tmpfs_make_sb(type, 0, "mode=0755", out);
}

static struct fs_type devtmpfs_fs_type = {
	.name = "devtmpfs",
	.flags = FS_NO_SOURCE,
	.mount = devtmpfs_mount,
	.kill_sb = tmpfs_kill_sb,
};

/*
 * Register "devtmpfs" and make its one instance.
 * Context: boot (devices_init), once, after tmpfs_init.
 */
void devtmpfs_init(void)
{
	struct mount *mnt;
	int err;

	mnt = kern_mount(&devtmpfs_fs_type, NULL);
	if (!mnt) {
		pr_err("devtmpfs: cannot make the /dev instance\n");
		return;
	}
	__atomic_store_n(&devtmpfs_mnt, mnt, __ATOMIC_RELEASE);
	err = fs_type_register(&devtmpfs_fs_type);
	if (err)
		pr_err("devtmpfs: cannot register: error %d\n", err);
}

static struct path devtmpfs_root(void)
{
	return (struct path){ devtmpfs_mnt, devtmpfs_mnt->root };
}

/* A node's name: relative, not empty, no empty or dot components. */
static bool devfs_name_ok(const char *name)
{
	const char *c = name;

	if (!name || !*name || *name == '/' || strlen(name) >= PATH_MAX)
		return false;
	while (*c) {
		const char *end = strchr(c, '/');
		size_t len = end ? (size_t)(end - c) : strlen(c);

		if (len == 0 || len > NAME_MAX || (len == 1 && c[0] == '.') ||
		    (len == 2 && c[0] == '.' && c[1] == '.'))
			return false;
		c += len;
		if (*c == '/')
			c++;
		if (end && !*c)
			return false; /* a trailing '/' */
	}
	return true;
}

static char *devfs_strdup(const char *s)
{
	size_t len = strlen(s) + 1;
	char *copy = kmalloc(len, GFP_KERNEL);

	if (copy)
		memcpy(copy, s, len);
	return copy;
}

/* The last '/' in s, or NULL. */
static char *devfs_last_slash(char *s)
{
	char *last = NULL;

	for (; *s; s++)
		if (*s == '/')
			last = s;
	return last;
}

/* Make the directories above name. Locks: devtmpfs_lock held. */
static int devfs_make_parents(const struct path *root, char *name)
{
	for (char *slash = strchr(name, '/'); slash; slash = strchr(slash + 1, '/')) {
		int err;

		*slash = '\0';
		err = vfs_mkdir_path(root, name, 0755);
		*slash = '/';
		if (err && err != -EEXIST)
			return err;
	}
	return 0;
}

/* Give the node at name exactly info's mode and owner. */
static int devfs_set_attrs(const struct path *root, const struct device_node_info *info)
{
	struct path p;
	struct inode *inode;
	int err = vfs_lookup_path(root, info->name, 0, &p);

	if (err)
		return err;
	inode = p.dentry->inode;
	mutex_lock(&inode->lock);
	spin_lock(&inode->attr_lock);
	inode->mode = info->mode;
	inode->uid = info->uid;
	inode->gid = info->gid;
	spin_unlock(&inode->attr_lock);
	mutex_unlock(&inode->lock);
	path_put(&p);
	return 0;
}

/* Can the VFS walk names for us yet (does this process have a root)? */
static bool devfs_can_walk(void)
{
	return fs_context_current() != NULL;
}

/* The pending node called name, or NULL. Locks: devtmpfs_lock held. */
static struct devfs_pending_node *devfs_pending_find(const char *name)
{
	list_for_each(pos, &devfs_pending) {
		struct devfs_pending_node *p = list_entry(pos, struct devfs_pending_node, link);

		if (!strcmp(p->name, name))
			return p;
	}
	return NULL;
}

/* Keep info for later. Locks: devtmpfs_lock held. Return: 0, -EEXIST, -ENOMEM. */
static int devfs_pend(const struct device_node_info *info)
{
	size_t len = strlen(info->name) + 1;
	struct devfs_pending_node *p;

	if (devfs_pending_find(info->name))
		return -EEXIST;
	p = kmalloc(sizeof(*p) + len, GFP_KERNEL);
	if (!p)
		return -ENOMEM;
	memcpy(p->name, info->name, len);
	p->info = *info;
	p->info.name = p->name;
	list_add_tail(&devfs_pending, &p->link);
	return 0;
}

static int devfs_add_locked(const struct path *root, const struct device_node_info *info);

/* Make every pending node. Locks: devtmpfs_lock held. */
static void devfs_flush_pending(void)
{
	struct path root;

	if (!devfs_can_walk() || list_is_empty(&devfs_pending))
		return;
	root = devtmpfs_root();
	list_for_each_safe(pos, &devfs_pending) {
		struct devfs_pending_node *p = list_entry(pos, struct devfs_pending_node, link);
		int err = devfs_add_locked(&root, &p->info);

		if (err)
			pr_err("devtmpfs: cannot make /dev/%s: error %d\n", p->name, err);
		list_remove(&p->link);
		kfree(p);
	}
}

/* Make the node and its directories. Locks: devtmpfs_lock held. */
static int devfs_add_locked(const struct path *root, const struct device_node_info *info)
{
	char *name = devfs_strdup(info->name);
	int err;

	if (!name)
		return -ENOMEM;
	err = devfs_make_parents(root, name);
	if (!err)
		err = vfs_mknod_path(root, name, info->mode, info->dev);
	if (!err)
		err = devfs_set_attrs(root, info);
	kfree(name);
	return err;
}

/*
 * Make /dev/<info->name> for a device, with its directories.
 * Context: may sleep. Locks: takes devtmpfs_lock, then the VFS's.
 * Return: 0, -EEXIST (the name exists), -EINVAL (bad name or not a
 * device mode), -ENODEV (no devtmpfs), -ENOMEM, -ENOSPC.
 */
int devfs_add_node(const struct device_node_info *info)
{
	struct path root;
	int err;

	if (!devtmpfs_mnt)
		return -ENODEV;
	if (!devfs_name_ok(info->name) ||
	    (!S_ISCHR(info->mode) && !S_ISBLK(info->mode)))
		return -EINVAL;
	mutex_lock(&devtmpfs_lock);
	if (!devfs_can_walk()) {
		err = devfs_pend(info);
	} else {
		devfs_flush_pending();
		root = devtmpfs_root();
		err = devfs_add_locked(&root, info);
	}
	mutex_unlock(&devtmpfs_lock);
	return err;
}

/*
 * Remove /dev/<name> and the directories above it that it leaves empty.
 * A name that does not exist is ignored. Context: may sleep.
 */
void devfs_remove_node(const char *name)
{
	struct path root;
	char *copy;

	if (!devtmpfs_mnt || !devfs_name_ok(name))
		return;
	copy = devfs_strdup(name);
	if (!copy)
		return;
	root = devtmpfs_root();
	mutex_lock(&devtmpfs_lock);
	if (!devfs_can_walk()) {
		struct devfs_pending_node *p = devfs_pending_find(copy);

		if (p) {
			list_remove(&p->link);
			kfree(p);
		}
		goto out_unlock;
	}
	devfs_flush_pending();
	if (vfs_unlink_path(&root, copy, 0) == 0) {
		char *slash;

		while ((slash = devfs_last_slash(copy))) {
			*slash = '\0';
			if (vfs_unlink_path(&root, copy, AT_REMOVEDIR))
				break; /* not empty (or not ours to remove) */
		}
	}
out_unlock:
	mutex_unlock(&devtmpfs_lock);
	kfree(copy);
}
