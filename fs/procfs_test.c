// SPDX-License-Identifier: MIT
/*
 * KTAP tests of procfs: the seq_buf primitives, each generator's format
 * parsed back (meminfo, cpuinfo, stat, uptime, loadavg, <pid>/stat and
 * status), and /proc through the VFS: reads in 1-byte pieces, /proc/self,
 * the pid directories appearing and vanishing with a process, fd/ links,
 * /proc/mounts and the writable host name.
 *
 * Tests that need a process of their own (self, fd, a pid to list) make
 * one with process_create and talk to it through a struct with two
 * completions: the child does its part, says so, and waits to be let go.
 */
#include <xdv/errno.h>
#include <xdv/irq.h>
#include <xdv/ktest.h>
#include <xdv/mm.h>
#include <xdv/percpu.h>
#include <xdv/printk.h>
#include <xdv/string.h>
#include "internal.h"
#include "procfs.h"

/* ---- helpers ---------------------------------------------------------------- */

/* Parse an unsigned decimal at *s, moving *s past it. False: no digits. */
static bool parse_u64(const char **s, uint64_t *out)
{
	const char *p = *s;
	uint64_t v = 0;

	if (*p < '0' || *p > '9')
		return false;
	while (*p >= '0' && *p <= '9')
		v = v * 10 + (uint64_t)(*p++ - '0');
	*s = p;
	*out = v;
	return true;
}

/* Does hay contain needle? */
static bool contains(const char *hay, const char *needle)
{
	size_t n = strlen(needle);

	for (; *hay; hay++) {
		if (!strncmp(hay, needle, n))
			return true;
	}
	return false;
}

/* Split line into space-separated fields, in place. Return: how many. */
static unsigned split_fields(char *line, char **fields, unsigned max)
{
	unsigned n = 0;

	while (*line && n < max) {
		while (*line == ' ')
			line++;
		if (!*line || *line == '\n')
			break;
		fields[n++] = line;
		while (*line && *line != ' ' && *line != '\n')
			line++;
		char end = *line;

		if (end)
			*line++ = '\0';
		if (end == '\n')
			break; /* one line only */
	}
	return n;
}

/* Run a generator into a fresh buffer (NUL-terminated). NULL on error. */
static char *gen(procfs_show_t show, struct process *p, size_t *len)
{
	struct procfs_entry e = { .name = "t", .mode = S_IFREG | 0444, .show = show };
	char *text, *z;
	size_t n;

	if (procfs_generate(&e, p, &text, &n))
		return NULL;
	z = kmalloc(n + 1, 0);
	if (z) {
		memcpy(z, text, n);
		z[n] = '\0';
	}
	kfree(text);
	if (len)
		*len = n;
	return z;
}

/* The whole of a file read through the VFS in one go (NUL-terminated). */
static int read_file(const char *path, char **out, size_t *len)
{
	struct file *f;
	size_t cap = 16384, n = 0;
	char *buf;
	int err = vfs_open(path, O_RDONLY, 0, &f);

	if (err)
		return err;
	buf = kmalloc(cap, 0);
	if (!buf) {
		file_put(f);
		return -ENOMEM;
	}
	for (;;) {
		loff_t pos = (loff_t)n;
		ssize_t r = kernel_read(f, buf + n, cap - 1 - n, &pos);

		if (r < 0) {
			err = (int)r;
			break;
		}
		if (r == 0)
			break;
		n += (size_t)r;
		if (n == cap - 1) {
			err = -EFBIG;
			break;
		}
	}
	file_put(f);
	if (err) {
		kfree(buf);
		return err;
	}
	buf[n] = '\0';
	*out = buf;
	if (len)
		*len = n;
	return 0;
}

/* Does the directory at path list name (getdents64)? Return: 1, 0, -errno. */
static int dir_has(const char *path, const char *name)
{
	struct file *f;
	char *buf;
	int found = 0;
	int err = vfs_open(path, O_RDONLY | O_DIRECTORY, 0, &f);

	if (err)
		return err;
	buf = kmalloc(512, 0); /* small on purpose: several calls, resumed */
	if (!buf) {
		file_put(f);
		return -ENOMEM;
	}
	for (;;) {
		ssize_t n = vfs_getdents64(f, buf, 512);

		if (n <= 0) {
			if (n < 0)
				found = (int)n;
			break;
		}
		for (ssize_t off = 0; off < n;) {
			struct linux_dirent64 *d = (struct linux_dirent64 *)(buf + off);

			if (!strcmp(d->d_name, name))
				found = 1;
			off += d->d_reclen;
		}
	}
	kfree(buf);
	file_put(f);
	return found;
}

/* A child process that runs `work`, then waits until released. */
struct child {
	struct completion ready, release;
	int (*work)(struct child *c);
	int result;
	pid_t pid;
	char text[256];
	int fd;
};

static int child_main(void *arg)
{
	struct child *c = arg;

	c->pid = process_pid(process_current());
	c->result = c->work ? c->work(c) : 0;
	complete(&c->ready);
	wait_for_completion(&c->release);
	return 0;
}

static int child_start(struct child *c, int (*work)(struct child *c))
{
	memset(c, 0, sizeof(*c));
	completion_init(&c->ready);
	completion_init(&c->release);
	c->work = work;
	c->fd = -1;
	int err = process_create("proctest", child_main, c, NULL, &c->pid);

	if (!err)
		wait_for_completion(&c->ready);
	return err;
}

static void child_finish(struct child *c)
{
	complete(&c->release);
	(void)process_wait(c->pid, NULL, 0);
}

/* ---- seq_buf --------------------------------------------------------------- */

KTEST(procfs, seq_printf_overflow_sets_overflowed_and_counts)
{
	char buf[8];
	struct seq_buf m;

	seq_buf_init(&m, buf, sizeof(buf));
	seq_printf(&m, "%d", 1234);
	KTEST_EXPECT(t, !seq_buf_overflowed(&m));
	seq_printf(&m, "%s", "56789");
	KTEST_EXPECT(t, seq_buf_overflowed(&m));
	KTEST_EXPECT(t, m.len >= 9);
	KTEST_EXPECT(t, !memcmp(buf, "1234", 4));
}

KTEST(procfs, seq_puts_exact_fit_not_overflowed)
{
	char buf[4];
	struct seq_buf m;

	seq_buf_init(&m, buf, sizeof(buf));
	seq_puts(&m, "abc");
	seq_putc(&m, 'd');
	KTEST_EXPECT(t, !seq_buf_overflowed(&m));
	KTEST_EXPECT_EQ(t, m.len, 4);
	KTEST_EXPECT(t, !memcmp(buf, "abcd", 4));
	seq_putc(&m, 'e');
	KTEST_EXPECT(t, seq_buf_overflowed(&m));
}

KTEST(procfs, seq_escape_separators_octal)
{
	char buf[64];
	struct seq_buf m;

	seq_buf_init(&m, buf, sizeof(buf));
	seq_escape(&m, "a b\tc\nd\\e");
	KTEST_EXPECT_STREQ(t, buf, "a\\040b\\011c\\012d\\134e");
}

KTEST(procfs, generate_large_text_grows_buffer)
{
	/* interrupts with every CPU column, cpuinfo per CPU: cpuinfo of 2+
	 * CPUs passes a page; check the retry gives the full text anyway. */
	size_t len;
	char *text = gen(procfs_show_cpuinfo, NULL, &len);

	KTEST_EXPECT(t, text != NULL);
	if (!text)
		return;
	KTEST_EXPECT_EQ(t, strlen(text), len);
	KTEST_EXPECT(t, len > 0 && text[len - 1] == '\n');
	kfree(text);
}

/* ---- system files ------------------------------------------------------------ */

KTEST(procfs, meminfo_lines_parse_and_memtotal_is_pmm_total)
{
	struct pmm_stats pmm;
	char *text = gen(procfs_show_meminfo, NULL, NULL);
	unsigned lines = 0;
	uint64_t memtotal = 0;
	bool ok = true;

	KTEST_EXPECT(t, text != NULL);
	if (!text)
		return;
	pmm_get_stats(&pmm);
	for (const char *s = text; *s;) {
		const char *colon = strchr(s, ':');
		const char *nl = strchr(s, '\n');
		const char *v;
		uint64_t val;

		if (!colon || !nl || colon > nl || colon - s > 17) {
			ok = false;
			break;
		}
		/* "%-16s%8lu kB": the number ends in column 24 (or later if wide). */
		v = colon + 1;
		while (*v == ' ')
			v++;
		if (!parse_u64(&v, &val) || (v - s) < 24) {
			ok = false;
			break;
		}
		if (strncmp(s, "HugePages_", 10) ? strncmp(v, " kB\n", 4) : *v != '\n') {
			ok = false;
			break;
		}
		if (!strncmp(s, "MemTotal:", 9))
			memtotal = val;
		lines++;
		s = nl + 1;
	}
	KTEST_EXPECT(t, ok);
	KTEST_EXPECT(t, lines >= 45);
	KTEST_EXPECT_EQ(t, memtotal, pmm.total_pages * (PAGE_SIZE / 1024));
	KTEST_EXPECT(t, !strncmp(text, "MemTotal:", 9));
	kfree(text);
}

KTEST(procfs, cpuinfo_one_block_per_cpu)
{
	char *text = gen(procfs_show_cpuinfo, NULL, NULL);
	unsigned blocks = 0;

	KTEST_EXPECT(t, text != NULL);
	if (!text)
		return;
	for (const char *s = text; s; s = strchr(s, '\n')) {
		if (*s == '\n')
			s++;
		if (!strncmp(s, "processor\t: ", 12)) {
			const char *v = s + 12;
			uint64_t n;

			KTEST_EXPECT(t, parse_u64(&v, &n) && n == blocks);
			blocks++;
		}
	}
	KTEST_EXPECT_EQ(t, blocks, nr_cpus);
	KTEST_EXPECT(t, contains(text, "\nflags\t\t: fpu"));
	kfree(text);
}

KTEST(procfs, cpu_flags_linux_names_in_linux_order)
{
	/* Words 0, 1 and 3 are 1:EDX, 80000001h:EDX and 1:ECX. */
	struct procfs_cpu_words w = { .word = { [0] = 1u << 0 | 1u << 4, [1] = 1u << 29,
						[3] = 1u << 0 | 1u << 27 | 1u << 31 } };
	char buf[128];
	struct seq_buf m;

	seq_buf_init(&m, buf, sizeof(buf));
	procfs_cpu_flags(&m, &w);
	/* OSXSAVE (1:ECX bit 27) has no name in Linux's list. */
	KTEST_EXPECT_STREQ(t, buf, " fpu tsc lm pni hypervisor");
}

KTEST(procfs, stat_cpu_lines_and_counters)
{
	char *text = gen(procfs_show_stat, NULL, NULL);
	char *fields[16], first[256];
	unsigned n;

	KTEST_EXPECT(t, text != NULL);
	if (!text)
		return;
	KTEST_EXPECT(t, !strncmp(text, "cpu  ", 5));
	strlcpy(first, text, sizeof(first));
	n = split_fields(first, fields, 16);
	KTEST_EXPECT_EQ(t, n, 11); /* "cpu" and ten figures, up to the newline */
	KTEST_EXPECT(t, contains(text, "\ncpu0 "));
	KTEST_EXPECT(t, contains(text, "\nintr "));
	KTEST_EXPECT(t, contains(text, "\nctxt "));
	KTEST_EXPECT(t, contains(text, "\nbtime "));
	KTEST_EXPECT(t, contains(text, "\nprocesses "));
	KTEST_EXPECT(t, contains(text, "\nprocs_running "));
	KTEST_EXPECT(t, contains(text, "\nsoftirq "));
	kfree(text);
}

KTEST(procfs, uptime_two_figures_growing)
{
	char *a = gen(procfs_show_uptime, NULL, NULL);
	const char *s;
	uint64_t sec = 0, cs = 0, isec, ics, sec2 = 0, cs2 = 0;

	KTEST_EXPECT(t, a != NULL);
	if (!a)
		return;
	s = a;
	KTEST_EXPECT(t, parse_u64(&s, &sec) && *s++ == '.' && parse_u64(&s, &cs) && *s++ == ' ' &&
			       parse_u64(&s, &isec) && *s++ == '.' && parse_u64(&s, &ics) &&
			       !strcmp(s, "\n"));
	kfree(a);
	sched_sleep_ns(20 * 1000 * 1000);
	a = gen(procfs_show_uptime, NULL, NULL);
	s = a;
	KTEST_EXPECT(t, a && parse_u64(&s, &sec2) && *s++ == '.' && parse_u64(&s, &cs2));
	KTEST_EXPECT(t, sec2 * 100 + cs2 > sec * 100 + cs);
	kfree(a);
}

KTEST(procfs, loadavg_format_and_counts)
{
	char *text = gen(procfs_show_loadavg, NULL, NULL);
	const char *s;
	uint64_t v, running = 0, total = 0, last;
	bool ok = true;

	KTEST_EXPECT(t, text != NULL);
	if (!text)
		return;
	s = text;
	for (int i = 0; i < 3 && ok; i++) {
		const char *frac;

		ok = parse_u64(&s, &v) && *s++ == '.';
		frac = s;
		ok = ok && parse_u64(&s, &v) && s - frac == 2 && *s++ == ' ';
	}
	ok = ok && parse_u64(&s, &running) && *s++ == '/' && parse_u64(&s, &total) &&
	     *s++ == ' ' && parse_u64(&s, &last) && !strcmp(s, "\n");
	KTEST_EXPECT(t, ok);
	KTEST_EXPECT(t, running >= 1 && running <= total); /* this thread runs */
	kfree(text);
}

KTEST(procfs, hostname_write_then_read)
{
	char *text;

	KTEST_EXPECT_EQ(t, procfs_write_hostname("xdvtest\nignored", 15), 0);
	text = gen(procfs_show_hostname, NULL, NULL);
	KTEST_EXPECT(t, text && !strcmp(text, "xdvtest\n"));
	kfree(text);
	KTEST_EXPECT_EQ(t, procfs_write_hostname("(none)", 6), 0);
}

/* ---- per-process files --------------------------------------------------- */

static int child_idle(struct child *c)
{
	return 0;
}

KTEST(procfs, pid_stat_pid_comm_ppid_52_fields)
{
	struct child c;
	struct process *p;
	char *text, *fields[64];
	unsigned n;

	KTEST_EXPECT_EQ(t, child_start(&c, child_idle), 0);
	p = process_find_get(c.pid);
	KTEST_EXPECT(t, p != NULL);
	if (!p) {
		child_finish(&c);
		return;
	}
	text = gen(procfs_show_pid_stat, p, NULL);
	process_put(p);
	KTEST_EXPECT(t, text != NULL);
	if (text) {
		n = split_fields(text, fields, 64);
		KTEST_EXPECT_EQ(t, n, 52);
		const char *f1 = fields[0], *f4 = fields[3];
		uint64_t pid, ppid;

		KTEST_EXPECT(t, parse_u64(&f1, &pid) && pid == (uint64_t)c.pid);
		KTEST_EXPECT_STREQ(t, fields[1], "(proctest)");
		KTEST_EXPECT(t, !strcmp(fields[2], "S") || !strcmp(fields[2], "R"));
		/* The test runs in the kernel process: ppid 0, as Linux's kthreads. */
		KTEST_EXPECT(t, parse_u64(&f4, &ppid) &&
				       ppid == (uint64_t)process_pid(process_current()));
		kfree(text);
	}
	child_finish(&c);
}

KTEST(procfs, pid_status_fields_in_linux_order)
{
	static const char *const order[] = { "Name:", "Umask:", "State:", "Tgid:", "Ngid:",
		"Pid:", "PPid:", "TracerPid:", "Uid:", "Gid:", "FDSize:", "Groups:", "Threads:",
		"SigQ:", "CapEff:", "Cpus_allowed:", "voluntary_ctxt_switches:",
		"nonvoluntary_ctxt_switches:" };
	struct child c;
	struct process *p;
	char *text;
	const char *s;

	KTEST_EXPECT_EQ(t, child_start(&c, child_idle), 0);
	p = process_find_get(c.pid);
	text = p ? gen(procfs_show_pid_status, p, NULL) : NULL;
	if (p)
		process_put(p);
	KTEST_EXPECT(t, text != NULL);
	if (text) {
		s = text;
		for (size_t i = 0; i < ARRAY_SIZE(order); i++) {
			size_t n = strlen(order[i]);

			while (*s && strncmp(s, order[i], n)) {
				s = strchr(s, '\n');
				s = s ? s + 1 : "";
			}
			KTEST_EXPECT(t, *s != '\0');
		}
		KTEST_EXPECT(t, !strncmp(text, "Name:\tproctest\n", 15));
		KTEST_EXPECT(t, contains(text, "\nThreads:\t1\n"));
		kfree(text);
	}
	child_finish(&c);
}

KTEST(procfs, process_find_get_after_reap_null)
{
	struct child c;
	struct process *p;

	KTEST_EXPECT_EQ(t, child_start(&c, child_idle), 0);
	p = process_find_get(c.pid);
	KTEST_EXPECT(t, p != NULL);
	if (p)
		process_put(p);
	child_finish(&c);
	KTEST_EXPECT(t, process_find_get(c.pid) == NULL);
}

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

static int child_self(struct child *c)
{
	char *text;
	int n = vfs_readlinkat(AT_FDCWD, "/proc/self", c->text, sizeof(c->text) - 1);

	if (n < 0)
		return n;
	c->text[n] = '\0';
	/* And /proc/self/stat of this process, through the link. */
	if ((n = read_file("/proc/self/stat", &text, NULL)))
		return n;
	strlcpy(c->text + 32, text, sizeof(c->text) - 32);
	kfree(text);
	return 0;
}

KTEST(procfs, self_links_to_reader_pid)
{
	struct child c;
	char want[16];
	char *fields[64];
	unsigned n;

	KTEST_EXPECT_EQ(t, child_start(&c, child_self), 0);
	KTEST_EXPECT_EQ(t, c.result, 0);
	snprintf(want, sizeof(want), "%d", c.pid);
	KTEST_EXPECT_STREQ(t, c.text, want);
	n = split_fields(c.text + 32, fields, 64);
	KTEST_EXPECT_EQ(t, n, 52);
	if (n == 52) {
		KTEST_EXPECT_STREQ(t, fields[0], want);
		KTEST_EXPECT_STREQ(t, fields[1], "(proctest)");
	}
	child_finish(&c);
}

KTEST(procfs, getdents_lists_pid_until_reaped)
{
	struct child c;
	char name[16], path[32];
	struct kstat st;

	KTEST_EXPECT_EQ(t, child_start(&c, child_idle), 0);
	snprintf(name, sizeof(name), "%d", c.pid);
	snprintf(path, sizeof(path), "/proc/%d/stat", c.pid);
	KTEST_EXPECT_EQ(t, dir_has("/proc", name), 1);
	KTEST_EXPECT_EQ(t, dir_has("/proc", "meminfo"), 1);
	KTEST_EXPECT_EQ(t, dir_has("/proc", "self"), 1);
	KTEST_EXPECT_EQ(t, vfs_statat(AT_FDCWD, path, 0, &st), 0);
	child_finish(&c);
	KTEST_EXPECT_EQ(t, dir_has("/proc", name), 0);
	KTEST_EXPECT_EQ(t, vfs_statat(AT_FDCWD, path, 0, &st), -ENOENT);
}

static int child_open_fd(struct child *c)
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
	struct child c;
	char dir[32], link[48], name[16], target[64];
	int n;

	KTEST_EXPECT_EQ(t, child_start(&c, child_open_fd), 0);
	KTEST_EXPECT_EQ(t, c.result, 0);
	snprintf(dir, sizeof(dir), "/proc/%d/fd", c.pid);
	snprintf(name, sizeof(name), "%d", c.fd);
	snprintf(link, sizeof(link), "%s/%d", dir, c.fd);
	KTEST_EXPECT_EQ(t, dir_has(dir, name), 1);
	n = vfs_readlinkat(AT_FDCWD, link, target, sizeof(target) - 1);
	KTEST_EXPECT_EQ(t, n, 13);
	if (n >= 0) {
		target[n] = '\0';
		KTEST_EXPECT_STREQ(t, target, "/proc/version");
	}
	snprintf(link, sizeof(link), "%s/%d", dir, 999);
	KTEST_EXPECT_EQ(t, vfs_readlinkat(AT_FDCWD, link, target, sizeof(target)), -ENOENT);
	child_finish(&c);
}

KTEST(procfs, pid_exe_of_kernel_process_enoent)
{
	struct child c;
	char path[32], target[64];

	KTEST_EXPECT_EQ(t, child_start(&c, child_idle), 0);
	snprintf(path, sizeof(path), "/proc/%d/exe", c.pid);
	KTEST_EXPECT_EQ(t, vfs_readlinkat(AT_FDCWD, path, target, sizeof(target)), -ENOENT);
	snprintf(path, sizeof(path), "/proc/%d/cwd", c.pid);
	KTEST_EXPECT_EQ(t, vfs_readlinkat(AT_FDCWD, path, target, sizeof(target)), 1);
	KTEST_EXPECT(t, target[0] == '/');
	child_finish(&c);
}

KTEST(procfs, mounts_lists_root_as_tmpfs)
{
	char *text = NULL;
	bool root_tmpfs = false, proc = false;

	if (!KTEST_EXPECT_EQ(t, read_file("/proc/mounts", &text, NULL), 0))
		return;
	for (char *line = text; *line;) {
		char *nl = strchr(line, '\n');
		char *f[8];
		unsigned n;

		if (!nl)
			break;
		*nl = '\0';
		n = split_fields(line, f, 8);
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
	if (KTEST_EXPECT_EQ(t, read_file("/proc/sys/kernel/hostname", &text, NULL), 0)) {
		KTEST_EXPECT_STREQ(t, text, "box\n");
		kfree(text);
	}
	KTEST_EXPECT_EQ(t, procfs_write_hostname("(none)", 6), 0);
	if (KTEST_EXPECT_EQ(t, read_file("/proc/sys/kernel/ostype", &text, NULL), 0)) {
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
	char *text = gen(procfs_show_meminfo, NULL, NULL);
	size_t n = strlen(key);
	uint64_t v = UINT64_MAX;

	for (const char *s = text; s && *s;) {
		if (!strncmp(s, key, n) && s[n] == ':') {
			const char *p = s + n + 1;

			while (*p == ' ')
				p++;
			if (!parse_u64(&p, &v))
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

static int child_become_user(struct child *c)
{
	struct cred *cred = process_cred(process_current());

	cred->uid = cred->euid = cred->fsuid = 1000;
	cred->gid = cred->egid = cred->fsgid = 100;
	return 0;
}

KTEST(procfs, pid_dir_owned_by_process_cred)
{
	struct child c;
	char path[32];
	struct kstat st;

	KTEST_EXPECT_EQ(t, child_start(&c, child_become_user), 0);
	snprintf(path, sizeof(path), "/proc/%d", c.pid);
	if (KTEST_EXPECT_EQ(t, vfs_statat(AT_FDCWD, path, 0, &st), 0)) {
		KTEST_EXPECT_EQ(t, st.uid, 1000);
		KTEST_EXPECT_EQ(t, st.gid, 100);
		KTEST_EXPECT(t, S_ISDIR(st.mode));
	}
	snprintf(path, sizeof(path), "/proc/%d/status", c.pid);
	if (KTEST_EXPECT_EQ(t, vfs_statat(AT_FDCWD, path, 0, &st), 0))
		KTEST_EXPECT_EQ(t, st.uid, 1000);
	child_finish(&c);
}

KTEST(procfs, held_pid_dir_of_reaped_process_gives_enoent)
{
	struct child c;
	char path[32];
	struct path held, stat_path;

	KTEST_EXPECT_EQ(t, child_start(&c, child_idle), 0);
	snprintf(path, sizeof(path), "/proc/%d", c.pid);
	if (!KTEST_EXPECT_EQ(t, vfs_lookup(path, LOOKUP_FOLLOW, &held), 0)) {
		child_finish(&c);
		return;
	}
	child_finish(&c);
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
	err = read_file(path, &text, NULL);
	if (!err)
		kfree(text);
	else if (err != -ENOENT)
		__atomic_fetch_add(&s->bad, 1, __ATOMIC_RELAXED);
	snprintf(path, sizeof(path), "/proc/%d/cwd", pid);
	err = vfs_readlinkat(AT_FDCWD, path, target, sizeof(target));
	if (err < 0 && err != -ENOENT)
		__atomic_fetch_add(&s->bad, 1, __ATOMIC_RELAXED);
	snprintf(path, sizeof(path), "/proc/%d/fd", pid);
	err = dir_has(path, "0");
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

static int child_open_console(struct child *c)
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
	struct child c;
	char link[48], target[64];
	int n;

	KTEST_EXPECT_EQ(t, child_start(&c, child_open_console), 0);
	if (KTEST_EXPECT_EQ(t, c.result, 0)) {
		snprintf(link, sizeof(link), "/proc/%d/fd/%d", c.pid, c.fd);
		n = vfs_readlinkat(AT_FDCWD, link, target, sizeof(target) - 1);
		if (KTEST_EXPECT_EQ(t, n, 12)) {
			target[n] = '\0';
			KTEST_EXPECT_STREQ(t, target, "/dev/console");
		}
	}
	child_finish(&c);
}

KTEST(procfs, devices_lists_mem_major_1)
{
	char *text = gen(procfs_show_devices, NULL, NULL);

	if (!KTEST_EXPECT(t, text != NULL))
		return;
	KTEST_EXPECT(t, !strncmp(text, "Character devices:\n", 19));
	KTEST_EXPECT(t, contains(text, "\n  1 mem\n"));
	KTEST_EXPECT(t, contains(text, "\n\nBlock devices:\n"));
	kfree(text);
}

static bool test_irq_handler(void *data)
{
	return false;
}

KTEST(procfs, interrupts_header_and_row_of_a_new_vector)
{
	int vector = irq_alloc_vector(test_irq_handler, NULL, "proctest");
	char want[16], *text, *line;

	if (!KTEST_EXPECT(t, vector >= IRQ_DYNAMIC_FIRST))
		return;
	text = gen(procfs_show_interrupts, NULL, NULL);
	irq_free_vector((unsigned)vector);
	if (!KTEST_EXPECT(t, text != NULL))
		return;
	/* Header: 11 spaces, then "CPU%-8u" per CPU. */
	KTEST_EXPECT(t, !strncmp(text, "           CPU0       ", 22));
	snprintf(want, sizeof(want), "\n%3d: ", 16 + vector - IRQ_DYNAMIC_FIRST);
	line = NULL;
	for (char *s = text; *s; s++) {
		if (!strncmp(s, want, strlen(want))) {
			line = s + 1;
			break;
		}
	}
	if (KTEST_EXPECT(t, line != NULL)) {
		char *nl = strchr(line, '\n');

		*nl = '\0';
		KTEST_EXPECT(t, contains(line, " PCI-MSI "));
		KTEST_EXPECT(t, contains(line, "-edge"));
		KTEST_EXPECT(t, contains(line, "  proctest"));
		*nl = '\n';
	}
	KTEST_EXPECT(t, contains(text, "\nLOC: "));
	KTEST_EXPECT(t, contains(text, "\nRES: "));
	KTEST_EXPECT(t, contains(text, "\nCAL: "));
	kfree(text);
}
