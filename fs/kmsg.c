// SPDX-License-Identifier: MIT
/*
 * /dev/kmsg (1:11): the kernel log, record by record, in Linux's format.
 *
 * Each read returns exactly one record as
 *     "<prio>,<seq>,<usec>,-;<text>\n"
 * prio = facility << 3 | level (facility 0 for the kernel's own lines),
 * seq its number since boot, usec its time since boot, and the text with
 * bytes below ' ', from 127 up, and '\' written as "\xNN" (as Linux).
 * A buffer too small for the record gives -EINVAL and keeps the record for
 * the next read; when records were dropped from the ring since the last
 * read (the reader was too slow) the read gives -EPIPE once and the next
 * one starts at the oldest record kept. At the end, O_NONBLOCK gives
 * -EAGAIN and a blocking read waits for the next record. A new open starts
 * at the oldest record; lseek(fd, 0, SEEK_SET) goes back there,
 * lseek(fd, 0, SEEK_END) after the newest (SEEK_DATA counts as SEEK_SET
 * since there is no syslog "clear"); any other offset is -ESPIPE.
 *
 * A write logs one record, as Linux's devkmsg_write: a leading "<N>" sets
 * the level (N & 7) and, if N >> 3 is not 0, the facility; the defaults
 * are facility 1 (LOG_USER) and level 4 (default_message_loglevel). One
 * trailing '\n' is dropped; a write longer than a record is -EINVAL.
 *
 * Waiting: printk runs in any context (interrupts, under the scheduler's
 * locks), so it cannot wake a wait queue safely; a blocked reader instead
 * sleeps KMSG_POLL_NS at a time and looks again. That costs up to that
 * much latency and a wake-up per period while someone waits, nothing
 * otherwise.
 *
 * Locks: kmsg_user->lock (a mutex) serialises reads, seeks and their
 * cursor per open file; the log itself is printk's (printk_lock inside
 * printk_read_record).
 */
#include <xdv/errno.h>
#include <xdv/mm.h>
#include <xdv/printk.h>
#include <xdv/string.h>

#include "internal.h"

#define KMSG_MAJOR 1
#define KMSG_MINOR 11
#define KMSG_POLL_NS 10000000ull /* 10 ms */
#define KMSG_DEFAULT_LEVEL 4     /* Linux's default_message_loglevel */
#define KMSG_FACILITY_USER 1
/* "prio,seq,usec,-;" at most: 5 + 20 + 20 + 6 bytes, and the '\n'. */
#define KMSG_HEADER_MAX 64
#define KMSG_LINE_MAX (KMSG_HEADER_MAX + 4 * PRINTK_RECORD_MAX + 1)

struct kmsg_user {
	struct mutex lock;
	struct printk_cursor cur;
	struct printk_record rec; /* scratch, under lock */
	char line[KMSG_LINE_MAX]; /* scratch, under lock */
};

/* Format rec as /dev/kmsg shows it. Return: its length. */
static size_t kmsg_format(const struct printk_record *rec, char *buf, size_t size)
{
	static const char hex[] = "0123456789abcdef";
	int n = snprintf(buf, size, "%d,%llu,%llu,-;", rec->prio,
			 (unsigned long long)rec->seq, (unsigned long long)(rec->ts_ns / 1000));
	size_t len = n < 0 ? 0 : (size_t)n;

	for (size_t i = 0; i < rec->len && len + 5 < size; i++) {
		unsigned char c = (unsigned char)rec->text[i];

		if (c < ' ' || c >= 127 || c == '\\') {
			buf[len++] = '\\';
			buf[len++] = 'x';
			buf[len++] = hex[c >> 4];
			buf[len++] = hex[c & 15];
		} else {
			buf[len++] = (char)c;
		}
	}
	buf[len++] = '\n';
	return len;
}

static int kmsg_open(struct inode *inode, struct file *file)
{
	struct kmsg_user *u = kzalloc(sizeof(*u), GFP_KERNEL);

	if (!u)
		return -ENOMEM;
	mutex_init(&u->lock, "kmsg_user.lock");
	printk_cursor_first(&u->cur);
	file->private = u;
	return 0;
}

static void kmsg_release(struct inode *inode, struct file *file)
{
	kfree(file->private);
	file->private = NULL;
}

static ssize_t kmsg_read(struct file *file, struct iov_iter *to, loff_t *pos)
{
	struct kmsg_user *u = file->private;
	struct printk_cursor next;
	ssize_t ret;
	size_t len;
	int err;

	mutex_lock(&u->lock);
	for (;;) {
		err = printk_read_record(&u->cur, &u->rec, &next);
		if (err != -EAGAIN)
			break;
		if (file->flags & O_NONBLOCK) {
			ret = -EAGAIN;
			goto out_unlock;
		}
		mutex_unlock(&u->lock);
		sched_sleep_ns(KMSG_POLL_NS);
		mutex_lock(&u->lock);
	}
	if (err == -EPIPE) {
		u->cur = next;
		ret = -EPIPE;
		goto out_unlock;
	}
	len = kmsg_format(&u->rec, u->line, sizeof(u->line));
	if (len > to->count) {
		ret = -EINVAL;
		goto out_unlock;
	}
	if (copy_to_iter(u->line, len, to) != len) {
		ret = -EFAULT;
		goto out_unlock;
	}
	u->cur = next;
	ret = (ssize_t)len;
out_unlock:
	mutex_unlock(&u->lock);
	return ret;
}

/* Parse a leading "<N>" into *prio. Return: the bytes it took (0: none). */
static size_t kmsg_parse_prefix(const char *text, size_t len, int *prio)
{
	unsigned value = 0;
	size_t i = 1;

	if (len < 3 || text[0] != '<')
		return 0;
	while (i < len && text[i] >= '0' && text[i] <= '9' && value < 0x10000)
		value = value * 10 + (unsigned)(text[i++] - '0');
	if (i == 1 || i >= len || text[i] != '>' || value >= 0x10000)
		return 0;
	*prio = (int)((value >> 3 ? value >> 3 : KMSG_FACILITY_USER) << 3 | (value & 7));
	return i + 1;
}

static ssize_t kmsg_write(struct file *file, struct iov_iter *from, loff_t *pos)
{
	size_t count = from->count, skip, len;
	int prio = KMSG_FACILITY_USER << 3 | KMSG_DEFAULT_LEVEL;
	char *buf;

	if (count > PRINTK_RECORD_MAX)
		return -EINVAL;
	if (!count)
		return 0;
	buf = kmalloc(count, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	if (copy_from_iter(buf, count, from) != count) {
		kfree(buf);
		return -EFAULT;
	}
	skip = kmsg_parse_prefix(buf, count, &prio);
	len = count - skip;
	if (len && buf[skip + len - 1] == '\n')
		len--;
	printk_log_prio(prio, buf + skip, len);
	kfree(buf);
	return (ssize_t)count;
}

static loff_t kmsg_llseek(struct file *file, loff_t offset, int whence)
{
	struct kmsg_user *u = file->private;

	if (offset)
		return -ESPIPE;
	mutex_lock(&u->lock);
	switch (whence) {
	case SEEK_SET:
	case SEEK_DATA:
		printk_cursor_first(&u->cur);
		break;
	case SEEK_END:
		printk_cursor_end(&u->cur);
		break;
	default:
		mutex_unlock(&u->lock);
		return -EINVAL;
	}
	mutex_unlock(&u->lock);
	return 0;
}

static const struct file_ops kmsg_fops = {
	.open = kmsg_open,
	.release = kmsg_release,
	.read_iter = kmsg_read,
	.write_iter = kmsg_write,
	.llseek = kmsg_llseek,
};

/*
 * Register 1:11 and make /dev/kmsg (0644, as Linux's devtmpfs).
 * Context: boot (devices_init), once.
 */
void kmsg_device_init(void)
{
	struct device_node_info info = {
		.name = "kmsg",
		.dev = MKDEV(KMSG_MAJOR, KMSG_MINOR),
		.mode = S_IFCHR | 0644,
	};
	int err = chrdev_register(KMSG_MAJOR, KMSG_MINOR, 1, "mem", &kmsg_fops);

	if (!err)
		err = devfs_add_node(&info);
	if (err)
		pr_err("kmsg: cannot add /dev/kmsg: error %d\n", err);
}
