// SPDX-License-Identifier: MIT
/*
 * procfs: what a process's links name, /proc/<pid>/{cwd,root,exe} and
 * /proc/<pid>/fd/<n>, and the file-system fields of its status (Umask,
 * FDSize). The targets are path strings as the reading process sees them
 * (relative to its root), which the VFS then resolves like any symlink;
 * "/dev/console" for a descriptor open on the console.
 *
 * Locks: fs_context->lock while taking a reference on a path; the fd
 * table's own lock inside fd_get_file. Another process's context and
 * table are reached through process_fs_context_get() and
 * process_with_fd_table() (process/process_info.c), which hold them
 * against the process's exit; files found are put after that lock.
 */
#include <xdv/errno.h>
#include <xdv/mm.h>
#include <xdv/string.h>
#include "internal.h"
#include "procfs.h"

unsigned procfs_process_umask(struct process *p)
{
	struct fs_context *fs = process_fs_context_get(p);
	unsigned umask = 0022; /* Linux's init_fs */

	if (fs) {
		spin_lock(&fs->lock);
		umask = fs->umask;
		spin_unlock(&fs->lock);
		fs_context_put(fs);
	}
	return umask;
}

static void table_exists(struct fd_table *table, void *arg)
{
}

/* Linux's FDSize is the table's capacity; XDV's tables have a fixed one. */
unsigned procfs_process_fd_size(struct process *p)
{
	return process_with_fd_table(p, table_exists, NULL) ? NR_OPEN_DEFAULT : 0;
}

/* The open file at descriptor fd or the first one above it. */
struct fd_find {
	int fd;             /* in: where to start; out: where it was found */
	bool exact;         /* only fd itself */
	struct file *file;  /* out, with a reference */
};

/* Runs under the process tree lock: takes a file reference, never puts
 * one (a last put may sleep). */
static void fd_find_locked(struct fd_table *table, void *arg)
{
	struct fd_find *f = arg;

	for (int fd = f->fd; fd >= 0 && fd < NR_OPEN_DEFAULT; fd++) {
		f->file = fd_get_file(table, fd);
		if (f->file) {
			f->fd = fd;
			return;
		}
		if (f->exact)
			return;
	}
}

int procfs_next_fd(struct process *p, int after)
{
	struct fd_find f = { after + 1, false, NULL };

	if (!process_with_fd_table(p, fd_find_locked, &f) || !f.file)
		return -1;
	file_put(f.file);
	return f.fd;
}

/* Write path as the caller sees it into buf (cut at len). */
static int link_from_path(const struct path *path, char *buf, size_t len)
{
	struct fs_context *mine = process_fs_context_get(process_current());
	struct path root;
	char *tmp = kmalloc(PATH_MAX, 0);
	int n;

	if (!tmp) {
		fs_context_put(mine);
		return -ENOMEM;
	}
	if (mine) {
		spin_lock(&mine->lock);
		root = mine->root;
		path_get(&root);
		spin_unlock(&mine->lock);
		fs_context_put(mine);
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
	struct fs_context *fs = process_fs_context_get(p);
	struct path path;
	int n;

	if (!fs)
		return -ENOENT;
	spin_lock(&fs->lock);
	path = cwd ? fs->cwd : fs->root;
	path_get(&path);
	spin_unlock(&fs->lock);
	fs_context_put(fs);
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
	struct fd_find f = { fd, true, NULL };
	int n;

	if (fd < 0 || !process_with_fd_table(p, fd_find_locked, &f) || !f.file)
		return -ENOENT;
	n = link_from_path(&f.file->path, buf, len);
	file_put(f.file);
	return n;
}
