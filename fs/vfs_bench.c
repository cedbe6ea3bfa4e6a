// SPDX-License-Identifier: MIT
/*
 * Benchmarks of the VFS core through the kernel API, on tmpfs:
 *   vfs_lookup_5_components_cached  resolve /vb/a/b/c/d/e with every name cached
 *   vfs_open_read4k_close           open, read 4 KiB, close a 4 KiB file
 * (`make bench`, bench=vfs_* on the command line). The bar is Linux 6.1
 * under the same QEMU: about 7,700 guest instructions for open+read+close
 * from user space (the user-process issue measures that path).
 *
 * Locks: none of their own.
 */
#include <xdv/errno.h>
#include <xdv/kbench.h>
#include <xdv/mm.h>
#include <xdv/string.h>
#include "vfs_internal.h"

static bool bench_tree_ready(void)
{
	static const char *const dirs[] = { "/vb", "/vb/a", "/vb/a/b", "/vb/a/b/c",
					    "/vb/a/b/c/d", "/vb/a/b/c/d/e" };
	struct kstat st;
	struct file *f;
	char *page;
	bool ok;

	if (!vfs_statat(AT_FDCWD, "/vb/file4k", 0, &st))
		return st.size == 4096;
	for (unsigned i = 0; i < ARRAY_SIZE(dirs); i++) {
		int err = vfs_mkdirat(AT_FDCWD, dirs[i], 0755);

		if (err && err != -EEXIST)
			return false;
	}
	if (vfs_open("/vb/file4k", O_CREAT | O_WRONLY | O_TRUNC, 0644, &f))
		return false;
	page = kzalloc(4096, 0);
	ok = page && kernel_write(f, page, 4096, NULL) == 4096;
	kfree(page);
	file_put(f);
	return ok;
}

KBENCH(vfs_lookup_5_components_cached, 20000)
{
	struct path p;

	if (!bench_tree_ready())
		return 0;
	for (uint64_t i = 0; i < n; i++) {
		if (vfs_lookup("/vb/a/b/c/d/e", LOOKUP_FOLLOW, &p))
			return 0;
		path_put(&p);
	}
	return n;
}

KBENCH(vfs_open_read4k_close, 10000)
{
	char *buf = kmalloc(4096, 0);
	struct file *f;
	uint64_t i;

	if (!buf || !bench_tree_ready()) {
		kfree(buf);
		return 0;
	}
	for (i = 0; i < n; i++) {
		if (vfs_open("/vb/file4k", O_RDONLY, 0, &f))
			break;
		ssize_t got = kernel_read(f, buf, 4096, NULL);

		file_put(f);
		if (got != 4096)
			break;
	}
	kfree(buf);
	return i == n ? n : 0;
}

/* The fixed cost of a walk (no component), to read the figures above against. */
KBENCH(vfs_lookup_root, 20000)
{
	struct path p;

	for (uint64_t i = 0; i < n; i++) {
		if (vfs_lookup("/", LOOKUP_FOLLOW, &p))
			return 0;
		path_put(&p);
	}
	return n;
}
