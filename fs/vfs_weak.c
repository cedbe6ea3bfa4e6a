// SPDX-License-Identifier: MIT
/*
 * TEMPORARY (fs-core branch only): weak stand-ins for what the other parts
 * of issue 10 define (tmpfs, devices, procfs, initramfs, iov_iter), so the
 * VFS core links and boots before they are merged. Every definition here
 * is __weak: the real one wins as soon as its branch is merged, and this
 * file is deleted then. None of them pretends to work: the registrations
 * do nothing and device opens say -ENXIO.
 *
 * Locks: none.
 */
#include <xdv/errno.h>
#include <xdv/string.h>
#include "vfs_internal.h"

__weak void tmpfs_init(void)
{
}

__weak void devices_init(void)
{
}

__weak void procfs_init(void)
{
}

__weak void initramfs_unpack_all(void)
{
}

__weak int chrdev_open(struct inode *inode, struct file *file)
{
	return -ENXIO;
}

__weak int blkdev_open(struct inode *inode, struct file *file)
{
	return -ENXIO;
}

__weak void iov_iter_kvec(struct iov_iter *it, const struct kvec *vec, unsigned nr_segs)
{
	it->kind = ITER_KVEC;
	it->vec = vec;
	it->nr_segs = nr_segs;
	it->seg_offset = 0;
	it->count = 0;
	for (unsigned i = 0; i < nr_segs; i++)
		it->count += vec[i].len;
}
