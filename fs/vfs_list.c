// SPDX-License-Identifier: MIT
/*
 * vfs_list=PATH on the command line: after vfs_init, print a recursive
 * listing of the tree under PATH, one line per entry, sorted by path, so
 * that a system test can compare what the kernel unpacked from an
 * initramfs with the tree the archive was made from. The format, which
 * tests/system/fs.sh makes on the host with `find -printf`, is
 *
 *   vfs_list: NAME MODE UID GID SIZE MTIME NLINK CKSUM[ -> TARGET]
 *
 * NAME relative to PATH; MODE the octal st_mode (type and permissions);
 * SIZE in bytes for files and symlinks, "MAJ,MIN" for devices, "-" for
 * the rest; MTIME in seconds; NLINK and CKSUM (the POSIX cksum CRC of the
 * data, as the cksum command prints it) for regular files, "-" for the
 * rest; TARGET for symlinks. Like find -xdev, the walk stays on PATH's file
 * system. It opens with "vfs_list: begin PATH" and ends with
 * "vfs_list: end N entries" (or an error line).
 *
 * Locking: none of its own; runs once at boot through the VFS's kernel API.
 */
#define pr_fmt(fmt) "vfs_list: " fmt
#include <xdv/cmdline.h>
#include <xdv/errno.h>
#include <xdv/mm.h>
#include <xdv/printk.h>
#include <xdv/string.h>
#include "internal.h"

#define VFS_LIST_MAX_DEPTH 64
#define VFS_LIST_LINE_MAX  (PATH_MAX + 200)

struct vfs_list {
	char **lines;            /* "NAME MODE ..." each, kmalloc'd */
	size_t count, cap;
	dev_t dev;               /* PATH's file system */
	size_t base_len;         /* strlen(PATH) with its '/' */
	char *target;            /* PATH_MAX bytes for readlink */
	char *scratch;           /* VFS_LIST_LINE_MAX bytes to format a line in */
};

static int vlist_add(struct vfs_list *l, char *line)
{
	if (l->count == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 64;
		char **lines = kcalloc(cap, sizeof(*lines), GFP_KERNEL);

		if (!lines)
			return -ENOMEM;
		if (l->count)
			memcpy(lines, l->lines, l->count * sizeof(*lines));
		kfree(l->lines);
		l->lines = lines;
		l->cap = cap;
	}
	l->lines[l->count++] = line;
	return 0;
}

/* The POSIX cksum CRC (polynomial 0x04C11DB7, MSB first) over len bytes. */
static uint32_t cksum_update(uint32_t crc, const uint8_t *p, size_t len)
{
	while (len--) {
		crc ^= (uint32_t)*p++ << 24;
		for (int i = 0; i < 8; i++)
			crc = crc & 0x80000000u ? crc << 1 ^ 0x04C11DB7u : crc << 1;
	}
	return crc;
}

/* cksum of the regular file at path, through the page cache like read(2). */
static int file_cksum(struct vfs_list *l, const char *path, uint32_t *out)
{
	uint8_t *buf = (uint8_t *)l->target; /* PATH_MAX bytes, free here */
	uint64_t total = 0;
	uint32_t crc = 0;
	struct file *file;
	ssize_t n;
	int err = vfs_openat(AT_FDCWD, path, O_RDONLY, 0, &file);

	if (err)
		return err;
	while ((n = kernel_read(file, buf, PATH_MAX, NULL)) > 0) {
		crc = cksum_update(crc, buf, (size_t)n);
		total += (uint64_t)n;
	}
	file_put(file);
	if (n < 0)
		return (int)n;
	for (; total; total >>= 8) {
		uint8_t b = (uint8_t)total;

		crc = cksum_update(crc, &b, 1);
	}
	*out = ~crc;
	return 0;
}

/* One entry's line (path is absolute; its name is past base_len). */
static int vlist_entry(struct vfs_list *l, const char *path, const struct kstat *st)
{
	char size[32] = "-", nlink[16] = "-", sum[16] = "-", *line;
	int n, err, tlen = 0;
	uint32_t crc = 0;

	if (S_ISREG(st->mode) || S_ISLNK(st->mode))
		snprintf(size, sizeof(size), "%llu", (unsigned long long)st->size);
	else if (S_ISCHR(st->mode) || S_ISBLK(st->mode))
		snprintf(size, sizeof(size), "%u,%u", MAJOR(st->rdev), MINOR(st->rdev));
	if (S_ISREG(st->mode)) {
		snprintf(nlink, sizeof(nlink), "%u", st->nlink);
		err = file_cksum(l, path, &crc);
		if (err)
			return err;
		snprintf(sum, sizeof(sum), "%u", crc);
	}
	if (S_ISLNK(st->mode)) {
		tlen = vfs_readlinkat(AT_FDCWD, path, l->target, PATH_MAX - 1);
		if (tlen < 0)
			return tlen;
	}
	n = snprintf(l->scratch, VFS_LIST_LINE_MAX, "%s %o %u %u %s %lld %s %s%s%.*s",
		     path + l->base_len, st->mode, st->uid, st->gid, size,
		     (long long)st->mtime.sec, nlink, sum, S_ISLNK(st->mode) ? " -> " : "", tlen,
		     l->target);
	if (n >= VFS_LIST_LINE_MAX)
		return -ENAMETOOLONG;
	line = kmalloc((size_t)n + 1, GFP_KERNEL);
	if (!line)
		return -ENOMEM;
	memcpy(line, l->scratch, (size_t)n + 1);
	err = vlist_add(l, line);
	if (err)
		kfree(line);
	return err;
}

/* Walk the directory at path (a PATH_MAX buffer, extended in place). */
static int vlist_dir(struct vfs_list *l, char *path, unsigned depth)
{
	size_t len = strlen(path);
	struct file *dir;
	char *buf;
	ssize_t got;
	int err;

	if (depth > VFS_LIST_MAX_DEPTH)
		return -ELOOP;
	err = vfs_openat(AT_FDCWD, path, O_RDONLY | O_DIRECTORY, 0, &dir);
	if (err)
		return err;
	buf = kmalloc(4096, GFP_KERNEL);
	if (!buf) {
		file_put(dir);
		return -ENOMEM;
	}
	while (!err && (got = vfs_getdents64(dir, buf, 4096)) > 0) {
		for (ssize_t off = 0; !err && off < got;) {
			struct linux_dirent64 *d = (struct linux_dirent64 *)(buf + off);
			struct kstat st;

			off += d->d_reclen;
			if (!strcmp(d->d_name, ".") || !strcmp(d->d_name, ".."))
				continue;
			if (snprintf(path + len, PATH_MAX - len, "%s%s", len > 1 ? "/" : "",
				     d->d_name) >= (int)(PATH_MAX - len)) {
				err = -ENAMETOOLONG;
				break;
			}
			err = vfs_statat(AT_FDCWD, path, AT_SYMLINK_NOFOLLOW, &st);
			if (!err)
				err = vlist_entry(l, path, &st);
			if (!err && S_ISDIR(st.mode) && st.dev == l->dev)
				err = vlist_dir(l, path, depth + 1);
			path[len] = '\0';
		}
	}
	if (!err && got < 0)
		err = (int)got;
	kfree(buf);
	file_put(dir);
	return err;
}

/* Bottom-up merge sort of the lines by name (the text before the first ' '). */
static int name_cmp(const char *a, const char *b)
{
	for (;; a++, b++) {
		char ca = *a == ' ' ? '\0' : *a, cb = *b == ' ' ? '\0' : *b;

		if (ca != cb || !ca)
			return (unsigned char)ca - (unsigned char)cb;
	}
}

static int vlist_sort(struct vfs_list *l)
{
	char **tmp = kcalloc(l->count ? l->count : 1, sizeof(*tmp), GFP_KERNEL), **a = l->lines;

	if (!tmp)
		return -ENOMEM;
	for (size_t width = 1; width < l->count; width *= 2) {
		for (size_t lo = 0; lo < l->count; lo += 2 * width) {
			size_t mid = MIN(lo + width, l->count), hi = MIN(lo + 2 * width, l->count);
			size_t i = lo, j = mid, k = lo;

			while (i < mid && j < hi)
				tmp[k++] = name_cmp(a[i], a[j]) <= 0 ? a[i++] : a[j++];
			while (i < mid)
				tmp[k++] = a[i++];
			while (j < hi)
				tmp[k++] = a[j++];
		}
		memcpy(a, tmp, l->count * sizeof(*a));
	}
	kfree(tmp);
	return 0;
}

/*
 * vfs_list_requested - print the tree under vfs_list=PATH, if given.
 * Context: boot, after vfs_init; may sleep. Locks: none.
 */
void vfs_list_requested(void)
{
	const char *root = cmdline_get(&kernel_cmdline, "vfs_list");
	struct vfs_list l = { 0 };
	struct kstat st;
	char *path;
	int err;

	if (!root)
		return;
	pr_info("begin %s\n", root);
	path = kmalloc(PATH_MAX, GFP_KERNEL);
	l.target = kmalloc(PATH_MAX, GFP_KERNEL);
	l.scratch = kmalloc(VFS_LIST_LINE_MAX, GFP_KERNEL);
	err = -ENOMEM;
	if (!path || !l.target || !l.scratch)
		goto out;
	err = -EINVAL;
	if (root[0] != '/' || strlcpy(path, root, PATH_MAX) >= PATH_MAX)
		goto out;
	for (size_t n = strlen(path); n > 1 && path[n - 1] == '/'; n--)
		path[n - 1] = '\0';
	l.base_len = strlen(path) + (path[1] ? 1 : 0);
	err = vfs_statat(AT_FDCWD, path, 0, &st);
	if (!err && !S_ISDIR(st.mode))
		err = -ENOTDIR;
	if (err)
		goto out;
	l.dev = st.dev;
	err = vlist_dir(&l, path, 0);
	if (!err)
		err = vlist_sort(&l);
	if (!err)
		for (size_t i = 0; i < l.count; i++)
			pr_info("%s\n", l.lines[i]);
out:
	if (err)
		pr_err("end: error %d listing %s\n", err, root);
	else
		pr_info("end %zu entries\n", l.count);
	for (size_t i = 0; i < l.count; i++)
		kfree(l.lines[i]);
	kfree(l.lines);
	kfree(l.target);
	kfree(l.scratch);
	kfree(path);
}
