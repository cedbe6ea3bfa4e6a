// SPDX-License-Identifier: MIT
/*
 * KTAP tests of the devices part through the VFS, as a program sees them:
 * /dev/null, zero, full, random and urandom semantics through vfs_open on
 * /dev (devtmpfs as vfs_init mounts it), the nodes' modes and numbers,
 * /dev/console's non-blocking read, /dev/kmsg's record format, -EINVAL for
 * a short buffer, -EPIPE after an overrun, writes with a "<N>" prefix,
 * seeks; the registry (-EBUSY, open by number, /proc/devices listing) and
 * devtmpfs (nested nodes, removal, one tree seen through a second mount).
 *
 * Locks: none of their own; the tests run in one thread.
 */
#include <xdv/errno.h>
#include <xdv/ktest.h>
#include <xdv/mm.h>
#include <xdv/printk.h>
#include <xdv/string.h>
#include <xdv/time.h>

#include "internal.h"

static struct file *open_ok(struct ktest *t, const char *name, int flags)
{
	struct file *f = NULL;
	int err = vfs_open(name, flags, 0, &f);

	KTEST_EXPECT_EQ(t, err, 0);
	return err ? NULL : f;
}

static bool all_bytes(const unsigned char *buf, size_t len, unsigned char c)
{
	for (size_t i = 0; i < len; i++)
		if (buf[i] != c)
			return false;
	return true;
}

KTEST(devices, dev_null_reads_eof_and_swallows_writes)
{
	struct file *f = open_ok(t, "/dev/null", O_RDWR);
	char buf[64] = "x";

	if (!f)
		return;
	KTEST_EXPECT_EQ(t, kernel_read(f, buf, sizeof(buf), NULL), 0);
	KTEST_EXPECT_EQ(t, buf[0], 'x');
	KTEST_EXPECT_EQ(t, kernel_write(f, buf, sizeof(buf), NULL), sizeof(buf));
	KTEST_EXPECT_EQ(t, vfs_llseek(f, 100, SEEK_SET), 0);
	file_put(f);
}

KTEST(devices, dev_zero_reads_zeros_across_pages)
{
	struct file *f = open_ok(t, "/dev/zero", O_RDWR);
	size_t len = 3 * PAGE_SIZE + 17;
	unsigned char *buf = kmalloc(len, GFP_KERNEL);

	if (!f || !KTEST_EXPECT(t, buf))
		goto out;
	memset(buf, 0xff, len);
	KTEST_EXPECT_EQ(t, kernel_read(f, buf, len, NULL), len);
	KTEST_EXPECT(t, all_bytes(buf, len, 0));
	KTEST_EXPECT_EQ(t, kernel_write(f, buf, 10, NULL), 10);
out:
	kfree(buf);
	if (f)
		file_put(f);
}

KTEST(devices, dev_full_write_returns_enospc_and_reads_zeros)
{
	struct file *f = open_ok(t, "/dev/full", O_RDWR);
	unsigned char buf[100];

	if (!f)
		return;
	memset(buf, 0xee, sizeof(buf));
	KTEST_EXPECT_EQ(t, kernel_write(f, buf, sizeof(buf), NULL), -ENOSPC);
	KTEST_EXPECT_EQ(t, kernel_read(f, buf, sizeof(buf), NULL), sizeof(buf));
	KTEST_EXPECT(t, all_bytes(buf, sizeof(buf), 0));
	file_put(f);
}

KTEST(devices, dev_urandom_and_random_read_fresh_bytes_and_accept_writes)
{
	const char *names[] = { "/dev/urandom", "/dev/random" };

	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		struct file *f = open_ok(t, names[i], O_RDWR);
		unsigned char a[600], b[600];

		if (!f)
			continue;
		memset(a, 0, sizeof(a));
		memset(b, 0, sizeof(b));
		KTEST_EXPECT_EQ(t, kernel_read(f, a, sizeof(a), NULL), sizeof(a));
		KTEST_EXPECT_EQ(t, kernel_read(f, b, sizeof(b), NULL), sizeof(b));
		KTEST_EXPECT(t, memcmp(a, b, sizeof(a)) != 0);
		KTEST_EXPECT(t, !all_bytes(a + 500, 100, 0)); /* past the first chunk too */
		KTEST_EXPECT_EQ(t, kernel_write(f, "entropy", 7, NULL), 7);
		file_put(f);
	}
}

KTEST(devices, dev_nodes_have_linux_numbers_and_modes)
{
	static const struct {
		const char *name;
		dev_t dev;
		umode_t mode;
	} want[] = {
		{ "/dev/null", MKDEV(1, 3), S_IFCHR | 0666 },
		{ "/dev/zero", MKDEV(1, 5), S_IFCHR | 0666 },
		{ "/dev/full", MKDEV(1, 7), S_IFCHR | 0666 },
		{ "/dev/random", MKDEV(1, 8), S_IFCHR | 0666 },
		{ "/dev/urandom", MKDEV(1, 9), S_IFCHR | 0666 },
		{ "/dev/kmsg", MKDEV(1, 11), S_IFCHR | 0644 },
		{ "/dev/console", MKDEV(5, 1), S_IFCHR | 0600 },
	};

	for (size_t i = 0; i < ARRAY_SIZE(want); i++) {
		struct kstat st;

		if (!KTEST_EXPECT_EQ(t, vfs_statat(AT_FDCWD, want[i].name, 0, &st), 0))
			continue;
		KTEST_EXPECT_EQ(t, st.rdev, want[i].dev);
		KTEST_EXPECT_EQ(t, st.mode, want[i].mode);
		KTEST_EXPECT_EQ(t, st.uid, 0);
	}
}

KTEST(devices, dev_console_nonblocking_read_returns_eagain_and_write_succeeds)
{
	struct file *f = open_ok(t, "/dev/console", O_RDWR | O_NONBLOCK);
	char buf[8];

	if (!f)
		return;
	KTEST_EXPECT_EQ(t, kernel_read(f, buf, sizeof(buf), NULL), -EAGAIN);
	KTEST_EXPECT_EQ(t, kernel_read(f, buf, 0, NULL), 0);
	KTEST_EXPECT_EQ(t, kernel_write(f, "# console ok\n", 13, NULL), 13);
	KTEST_EXPECT_EQ(t, vfs_llseek(f, 0, SEEK_SET), -ESPIPE);
	file_put(f);
}

/* ---- /dev/kmsg ----------------------------------------------------------- */

struct kmsg_fields {
	int prio;
	uint64_t seq, usec;
	const char *text; /* after ';', up to the '\n' */
	size_t text_len;
};

static uint64_t parse_u64(const char **s, bool *ok)
{
	uint64_t v = 0;
	const char *p = *s;

	if (*p < '0' || *p > '9')
		*ok = false;
	while (*p >= '0' && *p <= '9')
		v = v * 10 + (uint64_t)(*p++ - '0');
	*s = p;
	return v;
}

/* Split "prio,seq,usec,-;text\n" (len bytes). Return: false if malformed. */
static bool kmsg_parse(const char *rec, size_t len, struct kmsg_fields *out)
{
	const char *p = rec;
	bool ok = true;

	if (len < 9 || rec[len - 1] != '\n')
		return false;
	out->prio = (int)parse_u64(&p, &ok);
	ok &= *p++ == ',';
	out->seq = parse_u64(&p, &ok);
	ok &= *p++ == ',';
	out->usec = parse_u64(&p, &ok);
	ok &= *p++ == ',';
	ok &= *p++ == '-';
	ok &= *p++ == ';';
	out->text = p;
	out->text_len = (size_t)(rec + len - 1 - p);
	return ok && p <= rec + len - 1;
}

static bool text_is(const struct kmsg_fields *f, const char *s)
{
	return f->text_len == strlen(s) && !memcmp(f->text, s, f->text_len);
}

/* Read records until one whose text is want (other CPUs may log). */
static bool kmsg_read_until(struct ktest *t, struct file *f, const char *want,
			    struct kmsg_fields *out, char *buf, size_t size)
{
	for (int i = 0; i < 50; i++) {
		ssize_t n = kernel_read(f, buf, size - 1, NULL);

		if (n <= 0) {
			KTEST_EXPECT_EQ(t, n, 1); /* show the error */
			return false;
		}
		buf[n] = '\0';
		if (!KTEST_EXPECT(t, kmsg_parse(buf, (size_t)n, out)))
			return false;
		if (text_is(out, want))
			return true;
	}
	return false;
}

KTEST(devices, kmsg_read_returns_one_record_in_linux_format)
{
	struct file *f = open_ok(t, "/dev/kmsg", O_RDONLY | O_NONBLOCK);
	char buf[512];
	struct kmsg_fields a, b;

	if (!f)
		return;
	KTEST_EXPECT_EQ(t, vfs_llseek(f, 0, SEEK_END), 0);
	KTEST_EXPECT_EQ(t, kernel_read(f, buf, sizeof(buf), NULL), -EAGAIN);
	printk(LOG_DEBUG, "kmsg-test one\n");
	printk(LOG_ERR, "kmsg-test\ttwo\\\n");
	if (KTEST_EXPECT(t, kmsg_read_until(t, f, "kmsg-test one", &a, buf, sizeof(buf)))) {
		KTEST_EXPECT_EQ(t, a.prio, LOG_DEBUG);
		KTEST_EXPECT(t, a.usec > 0);
	}
	if (KTEST_EXPECT(t, kmsg_read_until(t, f, "kmsg-test\\x09two\\x5c", &b, buf,
					    sizeof(buf)))) {
		KTEST_EXPECT_EQ(t, b.prio, LOG_ERR);
		KTEST_EXPECT(t, b.seq > a.seq);
		KTEST_EXPECT(t, b.usec >= a.usec);
	}
	KTEST_EXPECT_EQ(t, kernel_read(f, buf, sizeof(buf), NULL), -EAGAIN);
	/* Back to the start: the oldest record, numbered at most a's. */
	KTEST_EXPECT_EQ(t, vfs_llseek(f, 0, SEEK_SET), 0);
	ssize_t n = kernel_read(f, buf, sizeof(buf) - 1, NULL);

	if (KTEST_EXPECT(t, n > 0)) {
		KTEST_EXPECT(t, kmsg_parse(buf, (size_t)n, &b));
		KTEST_EXPECT(t, b.seq < a.seq);
	}
	KTEST_EXPECT_EQ(t, vfs_llseek(f, 5, SEEK_SET), -ESPIPE);
	KTEST_EXPECT_EQ(t, vfs_llseek(f, 0, SEEK_CUR), -EINVAL);
	file_put(f);
}

KTEST(devices, kmsg_read_small_buffer_returns_einval_and_keeps_record)
{
	struct file *f = open_ok(t, "/dev/kmsg", O_RDONLY | O_NONBLOCK);
	char buf[256];
	struct kmsg_fields r;

	if (!f)
		return;
	KTEST_EXPECT_EQ(t, vfs_llseek(f, 0, SEEK_END), 0);
	printk(LOG_DEBUG, "kmsg-test a record longer than ten bytes\n");
	KTEST_EXPECT_EQ(t, kernel_read(f, buf, 10, NULL), -EINVAL);
	KTEST_EXPECT(t, kmsg_read_until(t, f, "kmsg-test a record longer than ten bytes", &r,
					buf, sizeof(buf)));
	file_put(f);
}

KTEST(devices, kmsg_read_after_overrun_returns_epipe_then_oldest)
{
	struct file *f = open_ok(t, "/dev/kmsg", O_RDONLY | O_NONBLOCK);
	struct printk_cursor oldest;
	char buf[512];
	struct kmsg_fields r;
	ssize_t n;

	if (!f)
		return;
	KTEST_EXPECT_EQ(t, vfs_llseek(f, 0, SEEK_SET), 0);
	/* 1000 lines of ~100 bytes overflow the 64 KiB ring. Debug level
	 * keeps them off the consoles. */
	for (int i = 0; i < 1000; i++)
		printk(LOG_DEBUG, "kmsg-test overrun %04d ......................................"
				  "..........................................\n", i);
	KTEST_EXPECT_EQ(t, kernel_read(f, buf, sizeof(buf), NULL), -EPIPE);
	printk_cursor_first(&oldest);
	n = kernel_read(f, buf, sizeof(buf) - 1, NULL);
	if (KTEST_EXPECT(t, n > 0) && KTEST_EXPECT(t, kmsg_parse(buf, (size_t)n, &r)))
		KTEST_EXPECT_EQ(t, r.seq, oldest.seq);
	file_put(f);
}

KTEST(devices, kmsg_write_logs_record_with_parsed_prefix)
{
	struct file *w = open_ok(t, "/dev/kmsg", O_WRONLY);
	struct file *f = open_ok(t, "/dev/kmsg", O_RDONLY | O_NONBLOCK);
	char buf[512];
	struct kmsg_fields r;
	static const char big[PRINTK_RECORD_MAX + 1];

	if (!w || !f)
		goto out;
	KTEST_EXPECT_EQ(t, vfs_llseek(f, 0, SEEK_END), 0);
	KTEST_EXPECT_EQ(t, kernel_write(w, "<7>kmsg-test written\n", 21, NULL), 21);
	if (KTEST_EXPECT(t, kmsg_read_until(t, f, "kmsg-test written", &r, buf, sizeof(buf))))
		KTEST_EXPECT_EQ(t, r.prio, 1 << 3 | 7); /* LOG_USER, debug */
	KTEST_EXPECT_EQ(t, kernel_write(w, "<31>kmsg-test daemon", 20, NULL), 20);
	if (KTEST_EXPECT(t, kmsg_read_until(t, f, "kmsg-test daemon", &r, buf, sizeof(buf))))
		KTEST_EXPECT_EQ(t, r.prio, 31); /* LOG_DAEMON, debug */
	KTEST_EXPECT_EQ(t, kernel_write(w, "<x>kmsg-test plain", 18, NULL), 18);
	if (KTEST_EXPECT(t, kmsg_read_until(t, f, "<x>kmsg-test plain", &r, buf, sizeof(buf))))
		KTEST_EXPECT_EQ(t, r.prio, 1 << 3 | 4);
	KTEST_EXPECT_EQ(t, kernel_write(w, big, sizeof(big), NULL), -EINVAL);
out:
	if (w)
		file_put(w);
	if (f)
		file_put(f);
}

static int kmsg_late_printk(void *arg)
{
	sched_sleep_ns(30000000); /* 30 ms: the reader is asleep by then */
	printk(LOG_DEBUG, "kmsg-test late record\n");
	return 0;
}

KTEST(devices, kmsg_blocking_read_waits_for_next_record)
{
	struct file *f = open_ok(t, "/dev/kmsg", O_RDONLY);
	struct thread *th = NULL;
	struct kmsg_fields r;
	char buf[256];
	uint64_t t0;

	if (!f)
		return;
	KTEST_EXPECT_EQ(t, vfs_llseek(f, 0, SEEK_END), 0);
	if (!KTEST_EXPECT_EQ(t, thread_create(kernel_process(), kmsg_late_printk, NULL, NULL,
					      &th), 0))
		goto out;
	t0 = time_since_boot_ns();
	KTEST_EXPECT(t, kmsg_read_until(t, f, "kmsg-test late record", &r, buf, sizeof(buf)));
	KTEST_EXPECT(t, time_since_boot_ns() - t0 >= 20000000); /* it did wait */
	thread_join(th, NULL);
out:
	file_put(f);
}

/* ---- registry and devtmpfs ------------------------------------------------ */

#define TEST_MAJOR 240 /* Linux's "local/experimental use" range */

static ssize_t test_dev_read(struct file *file, struct iov_iter *to, loff_t *pos)
{
	char c = (char)('0' + MINOR(file->inode->rdev));

	return (ssize_t)copy_to_iter(&c, 1, to);
}

static const struct file_ops test_dev_fops = { .read_iter = test_dev_read };

struct listing {
	char text[512];
	size_t len;
};

/* Where needle occurs in hay, or NULL (the kernel has no strstr). */
static const char *find_str(const char *hay, const char *needle)
{
	size_t n = strlen(needle);

	for (size_t left = strlen(hay); left >= n; hay++, left--)
		if (!memcmp(hay, needle, n))
			return hay;
	return NULL;
}

static void list_one(unsigned major, const char *name, void *arg)
{
	struct listing *l = arg;

	if (l->len < sizeof(l->text))
		l->len += (size_t)snprintf(l->text + l->len, sizeof(l->text) - l->len,
					   "%3u %s\n", major, name);
}

KTEST(devices, chrdev_register_overlap_busy_and_open_by_number)
{
	struct device_node_info info = {
		.name = "ktest-dev/sub/node", .dev = MKDEV(TEST_MAJOR, 2),
		.mode = S_IFCHR | 0640, .uid = 7, .gid = 8,
	};
	static bool registered, registered_blk;
	struct listing l = { .len = 0 };
	struct file *f;
	struct kstat st;
	char c = 0;

	if (!registered) {
		KTEST_EXPECT_EQ(t, chrdev_register(TEST_MAJOR, 1, 3, "ktest", &test_dev_fops), 0);
		registered = true;
	}
	KTEST_EXPECT_EQ(t, chrdev_register(TEST_MAJOR, 3, 5, "ktest", &test_dev_fops), -EBUSY);
	KTEST_EXPECT_EQ(t, chrdev_register(TEST_MAJOR, 0, 1, "ktest", NULL), -EINVAL);
	KTEST_EXPECT_EQ(t, chrdev_register(0, 0, 1, "ktest", &test_dev_fops), -EINVAL);

	devices_for_each(false, list_one, &l);
	ktest_note(t, "char devices: %s", l.text);
	KTEST_EXPECT(t, find_str(l.text, "  1 mem\n") != NULL);
	KTEST_EXPECT(t, find_str(find_str(l.text, "  1 mem\n") + 8, " mem\n") == NULL);
	KTEST_EXPECT(t, find_str(l.text, "  5 /dev/console\n") != NULL);
	KTEST_EXPECT(t, find_str(l.text, "240 ktest\n") != NULL);

	KTEST_EXPECT_EQ(t, devfs_add_node(&info), 0);
	KTEST_EXPECT_EQ(t, devfs_add_node(&info), -EEXIST);
	info.name = "/abs";
	KTEST_EXPECT_EQ(t, devfs_add_node(&info), -EINVAL);
	info.name = "ktest-dev/sub/node";
	if (KTEST_EXPECT_EQ(t, vfs_statat(AT_FDCWD, "/dev/ktest-dev/sub/node", 0, &st), 0)) {
		KTEST_EXPECT_EQ(t, st.mode, S_IFCHR | 0640);
		KTEST_EXPECT_EQ(t, st.uid, 7);
		KTEST_EXPECT_EQ(t, st.gid, 8);
	}
	f = open_ok(t, "/dev/ktest-dev/sub/node", O_RDONLY);
	if (f) {
		KTEST_EXPECT_EQ(t, kernel_read(f, &c, 1, NULL), 1);
		KTEST_EXPECT_EQ(t, c, '2');
		file_put(f);
	}
	/* A number nobody serves: -ENXIO. */
	KTEST_EXPECT_EQ(t, vfs_mknodat(AT_FDCWD, "/dev/ktest-nxio", S_IFCHR | 0600,
				       MKDEV(TEST_MAJOR, 9)), 0);
	KTEST_EXPECT_EQ(t, vfs_open("/dev/ktest-nxio", O_RDONLY, 0, &f), -ENXIO);
	KTEST_EXPECT_EQ(t, vfs_unlinkat(AT_FDCWD, "/dev/ktest-nxio", 0), 0);

	/* Block devices: one driver per major, opened by number. */
	if (!registered_blk) {
		KTEST_EXPECT_EQ(t, blkdev_register_major(TEST_MAJOR, "ktestblk", &test_dev_fops), 0);
		registered_blk = true;
	}
	KTEST_EXPECT_EQ(t, blkdev_register_major(TEST_MAJOR, "again", &test_dev_fops), -EBUSY);
	info.name = "ktest-blk";
	info.mode = S_IFBLK | 0600;
	info.dev = MKDEV(TEST_MAJOR, 4);
	KTEST_EXPECT_EQ(t, devfs_add_node(&info), 0);
	f = open_ok(t, "/dev/ktest-blk", O_RDONLY);
	if (f) {
		KTEST_EXPECT_EQ(t, kernel_read(f, &c, 1, NULL), 1);
		KTEST_EXPECT_EQ(t, c, '4');
		file_put(f);
	}
	devfs_remove_node("ktest-blk");
	l.len = 0;
	devices_for_each(true, list_one, &l);
	KTEST_EXPECT(t, find_str(l.text, "240 ktestblk\n") != NULL);

	devfs_remove_node("ktest-dev/sub/node");
	KTEST_EXPECT_EQ(t, vfs_statat(AT_FDCWD, "/dev/ktest-dev/sub/node", 0, &st), -ENOENT);
	KTEST_EXPECT_EQ(t, vfs_statat(AT_FDCWD, "/dev/ktest-dev", 0, &st), -ENOENT);
}

KTEST(devices, devtmpfs_second_mount_shows_same_tree)
{
	struct device_node_info info = {
		.name = "ktest-shared", .dev = MKDEV(TEST_MAJOR, 1), .mode = S_IFCHR | 0600,
	};
	struct kstat st;

	if (!KTEST_EXPECT_EQ(t, vfs_mkdirat(AT_FDCWD, "/ktest-devtmpfs", 0755), 0))
		return;
	if (!KTEST_EXPECT_EQ(t, vfs_mount("none", "/ktest-devtmpfs", "devtmpfs", 0, NULL), 0))
		goto out_rmdir;
	KTEST_EXPECT_EQ(t, vfs_statat(AT_FDCWD, "/ktest-devtmpfs/null", 0, &st), 0);
	KTEST_EXPECT_EQ(t, st.rdev, MKDEV(1, 3));
	KTEST_EXPECT_EQ(t, devfs_add_node(&info), 0);
	KTEST_EXPECT_EQ(t, vfs_statat(AT_FDCWD, "/ktest-devtmpfs/ktest-shared", 0, &st), 0);
	KTEST_EXPECT_EQ(t, vfs_statat(AT_FDCWD, "/dev/ktest-shared", 0, &st), 0);
	devfs_remove_node("ktest-shared");
	KTEST_EXPECT_EQ(t, vfs_statat(AT_FDCWD, "/ktest-devtmpfs/ktest-shared", 0, &st),
			-ENOENT);
	KTEST_EXPECT_EQ(t, vfs_umount("/ktest-devtmpfs", 0), 0);
	/* The instance outlives its mounts. */
	KTEST_EXPECT_EQ(t, vfs_statat(AT_FDCWD, "/dev/zero", 0, &st), 0);
out_rmdir:
	KTEST_EXPECT_EQ(t, vfs_unlinkat(AT_FDCWD, "/ktest-devtmpfs", AT_REMOVEDIR), 0);
}
