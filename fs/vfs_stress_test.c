// SPDX-License-Identifier: MIT
/*
 * KTAP test of the VFS under concurrency (suite "vfs_stress"): four
 * threads, pinned to different CPUs where there are that many, create,
 * remove, make directories in and rename over one shared set of names in
 * one directory, each accepting only the errors the race can explain.
 * Afterwards the tree must be consistent: what getdents64 lists is what
 * lookups find, link counts are right, and the dentry cache's counts add
 * up.
 *
 * Locks: none of their own; the workers share only atomics.
 */
#include <xdv/smp.h>
#include "vfs_test_util.h"

#define STRESS_NAMES   48
#define STRESS_ROUNDS  400
#define STRESS_THREADS 4

struct stress {
	int unexpected;        /* atomic: errors the races cannot explain */
	int last_bad_err, last_bad_op;
	int done_ops;          /* atomic */
};

static void bad(struct stress *s, int op, int err)
{
	__atomic_fetch_add(&s->unexpected, 1, __ATOMIC_RELAXED);
	s->last_bad_err = err;
	s->last_bad_op = op;
}

static int stress_worker(void *arg)
{
	struct stress *s = arg;
	uint64_t x = 0x9e3779b97f4a7c15ull ^ (uint64_t)thread_id(thread_current());
	char a[32], b[32];

	for (int r = 0; r < STRESS_ROUNDS; r++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		unsigned op = x % 6, n1 = (x >> 8) % STRESS_NAMES, n2 = (x >> 20) % STRESS_NAMES;
		struct file *f;
		int err;

		snprintf(a, sizeof(a), "/vs_cc/n%u", n1);
		snprintf(b, sizeof(b), "/vs_cc/n%u", n2);
		switch (op) {
		case 0: /* create */
			err = vfs_open(a, O_CREAT | O_EXCL | O_WRONLY, 0644, &f);
			if (!err)
				file_put(f);
			else if (err != -EEXIST)
				bad(s, op, err);
			break;
		case 1: /* unlink */
			err = vfs_unlinkat(AT_FDCWD, a, 0);
			if (err && err != -ENOENT && err != -EISDIR)
				bad(s, op, err);
			break;
		case 2: /* mkdir */
			err = vfs_mkdirat(AT_FDCWD, a, 0755);
			if (err && err != -EEXIST)
				bad(s, op, err);
			break;
		case 3: /* rmdir */
			err = vfs_unlinkat(AT_FDCWD, a, AT_REMOVEDIR);
			if (err && err != -ENOENT && err != -ENOTDIR)
				bad(s, op, err);
			break;
		case 4: /* rename, maybe over something */
			err = vfs_renameat2(AT_FDCWD, a, AT_FDCWD, b, 0);
			if (err && err != -ENOENT && err != -EISDIR && err != -ENOTDIR &&
			    err != -ENOTEMPTY)
				bad(s, op, err);
			break;
		default: { /* lookup and stat */
			struct kstat st;

			err = vfs_statat(AT_FDCWD, a, 0, &st);
			if (err && err != -ENOENT)
				bad(s, op, err);
			else if (!err && !S_ISDIR(st.mode) && !S_ISREG(st.mode))
				bad(s, op, -1000);
			break;
		}
		}
		__atomic_fetch_add(&s->done_ops, 1, __ATOMIC_RELAXED);
	}
	return 0;
}

KTEST(vfs_stress, four_cpus_create_unlink_rename_leave_a_consistent_tree)
{
	struct thread *th[STRESS_THREADS];
	struct stress s = { 0 };
	uint64_t online = smp_online_mask();
	unsigned cpus[STRESS_THREADS], ncpu = 0;
	char *buf = kmalloc(8192, 0);
	unsigned listed = 0, subdirs = 0, found = 0;
	struct file *dir;
	struct kstat st;
	ssize_t n;

	KTEST_EXPECT(t, buf != NULL);
	if (!buf)
		return;
	for (unsigned c = 0; c < 64 && ncpu < STRESS_THREADS; c++)
		if (online & (1ull << c))
			cpus[ncpu++] = c;
	if (ncpu < STRESS_THREADS)
		ktest_note(t, "only %u CPUs: threads share them", ncpu);
	KTEST_EXPECT_EQ(t, vt_setup("/vs_cc"), 0);
	for (int i = 0; i < STRESS_THREADS; i++) {
		struct thread_attr attr = { .name = "vfs-stress",
					    .affinity = 1ull << cpus[i % ncpu] };

		KTEST_EXPECT_EQ(t, thread_create(kernel_process(), stress_worker, &s, &attr, &th[i]),
				0);
	}
	for (int i = 0; i < STRESS_THREADS; i++)
		KTEST_EXPECT_EQ(t, thread_join(th[i], NULL), 0);
	KTEST_EXPECT_EQ(t, s.done_ops, STRESS_THREADS * STRESS_ROUNDS);
	KTEST_EXPECT_EQ(t, s.unexpected, 0);
	if (s.unexpected)
		ktest_note(t, "last unexpected: op %d error %d", s.last_bad_op, s.last_bad_err);

	/* getdents64 against lookups, and the link counts. */
	bool seen[STRESS_NAMES] = { false };

	KTEST_EXPECT_EQ(t, vfs_open("/vs_cc", O_RDONLY | O_DIRECTORY, 0, &dir), 0);
	while ((n = vfs_getdents64(dir, buf, 8192)) > 0) {
		for (ssize_t off = 0; off < n;) {
			const struct linux_dirent64 *d = (const void *)(buf + off);
			char name[32];
			unsigned idx;

			off += d->d_reclen;
			if (!strcmp(d->d_name, ".") || !strcmp(d->d_name, ".."))
				continue;
			listed++;
			idx = 0;
			for (const char *p = d->d_name + 1; *p; p++)
				idx = idx * 10 + (unsigned)(*p - '0');
			KTEST_EXPECT(t, d->d_name[0] == 'n' && idx < STRESS_NAMES && !seen[idx]);
			if (idx < STRESS_NAMES)
				seen[idx] = true;
			snprintf(name, sizeof(name), "/vs_cc/%s", d->d_name);
			KTEST_EXPECT_EQ(t, vfs_statat(AT_FDCWD, name, 0, &st), 0);
			KTEST_EXPECT_EQ(t, d->d_ino, st.ino);
			KTEST_EXPECT_EQ(t, d->d_type, S_ISDIR(st.mode) ? DT_DIR : DT_REG);
			if (S_ISDIR(st.mode)) {
				subdirs++;
				KTEST_EXPECT_EQ(t, st.nlink, 2);
			} else {
				KTEST_EXPECT_EQ(t, st.nlink, 1);
			}
		}
	}
	KTEST_EXPECT_EQ(t, n, 0);
	file_put(dir);
	for (unsigned i = 0; i < STRESS_NAMES; i++) {
		char name[32];

		snprintf(name, sizeof(name), "/vs_cc/n%u", i);
		if (!vfs_statat(AT_FDCWD, name, 0, &st))
			found++;
		else
			KTEST_EXPECT(t, !seen[i]);
	}
	KTEST_EXPECT_EQ(t, found, listed);
	KTEST_EXPECT_EQ(t, vfs_statat(AT_FDCWD, "/vs_cc", 0, &st), 0);
	KTEST_EXPECT_EQ(t, st.nlink, 2 + subdirs);
	ktest_note(t, "%u names left, %u of them directories", listed, subdirs);

	struct dcache_stats ds;

	dcache_get_stats(&ds);
	KTEST_EXPECT(t, ds.negative <= ds.entries);
	KTEST_EXPECT(t, ds.unused <= ds.entries);
	/* Empty the directory, then it and the mount go. */
	for (unsigned i = 0; i < STRESS_NAMES; i++) {
		char name[32];

		snprintf(name, sizeof(name), "/vs_cc/n%u", i);
		if (vfs_unlinkat(AT_FDCWD, name, 0) == -EISDIR)
			KTEST_EXPECT_EQ(t, vfs_unlinkat(AT_FDCWD, name, AT_REMOVEDIR), 0);
	}
	KTEST_EXPECT_EQ(t, vfs_statat(AT_FDCWD, "/vs_cc", 0, &st), 0);
	KTEST_EXPECT_EQ(t, st.nlink, 2);
	KTEST_EXPECT_EQ(t, vt_teardown("/vs_cc"), 0);
	kfree(buf);
}
