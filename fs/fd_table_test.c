// SPDX-License-Identifier: MIT
/*
 * KTAP tests of descriptor tables (suite "fdtable"): lowest free number,
 * dup2, close-on-exec, fork's copy, and the 1024-descriptor limit.
 *
 * Locks: none of their own.
 */
#include "vfs_test_util.h"

static struct file *open_root(void)
{
	struct file *f = NULL;

	if (vfs_open("/", O_RDONLY | O_DIRECTORY, 0, &f))
		return NULL;
	return f;
}

KTEST(fdtable, install_takes_lowest_free_and_dup2_replaces)
{
	struct fd_table *tb = fd_table_create();
	struct file *a = open_root(), *b = open_root(), *g;

	KTEST_EXPECT(t, tb && a && b);
	if (!tb || !a || !b)
		return;
	KTEST_EXPECT_EQ(t, fd_install(tb, file_get(a), 0, false), 0);
	KTEST_EXPECT_EQ(t, fd_install(tb, file_get(a), 0, true), 1);
	KTEST_EXPECT_EQ(t, fd_install(tb, file_get(b), 5, false), 5);
	KTEST_EXPECT_EQ(t, fd_install(tb, file_get(b), 0, false), 2);
	KTEST_EXPECT_EQ(t, fd_close(tb, 1), 0);
	KTEST_EXPECT_EQ(t, fd_close(tb, 1), -EBADF);
	KTEST_EXPECT_EQ(t, fd_install(tb, file_get(b), 0, false), 1);
	KTEST_EXPECT_EQ(t, fd_get_cloexec(tb, 1), 0); /* the old bit went with close */
	KTEST_EXPECT_EQ(t, fd_dup2(tb, 0, 5, true), 5);
	g = fd_get_file(tb, 5);
	KTEST_EXPECT(t, g == a);
	file_put(g);
	KTEST_EXPECT_EQ(t, fd_get_cloexec(tb, 5), 1);
	KTEST_EXPECT_EQ(t, fd_dup2(tb, 7, 8, false), -EBADF);
	KTEST_EXPECT_EQ(t, fd_dup2(tb, 0, NR_OPEN_DEFAULT, false), -EBADF);
	KTEST_EXPECT_EQ(t, fd_dup2(tb, 0, 0, false), 0);
	KTEST_EXPECT(t, fd_get_file(tb, 3) == NULL);
	KTEST_EXPECT(t, fd_get_file(tb, -1) == NULL);
	KTEST_EXPECT_EQ(t, fd_set_cloexec(tb, 2, true), 0);
	KTEST_EXPECT_EQ(t, fd_set_cloexec(tb, 3, true), -EBADF);
	fd_close_on_exec(tb);
	KTEST_EXPECT(t, fd_get_file(tb, 2) == NULL);
	KTEST_EXPECT(t, fd_get_file(tb, 5) == NULL);
	g = fd_get_file(tb, 0);
	KTEST_EXPECT(t, g == a);
	file_put(g);
	/* Only the table and our own references are left on a and b. */
	KTEST_EXPECT_EQ(t, a->refs, 2);
	KTEST_EXPECT_EQ(t, b->refs, 2);
	fd_table_put(tb);
	KTEST_EXPECT_EQ(t, a->refs, 1);
	KTEST_EXPECT_EQ(t, b->refs, 1);
	file_put(a);
	file_put(b);
}

KTEST(fdtable, clone_copies_descriptors_and_shares_offsets)
{
	struct fd_table *tb = fd_table_create(), *copy;
	struct file *f = open_root(), *g;

	KTEST_EXPECT(t, tb && f);
	if (!tb || !f)
		return;
	KTEST_EXPECT_EQ(t, fd_install(tb, f, 3, true), 3);
	copy = fd_table_clone(tb);
	KTEST_EXPECT(t, copy != NULL);
	if (!copy)
		return;
	g = fd_get_file(copy, 3);
	KTEST_EXPECT(t, g == f); /* the same open file description */
	KTEST_EXPECT_EQ(t, fd_get_cloexec(copy, 3), 1);
	file_put(g);
	KTEST_EXPECT_EQ(t, fd_close(tb, 3), 0);
	KTEST_EXPECT_EQ(t, f->refs, 1); /* the copy's */
	fd_table_put(tb);
	fd_table_put(copy);
}

KTEST(fdtable, table_full_at_1024_gives_emfile)
{
	struct fd_table *tb = fd_table_create();
	struct file *f = open_root();
	int fd = 0;

	KTEST_EXPECT(t, tb && f);
	if (!tb || !f)
		return;
	for (int i = 0; i < NR_OPEN_DEFAULT && fd >= 0; i++)
		fd = fd_install(tb, file_get(f), 0, false);
	KTEST_EXPECT_EQ(t, fd, NR_OPEN_DEFAULT - 1);
	KTEST_EXPECT_EQ(t, fd_install(tb, f, 0, false), -EMFILE);
	KTEST_EXPECT_EQ(t, fd_install(tb, f, NR_OPEN_DEFAULT, false), -EMFILE);
	KTEST_EXPECT_EQ(t, fd_close(tb, 700), 0);
	KTEST_EXPECT_EQ(t, fd_install(tb, f, 0, false), 700);
	fd_table_put(tb);
}
