// SPDX-License-Identifier: MIT
/*
 * Descriptor tables: a process's map from small integers to open files,
 * with a close-on-exec bit per descriptor. Fork copies the table (each
 * file gains a reference, offsets stay shared as POSIX says); threads made
 * with CLONE_FILES (later) share it, hence the count. New descriptors take
 * the lowest free number; the table holds NR_OPEN_DEFAULT (1024, Linux's
 * RLIMIT_NOFILE soft limit) and says -EMFILE beyond.
 *
 * Locks: table->lock (spinlock) guards the slots and the cloexec bits.
 * Files are put after the lock is dropped (release may sleep).
 */
#include <xdv/errno.h>
#include <xdv/mm.h>
#include <xdv/string.h>
#include "vfs_internal.h"

struct fd_table {
	struct spinlock lock;
	int refs;                           /* atomic */
	unsigned next_free;                 /* no free slot below it; under lock */
	struct file *fds[NR_OPEN_DEFAULT];  /* under lock */
	uint64_t cloexec[NR_OPEN_DEFAULT / 64];
};

/* The calling process's table, or NULL (a process made before vfs_init). */
struct fd_table *fd_table_current(void)
{
	return process_fd_table(process_current());
}

/* An empty table. Return: NULL on -ENOMEM. */
struct fd_table *fd_table_create(void)
{
	struct fd_table *t = kzalloc(sizeof(*t), 0);

	if (!t)
		return NULL;
	spin_lock_init(&t->lock, "fd_table");
	t->refs = 1;
	return t;
}

struct fd_table *fd_table_clone(struct fd_table *table)
{
	struct fd_table *t;

	if (!table)
		return NULL;
	t = fd_table_create();
	if (!t)
		return NULL;
	spin_lock(&table->lock);
	for (unsigned i = 0; i < NR_OPEN_DEFAULT; i++)
		if (table->fds[i])
			t->fds[i] = file_get(table->fds[i]);
	memcpy(t->cloexec, table->cloexec, sizeof(t->cloexec));
	t->next_free = table->next_free;
	spin_unlock(&table->lock);
	return t;
}

/* Drop a reference; the last one closes every descriptor. Context: may sleep. */
void fd_table_put(struct fd_table *table)
{
	if (!table || __atomic_sub_fetch(&table->refs, 1, __ATOMIC_ACQ_REL))
		return;
	for (unsigned i = 0; i < NR_OPEN_DEFAULT; i++)
		file_put(table->fds[i]);
	kfree(table);
}

static void set_cloexec(struct fd_table *t, unsigned fd, bool on)
{
	if (on)
		t->cloexec[fd / 64] |= 1ull << (fd % 64);
	else
		t->cloexec[fd / 64] &= ~(1ull << (fd % 64));
}

int fd_install(struct fd_table *table, struct file *file, int min, bool cloexec)
{
	int fd = -EMFILE;

	if (min < 0 || min >= NR_OPEN_DEFAULT)
		return min < 0 ? -EINVAL : -EMFILE;
	spin_lock(&table->lock);
	for (unsigned i = MAX((unsigned)min, table->next_free); i < NR_OPEN_DEFAULT; i++) {
		if (!table->fds[i]) {
			table->fds[i] = file;
			set_cloexec(table, i, cloexec);
			if ((unsigned)min <= table->next_free)
				table->next_free = i + 1;
			fd = (int)i;
			break;
		}
	}
	spin_unlock(&table->lock);
	return fd;
}

struct file *fd_get_file(struct fd_table *table, int fd)
{
	struct file *f = NULL;

	if (!table || fd < 0 || fd >= NR_OPEN_DEFAULT)
		return NULL;
	spin_lock(&table->lock);
	if (table->fds[fd])
		f = file_get(table->fds[fd]);
	spin_unlock(&table->lock);
	return f;
}

/* Close fd. Context: may sleep. Return: 0 or -EBADF. */
int fd_close(struct fd_table *table, int fd)
{
	struct file *f = NULL;

	if (fd < 0 || fd >= NR_OPEN_DEFAULT)
		return -EBADF;
	spin_lock(&table->lock);
	f = table->fds[fd];
	table->fds[fd] = NULL;
	set_cloexec(table, fd, false);
	if (f && (unsigned)fd < table->next_free)
		table->next_free = fd;
	spin_unlock(&table->lock);
	if (!f)
		return -EBADF;
	file_put(f);
	return 0;
}

/*
 * Make newfd name oldfd's file (closing what newfd named), as dup2/dup3.
 * Return: newfd, -EBADF (oldfd not open, newfd out of range).
 */
int fd_dup2(struct fd_table *table, int oldfd, int newfd, bool cloexec)
{
	struct file *f, *old = NULL;

	if (oldfd < 0 || oldfd >= NR_OPEN_DEFAULT || newfd < 0 || newfd >= NR_OPEN_DEFAULT)
		return -EBADF;
	spin_lock(&table->lock);
	f = table->fds[oldfd];
	if (!f) {
		spin_unlock(&table->lock);
		return -EBADF;
	}
	if (oldfd != newfd) {
		old = table->fds[newfd];
		table->fds[newfd] = file_get(f);
	}
	set_cloexec(table, newfd, cloexec);
	spin_unlock(&table->lock);
	file_put(old);
	return newfd;
}

int fd_get_cloexec(struct fd_table *table, int fd)
{
	int r = -EBADF;

	if (fd < 0 || fd >= NR_OPEN_DEFAULT)
		return -EBADF;
	spin_lock(&table->lock);
	if (table->fds[fd])
		r = !!(table->cloexec[fd / 64] & (1ull << (fd % 64)));
	spin_unlock(&table->lock);
	return r;
}

int fd_set_cloexec(struct fd_table *table, int fd, bool on)
{
	int r = -EBADF;

	if (fd < 0 || fd >= NR_OPEN_DEFAULT)
		return -EBADF;
	spin_lock(&table->lock);
	if (table->fds[fd]) {
		set_cloexec(table, fd, on);
		r = 0;
	}
	spin_unlock(&table->lock);
	return r;
}

/* execve: close every descriptor marked close-on-exec. Context: may sleep. */
void fd_close_on_exec(struct fd_table *table)
{
	for (unsigned w = 0; w < NR_OPEN_DEFAULT / 64; w++) {
		for (;;) {
			struct file *f = NULL;

			spin_lock(&table->lock);
			uint64_t bits = table->cloexec[w];

			if (bits) {
				unsigned fd = w * 64 + __builtin_ctzll(bits);

				f = table->fds[fd];
				table->fds[fd] = NULL;
				set_cloexec(table, fd, false);
				if (fd < table->next_free)
					table->next_free = fd;
			}
			spin_unlock(&table->lock);
			if (!bits)
				break;
			file_put(f);
		}
	}
}

/* Locks: fn runs without the table lock, on a referenced file. */
void fd_for_each(struct fd_table *table, void (*fn)(int fd, struct file *file, void *arg),
		 void *arg)
{
	for (int fd = 0; fd < NR_OPEN_DEFAULT; fd++) {
		struct file *f = fd_get_file(table, fd);

		if (f) {
			fn(fd, f, arg);
			file_put(f);
		}
	}
}
