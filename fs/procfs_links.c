// SPDX-License-Identifier: MIT
/*
 * procfs: what a process's links name, /proc/<pid>/{cwd,root,exe} and
 * /proc/<pid>/fd/<n>, and the file-system fields of its status (Umask,
 * FDSize). The targets are path strings as the reading process sees them
 * (relative to its root), which the VFS then resolves like any symlink;
 * "/dev/console" for a descriptor open on the console.
 *
 * Locks: fs_context->lock while taking a reference on a path; the fd
 * table's own lock inside fd_get_file/fd_for_each. The target process's
 * fs_context and fd table are read through process_fs_context() and
 * process_fd_table() while the caller holds a reference on the process.
 */
#include <xdv/errno.h>
#include <xdv/mm.h>
#include <xdv/string.h>
#include "internal.h"
#include "procfs.h"

unsigned procfs_process_umask(struct process *p)
{
	struct fs_context *fs = process_fs_context(p);
	unsigned umask = 0022; /* Linux's init_fs */

	if (fs) {
		spin_lock(&fs->lock);
		umask = fs->umask;
		spin_unlock(&fs->lock);
	}
	return umask;
}

static void fd_max_one(int fd, struct file *file, void *arg)
{
	int *max = arg;

	if (fd > *max)
		*max = fd;
}

/* Linux's FDSize is the table's capacity: 64 slots, doubled as needed. */
unsigned procfs_process_fd_size(struct process *p)
{
	struct fd_table *table = process_fd_table(p);
	unsigned size = 64;
	int max = -1;

	if (!table)
		return 0;
	fd_for_each(table, fd_max_one, &max);
	while ((int)size <= max)
		size *= 2;
	return size;
}

struct next_fd {
	int after, best;
};

static void fd_next_one(int fd, struct file *file, void *arg)
{
	struct next_fd *n = arg;

	if (fd > n->after && (n->best < 0 || fd < n->best))
		n->best = fd;
}

int procfs_next_fd(struct process *p, int after)
{
	struct fd_table *table = process_fd_table(p);
	struct next_fd n = { after, -1 };

	if (table)
		fd_for_each(table, fd_next_one, &n);
	return n.best;
}

/* Write path as the caller sees it into buf (cut at len). */
static int link_from_path(const struct path *path, char *buf, size_t len)
{
	struct fs_context *mine = process_fs_context(process_current());
	struct path root;
	char *tmp = kmalloc(PATH_MAX, 0);
	int n;

	if (!tmp)
		return -ENOMEM;
	if (mine) {
		spin_lock(&mine->lock);
		root = mine->root;
		path_get(&root);
		spin_unlock(&mine->lock);
	}
	n = path_to_string(path, mine ? &root : NULL, tmp, PATH_MAX);
	if (mine)
		path_put(&root);
	if (n >= 0) {
		if ((size_t)n > len)
			n = (int)len;
		memcpy(buf, tmp, (size_t)n);
	}
	kfree(tmp);
	return n;
}

/* The cwd (or root) of p as a link. -ENOENT once p has exited. */
static int link_fs_path(struct process *p, bool cwd, char *buf, size_t len)
{
	struct fs_context *fs = process_fs_context(p);
	struct path path;
	int n;

	if (!fs)
		return -ENOENT;
	spin_lock(&fs->lock);
	path = cwd ? fs->cwd : fs->root;
	path_get(&path);
	spin_unlock(&fs->lock);
	n = link_from_path(&path, buf, len);
	path_put(&path);
	return n;
}

int procfs_link_cwd(struct process *p, char *buf, size_t len)
{
	return link_fs_path(p, true, buf, len);
}

int procfs_link_root(struct process *p, char *buf, size_t len)
{
	return link_fs_path(p, false, buf, len);
}

int procfs_link_exe(struct process *p, char *buf, size_t len)
{
	/* No process runs a program file yet: all are kernel threads, whose
	 * exe gives ENOENT on Linux. (execve will record the file.) */
	return -ENOENT;
}

int procfs_link_fd(struct process *p, int fd, char *buf, size_t len)
{
	struct fd_table *table = process_fd_table(p);
	struct file *file;
	int n;

	if (!table)
		return -ENOENT;
	file = fd_get_file(table, fd);
	if (!file)
		return -ENOENT;
	n = link_from_path(&file->path, buf, len);
	file_put(file);
	return n;
}
