// SPDX-License-Identifier: MIT
/*
 * KTAP tests of the mount table (suite "mount"): -EBUSY while in use,
 * -EINVAL off a mount point, stacking, read-only mounts and remount,
 * bind mounts, unknown types, lazy detach, path_to_string across mounts.
 *
 * Locks: none of their own.
 */
#include "vfs_test_util.h"

KTEST(mount, umount_refuses_busy_and_non_mount_points)
{
	struct file *f;

	KTEST_EXPECT_EQ(t, vt_setup("/vm_b"), 0);
	KTEST_EXPECT_EQ(t, vfs_mkdirat(AT_FDCWD, "/vm_b/d", 0755), 0);
	KTEST_EXPECT_EQ(t, vfs_umount("/vm_b/d", 0), -EINVAL);
	KTEST_EXPECT_EQ(t, vfs_umount("/vm_b/none", 0), -ENOENT);
	KTEST_EXPECT_EQ(t, vfs_umount("/", 0), -EBUSY);
	KTEST_EXPECT_EQ(t, vfs_umount("/vm_b", 0x100), -EINVAL);
	KTEST_EXPECT_EQ(t, vfs_open("/vm_b/d", O_RDONLY, 0, &f), 0);
	KTEST_EXPECT_EQ(t, vfs_umount("/vm_b", 0), -EBUSY);  /* an open file */
	file_put(f);
	KTEST_EXPECT_EQ(t, vfs_chdir("/vm_b/d"), 0);
	KTEST_EXPECT_EQ(t, vfs_umount("/vm_b", 0), -EBUSY);  /* a working directory */
	KTEST_EXPECT_EQ(t, vfs_chdir("/"), 0);
	KTEST_EXPECT_EQ(t, vfs_mount("tmpfs", "/vm_b/d", "tmpfs", 0, NULL), 0);
	KTEST_EXPECT_EQ(t, vfs_umount("/vm_b", 0), -EBUSY);  /* a mount below */
	KTEST_EXPECT_EQ(t, vfs_umount("/vm_b/d", 0), 0);
	KTEST_EXPECT_EQ(t, vfs_mount("nosuchfs", "/vm_b/d", "nosuchfs", 0, NULL), -ENODEV);
	KTEST_EXPECT_EQ(t, vt_write_file("/vm_b/f", "", 0644), 0);
	KTEST_EXPECT_EQ(t, vfs_mount("tmpfs", "/vm_b/f", "tmpfs", 0, NULL), -ENOTDIR);
	KTEST_EXPECT_EQ(t, vt_teardown("/vm_b"), 0);
}

KTEST(mount, stacked_mounts_hide_and_reveal_in_order)
{
	KTEST_EXPECT_EQ(t, vt_setup("/vm_s"), 0);
	KTEST_EXPECT_EQ(t, vt_write_file("/vm_s/lower", "", 0644), 0);
	KTEST_EXPECT_EQ(t, vfs_mount("tmpfs", "/vm_s", "tmpfs", 0, NULL), 0);
	KTEST_EXPECT(t, !vt_exists("/vm_s/lower"));
	KTEST_EXPECT_EQ(t, vt_write_file("/vm_s/upper", "", 0644), 0);
	KTEST_EXPECT_EQ(t, vfs_umount("/vm_s", 0), 0);
	KTEST_EXPECT(t, vt_exists("/vm_s/lower"));
	KTEST_EXPECT(t, !vt_exists("/vm_s/upper"));
	KTEST_EXPECT_EQ(t, vt_teardown("/vm_s"), 0);
}

KTEST(mount, read_only_mount_gives_erofs_until_remounted_rw)
{
	struct file *f;

	KTEST_EXPECT_EQ(t, vt_setup("/vm_ro"), 0);
	KTEST_EXPECT_EQ(t, vt_write_file("/vm_ro/f", "abc", 0644), 3);
	KTEST_EXPECT_EQ(t, vfs_mount(NULL, "/vm_ro", NULL, MS_REMOUNT | MS_RDONLY, NULL), 0);
	KTEST_EXPECT_EQ(t, vfs_open("/vm_ro/f", O_WRONLY, 0, &f), -EROFS);
	KTEST_EXPECT_EQ(t, vfs_open("/vm_ro/g", O_CREAT | O_WRONLY, 0644, &f), -EROFS);
	KTEST_EXPECT_EQ(t, vfs_mkdirat(AT_FDCWD, "/vm_ro/d", 0755), -EROFS);
	KTEST_EXPECT_EQ(t, vfs_unlinkat(AT_FDCWD, "/vm_ro/f", 0), -EROFS);
	KTEST_EXPECT_EQ(t, vfs_renameat2(AT_FDCWD, "/vm_ro/f", AT_FDCWD, "/vm_ro/h", 0), -EROFS);
	KTEST_EXPECT_EQ(t, vfs_fchmodat(AT_FDCWD, "/vm_ro/f", 0600, 0), -EROFS);
	KTEST_EXPECT_EQ(t, vfs_truncate("/vm_ro/f", 0), -EROFS);
	KTEST_EXPECT_EQ(t, vfs_faccessat(AT_FDCWD, "/vm_ro/f", W_OK, 0), -EROFS);
	KTEST_EXPECT_EQ(t, vfs_open("/vm_ro/f", O_RDONLY, 0, &f), 0); /* reading is fine */
	file_put(f);
	KTEST_EXPECT_EQ(t, vfs_mount(NULL, "/vm_ro", NULL, MS_REMOUNT, NULL), 0);
	KTEST_EXPECT_EQ(t, vfs_open("/vm_ro/f", O_WRONLY, 0, &f), 0);
	file_put(f);
	KTEST_EXPECT_EQ(t, vt_teardown("/vm_ro"), 0);
}

KTEST(mount, bind_mount_shows_the_same_files)
{
	struct kstat a, b;
	char buf[64];
	struct path p;

	KTEST_EXPECT_EQ(t, vt_setup("/vm_bd"), 0);
	KTEST_EXPECT_EQ(t, vfs_mkdirat(AT_FDCWD, "/vm_bd/src", 0755), 0);
	KTEST_EXPECT_EQ(t, vfs_mkdirat(AT_FDCWD, "/vm_bd/dst", 0755), 0);
	KTEST_EXPECT_EQ(t, vt_write_file("/vm_bd/src/f", "bound", 0644), 5);
	KTEST_EXPECT_EQ(t, vfs_mount("/vm_bd/src", "/vm_bd/dst", NULL, MS_BIND, NULL), 0);
	KTEST_EXPECT_EQ(t, vfs_statat(AT_FDCWD, "/vm_bd/src/f", 0, &a), 0);
	KTEST_EXPECT_EQ(t, vfs_statat(AT_FDCWD, "/vm_bd/dst/f", 0, &b), 0);
	KTEST_EXPECT_EQ(t, a.ino, b.ino);
	KTEST_EXPECT_NE(t, a.mnt_id, b.mnt_id);
	/* A rename across the two mounts of one fs is still -EXDEV (Linux). */
	KTEST_EXPECT_EQ(t, vfs_renameat2(AT_FDCWD, "/vm_bd/src/f", AT_FDCWD, "/vm_bd/dst/g", 0),
			-EXDEV);
	/* path_to_string crosses mounts: dst/f reads as written. */
	KTEST_EXPECT_EQ(t, vfs_lookup("/vm_bd/dst/f", 0, &p), 0);
	KTEST_EXPECT_EQ(t, path_to_string(&p, NULL, buf, sizeof(buf)), 12);
	KTEST_EXPECT_STREQ(t, buf, "/vm_bd/dst/f");
	KTEST_EXPECT_EQ(t, path_to_string(&p, NULL, buf, 5), -ENAMETOOLONG);
	path_put(&p);
	KTEST_EXPECT_EQ(t, vfs_umount("/vm_bd/dst", 0), 0);
	KTEST_EXPECT(t, !vt_exists("/vm_bd/dst/f"));
	KTEST_EXPECT_EQ(t, vt_teardown("/vm_bd"), 0);
}

KTEST(mount, lazy_detach_keeps_open_files_working)
{
	struct file *f;
	char buf[8];

	KTEST_EXPECT_EQ(t, vt_setup("/vm_lz"), 0);
	KTEST_EXPECT_EQ(t, vt_write_file("/vm_lz/f", "lazy", 0644), 4);
	KTEST_EXPECT_EQ(t, vfs_open("/vm_lz/f", O_RDONLY, 0, &f), 0);
	KTEST_EXPECT_EQ(t, vfs_umount("/vm_lz", 0), -EBUSY);
	KTEST_EXPECT_EQ(t, vfs_umount("/vm_lz", MNT_DETACH), 0);
	KTEST_EXPECT(t, !vt_exists("/vm_lz/f"));
	KTEST_EXPECT_EQ(t, kernel_read(f, buf, sizeof(buf), NULL), 4);
	file_put(f); /* the last reference frees the detached tmpfs */
	KTEST_EXPECT_EQ(t, vfs_unlinkat(AT_FDCWD, "/vm_lz", AT_REMOVEDIR), 0);
}

struct mount_count {
	unsigned n;
	bool root_first;
};

static void count_mount(struct mount *mnt, void *arg)
{
	struct mount_count *c = arg;

	if (c->n++ == 0)
		c->root_first = mnt->parent == mnt;
}

KTEST(mount, mount_for_each_lists_in_mount_order)
{
	struct mount_count before = { 0 }, after = { 0 };

	mount_for_each(count_mount, &before);
	KTEST_EXPECT_EQ(t, vt_setup("/vm_fe"), 0);
	mount_for_each(count_mount, &after);
	KTEST_EXPECT_EQ(t, after.n, before.n + 1);
	KTEST_EXPECT(t, after.root_first);
	KTEST_EXPECT_EQ(t, vt_teardown("/vm_fe"), 0);
}

KTEST(mount, noatime_and_strictatime_control_atime_updates)
{
	struct timespec64 old[2] = { { 1000, 0 }, { 900, 0 } };
	struct kstat st;
	char buf[4];

	KTEST_EXPECT_EQ(t, vfs_mkdirat(AT_FDCWD, "/vm_at", 0755), 0);
	KTEST_EXPECT_EQ(t, vfs_mount("tmpfs", "/vm_at", "tmpfs", MS_NOATIME, NULL), 0);
	KTEST_EXPECT_EQ(t, vt_write_file("/vm_at/f", "abc", 0644), 3);
	KTEST_EXPECT_EQ(t, vfs_utimensat(AT_FDCWD, "/vm_at/f", old, 0), 0);
	KTEST_EXPECT_EQ(t, vt_read_file("/vm_at/f", buf, sizeof(buf)), 3);
	KTEST_EXPECT_EQ(t, vfs_statat(AT_FDCWD, "/vm_at/f", 0, &st), 0);
	KTEST_EXPECT_EQ(t, st.atime.sec, 1000); /* noatime: never */
	/* strictatime: every read, even with atime newer than mtime and ctime. */
	KTEST_EXPECT_EQ(t, vfs_mount(NULL, "/vm_at", NULL, MS_REMOUNT | MS_STRICTATIME, NULL), 0);
	KTEST_EXPECT_EQ(t, vt_read_file("/vm_at/f", buf, sizeof(buf)), 3);
	KTEST_EXPECT_EQ(t, vfs_statat(AT_FDCWD, "/vm_at/f", 0, &st), 0);
	KTEST_EXPECT(t, st.atime.sec > 1000);
	struct timespec64 first = st.atime;

	KTEST_EXPECT_EQ(t, vt_read_file("/vm_at/f", buf, sizeof(buf)), 3);
	KTEST_EXPECT_EQ(t, vfs_statat(AT_FDCWD, "/vm_at/f", 0, &st), 0);
	KTEST_EXPECT(t, st.atime.sec > first.sec ||
			(st.atime.sec == first.sec && st.atime.nsec > first.nsec));
	KTEST_EXPECT_EQ(t, vt_teardown("/vm_at"), 0);
}
