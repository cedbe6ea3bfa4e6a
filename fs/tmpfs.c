// SPDX-License-Identifier: MIT
/*
 * tmpfs: the in-memory file system of "/" and of every `mount -t tmpfs`,
 * and the store under devtmpfs. This file is its super block: the mount
 * options (size=, nr_inodes=, mode=, uid=, gid=, with Linux's k/m/g and %
 * suffixes), the space and inode limits, statfs, /proc/mounts options,
 * remount and the inodes' life cycle. Directories are fs/tmpfs_dir.c,
 * file data and symlinks fs/tmpfs_file.c.
 *
 * Space: every data page a file holds is charged to its super block
 * through page_cache_ops->charge (tmpfs_charge_blocks); a page past
 * size= is refused with -ENOSPC, so statfs's figures are exact and
 * freeing (unlink, truncate, hole punching) gives the space back. Inodes
 * (and extra hard links, as Linux) are counted against nr_inodes. The
 * defaults are Linux's: half of RAM, and as many inodes as half the pages.
 *
 * Locks: tmpfs_sb_info.lock, a spinlock that is a leaf, guards the counts
 * (see fs/tmpfs.h for tmpfs's whole order). Options set at mount are
 * read-only after; remount changes the limits under the same lock.
 */
#include <xdv/errno.h>
#include <xdv/mm.h>
#include <xdv/panic.h>
#include <xdv/printk.h>
#include <xdv/string.h>

#include "internal.h"
#include "tmpfs.h"

static struct kmem_cache *tmpfs_inode_cache;

/* ---- options ------------------------------------------------------------- */

/*
 * Linux's defaults: size= half of RAM, nr_inodes= as many as half its
 * pages. Context: any. Return: pages / inodes.
 */
uint64_t tmpfs_default_blocks(void)
{
	struct pmm_stats st;

	pmm_get_stats(&st);
	return st.total_pages / 2;
}

uint64_t tmpfs_default_inodes(void)
{
	return tmpfs_default_blocks();
}

static int digit_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return 99;
}

/*
 * A number in base (0: "0x" hex, "0" octal, else decimal, as strtoull),
 * from s up to end. Return: 0 and *out with *rest after the digits,
 * -EINVAL for no digits or overflow.
 */
static int parse_number(const char *s, const char *end, unsigned base, uint64_t *out,
			const char **rest)
{
	uint64_t v = 0;
	const char *p = s;

	if (base == 0) {
		base = 10;
		if (end - p >= 2 && p[0] == '0' && (p[1] == 'x' || p[1] == 'X') &&
		    end - p > 2 && digit_value(p[2]) < 16) {
			base = 16;
			p += 2;
		} else if (end - p >= 1 && p[0] == '0') {
			base = 8;
		}
	}
	const char *digits = p;

	for (; p < end && digit_value(*p) < (int)base; p++) {
		unsigned d = (unsigned)digit_value(*p);

		if (v > (UINT64_MAX - d) / base)
			return -EINVAL;
		v = v * base + d;
	}
	if (p == digits)
		return -EINVAL;
	*out = v;
	*rest = p;
	return 0;
}

/* Linux's memparse: a number with an optional k/m/g/t/p/e suffix. */
static int parse_size(const char *s, const char *end, uint64_t *out, const char **rest)
{
	uint64_t v;
	unsigned shift = 0;
	int err = parse_number(s, end, 0, &v, rest);

	if (err)
		return err;
	if (*rest < end) {
		switch (**rest) {
		case 'e': case 'E': shift = 60; break;
		case 'p': case 'P': shift = 50; break;
		case 't': case 'T': shift = 40; break;
		case 'g': case 'G': shift = 30; break;
		case 'm': case 'M': shift = 20; break;
		case 'k': case 'K': shift = 10; break;
		default: break;
		}
	}
	if (shift) {
		if (v > (UINT64_MAX >> shift))
			return -EINVAL;
		v <<= shift;
		(*rest)++;
	}
	*out = v;
	return 0;
}

static bool key_is(const char *key, size_t len, const char *want)
{
	return strlen(want) == len && !memcmp(key, want, len);
}

static int parse_one(const char *key, size_t klen, const char *val, const char *end,
		     uint64_t total_pages, struct tmpfs_options *o)
{
	const char *rest;
	uint64_t v;
	int err;

	if (!val)
		return -EINVAL; /* every tmpfs option takes a value */
	if (key_is(key, klen, "size")) {
		err = parse_size(val, end, &v, &rest);
		if (err)
			return err;
		if (rest < end && *rest == '%') {
			/* a percentage of RAM, in bytes rounded down, then
			 * up to whole pages, as Linux computes it */
			uint64_t bytes;

			if (__builtin_mul_overflow(v, total_pages * PAGE_SIZE, &bytes))
				return -EINVAL;
			v = bytes / 100;
			rest++;
		}
		o->blocks = v / PAGE_SIZE + (v % PAGE_SIZE != 0);
		if (rest != end)
			return -EINVAL;
		o->seen |= TMPFS_SEEN_BLOCKS;
	} else if (key_is(key, klen, "nr_blocks")) {
		err = parse_size(val, end, &v, &rest);
		if (err || rest != end)
			return -EINVAL;
		o->blocks = v;
		o->seen |= TMPFS_SEEN_BLOCKS;
	} else if (key_is(key, klen, "nr_inodes")) {
		err = parse_size(val, end, &v, &rest);
		if (err || rest != end)
			return -EINVAL;
		o->inodes = v;
		o->seen |= TMPFS_SEEN_INODES;
	} else if (key_is(key, klen, "mode")) {
		err = parse_number(val, end, 8, &v, &rest);
		if (err || rest != end || v > 0xffffffffu)
			return -EINVAL;
		o->mode = (umode_t)v & 07777;
		o->seen |= TMPFS_SEEN_MODE;
	} else if (key_is(key, klen, "uid") || key_is(key, klen, "gid")) {
		err = parse_number(val, end, 10, &v, &rest);
		/* (uid_t)-1 is "no one" and cannot own files, as Linux */
		if (err || rest != end || v >= 0xffffffffu)
			return -EINVAL;
		if (key[0] == 'u') {
			o->uid = (uid_t)v;
			o->seen |= TMPFS_SEEN_UID;
		} else {
			o->gid = (gid_t)v;
			o->seen |= TMPFS_SEEN_GID;
		}
	} else {
		return -EINVAL;
	}
	return 0;
}

/**
 * tmpfs_parse_options - read a comma-separated tmpfs option string
 * @text: "size=64m,mode=755" (NULL or "" for none)
 * @total_pages: RAM in pages, for size=N%
 * @out: the values, defaulted to Linux's (half of RAM, mode 1777, root)
 *
 * Context: any (no allocation). Return: 0, or -EINVAL for an unknown
 * option, a missing or malformed value, or a number that overflows.
 */
int tmpfs_parse_options(const char *text, uint64_t total_pages, struct tmpfs_options *out)
{
	memset(out, 0, sizeof(*out));
	out->blocks = total_pages / 2;
	out->inodes = total_pages / 2;
	out->mode = 01777;
	if (!text)
		return 0;
	while (*text) {
		const char *end = strchr(text, ',');
		const char *eq;
		int err;

		if (!end)
			end = text + strlen(text);
		for (eq = text; eq < end && *eq != '='; eq++)
			;
		if (end > text) {
			err = parse_one(text, (size_t)(eq - text), eq < end ? eq + 1 : NULL, end,
					total_pages, out);
			if (err)
				return err;
		}
		text = *end ? end + 1 : end;
	}
	return 0;
}

/* ---- space and inode accounting ------------------------------------------- */

/*
 * Count pages (negative: give back) against sb's size limit.
 * Locks: takes sbi->lock (a leaf). Return: 0, or -ENOSPC past the limit.
 */
int tmpfs_charge_blocks(struct super_block *sb, long pages)
{
	struct tmpfs_sb_info *sbi = TMPFS_SB(sb);
	int err = 0;

	spin_lock(&sbi->lock);
	if (pages > 0 && sbi->max_blocks &&
	    sbi->used_blocks + (uint64_t)pages > sbi->max_blocks) {
		err = -ENOSPC;
	} else if (pages < 0 && (uint64_t)-pages > sbi->used_blocks) {
		pr_warn("tmpfs: more pages given back than charged\n");
		sbi->used_blocks = 0;
	} else {
		sbi->used_blocks += (uint64_t)pages;
	}
	spin_unlock(&sbi->lock);
	return err;
}

/* Give back pages charged with tmpfs_charge_blocks. Locks: takes sbi->lock. */
void tmpfs_uncharge_blocks(struct super_block *sb, uint64_t pages)
{
	int err = tmpfs_charge_blocks(sb, -(long)pages);

	(void)err; /* giving back cannot fail */
}

/*
 * Count one inode (or an extra hard link) against nr_inodes.
 * Locks: takes sbi->lock. Return: 0, or -ENOSPC at the limit.
 */
int tmpfs_reserve_inode(struct super_block *sb)
{
	struct tmpfs_sb_info *sbi = TMPFS_SB(sb);
	int err = 0;

	spin_lock(&sbi->lock);
	if (sbi->max_inodes && sbi->used_inodes >= sbi->max_inodes)
		err = -ENOSPC;
	else
		sbi->used_inodes++;
	spin_unlock(&sbi->lock);
	return err;
}

/* Give back what tmpfs_reserve_inode counted. Locks: takes sbi->lock. */
void tmpfs_release_inode(struct super_block *sb)
{
	struct tmpfs_sb_info *sbi = TMPFS_SB(sb);

	spin_lock(&sbi->lock);
	if (sbi->used_inodes)
		sbi->used_inodes--;
	spin_unlock(&sbi->lock);
}

/* ---- inodes ------------------------------------------------------------------ */

static struct inode *tmpfs_alloc_inode(struct super_block *sb __unused)
{
	struct tmpfs_inode *ti = kmem_cache_alloc(tmpfs_inode_cache, GFP_ZERO);

	return ti ? &ti->vfs : NULL;
}

static void tmpfs_free_inode(struct inode *inode)
{
	kmem_cache_free(tmpfs_inode_cache, TMPFS_I(inode));
}

static void tmpfs_evict_inode(struct inode *inode)
{
	struct tmpfs_inode *ti = TMPFS_I(inode);

	if (S_ISDIR(inode->mode))
		tmpfs_dir_destroy(&ti->dir);
	else
		tmpfs_file_evict(inode);
	if (ti->inode_reserved) {
		ti->inode_reserved = false;
		tmpfs_release_inode(inode->sb);
	}
}

/*
 * A new inode of sb (see fs/tmpfs.h): counted against nr_inodes, owned by
 * the caller, with the ops of its type. Context: may sleep.
 * Return: 0 and *out (one reference), -ENOSPC, -ENOMEM.
 */
int tmpfs_new_inode(struct super_block *sb, struct inode *dir, umode_t mode, dev_t rdev,
		    struct inode **out)
{
	const struct cred *cred = cred_current();
	struct inode *inode;
	int err;

	err = tmpfs_reserve_inode(sb);
	if (err)
		return err;
	inode = inode_new(sb, mode);
	if (!inode) {
		tmpfs_release_inode(sb);
		return -ENOMEM;
	}
	TMPFS_I(inode)->inode_reserved = true;
	inode->mode = mode;
	inode->uid = cred->fsuid;
	inode->gid = cred->fsgid;
	if (dir && (dir->mode & S_ISGID)) {
		/* BSD group semantics on a setgid directory, as Linux */
		inode->gid = dir->gid;
		if (S_ISDIR(mode))
			inode->mode |= S_ISGID;
	}
	inode->size = 0;
	inode->blocks = 0;

	switch (mode & S_IFMT) {
	case S_IFDIR:
		tmpfs_dir_init(&TMPFS_I(inode)->dir);
		inode->iops = &tmpfs_dir_iops;
		inode->fops = &tmpfs_dir_fops;
		inode_set_nlink(inode, 2);
		inode->size = 2 * TMPFS_BOGO_DIRENT_SIZE;
		break;
	case S_IFREG:
		inode->iops = &tmpfs_file_iops;
		inode->fops = &tmpfs_file_fops;
		page_cache_init(&inode->data, inode, &tmpfs_page_cache_ops);
		break;
	case S_IFLNK:
		inode->iops = &tmpfs_symlink_iops;
		inode->fops = NULL;
		break;
	default:
		inode->iops = &tmpfs_special_iops;
		init_special_inode(inode, mode, rdev);
		break;
	}
	inode->state &= ~INODE_NEW;
	*out = inode;
	return 0;
}

/* ---- the super block ----------------------------------------------------- */

static int tmpfs_statfs(struct super_block *sb, struct kstatfs *out)
{
	struct tmpfs_sb_info *sbi = TMPFS_SB(sb);

	memset(out, 0, sizeof(*out));
	out->type = TMPFS_MAGIC;
	out->bsize = PAGE_SIZE;
	out->namelen = NAME_MAX;
	spin_lock(&sbi->lock);
	if (sbi->max_blocks) {
		out->blocks = sbi->max_blocks;
		out->bfree = sbi->max_blocks - MIN(sbi->used_blocks, sbi->max_blocks);
		out->bavail = out->bfree;
	}
	if (sbi->max_inodes) {
		out->files = sbi->max_inodes;
		out->ffree = sbi->max_inodes - MIN(sbi->used_inodes, sbi->max_inodes);
	}
	spin_unlock(&sbi->lock);
	return 0;
}

/* As Linux's shmem_show_options: only what differs from the defaults. */
static void tmpfs_show_options(struct seq_buf *m, struct super_block *sb)
{
	struct tmpfs_sb_info *sbi = TMPFS_SB(sb);
	uint64_t blocks, inodes;

	spin_lock(&sbi->lock);
	blocks = sbi->max_blocks;
	inodes = sbi->max_inodes;
	spin_unlock(&sbi->lock);
	if (blocks != tmpfs_default_blocks())
		seq_printf(m, ",size=%lluk", (unsigned long long)(blocks * (PAGE_SIZE / 1024)));
	if (inodes != tmpfs_default_inodes())
		seq_printf(m, ",nr_inodes=%llu", (unsigned long long)inodes);
	if (sbi->mode != 01777)
		seq_printf(m, ",mode=%03o", (unsigned)sbi->mode);
	if (sbi->uid)
		seq_printf(m, ",uid=%u", (unsigned)sbi->uid);
	if (sbi->gid)
		seq_printf(m, ",gid=%u", (unsigned)sbi->gid);
}

/*
 * New limits on a mounted tmpfs, as Linux's shmem_reconfigure: size= and
 * nr_inodes= may change but not below what is in use, nor from unlimited
 * to limited; mode=, uid= and gid= have no effect on remount (chmod/chown
 * the root instead).
 */
static int tmpfs_remount(struct super_block *sb, unsigned long *flags, const char *options)
{
	struct tmpfs_sb_info *sbi = TMPFS_SB(sb);
	struct pmm_stats st;
	struct tmpfs_options o;
	int err;

	pmm_get_stats(&st);
	err = tmpfs_parse_options(options, st.total_pages, &o);
	if (err)
		return err;
	spin_lock(&sbi->lock);
	if ((o.seen & TMPFS_SEEN_BLOCKS) && o.blocks &&
	    (!sbi->max_blocks || sbi->used_blocks > o.blocks))
		err = -EINVAL;
	if ((o.seen & TMPFS_SEEN_INODES) && o.inodes &&
	    (!sbi->max_inodes || sbi->used_inodes > o.inodes))
		err = -EINVAL;
	if (!err) {
		if (o.seen & TMPFS_SEEN_BLOCKS)
			sbi->max_blocks = o.blocks;
		if (o.seen & TMPFS_SEEN_INODES)
			sbi->max_inodes = o.inodes;
	}
	spin_unlock(&sbi->lock);
	if (!err)
		sb->flags = (sb->flags & ~(unsigned long)SB_RDONLY) | (*flags & SB_RDONLY);
	return err;
}

static const struct super_ops tmpfs_super_ops = {
	.alloc_inode = tmpfs_alloc_inode,
	.free_inode = tmpfs_free_inode,
	.evict_inode = tmpfs_evict_inode,
	.statfs = tmpfs_statfs,
	.remount = tmpfs_remount,
	.show_options = tmpfs_show_options,
};

/**
 * tmpfs_make_sb - a new tmpfs super block
 * @type: the fs_type it is mounted as ("tmpfs", or "devtmpfs")
 * @flags: MS_* mount flags (MS_RDONLY is kept in sb->flags)
 * @options: "size=...,nr_inodes=...,mode=...,uid=...,gid=..." or NULL
 * @out: the super block, with its root dentry
 *
 * Context: may sleep. Return: 0 and *out, -EINVAL (bad options), -ENOMEM.
 */
int tmpfs_make_sb(struct fs_type *type, unsigned long flags, const char *options,
		  struct super_block **out)
{
	struct tmpfs_options o;
	struct pmm_stats st;
	struct tmpfs_sb_info *sbi;
	struct super_block *sb;
	struct inode *root;
	struct dentry *dentry;
	int err;

	pmm_get_stats(&st);
	err = tmpfs_parse_options(options, st.total_pages, &o);
	if (err)
		return err;
	sbi = kzalloc(sizeof(*sbi), GFP_KERNEL);
	if (!sbi)
		return -ENOMEM;
	spin_lock_init(&sbi->lock, "tmpfs_sb_info.lock");
	sbi->max_blocks = o.blocks;
	sbi->max_inodes = o.inodes;
	sbi->mode = o.mode;
	sbi->uid = o.uid;
	sbi->gid = o.gid;

	sb = vfs_sb_alloc(type, &tmpfs_super_ops);
	if (!sb) {
		err = -ENOMEM;
		goto out_sbi;
	}
	sb->fs_info = sbi;
	sb->magic = TMPFS_MAGIC;
	sb->block_size = PAGE_SIZE;
	sb->flags = flags & SB_RDONLY;

	err = tmpfs_new_inode(sb, NULL, S_IFDIR | o.mode, 0, &root);
	if (err)
		goto out_sb;
	root->uid = o.uid;
	root->gid = o.gid;
	dentry = d_make_root(root);
	if (!dentry) {
		err = -ENOMEM;
		goto out_sb;
	}
	sb->root = dentry;
	*out = sb;
	return 0;

out_sb:
	vfs_sb_kill(sb);
out_sbi:
	kfree(sbi);
	return err;
}

static int tmpfs_mount(struct fs_type *type, const char *source __unused, unsigned long flags,
		       const char *options, struct super_block **out)
{
	return tmpfs_make_sb(type, flags, options, out);
}

/**
 * tmpfs_kill_sb - free a tmpfs super block (fs_type->kill_sb)
 * @sb: made by tmpfs_make_sb, with no mounts left
 *
 * Every inode is evicted (pages and entries freed, space given back),
 * then the counts go. Context: may sleep.
 */
void tmpfs_kill_sb(struct super_block *sb)
{
	struct tmpfs_sb_info *sbi = TMPFS_SB(sb);

	vfs_sb_kill(sb);
	kfree(sbi);
}

static struct fs_type tmpfs_fs_type = {
	.name = "tmpfs",
	.flags = FS_NO_SOURCE,
	.mount = tmpfs_mount,
	.kill_sb = tmpfs_kill_sb,
};

/**
 * tmpfs_init - register the "tmpfs" file system type
 *
 * Context: boot (vfs_init), once, before the root is mounted.
 */
void tmpfs_init(void)
{
	tmpfs_inode_cache = kmem_cache_create("tmpfs_inode", sizeof(struct tmpfs_inode), 0);
	if (!tmpfs_inode_cache)
		panic("tmpfs: no memory for the inode cache");
	if (fs_type_register(&tmpfs_fs_type))
		pr_err("tmpfs: the name \"tmpfs\" is taken\n");
}
