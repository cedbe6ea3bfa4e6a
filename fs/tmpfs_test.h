/* SPDX-License-Identifier: MIT */
/*
 * Helpers of the tmpfs KTAP tests (fs/tmpfs_test.c, fs/tmpfs_dir_test.c):
 * a fresh tmpfs mounted on a directory of its own, and whole-file
 * reads and writes through the VFS kernel API. Test code only.
 */
#pragma once

#include <xdv/errno.h>
#include <xdv/ktest.h>
#include <xdv/string.h>
#include <xdv/vfs.h>

/* ---- helpers ----------------------------------------------------------------- */

/* Make dir and mount a tmpfs with opts on it. Return: 0 or -errno. */
static inline int mount_fresh(const char *dir, const char *opts)
{
	int err = vfs_mkdirat(AT_FDCWD, dir, 0755);

	if (err && err != -EEXIST)
		return err;
	return vfs_mount("tmpfs", dir, "tmpfs", 0, opts);
}

static inline void umount_fresh(struct ktest *t, const char *dir)
{
	KTEST_EXPECT_EQ(t, vfs_umount(dir, 0), 0);
	KTEST_EXPECT_EQ(t, vfs_unlinkat(AT_FDCWD, dir, AT_REMOVEDIR), 0);
}

/* Create (or truncate) name and write len bytes of buf at pos. Return:
 * the byte count written or -errno. */
static inline ssize_t write_file(const char *name, const void *buf, size_t len, loff_t pos)
{
	struct file *f;
	ssize_t n;
	int err = vfs_open(name, O_WRONLY | O_CREAT, 0644, &f);

	if (err)
		return err;
	n = kernel_write(f, buf, len, &pos);
	file_put(f);
	return n;
}

static inline ssize_t read_file(const char *name, void *buf, size_t len, loff_t pos)
{
	struct file *f;
	ssize_t n;
	int err = vfs_open(name, O_RDONLY, 0, &f);

	if (err)
		return err;
	n = kernel_read(f, buf, len, &pos);
	file_put(f);
	return n;
}

static inline struct kstat stat_of(const char *name)
{
	struct kstat st;

	memset(&st, 0, sizeof(st));
	if (vfs_statat(AT_FDCWD, name, AT_SYMLINK_NOFOLLOW, &st))
		st.mode = 0; /* the caller's checks then fail */
	return st;
}

static inline uint64_t bfree_of(const char *name)
{
	struct kstatfs sf;

	if (vfs_statfs(name, &sf))
		return UINT64_MAX;
	return sf.bfree;
}

static inline bool all_bytes(const uint8_t *p, size_t len, uint8_t v)
{
	for (size_t i = 0; i < len; i++)
		if (p[i] != v)
			return false;
	return true;
}

