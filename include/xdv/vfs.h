/* SPDX-License-Identifier: MIT */
/*
 * The virtual file system (fs/): the public face of every file system.
 *
 * The objects are Linux's, so that file systems written for one fit the
 * other's shape and the Linux ABI maps onto them one to one:
 *
 *   struct super_block  one mounted instance of a file system
 *   struct inode        a file (its data, its attributes), found by number
 *   struct dentry       a name in a directory, cached, pointing at an inode
 *                       (or at nothing: a negative entry, "no such name")
 *   struct mount        where a super block's tree is attached in the tree
 *   struct path         a (mount, dentry) pair: a place in the name space
 *   struct file         an open file description: offset, flags, ops
 *   struct fd_table     a process's descriptors, each naming a file
 *
 * A file system registers a struct fs_type; vfs_mount() asks it for a
 * super block, whose root dentry is attached at the mount point. Lookups
 * go through the dentry cache first and call inode_ops->lookup only on a
 * miss. File data lives in the page cache (struct page_cache, one per
 * inode), which read/write use now and mmap and disk file systems later.
 *
 * Kernel API: the vfs_* calls below take kernel strings and buffers and
 * return 0 / a byte count or a negative errno, with Linux's errors. The
 * syscalls of the user-process issue are thin wrappers around them; data
 * moves through struct iov_iter, which names kernel or (later) user memory.
 *
 * Locks (in this order): mount_lock (the mount table; mutex) ->
 * inode->lock of a directory (parent before child; two directories of a
 * rename, an ancestor first and otherwise in address order, after the
 * per-super-block rename mutex) ->
 * inode->lock of a file -> page_cache->lock (spinlock) -> dcache_lock
 * (spinlock, the hash and the children lists) -> inode->attr_lock.
 */
#pragma once

#include <xdv/list.h>
#include <xdv/seq_buf.h>
#include <xdv/sched.h>
#include <xdv/spinlock.h>
#include <xdv/types.h>
#include <xdv/uaccess.h>
#include <uapi/xdv/fs.h>

typedef uint32_t dev_t;   /* kernel dev_t: major << 20 | minor (Linux's) */
typedef uint32_t umode_t;
typedef uint32_t uid_t;
typedef uint32_t gid_t;
typedef int64_t loff_t;

#define MINORBITS 20
#define MKDEV(ma, mi) (((dev_t)(ma) << MINORBITS) | (dev_t)(mi))
#define MAJOR(dev) ((unsigned)((dev) >> MINORBITS))
#define MINOR(dev) ((unsigned)((dev) & ((1u << MINORBITS) - 1)))
/* The user ABI's 64-bit dev_t (glibc's encoding), for stat.st_dev/st_rdev. */
uint64_t dev_encode_user(dev_t dev);

#define SYMLOOP_MAX 40 /* symbolic links followed in one lookup, as Linux */
#define MAX_LINKS   65000

struct super_block;
struct inode;
struct dentry;
struct mount;
struct file;
struct page_cache;
struct fs_type;

/* A time stamp: seconds and nanoseconds since the Unix epoch. */
struct timespec64 {
	int64_t sec;
	long nsec;
};

/* The wall-clock time now, with nanoseconds (boot CMOS time + uptime). */
struct timespec64 current_time(void);

/* ---- credentials ---------------------------------------------------------- */

/*
 * Who is asking. Every process has one (the kernel's: uid 0); the
 * security issue adds capabilities and supplementary groups here.
 */
struct cred {
	uid_t uid, euid, fsuid;
	gid_t gid, egid, fsgid;
};

/* The credentials of the calling thread's process. */
const struct cred *cred_current(void);

/* ---- moving data: iov_iter ------------------------------------------------ */

struct kvec {
	void *base;
	size_t len;
};

/* A user buffer (Linux's struct iovec, with a user pointer). */
struct uvec {
	uptr_t base;
	size_t len;
};

enum iter_kind {
	ITER_KVEC, /* kernel memory */
	ITER_UVEC, /* user memory: moved with copy_{to,from}_user, short on a fault */
};

/* A cursor over a list of buffers: where read puts, and write takes, data. */
struct iov_iter {
	enum iter_kind kind;
	union {
		const struct kvec *vec;  /* ITER_KVEC: the current segment */
		const struct uvec *uvec; /* ITER_UVEC */
	};
	unsigned nr_segs;       /* segments left, the current one included */
	size_t seg_offset;      /* bytes of the current segment already used */
	size_t count;           /* bytes left in all segments */
};

void iov_iter_kvec(struct iov_iter *it, const struct kvec *vec, unsigned nr_segs);
/* Over user buffers; the caller has checked access_ok on each (or lets a
 * fault make the move short). */
void iov_iter_uvec(struct iov_iter *it, const struct uvec *vec, unsigned nr_segs);
/* Copy up to len bytes into / out of the iterator and advance it. Return:
 * the bytes copied (short only when the iterator runs out, or on a fault). */
size_t copy_to_iter(const void *src, size_t len, struct iov_iter *it);
size_t copy_from_iter(void *dst, size_t len, struct iov_iter *it);
size_t iov_iter_zero(size_t len, struct iov_iter *it);
/* Skip len bytes (a sink such as /dev/null). Return: the bytes skipped. */
size_t iov_iter_advance(struct iov_iter *it, size_t len);

/* ---- file-system types ---------------------------------------------------- */

#define FS_REQUIRES_DEV (1u << 0) /* mounts a block device (ext2, vfat) */
#define FS_NO_SOURCE    (1u << 1) /* "nodev" in /proc/filesystems */

struct fs_type {
	const char *name; /* "tmpfs", "devtmpfs", "proc", ... */
	unsigned flags;
	/*
	 * Make (or find) the super block for a mount of source with the
	 * MS_* flags and the comma-separated options ("size=64m,mode=755").
	 * Return: 0 and *out with its root dentry set, or -errno (-EINVAL
	 * for bad options).
	 */
	int (*mount)(struct fs_type *type, const char *source, unsigned long flags,
		     const char *options, struct super_block **out);
	/* The last mount of sb went away: free it (after vfs_sb_kill). */
	void (*kill_sb)(struct super_block *sb);
	struct list_node link; /* the registry, under its lock */
};

/* Add a file system type. Return: 0, or -EEXIST for a name taken. */
int __must_check fs_type_register(struct fs_type *type);
struct fs_type *fs_type_find(const char *name);
/* Call fn for each type, in registration order (for /proc/filesystems). */
void fs_type_for_each(void (*fn)(struct fs_type *type, void *arg), void *arg);

/* ---- super blocks --------------------------------------------------------- */

struct kstatfs {
	uint64_t type;   /* f_type magic */
	uint64_t bsize;
	uint64_t blocks, bfree, bavail;
	uint64_t files, ffree;
	uint64_t namelen;
};

/* Text built piece by piece (seq_buf): <xdv/seq_buf.h>, included above. */

struct super_ops {
	/* An inode for this file system (with its fs-private part around it). */
	struct inode *(*alloc_inode)(struct super_block *sb);
	void (*free_inode)(struct inode *inode);
	/* The last reference went and nlink is 0, or the sb goes away:
	 * release the file's data (page cache pages, disk blocks). */
	void (*evict_inode)(struct inode *inode);
	/* Write a dirty inode's attributes back (disk file systems). */
	int (*write_inode)(struct inode *inode, bool sync);
	int (*statfs)(struct super_block *sb, struct kstatfs *out);
	int (*sync_fs)(struct super_block *sb, bool wait);
	/* New MS_* flags and options for a remount. */
	int (*remount)(struct super_block *sb, unsigned long *flags, const char *options);
	/* The options /proc/mounts shows after "rw"/"ro" (",size=...,mode=..."). */
	void (*show_options)(struct seq_buf *m, struct super_block *sb);
};

#define SB_RDONLY MS_RDONLY

struct super_block {
	struct fs_type *type;
	const struct super_ops *ops;
	struct dentry *root;
	dev_t dev;               /* st_dev of its files (anonymous: major 0) */
	unsigned long flags;     /* SB_RDONLY, ... */
	uint32_t block_size;     /* st_blksize */
	uint64_t magic;          /* statfs f_type */
	void *fs_info;           /* the file system's own */
	int active;              /* mounts using it; atomic */
	struct spinlock inode_lock; /* guards inodes and next_ino */
	struct list_node inodes;    /* every live inode of this sb */
	uint64_t next_ino;
	struct mutex rename_lock;   /* serializes cross-directory renames */
};

/*
 * A new super block for type with ops, an anonymous device number
 * (major 0, as Linux's tmpfs/proc), no root yet. Return: NULL on -ENOMEM.
 */
struct super_block *vfs_sb_alloc(struct fs_type *type, const struct super_ops *ops);
/* Evict every inode of sb and free it (for kill_sb). */
void vfs_sb_kill(struct super_block *sb);

/* ---- inodes --------------------------------------------------------------- */

struct kstat {
	uint32_t mask; /* STATX_* that are filled in */
	uint64_t ino;
	dev_t dev, rdev;
	umode_t mode;
	uint32_t nlink;
	uid_t uid;
	gid_t gid;
	uint64_t size;
	uint64_t blocks; /* 512-byte units */
	uint32_t blksize;
	struct timespec64 atime, mtime, ctime, btime;
	uint64_t mnt_id;
};

/* What setattr changes: ATTR_* say which fields are valid. */
#define ATTR_MODE  (1u << 0)
#define ATTR_UID   (1u << 1)
#define ATTR_GID   (1u << 2)
#define ATTR_SIZE  (1u << 3)
#define ATTR_ATIME (1u << 4)
#define ATTR_MTIME (1u << 5)
#define ATTR_CTIME (1u << 6)

struct iattr {
	unsigned valid;
	umode_t mode;
	uid_t uid;
	gid_t gid;
	uint64_t size;
	struct timespec64 atime, mtime, ctime;
};

/*
 * Copy the attributes attr marks valid, except the size, into inode: what
 * a file system's setattr does after its own work (a truncate).
 * Locks: inode->lock held.
 */
void setattr_copy(struct inode *inode, const struct iattr *attr);

struct inode_ops {
	/* Directories. dentry is negative and hashed under dir; fill it with
	 * d_instantiate() if the name exists, leave it negative otherwise.
	 * Return: 0 either way, or -errno (-EIO). Locks: dir->lock held. */
	int (*lookup)(struct inode *dir, struct dentry *dentry);
	/* Make the name (a negative dentry) into a new object.
	 * Locks: dir->lock held. Return: 0 or -errno (-ENOSPC, -EMLINK). */
	int (*create)(struct inode *dir, struct dentry *dentry, umode_t mode);
	int (*mkdir)(struct inode *dir, struct dentry *dentry, umode_t mode);
	int (*mknod)(struct inode *dir, struct dentry *dentry, umode_t mode, dev_t rdev);
	int (*symlink)(struct inode *dir, struct dentry *dentry, const char *target);
	int (*link)(struct dentry *old, struct inode *dir, struct dentry *dentry);
	/* Remove the name; the VFS has checked emptiness for rmdir. */
	int (*unlink)(struct inode *dir, struct dentry *dentry);
	int (*rmdir)(struct inode *dir, struct dentry *dentry);
	/* Move old_dentry to new_dentry (maybe positive: replaced; the VFS has
	 * checked types, emptiness and loops). flags: RENAME_NOREPLACE is
	 * done by the VFS, RENAME_EXCHANGE by the fs if it can (-EINVAL). */
	int (*rename)(struct inode *old_dir, struct dentry *old_dentry,
		      struct inode *new_dir, struct dentry *new_dentry, unsigned flags);
	/* Symbolic links: copy the target (not NUL-terminated) into buf.
	 * Return: its length (at most len), or -errno. */
	int (*readlink)(struct inode *inode, char *buf, size_t len);
	/* Change attributes; ATTR_SIZE truncates or extends. The VFS has
	 * checked permission and fills ctime. Locks: inode->lock held. */
	int (*setattr)(struct dentry *dentry, const struct iattr *attr);
	/* Fill in what the inode struct does not hold (optional). */
	int (*getattr)(struct inode *inode, struct kstat *stat);
};

/* The page cache of one file: its data pages, indexed by page number. */
struct page_cache_node;
struct page_cache_ops;

struct page_cache {
	struct inode *host;
	const struct page_cache_ops *ops;
	struct spinlock lock;           /* guards the tree and the counts */
	struct page_cache_node *root;   /* radix tree, 64 slots per node */
	unsigned height;                /* levels in the tree (0: empty) */
	uint64_t nr_pages;
	uint64_t nr_dirty;
};

struct inode {
	uint64_t ino;
	umode_t mode;
	uid_t uid;
	gid_t gid;
	uint32_t nlink;
	dev_t rdev;              /* device nodes */
	uint64_t size;           /* bytes */
	uint64_t blocks;         /* 512-byte units allocated */
	struct timespec64 atime, mtime, ctime, btime;
	uint64_t generation;     /* bumped by each change to a directory */

	struct super_block *sb;
	const struct inode_ops *iops;
	const struct file_ops *fops;
	struct page_cache data;  /* regular files (and block devices later) */
	void *private;           /* the file system's own */

	/*
	 * lock: held across each change to the inode's contents: a
	 * directory's names, a file's size and data (i_rwsem in Linux).
	 * attr_lock guards the attribute fields above for readers.
	 */
	struct mutex lock;
	struct spinlock attr_lock;
	int refs;                /* atomic; the last iput may evict it */
	unsigned state;          /* INODE_* */
	struct list_node sb_link; /* sb->inodes, under sb->inode_lock */
};

#define INODE_NEW   (1u << 0) /* being set up */
#define INODE_DIRTY (1u << 1) /* attributes not yet written (disk fs) */

/* A fresh inode of sb (its alloc_inode, or plain), ino from sb->next_ino
 * unless the caller sets one; refs 1, nlink 1, times now. NULL: -ENOMEM. */
struct inode *inode_new(struct super_block *sb, umode_t mode);
void inode_get(struct inode *inode);
/* Drop a reference; the last one with nlink 0 evicts and frees it. */
void inode_put(struct inode *inode);
/* Mark the inode's times changed (now): ctime, and mtime too if data. */
void inode_touch(struct inode *inode, bool data_changed);
/* Set nlink (drop_nlink/inc_nlink are +-1). */
void inode_set_nlink(struct inode *inode, uint32_t nlink);
void inode_inc_nlink(struct inode *inode);
void inode_drop_nlink(struct inode *inode);
/* Fill a kstat from the inode's fields (and its getattr). */
void inode_fill_kstat(struct inode *inode, struct kstat *stat);
/*
 * Make inode a device node or FIFO: sets mode and rdev and the file ops
 * that open it through the device registry (chrdev_open, blkdev_open) or
 * as a FIFO. File systems call it for S_IFCHR/S_IFBLK/S_IFIFO/S_IFSOCK.
 */
void init_special_inode(struct inode *inode, umode_t mode, dev_t rdev);

/*
 * The one permission check: may cred access inode with the MAY_* bits?
 * uid/gid/mode rules of Unix (owner, group, other; uid 0 passes all but
 * execute on a file with no x bit). The security issue extends it here.
 * Return: 0 or -EACCES (-EROFS for writes to a read-only mount is the
 * caller's, who knows the mount).
 */
#define MAY_EXEC   1
#define MAY_WRITE  2
#define MAY_READ   4
#define MAY_APPEND 8
int __must_check inode_permission(const struct cred *cred, struct inode *inode, int mask);

/* ---- dentries ------------------------------------------------------------- */

#define DNAME_INLINE_LEN 40

struct dentry {
	struct dentry *parent;   /* itself for a root */
	struct inode *inode;     /* NULL: negative (the name does not exist) */
	struct super_block *sb;
	const char *name;        /* NUL-terminated; points at inline_name or heap */
	uint32_t name_len;
	uint32_t hash;
	unsigned flags;          /* DENTRY_* */
	int refs;                /* atomic */
	int mounted;             /* mounts on this dentry; under mount_lock */
	struct list_node hash_link;   /* the dcache hash, under dcache_lock */
	struct list_node children;    /* its child dentries (directories) */
	struct list_node child_link;  /* parent->children */
	struct list_node lru_link;    /* unused dentries, reclaimable */
	void *private;           /* the file system's own (procfs) */
	char inline_name[DNAME_INLINE_LEN];
};

#define DENTRY_DEAD      (1u << 0) /* unlinked or invalidated: not in the hash */
#define DENTRY_NOCACHE   (1u << 1) /* drop at the last put (procfs pid dirs) */

/* Give a negative dentry its inode (takes over the caller's reference). */
void d_instantiate(struct dentry *dentry, struct inode *inode);
/* A new hashed child dentry of parent (negative); NULL on -ENOMEM. */
struct dentry *d_alloc(struct dentry *parent, const char *name, size_t len);
/* The root dentry of a new super block, with its inode. */
struct dentry *d_make_root(struct inode *root);
struct dentry *d_get(struct dentry *dentry);
void d_put(struct dentry *dentry);
/* The cached child of parent named name (positive or negative), with a
 * reference, or NULL on a miss. */
struct dentry *d_lookup(struct dentry *parent, const char *name, size_t len);
/* Unhash a dentry (deleted, or a stale procfs entry) and its children. */
void d_invalidate(struct dentry *dentry);
/* Name hash used by the dcache (also for filesystems that hash names). */
uint32_t d_hash_name(const struct dentry *parent, const char *name, size_t len);

struct dcache_stats {
	uint64_t entries, negative, unused;
	uint64_t hits, misses;
};
void dcache_get_stats(struct dcache_stats *out);
/* Free up to nr unused dentries (memory pressure, tests). */
unsigned dcache_shrink(unsigned nr);

/* ---- mounts and paths ----------------------------------------------------- */

#define MNT_RDONLY   MS_RDONLY
#define MNT_NOSUID   MS_NOSUID
#define MNT_NODEV    MS_NODEV
#define MNT_NOEXEC   MS_NOEXEC
#define MNT_NOATIME  MS_NOATIME
#define MNT_RELATIME MS_RELATIME

struct mount {
	struct super_block *sb;
	struct dentry *root;          /* of sb's tree (or a subtree: bind) */
	struct mount *parent;         /* itself for the root mount */
	struct dentry *mountpoint;    /* in parent */
	unsigned long flags;          /* MNT_* */
	char *source;                 /* "tmpfs", "/dev/sda1", ... */
	uint64_t id;                  /* /proc/self/mountinfo, statx mnt_id */
	int refs;                     /* atomic: paths and files using it */
	struct list_node link;        /* the mount table, in mount order */
};

struct path {
	struct mount *mnt;
	struct dentry *dentry;
};

void path_get(const struct path *path);
void path_put(const struct path *path);

/*
 * Mount a file system of type (by name) from source on the directory at
 * target, with MS_* flags and data (options). MS_REMOUNT changes the
 * flags/options of the mount at target; MS_BIND attaches the tree at
 * source. Mounting on a mount point stacks (the new one hides the old).
 * Return: 0, -ENODEV (no such type), -ENOTDIR, -ENOENT, -EBUSY, -EINVAL.
 */
int __must_check vfs_mount(const char *source, const char *target, const char *type,
			   unsigned long flags, const char *data);
/* Detach the top mount at target (MNT_DETACH: lazily, even if busy).
 * Return: 0, -EINVAL (not a mount point), -EBUSY (in use). */
int __must_check vfs_umount(const char *target, int flags);
/*
 * A mount of type that is not attached to the tree, for the kernel's own
 * use (devtmpfs's instance, where drivers' nodes are made). NULL on error.
 */
struct mount *kern_mount(struct fs_type *type, const char *options);
/* Call fn for every mount, in mount order (for /proc/mounts, df). */
void mount_for_each(void (*fn)(struct mount *mnt, void *arg), void *arg);
/* The text of a path as seen from root (for /proc/mounts, readlink of
 * /proc/self/cwd, getcwd): "/tmp/x". Return: its length or -ENAMETOOLONG. */
int path_to_string(const struct path *path, const struct path *root, char *buf, size_t len);

/* ---- per-process file-system state ---------------------------------------- */

/* Root, working directory and umask: shared by CLONE_FS threads. */
struct fs_context {
	struct spinlock lock;
	struct path root, cwd;
	umode_t umask;
	int refs;
};

struct fs_context *fs_context_current(void);
/*
 * A process's credentials, file-system context and descriptor table
 * (process/process.c; NULL for a process made before vfs_init, and the
 * context and table once its last thread has exited). A child made by
 * process_create gets copies of its parent's (fork semantics).
 */
struct process;
struct cred *process_cred(struct process *p);
struct fs_context *process_fs_context(struct process *p);
struct fd_table *process_fd_table(struct process *p);
/* Give p (the kernel process, at vfs_init) its context and table. */
void process_set_fs(struct process *p, struct fs_context *fs, struct fd_table *files);
struct fs_context *fs_context_clone(struct fs_context *fs); /* fork; NULL: -ENOMEM */
void fs_context_put(struct fs_context *fs);

/* ---- lookup --------------------------------------------------------------- */

#define LOOKUP_FOLLOW    (1u << 0) /* follow a symlink in the last component */
#define LOOKUP_DIRECTORY (1u << 1) /* the result must be a directory */
#define LOOKUP_EMPTY     (1u << 2) /* "" names dirfd itself (AT_EMPTY_PATH) */
#define LOOKUP_PARENT    (1u << 3) /* internal: stop at the last component */

/*
 * Resolve name relative to dirfd (AT_FDCWD: the working directory; an
 * absolute name ignores dirfd) into *out, with references. "." and ".."
 * (".." at a mount's root goes up into the parent mount; at the process's
 * root it stays), mounts, and at most SYMLOOP_MAX symlinks (-ELOOP).
 * Return: 0, -ENOENT, -ENOTDIR, -ENAMETOOLONG, -ELOOP, -EACCES (search
 * permission on a directory), -EBADF.
 */
int __must_check vfs_lookup_at(int dirfd, const char *name, unsigned lookup_flags,
			       struct path *out);
static inline int __must_check vfs_lookup(const char *name, unsigned lookup_flags,
					  struct path *out)
{
	return vfs_lookup_at(AT_FDCWD, name, lookup_flags, out);
}

/* ---- open files ----------------------------------------------------------- */

struct dir_context;
/* Called by iterate for each entry; return false to stop (buffer full). */
typedef bool (*filldir_t)(struct dir_context *ctx, const char *name, size_t len,
			  uint64_t ino, unsigned d_type);
struct dir_context {
	filldir_t actor;
	loff_t pos; /* the fs's cookie for where to go on; 0 = start */
};
/* Emit "." and ".." as positions 0 and 1 when ctx->pos is below 2. */
bool dir_emit_dots(struct file *file, struct dir_context *ctx);

struct file_ops {
	int (*open)(struct inode *inode, struct file *file);
	void (*release)(struct inode *inode, struct file *file);
	/* Read/write at *pos, advancing it. Return: bytes or -errno. */
	ssize_t (*read_iter)(struct file *file, struct iov_iter *to, loff_t *pos);
	ssize_t (*write_iter)(struct file *file, struct iov_iter *from, loff_t *pos);
	/* NULL: the generic one (SEEK_SET/CUR/END against inode->size). */
	loff_t (*llseek)(struct file *file, loff_t offset, int whence);
	int (*iterate)(struct file *file, struct dir_context *ctx);
	int (*fsync)(struct file *file, bool datasync);
	long (*ioctl)(struct file *file, unsigned cmd, unsigned long arg);
	int (*fallocate)(struct file *file, int mode, loff_t offset, loff_t len);
};

#define FMODE_READ  (1u << 0)
#define FMODE_WRITE (1u << 1)
#define FMODE_LSEEK (1u << 2) /* seekable */
#define FMODE_PATH  (1u << 3) /* O_PATH: no I/O */

struct file {
	const struct file_ops *ops;
	struct path path;
	struct inode *inode;
	unsigned flags;          /* O_* status flags (O_APPEND, O_NONBLOCK, ...) */
	unsigned mode;           /* FMODE_* */
	struct mutex pos_lock;   /* guards pos for read/write/lseek */
	loff_t pos;
	const struct cred *cred; /* who opened it */
	void *private;           /* the driver's or file system's own */
	int refs;                /* atomic: descriptors and in-flight calls */
};

struct file *file_get(struct file *file);
void file_put(struct file *file); /* the last put calls release */

/*
 * Open name (relative to dirfd) with O_* flags; mode for O_CREAT (umask
 * applied). Handles O_CREAT|O_EXCL, O_TRUNC, O_DIRECTORY, O_NOFOLLOW
 * (-ELOOP on a symlink), O_PATH, O_APPEND. Return: 0 and *out, or -errno
 * (-EISDIR writing a directory, -ETXTBSY later, -ENXIO no device, ...).
 */
int __must_check vfs_openat(int dirfd, const char *name, int flags, umode_t mode,
			    struct file **out);
static inline int __must_check vfs_open(const char *name, int flags, umode_t mode,
					struct file **out)
{
	return vfs_openat(AT_FDCWD, name, flags, mode, out);
}
/* Open what path names (devices, execve, /proc/self/fd links). */
int __must_check vfs_open_path(const struct path *path, int flags, struct file **out);

ssize_t vfs_read(struct file *file, struct iov_iter *to);   /* at and past file->pos */
ssize_t vfs_write(struct file *file, struct iov_iter *from);
ssize_t vfs_pread(struct file *file, struct iov_iter *to, loff_t pos);
ssize_t vfs_pwrite(struct file *file, struct iov_iter *from, loff_t pos);
/* Conveniences for kernel buffers (one segment). */
ssize_t kernel_read(struct file *file, void *buf, size_t len, loff_t *pos);
ssize_t kernel_write(struct file *file, const void *buf, size_t len, loff_t *pos);
loff_t vfs_llseek(struct file *file, loff_t offset, int whence);
/* The generic llseek (also SEEK_DATA/SEEK_HOLE as "all data"). */
loff_t generic_file_llseek(struct file *file, loff_t offset, int whence);
/* Fill buf with struct linux_dirent64 records. Return: bytes, 0 at the
 * end, -EINVAL if not even one record fits, -ENOTDIR. */
ssize_t vfs_getdents64(struct file *file, void *buf, size_t len);
int vfs_fsync(struct file *file, bool datasync);
int vfs_fallocate(struct file *file, int mode, loff_t offset, loff_t len);
int vfs_ftruncate(struct file *file, loff_t length);
long vfs_ioctl(struct file *file, unsigned cmd, unsigned long arg);

/* ---- name-space operations (Linux's *at calls, kernel strings) ------------ */

int vfs_mkdirat(int dirfd, const char *name, umode_t mode);
int vfs_mknodat(int dirfd, const char *name, umode_t mode, dev_t dev);
int vfs_symlinkat(const char *target, int dirfd, const char *name);
int vfs_linkat(int olddirfd, const char *oldname, int newdirfd, const char *newname,
	       int flags);
/* flags: AT_REMOVEDIR makes it rmdir. */
int vfs_unlinkat(int dirfd, const char *name, int flags);
int vfs_renameat2(int olddirfd, const char *oldname, int newdirfd, const char *newname,
		  unsigned flags);
/* Return: the target's length (not NUL-terminated, cut at len), or -errno. */
int vfs_readlinkat(int dirfd, const char *name, char *buf, size_t len);
/* flags: AT_SYMLINK_NOFOLLOW, AT_EMPTY_PATH. */
int vfs_statat(int dirfd, const char *name, int flags, struct kstat *out);
int vfs_fstat(struct file *file, struct kstat *out);
void kstat_to_stat(const struct kstat *k, struct stat *out);
void kstat_to_statx(const struct kstat *k, uint32_t want_mask, struct statx *out);
int vfs_fchmodat(int dirfd, const char *name, umode_t mode, int flags);
int vfs_fchownat(int dirfd, const char *name, uid_t uid, gid_t gid, int flags);
/* times[0] atime, times[1] mtime; NULL = now; UTIME_NOW/UTIME_OMIT. */
int vfs_utimensat(int dirfd, const char *name, const struct timespec64 times[2], int flags);
int vfs_truncate(const char *name, loff_t length);
int vfs_faccessat(int dirfd, const char *name, int mode, int flags);
int vfs_statfs(const char *name, struct kstatfs *out);
int vfs_chdir(const char *name);
int vfs_chroot(const char *name);

/*
 * The same operations relative to a base path instead of a descriptor
 * (the kernel's own: devtmpfs nodes, the initramfs); name must be relative.
 */
int vfs_mkdir_path(const struct path *base, const char *name, umode_t mode);
int vfs_mknod_path(const struct path *base, const char *name, umode_t mode, dev_t dev);
int vfs_unlink_path(const struct path *base, const char *name, int flags);
int vfs_lookup_path(const struct path *base, const char *name, unsigned lookup_flags,
		    struct path *out);

/* ---- descriptor tables ---------------------------------------------------- */

#define FD_CLOEXEC 1
#define NR_OPEN_DEFAULT 1024 /* RLIMIT_NOFILE soft limit, as Linux */

/* A process's descriptors; threads with CLONE_FILES share one. */
struct fd_table;

struct fd_table *fd_table_current(void);
struct fd_table *fd_table_create(void);
/* For fork: a copy with every file's reference taken. NULL: -ENOMEM. */
struct fd_table *fd_table_clone(struct fd_table *table);
void fd_table_put(struct fd_table *table);
/* Install file at the lowest free descriptor >= min (takes the caller's
 * reference). Return: the fd, or -EMFILE. */
int fd_install(struct fd_table *table, struct file *file, int min, bool cloexec);
/* The file at fd with a reference, or NULL (-EBADF). */
struct file *fd_get_file(struct fd_table *table, int fd);
int fd_close(struct fd_table *table, int fd);
int fd_dup2(struct fd_table *table, int oldfd, int newfd, bool cloexec);
int fd_get_cloexec(struct fd_table *table, int fd);           /* 0/1 or -EBADF */
int fd_set_cloexec(struct fd_table *table, int fd, bool on);
void fd_close_on_exec(struct fd_table *table);
/* Call fn for every open descriptor (for /proc/<pid>/fd). */
void fd_for_each(struct fd_table *table, void (*fn)(int fd, struct file *file, void *arg),
		 void *arg);

/* ---- page cache (fs/page_cache.c) ----------------------------------------- */

/*
 * One cached page of a file. The cache holds one reference; whoever looks
 * a page up holds another until page_cache_put(). Data is reached through
 * the direct map (page_cache_page_data).
 */
struct cached_page {
	paddr_t pa;
	uint64_t index;          /* page number in the file */
	struct page_cache *cache;
	unsigned flags;          /* CPAGE_*; under cache->lock */
	int refs;                /* atomic */
};

#define CPAGE_UPTODATE  (1u << 0) /* holds the file's data */
#define CPAGE_DIRTY     (1u << 1) /* newer than the backing store */
#define CPAGE_WRITEBACK (1u << 2) /* being written back */

struct page_cache_ops {
	/* Fill a new page from the backing store (disk fs); NULL: zero it
	 * (tmpfs: a hole). Return: 0 or -EIO. */
	int (*read_page)(struct page_cache *cache, struct cached_page *page);
	/* Write a dirty page back; NULL: pages stay dirty (tmpfs). */
	int (*write_page)(struct page_cache *cache, struct cached_page *page);
	/* Account a page coming / going (tmpfs size limit): -ENOSPC refuses. */
	int (*charge)(struct page_cache *cache, long pages);
};

void page_cache_init(struct page_cache *cache, struct inode *host,
		     const struct page_cache_ops *ops);
/* The page at index with a reference, or NULL if not cached. */
struct cached_page *page_cache_find(struct page_cache *cache, uint64_t index);
/* The page at index, read in (or zeroed) and added if it was not cached.
 * Return: 0 and *out (with a reference), -ENOMEM, -ENOSPC, -EIO. */
int page_cache_get(struct page_cache *cache, uint64_t index, struct cached_page **out);
void page_cache_put(struct cached_page *page);
void *page_cache_page_data(const struct cached_page *page);
void page_cache_mark_dirty(struct cached_page *page);
/* Drop pages from index start on (truncate), zeroing the tail of a
 * partial first page from byte offset `from` of the file. */
void page_cache_truncate(struct page_cache *cache, uint64_t from);
/* Drop pages [first, last] (hole punching). */
void page_cache_drop_range(struct page_cache *cache, uint64_t first, uint64_t last);
/* The first cached index >= index (SEEK_DATA), or UINT64_MAX. */
uint64_t page_cache_next_index(struct page_cache *cache, uint64_t index);
/* Write every dirty page back through ops->write_page (fsync). */
int page_cache_writeback(struct page_cache *cache);
/* Call fn for each page tagged dirty, in index order, under no lock. */
void page_cache_for_each_dirty(struct page_cache *cache,
			       void (*fn)(struct cached_page *page, void *arg), void *arg);

/* read_iter/write_iter through the page cache, for regular files. */
ssize_t generic_file_read_iter(struct file *file, struct iov_iter *to, loff_t *pos);
ssize_t generic_file_write_iter(struct file *file, struct iov_iter *from, loff_t *pos);

/* ---- character and block devices (fs/devices.c) --------------------------- */

/*
 * Drivers register the device numbers they serve; opening a device node
 * with that number then runs fops->open. devfs shows each registered
 * device with its name ("null", "ttyS0", "sda1") in /dev.
 */
struct device_node_info {
	const char *name;     /* under /dev, may contain '/' ("pts/0") */
	dev_t dev;
	umode_t mode;         /* S_IFCHR or S_IFBLK with permissions */
	uid_t uid;
	gid_t gid;
};

/* Serve char devices with major, minors [first, first + count), by fops.
 * name is the driver's (for /proc/devices). Return: 0 or -EBUSY. */
int __must_check chrdev_register(unsigned major, unsigned first_minor, unsigned count,
				 const char *name, const struct file_ops *fops);
int __must_check blkdev_register_major(unsigned major, const char *name,
				       const struct file_ops *fops);
/* Create the /dev node for a device (devfs); -EEXIST if it exists. */
int __must_check devfs_add_node(const struct device_node_info *info);
void devfs_remove_node(const char *name);
/* Call fn for every registered major (for /proc/devices). */
void devices_for_each(bool block, void (*fn)(unsigned major, const char *name, void *arg),
		      void *arg);

/* ---- boot ----------------------------------------------------------------- */

/*
 * Mount tmpfs as /, unpack the initramfs modules into it, mount devtmpfs
 * on /dev and proc on /proc. Context: boot, may sleep, once.
 */
void vfs_init(void);
/* vfs_list=PATH: print the tree under PATH, sorted (fs/vfs_list.c, for
 * the system test). Context: boot, after vfs_init, may sleep. */
void vfs_list_requested(void);
