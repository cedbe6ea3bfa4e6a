// SPDX-License-Identifier: MIT
/*
 * tmpfs benchmarks (`make bench`): sequential write and read of a 16 MiB
 * file in 64 KiB calls through the VFS kernel API, on a tmpfs of their
 * own. One operation is one whole 16 MiB pass, so MB/s = 16 MiB divided
 * by the ns/op printed. The write pass starts from an empty file each
 * time (truncated outside the timed part), so it measures allocating and
 * charging the pages as well as copying into them; the read pass reads a
 * file written once beforehand.
 *
 * Locks: none of their own.
 */
#include <xdv/errno.h>
#include <xdv/kbench.h>
#include <xdv/mm.h>
#include <xdv/printk.h>
#include <xdv/string.h>
#include <xdv/time.h>

#include "internal.h"

#define BENCH_DIR   "/kbench_tmpfs"
#define BENCH_FILE  "/kbench_tmpfs/f"
#define BENCH_SIZE  (16u << 20)
#define BENCH_CHUNK (64u << 10)

static void bench_umount(void)
{
	int err = vfs_umount(BENCH_DIR, 0);

	if (err)
		pr_warn("tmpfs bench: umount %s: %d\n", BENCH_DIR, err);
}

/* Mount the bench tmpfs, open its file and get a chunk buffer. */
static int bench_setup(struct file **f, uint8_t **buf)
{
	int err = vfs_mkdirat(AT_FDCWD, BENCH_DIR, 0755);

	if (err && err != -EEXIST)
		return err;
	err = vfs_mount("tmpfs", BENCH_DIR, "tmpfs", 0, "size=64m");
	if (err)
		return err;
	*buf = kmalloc(BENCH_CHUNK, GFP_KERNEL);
	if (!*buf) {
		err = -ENOMEM;
		goto out_umount;
	}
	for (unsigned i = 0; i < BENCH_CHUNK; i++)
		(*buf)[i] = (uint8_t)i;
	err = vfs_open(BENCH_FILE, O_RDWR | O_CREAT | O_TRUNC, 0600, f);
	if (err)
		goto out_buf;
	return 0;

out_buf:
	kfree(*buf);
out_umount:
	bench_umount();
	return err;
}

static void bench_teardown(struct file *f, uint8_t *buf)
{
	file_put(f);
	kfree(buf);
	(void)vfs_unlinkat(AT_FDCWD, BENCH_FILE, 0);
	bench_umount();
	(void)vfs_unlinkat(AT_FDCWD, BENCH_DIR, AT_REMOVEDIR);
}

/* One 16 MiB pass of writes (write) or reads. Return: false on error. */
static bool bench_pass(struct file *f, uint8_t *buf, bool write)
{
	loff_t pos = 0;

	for (unsigned done = 0; done < BENCH_SIZE; done += BENCH_CHUNK) {
		ssize_t n = write ? kernel_write(f, buf, BENCH_CHUNK, &pos)
				  : kernel_read(f, buf, BENCH_CHUNK, &pos);

		if (n != BENCH_CHUNK)
			return false;
	}
	return true;
}

KBENCH(tmpfs_write_16m, 10)
{
	struct file *f;
	uint8_t *buf;
	uint64_t elapsed = 0, i;

	if (bench_setup(&f, &buf))
		return 0;
	for (i = 0; i < n; i++) {
		uint64_t t0;

		if (vfs_ftruncate(f, 0))
			break;
		t0 = time_since_boot_ns();
		if (!bench_pass(f, buf, true))
			break;
		elapsed += time_since_boot_ns() - t0;
	}
	bench_teardown(f, buf);
	kbench_set_elapsed(elapsed);
	return i == n ? n : 0;
}

KBENCH(tmpfs_read_16m, 10)
{
	struct file *f;
	uint8_t *buf;
	uint64_t elapsed = 0, i;

	if (bench_setup(&f, &buf))
		return 0;
	if (!bench_pass(f, buf, true)) {
		bench_teardown(f, buf);
		return 0;
	}
	for (i = 0; i < n; i++) {
		uint64_t t0 = time_since_boot_ns();

		if (!bench_pass(f, buf, false))
			break;
		elapsed += time_since_boot_ns() - t0;
	}
	bench_teardown(f, buf);
	kbench_set_elapsed(elapsed);
	return i == n ? n : 0;
}
