// SPDX-License-Identifier: MIT
/*
 * /dev/console (5:1, "/dev/console" in /proc/devices, as Linux): the
 * system console for init and for programs that have no terminal.
 *
 * Writes go to the kernel consoles (console_write: serial, VGA text,
 * framebuffer), as Linux's console without a tty layer would; they do not
 * enter the kernel log. A '\n' is passed as is: the drivers add '\r'.
 *
 * Reads: there is no input path yet (the keyboard and serial receive
 * driver feed a terminal, which comes with the TTY issue). A read does what
 * a read of a terminal with nobody typing does: with O_NONBLOCK it fails
 * with -EAGAIN; without, it waits on console_input_wq until input arrives.
 * We chose this over returning end of file because a shell that reads
 * EOF from its terminal exits, while one that waits is what a terminal
 * gives; the TTY issue feeds this wait queue (or replaces these ops) and
 * no reader needs to change. A read of 0 bytes returns 0 at once.
 *
 * Locks: console_write serialises the drivers; console_input_wq has its
 * own lock. No state here is shared otherwise.
 */
#include <xdv/console.h>
#include <xdv/errno.h>
#include <xdv/printk.h>

#include "internal.h"

#define CONSOLE_MAJOR 5
#define CONSOLE_MINOR 1
#define CONSOLE_CHUNK 256

/* Readers wait here for input (none can come until the TTY issue). */
static struct wait_queue console_input_wq = WAIT_QUEUE_INIT(console_input_wq);

/* Input waiting to be read: none until there is an input driver. */
static bool console_input_ready(void)
{
	return false;
}

static ssize_t console_read(struct file *file, struct iov_iter *to, loff_t *pos)
{
	if (!to->count)
		return 0;
	if (file->flags & O_NONBLOCK)
		return -EAGAIN;
	wait_event(&console_input_wq, console_input_ready());
	return -EAGAIN; /* not reached: no input source wakes it yet */
}

static ssize_t console_dev_write(struct file *file, struct iov_iter *from, loff_t *pos)
{
	char buf[CONSOLE_CHUNK];
	size_t done = 0;

	while (from->count) {
		size_t n = copy_from_iter(buf, sizeof(buf), from);

		if (!n)
			break;
		console_write(buf, n);
		done += n;
	}
	if (!done && from->count)
		return -EFAULT;
	return (ssize_t)done;
}

/* A terminal cannot seek (Linux: -ESPIPE). */
static loff_t console_llseek(struct file *file, loff_t offset, int whence)
{
	return -ESPIPE;
}

static const struct file_ops console_fops = {
	.read_iter = console_read,
	.write_iter = console_dev_write,
	.llseek = console_llseek,
};

/*
 * Register 5:1 and make /dev/console (0600, root's, as Linux's devtmpfs).
 * Context: boot (devices_init), once.
 */
void console_device_init(void)
{
	struct device_node_info info = {
		.name = "console",
		.dev = MKDEV(CONSOLE_MAJOR, CONSOLE_MINOR),
		.mode = S_IFCHR | 0600,
	};
	int err = chrdev_register(CONSOLE_MAJOR, CONSOLE_MINOR, 1, "/dev/console",
				  &console_fops);

	if (!err)
		err = devfs_add_node(&info);
	if (err)
		pr_err("console: cannot add /dev/console: error %d\n", err);
}
