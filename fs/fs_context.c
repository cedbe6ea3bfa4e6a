// SPDX-License-Identifier: MIT
/*
 * Per-process file-system context: the root directory (chroot), the
 * working directory and the umask. A forked process gets a copy; threads
 * made with CLONE_FS (later) share one, hence the count.
 *
 * Locks: fs->lock (spinlock) guards root, cwd and umask; paths are copied
 * out with references under it and released after it is dropped.
 */
#include <xdv/errno.h>
#include <xdv/mm.h>
#include "vfs_internal.h"

/* The calling process's context, or NULL (a process made before vfs_init). */
struct fs_context *fs_context_current(void)
{
	return process_fs_context(process_current());
}

/*
 * A new context with root and cwd (references taken) and umask 022.
 * Return: it, or NULL on -ENOMEM.
 */
struct fs_context *fs_context_create(const struct path *root, const struct path *cwd)
{
	struct fs_context *fs = kzalloc(sizeof(*fs), 0);

	if (!fs)
		return NULL;
	spin_lock_init(&fs->lock, "fs_context");
	fs->root = *root;
	fs->cwd = *cwd;
	path_get(&fs->root);
	path_get(&fs->cwd);
	fs->umask = 022;
	fs->refs = 1;
	return fs;
}

/* For fork: a copy of fs (NULL gives NULL). Return: NULL on -ENOMEM too. */
struct fs_context *fs_context_clone(struct fs_context *fs)
{
	struct fs_context *copy;
	struct path root, cwd;
	umode_t umask;

	if (!fs)
		return NULL;
	spin_lock(&fs->lock);
	root = fs->root;
	cwd = fs->cwd;
	umask = fs->umask;
	path_get(&root);
	path_get(&cwd);
	spin_unlock(&fs->lock);
	copy = fs_context_create(&root, &cwd);
	if (copy)
		copy->umask = umask;
	path_put(&root);
	path_put(&cwd);
	return copy;
}

/* Drop a reference; the last one releases root and cwd. Context: may sleep. */
void fs_context_put(struct fs_context *fs)
{
	if (!fs || __atomic_sub_fetch(&fs->refs, 1, __ATOMIC_ACQ_REL))
		return;
	path_put(&fs->root);
	path_put(&fs->cwd);
	kfree(fs);
}

/* Make *path the root (which = 0) or the cwd (which = 1) of fs; takes a reference. */
void fs_context_set(struct fs_context *fs, int which, const struct path *path)
{
	struct path old;

	path_get(path);
	spin_lock(&fs->lock);
	if (which == 0) {
		old = fs->root;
		fs->root = *path;
	} else {
		old = fs->cwd;
		fs->cwd = *path;
	}
	spin_unlock(&fs->lock);
	path_put(&old);
}

/* The calling process's umask (022 without a context). */
umode_t current_umask(void)
{
	struct fs_context *fs = fs_context_current();

	return fs ? READ_ONCE(fs->umask) : 022;
}
