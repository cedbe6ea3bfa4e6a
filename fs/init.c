// SPDX-License-Identifier: MIT
/*
 * Bringing the file systems up at boot (vfs_init) and the wall clock the
 * VFS stamps files with (current_time).
 *
 * Order: the dentry cache; the file-system types (tmpfs, the devices and
 * devtmpfs, proc); tmpfs mounted as "/" and made the kernel process's
 * root and working directory (with an empty descriptor table); the
 * initramfs unpacked into it; then devtmpfs on /dev and proc on /proc,
 * made if the archive lacked them. Linux mounts devtmpfs on /dev by itself
 * only for a disk root (CONFIG_DEVTMPFS_MOUNT) and leaves /proc to init;
 * XDV mounts both so the kernel's own programs find them, and since
 * mounts stack, an init script's own `mount -t proc proc /proc` still
 * works (it hides the kernel's mount).
 *
 * Locks: none of its own; runs once on the boot CPU, may sleep.
 */
#define pr_fmt(fmt) "vfs: " fmt
#include <xdv/errno.h>
#include <xdv/panic.h>
#include <xdv/printk.h>
#include <xdv/time.h>
#include "vfs_internal.h"

struct timespec64 current_time(void)
{
	uint64_t ns = time_since_boot_ns();

	return (struct timespec64){ .sec = wallclock_boot_unix + (int64_t)(ns / 1000000000u),
				    .nsec = (long)(ns % 1000000000u) };
}

/* Mount type on /dir (made first if missing); a failure is reported, not fatal. */
static int mount_on(const char *type, const char *dir)
{
	int err = vfs_mkdirat(AT_FDCWD, dir, 0755);

	if (err && err != -EEXIST)
		pr_warn("cannot make %s: error %d\n", dir, err);
	err = vfs_mount(type, dir, type, 0, NULL);
	if (err)
		pr_warn("cannot mount %s on %s: error %d\n", type, dir, err);
	return err;
}

void vfs_init(void)
{
	struct fs_type *tmpfs;
	struct super_block *sb = NULL;
	struct fs_context *fs;
	struct fd_table *files;
	struct path root;
	int err;

	dcache_init();
	tmpfs_init();
	devices_init();
	procfs_init();

	tmpfs = fs_type_find("tmpfs");
	if (!tmpfs) {
		/* A kernel built without tmpfs goes on with no file systems. */
		pr_err("no tmpfs registered: no root file system\n");
		return;
	}
	err = tmpfs->mount(tmpfs, "rootfs", 0, "mode=0755", &sb);
	if (!err)
		err = mount_root(sb, "rootfs", 0, &root);
	if (err)
		panic("vfs: cannot mount the root file system: error %d", err);
	fs = fs_context_create(&root, &root);
	files = fd_table_create();
	if (!fs || !files)
		panic("vfs: no memory for the kernel's file-system context");
	process_set_fs(kernel_process(), fs, files);
	path_put(&root);

	initramfs_unpack_all();
	err = mount_on("devtmpfs", "/dev");
	err = mount_on("proc", "/proc") ?: err;
	pr_info("root file system mounted (tmpfs)%s\n", err ? "" : ", devtmpfs on /dev, proc on /proc");
}
