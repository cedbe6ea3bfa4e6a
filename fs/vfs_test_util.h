/* SPDX-License-Identifier: MIT */
/*
 * Helpers shared by the VFS core's KTAP tests (vfs_test.c, namei_test.c,
 * mount_test.c, fd_table_test.c, vfs_stress_test.c): each test works in a
 * fresh tmpfs mounted on a directory of its own, through the kernel API.
 */
#pragma once

#include <xdv/errno.h>
#include <xdv/ktest.h>
#include <xdv/mm.h>
#include <xdv/printk.h>
#include <xdv/string.h>
#include "vfs_internal.h"

/* Make /<dir> and mount a fresh tmpfs on it. Return: 0 or -errno. */
static inline int vt_setup(const char *dir)
{
	int err = vfs_mkdirat(AT_FDCWD, dir, 0755);

	if (err && err != -EEXIST)
		return err;
	return vfs_mount("tmpfs", dir, "tmpfs", 0, NULL);
}

/* Unmount what vt_setup mounted (the test fails if it is still busy). */
static inline int vt_teardown(const char *dir)
{
	int err = vfs_umount(dir, 0);

	if (!err)
		(void)vfs_unlinkat(AT_FDCWD, dir, AT_REMOVEDIR);
	return err;
}

/* Create (or truncate) name with data. Return: bytes written or -errno. */
static inline ssize_t vt_write_file(const char *name, const char *data, umode_t mode)
{
	struct file *f;
	ssize_t n;
	int err = vfs_open(name, O_CREAT | O_WRONLY | O_TRUNC, mode, &f);

	if (err)
		return err;
	n = kernel_write(f, data, strlen(data), NULL);
	file_put(f);
	return n;
}

/* Read up to len - 1 bytes of name into buf, NUL-terminated. Return: bytes or -errno. */
static inline ssize_t vt_read_file(const char *name, char *buf, size_t len)
{
	struct file *f;
	ssize_t n;
	int err = vfs_open(name, O_RDONLY, 0, &f);

	if (err)
		return err;
	n = kernel_read(f, buf, len - 1, NULL);
	file_put(f);
	buf[n > 0 ? n : 0] = '\0';
	return n;
}

static inline bool vt_exists(const char *name)
{
	struct kstat st;

	return vfs_statat(AT_FDCWD, name, AT_SYMLINK_NOFOLLOW, &st) == 0;
}
