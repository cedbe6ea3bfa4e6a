// SPDX-License-Identifier: MIT
/*
 * The device registry: which driver serves which device number. A
 * character driver registers a major and a run of minors with its
 * file_ops (chrdev_register), a block driver a whole major
 * (blkdev_register_major). Opening a device node then comes here through
 * init_special_inode's ops (fs/special_inode.c): chrdev_open/blkdev_open
 * find the driver by the inode's rdev, make its file_ops the file's, and
 * run its open. /proc/devices lists the registry (devices_for_each).
 *
 * devices_init() is the boot entry of the whole devices part: it registers
 * the "devtmpfs" file system type and the basic devices (mem_devices.c,
 * console_device.c, kmsg.c), which make their /dev nodes.
 *
 * Regions are never unregistered (no driver unloads yet), so a region
 * found under the lock stays valid after it is dropped.
 *
 * Locks: devices_lock (a spinlock) guards both lists, which are kept sorted
 * by major and first minor; it is a leaf: nothing else is taken under it,
 * and devices_for_each calls fn under it.
 */
#include <xdv/errno.h>
#include <xdv/mm.h>
#include <xdv/printk.h>
#include <xdv/string.h>

#include "internal.h"

#define DEV_MAJOR_MAX 4095 /* 12 bits, as Linux's */
#define DEV_MINOR_MAX ((1u << MINORBITS) - 1)

struct dev_region {
	unsigned major;
	unsigned first_minor;
	unsigned count;
	const char *name;
	const struct file_ops *fops;
	struct list_node link;
};

static struct spinlock devices_lock = SPINLOCK_INIT("devices_lock");
static struct list_node chrdevs = LIST_INIT(chrdevs);
static struct list_node blkdevs = LIST_INIT(blkdevs);

/* Does [first, first + count) of major overlap region r? */
static bool dev_region_overlaps(const struct dev_region *r, unsigned major, unsigned first,
				unsigned count)
{
	return r->major == major && first < r->first_minor + r->count &&
	       r->first_minor < first + count;
}

/*
 * Add a region to list in (major, first_minor) order unless it overlaps
 * one there. Return: 0, -EBUSY, -ENOMEM, -EINVAL.
 */
static int dev_region_add(struct list_node *list, unsigned major, unsigned first,
			  unsigned count, const char *name, const struct file_ops *fops)
{
	struct dev_region *r, *new;
	struct list_node *before = list;

	if (major == 0 || major > DEV_MAJOR_MAX || count == 0 || first > DEV_MINOR_MAX ||
	    count > DEV_MINOR_MAX + 1 - first || !name || !fops)
		return -EINVAL;
	new = kzalloc(sizeof(*new), GFP_KERNEL);
	if (!new)
		return -ENOMEM;
	new->major = major;
	new->first_minor = first;
	new->count = count;
	new->name = name;
	new->fops = fops;

	spin_lock(&devices_lock);
	list_for_each(pos, list) {
		r = list_entry(pos, struct dev_region, link);
		if (dev_region_overlaps(r, major, first, count)) {
			spin_unlock(&devices_lock);
			kfree(new);
			return -EBUSY;
		}
		if (before == list && (r->major > major ||
				       (r->major == major && r->first_minor > first)))
			before = pos;
	}
	list_insert_between(&new->link, before->prev, before);
	spin_unlock(&devices_lock);
	return 0;
}

/*
 * Serve char devices major:[first_minor, first_minor + count) with fops;
 * name is the driver's, shown by /proc/devices.
 * Context: may sleep (allocates). Locks: takes devices_lock.
 * Return: 0, -EBUSY (a minor is taken), -EINVAL (major 0 or out of range,
 * no minors), -ENOMEM.
 */
int chrdev_register(unsigned major, unsigned first_minor, unsigned count, const char *name,
		    const struct file_ops *fops)
{
	return dev_region_add(&chrdevs, major, first_minor, count, name, fops);
}

/*
 * Serve every block device of major with fops.
 * Context: may sleep. Locks: takes devices_lock.
 * Return: 0, -EBUSY (major taken), -EINVAL, -ENOMEM.
 */
int blkdev_register_major(unsigned major, const char *name, const struct file_ops *fops)
{
	return dev_region_add(&blkdevs, major, 0, DEV_MINOR_MAX + 1, name, fops);
}

/* The fops serving dev in list, or NULL. Locks: takes devices_lock. */
static const struct file_ops *dev_find(struct list_node *list, dev_t dev)
{
	const struct file_ops *fops = NULL;

	spin_lock(&devices_lock);
	list_for_each(pos, list) {
		struct dev_region *r = list_entry(pos, struct dev_region, link);

		if (dev_region_overlaps(r, MAJOR(dev), MINOR(dev), 1)) {
			fops = r->fops;
			break;
		}
	}
	spin_unlock(&devices_lock);
	return fops;
}

/* Hand the file to the driver's ops and run its open. */
static int dev_open(struct list_node *list, struct inode *inode, struct file *file)
{
	const struct file_ops *fops = dev_find(list, inode->rdev);

	if (!fops)
		return -ENXIO;
	file->ops = fops;
	return fops->open ? fops->open(inode, file) : 0;
}

/*
 * open() of a character device node: the driver registered for
 * inode->rdev takes the file over. Context: may sleep (the driver's open).
 * Return: 0, -ENXIO (no driver for the number), or the driver's error.
 */
int chrdev_open(struct inode *inode, struct file *file)
{
	return dev_open(&chrdevs, inode, file);
}

/* open() of a block device node, as chrdev_open. Return: 0, -ENXIO, ... */
int blkdev_open(struct inode *inode, struct file *file)
{
	return dev_open(&blkdevs, inode, file);
}

/*
 * Call fn(major, name) for each registered driver, by major, once per
 * (major, name) pair (Linux's /proc/devices). fn runs under devices_lock:
 * it must not sleep or register. Context: any.
 */
void devices_for_each(bool block, void (*fn)(unsigned major, const char *name, void *arg),
		      void *arg)
{
	struct list_node *list = block ? &blkdevs : &chrdevs;
	const struct dev_region *prev = NULL;

	spin_lock(&devices_lock);
	list_for_each(pos, list) {
		struct dev_region *r = list_entry(pos, struct dev_region, link);

		if (prev && prev->major == r->major && !strcmp(prev->name, r->name))
			continue;
		fn(r->major, r->name, arg);
		prev = r;
	}
	spin_unlock(&devices_lock);
}

/*
 * Register "devtmpfs" and the basic devices with their /dev nodes.
 * Context: boot (vfs_init), once, after tmpfs_init.
 */
void devices_init(void)
{
	devtmpfs_init();
	mem_devices_init();
	console_device_init();
	kmsg_device_init();
}
