// SPDX-License-Identifier: MIT
/*
 * KTAP tests of the VFS core through its kernel API (suite "vfs"): open
 * and its flags, read/write/lseek, getdents64, the name-space calls and
 * their errors, attributes, stat layouts. Each test works in a fresh
 * tmpfs of its own (vfs_test_util.h).
 *
 * Locks: none of their own.
 */
#include "vfs_test_util.h"

KTEST(vfs, open_create_write_read_roundtrip_same_bytes)
{
	char buf[32];
	struct kstat st;
	struct file *f;

	KTEST_EXPECT_EQ(t, vt_setup("/vt_rw"), 0);
	KTEST_EXPECT_EQ(t, vfs_open("/vt_rw/a", O_CREAT | O_RDWR, 0644, &f), 0);
	KTEST_EXPECT_EQ(t, kernel_write(f, "hello, world", 12, NULL), 12);
	KTEST_EXPECT_EQ(t, vfs_llseek(f, 7, SEEK_SET), 7);
	KTEST_EXPECT_EQ(t, kernel_read(f, buf, sizeof(buf), NULL), 5);
	buf[5] = '\0';
	KTEST_EXPECT_STREQ(t, buf, "world");
	KTEST_EXPECT_EQ(t, kernel_read(f, buf, sizeof(buf), NULL), 0); /* EOF */
	KTEST_EXPECT_EQ(t, vfs_fstat(f, &st), 0);
	KTEST_EXPECT_EQ(t, st.size, 12);
	KTEST_EXPECT_EQ(t, st.mode, S_IFREG | 0644);
	KTEST_EXPECT_EQ(t, st.nlink, 1);
	KTEST_EXPECT_EQ(t, vfs_llseek(f, -2, SEEK_END), 10);
	KTEST_EXPECT_EQ(t, vfs_llseek(f, -20, SEEK_CUR), -EINVAL);
	KTEST_EXPECT_EQ(t, vfs_llseek(f, 0, 99), -EINVAL);
	file_put(f);
	KTEST_EXPECT_EQ(t, vt_read_file("/vt_rw/a", buf, sizeof(buf)), 12);
	KTEST_EXPECT_STREQ(t, buf, "hello, world");
	KTEST_EXPECT_EQ(t, vt_teardown("/vt_rw"), 0);
}

KTEST(vfs, open_flags_errors_as_linux)
{
	struct file *f = NULL;
	char buf[8];

	KTEST_EXPECT_EQ(t, vt_setup("/vt_of"), 0);
	KTEST_EXPECT_EQ(t, vt_write_file("/vt_of/f", "x", 0644), 1);
	KTEST_EXPECT_EQ(t, vfs_mkdirat(AT_FDCWD, "/vt_of/d", 0755), 0);
	KTEST_EXPECT_EQ(t, vfs_symlinkat("f", AT_FDCWD, "/vt_of/l"), 0);
	KTEST_EXPECT_EQ(t, vfs_symlinkat("nothere", AT_FDCWD, "/vt_of/dangling"), 0);

	KTEST_EXPECT_EQ(t, vfs_open("/vt_of/f", O_CREAT | O_EXCL | O_WRONLY, 0644, &f), -EEXIST);
	KTEST_EXPECT_EQ(t, vfs_open("/vt_of/dangling", O_CREAT | O_EXCL | O_WRONLY, 0644, &f),
			-EEXIST);
	KTEST_EXPECT_EQ(t, vfs_open("/vt_of/l", O_RDONLY | O_NOFOLLOW, 0, &f), -ELOOP);
	KTEST_EXPECT_EQ(t, vfs_open("/vt_of/f", O_RDONLY | O_DIRECTORY, 0, &f), -ENOTDIR);
	KTEST_EXPECT_EQ(t, vfs_open("/vt_of/d", O_WRONLY, 0, &f), -EISDIR);
	KTEST_EXPECT_EQ(t, vfs_open("/vt_of/d", O_RDWR, 0, &f), -EISDIR);
	KTEST_EXPECT_EQ(t, vfs_open("/vt_of/d", O_CREAT | O_RDONLY, 0644, &f), -EISDIR);
	KTEST_EXPECT_EQ(t, vfs_open("/vt_of/new/", O_CREAT | O_WRONLY, 0644, &f), -EISDIR);
	KTEST_EXPECT_EQ(t, vfs_open("/vt_of/none", O_RDONLY, 0, &f), -ENOENT);
	KTEST_EXPECT_EQ(t, vfs_open("/vt_of/f/x", O_RDONLY, 0, &f), -ENOTDIR);
	KTEST_EXPECT_EQ(t, vfs_open("/vt_of/f", 3, 0, &f), -EINVAL);

	/* O_CREAT without O_EXCL follows a dangling link and creates its target. */
	KTEST_EXPECT_EQ(t, vfs_open("/vt_of/dangling", O_CREAT | O_WRONLY, 0600, &f), 0);
	file_put(f);
	KTEST_EXPECT(t, vt_exists("/vt_of/nothere"));

	/* O_PATH: opens even a symlink with O_NOFOLLOW; no I/O. */
	KTEST_EXPECT_EQ(t, vfs_open("/vt_of/l", O_PATH | O_NOFOLLOW, 0, &f), 0);
	KTEST_EXPECT_EQ(t, kernel_read(f, buf, sizeof(buf), NULL), -EBADF);
	KTEST_EXPECT_EQ(t, kernel_write(f, "x", 1, NULL), -EBADF);
	file_put(f);

	/* A directory opens read-only; reading it is -EISDIR. */
	KTEST_EXPECT_EQ(t, vfs_open("/vt_of/d", O_RDONLY | O_DIRECTORY, 0, &f), 0);
	KTEST_EXPECT_EQ(t, kernel_read(f, buf, sizeof(buf), NULL), -EISDIR);
	file_put(f);
	KTEST_EXPECT_EQ(t, vt_teardown("/vt_of"), 0);
}

KTEST(vfs, trunc_append_and_access_modes_behave_as_linux)
{
	char buf[32];
	struct file *f;
	loff_t pos = -1;

	KTEST_EXPECT_EQ(t, vt_setup("/vt_ta"), 0);
	KTEST_EXPECT_EQ(t, vt_write_file("/vt_ta/f", "abcdef", 0644), 6);
	KTEST_EXPECT_EQ(t, vfs_open("/vt_ta/f", O_WRONLY | O_APPEND, 0, &f), 0);
	KTEST_EXPECT_EQ(t, kernel_write(f, "XY", 2, NULL), 2);
	KTEST_EXPECT_EQ(t, f->pos, 8);
	KTEST_EXPECT_EQ(t, kernel_read(f, buf, 4, NULL), -EBADF); /* write-only */
	KTEST_EXPECT_EQ(t, kernel_write(f, "x", 1, &pos), -EINVAL); /* negative offset */
	file_put(f);
	KTEST_EXPECT_EQ(t, vt_read_file("/vt_ta/f", buf, sizeof(buf)), 8);
	KTEST_EXPECT_STREQ(t, buf, "abcdefXY");

	KTEST_EXPECT_EQ(t, vfs_open("/vt_ta/f", O_RDONLY, 0, &f), 0);
	KTEST_EXPECT_EQ(t, kernel_write(f, "x", 1, NULL), -EBADF); /* read-only */
	pos = 3;
	KTEST_EXPECT_EQ(t, kernel_read(f, buf, 2, &pos), 2);       /* pread */
	KTEST_EXPECT_EQ(t, memcmp(buf, "de", 2), 0);
	KTEST_EXPECT_EQ(t, pos, 5);
	KTEST_EXPECT_EQ(t, f->pos, 0);                             /* pread left pos */
	KTEST_EXPECT_EQ(t, vfs_ftruncate(f, 0), -EINVAL);          /* not writable */
	file_put(f);

	KTEST_EXPECT_EQ(t, vfs_open("/vt_ta/f", O_RDWR | O_TRUNC, 0, &f), 0);
	KTEST_EXPECT_EQ(t, f->inode->size, 0);
	KTEST_EXPECT_EQ(t, vfs_ftruncate(f, 100), 0);
	KTEST_EXPECT_EQ(t, f->inode->size, 100);
	KTEST_EXPECT_EQ(t, vfs_ftruncate(f, -1), -EINVAL);
	file_put(f);
	KTEST_EXPECT_EQ(t, vfs_truncate("/vt_ta/f", 3), 0);
	KTEST_EXPECT_EQ(t, vt_read_file("/vt_ta/f", buf, sizeof(buf)), 3);
	KTEST_EXPECT_EQ(t, memcmp(buf, "\0\0\0", 3), 0);
	KTEST_EXPECT_EQ(t, vfs_truncate("/vt_ta", 0), -EISDIR);
	KTEST_EXPECT_EQ(t, vfs_truncate("/vt_ta/f", -1), -EINVAL);
	KTEST_EXPECT_EQ(t, vt_teardown("/vt_ta"), 0);
}

struct seen {
	unsigned count, dots;
	bool names[8];
};

static void parse_dirents(const char *buf, ssize_t n, struct seen *s, int64_t *last_off)
{
	for (ssize_t off = 0; off < n;) {
		const struct linux_dirent64 *d = (const void *)(buf + off);

		if (!strcmp(d->d_name, ".") || !strcmp(d->d_name, ".."))
			s->dots++;
		else if (d->d_name[0] == 'e' && d->d_name[1] >= '0' && d->d_name[1] < '8')
			s->names[d->d_name[1] - '0'] = true;
		s->count++;
		*last_off = d->d_off;
		off += d->d_reclen;
	}
}

KTEST(vfs, getdents64_lists_every_entry_and_resumes_at_d_off)
{
	char name[32];
	char buf[512];
	struct seen s = { 0 };
	struct file *f;
	int64_t last_off = 0;
	ssize_t n;

	KTEST_EXPECT_EQ(t, vt_setup("/vt_gd"), 0);
	for (int i = 0; i < 8; i++) {
		snprintf(name, sizeof(name), "/vt_gd/e%d", i);
		KTEST_EXPECT_EQ(t, vt_write_file(name, "", 0644), 0);
	}
	KTEST_EXPECT_EQ(t, vfs_open("/vt_gd", O_RDONLY | O_DIRECTORY, 0, &f), 0);
	/* A buffer too small for one record. */
	KTEST_EXPECT_EQ(t, vfs_getdents64(f, buf, 10), -EINVAL);
	/* Room for about three records per call: several calls, nothing lost. */
	while ((n = vfs_getdents64(f, buf, 80)) > 0)
		parse_dirents(buf, n, &s, &last_off);
	KTEST_EXPECT_EQ(t, n, 0);
	KTEST_EXPECT_EQ(t, s.count, 10);
	KTEST_EXPECT_EQ(t, s.dots, 2);
	for (int i = 0; i < 8; i++)
		KTEST_EXPECT(t, s.names[i]);
	/* Rewind, read one record, seek to its d_off: the rest follows. */
	KTEST_EXPECT_EQ(t, vfs_llseek(f, 0, SEEK_SET), 0);
	n = vfs_getdents64(f, buf, 24);
	KTEST_EXPECT(t, n > 0);
	const struct linux_dirent64 *first = (const void *)buf;

	KTEST_EXPECT_STREQ(t, first->d_name, ".");
	KTEST_EXPECT_EQ(t, first->d_type, DT_DIR);
	KTEST_EXPECT_EQ(t, vfs_llseek(f, first->d_off, SEEK_SET), first->d_off);
	memset(&s, 0, sizeof(s));
	while ((n = vfs_getdents64(f, buf, sizeof(buf))) > 0)
		parse_dirents(buf, n, &s, &last_off);
	KTEST_EXPECT_EQ(t, s.count, 9);
	file_put(f);
	KTEST_EXPECT_EQ(t, vfs_open("/vt_gd/e0", O_RDONLY, 0, &f), 0);
	KTEST_EXPECT_EQ(t, vfs_getdents64(f, buf, sizeof(buf)), -ENOTDIR);
	file_put(f);
	KTEST_EXPECT_EQ(t, vt_teardown("/vt_gd"), 0);
}

KTEST(vfs, unlinked_open_file_keeps_data_until_last_close)
{
	char buf[16];
	struct kstat st;
	struct file *f;

	KTEST_EXPECT_EQ(t, vt_setup("/vt_ul"), 0);
	KTEST_EXPECT_EQ(t, vt_write_file("/vt_ul/f", "still here", 0644), 10);
	KTEST_EXPECT_EQ(t, vfs_open("/vt_ul/f", O_RDWR, 0, &f), 0);
	KTEST_EXPECT_EQ(t, vfs_unlinkat(AT_FDCWD, "/vt_ul/f", 0), 0);
	KTEST_EXPECT(t, !vt_exists("/vt_ul/f"));
	KTEST_EXPECT_EQ(t, vfs_fstat(f, &st), 0);
	KTEST_EXPECT_EQ(t, st.nlink, 0);
	KTEST_EXPECT_EQ(t, kernel_read(f, buf, sizeof(buf), NULL), 10);
	KTEST_EXPECT_EQ(t, memcmp(buf, "still here", 10), 0);
	KTEST_EXPECT_EQ(t, kernel_write(f, "!", 1, NULL), 1);
	/* The mount is busy while the unlinked file is open. */
	KTEST_EXPECT_EQ(t, vfs_umount("/vt_ul", 0), -EBUSY);
	file_put(f);
	KTEST_EXPECT_EQ(t, vt_teardown("/vt_ul"), 0);
}

KTEST(vfs, mkdir_rmdir_unlink_errors_as_linux)
{
	KTEST_EXPECT_EQ(t, vt_setup("/vt_md"), 0);
	KTEST_EXPECT_EQ(t, vfs_mkdirat(AT_FDCWD, "/vt_md/d", 0755), 0);
	KTEST_EXPECT_EQ(t, vfs_mkdirat(AT_FDCWD, "/vt_md/d/", 0755), -EEXIST);
	KTEST_EXPECT_EQ(t, vfs_mkdirat(AT_FDCWD, "/vt_md/e/", 0755), 0); /* trailing slash ok */
	KTEST_EXPECT_EQ(t, vfs_mkdirat(AT_FDCWD, "/", 0755), -EEXIST);
	KTEST_EXPECT_EQ(t, vfs_mkdirat(AT_FDCWD, "/vt_md/no/x", 0755), -ENOENT);
	KTEST_EXPECT_EQ(t, vt_write_file("/vt_md/d/f", "1", 0644), 1);
	KTEST_EXPECT_EQ(t, vfs_mkdirat(AT_FDCWD, "/vt_md/d/f/x", 0755), -ENOTDIR);
	KTEST_EXPECT_EQ(t, vfs_unlinkat(AT_FDCWD, "/vt_md/d", AT_REMOVEDIR), -ENOTEMPTY);
	KTEST_EXPECT_EQ(t, vfs_unlinkat(AT_FDCWD, "/vt_md/d", 0), -EISDIR);
	KTEST_EXPECT_EQ(t, vfs_unlinkat(AT_FDCWD, "/vt_md/d/f", AT_REMOVEDIR), -ENOTDIR);
	KTEST_EXPECT_EQ(t, vfs_unlinkat(AT_FDCWD, "/vt_md/d/f/", 0), -ENOTDIR);
	KTEST_EXPECT_EQ(t, vfs_unlinkat(AT_FDCWD, "/vt_md/d/.", AT_REMOVEDIR), -EINVAL);
	KTEST_EXPECT_EQ(t, vfs_unlinkat(AT_FDCWD, "/vt_md/d/..", AT_REMOVEDIR), -ENOTEMPTY);
	KTEST_EXPECT_EQ(t, vfs_unlinkat(AT_FDCWD, "/", AT_REMOVEDIR), -EBUSY);
	KTEST_EXPECT_EQ(t, vfs_unlinkat(AT_FDCWD, "/vt_md/none", 0), -ENOENT);
	KTEST_EXPECT_EQ(t, vfs_unlinkat(AT_FDCWD, "/vt_md/d/f", 0x4000), -EINVAL);
	/* A mount point cannot be removed. */
	KTEST_EXPECT_EQ(t, vfs_unlinkat(AT_FDCWD, "/vt_md", AT_REMOVEDIR), -EBUSY);
	KTEST_EXPECT_EQ(t, vfs_unlinkat(AT_FDCWD, "/vt_md/d/f", 0), 0);
	KTEST_EXPECT_EQ(t, vfs_unlinkat(AT_FDCWD, "/vt_md/d", AT_REMOVEDIR), 0);
	KTEST_EXPECT(t, !vt_exists("/vt_md/d"));
	KTEST_EXPECT_EQ(t, vfs_mkdirat(AT_FDCWD, "/vt_md/d", 0755), 0); /* the name is free again */
	KTEST_EXPECT_EQ(t, vt_teardown("/vt_md"), 0);
}

KTEST(vfs, rename_cases_follow_linux)
{
	char buf[16];
	struct kstat a, b;

	KTEST_EXPECT_EQ(t, vt_setup("/vt_rn"), 0);
	KTEST_EXPECT_EQ(t, vt_write_file("/vt_rn/f1", "one", 0644), 3);
	KTEST_EXPECT_EQ(t, vt_write_file("/vt_rn/f2", "two", 0644), 3);
	KTEST_EXPECT_EQ(t, vfs_mkdirat(AT_FDCWD, "/vt_rn/d1", 0755), 0);
	KTEST_EXPECT_EQ(t, vfs_mkdirat(AT_FDCWD, "/vt_rn/d2", 0755), 0);
	KTEST_EXPECT_EQ(t, vfs_mkdirat(AT_FDCWD, "/vt_rn/full", 0755), 0);
	KTEST_EXPECT_EQ(t, vt_write_file("/vt_rn/full/x", "x", 0644), 1);

	/* Replacing a file. */
	KTEST_EXPECT_EQ(t, vfs_renameat2(AT_FDCWD, "/vt_rn/f1", AT_FDCWD, "/vt_rn/f2", 0), 0);
	KTEST_EXPECT(t, !vt_exists("/vt_rn/f1"));
	KTEST_EXPECT_EQ(t, vt_read_file("/vt_rn/f2", buf, sizeof(buf)), 3);
	KTEST_EXPECT_STREQ(t, buf, "one");
	/* Type mismatches, emptiness, loops. */
	KTEST_EXPECT_EQ(t, vfs_renameat2(AT_FDCWD, "/vt_rn/f2", AT_FDCWD, "/vt_rn/d1", 0), -EISDIR);
	KTEST_EXPECT_EQ(t, vfs_renameat2(AT_FDCWD, "/vt_rn/d1", AT_FDCWD, "/vt_rn/f2", 0), -ENOTDIR);
	KTEST_EXPECT_EQ(t, vfs_renameat2(AT_FDCWD, "/vt_rn/d1", AT_FDCWD, "/vt_rn/full", 0),
			-ENOTEMPTY);
	KTEST_EXPECT_EQ(t, vfs_renameat2(AT_FDCWD, "/vt_rn/d1", AT_FDCWD, "/vt_rn/d1/sub", 0),
			-EINVAL);
	KTEST_EXPECT_EQ(t, vfs_renameat2(AT_FDCWD, "/vt_rn/f2/", AT_FDCWD, "/vt_rn/f3", 0),
			-ENOTDIR);
	KTEST_EXPECT_EQ(t, vfs_renameat2(AT_FDCWD, "/vt_rn/none", AT_FDCWD, "/vt_rn/f3", 0),
			-ENOENT);
	KTEST_EXPECT_EQ(t, vfs_renameat2(AT_FDCWD, "/vt_rn/.", AT_FDCWD, "/vt_rn/f3", 0), -EBUSY);
	KTEST_EXPECT_EQ(t, vfs_renameat2(AT_FDCWD, "/vt_rn/f2", AT_FDCWD, "/vt_rn/d2",
					 RENAME_NOREPLACE), -EEXIST);
	KTEST_EXPECT_EQ(t, vfs_renameat2(AT_FDCWD, "/vt_rn/f2", AT_FDCWD, "/vt_rn/f9",
					 RENAME_NOREPLACE | RENAME_EXCHANGE), -EINVAL);
	KTEST_EXPECT_EQ(t, vfs_renameat2(AT_FDCWD, "/vt_rn/f2", AT_FDCWD, "/f9", 0), -EXDEV);
	/* A directory over an empty one, into another directory. */
	KTEST_EXPECT_EQ(t, vfs_renameat2(AT_FDCWD, "/vt_rn/d1", AT_FDCWD, "/vt_rn/d2", 0), 0);
	KTEST_EXPECT(t, !vt_exists("/vt_rn/d1"));
	KTEST_EXPECT_EQ(t, vfs_renameat2(AT_FDCWD, "/vt_rn/d2", AT_FDCWD, "/vt_rn/full/d", 0), 0);
	KTEST_EXPECT_EQ(t, vfs_statat(AT_FDCWD, "/vt_rn/full/d/..", 0, &a), 0);
	KTEST_EXPECT_EQ(t, vfs_statat(AT_FDCWD, "/vt_rn/full", 0, &b), 0);
	KTEST_EXPECT_EQ(t, a.ino, b.ino); /* ".." moved with it */
	/* Hard links to one file: a no-op, both names stay. */
	KTEST_EXPECT_EQ(t, vfs_linkat(AT_FDCWD, "/vt_rn/f2", AT_FDCWD, "/vt_rn/h", 0), 0);
	KTEST_EXPECT_EQ(t, vfs_renameat2(AT_FDCWD, "/vt_rn/f2", AT_FDCWD, "/vt_rn/h", 0), 0);
	KTEST_EXPECT(t, vt_exists("/vt_rn/f2") && vt_exists("/vt_rn/h"));
	/* A long new name (heap-held in the dentry) and back. */
	static const char longname[] = "/vt_rn/a_name_longer_than_the_inline_dentry_buffer_is";

	KTEST_EXPECT_EQ(t, vfs_renameat2(AT_FDCWD, "/vt_rn/h", AT_FDCWD, longname, 0), 0);
	KTEST_EXPECT_EQ(t, vt_read_file(longname, buf, sizeof(buf)), 3);
	KTEST_EXPECT_EQ(t, vfs_renameat2(AT_FDCWD, longname, AT_FDCWD, "/vt_rn/h", 0), 0);
	KTEST_EXPECT_EQ(t, vt_teardown("/vt_rn"), 0);
}

KTEST(vfs, link_symlink_readlink_errors_as_linux)
{
	char buf[32];
	struct kstat st;

	KTEST_EXPECT_EQ(t, vt_setup("/vt_ln"), 0);
	KTEST_EXPECT_EQ(t, vt_write_file("/vt_ln/f", "data", 0644), 4);
	KTEST_EXPECT_EQ(t, vfs_mkdirat(AT_FDCWD, "/vt_ln/d", 0755), 0);
	KTEST_EXPECT_EQ(t, vfs_linkat(AT_FDCWD, "/vt_ln/f", AT_FDCWD, "/vt_ln/g", 0), 0);
	KTEST_EXPECT_EQ(t, vfs_statat(AT_FDCWD, "/vt_ln/f", 0, &st), 0);
	KTEST_EXPECT_EQ(t, st.nlink, 2);
	KTEST_EXPECT_EQ(t, vfs_linkat(AT_FDCWD, "/vt_ln/d", AT_FDCWD, "/vt_ln/dd", 0), -EPERM);
	KTEST_EXPECT_EQ(t, vfs_linkat(AT_FDCWD, "/vt_ln/f", AT_FDCWD, "/vt_ln/g", 0), -EEXIST);
	KTEST_EXPECT_EQ(t, vfs_linkat(AT_FDCWD, "/vt_ln/f", AT_FDCWD, "/vt_ln_x", 0), -EXDEV);
	KTEST_EXPECT_EQ(t, vfs_linkat(AT_FDCWD, "/vt_ln/f", AT_FDCWD, "/vt_ln/g", 0x1), -EINVAL);

	KTEST_EXPECT_EQ(t, vfs_symlinkat("f", AT_FDCWD, "/vt_ln/s"), 0);
	KTEST_EXPECT_EQ(t, vfs_symlinkat("f", AT_FDCWD, "/vt_ln/s"), -EEXIST);
	KTEST_EXPECT_EQ(t, vfs_symlinkat("", AT_FDCWD, "/vt_ln/e"), -ENOENT);
	KTEST_EXPECT_EQ(t, vfs_readlinkat(AT_FDCWD, "/vt_ln/s", buf, sizeof(buf)), 1);
	KTEST_EXPECT_EQ(t, buf[0], 'f');
	KTEST_EXPECT_EQ(t, vfs_readlinkat(AT_FDCWD, "/vt_ln/f", buf, sizeof(buf)), -EINVAL);
	KTEST_EXPECT_EQ(t, vfs_readlinkat(AT_FDCWD, "/vt_ln/s", buf, 0), -EINVAL);
	/* link follows a symlink only with AT_SYMLINK_FOLLOW. */
	KTEST_EXPECT_EQ(t, vfs_linkat(AT_FDCWD, "/vt_ln/s", AT_FDCWD, "/vt_ln/s2", 0), 0);
	KTEST_EXPECT_EQ(t, vfs_statat(AT_FDCWD, "/vt_ln/s2", AT_SYMLINK_NOFOLLOW, &st), 0);
	KTEST_EXPECT(t, S_ISLNK(st.mode));
	KTEST_EXPECT_EQ(t, vfs_linkat(AT_FDCWD, "/vt_ln/s", AT_FDCWD, "/vt_ln/s3",
				      AT_SYMLINK_FOLLOW), 0);
	KTEST_EXPECT_EQ(t, vfs_statat(AT_FDCWD, "/vt_ln/s3", AT_SYMLINK_NOFOLLOW, &st), 0);
	KTEST_EXPECT(t, S_ISREG(st.mode));
	KTEST_EXPECT_EQ(t, st.nlink, 3);
	KTEST_EXPECT_EQ(t, vt_teardown("/vt_ln"), 0);
}

KTEST(vfs, mknod_types_and_special_open)
{
	struct kstat st;
	struct file *f;

	KTEST_EXPECT_EQ(t, vt_setup("/vt_mk"), 0);
	KTEST_EXPECT_EQ(t, vfs_mknodat(AT_FDCWD, "/vt_mk/fifo", S_IFIFO | 0644, 0), 0);
	KTEST_EXPECT_EQ(t, vfs_mknodat(AT_FDCWD, "/vt_mk/reg", 0644, 0), 0);
	KTEST_EXPECT_EQ(t, vfs_mknodat(AT_FDCWD, "/vt_mk/dir", S_IFDIR | 0755, 0), -EPERM);
	KTEST_EXPECT_EQ(t, vfs_mknodat(AT_FDCWD, "/vt_mk/bad", 0170000, 0), -EINVAL);
	KTEST_EXPECT_EQ(t, vfs_mknodat(AT_FDCWD, "/vt_mk/c", S_IFCHR | 0600, MKDEV(240, 7)), 0);
	KTEST_EXPECT_EQ(t, vfs_statat(AT_FDCWD, "/vt_mk/c", 0, &st), 0);
	KTEST_EXPECT_EQ(t, st.mode, S_IFCHR | 0600);
	KTEST_EXPECT_EQ(t, st.rdev, MKDEV(240, 7));
	KTEST_EXPECT_EQ(t, vfs_statat(AT_FDCWD, "/vt_mk/reg", 0, &st), 0);
	KTEST_EXPECT(t, S_ISREG(st.mode));
	/* No driver has major 240; FIFOs wait for pipes. */
	KTEST_EXPECT_EQ(t, vfs_open("/vt_mk/c", O_RDONLY, 0, &f), -ENXIO);
	KTEST_EXPECT_EQ(t, vfs_open("/vt_mk/fifo", O_RDONLY, 0, &f), -ENXIO);
	KTEST_EXPECT_EQ(t, vt_teardown("/vt_mk"), 0);
}

KTEST(vfs, chmod_chown_utimens_truncate_set_attributes)
{
	struct timespec64 times[2] = { { 1000, 5 }, { 2000, 7 } };
	struct kstat st;

	KTEST_EXPECT_EQ(t, vt_setup("/vt_at"), 0);
	KTEST_EXPECT_EQ(t, vt_write_file("/vt_at/f", "abc", 0644), 3);
	KTEST_EXPECT_EQ(t, vfs_fchmodat(AT_FDCWD, "/vt_at/f", 04755, 0), 0);
	KTEST_EXPECT_EQ(t, vfs_statat(AT_FDCWD, "/vt_at/f", 0, &st), 0);
	KTEST_EXPECT_EQ(t, st.mode, S_IFREG | 04755);
	/* chown clears set-user-ID. */
	KTEST_EXPECT_EQ(t, vfs_fchownat(AT_FDCWD, "/vt_at/f", 1000, 100, 0), 0);
	KTEST_EXPECT_EQ(t, vfs_statat(AT_FDCWD, "/vt_at/f", 0, &st), 0);
	KTEST_EXPECT_EQ(t, st.uid, 1000);
	KTEST_EXPECT_EQ(t, st.gid, 100);
	KTEST_EXPECT_EQ(t, st.mode, S_IFREG | 0755);
	KTEST_EXPECT_EQ(t, vfs_fchownat(AT_FDCWD, "/vt_at/f", (uid_t)-1, 5, 0), 0);
	KTEST_EXPECT_EQ(t, vfs_statat(AT_FDCWD, "/vt_at/f", 0, &st), 0);
	KTEST_EXPECT_EQ(t, st.uid, 1000);
	KTEST_EXPECT_EQ(t, st.gid, 5);

	KTEST_EXPECT_EQ(t, vfs_utimensat(AT_FDCWD, "/vt_at/f", times, 0), 0);
	KTEST_EXPECT_EQ(t, vfs_statat(AT_FDCWD, "/vt_at/f", 0, &st), 0);
	KTEST_EXPECT_EQ(t, st.atime.sec, 1000);
	KTEST_EXPECT_EQ(t, st.atime.nsec, 5);
	KTEST_EXPECT_EQ(t, st.mtime.sec, 2000);
	times[0].nsec = UTIME_OMIT;
	times[1].nsec = UTIME_NOW;
	KTEST_EXPECT_EQ(t, vfs_utimensat(AT_FDCWD, "/vt_at/f", times, 0), 0);
	KTEST_EXPECT_EQ(t, vfs_statat(AT_FDCWD, "/vt_at/f", 0, &st), 0);
	KTEST_EXPECT_EQ(t, st.atime.sec, 1000);  /* omitted */
	KTEST_EXPECT(t, st.mtime.sec > 2000);    /* now */
	times[0].nsec = 1000000000;
	KTEST_EXPECT_EQ(t, vfs_utimensat(AT_FDCWD, "/vt_at/f", times, 0), -EINVAL);

	KTEST_EXPECT_EQ(t, vfs_faccessat(AT_FDCWD, "/vt_at/f", R_OK | W_OK | X_OK, 0), 0);
	KTEST_EXPECT_EQ(t, vfs_faccessat(AT_FDCWD, "/vt_at/none", F_OK, 0), -ENOENT);
	KTEST_EXPECT_EQ(t, vfs_faccessat(AT_FDCWD, "/vt_at/f", 8, 0), -EINVAL);
	KTEST_EXPECT_EQ(t, vfs_fchmodat(AT_FDCWD, "/vt_at/f", 0644, 0), 0);
	/* Root may not execute a file with no x bit at all. */
	KTEST_EXPECT_EQ(t, vfs_faccessat(AT_FDCWD, "/vt_at/f", X_OK, 0), -EACCES);
	KTEST_EXPECT_EQ(t, vt_teardown("/vt_at"), 0);
}

KTEST(vfs, stat_layouts_and_dev_encoding_match_linux)
{
	struct kstat k = { 0 };
	struct stat st;
	struct statx sx;
	struct kstatfs sf;

	/* glibc's makedev: 1:3 -> 0x103; 259:0x12345 spreads the minor. */
	KTEST_EXPECT_EQ(t, dev_encode_user(MKDEV(1, 3)), 0x103);
	KTEST_EXPECT_EQ(t, dev_encode_user(MKDEV(259, 0x12345)), 0x12310345ull);
	KTEST_EXPECT_EQ(t, dev_encode_user(MKDEV(0xfff, 0xfffff)), 0xffffffffull);
	k.mask = STATX_BASIC_STATS;
	k.ino = 42;
	k.dev = MKDEV(8, 1);
	k.rdev = MKDEV(4, 64);
	k.mode = S_IFCHR | 0620;
	k.nlink = 1;
	k.size = 7;
	k.blksize = 4096;
	k.mtime = (struct timespec64){ 1700000000, 123 };
	kstat_to_stat(&k, &st);
	KTEST_EXPECT_EQ(t, st.st_ino, 42);
	KTEST_EXPECT_EQ(t, st.st_dev, 0x801);
	KTEST_EXPECT_EQ(t, st.st_rdev, 0x440);
	KTEST_EXPECT_EQ(t, st.st_mode, S_IFCHR | 0620);
	KTEST_EXPECT_EQ(t, st.st_mtime_sec, 1700000000);
	KTEST_EXPECT_EQ(t, st.st_mtime_nsec, 123);
	KTEST_EXPECT_EQ(t, offsetof(struct stat, st_mode), 24);
	KTEST_EXPECT_EQ(t, offsetof(struct stat, st_size), 48);
	kstat_to_statx(&k, STATX_BASIC_STATS, &sx);
	KTEST_EXPECT_EQ(t, sx.stx_mask, STATX_BASIC_STATS);
	KTEST_EXPECT_EQ(t, sx.stx_rdev_major, 4);
	KTEST_EXPECT_EQ(t, sx.stx_rdev_minor, 64);
	KTEST_EXPECT_EQ(t, sx.stx_dev_major, 8);
	KTEST_EXPECT_EQ(t, sx.stx_mtime.tv_nsec, 123);
	KTEST_EXPECT_EQ(t, offsetof(struct statx, stx_mtime), 112);
	KTEST_EXPECT_EQ(t, offsetof(struct statx, stx_mnt_id), 144);

	KTEST_EXPECT_EQ(t, vt_setup("/vt_st"), 0);
	KTEST_EXPECT_EQ(t, vfs_statfs("/vt_st", &sf), 0);
	KTEST_EXPECT_EQ(t, sf.type, TMPFS_MAGIC);
	KTEST_EXPECT_EQ(t, sf.namelen, NAME_MAX);
	KTEST_EXPECT_EQ(t, vfs_statat(AT_FDCWD, "/vt_st", 0, &k), 0);
	KTEST_EXPECT(t, S_ISDIR(k.mode));
	KTEST_EXPECT(t, k.mask & STATX_MNT_ID);
	KTEST_EXPECT_EQ(t, vfs_statat(AT_FDCWD, "/vt_st", 0x1, &k), -EINVAL);
	KTEST_EXPECT_EQ(t, vt_teardown("/vt_st"), 0);
}

KTEST(vfs, relatime_updates_atime_only_when_older_than_mtime)
{
	struct timespec64 times[2] = { { 5000, 0 }, { 4000, 0 } };
	struct kstat st;
	char buf[4];

	KTEST_EXPECT_EQ(t, vt_setup("/vt_rt"), 0);
	KTEST_EXPECT_EQ(t, vt_write_file("/vt_rt/f", "abc", 0644), 3);
	/* atime newer than mtime and ctime would be; but ctime is now: update. */
	KTEST_EXPECT_EQ(t, vfs_utimensat(AT_FDCWD, "/vt_rt/f", times, 0), 0);
	KTEST_EXPECT_EQ(t, vt_read_file("/vt_rt/f", buf, sizeof(buf)), 3);
	KTEST_EXPECT_EQ(t, vfs_statat(AT_FDCWD, "/vt_rt/f", 0, &st), 0);
	KTEST_EXPECT(t, st.atime.sec > 5000);
	/* Now atime >= mtime and ctime: a second read leaves it. */
	struct timespec64 first = st.atime;

	KTEST_EXPECT_EQ(t, vt_read_file("/vt_rt/f", buf, sizeof(buf)), 3);
	KTEST_EXPECT_EQ(t, vfs_statat(AT_FDCWD, "/vt_rt/f", 0, &st), 0);
	KTEST_EXPECT_EQ(t, st.atime.sec, first.sec);
	KTEST_EXPECT_EQ(t, st.atime.nsec, first.nsec);
	KTEST_EXPECT_EQ(t, vt_teardown("/vt_rt"), 0);
}

KTEST(vfs, rmdir_with_cached_negative_children_frees_the_inode)
{
	struct kstatfs before, after;
	struct kstat st;

	KTEST_EXPECT_EQ(t, vfs_mkdirat(AT_FDCWD, "/vt_neg", 0755), 0);
	KTEST_EXPECT_EQ(t, vfs_mount("tmpfs", "/vt_neg", "tmpfs", 0, "nr_inodes=10"), 0);
	KTEST_EXPECT_EQ(t, vfs_statfs("/vt_neg", &before), 0);
	KTEST_EXPECT_EQ(t, vfs_mkdirat(AT_FDCWD, "/vt_neg/d", 0755), 0);
	KTEST_EXPECT_EQ(t, vfs_mkdirat(AT_FDCWD, "/vt_neg/e", 0755), 0);
	/* Negative entries under d and e pin them in the dcache. */
	KTEST_EXPECT_EQ(t, vfs_statat(AT_FDCWD, "/vt_neg/d/missing", 0, &st), -ENOENT);
	KTEST_EXPECT_EQ(t, vfs_statat(AT_FDCWD, "/vt_neg/e/missing", 0, &st), -ENOENT);
	KTEST_EXPECT_EQ(t, vfs_unlinkat(AT_FDCWD, "/vt_neg/d", AT_REMOVEDIR), 0);
	/* e is replaced by a rename: the same must hold for the victim. */
	KTEST_EXPECT_EQ(t, vfs_mkdirat(AT_FDCWD, "/vt_neg/f", 0755), 0);
	KTEST_EXPECT_EQ(t, vfs_renameat2(AT_FDCWD, "/vt_neg/f", AT_FDCWD, "/vt_neg/e", 0), 0);
	KTEST_EXPECT_EQ(t, vfs_unlinkat(AT_FDCWD, "/vt_neg/e", AT_REMOVEDIR), 0);
	/* Every inode came back at once, with no dcache_shrink. */
	KTEST_EXPECT_EQ(t, vfs_statfs("/vt_neg", &after), 0);
	KTEST_EXPECT_EQ(t, after.ffree, before.ffree);
	KTEST_EXPECT_EQ(t, vt_teardown("/vt_neg"), 0);
}

KTEST(vfs, positioned_io_checks_espipe_efbig_and_path_files)
{
	char buf[4];
	struct file *f;
	loff_t pos;

	KTEST_EXPECT_EQ(t, vt_setup("/vt_pio"), 0);
	KTEST_EXPECT_EQ(t, vfs_open("/vt_pio/f", O_CREAT | O_RDWR, 0644, &f), 0);
	pos = INT64_MAX;
	KTEST_EXPECT_EQ(t, kernel_write(f, "x", 1, &pos), -EFBIG);
	KTEST_EXPECT_EQ(t, vfs_llseek(f, INT64_MAX, SEEK_SET), INT64_MAX);
	KTEST_EXPECT_EQ(t, kernel_write(f, "x", 1, NULL), -EFBIG);
	KTEST_EXPECT_EQ(t, vfs_llseek(f, 1, SEEK_CUR), -EOVERFLOW);
	KTEST_EXPECT_EQ(t, vfs_fallocate(f, 0, -1, 10), -EINVAL);
	KTEST_EXPECT_EQ(t, vfs_fallocate(f, 0, 0, 0), -EINVAL);
	KTEST_EXPECT_EQ(t, vfs_fallocate(f, FALLOC_FL_PUNCH_HOLE, 0, 10), -EOPNOTSUPP);
	KTEST_EXPECT_EQ(t, vfs_fallocate(f, 0, 0, 8192), 0);
	KTEST_EXPECT_EQ(t, f->inode->size, 8192);
	KTEST_EXPECT_EQ(t, vfs_fsync(f, false), 0);
	KTEST_EXPECT_EQ(t, vfs_ioctl(f, 0x5401, 0), -ENOTTY);
	/* A file that cannot seek (a stream): positioned I/O is -ESPIPE. */
	f->mode &= ~FMODE_LSEEK;
	pos = 0;
	KTEST_EXPECT_EQ(t, kernel_read(f, buf, sizeof(buf), &pos), -ESPIPE);
	KTEST_EXPECT_EQ(t, kernel_write(f, "x", 1, &pos), -ESPIPE);
	KTEST_EXPECT_EQ(t, vfs_llseek(f, 0, SEEK_SET), -ESPIPE);
	file_put(f);
	/* An O_PATH file: no I/O of any kind. */
	KTEST_EXPECT_EQ(t, vfs_open("/vt_pio/f", O_PATH, 0, &f), 0);
	KTEST_EXPECT_EQ(t, vfs_llseek(f, 0, SEEK_SET), -EBADF);
	KTEST_EXPECT_EQ(t, vfs_fsync(f, false), -EBADF);
	KTEST_EXPECT_EQ(t, vfs_fallocate(f, 0, 0, 1), -EBADF);
	KTEST_EXPECT_EQ(t, vfs_getdents64(f, buf, sizeof(buf)), -EBADF);
	file_put(f);
	KTEST_EXPECT_EQ(t, vfs_open("/vt_pio", O_RDONLY, 0, &f), 0);
	KTEST_EXPECT_EQ(t, vfs_fallocate(f, 0, 0, 1), -EBADF); /* not open for writing */
	file_put(f);
	KTEST_EXPECT_EQ(t, vt_teardown("/vt_pio"), 0);
}

KTEST(vfs, link_past_max_links_gives_emlink)
{
	char name[32];
	struct kstat st;
	int err = 0;

	KTEST_EXPECT_EQ(t, vfs_mkdirat(AT_FDCWD, "/vt_ml", 0755), 0);
	KTEST_EXPECT_EQ(t, vfs_mount("tmpfs", "/vt_ml", "tmpfs", 0, "nr_inodes=70000"), 0);
	KTEST_EXPECT_EQ(t, vt_write_file("/vt_ml/f", "", 0644), 0);
	for (unsigned i = 1; i < MAX_LINKS && !err; i++) {
		snprintf(name, sizeof(name), "/vt_ml/l%u", i);
		err = vfs_linkat(AT_FDCWD, "/vt_ml/f", AT_FDCWD, name, 0);
	}
	KTEST_EXPECT_EQ(t, err, 0);
	KTEST_EXPECT_EQ(t, vfs_statat(AT_FDCWD, "/vt_ml/f", 0, &st), 0);
	KTEST_EXPECT_EQ(t, st.nlink, MAX_LINKS);
	KTEST_EXPECT_EQ(t, vfs_linkat(AT_FDCWD, "/vt_ml/f", AT_FDCWD, "/vt_ml/one_more", 0),
			-EMLINK);
	KTEST_EXPECT(t, !vt_exists("/vt_ml/one_more"));
	KTEST_EXPECT_EQ(t, vt_teardown("/vt_ml"), 0);
}
