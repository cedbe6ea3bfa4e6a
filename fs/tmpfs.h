/* SPDX-License-Identifier: MIT */
/*
 * tmpfs private declarations, shared by fs/tmpfs.c (super block, options,
 * space accounting), fs/tmpfs_dir.c (directories, names) and
 * fs/tmpfs_file.c (regular files, symlinks). Nothing outside these files
 * includes it.
 *
 * Locks (tmpfs's place in the VFS order of vfs.h): dir inode->lock ->
 * tmpfs_dir.lock (mutex; the entries of one directory) -> file inode->lock
 * -> page_cache->lock -> tmpfs_sb_info.lock (spinlock, a leaf: the space
 * and inode counts). inode->attr_lock is never held with sbi->lock.
 */
#pragma once

#include <xdv/vfs.h>

/* Linux tmpfs counts each directory entry as 20 bytes of st_size, and an
 * empty directory as two entries ("." and ".."). */
#define TMPFS_BOGO_DIRENT_SIZE 20
/* Symlink targets of this length or more take a page of space, as Linux's
 * (shorter ones live with the inode and cost nothing). */
#define TMPFS_SHORT_SYMLINK_LEN 128
#define TMPFS_MAX_FILE_SIZE INT64_MAX

/* What the mount options say (tmpfs_parse_options). */
struct tmpfs_options {
	uint64_t blocks;     /* pages; 0: unlimited */
	uint64_t inodes;     /* 0: unlimited */
	umode_t mode;        /* of the root directory */
	uid_t uid;
	gid_t gid;
	unsigned seen;       /* TMPFS_SEEN_*: which were given */
};

#define TMPFS_SEEN_BLOCKS (1u << 0)
#define TMPFS_SEEN_INODES (1u << 1)
#define TMPFS_SEEN_MODE   (1u << 2)
#define TMPFS_SEEN_UID    (1u << 3)
#define TMPFS_SEEN_GID    (1u << 4)

struct tmpfs_sb_info {
	struct spinlock lock;  /* guards the four counts below */
	uint64_t max_blocks;   /* pages; 0: unlimited */
	uint64_t used_blocks;
	uint64_t max_inodes;   /* 0: unlimited */
	uint64_t used_inodes;  /* inodes and extra hard links, as Linux */
	/* Set at mount, read-only after: the root's mode and owner. */
	umode_t mode;
	uid_t uid;
	gid_t gid;
};

/* One name in a directory. */
struct tmpfs_dirent {
	struct list_node hash_link;  /* tmpfs_dir.buckets[hash & mask] */
	struct list_node order_link; /* tmpfs_dir.entries, by cookie */
	uint64_t cookie;             /* getdents position, increasing */
	struct inode *inode;         /* holds a reference */
	uint32_t hash;
	uint32_t name_len;
	char name[];                 /* NUL-terminated */
};

/* A directory's entries: hashed for lookup, listed in creation order. */
struct tmpfs_dir {
	struct mutex lock;           /* guards all below; taken after inode->lock */
	struct list_node entries;
	struct list_node *buckets;
	unsigned nr_buckets;         /* a power of two */
	uint64_t nr_entries;
	uint64_t next_cookie;        /* 0 and 1 are "." and ".." */
	bool dead;                   /* removed: no new names (-ENOENT) */
};

struct tmpfs_inode {
	struct inode vfs;
	struct tmpfs_dir dir;        /* directories */
	char *symlink;               /* symlinks: the target, NUL-terminated */
	bool symlink_charged;        /* a long target holds one block */
	bool inode_reserved;         /* counted in sbi->used_inodes */
};

static inline struct tmpfs_inode *TMPFS_I(struct inode *inode)
{
	return container_of(inode, struct tmpfs_inode, vfs);
}

static inline struct tmpfs_sb_info *TMPFS_SB(struct super_block *sb)
{
	return sb->fs_info;
}

/* fs/tmpfs.c */
int __must_check tmpfs_parse_options(const char *text, uint64_t total_pages,
				     struct tmpfs_options *out);
uint64_t tmpfs_default_blocks(void);
uint64_t tmpfs_default_inodes(void);
int __must_check tmpfs_reserve_inode(struct super_block *sb);
void tmpfs_release_inode(struct super_block *sb);
int __must_check tmpfs_charge_blocks(struct super_block *sb, long pages);
void tmpfs_uncharge_blocks(struct super_block *sb, uint64_t pages);
/* A new inode of sb of type and mode (S_IF* | permissions) in dir (NULL:
 * the root), owned by the caller's fsuid/fsgid (setgid directories as
 * Unix), with the ops of its type. Return: 0 and *out, -ENOSPC, -ENOMEM. */
int __must_check tmpfs_new_inode(struct super_block *sb, struct inode *dir, umode_t mode,
				 dev_t rdev, struct inode **out);

/* fs/tmpfs_dir.c */
extern const struct inode_ops tmpfs_dir_iops;
extern const struct file_ops tmpfs_dir_fops;
void tmpfs_dir_init(struct tmpfs_dir *dir);
/* Free the entries left (only when the super block goes away: the inodes
 * they name are freed by vfs_sb_kill). */
void tmpfs_dir_destroy(struct tmpfs_dir *dir);

/* fs/tmpfs_file.c */
extern const struct inode_ops tmpfs_file_iops;
extern const struct file_ops tmpfs_file_fops;
extern const struct inode_ops tmpfs_symlink_iops;
extern const struct inode_ops tmpfs_special_iops;
extern const struct page_cache_ops tmpfs_page_cache_ops;
int tmpfs_setattr(struct dentry *dentry, const struct iattr *attr);
int tmpfs_getattr(struct inode *inode, struct kstat *stat);
/* Give a new symlink inode its target. Return: 0, -ENAMETOOLONG, -ENOSPC, -ENOMEM. */
int __must_check tmpfs_symlink_set_target(struct inode *inode, const char *target);
/* Release what a file's inode holds (pages, symlink target). */
void tmpfs_file_evict(struct inode *inode);
