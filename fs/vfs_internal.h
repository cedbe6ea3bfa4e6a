/* SPDX-License-Identifier: MIT */
/*
 * The VFS core's own declarations: how dcache.c, namei.c, mount.c, open.c,
 * namespace.c and the rest of the core reach each other. Only the core's
 * files include it; the other parts of fs/ use fs/internal.h and vfs.h.
 */
#pragma once

#include "internal.h"

/* ---- dcache.c ------------------------------------------------------------- */
/* Move dentry to new_parent under name (rename). The dentry that held the
 * new name (target, may be NULL) is unhashed. Return: 0 or -ENOMEM. */
int __must_check d_move(struct dentry *dentry, struct dentry *new_parent, const char *name,
			size_t len, struct dentry *target);
/* The parent of dentry with a reference (the dentry itself for a root). */
struct dentry *d_get_parent(struct dentry *dentry);
/* Free every unused dentry of sb (before the sb goes). */
void dcache_prune_sb(struct super_block *sb);
/* d_lookup without the hit/miss count (the second look under the dir lock). */
struct dentry *__d_lookup(struct dentry *parent, const char *name, size_t len);
/* Copy dentry's name (NUL-terminated, cut at size - 1). Return: its length. */
size_t d_name_copy(struct dentry *dentry, char *buf, size_t size);
/* True when dentry is hashed (not deleted). */
bool d_is_hashed(const struct dentry *dentry);

/* ---- mount.c -------------------------------------------------------------- */
struct mount *mnt_get(struct mount *mnt);
void mnt_put(struct mount *mnt);
/* The mount on top of (mnt, dentry) with a reference, or NULL. */
struct mount *mnt_lookup_child(struct mount *mnt, struct dentry *dentry);
/* From a mount's root to the mount point below it (references moved).
 * Return: false at the root of the name space or of a detached tree. */
bool path_to_mountpoint(struct path *path);
/* Step into whatever is mounted on path (stacked mounts to the top). */
void path_follow_mounts(struct path *path);
/* True when writes through mnt are refused (mount or super block read-only). */
bool mnt_is_readonly(const struct mount *mnt);
/* The root mount ("/" of the kernel), with a reference; NULL before vfs_init. */
struct mount *mnt_root_get(void);
/* Attach sb as the root of the name space (vfs_init). Return: 0 or -ENOMEM. */
int __must_check mount_root(struct super_block *sb, const char *source, unsigned long flags,
			    struct path *out);

/* ---- namei.c -------------------------------------------------------------- */
enum last_type { LAST_NORM, LAST_ROOT, LAST_DOT, LAST_DOTDOT };

/* The parent of a name to create, remove or rename, and its last component. */
struct nameparent {
	struct path dir;           /* with references */
	const char *last;          /* points into name_buf */
	size_t last_len;
	enum last_type type;
	bool trailing_slash;
	char *name_buf;            /* kmalloc'ed PATH_MAX copy of the name */
	unsigned links;            /* symlinks followed so far (SYMLOOP_MAX) */
};

/* Resolve name (relative to base, or the root if absolute) into *out.
 * Return: 0 or -errno as vfs_lookup_at. */
int __must_check path_lookup_from(const struct path *base, const char *name, unsigned flags,
				  struct path *out);
/* Resolve all but the last component of name. Return: 0 (release with
 * nameparent_put) or -errno. */
int __must_check path_parent_at(int dirfd, const char *name, struct nameparent *np);
int __must_check path_parent_from(const struct path *base, const char *name,
				  struct nameparent *np);
void nameparent_put(struct nameparent *np);
/* The child name of dir, looked up (cached or through the fs), maybe
 * negative. Locks: dir's inode->lock held. Return: 0 and *out (a dentry
 * reference) or -errno. */
int __must_check lookup_one_locked(struct dentry *dir, const char *name, size_t len,
				   struct dentry **out);
/* The starting point for dirfd: the cwd, or the directory of the fd.
 * Return: 0 and *out with references, or -EBADF / -ENOTDIR. */
int __must_check path_from_dirfd(int dirfd, bool empty_ok, struct path *out);
/* The root directory of the calling process, with references. */
void current_root(struct path *out);
/* Follow one symlink's body: a kmalloc'ed NUL-terminated copy in *out. */
int __must_check symlink_read(struct inode *inode, char **out);

/* ---- permission.c --------------------------------------------------------- */
bool cred_is_root(const struct cred *cred);
bool cred_owns(const struct cred *cred, const struct inode *inode);
/* The sticky-bit rule: may cred remove victim from dir? (0 / -EPERM) */
int __must_check may_delete_sticky(const struct cred *cred, struct inode *dir,
				   struct inode *victim);

/* ---- open.c --------------------------------------------------------------- */
/* A new inode's owner: the caller, and the group of a setgid dir. */
void inode_init_owner(struct inode *inode, struct inode *dir);

/* ---- fs_context.c -------------------------------------------------------- */
struct fs_context *fs_context_create(const struct path *root, const struct path *cwd);
/* which: 0 sets the root, 1 the working directory (reference taken). */
void fs_context_set(struct fs_context *fs, int which, const struct path *path);
umode_t current_umask(void);

/* ---- file.c --------------------------------------------------------------- */
/* A new file for path (references taken) with O_* flags and FMODE_* mode. */
struct file *file_alloc(const struct path *path, unsigned flags, unsigned mode);
/* Update atime after a read per the mount's NOATIME/RELATIME (file.c). */
void file_accessed(struct file *file);

/* ---- attr.c --------------------------------------------------------------- */
/* Apply attr to the dentry's inode with ctime now. Locks: takes inode->lock. */
int __must_check notify_change(struct dentry *dentry, struct iattr *attr);

/* ---- namespace.c ---------------------------------------------------------- */
/* True when dir (a directory inode) has entries besides "." and "..". */
int dir_is_empty(struct path *path);
