// SPDX-License-Identifier: MIT
/*
 * Special inodes: device nodes, FIFOs and sockets found in a file system.
 * init_special_inode gives such an inode file operations whose open
 * reaches the right place: the device registry (fs/devices.c) for
 * character and block devices, by the inode's device number.
 *
 * FIFOs and sockets: pipes and sockets arrive with the user-ABI and
 * network issues, so opening a FIFO or a socket node is refused with
 * -ENXIO for now (Linux's answer for a socket node, and for a FIFO
 * opened for writing with O_NONBLOCK when no reader can come). The nodes
 * themselves can be made, listed, stat'ed, renamed and removed.
 *
 * Locks: none (the open callbacks take the registry's).
 */
#include <xdv/errno.h>
#include "vfs_internal.h"

static int chr_open(struct inode *inode, struct file *file)
{
	return chrdev_open(inode, file);
}

static int blk_open(struct inode *inode, struct file *file)
{
	return blkdev_open(inode, file);
}

static int no_open(struct inode *inode, struct file *file)
{
	return -ENXIO;
}

static const struct file_ops chr_fops = { .open = chr_open };
static const struct file_ops blk_fops = { .open = blk_open };
static const struct file_ops fifo_fops = { .open = no_open };
static const struct file_ops sock_fops = { .open = no_open };

void init_special_inode(struct inode *inode, umode_t mode, dev_t rdev)
{
	inode->mode = mode;
	switch (mode & S_IFMT) {
	case S_IFCHR:
		inode->fops = &chr_fops;
		inode->rdev = rdev;
		break;
	case S_IFBLK:
		inode->fops = &blk_fops;
		inode->rdev = rdev;
		break;
	case S_IFIFO:
		inode->fops = &fifo_fops;
		break;
	case S_IFSOCK:
		inode->fops = &sock_fops;
		break;
	default:
		break; /* not special: the file system's own ops stay */
	}
}
