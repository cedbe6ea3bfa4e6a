// SPDX-License-Identifier: MIT
/*
 * Inodes and super blocks: their life cycle and attribute helpers.
 *
 * An inode lives on its super block's list from inode_new() until it is
 * evicted. The last inode_put() of an inode whose link count is 0 (an
 * unlinked file, maybe kept alive by open files until then) evicts it:
 * the file system's evict_inode releases the data, free_inode the memory.
 * An inode still linked stays in memory with no references (tmpfs's files
 * live only there; a disk file system will add reclaim later) until
 * vfs_sb_kill() evicts every inode of its super block.
 *
 * Locks: sb->inode_lock guards sb->inodes and next_ino; inode->attr_lock
 * guards the attribute fields against torn reads (writers hold it too);
 * the count is atomic.
 */
#include <xdv/errno.h>
#include <xdv/mm.h>
#include <xdv/string.h>
#include "vfs_internal.h"

static uint32_t next_anon_minor = 1; /* atomic: anonymous devices 0:1, 0:2, ... */

uint64_t dev_encode_user(dev_t dev)
{
	uint64_t ma = MAJOR(dev), mi = MINOR(dev);

	/* glibc's makedev(): minor low byte, major 12 bits, minor rest, major rest. */
	return ((ma & 0xfffff000ull) << 32) | ((ma & 0xfffull) << 8) |
	       ((mi & 0xffffff00ull) << 12) | (mi & 0xffull);
}

/*
 * A new super block of type with ops, an anonymous device (major 0) and
 * the defaults (4 KiB blocks). Return: NULL on -ENOMEM.
 */
struct super_block *vfs_sb_alloc(struct fs_type *type, const struct super_ops *ops)
{
	struct super_block *sb = kzalloc(sizeof(*sb), 0);

	if (!sb)
		return NULL;
	sb->type = type;
	sb->ops = ops;
	sb->dev = MKDEV(0, __atomic_fetch_add(&next_anon_minor, 1, __ATOMIC_RELAXED));
	sb->block_size = PAGE_SIZE;
	spin_lock_init(&sb->inode_lock, "sb_inodes");
	list_init(&sb->inodes);
	sb->next_ino = 1;
	mutex_init(&sb->rename_lock, "sb_rename");
	return sb;
}

static void inode_free(struct inode *inode)
{
	if (inode->sb->ops && inode->sb->ops->free_inode)
		inode->sb->ops->free_inode(inode);
	else
		kfree(inode);
}

static void inode_evict(struct inode *inode)
{
	struct super_block *sb = inode->sb;

	spin_lock(&sb->inode_lock);
	list_remove(&inode->sb_link);
	spin_unlock(&sb->inode_lock);
	if (sb->ops && sb->ops->evict_inode)
		sb->ops->evict_inode(inode);
	inode_free(inode);
}

/*
 * Evict every inode of sb and free sb. The file system's kill_sb calls it
 * after its own teardown. Context: may sleep; no file of sb may be open.
 */
void vfs_sb_kill(struct super_block *sb)
{
	dcache_prune_sb(sb);
	if (sb->root) {
		struct dentry *root = sb->root;

		sb->root = NULL;
		d_put(root);
	}
	for (;;) {
		struct inode *inode = NULL;

		spin_lock(&sb->inode_lock);
		if (!list_is_empty(&sb->inodes))
			inode = list_first_entry(&sb->inodes, struct inode, sb_link);
		spin_unlock(&sb->inode_lock);
		if (!inode)
			break;
		inode_evict(inode);
	}
	kfree(sb);
}

struct inode *inode_new(struct super_block *sb, umode_t mode)
{
	struct inode *inode;

	if (sb->ops && sb->ops->alloc_inode)
		inode = sb->ops->alloc_inode(sb);
	else
		inode = kzalloc(sizeof(*inode), 0);
	if (!inode)
		return NULL;
	inode->sb = sb;
	inode->mode = mode;
	inode->nlink = 1;
	inode->refs = 1;
	inode->atime = inode->mtime = inode->ctime = inode->btime = current_time();
	mutex_init(&inode->lock, "inode");
	spin_lock_init(&inode->attr_lock, "inode_attr");
	spin_lock(&sb->inode_lock);
	if (!inode->ino)
		inode->ino = sb->next_ino++;
	list_add_tail(&sb->inodes, &inode->sb_link);
	spin_unlock(&sb->inode_lock);
	return inode;
}

void inode_get(struct inode *inode)
{
	__atomic_fetch_add(&inode->refs, 1, __ATOMIC_RELAXED);
}

void inode_put(struct inode *inode)
{
	if (!inode || __atomic_sub_fetch(&inode->refs, 1, __ATOMIC_ACQ_REL))
		return;
	if (READ_ONCE(inode->nlink) == 0)
		inode_evict(inode);
}

void inode_touch(struct inode *inode, bool data_changed)
{
	struct timespec64 now = current_time();

	spin_lock(&inode->attr_lock);
	inode->ctime = now;
	if (data_changed)
		inode->mtime = now;
	spin_unlock(&inode->attr_lock);
}

void inode_set_nlink(struct inode *inode, uint32_t nlink)
{
	spin_lock(&inode->attr_lock);
	inode->nlink = nlink;
	spin_unlock(&inode->attr_lock);
}

void inode_inc_nlink(struct inode *inode)
{
	spin_lock(&inode->attr_lock);
	inode->nlink++;
	spin_unlock(&inode->attr_lock);
}

void inode_drop_nlink(struct inode *inode)
{
	spin_lock(&inode->attr_lock);
	if (inode->nlink)
		inode->nlink--;
	spin_unlock(&inode->attr_lock);
}

void inode_fill_kstat(struct inode *inode, struct kstat *stat)
{
	memset(stat, 0, sizeof(*stat));
	spin_lock(&inode->attr_lock);
	stat->ino = inode->ino;
	stat->dev = inode->sb->dev;
	stat->rdev = inode->rdev;
	stat->mode = inode->mode;
	stat->nlink = inode->nlink;
	stat->uid = inode->uid;
	stat->gid = inode->gid;
	stat->size = inode->size;
	stat->blocks = inode->blocks;
	stat->atime = inode->atime;
	stat->mtime = inode->mtime;
	stat->ctime = inode->ctime;
	stat->btime = inode->btime;
	spin_unlock(&inode->attr_lock);
	stat->blksize = inode->sb->block_size ? inode->sb->block_size : PAGE_SIZE;
	stat->mask = STATX_BASIC_STATS | STATX_BTIME;
	if (inode->iops && inode->iops->getattr)
		(void)inode->iops->getattr(inode, stat);
}
