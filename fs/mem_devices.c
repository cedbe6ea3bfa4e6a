// SPDX-License-Identifier: MIT
/*
 * The memory devices of major 1, with Linux's numbers and semantics:
 *   1:3 null     reads end of file at once, writes swallow everything
 *   1:5 zero     reads zeros, writes swallow everything
 *   1:7 full     reads zeros, writes fail with -ENOSPC
 *   1:8 random   reads the kernel CRNG (include/xdv/random.h); writes are
 *   1:9 urandom  mixed into its pool (random_add_entropy), credited nothing
 * /dev/random does not block: as Linux since 5.6, once the CRNG is seeded
 * (random_init, at boot) both give the same stream. (1:11 kmsg, also of
 * major 1 in Linux, is kmsg.c.) lseek on null, zero and full sets the
 * position to 0 and returns 0, on random and urandom it changes nothing,
 * as Linux's null_lseek and noop_llseek.
 *
 * Each minor is registered as its own region named "mem", so /proc/devices
 * shows "  1 mem" once, and each gets its /dev node, mode 0666.
 *
 * Locks: none; these devices keep no state (the CRNG has its own lock).
 */
#include <xdv/errno.h>
#include <xdv/printk.h>
#include <xdv/random.h>

#include "internal.h"

#define MEM_MAJOR 1
#define MEM_CHUNK 256 /* bytes of random data moved per step */

static ssize_t null_read(struct file *file, struct iov_iter *to, loff_t *pos)
{
	return 0;
}

/* A sink: accepts every byte (null, zero). */
static ssize_t sink_write(struct file *file, struct iov_iter *from, loff_t *pos)
{
	return (ssize_t)iov_iter_advance(from, from->count);
}

static ssize_t zero_read(struct file *file, struct iov_iter *to, loff_t *pos)
{
	return (ssize_t)iov_iter_zero(to->count, to);
}

static ssize_t full_write(struct file *file, struct iov_iter *from, loff_t *pos)
{
	return -ENOSPC;
}

/* Linux's null_lseek: every seek lands at 0. */
static loff_t zero_pos_llseek(struct file *file, loff_t offset, int whence)
{
	file->pos = 0;
	return 0;
}

/* Linux's noop_llseek: the position does not matter and stays. */
static loff_t noop_llseek(struct file *file, loff_t offset, int whence)
{
	return file->pos;
}

static ssize_t random_read(struct file *file, struct iov_iter *to, loff_t *pos)
{
	uint8_t buf[MEM_CHUNK];
	size_t done = 0;

	while (to->count) {
		size_t n = to->count < sizeof(buf) ? to->count : sizeof(buf);
		size_t copied;

		random_get_bytes(buf, n);
		copied = copy_to_iter(buf, n, to);
		done += copied;
		if (copied < n)
			break;
	}
	/* Do not leave key stream on the stack. */
	__builtin_memset(buf, 0, sizeof(buf));
	__asm__ volatile("" : : "r"(buf) : "memory");
	if (!done && to->count)
		return -EFAULT;
	return (ssize_t)done;
}

static ssize_t random_write(struct file *file, struct iov_iter *from, loff_t *pos)
{
	uint8_t buf[MEM_CHUNK];
	size_t done = 0;

	while (from->count) {
		size_t n = copy_from_iter(buf, sizeof(buf), from);

		if (!n)
			break;
		random_add_entropy(buf, n);
		done += n;
	}
	if (!done && from->count)
		return -EFAULT;
	return (ssize_t)done;
}

static const struct file_ops null_fops = {
	.read_iter = null_read,
	.write_iter = sink_write,
	.llseek = zero_pos_llseek,
};

static const struct file_ops zero_fops = {
	.read_iter = zero_read,
	.write_iter = sink_write,
	.llseek = zero_pos_llseek,
};

static const struct file_ops full_fops = {
	.read_iter = zero_read,
	.write_iter = full_write,
	.llseek = zero_pos_llseek,
};

static const struct file_ops random_fops = {
	.read_iter = random_read,
	.write_iter = random_write,
	.llseek = noop_llseek,
};

static const struct mem_device {
	const char *name;
	unsigned minor;
	const struct file_ops *fops;
} mem_devices[] = {
	{ "null", 3, &null_fops },
	{ "zero", 5, &zero_fops },
	{ "full", 7, &full_fops },
	{ "random", 8, &random_fops },
	{ "urandom", 9, &random_fops },
};

/*
 * Register 1:3, 1:5, 1:7, 1:8, 1:9 and make their /dev nodes (0666).
 * Context: boot (devices_init), once.
 */
void mem_devices_init(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(mem_devices); i++) {
		const struct mem_device *d = &mem_devices[i];
		struct device_node_info info = {
			.name = d->name,
			.dev = MKDEV(MEM_MAJOR, d->minor),
			.mode = S_IFCHR | 0666,
		};
		int err = chrdev_register(MEM_MAJOR, d->minor, 1, "mem", d->fops);

		if (!err)
			err = devfs_add_node(&info);
		if (err)
			pr_err("mem: cannot add /dev/%s: error %d\n", d->name, err);
	}
}
