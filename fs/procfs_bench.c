// SPDX-License-Identifier: MIT
/*
 * Benchmarks of procfs (`make bench`, bench=procfs_* on the command line):
 *   procfs_meminfo_generate      build /proc/meminfo's text (no VFS)
 *   procfs_open_read_close_stat  open, read, close /proc/self/stat: what
 *                                ps and top do for every process
 *
 * Locks: none of their own.
 */
#include <xdv/kbench.h>
#include <xdv/mm.h>
#include "internal.h"
#include "procfs.h"

KBENCH(procfs_meminfo_generate, 2000)
{
	char *buf = kmalloc(PAGE_SIZE, 0);
	struct seq_buf m;

	if (!buf)
		return 0;
	for (uint64_t i = 0; i < n; i++) {
		seq_buf_init(&m, buf, PAGE_SIZE);
		(void)procfs_show_meminfo(&m, NULL);
	}
	kfree(buf);
	return n;
}

KBENCH(procfs_open_read_close_stat, 2000)
{
	char buf[512];

	for (uint64_t i = 0; i < n; i++) {
		struct file *f;
		loff_t pos = 0;

		if (vfs_open("/proc/self/stat", O_RDONLY, 0, &f))
			return 0;
		(void)kernel_read(f, buf, sizeof(buf), &pos);
		file_put(f);
	}
	return n;
}
