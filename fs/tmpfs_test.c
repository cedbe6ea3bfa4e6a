// SPDX-License-Identifier: MIT
/*
 * In-kernel tests of tmpfs (suite "tmpfs"; directories are in
 * fs/tmpfs_dir_test.c), through the VFS kernel API the way a program
 * would use it: each test mounts a fresh tmpfs with the options it needs
 * on a directory of its own, checks what stat, statfs, read and the
 * errors say against Linux tmpfs's behaviour, and unmounts it. The option
 * parser and the devtmpfs entry points are also tested alone.
 *
 * Locks: none of their own; the tests run one at a time.
 */
#include <xdv/errno.h>
#include <xdv/ktest.h>
#include <xdv/mm.h>
#include <xdv/sched.h>
#include <xdv/string.h>

#include "internal.h"
#include "tmpfs.h"
#include "tmpfs_test.h"

/* ---- options ----------------------------------------------------------------- */

KTEST(tmpfs, parse_options_linux_suffixes_parsed)
{
	struct tmpfs_options o;

	KTEST_EXPECT_EQ(t, tmpfs_parse_options(NULL, 1000, &o), 0);
	KTEST_EXPECT_EQ(t, o.blocks, 500);
	KTEST_EXPECT_EQ(t, o.inodes, 500);
	KTEST_EXPECT_EQ(t, o.mode, 01777);
	KTEST_EXPECT_EQ(t, o.seen, 0);

	KTEST_EXPECT_EQ(t, tmpfs_parse_options("size=64m,nr_inodes=2k,mode=0755,uid=1000,gid=50",
					       1000, &o), 0);
	KTEST_EXPECT_EQ(t, o.blocks, (64u << 20) / PAGE_SIZE);
	KTEST_EXPECT_EQ(t, o.inodes, 2048);
	KTEST_EXPECT_EQ(t, o.mode, 0755);
	KTEST_EXPECT_EQ(t, o.uid, 1000);
	KTEST_EXPECT_EQ(t, o.gid, 50);

	KTEST_EXPECT_EQ(t, tmpfs_parse_options("size=10%", 1000, &o), 0);
	KTEST_EXPECT_EQ(t, o.blocks, 100);
	KTEST_EXPECT_EQ(t, tmpfs_parse_options("size=1%", 1001, &o), 0);
	KTEST_EXPECT_EQ(t, o.blocks, 11); /* 41000 bytes, rounded up to pages */
	KTEST_EXPECT_EQ(t, tmpfs_parse_options("size=1", 1000, &o), 0);
	KTEST_EXPECT_EQ(t, o.blocks, 1); /* rounded up to a page */
	KTEST_EXPECT_EQ(t, tmpfs_parse_options("size=1G", 1000, &o), 0);
	KTEST_EXPECT_EQ(t, o.blocks, (1u << 30) / PAGE_SIZE);
	KTEST_EXPECT_EQ(t, tmpfs_parse_options("size=0x2000,,nr_blocks=3", 1000, &o), 0);
	KTEST_EXPECT_EQ(t, o.blocks, 3);
	KTEST_EXPECT_EQ(t, tmpfs_parse_options("size=0", 1000, &o), 0);
	KTEST_EXPECT_EQ(t, o.blocks, 0); /* unlimited */
	KTEST_EXPECT_EQ(t, o.seen, TMPFS_SEEN_BLOCKS);
}

KTEST(tmpfs, parse_options_bad_values_einval)
{
	static const char *const bad[] = {
		"size", "size=", "size=12q", "size=5%%", "nr_inodes=10%", "mode=8",
		"mode=", "uid=-1", "uid=4294967295", "gid=x", "huge=always",
		"size=99999999999999999999", "size=16e", "nr_inodes=1k2",
	};

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		struct tmpfs_options o;

		if (!KTEST_EXPECT_EQ(t, tmpfs_parse_options(bad[i], 1000, &o), -EINVAL))
			ktest_note(t, "accepted: \"%s\"", bad[i]);
	}
}

/* ---- statfs, limits ------------------------------------------------------------- */

KTEST(tmpfs, statfs_fresh_mount_reports_limits)
{
	const char *dir = "/ktmpfs_statfs";
	struct kstatfs sf;
	struct kstat st;

	if (!KTEST_EXPECT_EQ(t, mount_fresh(dir, "size=1m,nr_inodes=10,mode=700,uid=7"), 0))
		return;
	KTEST_EXPECT_EQ(t, vfs_statfs(dir, &sf), 0);
	KTEST_EXPECT_EQ(t, sf.type, TMPFS_MAGIC);
	KTEST_EXPECT_EQ(t, sf.bsize, 4096);
	KTEST_EXPECT_EQ(t, sf.namelen, 255);
	KTEST_EXPECT_EQ(t, sf.blocks, 256);
	KTEST_EXPECT_EQ(t, sf.bfree, 256);
	KTEST_EXPECT_EQ(t, sf.bavail, 256);
	KTEST_EXPECT_EQ(t, sf.files, 10);
	KTEST_EXPECT_EQ(t, sf.ffree, 9); /* the root is one */
	st = stat_of(dir);
	KTEST_EXPECT_EQ(t, st.mode, S_IFDIR | 0700);
	KTEST_EXPECT_EQ(t, st.uid, 7);
	KTEST_EXPECT_EQ(t, st.nlink, 2);
	KTEST_EXPECT_EQ(t, st.size, 40);
	umount_fresh(t, dir);
}

KTEST(tmpfs, write_past_size_limit_short_then_enospc)
{
	const char *dir = "/ktmpfs_enospc";
	const char *name = "/ktmpfs_enospc/f";
	size_t len = 100 * 1024;
	uint8_t *buf = kmalloc(len, GFP_KERNEL);
	struct kstat st;

	if (!KTEST_EXPECT(t, buf))
		return;
	if (!KTEST_EXPECT_EQ(t, mount_fresh(dir, "size=64k"), 0))
		goto out_buf;
	for (size_t i = 0; i < len; i++)
		buf[i] = (uint8_t)(i * 7 + 3);
	/* 16 pages fit: the write is cut there, as Linux's */
	KTEST_EXPECT_EQ(t, write_file(name, buf, len, 0), 64 * 1024);
	KTEST_EXPECT_EQ(t, write_file(name, buf, 10, 64 * 1024), -ENOSPC);
	KTEST_EXPECT_EQ(t, bfree_of(dir), 0);
	st = stat_of(name);
	KTEST_EXPECT_EQ(t, st.size, 64 * 1024);
	KTEST_EXPECT_EQ(t, st.blocks, 16 * 8);
	/* what went in is there, byte for byte */
	memset(buf, 0, len);
	KTEST_EXPECT_EQ(t, read_file(name, buf, len, 0), 64 * 1024);
	bool same = true;
	for (size_t i = 0; i < 64 * 1024; i++)
		same &= buf[i] == (uint8_t)(i * 7 + 3);
	KTEST_EXPECT(t, same);
	/* a rewrite inside the file needs no new page */
	KTEST_EXPECT_EQ(t, write_file(name, buf, 4096, 4096), 4096);
	/* unlink gives every page back */
	KTEST_EXPECT_EQ(t, vfs_unlinkat(AT_FDCWD, name, 0), 0);
	KTEST_EXPECT_EQ(t, bfree_of(dir), 16);
	KTEST_EXPECT_EQ(t, write_file(name, buf, 4096, 0), 4096);
	KTEST_EXPECT_EQ(t, bfree_of(dir), 15);
	umount_fresh(t, dir);
out_buf:
	kfree(buf);
}

struct fill_arg {
	const char *name;
	uint64_t written;
	int last;
};

/* Append 3000-byte pieces (so writes straddle pages) until one fails. */
static int fill_worker(void *p)
{
	struct fill_arg *a = p;
	static const char piece[3000];
	struct file *f;
	loff_t pos = 0;
	ssize_t n;

	a->last = vfs_open(a->name, O_WRONLY | O_CREAT, 0644, &f);
	if (a->last)
		return 0;
	while ((n = kernel_write(f, piece, sizeof(piece), &pos)) == (ssize_t)sizeof(piece))
		a->written += (uint64_t)n;
	if (n > 0) {
		a->written += (uint64_t)n;
		n = kernel_write(f, piece, sizeof(piece), &pos);
	}
	a->last = (int)n;
	file_put(f);
	return 0;
}

KTEST(tmpfs, racing_writers_fill_exactly_to_limit)
{
	const char *dir = "/ktmpfs_race";
	struct fill_arg args[2] = { { .name = "/ktmpfs_race/a" }, { .name = "/ktmpfs_race/b" } };
	struct thread *th[2];
	uint64_t blocks = 0;

	if (!KTEST_EXPECT_EQ(t, mount_fresh(dir, "size=1m"), 0))
		return;
	for (unsigned i = 0; i < 2; i++) {
		if (thread_create(kernel_process(), fill_worker, &args[i], NULL, &th[i]))
			th[i] = NULL;
		KTEST_EXPECT(t, th[i]);
	}
	for (unsigned i = 0; i < 2; i++) {
		if (th[i])
			thread_join(th[i], NULL);
		KTEST_EXPECT_EQ(t, args[i].last, -ENOSPC);
		struct kstat st = stat_of(args[i].name);
		/* each file's size is what its writer was told went in */
		KTEST_EXPECT_EQ(t, st.size, args[i].written);
		blocks += st.blocks;
	}
	/* every page is charged once: the pages held are the limit */
	KTEST_EXPECT_EQ(t, blocks, 256 * 8);
	KTEST_EXPECT_EQ(t, bfree_of(dir), 0);
	KTEST_EXPECT_EQ(t, vfs_unlinkat(AT_FDCWD, args[0].name, 0), 0);
	KTEST_EXPECT_EQ(t, vfs_unlinkat(AT_FDCWD, args[1].name, 0), 0);
	KTEST_EXPECT_EQ(t, bfree_of(dir), 256);
	umount_fresh(t, dir);
}

KTEST(tmpfs, create_past_nr_inodes_enospc)
{
	const char *dir = "/ktmpfs_inodes";
	struct kstatfs sf;
	struct file *f;

	if (!KTEST_EXPECT_EQ(t, mount_fresh(dir, "nr_inodes=4"), 0))
		return;
	KTEST_EXPECT_EQ(t, write_file("/ktmpfs_inodes/a", "a", 1, 0), 1);
	KTEST_EXPECT_EQ(t, vfs_mkdirat(AT_FDCWD, "/ktmpfs_inodes/d", 0755), 0);
	/* a hard link counts too, as Linux's */
	KTEST_EXPECT_EQ(t, vfs_linkat(AT_FDCWD, "/ktmpfs_inodes/a", AT_FDCWD,
				      "/ktmpfs_inodes/b", 0), 0);
	KTEST_EXPECT_EQ(t, vfs_statfs(dir, &sf), 0);
	KTEST_EXPECT_EQ(t, sf.ffree, 0);
	KTEST_EXPECT_EQ(t, vfs_open("/ktmpfs_inodes/c", O_WRONLY | O_CREAT, 0644, &f), -ENOSPC);
	KTEST_EXPECT_EQ(t, vfs_symlinkat("a", AT_FDCWD, "/ktmpfs_inodes/s"), -ENOSPC);
	KTEST_EXPECT_EQ(t, vfs_mkdirat(AT_FDCWD, "/ktmpfs_inodes/e", 0755), -ENOSPC);
	/* the failed creates left no name behind */
	KTEST_EXPECT_EQ(t, stat_of("/ktmpfs_inodes").size, 40 + 3 * 20);
	KTEST_EXPECT_EQ(t, vfs_unlinkat(AT_FDCWD, "/ktmpfs_inodes/b", 0), 0);
	KTEST_EXPECT_EQ(t, vfs_statfs(dir, &sf), 0);
	KTEST_EXPECT_EQ(t, sf.ffree, 1);
	KTEST_EXPECT_EQ(t, vfs_symlinkat("a", AT_FDCWD, "/ktmpfs_inodes/s"), 0);
	KTEST_EXPECT_EQ(t, vfs_unlinkat(AT_FDCWD, "/ktmpfs_inodes/s", 0), 0);
	KTEST_EXPECT_EQ(t, vfs_unlinkat(AT_FDCWD, "/ktmpfs_inodes/a", 0), 0);
	KTEST_EXPECT_EQ(t, vfs_unlinkat(AT_FDCWD, "/ktmpfs_inodes/d", AT_REMOVEDIR), 0);
	KTEST_EXPECT_EQ(t, vfs_statfs(dir, &sf), 0);
	KTEST_EXPECT_EQ(t, sf.ffree, 3);
	umount_fresh(t, dir);
}

KTEST(tmpfs, remount_size_below_use_einval)
{
	const char *dir = "/ktmpfs_remount";
	char page[4096];
	struct kstatfs sf;

	if (!KTEST_EXPECT_EQ(t, mount_fresh(dir, "size=64k"), 0))
		return;
	memset(page, 0x5a, sizeof(page));
	for (loff_t off = 0; off < 8 * 4096; off += 4096)
		KTEST_EXPECT_EQ(t, write_file("/ktmpfs_remount/f", page, 4096, off), 4096);
	KTEST_EXPECT_EQ(t, vfs_mount(NULL, dir, NULL, MS_REMOUNT, "size=16k"), -EINVAL);
	KTEST_EXPECT_EQ(t, vfs_mount(NULL, dir, NULL, MS_REMOUNT, "size=128k"), 0);
	KTEST_EXPECT_EQ(t, vfs_statfs(dir, &sf), 0);
	KTEST_EXPECT_EQ(t, sf.blocks, 32);
	KTEST_EXPECT_EQ(t, sf.bfree, 24);
	/* mode= is ignored on remount, as Linux */
	KTEST_EXPECT_EQ(t, vfs_mount(NULL, dir, NULL, MS_REMOUNT, "mode=700"), 0);
	KTEST_EXPECT_EQ(t, stat_of(dir).mode, S_IFDIR | 01777);
	KTEST_EXPECT_EQ(t, vfs_mount(NULL, dir, NULL, MS_REMOUNT, "bogus=1"), -EINVAL);
	KTEST_EXPECT_EQ(t, vfs_unlinkat(AT_FDCWD, "/ktmpfs_remount/f", 0), 0);
	umount_fresh(t, dir);
}

KTEST(tmpfs, show_options_non_defaults_only)
{
	const char *dir = "/ktmpfs_show";
	struct path p;
	struct seq_buf m;
	char buf[128];

	if (!KTEST_EXPECT_EQ(t, mount_fresh(dir, "size=64k,nr_inodes=10,mode=700,gid=5"), 0))
		return;
	if (KTEST_EXPECT_EQ(t, vfs_lookup(dir, LOOKUP_FOLLOW, &p), 0)) {
		struct super_block *sb = p.dentry->sb;

		seq_buf_init(&m, buf, sizeof(buf));
		sb->ops->show_options(&m, sb);
		buf[MIN(m.len, sizeof(buf) - 1)] = '\0';
		KTEST_EXPECT_STREQ(t, buf, ",size=64k,nr_inodes=10,mode=700,gid=5");
		path_put(&p);
	}
	umount_fresh(t, dir);
}

/* ---- files ------------------------------------------------------------------- */

KTEST(tmpfs, truncate_shrink_zeroes_tail_and_frees_pages)
{
	const char *dir = "/ktmpfs_trunc";
	const char *name = "/ktmpfs_trunc/f";
	uint8_t *buf = kmalloc(32768, GFP_KERNEL);
	struct kstat st;

	if (!KTEST_EXPECT(t, buf))
		return;
	if (!KTEST_EXPECT_EQ(t, mount_fresh(dir, "size=1m"), 0))
		goto out_buf;
	memset(buf, 0xab, 32768);
	KTEST_EXPECT_EQ(t, write_file(name, buf, 32768, 0), 32768);
	KTEST_EXPECT_EQ(t, bfree_of(dir), 256 - 8);
	KTEST_EXPECT_EQ(t, vfs_truncate(name, 5000), 0);
	st = stat_of(name);
	KTEST_EXPECT_EQ(t, st.size, 5000);
	KTEST_EXPECT_EQ(t, st.blocks, 2 * 8);
	KTEST_EXPECT_EQ(t, bfree_of(dir), 256 - 2);
	/* extend: sparse, no page more; the old tail reads as zeros */
	KTEST_EXPECT_EQ(t, vfs_truncate(name, 1 << 20), 0);
	st = stat_of(name);
	KTEST_EXPECT_EQ(t, st.size, 1 << 20);
	KTEST_EXPECT_EQ(t, st.blocks, 2 * 8);
	memset(buf, 0x11, 32768);
	KTEST_EXPECT_EQ(t, read_file(name, buf, 32768, 0), 32768);
	KTEST_EXPECT(t, all_bytes(buf, 5000, 0xab));
	KTEST_EXPECT(t, all_bytes(buf + 5000, 32768 - 5000, 0));
	KTEST_EXPECT_EQ(t, read_file(name, buf, 100, (1 << 20) - 50), 50);
	KTEST_EXPECT(t, all_bytes(buf, 50, 0));
	KTEST_EXPECT_EQ(t, vfs_truncate(name, 0), 0);
	KTEST_EXPECT_EQ(t, stat_of(name).blocks, 0);
	KTEST_EXPECT_EQ(t, bfree_of(dir), 256);
	KTEST_EXPECT_EQ(t, vfs_truncate(dir, 0), -EISDIR);
	KTEST_EXPECT_EQ(t, vfs_unlinkat(AT_FDCWD, name, 0), 0);
	umount_fresh(t, dir);
out_buf:
	kfree(buf);
}

KTEST(tmpfs, fallocate_modes_allocate_keep_size_punch)
{
	const char *dir = "/ktmpfs_falloc";
	const char *name = "/ktmpfs_falloc/f";
	uint8_t *buf = kmalloc(4 * 4096, GFP_KERNEL);
	struct file *f;
	struct kstat st;

	if (!KTEST_EXPECT(t, buf))
		return;
	if (!KTEST_EXPECT_EQ(t, mount_fresh(dir, "size=64k"), 0))
		goto out_buf;
	if (!KTEST_EXPECT_EQ(t, vfs_open(name, O_RDWR | O_CREAT, 0644, &f), 0))
		goto out_umount;
	KTEST_EXPECT_EQ(t, vfs_fallocate(f, FALLOC_FL_KEEP_SIZE, 0, 3 * 4096), 0);
	st = stat_of(name);
	KTEST_EXPECT_EQ(t, st.size, 0);
	KTEST_EXPECT_EQ(t, st.blocks, 3 * 8);
	KTEST_EXPECT_EQ(t, vfs_fallocate(f, 0, 100, 10000), 0);
	st = stat_of(name);
	KTEST_EXPECT_EQ(t, st.size, 10100);
	KTEST_EXPECT_EQ(t, st.blocks, 3 * 8);
	/* more than is free: refused whole, nothing taken */
	KTEST_EXPECT_EQ(t, vfs_fallocate(f, 0, 0, 17 * 4096), -ENOSPC);
	KTEST_EXPECT_EQ(t, stat_of(name).size, 10100);
	KTEST_EXPECT_EQ(t, bfree_of(dir), 13);
	KTEST_EXPECT_EQ(t, vfs_fallocate(f, FALLOC_FL_PUNCH_HOLE, 0, 10), -EOPNOTSUPP);
	KTEST_EXPECT_EQ(t, vfs_fallocate(f, 0x40, 0, 10), -EOPNOTSUPP);
	KTEST_EXPECT_EQ(t, vfs_fallocate(f, 0, 0, 0), -EINVAL);

	/* punch [1000, 9292): page 1 goes, pages 0 and 2 are zeroed in part */
	memset(buf, 0xaa, 4 * 4096);
	loff_t pos = 0;
	KTEST_EXPECT_EQ(t, kernel_write(f, buf, 4 * 4096, &pos), 4 * 4096);
	KTEST_EXPECT_EQ(t, stat_of(name).blocks, 4 * 8);
	KTEST_EXPECT_EQ(t, vfs_fallocate(f, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
					 1000, 8292), 0);
	st = stat_of(name);
	KTEST_EXPECT_EQ(t, st.size, 4 * 4096);
	KTEST_EXPECT_EQ(t, st.blocks, 3 * 8);
	pos = 0;
	KTEST_EXPECT_EQ(t, kernel_read(f, buf, 4 * 4096, &pos), 4 * 4096);
	KTEST_EXPECT(t, all_bytes(buf, 1000, 0xaa));
	KTEST_EXPECT(t, all_bytes(buf + 1000, 8292, 0));
	KTEST_EXPECT(t, all_bytes(buf + 9292, 4 * 4096 - 9292, 0xaa));
	/* a punch inside one page drops nothing */
	KTEST_EXPECT_EQ(t, vfs_fallocate(f, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
					 12288 + 10, 20), 0);
	KTEST_EXPECT_EQ(t, stat_of(name).blocks, 3 * 8);
	pos = 12288;
	KTEST_EXPECT_EQ(t, kernel_read(f, buf, 4096, &pos), 4096);
	KTEST_EXPECT(t, all_bytes(buf, 10, 0xaa));
	KTEST_EXPECT(t, all_bytes(buf + 10, 20, 0));
	KTEST_EXPECT(t, all_bytes(buf + 30, 4096 - 30, 0xaa));
	KTEST_EXPECT_EQ(t, bfree_of(dir), 16 - 3);
	file_put(f);
	KTEST_EXPECT_EQ(t, vfs_unlinkat(AT_FDCWD, name, 0), 0);
	KTEST_EXPECT_EQ(t, bfree_of(dir), 16);
out_umount:
	umount_fresh(t, dir);
out_buf:
	kfree(buf);
}

KTEST(tmpfs, llseek_data_hole_sparse_file_found)
{
	const char *dir = "/ktmpfs_seek";
	const char *name = "/ktmpfs_seek/f";
	struct file *f;

	if (!KTEST_EXPECT_EQ(t, mount_fresh(dir, NULL), 0))
		return;
	KTEST_EXPECT_EQ(t, write_file(name, "x", 1, 10), 1);
	KTEST_EXPECT_EQ(t, write_file(name, "y", 1, (1 << 20) + 5), 1);
	if (KTEST_EXPECT_EQ(t, vfs_open(name, O_RDONLY, 0, &f), 0)) {
		KTEST_EXPECT_EQ(t, vfs_llseek(f, 0, SEEK_DATA), 0);
		KTEST_EXPECT_EQ(t, vfs_llseek(f, 0, SEEK_HOLE), 4096);
		KTEST_EXPECT_EQ(t, vfs_llseek(f, 5000, SEEK_DATA), 1 << 20);
		KTEST_EXPECT_EQ(t, f->pos, 1 << 20);
		KTEST_EXPECT_EQ(t, vfs_llseek(f, 5000, SEEK_HOLE), 5000);
		KTEST_EXPECT_EQ(t, vfs_llseek(f, (1 << 20) + 1, SEEK_HOLE), (1 << 20) + 6);
		KTEST_EXPECT_EQ(t, vfs_llseek(f, (1 << 20) + 6, SEEK_DATA), -ENXIO);
		KTEST_EXPECT_EQ(t, vfs_llseek(f, -1, SEEK_DATA), -ENXIO);
		KTEST_EXPECT_EQ(t, vfs_llseek(f, 7, SEEK_SET), 7);
		KTEST_EXPECT_EQ(t, vfs_fsync(f, false), 0);
		file_put(f);
	}
	KTEST_EXPECT_EQ(t, vfs_unlinkat(AT_FDCWD, name, 0), 0);
	umount_fresh(t, dir);
}

KTEST(tmpfs, symlink_target_round_trip_long_costs_block)
{
	const char *dir = "/ktmpfs_link";
	char target[300], buf[300];
	struct kstat st;

	if (!KTEST_EXPECT_EQ(t, mount_fresh(dir, "size=16k"), 0))
		return;
	KTEST_EXPECT_EQ(t, vfs_symlinkat("some/where", AT_FDCWD, "/ktmpfs_link/s"), 0);
	KTEST_EXPECT_EQ(t, vfs_readlinkat(AT_FDCWD, "/ktmpfs_link/s", buf, sizeof(buf)), 10);
	KTEST_EXPECT(t, !memcmp(buf, "some/where", 10));
	KTEST_EXPECT_EQ(t, vfs_readlinkat(AT_FDCWD, "/ktmpfs_link/s", buf, 4), 4);
	st = stat_of("/ktmpfs_link/s");
	KTEST_EXPECT_EQ(t, st.mode, S_IFLNK | 0777);
	KTEST_EXPECT_EQ(t, st.size, 10);
	KTEST_EXPECT_EQ(t, st.blocks, 0);
	memset(target, 'a', sizeof(target));
	target[sizeof(target) - 1] = '\0';
	KTEST_EXPECT_EQ(t, vfs_symlinkat(target, AT_FDCWD, "/ktmpfs_link/l"), 0);
	KTEST_EXPECT_EQ(t, stat_of("/ktmpfs_link/l").blocks, 8);
	KTEST_EXPECT_EQ(t, bfree_of(dir), 3);
	KTEST_EXPECT_EQ(t, vfs_readlinkat(AT_FDCWD, "/ktmpfs_link/l", buf, sizeof(buf)), 299);
	KTEST_EXPECT(t, !memcmp(buf, target, 299));
	KTEST_EXPECT_EQ(t, vfs_unlinkat(AT_FDCWD, "/ktmpfs_link/l", 0), 0);
	KTEST_EXPECT_EQ(t, bfree_of(dir), 4);
	KTEST_EXPECT_EQ(t, vfs_unlinkat(AT_FDCWD, "/ktmpfs_link/s", 0), 0);
	umount_fresh(t, dir);
}

KTEST(tmpfs, mknod_fifo_and_device_types_kept)
{
	const char *dir = "/ktmpfs_mknod";
	struct kstat st;

	if (!KTEST_EXPECT_EQ(t, mount_fresh(dir, NULL), 0))
		return;
	KTEST_EXPECT_EQ(t, vfs_mknodat(AT_FDCWD, "/ktmpfs_mknod/p", S_IFIFO | 0600, 0), 0);
	KTEST_EXPECT_EQ(t, vfs_mknodat(AT_FDCWD, "/ktmpfs_mknod/c", S_IFCHR | 0644,
				       MKDEV(1, 3)), 0);
	st = stat_of("/ktmpfs_mknod/p");
	KTEST_EXPECT_EQ(t, st.mode, S_IFIFO | 0600);
	st = stat_of("/ktmpfs_mknod/c");
	KTEST_EXPECT_EQ(t, st.mode, S_IFCHR | 0644);
	KTEST_EXPECT_EQ(t, st.rdev, MKDEV(1, 3));
	KTEST_EXPECT_EQ(t, st.size, 0);
	KTEST_EXPECT_EQ(t, vfs_unlinkat(AT_FDCWD, "/ktmpfs_mknod/p", 0), 0);
	KTEST_EXPECT_EQ(t, vfs_unlinkat(AT_FDCWD, "/ktmpfs_mknod/c", 0), 0);
	umount_fresh(t, dir);
}

/* ---- the devtmpfs entry points ------------------------------------------------ */

static struct fs_type ktest_dev_type = {
	.name = "ktmpfs_dev",
	.flags = FS_NO_SOURCE,
	.kill_sb = tmpfs_kill_sb,
};

KTEST(tmpfs, make_sb_other_type_root_from_options)
{
	struct super_block *sb = NULL;
	struct kstatfs sf;
	struct inode *root;

	KTEST_EXPECT_EQ(t, tmpfs_make_sb(&ktest_dev_type, 0, "mode=x", &sb), -EINVAL);
	if (!KTEST_EXPECT_EQ(t, tmpfs_make_sb(&ktest_dev_type, MS_RDONLY, "mode=755,size=8k", &sb),
			     0))
		return;
	KTEST_EXPECT(t, sb->type == &ktest_dev_type);
	KTEST_EXPECT_EQ(t, sb->magic, TMPFS_MAGIC);
	KTEST_EXPECT_EQ(t, sb->flags & SB_RDONLY, SB_RDONLY);
	root = sb->root->inode;
	KTEST_EXPECT_EQ(t, root->mode, S_IFDIR | 0755);
	KTEST_EXPECT_EQ(t, root->nlink, 2);
	KTEST_EXPECT_EQ(t, root->size, 40);
	KTEST_EXPECT_EQ(t, sb->ops->statfs(sb, &sf), 0);
	KTEST_EXPECT_EQ(t, sf.blocks, 2);
	KTEST_EXPECT_EQ(t, sf.files - sf.ffree, 1);
	tmpfs_kill_sb(sb);
}
