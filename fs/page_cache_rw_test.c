// SPDX-License-Identifier: MIT
/*
 * KTAP tests of generic_file_read_iter / generic_file_write_iter on tmpfs
 * files (the root, and a small tmpfs for -ENOSPC): a partial-page write
 * keeps the rest of the page, writes extend the size, holes read as zeros
 * without taking pages, reads stop at the size, O_APPEND writes at the
 * end, a write updates mtime and ctime, a write that runs out of space
 * part way returns the bytes done, and positions past the largest file
 * give -EFBIG.
 *
 * Locks: none of their own; the tests run in one thread.
 */
#include <xdv/errno.h>
#include <xdv/ktest.h>
#include <xdv/mm.h>
#include <xdv/string.h>
#include <xdv/vfs.h>

static struct file *rw_open(struct ktest *t, const char *name, int flags)
{
	struct file *f = NULL;

	if (!KTEST_EXPECT_EQ(t, vfs_open(name, flags, 0644, &f), 0))
		return NULL;
	return f;
}

KTEST(page_cache, generic_file_write_iter_partial_page_keeps_rest_and_holes_read_zero)
{
	const char *name = "/pcache-rw-test";
	struct file *f = rw_open(t, name, O_CREAT | O_RDWR | O_TRUNC);
	size_t len = 20003;
	char *buf = kmalloc(len + 100, GFP_KERNEL);
	loff_t pos;
	bool ok = true;

	if (!f || !KTEST_EXPECT(t, buf))
		goto out;
	memset(buf, 'a', 10000);
	pos = 0;
	KTEST_EXPECT_EQ(t, kernel_write(f, buf, 10000, &pos), 10000);
	pos = 5000;
	KTEST_EXPECT_EQ(t, kernel_write(f, "XYZ", 3, &pos), 3);
	KTEST_EXPECT_EQ(t, f->inode->size, 10000);
	pos = 20000;
	KTEST_EXPECT_EQ(t, kernel_write(f, "end", 3, &pos), 3);
	KTEST_EXPECT_EQ(t, f->inode->size, 20003);
	/* Pages 0-2 and 4 hold data; page 3 (12288-16383) is a hole. */
	KTEST_EXPECT_EQ(t, f->inode->data.nr_pages, 4);

	memset(buf, 0x55, len + 100);
	pos = 0;
	KTEST_EXPECT_EQ(t, kernel_read(f, buf, len + 100, &pos), len);
	KTEST_EXPECT_EQ(t, pos, len);
	for (size_t i = 0; i < len; i++) {
		char want = i < 10000 ? 'a' : 0;

		if (i >= 5000 && i < 5003)
			want = "XYZ"[i - 5000];
		if (i >= 20000)
			want = "end"[i - 20000];
		if (buf[i] != want) {
			ktest_note(t, "byte %zu is %#x, want %#x", i, buf[i], want);
			ok = false;
			break;
		}
	}
	KTEST_EXPECT(t, ok);
	KTEST_EXPECT_EQ(t, f->inode->data.nr_pages, 4); /* reading the hole took no page */
	/* Reads stop at the size. */
	pos = 19990;
	KTEST_EXPECT_EQ(t, kernel_read(f, buf, 100, &pos), 13);
	pos = 30000;
	KTEST_EXPECT_EQ(t, kernel_read(f, buf, 100, &pos), 0);
out:
	kfree(buf);
	if (f)
		file_put(f);
	KTEST_EXPECT_EQ(t, vfs_unlinkat(AT_FDCWD, name, 0), 0);
}

KTEST(page_cache, generic_file_write_iter_append_writes_at_end_and_updates_times)
{
	const char *name = "/pcache-append-test";
	struct file *f = rw_open(t, name, O_CREAT | O_RDWR | O_TRUNC);
	struct kvec v = { "tail", 4 };
	struct iov_iter it;
	char buf[16];
	loff_t pos;

	if (!f)
		goto out;
	pos = 0;
	KTEST_EXPECT_EQ(t, kernel_write(f, "head", 4, &pos), 4);
	f->inode->mtime = f->inode->ctime = (struct timespec64){ 1, 0 };
	/* O_APPEND as the file's flag: the write_iter itself puts it at the end. */
	f->flags |= O_APPEND;
	pos = 1;
	iov_iter_kvec(&it, &v, 1);
	KTEST_EXPECT_EQ(t, f->ops->write_iter(f, &it, &pos), 4);
	KTEST_EXPECT_EQ(t, pos, 8);
	f->flags &= ~O_APPEND;
	KTEST_EXPECT_EQ(t, f->inode->size, 8);
	KTEST_EXPECT(t, f->inode->mtime.sec > 1);
	KTEST_EXPECT(t, f->inode->ctime.sec > 1);
	pos = 0;
	KTEST_EXPECT_EQ(t, kernel_read(f, buf, sizeof(buf), &pos), 8);
	KTEST_EXPECT(t, !memcmp(buf, "headtail", 8));
	/* A write of nothing changes nothing. */
	f->inode->mtime = (struct timespec64){ 1, 0 };
	v.len = 0;
	iov_iter_kvec(&it, &v, 1);
	pos = 0;
	KTEST_EXPECT_EQ(t, f->ops->write_iter(f, &it, &pos), 0);
	KTEST_EXPECT_EQ(t, f->inode->mtime.sec, 1);
	file_put(f);
out:
	KTEST_EXPECT_EQ(t, vfs_unlinkat(AT_FDCWD, name, 0), 0);
}

KTEST(page_cache, generic_file_write_iter_out_of_space_returns_bytes_done)
{
	const char *dir = "/pcache-small";
	struct file *f = NULL;
	size_t len = 3 * PAGE_SIZE;
	char *buf = kzalloc(len, GFP_KERNEL);
	loff_t pos = 0;

	if (!KTEST_EXPECT(t, buf))
		return;
	if (!KTEST_EXPECT_EQ(t, vfs_mkdirat(AT_FDCWD, dir, 0755), 0))
		goto out_free;
	if (!KTEST_EXPECT_EQ(t, vfs_mount("tmpfs", dir, "tmpfs", 0, "size=8k"), 0))
		goto out_rmdir;
	f = rw_open(t, "/pcache-small/f", O_CREAT | O_RDWR);
	if (f) {
		memset(buf, 'q', len);
		KTEST_EXPECT_EQ(t, kernel_write(f, buf, len, &pos), 2 * PAGE_SIZE);
		KTEST_EXPECT_EQ(t, f->inode->size, 2 * PAGE_SIZE);
		KTEST_EXPECT_EQ(t, kernel_write(f, buf, 1, &pos), -ENOSPC);
		KTEST_EXPECT_EQ(t, f->inode->size, 2 * PAGE_SIZE);
		/* Rewriting pages it has needs no space. */
		pos = 100;
		KTEST_EXPECT_EQ(t, kernel_write(f, buf, 200, &pos), 200);
		file_put(f);
	}
	KTEST_EXPECT_EQ(t, vfs_unlinkat(AT_FDCWD, "/pcache-small/f", 0), 0);
	KTEST_EXPECT_EQ(t, vfs_umount(dir, 0), 0);
out_rmdir:
	KTEST_EXPECT_EQ(t, vfs_unlinkat(AT_FDCWD, dir, AT_REMOVEDIR), 0);
out_free:
	kfree(buf);
}

KTEST(page_cache, generic_file_write_iter_past_max_size_returns_efbig)
{
	const char *name = "/pcache-efbig-test";
	struct file *f = rw_open(t, name, O_CREAT | O_RDWR | O_TRUNC);
	struct kvec v = { "x", 1 };
	struct iov_iter it;
	loff_t pos;

	if (!f)
		goto out;
	pos = INT64_MAX;
	iov_iter_kvec(&it, &v, 1);
	KTEST_EXPECT_EQ(t, f->ops->write_iter(f, &it, &pos), -EFBIG);
	pos = -1;
	iov_iter_kvec(&it, &v, 1);
	KTEST_EXPECT_EQ(t, f->ops->write_iter(f, &it, &pos), -EINVAL);
	KTEST_EXPECT_EQ(t, f->ops->read_iter(f, &it, &pos), -EINVAL);
	KTEST_EXPECT_EQ(t, f->inode->size, 0);
	KTEST_EXPECT_EQ(t, f->inode->data.nr_pages, 0);
	file_put(f);
out:
	KTEST_EXPECT_EQ(t, vfs_unlinkat(AT_FDCWD, name, 0), 0);
}
