// SPDX-License-Identifier: MIT
/*
 * KTAP tests of path resolution (suite "namei"): ".", "..", symlinks and
 * their 40-link limit, trailing slashes, name length limits, *at lookups
 * relative to descriptors and the working directory, search permission
 * in a process whose credentials are not root's, and the dentry cache
 * (negative entries, hits, shrinking).
 *
 * Locks: none of their own.
 */
#include "vfs_test_util.h"

static bool same_file(const char *a, const char *b)
{
	struct kstat sa, sb;

	return !vfs_statat(AT_FDCWD, a, 0, &sa) && !vfs_statat(AT_FDCWD, b, 0, &sb) &&
	       sa.ino == sb.ino && sa.dev == sb.dev;
}

KTEST(namei, dot_and_dotdot_resolve_and_stop_at_root)
{
	KTEST_EXPECT_EQ(t, vt_setup("/vn_dd"), 0);
	KTEST_EXPECT_EQ(t, vfs_mkdirat(AT_FDCWD, "/vn_dd/a", 0755), 0);
	KTEST_EXPECT_EQ(t, vfs_mkdirat(AT_FDCWD, "/vn_dd/a/b", 0755), 0);
	KTEST_EXPECT(t, same_file("/vn_dd/a/b/..", "/vn_dd/a"));
	KTEST_EXPECT(t, same_file("/vn_dd/a/./b/../../a", "/vn_dd/a"));
	KTEST_EXPECT(t, same_file("/..", "/"));
	KTEST_EXPECT(t, same_file("/../../..", "/"));
	KTEST_EXPECT(t, same_file("//vn_dd///a//", "/vn_dd/a"));
	KTEST_EXPECT_EQ(t, vt_teardown("/vn_dd"), 0);
}

KTEST(namei, dotdot_at_a_mount_point_crosses_both_ways)
{
	struct kstat root_of_mnt, parent_dir, under;

	KTEST_EXPECT_EQ(t, vt_setup("/vn_mp"), 0);
	KTEST_EXPECT_EQ(t, vfs_mkdirat(AT_FDCWD, "/vn_mp/m", 0755), 0);
	KTEST_EXPECT_EQ(t, vfs_statat(AT_FDCWD, "/vn_mp/m", 0, &under), 0);
	KTEST_EXPECT_EQ(t, vfs_mount("tmpfs", "/vn_mp/m", "tmpfs", 0, NULL), 0);
	KTEST_EXPECT_EQ(t, vfs_statat(AT_FDCWD, "/vn_mp/m", 0, &root_of_mnt), 0);
	KTEST_EXPECT_NE(t, root_of_mnt.dev, under.dev); /* entered the mount */
	KTEST_EXPECT_EQ(t, vfs_mkdirat(AT_FDCWD, "/vn_mp/m/in", 0755), 0);
	/* Up out of the mount: ".." of its root is the parent of the mount point. */
	KTEST_EXPECT_EQ(t, vfs_statat(AT_FDCWD, "/vn_mp/m/..", 0, &parent_dir), 0);
	KTEST_EXPECT(t, same_file("/vn_mp/m/..", "/vn_mp"));
	KTEST_EXPECT(t, same_file("/vn_mp/m/in/../..", "/vn_mp"));
	/* And back down: ../m from inside the parent lands in the mount again. */
	KTEST_EXPECT(t, same_file("/vn_mp/m/../m/in", "/vn_mp/m/in"));
	KTEST_EXPECT_EQ(t, vfs_umount("/vn_mp/m", 0), 0);
	KTEST_EXPECT(t, !vt_exists("/vn_mp/m/in"));
	KTEST_EXPECT_EQ(t, vt_teardown("/vn_mp"), 0);
}

KTEST(namei, symlink_loops_and_chains_past_40_give_eloop)
{
	char name[40], target[40];
	struct kstat st;
	struct path p;

	KTEST_EXPECT_EQ(t, vt_setup("/vn_sl"), 0);
	KTEST_EXPECT_EQ(t, vfs_symlinkat("b", AT_FDCWD, "/vn_sl/a"), 0);
	KTEST_EXPECT_EQ(t, vfs_symlinkat("a", AT_FDCWD, "/vn_sl/b"), 0);
	KTEST_EXPECT_EQ(t, vfs_statat(AT_FDCWD, "/vn_sl/a", 0, &st), -ELOOP);
	KTEST_EXPECT_EQ(t, vfs_statat(AT_FDCWD, "/vn_sl/a/x", 0, &st), -ELOOP);
	KTEST_EXPECT_EQ(t, vfs_statat(AT_FDCWD, "/vn_sl/a", AT_SYMLINK_NOFOLLOW, &st), 0);
	KTEST_EXPECT_EQ(t, vfs_symlinkat("self", AT_FDCWD, "/vn_sl/self"), 0);
	KTEST_EXPECT_EQ(t, vfs_statat(AT_FDCWD, "/vn_sl/self", 0, &st), -ELOOP);
	/* A chain l0 -> l1 -> ... -> l40 -> file: 40 links resolve, 41 do not. */
	KTEST_EXPECT_EQ(t, vt_write_file("/vn_sl/file", "z", 0644), 1);
	for (int i = 0; i <= 40; i++) {
		snprintf(name, sizeof(name), "/vn_sl/l%d", i);
		if (i == 40)
			snprintf(target, sizeof(target), "file");
		else
			snprintf(target, sizeof(target), "l%d", i + 1);
		KTEST_EXPECT_EQ(t, vfs_symlinkat(target, AT_FDCWD, name), 0);
	}
	KTEST_EXPECT_EQ(t, vfs_lookup("/vn_sl/l1", LOOKUP_FOLLOW, &p), 0); /* 40 links */
	KTEST_EXPECT(t, S_ISREG(p.dentry->inode->mode));
	path_put(&p);
	KTEST_EXPECT_EQ(t, vfs_lookup("/vn_sl/l0", LOOKUP_FOLLOW, &p), -ELOOP); /* 41 */
	/* Absolute and relative targets, links in the middle of a path. */
	KTEST_EXPECT_EQ(t, vfs_mkdirat(AT_FDCWD, "/vn_sl/d", 0755), 0);
	KTEST_EXPECT_EQ(t, vfs_symlinkat("/vn_sl/d", AT_FDCWD, "/vn_sl/abs"), 0);
	KTEST_EXPECT_EQ(t, vfs_symlinkat("../../vn_sl/d/", AT_FDCWD, "/vn_sl/d/rel"), 0);
	KTEST_EXPECT_EQ(t, vt_write_file("/vn_sl/abs/in", "q", 0644), 1);
	KTEST_EXPECT(t, same_file("/vn_sl/d/rel/rel/in", "/vn_sl/d/in"));
	KTEST_EXPECT_EQ(t, vfs_symlinkat("nowhere", AT_FDCWD, "/vn_sl/dang"), 0);
	KTEST_EXPECT_EQ(t, vfs_statat(AT_FDCWD, "/vn_sl/dang", 0, &st), -ENOENT);
	KTEST_EXPECT_EQ(t, vt_teardown("/vn_sl"), 0);
}

KTEST(namei, trailing_slash_and_length_limits)
{
	char *longname = kmalloc(PATH_MAX + 8, 0);
	struct kstat st;
	struct path p;

	KTEST_EXPECT(t, longname != NULL);
	if (!longname)
		return;
	KTEST_EXPECT_EQ(t, vt_setup("/vn_tl"), 0);
	KTEST_EXPECT_EQ(t, vt_write_file("/vn_tl/f", "1", 0644), 1);
	KTEST_EXPECT_EQ(t, vfs_symlinkat("f", AT_FDCWD, "/vn_tl/lf"), 0);
	KTEST_EXPECT_EQ(t, vfs_statat(AT_FDCWD, "/vn_tl/f/", 0, &st), -ENOTDIR);
	KTEST_EXPECT_EQ(t, vfs_statat(AT_FDCWD, "/vn_tl/lf/", AT_SYMLINK_NOFOLLOW, &st), -ENOTDIR);
	KTEST_EXPECT_EQ(t, vfs_statat(AT_FDCWD, "/vn_tl/", 0, &st), 0);
	KTEST_EXPECT_EQ(t, vfs_lookup("/vn_tl/f", LOOKUP_DIRECTORY, &p), -ENOTDIR);
	KTEST_EXPECT_EQ(t, vfs_statat(AT_FDCWD, "", 0, &st), -ENOENT);

	/* NAME_MAX is fine (ENOENT), NAME_MAX + 1 is too long. */
	memcpy(longname, "/vn_tl/", 7);
	memset(longname + 7, 'n', NAME_MAX);
	longname[7 + NAME_MAX] = '\0';
	KTEST_EXPECT_EQ(t, vfs_statat(AT_FDCWD, longname, 0, &st), -ENOENT);
	longname[7 + NAME_MAX] = 'n';
	longname[8 + NAME_MAX] = '\0';
	KTEST_EXPECT_EQ(t, vfs_statat(AT_FDCWD, longname, 0, &st), -ENAMETOOLONG);
	KTEST_EXPECT_EQ(t, vfs_mkdirat(AT_FDCWD, longname, 0755), -ENAMETOOLONG);
	/* A path of PATH_MAX bytes (no room for its NUL) is too long. */
	for (int i = 0; i < PATH_MAX; i++)
		longname[i] = (i % 2) ? '.' : '/';
	longname[PATH_MAX] = '\0';
	KTEST_EXPECT_EQ(t, vfs_statat(AT_FDCWD, longname, 0, &st), -ENAMETOOLONG);
	longname[PATH_MAX - 1] = '\0';
	KTEST_EXPECT_EQ(t, vfs_statat(AT_FDCWD, longname, 0, &st), 0); /* "/./././..." */
	kfree(longname);
	KTEST_EXPECT_EQ(t, vt_teardown("/vn_tl"), 0);
}

KTEST(namei, at_lookups_use_dirfd_cwd_and_empty_path)
{
	struct fd_table *files = fd_table_current();
	struct file *dir, *file;
	struct kstat st, st2;
	int dfd, ffd;

	KTEST_EXPECT_EQ(t, vt_setup("/vn_at"), 0);
	KTEST_EXPECT_EQ(t, vfs_mkdirat(AT_FDCWD, "/vn_at/d", 0755), 0);
	KTEST_EXPECT_EQ(t, vt_write_file("/vn_at/d/f", "abc", 0644), 3);
	KTEST_EXPECT_EQ(t, vfs_open("/vn_at/d", O_RDONLY | O_DIRECTORY, 0, &dir), 0);
	dfd = fd_install(files, dir, 0, false);
	KTEST_EXPECT(t, dfd >= 0);
	KTEST_EXPECT_EQ(t, vfs_statat(dfd, "f", 0, &st), 0);
	KTEST_EXPECT_EQ(t, st.size, 3);
	KTEST_EXPECT_EQ(t, vfs_statat(dfd, "", AT_EMPTY_PATH, &st2), 0);
	KTEST_EXPECT(t, S_ISDIR(st2.mode));
	KTEST_EXPECT_EQ(t, vfs_statat(dfd, "", 0, &st2), -ENOENT);
	KTEST_EXPECT_EQ(t, vfs_mkdirat(dfd, "sub", 0700), 0);
	KTEST_EXPECT(t, vt_exists("/vn_at/d/sub"));
	KTEST_EXPECT_EQ(t, vfs_statat(1000, "f", 0, &st), -EBADF);
	/* A file descriptor as dirfd: -ENOTDIR for a relative name. */
	KTEST_EXPECT_EQ(t, vfs_open("/vn_at/d/f", O_RDONLY, 0, &file), 0);
	ffd = fd_install(files, file, 0, false);
	KTEST_EXPECT_EQ(t, vfs_statat(ffd, "x", 0, &st), -ENOTDIR);
	KTEST_EXPECT_EQ(t, vfs_statat(ffd, "", AT_EMPTY_PATH, &st), 0);
	KTEST_EXPECT_EQ(t, st.size, 3);
	KTEST_EXPECT_EQ(t, vfs_statat(ffd, "/vn_at/d/f", 0, &st), 0); /* absolute ignores it */
	/* The working directory. */
	KTEST_EXPECT_EQ(t, vfs_chdir("/vn_at/d"), 0);
	KTEST_EXPECT_EQ(t, vfs_statat(AT_FDCWD, "f", 0, &st2), 0);
	KTEST_EXPECT_EQ(t, st2.ino, st.ino);
	KTEST_EXPECT_EQ(t, vfs_chdir("f"), -ENOTDIR);
	KTEST_EXPECT_EQ(t, vfs_chdir("/"), 0);
	KTEST_EXPECT_EQ(t, fd_close(files, dfd), 0);
	KTEST_EXPECT_EQ(t, fd_close(files, ffd), 0);
	KTEST_EXPECT_EQ(t, vt_teardown("/vn_at"), 0);
}

/* ---- a process that is not root ------------------------------------------ */

struct perm_results {
	int open_private, search_private, list_public, create_in_ro_dir, create_in_own;
	int chmod_other, chown_own, sticky_unlink_other, sticky_unlink_own, access_real;
	int utimes_now_other, mount;
};

static int unprivileged_child(void *arg)
{
	struct perm_results *r = arg;
	struct cred *c = process_cred(process_current());
	struct file *f;
	struct kstat st;

	c->uid = c->euid = c->fsuid = 1000;
	c->gid = c->egid = c->fsgid = 1000;
	r->open_private = vfs_open("/vn_pm/private", O_RDONLY, 0, &f);
	r->search_private = vfs_statat(AT_FDCWD, "/vn_pm/closed/x", 0, &st);
	r->list_public = vfs_open("/vn_pm/public", O_RDONLY, 0, &f);
	if (!r->list_public)
		file_put(f);
	r->create_in_ro_dir = vfs_mkdirat(AT_FDCWD, "/vn_pm/public/new", 0755);
	r->create_in_own = vfs_open("/vn_pm/mine/new", O_CREAT | O_WRONLY, 0600, &f);
	if (!r->create_in_own)
		file_put(f);
	r->chmod_other = vfs_fchmodat(AT_FDCWD, "/vn_pm/private", 0777, 0);
	r->chown_own = vfs_fchownat(AT_FDCWD, "/vn_pm/mine/new", 0, (gid_t)-1, 0);
	r->sticky_unlink_other = vfs_unlinkat(AT_FDCWD, "/vn_pm/tmp/roots", 0);
	r->sticky_unlink_own = vfs_unlinkat(AT_FDCWD, "/vn_pm/tmp/users", 0);
	r->access_real = vfs_faccessat(AT_FDCWD, "/vn_pm/private", R_OK, 0);
	r->utimes_now_other = vfs_utimensat(AT_FDCWD, "/vn_pm/private", NULL, 0);
	r->mount = vfs_mount("tmpfs", "/vn_pm/mine", "tmpfs", 0, NULL);
	return 0;
}

KTEST(namei, permission_denied_to_a_process_that_is_not_root)
{
	struct perm_results r;
	pid_t pid;

	memset(&r, 0x55, sizeof(r));
	KTEST_EXPECT_EQ(t, vt_setup("/vn_pm"), 0);
	KTEST_EXPECT_EQ(t, vt_write_file("/vn_pm/private", "secret", 0600), 6);
	KTEST_EXPECT_EQ(t, vfs_mkdirat(AT_FDCWD, "/vn_pm/closed", 0700), 0);
	KTEST_EXPECT_EQ(t, vt_write_file("/vn_pm/closed/x", "", 0644), 0);
	KTEST_EXPECT_EQ(t, vfs_mkdirat(AT_FDCWD, "/vn_pm/public", 0755), 0);
	KTEST_EXPECT_EQ(t, vfs_mkdirat(AT_FDCWD, "/vn_pm/mine", 0755), 0);
	KTEST_EXPECT_EQ(t, vfs_fchownat(AT_FDCWD, "/vn_pm/mine", 1000, 1000, 0), 0);
	KTEST_EXPECT_EQ(t, vfs_mkdirat(AT_FDCWD, "/vn_pm/tmp", 0777), 0);
	KTEST_EXPECT_EQ(t, vfs_fchmodat(AT_FDCWD, "/vn_pm/tmp", 01777, 0), 0);
	KTEST_EXPECT_EQ(t, vt_write_file("/vn_pm/tmp/roots", "", 0666), 0);
	KTEST_EXPECT_EQ(t, vt_write_file("/vn_pm/tmp/users", "", 0666), 0);
	KTEST_EXPECT_EQ(t, vfs_fchownat(AT_FDCWD, "/vn_pm/tmp/users", 1000, 1000, 0), 0);

	KTEST_EXPECT_EQ(t, process_create("vfs-user", unprivileged_child, &r, NULL, &pid), 0);
	KTEST_EXPECT_EQ(t, process_wait(pid, NULL, 0), pid);

	KTEST_EXPECT_EQ(t, r.open_private, -EACCES);
	KTEST_EXPECT_EQ(t, r.search_private, -EACCES);
	KTEST_EXPECT_EQ(t, r.list_public, 0);
	KTEST_EXPECT_EQ(t, r.create_in_ro_dir, -EACCES);
	KTEST_EXPECT_EQ(t, r.create_in_own, 0);
	KTEST_EXPECT_EQ(t, r.chmod_other, -EPERM);
	KTEST_EXPECT_EQ(t, r.chown_own, -EPERM);           /* no giving files away */
	KTEST_EXPECT_EQ(t, r.sticky_unlink_other, -EPERM); /* /tmp's sticky bit */
	KTEST_EXPECT_EQ(t, r.sticky_unlink_own, 0);
	KTEST_EXPECT_EQ(t, r.access_real, -EACCES);
	KTEST_EXPECT_EQ(t, r.utimes_now_other, -EACCES);
	KTEST_EXPECT_EQ(t, r.mount, -EPERM);
	KTEST_EXPECT(t, vt_exists("/vn_pm/tmp/roots"));
	KTEST_EXPECT(t, !vt_exists("/vn_pm/tmp/users"));
	KTEST_EXPECT_EQ(t, vt_teardown("/vn_pm"), 0);
}

KTEST(namei, dcache_caches_negative_entries_and_shrinks)
{
	struct dcache_stats before, after;
	struct kstat st;

	KTEST_EXPECT_EQ(t, vt_setup("/vn_dc"), 0);
	KTEST_EXPECT_EQ(t, vfs_statat(AT_FDCWD, "/vn_dc/missing", 0, &st), -ENOENT);
	dcache_get_stats(&before);
	KTEST_EXPECT(t, before.negative >= 1);
	/* The second miss is answered by the negative entry: a hit. */
	KTEST_EXPECT_EQ(t, vfs_statat(AT_FDCWD, "/vn_dc/missing", 0, &st), -ENOENT);
	dcache_get_stats(&after);
	KTEST_EXPECT(t, after.hits >= before.hits + 2); /* "vn_dc" and "missing" */
	KTEST_EXPECT_EQ(t, after.misses, before.misses);
	/* Creating the name turns the negative entry positive. */
	KTEST_EXPECT_EQ(t, vt_write_file("/vn_dc/missing", "", 0644), 0);
	dcache_get_stats(&after);
	KTEST_EXPECT_EQ(t, after.negative, before.negative - 1);
	KTEST_EXPECT_EQ(t, vfs_statat(AT_FDCWD, "/vn_dc/missing", 0, &st), 0);
	/* Unused entries can be freed; lookups still work afterwards. */
	dcache_get_stats(&before);
	KTEST_EXPECT(t, before.unused > 0);
	KTEST_EXPECT(t, dcache_shrink(~0u) > 0);
	dcache_get_stats(&after);
	KTEST_EXPECT_EQ(t, after.unused, 0);
	KTEST_EXPECT(t, after.entries < before.entries);
	KTEST_EXPECT_EQ(t, vfs_statat(AT_FDCWD, "/vn_dc/missing", 0, &st), 0);
	KTEST_EXPECT_EQ(t, vt_teardown("/vn_dc"), 0);
}
