/* SPDX-License-Identifier: MIT */
/*
 * Small helpers shared by XDV's user tests (header-only, musl or glibc):
 * run a function in a child and return its wait status, make a scratch
 * directory, read a whole descriptor, find a sibling program next to
 * argv[0]. No global state except the scratch directory's name.
 */
#pragma once

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

/*
 * Run fn() in a child that exits with fn's return value; return the raw
 * wait status (or -1 when fork or wait4 failed).
 */
static inline int util_run_child(int (*fn)(void))
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (pid == 0)
		_exit(fn());
	if (waitpid(pid, &status, 0) != pid)
		return -1;
	return status;
}

/* True if STATUS says "ended by signal SIG". */
static inline int util_killed_by(int status, int sig)
{
	return status != -1 && WIFSIGNALED(status) && WTERMSIG(status) == sig;
}

/* True if STATUS says "exited with CODE". */
static inline int util_exited(int status, int code)
{
	return status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == code;
}

/* Read until EOF into buf (NUL-terminated). Return: bytes read, or -1. */
static inline ssize_t util_read_all(int fd, char *buf, size_t size)
{
	size_t got = 0;

	while (got + 1 < size) {
		ssize_t n = read(fd, buf + got, size - 1 - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			break;
		got += (size_t)n;
	}
	buf[got] = '\0';
	return (ssize_t)got;
}

static char util_scratch[256];

/*
 * Make a fresh scratch directory under $TMPDIR (default /tmp) and return
 * its path; exit(2) when that is impossible (nothing could be tested).
 */
static inline const char *util_scratch_dir(const char *tag)
{
	const char *base = getenv("TMPDIR");

	if (!base || !*base)
		base = "/tmp";
	snprintf(util_scratch, sizeof(util_scratch), "%s/xdv-%s-XXXXXX", base, tag);
	if (!mkdtemp(util_scratch)) {
		dprintf(1, "# cannot make a scratch directory under %s: %s\n", base,
			strerror(errno));
		exit(2);
	}
	return util_scratch;
}

static inline int util_remove_one(const char *path, const struct stat *st, int type,
				  struct FTW *ftw)
{
	(void)st; (void)type; (void)ftw;
	remove(path);
	return 0;
}

/* Remove the scratch directory and everything under it (best effort). */
static inline void util_scratch_remove(void)
{
	if (util_scratch[0])
		nftw(util_scratch, util_remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* "DIR/NAME" where DIR is the directory of argv0 ("." if none), into buf. */
static inline const char *util_sibling(const char *argv0, const char *name, char *buf,
				       size_t size)
{
	const char *slash = strrchr(argv0, '/');

	if (!slash)
		snprintf(buf, size, "./%s", name);
	else
		snprintf(buf, size, "%.*s/%s", (int)(slash - argv0), argv0, name);
	return buf;
}
