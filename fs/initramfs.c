// SPDX-License-Identifier: MIT
/*
 * The initramfs: every Multiboot2 module that starts with a cpio magic is
 * unpacked into the root file system ("/", tmpfs) in module order, as
 * Linux unpacks its concatenated initramfs images, so later modules
 * override earlier ones. Entries go in through the VFS's own kernel API
 * (vfs_mkdirat, vfs_openat + kernel_write, vfs_symlinkat, vfs_mknodat,
 * vfs_linkat, vfs_fchownat, vfs_fchmodat, vfs_utimensat), as the init
 * process would make them, in the kernel process's name space.
 *
 * Linux's rules (init/initramfs.c) are kept: names lose a leading "/" or
 * "./"; an existing name of another type is removed first; newc hard
 * links are entries of one archive sharing (ino, dev major, minor) with
 * nlink >= 2, later names linked to the first and the data written to the
 * shared file; directory mtimes are set after everything is unpacked, as
 * entries made inside a directory change its mtime. XDV also makes the
 * parent directories an archive did not list (0755).
 *
 * A bad archive is never fatal: the parser (cpio.c) stops at the first
 * bad entry, its module and offset and the reason are printed, what was
 * unpacked stays and the kernel goes on. After unpacking, the init program
 * is chosen as Linux does (rdinit=, default /init; else init=; else
 * /sbin/init, /etc/init, /bin/init, /bin/sh) and reported.
 *
 * Locking: none of its own; runs once at boot on one thread (vfs_init),
 * may sleep. The init path is written then and only read afterwards.
 */
#define pr_fmt(fmt) "initramfs: " fmt
#include <xdv/boot.h>
#include <xdv/cmdline.h>
#include <xdv/errno.h>
#include <xdv/mm.h>
#include <xdv/printk.h>
#include <xdv/sched.h>
#include <xdv/string.h>
#include "cpio.h"
#include "initramfs.h"
#include "internal.h"

#define LINK_HASH 32
#define MAX_REPORTED_ERRORS 8 /* per module; then only counted */

/* A regular file with nlink >= 2 seen in the current archive. */
struct link_record {
	uint32_t ino, major, minor;
	struct link_record *next;
	char path[]; /* the first name, absolute */
};

/* A directory whose mtime is set at the end. */
struct dir_time {
	int64_t mtime;
	struct dir_time *next;
	char path[];
};

struct unpack_state {
	const char *label;         /* "module 0 (initramfs)", for messages */
	struct link_record *links[LINK_HASH];
	struct dir_time *dirs, **dirs_tail;
	char *path;                /* PATH_MAX + 1 bytes */
	struct initramfs_stats st; /* of the current buffer */
};

static const char *init_path;

/* The absolute path of an archive name; *is_root for ".", "", "/", "./". */
static int name_to_path(const char *name, char *out, size_t size, bool *is_root)
{
	for (;;) {
		if (name[0] == '/')
			name++;
		else if (name[0] == '.' && name[1] == '/')
			name += 2;
		else
			break;
	}
	*is_root = name[0] == '\0' || strcmp(name, ".") == 0;
	if (snprintf(out, size, "/%s", *is_root ? "" : name) >= (int)size)
		return -ENAMETOOLONG;
	/* "a/b/" names the directory a/b. */
	for (size_t n = strlen(out); n > 1 && out[n - 1] == '/'; n--)
		out[n - 1] = '\0';
	return 0;
}

/*
 * mkdir -p of path's parent directories (0755, owned by root), which an
 * archive need not list. One lookup when the parent is there (the usual
 * case: archives list directories before what is in them).
 */
static int make_parents(char *path)
{
	char *last = path;
	struct kstat st;
	int err = 0;

	for (char *p = path; *p; p++)
		if (*p == '/')
			last = p;
	if (last == path)
		return 0;
	*last = '\0';
	err = vfs_statat(AT_FDCWD, path, 0, &st);
	*last = '/';
	if (err != -ENOENT)
		return 0; /* there, or an error the create will meet and report */
	for (char *p = strchr(path + 1, '/'); p; p = strchr(p + 1, '/')) {
		*p = '\0';
		err = vfs_mkdirat(AT_FDCWD, path, 0755);
		*p = '/';
		if (err && err != -EEXIST)
			return err;
	}
	return 0;
}

/* Remove what is at path unless it is a keep_type (0: remove anything). */
static void clean_path(const char *path, umode_t keep_type)
{
	struct kstat st;

	if (vfs_statat(AT_FDCWD, path, AT_SYMLINK_NOFOLLOW, &st))
		return;
	if (keep_type && (st.mode & S_IFMT) == keep_type)
		return;
	(void)vfs_unlinkat(AT_FDCWD, path, S_ISDIR(st.mode) ? AT_REMOVEDIR : 0);
}

static uint32_t link_hash(const struct cpio_entry *e)
{
	return (e->ino ^ e->dev_major * 31 ^ e->dev_minor * 131) % LINK_HASH;
}

/* The first name of e's inode in this archive, or NULL (and e is recorded). */
static const char *link_find_or_add(struct unpack_state *s, const struct cpio_entry *e)
{
	struct link_record **head = &s->links[link_hash(e)], *r;
	size_t len;

	for (r = *head; r; r = r->next)
		if (r->ino == e->ino && r->major == e->dev_major && r->minor == e->dev_minor)
			return r->path;
	len = strlen(s->path) + 1;
	r = kmalloc(sizeof(*r) + len, GFP_KERNEL);
	if (r) {
		r->ino = e->ino;
		r->major = e->dev_major;
		r->minor = e->dev_minor;
		memcpy(r->path, s->path, len);
		r->next = *head;
		*head = r;
	}
	return NULL;
}

static void links_free(struct unpack_state *s)
{
	for (unsigned i = 0; i < LINK_HASH; i++) {
		while (s->links[i]) {
			struct link_record *r = s->links[i];

			s->links[i] = r->next;
			kfree(r);
		}
	}
}

static void set_mtime(const char *path, int64_t mtime)
{
	struct timespec64 t[2] = { { mtime, 0 }, { mtime, 0 } };

	(void)vfs_utimensat(AT_FDCWD, path, t, AT_SYMLINK_NOFOLLOW);
}

/* Owner and mode (symlinks: owner only) of what was just made. */
static int set_attrs(const char *path, const struct cpio_entry *e)
{
	int err = vfs_fchownat(AT_FDCWD, path, e->uid, e->gid, AT_SYMLINK_NOFOLLOW);

	/* After chown, which may clear set-id bits. */
	if (!err && !S_ISLNK(e->mode))
		err = vfs_fchmodat(AT_FDCWD, path, e->mode & 07777, 0);
	return err;
}

static int write_all(struct file *file, const uint8_t *data, size_t len)
{
	loff_t pos = 0;

	while (len) {
		ssize_t n = kernel_write(file, data, len, &pos);

		if (n < 0)
			return (int)n;
		if (n == 0)
			return -EIO;
		data += n;
		len -= (size_t)n;
	}
	return 0;
}

static int unpack_file(struct unpack_state *s, const struct cpio_entry *e)
{
	const char *first = e->nlink >= 2 ? link_find_or_add(s, e) : NULL;
	int flags = O_WRONLY | O_CREAT, err;
	struct file *file;

	if (first) {
		clean_path(s->path, 0);
		err = vfs_linkat(AT_FDCWD, first, AT_FDCWD, s->path, 0);
		if (err)
			return err;
		s->st.hardlinks++;
	} else {
		clean_path(s->path, S_IFREG);
		flags |= O_TRUNC;
		s->st.files++;
	}
	err = vfs_openat(AT_FDCWD, s->path, flags, e->mode & 07777, &file);
	if (err)
		return err;
	err = write_all(file, e->data, e->filesize);
	file_put(file);
	if (!err)
		err = set_attrs(s->path, e);
	set_mtime(s->path, e->mtime);
	return err;
}

static int unpack_dir(struct unpack_state *s, const struct cpio_entry *e, bool is_root)
{
	size_t len = strlen(s->path) + 1;
	struct dir_time *d;
	int err = 0;

	if (!is_root) {
		clean_path(s->path, S_IFDIR);
		err = vfs_mkdirat(AT_FDCWD, s->path, e->mode & 07777);
		if (err == -EEXIST)
			err = 0;
		else if (!err)
			s->st.dirs++;
	}
	if (!err)
		err = set_attrs(s->path, e);
	d = kmalloc(sizeof(*d) + len, GFP_KERNEL);
	if (d) {
		d->mtime = e->mtime;
		d->next = NULL;
		memcpy(d->path, s->path, len);
		*s->dirs_tail = d;
		s->dirs_tail = &d->next;
	}
	return err;
}

static int unpack_symlink(struct unpack_state *s, const struct cpio_entry *e)
{
	char *target;
	int err;

	if (e->filesize == 0 || e->filesize >= PATH_MAX)
		return -ENAMETOOLONG;
	target = kmalloc(e->filesize + 1, GFP_KERNEL);
	if (!target)
		return -ENOMEM;
	memcpy(target, e->data, e->filesize);
	target[e->filesize] = '\0';
	clean_path(s->path, 0);
	err = vfs_symlinkat(target, AT_FDCWD, s->path);
	kfree(target);
	if (err)
		return err;
	s->st.symlinks++;
	err = set_attrs(s->path, e);
	set_mtime(s->path, e->mtime);
	return err;
}

static int unpack_node(struct unpack_state *s, const struct cpio_entry *e)
{
	int err;

	clean_path(s->path, 0);
	err = vfs_mknodat(AT_FDCWD, s->path, e->mode & (S_IFMT | 07777),
			  MKDEV(e->rdev_major, e->rdev_minor));
	if (err)
		return err;
	s->st.nodes++;
	err = set_attrs(s->path, e);
	set_mtime(s->path, e->mtime);
	return err;
}

static int unpack_entry(struct unpack_state *s, const struct cpio_entry *e)
{
	bool is_root;
	int err = name_to_path(e->name, s->path, PATH_MAX + 1, &is_root);

	if (err)
		return err;
	if (!is_root) {
		err = make_parents(s->path);
		if (err)
			return err;
	}
	switch (e->mode & S_IFMT) {
	case S_IFREG:
		return unpack_file(s, e);
	case S_IFDIR:
		return unpack_dir(s, e, is_root);
	case S_IFLNK:
		return unpack_symlink(s, e);
	case S_IFCHR:
	case S_IFBLK:
	case S_IFIFO:
	case S_IFSOCK:
		return unpack_node(s, e);
	default:
		return -EINVAL;
	}
}

/* Unpack one buffer's archive(s) into "/"; report bad input and go on. */
static int unpack_buffer(struct unpack_state *s, const void *buf, size_t len)
{
	struct initramfs_stats *st = &s->st;
	struct cpio_reader r;
	struct cpio_entry e;
	unsigned archive = 0;
	int ret;

	memset(st, 0, sizeof(*st));
	cpio_reader_init(&r, buf, len);
	while ((ret = cpio_next(&r, &e)) == 1) {
		if (e.archive != archive) {
			/* Hard links pair names inside one archive only, as Linux. */
			links_free(s);
			archive = e.archive;
		}
		st->entries++;
		int err = unpack_entry(s, &e);

		if (err && ++st->errors <= MAX_REPORTED_ERRORS)
			pr_warn("%s: cannot make %s (entry at offset %zu): error %d\n", s->label,
				e.name, e.offset, err);
	}
	links_free(s);
	if (ret < 0) {
		st->bad_offset = r.error_offset;
		st->bad_reason = r.error;
		pr_err("%s: bad archive at offset %zu: %s; %u entries before it kept\n",
		       s->label, r.error_offset, r.error, st->entries);
	}
	pr_info("%u entries (%u files, %u dirs, %u symlinks, %u nodes, %u hard links, "
		"%u errors) from %s, %zu KiB\n",
		st->entries, st->files, st->dirs, st->symlinks, st->nodes, st->hardlinks,
		st->errors, s->label, (len + 1023) / 1024);
	return ret < 0 ? ret : 0;
}

/* Set the directory times kept by unpack_buffer, and forget them. */
static void apply_dir_times(struct unpack_state *s)
{
	while (s->dirs) {
		struct dir_time *d = s->dirs;

		set_mtime(d->path, d->mtime);
		s->dirs = d->next;
		kfree(d);
	}
	s->dirs_tail = &s->dirs;
}

/*
 * initramfs_unpack_buffer - unpack the cpio archive(s) in buf into "/".
 * label names it in messages; *stats (may be NULL) gets the counts.
 * Context: may sleep. Locks: none.
 * Return: 0, -EINVAL for a bad archive (what came before it is unpacked;
 * stats say where and why), or -ENOMEM.
 */
int initramfs_unpack_buffer(const void *buf, size_t len, const char *label,
			    struct initramfs_stats *stats)
{
	struct unpack_state s = { .label = label };
	int err;

	s.dirs_tail = &s.dirs;
	s.path = kmalloc(PATH_MAX + 1, GFP_KERNEL);
	if (!s.path)
		return -ENOMEM;
	err = unpack_buffer(&s, buf, len);
	apply_dir_times(&s);
	kfree(s.path);
	if (stats)
		*stats = s.st;
	return err;
}

/* Executable regular file at path? */
static bool is_executable(const char *path)
{
	struct kstat st;

	return vfs_statat(AT_FDCWD, path, 0, &st) == 0 && S_ISREG(st.mode) &&
	       vfs_faccessat(AT_FDCWD, path, X_OK, 0) == 0;
}

/* Linux's choice (init/main.c): rdinit, init=, then the usual places. */
static void choose_init(void)
{
	static const char *const fallback[] = { "/sbin/init", "/etc/init", "/bin/init",
						"/bin/sh" };
	const char *rdinit = cmdline_get(&kernel_cmdline, "rdinit");
	const char *init = cmdline_get(&kernel_cmdline, "init");

	if (!rdinit || !*rdinit)
		rdinit = "/init";
	if (is_executable(rdinit)) {
		init_path = rdinit;
		pr_info("init: %s (rdinit%s)\n", rdinit,
			cmdline_has(&kernel_cmdline, "rdinit") ? "=" : " default");
		return;
	}
	if (init && *init) {
		init_path = init;
		if (is_executable(init))
			pr_info("init: %s (init=)\n", init);
		else
			pr_warn("init: %s (init=) is not an executable file\n", init);
		return;
	}
	for (unsigned i = 0; i < ARRAY_SIZE(fallback); i++) {
		if (is_executable(fallback[i])) {
			init_path = fallback[i];
			pr_info("init: %s (no %s)\n", init_path, rdinit);
			return;
		}
	}
	init_path = NULL;
	pr_warn("init: none found (%s, /sbin/init, /etc/init, /bin/init, /bin/sh)\n", rdinit);
}

/*
 * initramfs_init_path - the program the first user process runs.
 * Context: after vfs_init. Locks: none (written once at boot).
 * Return: its path, or NULL when no init program was found.
 */
const char *initramfs_init_path(void)
{
	return init_path;
}

/*
 * initramfs_unpack_all - unpack every cpio module into "/", then choose init.
 * Context: boot (vfs_init), once, may sleep. Locks: none.
 */
void initramfs_unpack_all(void)
{
	struct unpack_state s = { 0 };
	unsigned unpacked = 0;
	char label[BOOT_MODULE_STR_MAX + 32];

	might_sleep();
	s.dirs_tail = &s.dirs;
	s.path = kmalloc(PATH_MAX + 1, GFP_KERNEL);
	if (!s.path) {
		pr_err("no memory to unpack\n");
		return;
	}
	s.label = label;
	for (unsigned i = 0; i < boot_info.module_count; i++) {
		const struct boot_module *m = &boot_info.modules[i];
		size_t len = (size_t)(m->end - m->start);
		const void *buf = phys_to_virt(m->start);

		if (!cpio_has_magic(buf, len)) {
			pr_info("module %u (%s, %zu bytes) is not a cpio archive: skipped\n", i,
				m->string, len);
			continue;
		}
		snprintf(label, sizeof(label), "module %u (%s)", i, m->string);
		(void)unpack_buffer(&s, buf, len);
		unpacked++;
	}
	/* Directory times last, as Linux: later entries inside changed them. */
	apply_dir_times(&s);
	kfree(s.path);
	if (!unpacked)
		pr_info("no cpio module: the root file system is empty\n");
	choose_init();
}
