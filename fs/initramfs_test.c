// SPDX-License-Identifier: MIT
/*
 * In-kernel tests of the initramfs unpacker (suite "initramfs"): archives
 * built in memory are unpacked into the root file system under a
 * directory of each test's own, and what they made is checked through
 * the VFS (stat, readlink, read), then removed. The parser's own checks
 * are tested on the host (tests/unit/fs/test_cpio.c); these check what
 * the entries become: types, owners, modes, mtimes, hard links, Linux's
 * override rules, and what stays when an archive goes bad.
 *
 * Locks: none of their own; the tests run one at a time.
 */
#include <xdv/errno.h>
#include <xdv/ktest.h>
#include <xdv/mm.h>
#include <xdv/printk.h>
#include <xdv/string.h>
#include "initramfs.h"
#include "internal.h"

struct tentry {
	const char *name;
	uint32_t mode, uid, gid, nlink, mtime, ino;
	const char *data; /* NULL: none */
	uint32_t rmaj, rmin;
};

#define ARCHIVE_MAX 8192

/* Append one newc entry (or the trailer, for e == NULL) at *len. */
static void put_entry(char *buf, size_t *len, const struct tentry *e)
{
	static const struct tentry trailer = { .name = "TRAILER!!!", .nlink = 1 };
	size_t size, name_size;

	if (!e)
		e = &trailer;
	size = e->data ? strlen(e->data) : 0;
	name_size = strlen(e->name) + 1;
	*len += (size_t)snprintf(buf + *len, ARCHIVE_MAX - *len,
				 "070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X",
				 e->ino, e->mode, e->uid, e->gid, e->nlink, e->mtime,
				 (unsigned)size, 0u, 0u, e->rmaj, e->rmin, (unsigned)name_size, 0u);
	memcpy(buf + *len, e->name, name_size);
	*len = ALIGN_UP(*len + name_size, 4);
	memcpy(buf + *len, e->data ? e->data : "", size);
	*len = ALIGN_UP(*len + size, 4);
}

/* An archive of n entries and a trailer, in a zeroed ARCHIVE_MAX buffer. */
static char *build(const struct tentry *ents, unsigned n, size_t *len)
{
	char *buf = kzalloc(ARCHIVE_MAX, GFP_KERNEL);

	*len = 0;
	if (!buf)
		return NULL;
	for (unsigned i = 0; i < n; i++)
		put_entry(buf, len, &ents[i]);
	put_entry(buf, len, NULL);
	return buf;
}

/* rm -r path (best effort, for cleanup). */
static void remove_tree(const char *path)
{
	struct kstat st;
	struct file *dir;
	char *buf, *child;
	ssize_t got;

	if (vfs_statat(AT_FDCWD, path, AT_SYMLINK_NOFOLLOW, &st))
		return;
	if (!S_ISDIR(st.mode)) {
		(void)vfs_unlinkat(AT_FDCWD, path, 0);
		return;
	}
	buf = kmalloc(4096, GFP_KERNEL);
	child = kmalloc(PATH_MAX, GFP_KERNEL);
	if (buf && child && !vfs_openat(AT_FDCWD, path, O_RDONLY | O_DIRECTORY, 0, &dir)) {
		/* Removing while reading: start over until only . and .. are left. */
		bool removed = true;

		while (removed) {
			removed = false;
			(void)vfs_llseek(dir, 0, SEEK_SET);
			while ((got = vfs_getdents64(dir, buf, 4096)) > 0) {
				for (ssize_t off = 0; off < got;) {
					struct linux_dirent64 *d = (void *)(buf + off);

					off += d->d_reclen;
					if (!strcmp(d->d_name, ".") || !strcmp(d->d_name, ".."))
						continue;
					snprintf(child, PATH_MAX, "%s/%s", path, d->d_name);
					remove_tree(child);
					removed = true;
				}
			}
		}
		file_put(dir);
	}
	kfree(buf);
	kfree(child);
	(void)vfs_unlinkat(AT_FDCWD, path, AT_REMOVEDIR);
}

static bool stat_is(struct ktest *t, const char *path, uint32_t mode, uint32_t uid,
		    uint32_t gid, int64_t mtime)
{
	struct kstat st;
	int err = vfs_statat(AT_FDCWD, path, AT_SYMLINK_NOFOLLOW, &st);

	if (!KTEST_EXPECT_EQ(t, err, 0)) {
		ktest_note(t, "stat %s: %d", path, err);
		return false;
	}
	return KTEST_EXPECT_EQ(t, st.mode, mode) && KTEST_EXPECT_EQ(t, st.uid, uid) &&
	       KTEST_EXPECT_EQ(t, st.gid, gid) &&
	       (mtime < 0 || KTEST_EXPECT_EQ(t, st.mtime.sec, mtime));
}

/* The content of a small file as a string (buf of size bytes). */
static ssize_t read_all(const char *path, char *buf, size_t size)
{
	struct file *f;
	loff_t pos = 0;
	ssize_t n;
	int err = vfs_openat(AT_FDCWD, path, O_RDONLY, 0, &f);

	if (err)
		return err;
	n = kernel_read(f, buf, size - 1, &pos);
	file_put(f);
	buf[n > 0 ? n : 0] = '\0';
	return n;
}

KTEST(initramfs, initramfs_unpack_buffer_every_type_made_with_attributes)
{
	static const struct tentry ents[] = {
		{ "kt_ir", 040755, 0, 0, 2, 1000, 1, NULL, 0, 0 },
		{ "./kt_ir/d", 040750, 5, 6, 2, 2000, 2, NULL, 0, 0 },
		{ "kt_ir/d/f", 0100640, 7, 8, 1, 3000, 3, "hello", 0, 0 },
		{ "kt_ir/h1", 0100600, 0, 0, 2, 4000, 9, NULL, 0, 0 },
		{ "kt_ir/h2", 0100600, 0, 0, 2, 4000, 9, "linked", 0, 0 },
		{ "/kt_ir/sym", 0120777, 3, 4, 1, 5000, 4, "d/f", 0, 0 },
		{ "kt_ir/fifo", 010600, 0, 0, 1, 6000, 5, NULL, 0, 0 },
		{ "kt_ir/null", 020666, 0, 0, 1, 7000, 6, NULL, 1, 3 },
		{ "kt_ir/p/q/r", 0100644, 0, 0, 1, 8000, 7, "deep", 0, 0 },
		{ "kt_ir/suid", 0104755, 9, 9, 1, 9000, 8, "x", 0, 0 },
	};
	struct initramfs_stats stats;
	struct kstat a, b;
	char text[64];
	size_t len;
	char *buf = build(ents, ARRAY_SIZE(ents), &len);

	if (!KTEST_EXPECT(t, buf))
		return;
	KTEST_EXPECT_EQ(t, initramfs_unpack_buffer(buf, len, "ktest", &stats), 0);
	KTEST_EXPECT_EQ(t, stats.entries, ARRAY_SIZE(ents));
	KTEST_EXPECT_EQ(t, stats.errors, 0);
	KTEST_EXPECT_EQ(t, stats.hardlinks, 1);
	KTEST_EXPECT_EQ(t, stats.symlinks, 1);
	KTEST_EXPECT_EQ(t, stats.nodes, 2);
	KTEST_EXPECT(t, stats.bad_reason == NULL);

	/* Directory mtimes hold although entries were made inside later. */
	stat_is(t, "/kt_ir", 040755, 0, 0, 1000);
	stat_is(t, "/kt_ir/d", 040750, 5, 6, 2000);
	stat_is(t, "/kt_ir/d/f", 0100640, 7, 8, 3000);
	KTEST_EXPECT_EQ(t, read_all("/kt_ir/d/f", text, sizeof(text)), 5);
	KTEST_EXPECT_STREQ(t, text, "hello");
	/* One inode for both names, with the data of the entry that had it. */
	KTEST_EXPECT_EQ(t, vfs_statat(AT_FDCWD, "/kt_ir/h1", 0, &a), 0);
	KTEST_EXPECT_EQ(t, vfs_statat(AT_FDCWD, "/kt_ir/h2", 0, &b), 0);
	KTEST_EXPECT_EQ(t, a.ino, b.ino);
	KTEST_EXPECT_EQ(t, a.nlink, 2);
	KTEST_EXPECT_EQ(t, a.size, 6);
	KTEST_EXPECT_EQ(t, read_all("/kt_ir/h1", text, sizeof(text)), 6);
	KTEST_EXPECT_STREQ(t, text, "linked");
	stat_is(t, "/kt_ir/sym", 0120777, 3, 4, 5000);
	KTEST_EXPECT_EQ(t, vfs_readlinkat(AT_FDCWD, "/kt_ir/sym", text, sizeof(text)), 3);
	KTEST_EXPECT_EQ(t, memcmp(text, "d/f", 3), 0);
	stat_is(t, "/kt_ir/fifo", 010600, 0, 0, 6000);
	stat_is(t, "/kt_ir/null", 020666, 0, 0, 7000);
	KTEST_EXPECT_EQ(t, vfs_statat(AT_FDCWD, "/kt_ir/null", 0, &a), 0);
	KTEST_EXPECT_EQ(t, a.rdev, MKDEV(1, 3));
	/* Parents the archive did not list: made 0755, owned by root. */
	stat_is(t, "/kt_ir/p", 040755, 0, 0, -1);
	stat_is(t, "/kt_ir/p/q/r", 0100644, 0, 0, 8000);
	/* Set-id bits survive the chown (chmod comes after it). */
	stat_is(t, "/kt_ir/suid", 0104755, 9, 9, 9000);
	remove_tree("/kt_ir");
	kfree(buf);
}

KTEST(initramfs, initramfs_unpack_buffer_later_archive_overrides_and_replaces_types)
{
	static const struct tentry first[] = {
		{ "kt_ir2", 040755, 0, 0, 2, 1000, 1, NULL, 0, 0 },
		{ "kt_ir2/a", 0100644, 0, 0, 1, 1000, 2, "a rather long content", 0, 0 },
		{ "kt_ir2/b", 0120777, 0, 0, 1, 1000, 3, "a", 0, 0 },
		{ "kt_ir2/c", 0100644, 0, 0, 1, 1000, 4, "c", 0, 0 },
	};
	static const struct tentry second[] = {
		{ "kt_ir2/a", 0100600, 1, 1, 1, 2000, 2, "s", 0, 0 },
		{ "kt_ir2/b", 0100644, 0, 0, 1, 2000, 3, "now a file", 0, 0 },
		{ "kt_ir2/c", 040700, 0, 0, 2, 2000, 4, NULL, 0, 0 },
	};
	size_t len1, len2;
	char *buf1 = build(first, ARRAY_SIZE(first), &len1);
	char *buf2 = build(second, ARRAY_SIZE(second), &len2);
	char text[64];

	if (!KTEST_EXPECT(t, buf1 && buf2))
		goto out;
	KTEST_EXPECT_EQ(t, initramfs_unpack_buffer(buf1, len1, "ktest 1", NULL), 0);
	KTEST_EXPECT_EQ(t, initramfs_unpack_buffer(buf2, len2, "ktest 2", NULL), 0);
	/* Rewritten from the start (O_TRUNC), not over the old data. */
	stat_is(t, "/kt_ir2/a", 0100600, 1, 1, 2000);
	KTEST_EXPECT_EQ(t, read_all("/kt_ir2/a", text, sizeof(text)), 1);
	KTEST_EXPECT_STREQ(t, text, "s");
	stat_is(t, "/kt_ir2/b", 0100644, 0, 0, 2000);
	KTEST_EXPECT_EQ(t, read_all("/kt_ir2/b", text, sizeof(text)), 10);
	stat_is(t, "/kt_ir2/c", 040700, 0, 0, 2000);
out:
	remove_tree("/kt_ir2");
	kfree(buf1);
	kfree(buf2);
}

KTEST(initramfs, initramfs_unpack_buffer_bad_entry_keeps_earlier_and_reports_offset)
{
	static const struct tentry ents[] = {
		{ "kt_ir3", 040755, 0, 0, 2, 1000, 1, NULL, 0, 0 },
		{ "kt_ir3/good", 0100644, 0, 0, 1, 1000, 2, "good", 0, 0 },
		{ "kt_ir3/bad", 0100644, 0, 0, 1, 1000, 3, "bad", 0, 0 },
		{ "kt_ir3/after", 0100644, 0, 0, 1, 1000, 4, "after", 0, 0 },
	};
	struct initramfs_stats stats;
	struct kstat st;
	size_t len, bad = 0;
	char *buf = build(ents, ARRAY_SIZE(ents), &len);

	if (!KTEST_EXPECT(t, buf))
		return;
	/* The third header: a garbage byte in its mode field. */
	put_entry(buf, &bad, &ents[0]);
	put_entry(buf, &bad, &ents[1]);
	buf[bad + 6 + 8 + 2] = 'q';
	KTEST_EXPECT_EQ(t, initramfs_unpack_buffer(buf, len, "ktest", &stats), -EINVAL);
	KTEST_EXPECT_EQ(t, stats.bad_offset, bad);
	KTEST_EXPECT(t, stats.bad_reason && !strcmp(stats.bad_reason,
						     "header field is not 8 hex digits"));
	KTEST_EXPECT_EQ(t, stats.entries, 2);
	KTEST_EXPECT_EQ(t, vfs_statat(AT_FDCWD, "/kt_ir3/good", 0, &st), 0);
	KTEST_EXPECT_EQ(t, vfs_statat(AT_FDCWD, "/kt_ir3/bad", 0, &st), -ENOENT);
	KTEST_EXPECT_EQ(t, vfs_statat(AT_FDCWD, "/kt_ir3/after", 0, &st), -ENOENT);
	remove_tree("/kt_ir3");
	kfree(buf);
}

KTEST(initramfs, initramfs_unpack_buffer_hard_links_pair_within_one_archive_only)
{
	static const struct tentry one = { "kt_ir4/x", 0100644, 0, 0, 2, 1000, 50, "one", 0, 0 };
	static const struct tentry two = { "kt_ir4/y", 0100644, 0, 0, 2, 1000, 50, "two", 0, 0 };
	char *buf = kzalloc(ARCHIVE_MAX, GFP_KERNEL);
	struct kstat a, b;
	size_t len = 0;

	if (!KTEST_EXPECT(t, buf))
		return;
	/* Two archives in one buffer, zeros between them, the same ino in each. */
	put_entry(buf, &len, &one);
	put_entry(buf, &len, NULL);
	len += 8;
	put_entry(buf, &len, &two);
	put_entry(buf, &len, NULL);
	KTEST_EXPECT_EQ(t, initramfs_unpack_buffer(buf, len, "ktest", NULL), 0);
	KTEST_EXPECT_EQ(t, vfs_statat(AT_FDCWD, "/kt_ir4/x", 0, &a), 0);
	KTEST_EXPECT_EQ(t, vfs_statat(AT_FDCWD, "/kt_ir4/y", 0, &b), 0);
	KTEST_EXPECT_NE(t, a.ino, b.ino);
	KTEST_EXPECT_EQ(t, a.nlink, 1);
	remove_tree("/kt_ir4");
	kfree(buf);
}
