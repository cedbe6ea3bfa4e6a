// SPDX-License-Identifier: MIT
/*
 * Helpers of procfs's KTAP tests (declared in procfs_test_util.h): parsers,
 * generator runs, whole-file reads, directory searches, child processes.
 * Locks: none of their own.
 */
#include <xdv/errno.h>
#include <xdv/mm.h>
#include <xdv/string.h>
#include "internal.h"
#include "procfs_test_util.h"

/* Parse an unsigned decimal at *s, moving *s past it. False: no digits. */
bool ptest_parse_u64(const char **s, uint64_t *out)
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
bool ptest_contains(const char *hay, const char *needle)
{
	size_t n = strlen(needle);

	for (; *hay; hay++) {
		if (!strncmp(hay, needle, n))
			return true;
	}
	return false;
}

/* Split line into space-separated fields, in place. Return: how many. */
unsigned ptest_split_fields(char *line, char **fields, unsigned max)
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
char *ptest_gen(procfs_show_t show, struct process *p, size_t *len)
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
int ptest_read_file(const char *path, char **out, size_t *len)
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
int ptest_dir_has(const char *path, const char *name)
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

static int ptest_child_main(void *arg)
{
	struct ptest_child *c = arg;

	c->pid = process_pid(process_current());
	c->result = c->work ? c->work(c) : 0;
	complete(&c->ready);
	wait_for_completion(&c->release);
	return 0;
}

int ptest_child_start(struct ptest_child *c, int (*work)(struct ptest_child *c))
{
	memset(c, 0, sizeof(*c));
	completion_init(&c->ready);
	completion_init(&c->release);
	c->work = work;
	c->fd = -1;
	int err = process_create("proctest", ptest_child_main, c, NULL, &c->pid);

	if (!err)
		wait_for_completion(&c->ready);
	return err;
}

void ptest_child_finish(struct ptest_child *c)
{
	complete(&c->release);
	(void)process_wait(c->pid, NULL, 0);
}


int ptest_child_idle(struct ptest_child *c)
{
	return 0;
}
