// SPDX-License-Identifier: MIT
/*
 * KTAP tests of /proc through the VFS: reads in 1-byte pieces and at
 * offsets, /proc/self, pid directories appearing and vanishing with a
 * process (also while held), fd/ links, ownership from the credentials,
 * /proc/mounts, meminfo's page-cache figures, the writable host name, and
 * readers racing 60 processes that come and go.
 *
 * Tests that need a process of their own make one with child_start: it
 * does its part, says so, and waits to be let go (child_finish reaps it).
 */
#include <xdv/errno.h>
#include <xdv/irq.h>
#include <xdv/ktest.h>
#include <xdv/mm.h>
#include <xdv/percpu.h>
#include <xdv/printk.h>
#include <xdv/string.h>
#include "internal.h"
#include "procfs_test_util.h"

/* ---- through the VFS ------------------------------------------------------- */

KTEST(procfs, read_in_one_byte_pieces_same_as_one_read)
{
	static const char *const files[] = { "/proc/meminfo", "/proc/cpuinfo", "/proc/stat",
					     "/proc/version", "/proc/interrupts" };

	for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
		struct file *f;
		char *whole = kmalloc(16384, 0), *bytes = kmalloc(16384, 0);
		ssize_t n;
		size_t m = 0;
		loff_t pos = 0;

		KTEST_EXPECT(t, whole && bytes);
		if (!whole || !bytes || vfs_open(files[i], O_RDONLY, 0, &f)) {
			KTEST_EXPECT(t, false);
			kfree(whole);
			kfree(bytes);
			continue;
		}
		/* One open file: one snapshot, read whole then byte by byte. */
		n = kernel_read(f, whole, 16384, &pos);
		KTEST_EXPECT(t, n > 0 && n < 16384);
		for (pos = 0; m < 16384; m++) {
			ssize_t r = kernel_read(f, bytes + m, 1, &pos);

			if (r != 1) {
				KTEST_EXPECT_EQ(t, r, 0);
				break;
			}
		}
		KTEST_EXPECT_EQ(t, m, (size_t)n);
		KTEST_EXPECT(t, n > 0 && !memcmp(whole, bytes, (size_t)n));
		file_put(f);
		kfree(whole);
		kfree(bytes);
	}
}

static int child_self(struct ptest_child *c)
{
	char *text;
	int n = vfs_readlinkat(AT_FDCWD, "/proc/self", c->text, sizeof(c->text) - 1);

	if (n < 0)
		return n;
	c->text[n] = '\0';
	/* And /proc/self/stat of this process, through the link. */
	if ((n = ptest_read_file("/proc/self/stat", &text, NULL)))
		return n;
	strlcpy(c->text + 32, text, sizeof(c->text) - 32);
	kfree(text);
	return 0;
}

KTEST(procfs, self_links_to_reader_pid)
{
	struct ptest_child c;
	char want[16];
	char *fields[64];
	unsigned n;

	KTEST_EXPECT_EQ(t, ptest_child_start(&c, child_self), 0);
	KTEST_EXPECT_EQ(t, c.result, 0);
	snprintf(want, sizeof(want), "%d", c.pid);
	KTEST_EXPECT_STREQ(t, c.text, want);
	n = ptest_split_fields(c.text + 32, fields, 64);
	KTEST_EXPECT_EQ(t, n, 52);
	if (n == 52) {
		KTEST_EXPECT_STREQ(t, fields[0], want);
		KTEST_EXPECT_STREQ(t, fields[1], "(proctest)");
	}
	ptest_child_finish(&c);
}

KTEST(procfs, getdents_lists_pid_until_reaped)
{
	struct ptest_child c;
	char name[16], path[32];
	struct kstat st;

	KTEST_EXPECT_EQ(t, ptest_child_start(&c, ptest_child_idle), 0);
	snprintf(name, sizeof(name), "%d", c.pid);
	snprintf(path, sizeof(path), "/proc/%d/stat", c.pid);
	KTEST_EXPECT_EQ(t, ptest_dir_has("/proc", name), 1);
	KTEST_EXPECT_EQ(t, ptest_dir_has("/proc", "meminfo"), 1);
	KTEST_EXPECT_EQ(t, ptest_dir_has("/proc", "self"), 1);
	KTEST_EXPECT_EQ(t, vfs_statat(AT_FDCWD, path, 0, &st), 0);
	ptest_child_finish(&c);
	KTEST_EXPECT_EQ(t, ptest_dir_has("/proc", name), 0);
	KTEST_EXPECT_EQ(t, vfs_statat(AT_FDCWD, path, 0, &st), -ENOENT);
}

static int child_open_fd(struct ptest_child *c)
{
	struct file *f;
	int err = vfs_open("/proc/version", O_RDONLY, 0, &f);

	if (err)
		return err;
	c->fd = fd_install(fd_table_current(), f, 0, false);
	return c->fd < 0 ? c->fd : 0;
}

KTEST(procfs, pid_fd_lists_descriptor_and_links_to_path)
{
	struct ptest_child c;
	char dir[32], link[48], name[16], target[64];
	int n;

	KTEST_EXPECT_EQ(t, ptest_child_start(&c, child_open_fd), 0);
	KTEST_EXPECT_EQ(t, c.result, 0);
	snprintf(dir, sizeof(dir), "/proc/%d/fd", c.pid);
	snprintf(name, sizeof(name), "%d", c.fd);
	snprintf(link, sizeof(link), "%s/%d", dir, c.fd);
	KTEST_EXPECT_EQ(t, ptest_dir_has(dir, name), 1);
	n = vfs_readlinkat(AT_FDCWD, link, target, sizeof(target) - 1);
	KTEST_EXPECT_EQ(t, n, 13);
	if (n >= 0) {
		target[n] = '\0';
		KTEST_EXPECT_STREQ(t, target, "/proc/version");
	}
	snprintf(link, sizeof(link), "%s/%d", dir, 999);
	KTEST_EXPECT_EQ(t, vfs_readlinkat(AT_FDCWD, link, target, sizeof(target)), -ENOENT);
	ptest_child_finish(&c);
}

KTEST(procfs, pid_exe_of_kernel_process_enoent)
{
	struct ptest_child c;
	char path[32], target[64];

	KTEST_EXPECT_EQ(t, ptest_child_start(&c, ptest_child_idle), 0);
	snprintf(path, sizeof(path), "/proc/%d/exe", c.pid);
	KTEST_EXPECT_EQ(t, vfs_readlinkat(AT_FDCWD, path, target, sizeof(target)), -ENOENT);
	snprintf(path, sizeof(path), "/proc/%d/cwd", c.pid);
	KTEST_EXPECT_EQ(t, vfs_readlinkat(AT_FDCWD, path, target, sizeof(target)), 1);
	KTEST_EXPECT(t, target[0] == '/');
	ptest_child_finish(&c);
}

KTEST(procfs, mounts_lists_root_as_tmpfs)
{
	char *text = NULL;
	bool root_tmpfs = false, proc = false;

	if (!KTEST_EXPECT_EQ(t, ptest_read_file("/proc/mounts", &text, NULL), 0))
		return;
	for (char *line = text; *line;) {
		char *nl = strchr(line, '\n');
		char *f[8];
		unsigned n;

		if (!nl)
			break;
		*nl = '\0';
		n = ptest_split_fields(line, f, 8);
		KTEST_EXPECT_EQ(t, n, 6);
		if (n == 6 && !strcmp(f[1], "/") && !strcmp(f[2], "tmpfs"))
			root_tmpfs = true;
		if (n == 6 && !strcmp(f[1], "/proc") && !strcmp(f[2], "proc"))
			proc = true;
		if (n == 6) {
			KTEST_EXPECT(t, !strncmp(f[3], "rw", 2) || !strncmp(f[3], "ro", 2));
			KTEST_EXPECT_STREQ(t, f[4], "0");
			KTEST_EXPECT_STREQ(t, f[5], "0");
		}
		line = nl + 1;
	}
	KTEST_EXPECT(t, root_tmpfs);
	KTEST_EXPECT(t, proc);
	kfree(text);
}

KTEST(procfs, hostname_written_through_vfs)
{
	struct file *f;
	loff_t pos = 0;
	char *text;

	if (!KTEST_EXPECT_EQ(t, vfs_open("/proc/sys/kernel/hostname", O_WRONLY, 0, &f), 0))
		return;
	KTEST_EXPECT_EQ(t, kernel_write(f, "box\n", 4, &pos), 4);
	file_put(f);
	if (KTEST_EXPECT_EQ(t, ptest_read_file("/proc/sys/kernel/hostname", &text, NULL), 0)) {
		KTEST_EXPECT_STREQ(t, text, "box\n");
		kfree(text);
	}
	KTEST_EXPECT_EQ(t, procfs_write_hostname("(none)", 6), 0);
	if (KTEST_EXPECT_EQ(t, ptest_read_file("/proc/sys/kernel/ostype", &text, NULL), 0)) {
		KTEST_EXPECT_STREQ(t, text, "Linux\n");
		kfree(text);
	}
	/* A read-only file: Linux refuses the open for writing (mode 0444
	 * and no write op) with EACCES for non-root; root gets EINVAL at the
	 * write. Either way no byte is taken. */
	pos = 0;
	if (vfs_open("/proc/version", O_WRONLY, 0, &f) == 0) {
		KTEST_EXPECT(t, kernel_write(f, "x", 1, &pos) < 0);
		file_put(f);
	}
}

/* The figure of meminfo line `key` ("Cached"), in kB; UINT64_MAX if absent. */
static uint64_t meminfo_kb(const char *key)
{
	char *text = ptest_gen(procfs_show_meminfo, NULL, NULL);
	size_t n = strlen(key);
	uint64_t v = UINT64_MAX;

	for (const char *s = text; s && *s;) {
		if (!strncmp(s, key, n) && s[n] == ':') {
			const char *p = s + n + 1;

			while (*p == ' ')
				p++;
			if (!ptest_parse_u64(&p, &v))
				v = UINT64_MAX;
			break;
		}
		s = strchr(s, '\n');
		s = s ? s + 1 : NULL;
	}
	kfree(text);
	return v;
}

KTEST(procfs, meminfo_cached_and_shmem_count_tmpfs_pages)
{
	static const char path[] = "/procfs_test_cache";
	uint64_t cached0 = meminfo_kb("Cached"), shmem0 = meminfo_kb("Shmem");
	char *chunk = kzalloc(4096, 0);
	struct file *f;
	loff_t pos = 0;

	if (!KTEST_EXPECT(t, chunk != NULL))
		return;
	if (!KTEST_EXPECT_EQ(t, vfs_open(path, O_CREAT | O_WRONLY | O_TRUNC, 0644, &f), 0)) {
		kfree(chunk);
		return;
	}
	for (int i = 0; i < 64; i++) /* 256 KiB: 64 pages */
		KTEST_EXPECT_EQ(t, kernel_write(f, chunk, 4096, &pos), 4096);
	file_put(f);
	kfree(chunk);
	KTEST_EXPECT(t, meminfo_kb("Cached") >= cached0 + 256);
	KTEST_EXPECT(t, meminfo_kb("Shmem") >= shmem0 + 256);
	KTEST_EXPECT_EQ(t, vfs_unlinkat(AT_FDCWD, path, 0), 0);
	KTEST_EXPECT(t, meminfo_kb("Shmem") < shmem0 + 256);
}

static int child_become_user(struct ptest_child *c)
{
	struct cred *cred = process_cred(process_current());

	cred->uid = cred->euid = cred->fsuid = 1000;
	cred->gid = cred->egid = cred->fsgid = 100;
	return 0;
}

KTEST(procfs, pid_dir_owned_by_process_cred)
{
	struct ptest_child c;
	char path[32];
	struct kstat st;

	KTEST_EXPECT_EQ(t, ptest_child_start(&c, child_become_user), 0);
	snprintf(path, sizeof(path), "/proc/%d", c.pid);
	if (KTEST_EXPECT_EQ(t, vfs_statat(AT_FDCWD, path, 0, &st), 0)) {
		KTEST_EXPECT_EQ(t, st.uid, 1000);
		KTEST_EXPECT_EQ(t, st.gid, 100);
		KTEST_EXPECT(t, S_ISDIR(st.mode));
	}
	snprintf(path, sizeof(path), "/proc/%d/status", c.pid);
	if (KTEST_EXPECT_EQ(t, vfs_statat(AT_FDCWD, path, 0, &st), 0))
		KTEST_EXPECT_EQ(t, st.uid, 1000);
	ptest_child_finish(&c);
}

KTEST(procfs, held_pid_dir_of_reaped_process_gives_enoent)
{
	struct ptest_child c;
	char path[32];
	struct path held, stat_path;

	KTEST_EXPECT_EQ(t, ptest_child_start(&c, ptest_child_idle), 0);
	snprintf(path, sizeof(path), "/proc/%d", c.pid);
	if (!KTEST_EXPECT_EQ(t, vfs_lookup(path, LOOKUP_FOLLOW, &held), 0)) {
		ptest_child_finish(&c);
		return;
	}
	ptest_child_finish(&c);
	/* Through the held directory, and by name again: gone either way. */
	KTEST_EXPECT_EQ(t, vfs_lookup_path(&held, "stat", 0, &stat_path), -ENOENT);
	KTEST_EXPECT_EQ(t, vfs_lookup(path, LOOKUP_FOLLOW, &stat_path), -ENOENT);
	path_put(&held);
}

/* ---- concurrency ---------------------------------------------------------- */

struct stress {
	volatile bool stop;
	unsigned reads, bad;
	struct completion done;
};

static int stress_child(void *arg)
{
	struct file *f;

	if (!vfs_open("/proc/version", O_RDONLY, 0, &f)) {
		if (fd_install(fd_table_current(), f, 0, false) < 0)
			file_put(f);
	}
	sched_sleep_ns(200 * 1000);
	return 0; /* the exit closes the descriptor */
}

static bool stress_one_pid(pid_t pid, void *arg)
{
	struct stress *s = arg;
	char path[48], target[64], *text;
	int err;

	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	err = ptest_read_file(path, &text, NULL);
	if (!err)
		kfree(text);
	else if (err != -ENOENT)
		__atomic_fetch_add(&s->bad, 1, __ATOMIC_RELAXED);
	snprintf(path, sizeof(path), "/proc/%d/cwd", pid);
	err = vfs_readlinkat(AT_FDCWD, path, target, sizeof(target));
	if (err < 0 && err != -ENOENT)
		__atomic_fetch_add(&s->bad, 1, __ATOMIC_RELAXED);
	snprintf(path, sizeof(path), "/proc/%d/fd", pid);
	err = ptest_dir_has(path, "0");
	if (err < 0 && err != -ENOENT)
		__atomic_fetch_add(&s->bad, 1, __ATOMIC_RELAXED);
	snprintf(path, sizeof(path), "/proc/%d/fd/0", pid);
	err = vfs_readlinkat(AT_FDCWD, path, target, sizeof(target));
	if (err < 0 && err != -ENOENT)
		__atomic_fetch_add(&s->bad, 1, __ATOMIC_RELAXED);
	__atomic_fetch_add(&s->reads, 1, __ATOMIC_RELAXED);
	return !s->stop;
}

static int stress_reader(void *arg)
{
	struct stress *s = arg;

	while (!s->stop)
		process_for_each(stress_one_pid, s);
	complete(&s->done);
	return 0;
}

KTEST(procfs, readers_during_process_churn_on_4_cpus)
{
	struct stress s = { .stop = false };
	unsigned made = 0;

	if (nr_cpus < 2) {
		KTEST_SKIP(t, "needs 2 or more CPUs");
		return;
	}
	completion_init(&s.done);
	for (int i = 0; i < 3; i++)
		KTEST_EXPECT_EQ(t, kthread_start(stress_reader, &s, NULL), 0);
	for (int i = 0; i < 60; i++) {
		pid_t pid;

		if (process_create("churn", stress_child, NULL, NULL, &pid))
			continue;
		made++;
		if (i % 3 == 2) /* keep a few alive at once */
			while (process_wait(-1, NULL, PROCESS_WAIT_NOHANG) > 0)
				;
	}
	while (process_wait(-1, NULL, 0) > 0)
		;
	s.stop = true;
	for (int i = 0; i < 3; i++)
		wait_for_completion(&s.done);
	KTEST_EXPECT_EQ(t, made, 60);
	KTEST_EXPECT_EQ(t, s.bad, 0);
	KTEST_EXPECT(t, s.reads > 0);
	ktest_note(t, "%u pid visits by 3 readers while 60 processes came and went", s.reads);
}

KTEST(procfs, lseek_set_and_cur_then_read_end_einval)
{
	struct file *f;
	char whole[256], part[256];
	loff_t pos = 0;
	ssize_t n, m;

	if (!KTEST_EXPECT_EQ(t, vfs_open("/proc/version", O_RDONLY, 0, &f), 0))
		return;
	n = vfs_read(f, &(struct iov_iter){ 0 }); /* nothing asked: 0 */
	KTEST_EXPECT_EQ(t, n, 0);
	n = kernel_read(f, whole, sizeof(whole), &pos);
	KTEST_EXPECT(t, n > 10);
	KTEST_EXPECT_EQ(t, vfs_llseek(f, 5, SEEK_SET), 5);
	KTEST_EXPECT_EQ(t, vfs_llseek(f, 2, SEEK_CUR), 7);
	{
		struct kvec v = { part, sizeof(part) };
		struct iov_iter it;

		iov_iter_kvec(&it, &v, 1);
		m = vfs_read(f, &it);
	}
	KTEST_EXPECT_EQ(t, m, n - 7);
	KTEST_EXPECT(t, m > 0 && !memcmp(part, whole + 7, (size_t)m));
	KTEST_EXPECT_EQ(t, vfs_llseek(f, 0, SEEK_END), -EINVAL);
	KTEST_EXPECT_EQ(t, vfs_llseek(f, -100, SEEK_SET), -EINVAL);
	/* Past the end: reads give 0 (end of file). */
	KTEST_EXPECT_EQ(t, vfs_llseek(f, 100000, SEEK_SET), 100000);
	pos = 100000;
	KTEST_EXPECT_EQ(t, kernel_read(f, part, sizeof(part), &pos), 0);
	file_put(f);
}

static int child_open_console(struct ptest_child *c)
{
	struct file *f;
	int err = vfs_open("/dev/console", O_RDWR, 0, &f);

	if (err)
		return err;
	c->fd = fd_install(fd_table_current(), f, 0, false);
	return c->fd < 0 ? c->fd : 0;
}

KTEST(procfs, pid_fd_of_console_links_to_dev_console)
{
	struct ptest_child c;
	char link[48], target[64];
	int n;

	KTEST_EXPECT_EQ(t, ptest_child_start(&c, child_open_console), 0);
	if (KTEST_EXPECT_EQ(t, c.result, 0)) {
		snprintf(link, sizeof(link), "/proc/%d/fd/%d", c.pid, c.fd);
		n = vfs_readlinkat(AT_FDCWD, link, target, sizeof(target) - 1);
		if (KTEST_EXPECT_EQ(t, n, 12)) {
			target[n] = '\0';
			KTEST_EXPECT_STREQ(t, target, "/dev/console");
		}
	}
	ptest_child_finish(&c);
}


/* Inodes of the proc super block at "/proc" that belong to pid. */
static unsigned proc_inodes_of(pid_t pid, struct super_block **sbp)
{
	struct path proc;
	unsigned n = 0;

	if (vfs_lookup("/proc", LOOKUP_FOLLOW, &proc))
		return ~0u;
	struct super_block *sb = proc.dentry->sb;

	spin_lock(&sb->inode_lock);
	list_for_each(node, &sb->inodes) {
		struct inode *i = list_entry(node, struct inode, sb_link);

		if (procfs_inode_of(i)->pid == pid)
			n++;
	}
	spin_unlock(&sb->inode_lock);
	*sbp = sb;
	path_put(&proc);
	return n;
}

KTEST(procfs, readdir_frees_directories_of_gone_processes)
{
	struct ptest_child c;
	struct super_block *sb;
	char path[32];
	struct kstat st;

	KTEST_EXPECT_EQ(t, ptest_child_start(&c, ptest_child_idle), 0);
	snprintf(path, sizeof(path), "/proc/%d/fd", c.pid);
	KTEST_EXPECT_EQ(t, vfs_statat(AT_FDCWD, path, 0, &st), 0);
	/* Its directory and fd/ stay (unused) after the lookup. */
	KTEST_EXPECT_EQ(t, proc_inodes_of(c.pid, &sb), 2);
	ptest_child_finish(&c);
	KTEST_EXPECT_EQ(t, proc_inodes_of(c.pid, &sb), 2);
	/* A listing of /proc (what ps does) frees them. */
	KTEST_EXPECT_EQ(t, ptest_dir_has("/proc", "self"), 1);
	KTEST_EXPECT_EQ(t, proc_inodes_of(c.pid, &sb), 0);
}
