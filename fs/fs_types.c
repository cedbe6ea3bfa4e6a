// SPDX-License-Identifier: MIT
/*
 * The registry of file-system types ("tmpfs", "devtmpfs", "proc", later
 * "ext2"): vfs_mount() finds a type here by the name mount(2) gives, and
 * /proc/filesystems lists them in registration order.
 *
 * Locks: fs_types_lock (spinlock) guards the list. Types are never
 * unregistered, so a pointer found here stays valid.
 */
#include <xdv/errno.h>
#include <xdv/string.h>
#include "vfs_internal.h"

static struct spinlock fs_types_lock = SPINLOCK_INIT("fs_types");
static struct list_node fs_types = LIST_INIT(fs_types);

static struct fs_type *fs_type_find_locked(const char *name)
{
	lockdep_assert_held(&fs_types_lock);
	list_for_each(node, &fs_types) {
		struct fs_type *t = list_entry(node, struct fs_type, link);

		if (!strcmp(t->name, name))
			return t;
	}
	return NULL;
}

/*
 * Add type to the registry. Context: any (boot, usually).
 * Return: 0, or -EEXIST when a type of that name is registered.
 */
int fs_type_register(struct fs_type *type)
{
	int err = 0;

	spin_lock(&fs_types_lock);
	if (fs_type_find_locked(type->name))
		err = -EEXIST;
	else
		list_add_tail(&fs_types, &type->link);
	spin_unlock(&fs_types_lock);
	return err;
}

/* The type registered under name. Return: it, or NULL (mount: -ENODEV). */
struct fs_type *fs_type_find(const char *name)
{
	struct fs_type *t;

	spin_lock(&fs_types_lock);
	t = fs_type_find_locked(name);
	spin_unlock(&fs_types_lock);
	return t;
}

/*
 * Call fn for each type in registration order. Locks: the registry lock is
 * not held across fn (types are never removed, so the walk stays valid).
 */
void fs_type_for_each(void (*fn)(struct fs_type *type, void *arg), void *arg)
{
	spin_lock(&fs_types_lock);
	struct list_node *node = fs_types.next;

	spin_unlock(&fs_types_lock);
	while (node != &fs_types) {
		fn(list_entry(node, struct fs_type, link), arg);
		spin_lock(&fs_types_lock);
		node = node->next;
		spin_unlock(&fs_types_lock);
	}
}
