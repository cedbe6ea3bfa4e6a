// SPDX-License-Identifier: MIT
/*
 * In-kernel tests of tmpfs directories (suite "tmpfs", with
 * fs/tmpfs_test.c): st_size and st_nlink as Linux tmpfs, rename with
 * replacement, moves and RENAME_EXCHANGE, getdents going on across
 * creates and unlinks, and four CPUs creating and unlinking in one
 * directory at once, after which the tree and the counts must agree.
 *
 * Locks: none of their own; the concurrent test joins its threads.
 */
#include <xdv/errno.h>
#include <xdv/ktest.h>
#include <xdv/mm.h>
#include <xdv/percpu.h>
#include <xdv/printk.h>
#include <xdv/sched.h>
#include <xdv/string.h>

#include "internal.h"
#include "tmpfs_test.h"

/* ---- directories ------------------------------------------------------------- */

KTEST(tmpfs, dir_size_and_nlink_as_linux)
{
	const char *dir = "/ktmpfs_dirsz";

	if (!KTEST_EXPECT_EQ(t, mount_fresh(dir, NULL), 0))
		return;
	KTEST_EXPECT_EQ(t, vfs_mkdirat(AT_FDCWD, "/ktmpfs_dirsz/d", 0755), 0);
	KTEST_EXPECT_EQ(t, stat_of("/ktmpfs_dirsz/d").size, 40);
	KTEST_EXPECT_EQ(t, stat_of("/ktmpfs_dirsz/d").nlink, 2);
	KTEST_EXPECT_EQ(t, stat_of("/ktmpfs_dirsz/d").blocks, 0);
	KTEST_EXPECT_EQ(t, stat_of(dir).nlink, 3);
	KTEST_EXPECT_EQ(t, stat_of(dir).size, 60);
	KTEST_EXPECT_EQ(t, write_file("/ktmpfs_dirsz/d/f", "abc", 3, 0), 3);
	KTEST_EXPECT_EQ(t, stat_of("/ktmpfs_dirsz/d").size, 60);
	KTEST_EXPECT_EQ(t, stat_of("/ktmpfs_dirsz/d/f").blocks, 8);
	KTEST_EXPECT_EQ(t, vfs_mkdirat(AT_FDCWD, "/ktmpfs_dirsz/d/s", 0755), 0);
	KTEST_EXPECT_EQ(t, stat_of("/ktmpfs_dirsz/d").size, 80);
	KTEST_EXPECT_EQ(t, stat_of("/ktmpfs_dirsz/d").nlink, 3);
	KTEST_EXPECT_EQ(t, vfs_linkat(AT_FDCWD, "/ktmpfs_dirsz/d/f", AT_FDCWD,
				      "/ktmpfs_dirsz/d/g", 0), 0);
	KTEST_EXPECT_EQ(t, stat_of("/ktmpfs_dirsz/d/f").nlink, 2);
	KTEST_EXPECT_EQ(t, stat_of("/ktmpfs_dirsz/d").size, 100);
	KTEST_EXPECT_EQ(t, vfs_unlinkat(AT_FDCWD, "/ktmpfs_dirsz/d", AT_REMOVEDIR), -ENOTEMPTY);
	KTEST_EXPECT_EQ(t, vfs_unlinkat(AT_FDCWD, "/ktmpfs_dirsz/d/s", AT_REMOVEDIR), 0);
	KTEST_EXPECT_EQ(t, stat_of("/ktmpfs_dirsz/d").nlink, 2);
	KTEST_EXPECT_EQ(t, vfs_unlinkat(AT_FDCWD, "/ktmpfs_dirsz/d/f", 0), 0);
	KTEST_EXPECT_EQ(t, stat_of("/ktmpfs_dirsz/d/g").nlink, 1);
	KTEST_EXPECT_EQ(t, vfs_unlinkat(AT_FDCWD, "/ktmpfs_dirsz/d/g", 0), 0);
	KTEST_EXPECT_EQ(t, stat_of("/ktmpfs_dirsz/d").size, 40);
	KTEST_EXPECT_EQ(t, vfs_unlinkat(AT_FDCWD, "/ktmpfs_dirsz/d", AT_REMOVEDIR), 0);
	KTEST_EXPECT_EQ(t, stat_of(dir).nlink, 2);
	KTEST_EXPECT_EQ(t, stat_of(dir).size, 40);
	umount_fresh(t, dir);
}

KTEST(tmpfs, rename_replace_move_exchange_counts_kept)
{
	const char *dir = "/ktmpfs_ren";
	char buf[8];

	if (!KTEST_EXPECT_EQ(t, mount_fresh(dir, "nr_inodes=100"), 0))
		return;
	KTEST_EXPECT_EQ(t, vfs_mkdirat(AT_FDCWD, "/ktmpfs_ren/a", 0755), 0);
	KTEST_EXPECT_EQ(t, vfs_mkdirat(AT_FDCWD, "/ktmpfs_ren/b", 0755), 0);
	KTEST_EXPECT_EQ(t, write_file("/ktmpfs_ren/a/f", "one", 3, 0), 3);
	KTEST_EXPECT_EQ(t, write_file("/ktmpfs_ren/b/g", "two", 3, 0), 3);
	/* a file replaces a file in another directory */
	KTEST_EXPECT_EQ(t, vfs_renameat2(AT_FDCWD, "/ktmpfs_ren/a/f", AT_FDCWD,
					 "/ktmpfs_ren/b/g", 0), 0);
	KTEST_EXPECT_EQ(t, read_file("/ktmpfs_ren/b/g", buf, sizeof(buf), 0), 3);
	KTEST_EXPECT(t, !memcmp(buf, "one", 3));
	KTEST_EXPECT_EQ(t, stat_of("/ktmpfs_ren/a/f").mode, 0);
	KTEST_EXPECT_EQ(t, stat_of("/ktmpfs_ren/a").size, 40);
	KTEST_EXPECT_EQ(t, stat_of("/ktmpfs_ren/b").size, 60);
	/* a directory moves: ".." links follow */
	KTEST_EXPECT_EQ(t, vfs_mkdirat(AT_FDCWD, "/ktmpfs_ren/a/sub", 0755), 0);
	KTEST_EXPECT_EQ(t, stat_of("/ktmpfs_ren/a").nlink, 3);
	KTEST_EXPECT_EQ(t, vfs_renameat2(AT_FDCWD, "/ktmpfs_ren/a/sub", AT_FDCWD,
					 "/ktmpfs_ren/b/sub", 0), 0);
	KTEST_EXPECT_EQ(t, stat_of("/ktmpfs_ren/a").nlink, 2);
	KTEST_EXPECT_EQ(t, stat_of("/ktmpfs_ren/b").nlink, 3);
	KTEST_EXPECT_EQ(t, stat_of("/ktmpfs_ren/b").size, 80);
	/* a directory replaces an empty one */
	KTEST_EXPECT_EQ(t, vfs_mkdirat(AT_FDCWD, "/ktmpfs_ren/a/empty", 0755), 0);
	KTEST_EXPECT_EQ(t, vfs_renameat2(AT_FDCWD, "/ktmpfs_ren/b/sub", AT_FDCWD,
					 "/ktmpfs_ren/a/empty", 0), 0);
	KTEST_EXPECT_EQ(t, stat_of("/ktmpfs_ren/a").nlink, 3);
	KTEST_EXPECT_EQ(t, stat_of("/ktmpfs_ren/b").nlink, 2);
	KTEST_EXPECT_EQ(t, stat_of("/ktmpfs_ren/a").size, 60);
	KTEST_EXPECT_EQ(t, stat_of("/ktmpfs_ren/b").size, 60);
	/* exchange a file and a directory across parents */
	KTEST_EXPECT_EQ(t, vfs_renameat2(AT_FDCWD, "/ktmpfs_ren/a/empty", AT_FDCWD,
					 "/ktmpfs_ren/b/g", RENAME_EXCHANGE), 0);
	KTEST_EXPECT(t, S_ISREG(stat_of("/ktmpfs_ren/a/empty").mode));
	KTEST_EXPECT(t, S_ISDIR(stat_of("/ktmpfs_ren/b/g").mode));
	KTEST_EXPECT_EQ(t, stat_of("/ktmpfs_ren/a").nlink, 2);
	KTEST_EXPECT_EQ(t, stat_of("/ktmpfs_ren/b").nlink, 3);
	KTEST_EXPECT_EQ(t, stat_of("/ktmpfs_ren/a").size, 60);
	KTEST_EXPECT_EQ(t, read_file("/ktmpfs_ren/a/empty", buf, sizeof(buf), 0), 3);
	KTEST_EXPECT_EQ(t, vfs_renameat2(AT_FDCWD, "/ktmpfs_ren/a/empty", AT_FDCWD,
					 "/ktmpfs_ren/b/g", RENAME_WHITEOUT), -EINVAL);
	/* clean up: everything goes, the counts come back */
	KTEST_EXPECT_EQ(t, vfs_unlinkat(AT_FDCWD, "/ktmpfs_ren/a/empty", 0), 0);
	KTEST_EXPECT_EQ(t, vfs_unlinkat(AT_FDCWD, "/ktmpfs_ren/b/g", AT_REMOVEDIR), 0);
	KTEST_EXPECT_EQ(t, vfs_unlinkat(AT_FDCWD, "/ktmpfs_ren/a", AT_REMOVEDIR), 0);
	KTEST_EXPECT_EQ(t, vfs_unlinkat(AT_FDCWD, "/ktmpfs_ren/b", AT_REMOVEDIR), 0);
	struct kstatfs sf;
	KTEST_EXPECT_EQ(t, vfs_statfs(dir, &sf), 0);
	KTEST_EXPECT_EQ(t, sf.ffree, 99);
	KTEST_EXPECT_EQ(t, sf.bfree, sf.blocks);
	KTEST_EXPECT_EQ(t, stat_of(dir).nlink, 2);
	umount_fresh(t, dir);
}

/* Names seen by getdents, as a bitmap of "f<n>" numbers. */
struct seen {
	uint8_t map[512 / 8];
	unsigned dups, others;
};

static void note_names(struct seen *s, const uint8_t *buf, ssize_t len)
{
	for (ssize_t off = 0; off < len;) {
		const struct linux_dirent64 *d = (const void *)(buf + off);
		unsigned n = 0;
		const char *p = d->d_name;

		off += d->d_reclen;
		if (!d->d_reclen)
			break;
		if (p[0] != 'f') {
			if (strcmp(p, ".") && strcmp(p, ".."))
				s->others++;
			continue;
		}
		for (p++; *p >= '0' && *p <= '9'; p++)
			n = n * 10 + (unsigned)(*p - '0');
		if (n >= 512) {
			s->others++;
			continue;
		}
		if (s->map[n / 8] & (1u << (n % 8)))
			s->dups++;
		s->map[n / 8] |= (uint8_t)(1u << (n % 8));
	}
}

static bool seen_has(const struct seen *s, unsigned n)
{
	return s->map[n / 8] & (1u << (n % 8));
}

KTEST(tmpfs, getdents_across_creates_unlinks_no_dups)
{
	const char *dir = "/ktmpfs_gd";
	char name[40];
	uint8_t *buf = kmalloc(1024, GFP_KERNEL);
	struct seen *s = kzalloc(sizeof(*s), GFP_KERNEL);
	struct file *f;
	ssize_t n;

	if (!KTEST_EXPECT(t, buf && s))
		goto out_buf;
	if (!KTEST_EXPECT_EQ(t, mount_fresh(dir, NULL), 0))
		goto out_buf;
	for (unsigned i = 0; i < 200; i++) {
		snprintf(name, sizeof(name), "%s/f%u", dir, i);
		KTEST_EXPECT_EQ(t, write_file(name, "", 0, 0), 0);
	}
	if (!KTEST_EXPECT_EQ(t, vfs_open(dir, O_RDONLY | O_DIRECTORY, 0, &f), 0))
		goto out_umount;
	n = vfs_getdents64(f, buf, 1024);
	KTEST_EXPECT(t, n > 0);
	note_names(s, buf, n);
	/* meanwhile: 50 of the later names go, 100 new ones come */
	for (unsigned i = 150; i < 200; i++) {
		snprintf(name, sizeof(name), "%s/f%u", dir, i);
		KTEST_EXPECT_EQ(t, vfs_unlinkat(AT_FDCWD, name, 0), 0);
	}
	for (unsigned i = 200; i < 300; i++) {
		snprintf(name, sizeof(name), "%s/f%u", dir, i);
		KTEST_EXPECT_EQ(t, write_file(name, "", 0, 0), 0);
	}
	while ((n = vfs_getdents64(f, buf, 1024)) > 0)
		note_names(s, buf, n);
	KTEST_EXPECT_EQ(t, n, 0);
	KTEST_EXPECT_EQ(t, s->dups, 0);
	KTEST_EXPECT_EQ(t, s->others, 0);
	unsigned missing = 0, ghosts = 0;
	for (unsigned i = 0; i < 150; i++)
		missing += !seen_has(s, i);
	for (unsigned i = 150; i < 200; i++)
		ghosts += seen_has(s, i);
	for (unsigned i = 200; i < 300; i++)
		missing += !seen_has(s, i); /* created after: come later, all seen */
	KTEST_EXPECT_EQ(t, missing, 0);
	KTEST_EXPECT_EQ(t, ghosts, 0); /* the first call read only early names */
	KTEST_EXPECT_EQ(t, stat_of(dir).size, 40 + 250 * 20);
	/* rewind and read all again: exactly the 250 names */
	memset(s, 0, sizeof(*s));
	KTEST_EXPECT_EQ(t, vfs_llseek(f, 0, SEEK_SET), 0);
	while ((n = vfs_getdents64(f, buf, 1024)) > 0)
		note_names(s, buf, n);
	unsigned count = 0;
	for (unsigned i = 0; i < 512; i++)
		count += seen_has(s, i);
	KTEST_EXPECT_EQ(t, count, 250);
	KTEST_EXPECT_EQ(t, s->dups, 0);
	file_put(f);
	for (unsigned i = 0; i < 300; i++) {
		if (i >= 150 && i < 200)
			continue;
		snprintf(name, sizeof(name), "%s/f%u", dir, i);
		KTEST_EXPECT_EQ(t, vfs_unlinkat(AT_FDCWD, name, 0), 0);
	}
	KTEST_EXPECT_EQ(t, stat_of(dir).size, 40);
out_umount:
	umount_fresh(t, dir);
out_buf:
	kfree(s);
	kfree(buf);
}

KTEST(tmpfs, getdents_two_handles_and_seekdir_resume)
{
	const char *dir = "/ktmpfs_gd2";
	char name[40], want[16];
	uint8_t *buf = kmalloc(1024, GFP_KERNEL);
	struct seen *s1 = kzalloc(sizeof(*s1), GFP_KERNEL);
	struct seen *s2 = kzalloc(sizeof(*s2), GFP_KERNEL);
	struct file *f1 = NULL, *f2 = NULL;
	ssize_t n1 = 1, n2 = 1;

	if (!KTEST_EXPECT(t, buf && s1 && s2))
		goto out_buf;
	if (!KTEST_EXPECT_EQ(t, mount_fresh(dir, NULL), 0))
		goto out_buf;
	for (unsigned i = 0; i < 100; i++) {
		snprintf(name, sizeof(name), "%s/f%u", dir, i);
		KTEST_EXPECT_EQ(t, write_file(name, "", 0, 0), 0);
	}
	KTEST_EXPECT_EQ(t, vfs_open(dir, O_RDONLY | O_DIRECTORY, 0, &f1), 0);
	KTEST_EXPECT_EQ(t, vfs_open(dir, O_RDONLY | O_DIRECTORY, 0, &f2), 0);
	if (!f1 || !f2)
		goto out_files;
	/* two readers in small steps, interleaved, with a name removed and
	 * one added between steps: each sees every name once */
	for (unsigned round = 0; n1 > 0 || n2 > 0; round++) {
		if (n1 > 0 && (n1 = vfs_getdents64(f1, buf, 256)) > 0)
			note_names(s1, buf, n1);
		if (n2 > 0 && (n2 = vfs_getdents64(f2, buf, 100)) > 0)
			note_names(s2, buf, n2);
		if (round == 3) {
			KTEST_EXPECT_EQ(t, vfs_unlinkat(AT_FDCWD, "/ktmpfs_gd2/f99", 0), 0);
			KTEST_EXPECT_EQ(t, write_file("/ktmpfs_gd2/f100", "", 0, 0), 0);
		}
	}
	KTEST_EXPECT_EQ(t, n1, 0);
	KTEST_EXPECT_EQ(t, n2, 0);
	KTEST_EXPECT_EQ(t, s1->dups + s2->dups, 0);
	for (unsigned i = 0; i < 99; i++) {
		KTEST_EXPECT(t, seen_has(s1, i));
		KTEST_EXPECT(t, seen_has(s2, i));
	}
	KTEST_EXPECT(t, !seen_has(s1, 99) && !seen_has(s2, 99));
	KTEST_EXPECT(t, seen_has(s1, 100) && seen_has(s2, 100));

	/* seekdir: go back to the d_off after the 10th record */
	KTEST_EXPECT_EQ(t, vfs_llseek(f1, 0, SEEK_SET), 0);
	ssize_t n = vfs_getdents64(f1, buf, 1024);
	loff_t mark = -1;
	unsigned recs = 0;
	want[0] = '\0';
	for (ssize_t off = 0; off < n; recs++) {
		const struct linux_dirent64 *d = (const void *)(buf + off);

		if (recs == 9)
			mark = d->d_off;
		if (recs == 10)
			strlcpy(want, d->d_name, sizeof(want));
		off += d->d_reclen;
	}
	KTEST_EXPECT(t, recs > 10);
	while (vfs_getdents64(f1, buf, 256) > 0)
		;
	KTEST_EXPECT_EQ(t, vfs_llseek(f1, mark, SEEK_SET), mark);
	n = vfs_getdents64(f1, buf, 256);
	if (KTEST_EXPECT(t, n > 0))
		KTEST_EXPECT_STREQ(t, ((const struct linux_dirent64 *)buf)->d_name, want);

	for (unsigned i = 0; i <= 100; i++) {
		if (i == 99)
			continue;
		snprintf(name, sizeof(name), "%s/f%u", dir, i);
		KTEST_EXPECT_EQ(t, vfs_unlinkat(AT_FDCWD, name, 0), 0);
	}
out_files:
	if (f1)
		file_put(f1);
	if (f2)
		file_put(f2);
	umount_fresh(t, dir);
out_buf:
	kfree(s2);
	kfree(s1);
	kfree(buf);
}

/* ---- concurrency --------------------------------------------------------------- */

#define CONC_THREADS 4
#define CONC_NAMES 200

struct conc_arg {
	unsigned id;
	int errors;
};

/* Create CONC_NAMES names, then unlink the odd ones, in one shared directory. */
static int conc_worker(void *p)
{
	struct conc_arg *a = p;
	char name[48];

	for (unsigned i = 0; i < CONC_NAMES; i++) {
		snprintf(name, sizeof(name), "/ktmpfs_conc/d/t%u_%u", a->id, i);
		if (i % 3 == 2) {
			if (vfs_mkdirat(AT_FDCWD, name, 0755))
				a->errors++;
		} else if (write_file(name, name, 8, 0) != 8) {
			a->errors++;
		}
	}
	for (unsigned i = 1; i < CONC_NAMES; i += 2) {
		snprintf(name, sizeof(name), "/ktmpfs_conc/d/t%u_%u", a->id, i);
		if (vfs_unlinkat(AT_FDCWD, name, i % 3 == 2 ? AT_REMOVEDIR : 0))
			a->errors++;
	}
	return 0;
}

KTEST(tmpfs, concurrent_create_unlink_tree_consistent)
{
	const char *dir = "/ktmpfs_conc";
	struct conc_arg args[CONC_THREADS];
	struct thread *th[CONC_THREADS];
	uint8_t *buf = kmalloc(4096, GFP_KERNEL);
	struct kstatfs sf;
	struct file *f;
	ssize_t n;

	if (!KTEST_EXPECT(t, buf))
		return;
	if (!KTEST_EXPECT_EQ(t, mount_fresh(dir, "nr_inodes=1000"), 0))
		goto out_buf;
	KTEST_EXPECT_EQ(t, vfs_mkdirat(AT_FDCWD, "/ktmpfs_conc/d", 0755), 0);
	for (unsigned i = 0; i < CONC_THREADS; i++) {
		args[i] = (struct conc_arg){ .id = i };
		struct thread_attr attr = { .name = "tmpfs_conc",
					     .affinity = i < nr_cpus ? 1ull << i : 0 };
		if (thread_create(kernel_process(), conc_worker, &args[i], &attr, &th[i]))
			th[i] = NULL;
		KTEST_EXPECT(t, th[i]);
	}
	for (unsigned i = 0; i < CONC_THREADS; i++) {
		if (th[i])
			thread_join(th[i], NULL);
		KTEST_EXPECT_EQ(t, args[i].errors, 0);
	}
	/* what is left: the even names of each thread, each listed once */
	unsigned files = 0, dirs = 0, other = 0;
	if (KTEST_EXPECT_EQ(t, vfs_open("/ktmpfs_conc/d", O_RDONLY | O_DIRECTORY, 0, &f), 0)) {
		while ((n = vfs_getdents64(f, buf, 4096)) > 0) {
			for (ssize_t off = 0; off < n;) {
				const struct linux_dirent64 *d = (const void *)(buf + off);

				off += d->d_reclen;
				if (d->d_type == DT_DIR && strcmp(d->d_name, ".") &&
				    strcmp(d->d_name, ".."))
					dirs++;
				else if (d->d_type == DT_REG)
					files++;
				else if (d->d_type != DT_DIR)
					other++;
			}
		}
		file_put(f);
	}
	unsigned want_dirs = 0, want_files = 0;
	for (unsigned i = 0; i < CONC_NAMES; i += 2) {
		if (i % 3 == 2)
			want_dirs++;
		else
			want_files++;
	}
	KTEST_EXPECT_EQ(t, files, CONC_THREADS * want_files);
	KTEST_EXPECT_EQ(t, dirs, CONC_THREADS * want_dirs);
	KTEST_EXPECT_EQ(t, other, 0);
	struct kstat st = stat_of("/ktmpfs_conc/d");
	KTEST_EXPECT_EQ(t, st.size, 40 + 20 * (files + dirs));
	KTEST_EXPECT_EQ(t, st.nlink, 2 + dirs);
	KTEST_EXPECT_EQ(t, vfs_statfs(dir, &sf), 0);
	KTEST_EXPECT_EQ(t, sf.ffree, 1000 - 2 - files - dirs);
	KTEST_EXPECT_EQ(t, sf.blocks - sf.bfree, files);
	/* and it all goes away cleanly */
	char name[48];
	for (unsigned id = 0; id < CONC_THREADS; id++) {
		for (unsigned i = 0; i < CONC_NAMES; i += 2) {
			snprintf(name, sizeof(name), "/ktmpfs_conc/d/t%u_%u", id, i);
			KTEST_EXPECT_EQ(t, vfs_unlinkat(AT_FDCWD, name,
							i % 3 == 2 ? AT_REMOVEDIR : 0), 0);
		}
	}
	KTEST_EXPECT_EQ(t, vfs_unlinkat(AT_FDCWD, "/ktmpfs_conc/d", AT_REMOVEDIR), 0);
	KTEST_EXPECT_EQ(t, vfs_statfs(dir, &sf), 0);
	KTEST_EXPECT_EQ(t, sf.ffree, 999);
	KTEST_EXPECT_EQ(t, sf.bfree, sf.blocks);
	umount_fresh(t, dir);
out_buf:
	kfree(buf);
}

