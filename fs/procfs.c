// SPDX-License-Identifier: MIT
/*
 * procfs, the "proc" file system: the tree of /proc, made on demand.
 *
 * Nothing is stored: every name comes from a static table of entries
 * (struct procfs_entry) or from the live processes. The root lists its
 * table and one directory per pid; /proc/<pid> holds the per-process
 * table, and /proc/<pid>/fd one symbolic link per open descriptor. An
 * inode records which entry it shows and for which pid (struct
 * procfs_inode); regular files generate their text at open
 * (procfs_file.c), links give their target at readlink, so "self" names
 * the reader's own pid and "mounts" is "self/mounts", as on Linux.
 *
 * File and link inodes are made with nlink 0 so the last reference frees
 * them; directories are reused (procfs_get_inode). Every dentry under a
 * pid directory,
 * and every numeric name in the root (found or not), is DENTRY_NOCACHE:
 * it goes with its last user, so a pid that exits vanishes, and a pid
 * that appears later is not hidden by a cached negative entry. A pid
 * directory found stale while still held is d_invalidate'd.
 *
 * Locks: none of its own; the VFS holds the directory's inode lock around
 * lookup and iterate, and the process helpers take the process locks.
 * Order: sb->inode_lock -> the process tree lock (procfs_reap_dead_dirs).
 */
#include <xdv/errno.h>
#include <xdv/mm.h>
#include <xdv/printk.h>
#include <xdv/string.h>
#include "internal.h"
#include "procfs.h"

#define PROCFS_POS_PIDS 256          /* readdir cookies of the root's pids */
#define PROCFS_INO_STATIC 0x100      /* d_ino of table entries, by index */
#define PROCFS_INO_PID  0x100000     /* d_ino of /proc/<pid> */

static const struct inode_ops procfs_dir_iops;
static const struct inode_ops procfs_link_iops;
static const struct inode_ops procfs_file_iops;
static const struct file_ops procfs_dir_fops;

/*
 * "self": the reader's pid. The kernel process (pid 0, whose threads are
 * XDV's kernel threads; Linux gives each kthread a pid of its own) has a
 * directory /proc/0 that lookup finds but readdir does not list (Linux
 * lists no pid 0), so that /proc/self and /proc/mounts work from kernel
 * threads too.
 */
static int procfs_link_self(struct process *p, char *buf, size_t len)
{
	char tmp[16];
	pid_t pid = process_pid(process_current());
	int n;

	n = snprintf(tmp, sizeof(tmp), "%d", pid);
	if ((size_t)n > len)
		n = (int)len;
	memcpy(buf, tmp, (size_t)n);
	return n;
}

static int procfs_link_mounts(struct process *p, char *buf, size_t len)
{
	static const char target[] = "self/mounts";
	size_t n = sizeof(target) - 1 < len ? sizeof(target) - 1 : len;

	memcpy(buf, target, n);
	return (int)n;
}

#define PROC_FILE(n, perm, fn) { .name = (n), .mode = S_IFREG | (perm), .show = (fn) }
#define PROC_LINK(n, perm, fn) { .name = (n), .mode = S_IFLNK | (perm), .link = (fn) }

static const struct procfs_entry pid_entries[] = {
	PROC_FILE("cmdline", 0444, procfs_show_pid_cmdline),
	PROC_FILE("comm", 0444, procfs_show_pid_comm),
	PROC_LINK("cwd", 0777, procfs_link_cwd),
	PROC_FILE("environ", 0400, procfs_show_pid_environ),
	PROC_LINK("exe", 0777, procfs_link_exe),
	{ .name = "fd", .mode = S_IFDIR | 0500, .kind = PROCFS_DIR_FD },
	PROC_FILE("maps", 0444, procfs_show_pid_maps),
	PROC_FILE("mounts", 0444, procfs_show_mounts),
	PROC_LINK("root", 0777, procfs_link_root),
	PROC_FILE("stat", 0444, procfs_show_pid_stat),
	PROC_FILE("status", 0444, procfs_show_pid_status),
	{ 0 }
};

static const struct procfs_entry sys_kernel_entries[] = {
	{ .name = "hostname", .mode = S_IFREG | 0644, .show = procfs_show_hostname,
	  .write = procfs_write_hostname },
	PROC_FILE("osrelease", 0444, procfs_show_osrelease),
	PROC_FILE("ostype", 0444, procfs_show_ostype),
	PROC_FILE("pid_max", 0444, procfs_show_pid_max),
	{ 0 }
};

static const struct procfs_entry sys_entries[] = {
	{ .name = "kernel", .mode = S_IFDIR | 0555, .children = sys_kernel_entries },
	{ 0 }
};

static const struct procfs_entry root_entries[] = {
	PROC_FILE("cmdline", 0444, procfs_show_cmdline),
	PROC_FILE("cpuinfo", 0444, procfs_show_cpuinfo),
	PROC_FILE("devices", 0444, procfs_show_devices),
	PROC_FILE("filesystems", 0444, procfs_show_filesystems),
	PROC_FILE("interrupts", 0444, procfs_show_interrupts),
	PROC_FILE("loadavg", 0444, procfs_show_loadavg),
	PROC_FILE("meminfo", 0444, procfs_show_meminfo),
	PROC_LINK("mounts", 0777, procfs_link_mounts),
	PROC_FILE("partitions", 0444, procfs_show_partitions),
	PROC_LINK("self", 0777, procfs_link_self),
	PROC_FILE("stat", 0444, procfs_show_stat),
	{ .name = "sys", .mode = S_IFDIR | 0555, .children = sys_entries },
	PROC_FILE("uptime", 0444, procfs_show_uptime),
	PROC_FILE("version", 0444, procfs_show_version),
	{ 0 }
};

static const struct procfs_entry root_entry = {
	.name = "", .mode = S_IFDIR | 0555, .children = root_entries, .kind = PROCFS_DIR_ROOT
};
static const struct procfs_entry pid_dir_entry = {
	.name = "", .mode = S_IFDIR | 0555, .children = pid_entries
};
static const struct procfs_entry fd_link_entry = { .name = "", .mode = S_IFLNK | 0700 };

/* The inode and its procfs part in one allocation. */
struct procfs_inode_full {
	struct inode vfs;
	struct procfs_inode pi;
};

static struct procfs_inode *PI(struct inode *inode)
{
	return &container_of(inode, struct procfs_inode_full, vfs)->pi;
}

const struct procfs_inode *procfs_inode_of(struct inode *inode)
{
	return PI(inode);
}

static struct inode *procfs_alloc_inode(struct super_block *sb)
{
	struct procfs_inode_full *full = kzalloc(sizeof(*full), 0);

	return full ? &full->vfs : NULL;
}

static void procfs_free_inode(struct inode *inode)
{
	kfree(container_of(inode, struct procfs_inode_full, vfs));
}

/* A name made of digits only, without a leading zero, that fits a pid. */
static bool parse_number(const char *name, size_t len, int *out)
{
	long v = 0;

	if (!len || len > 9 || (name[0] == '0' && len > 1))
		return false;
	for (size_t i = 0; i < len; i++) {
		if (name[i] < '0' || name[i] > '9')
			return false;
		v = v * 10 + (name[i] - '0');
	}
	*out = (int)v;
	return true;
}

/* Fill in what an inode shows: entry for p (NULL: none) and fd (-1: none),
 * owned by the process's credentials when there is one. */
static void procfs_setup_inode(struct inode *inode, const struct procfs_entry *entry,
			       struct process *p, int fd)
{
	PI(inode)->entry = entry;
	PI(inode)->pid = p ? process_pid(p) : -1;
	PI(inode)->fd = fd;
	if (p) {
		struct cred *cred = process_cred(p);

		spin_lock(&inode->attr_lock);
		inode->uid = cred->euid;
		inode->gid = cred->egid;
		spin_unlock(&inode->attr_lock);
	}
}

/*
 * An inode of sb showing entry for p and fd, with a reference.
 *
 * Files and links are made afresh with nlink 0, so their last reference
 * frees them. Directories cannot be: the VFS takes a directory with no
 * links for a removed one and finds no names in it. So a directory keeps
 * nlink 1 and is looked for among sb's inodes first and reused: at most
 * one inode per static directory and two per pid (its directory and fd/),
 * however often they are looked up; those of gone pids are freed by
 * procfs_reap_dead_dirs at the next listing of the root.
 */
static struct inode *procfs_get_inode(struct super_block *sb, const struct procfs_entry *entry,
				      struct process *p, int fd)
{
	pid_t pid = p ? process_pid(p) : -1;
	struct inode *inode = NULL;

	if (S_ISDIR(entry->mode)) {
		spin_lock(&sb->inode_lock);
		list_for_each(node, &sb->inodes) {
			struct inode *i = list_entry(node, struct inode, sb_link);

			if (PI(i)->entry == entry && PI(i)->pid == pid) {
				inode_get(i);
				inode = i;
				break;
			}
		}
		spin_unlock(&sb->inode_lock);
		if (inode) {
			procfs_setup_inode(inode, entry, p, fd); /* a reused pid: new owner */
			return inode;
		}
	}
	inode = inode_new(sb, entry->mode);
	if (!inode)
		return NULL;
	procfs_setup_inode(inode, entry, p, fd);
	if (S_ISDIR(entry->mode)) {
		inode->iops = &procfs_dir_iops;
		inode->fops = &procfs_dir_fops;
	} else if (S_ISLNK(entry->mode)) {
		inode->iops = &procfs_link_iops;
		inode->nlink = 0; /* freed with its last reference (getattr shows 1) */
	} else {
		inode->iops = &procfs_file_iops;
		inode->fops = &procfs_file_ops;
		inode->nlink = 0;
	}
	return inode;
}

#define PROCFS_REAP_BATCH 32

/*
 * Free the unused directory inodes of processes that have gone (their
 * nlink to 0, then the last put evicts them), up to PROCFS_REAP_BATCH a
 * call; run at each readdir of the root (ps and top do one per refresh),
 * so dead pids cost nothing for long. A directory still in use stays; a
 * later call frees it. Return: how many were freed.
 */
unsigned procfs_reap_dead_dirs(struct super_block *sb)
{
	struct inode *batch[PROCFS_REAP_BATCH];
	unsigned n = 0;

	/* Locks: sb->inode_lock -> the process tree lock (process_find_get). */
	spin_lock(&sb->inode_lock);
	list_for_each(node, &sb->inodes) {
		struct inode *i = list_entry(node, struct inode, sb_link);
		struct process *p;

		if (n == PROCFS_REAP_BATCH)
			break;
		if (PI(i)->pid <= 0 || !S_ISDIR(i->mode) || READ_ONCE(i->nlink) == 0 ||
		    __atomic_load_n(&i->refs, __ATOMIC_RELAXED))
			continue;
		p = process_find_get(PI(i)->pid);
		if (p) {
			process_put(p);
			continue;
		}
		inode_get(i);
		batch[n++] = i;
	}
	spin_unlock(&sb->inode_lock);
	for (unsigned k = 0; k < n; k++) {
		inode_set_nlink(batch[k], 0);
		inode_put(batch[k]); /* the last reference: evicted */
	}
	return n;
}

/*
 * Mark a dentry being looked up "drop at the last put". The dcache has no
 * call for it; its only other writer of flags (unhashing, under its lock)
 * cannot run on this dentry meanwhile: procfs names are never unlinked,
 * and the one invalidation procfs does runs under the same directory lock
 * as the lookup.
 */
static void dentry_set_nocache(struct dentry *dentry)
{
	__atomic_fetch_or(&dentry->flags, DENTRY_NOCACHE, __ATOMIC_RELAXED);
}

static const struct procfs_entry *table_find(const struct procfs_entry *table, const char *name,
					     size_t len)
{
	for (; table && table->name; table++) {
		if (strlen(table->name) == len && !memcmp(table->name, name, len))
			return table;
	}
	return NULL;
}

/* The process an inode belongs to, with a reference; NULL if it is gone
 * (or the inode is not under a pid). */
static struct process *inode_process(struct inode *inode)
{
	return PI(inode)->pid >= 0 ? process_find_get(PI(inode)->pid) : NULL;
}

static int procfs_lookup(struct inode *dir, struct dentry *dentry)
{
	const struct procfs_inode *pi = PI(dir);
	const struct procfs_entry *entry;
	struct process *p = NULL;
	struct inode *inode = NULL;
	int number;

	if (pi->pid >= 0) {
		dentry_set_nocache(dentry); /* it must not pin the pid directory */
		p = inode_process(dir);
		if (!p) {
			/* The process has gone while its directory was held:
			 * unhash the directory so the next walk asks again. */
			if (pi->entry == &pid_dir_entry)
				d_invalidate(dentry->parent);
			return -ENOENT;
		}
	}

	if (pi->entry->kind == PROCFS_DIR_FD) {
		char c;

		if (parse_number(dentry->name, dentry->name_len, &number) &&
		    procfs_link_fd(p, number, &c, 1) >= 0)
			inode = procfs_get_inode(dir->sb, &fd_link_entry, p, number);
		else
			goto out; /* negative */
	} else if ((entry = table_find(pi->entry->children, dentry->name, dentry->name_len))) {
		inode = procfs_get_inode(dir->sb, entry, p, -1);
	} else if (pi->entry->kind == PROCFS_DIR_ROOT &&
		   parse_number(dentry->name, dentry->name_len, &number)) {
		dentry_set_nocache(dentry); /* found or not, never cached */
		p = process_find_get(number); /* 0: the kernel, unlisted */
		if (!p)
			goto out;
		inode = procfs_get_inode(dir->sb, &pid_dir_entry, p, -1);
	} else {
		goto out;
	}
	if (!inode) {
		if (p)
			process_put(p);
		return -ENOMEM;
	}
	d_instantiate(dentry, inode);
out:
	if (p)
		process_put(p);
	return 0;
}

static int procfs_readlink(struct inode *inode, char *buf, size_t len)
{
	const struct procfs_inode *pi = PI(inode);
	struct process *p = NULL;
	int n;

	if (pi->pid >= 0) {
		p = inode_process(inode);
		if (!p)
			return -ENOENT;
	}
	if (pi->fd >= 0)
		n = procfs_link_fd(p, pi->fd, buf, len);
	else
		n = pi->entry->link(p, buf, len);
	if (p)
		process_put(p);
	return n;
}

static int procfs_getattr(struct inode *inode, struct kstat *stat)
{
	/* Linux's counts: a directory has its "." and its parent's entry
	 * (plus one ".." per subdirectory; 2 is what tools need), a file 1. */
	stat->nlink = S_ISDIR(inode->mode) ? 2 : 1;
	return 0;
}

static const struct inode_ops procfs_dir_iops = {
	.lookup = procfs_lookup,
	.getattr = procfs_getattr,
};

static const struct inode_ops procfs_link_iops = {
	.readlink = procfs_readlink,
	.getattr = procfs_getattr,
};

static const struct inode_ops procfs_file_iops = {
	.getattr = procfs_getattr,
};

static unsigned dtype_of(umode_t mode)
{
	return S_ISDIR(mode) ? DT_DIR : S_ISLNK(mode) ? DT_LNK : DT_REG;
}

/* Emit a table's entries from position ctx->pos (2 is the first). */
static bool emit_table(const struct procfs_entry *table, struct dir_context *ctx)
{
	size_t n = 0;

	while (table && table[n].name)
		n++;
	for (; ctx->pos >= 2 && (size_t)ctx->pos - 2 < n; ctx->pos++) {
		const struct procfs_entry *e = &table[ctx->pos - 2];

		if (!ctx->actor(ctx, e->name, strlen(e->name),
				PROCFS_INO_STATIC + (uint64_t)ctx->pos, dtype_of(e->mode)))
			return false;
	}
	return true;
}

static int procfs_iterate(struct file *file, struct dir_context *ctx)
{
	struct inode *dir = file->inode;
	const struct procfs_inode *pi = PI(dir);
	struct process *p = NULL;
	char name[16];

	if (!dir_emit_dots(file, ctx))
		return 0;
	if (pi->pid >= 0) {
		p = inode_process(dir);
		if (!p)
			return -ENOENT;
	}
	if (pi->entry->kind == PROCFS_DIR_FD) {
		/* Cookie: 2 + the next descriptor to look at. */
		for (int fd = procfs_next_fd(p, (int)ctx->pos - 3); fd >= 0;
		     fd = procfs_next_fd(p, fd)) {
			int len = snprintf(name, sizeof(name), "%d", fd);

			ctx->pos = 2 + fd;
			if (!ctx->actor(ctx, name, (size_t)len, PROCFS_INO_PID + (uint64_t)fd, DT_LNK))
				break;
			ctx->pos = 3 + fd;
		}
		goto out;
	}
	if (!emit_table(pi->entry->children, ctx))
		goto out;
	if (pi->entry->kind == PROCFS_DIR_ROOT) {
		if (ctx->pos < PROCFS_POS_PIDS) {
			ctx->pos = PROCFS_POS_PIDS;
			(void)procfs_reap_dead_dirs(dir->sb);
		}
		/* Cookie: PROCFS_POS_PIDS + the next pid to look at. */
		for (pid_t pid = process_next_pid((pid_t)(ctx->pos - PROCFS_POS_PIDS) - 1); pid > 0;
		     pid = process_next_pid(pid)) {
			int len = snprintf(name, sizeof(name), "%d", pid);

			ctx->pos = PROCFS_POS_PIDS + pid;
			if (!ctx->actor(ctx, name, (size_t)len, PROCFS_INO_PID + (uint64_t)pid, DT_DIR))
				break;
			ctx->pos = PROCFS_POS_PIDS + pid + 1;
		}
	}
out:
	if (p)
		process_put(p);
	return 0;
}

static const struct file_ops procfs_dir_fops = {
	.iterate = procfs_iterate,
};

/* ---- the super block ------------------------------------------------------ */

static int procfs_statfs(struct super_block *sb, struct kstatfs *out)
{
	*out = (struct kstatfs){ .type = PROC_SUPER_MAGIC, .bsize = PAGE_SIZE, .namelen = NAME_MAX };
	return 0;
}

static const struct super_ops procfs_super_ops = {
	.alloc_inode = procfs_alloc_inode,
	.free_inode = procfs_free_inode,
	.statfs = procfs_statfs,
};

static int procfs_mount(struct fs_type *type, const char *source, unsigned long flags,
			const char *options, struct super_block **out)
{
	struct super_block *sb = vfs_sb_alloc(type, &procfs_super_ops);
	struct inode *root;

	if (!sb)
		return -ENOMEM;
	sb->magic = PROC_SUPER_MAGIC;
	sb->block_size = PAGE_SIZE;
	sb->flags = flags & SB_RDONLY;
	root = procfs_get_inode(sb, &root_entry, NULL, -1);
	if (!root)
		goto out_kill;
	sb->root = d_make_root(root);
	if (!sb->root)
		goto out_kill;
	*out = sb;
	return 0;

out_kill:
	vfs_sb_kill(sb);
	return -ENOMEM;
}

static void procfs_kill_sb(struct super_block *sb)
{
	vfs_sb_kill(sb);
}

static struct fs_type procfs_type = {
	.name = "proc",
	.flags = FS_NO_SOURCE,
	.mount = procfs_mount,
	.kill_sb = procfs_kill_sb,
};

/* Register "proc". Context: boot (vfs_init), once. */
void procfs_init(void)
{
	if (fs_type_register(&procfs_type))
		pr_err("procfs: cannot register \"proc\"\n");
}
