// SPDX-License-Identifier: MIT
/*
 * File system calls against Linux's results, errno values included:
 * open's flags and errors, read/write/lseek/pread/pwrite/readv/writev,
 * O_APPEND, ftruncate, stat/lstat/fstat, directories (mkdir, rmdir,
 * getdents64, rename, link, unlink, symlink, readlink, ELOOP), fcntl,
 * dup/dup2/dup3 (on descriptors 0, 1 and 2 too), chdir/getcwd, umask,
 * ioctl on a regular file, utimensat, and wild user pointers: NULL, kernel
 * addresses and buffers across the top of user space fail with EFAULT; a
 * buffer that runs into an unmapped page is used up to the hole (Linux
 * returns the bytes done before the fault). Works in a scratch directory
 * under $TMPDIR (default /tmp).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <termios.h>
#include <unistd.h>

#include "../lib/ktap.h"
#include "../lib/util.h"

static const char *scratch;
static char p1[600], p2[600], p3[600];

static const char *at(char *buf, const char *name)
{
	snprintf(buf, 600, "%s/%s", scratch, name);
	return buf;
}

static int open_errors_match_linux(void)
{
	char longname[300];
	int fd;

	KTAP_CHECK_ERR(open(at(p1, "none"), O_RDONLY), ENOENT);
	fd = open(at(p1, "f"), O_RDWR | O_CREAT | O_EXCL, 0644);
	KTAP_CHECK(fd >= 0);
	close(fd);
	KTAP_CHECK_ERR(open(p1, O_RDWR | O_CREAT | O_EXCL, 0644), EEXIST);
	KTAP_CHECK_ERR(open(at(p2, "f/x"), O_RDONLY), ENOTDIR);
	KTAP_CHECK_ERR(open(p1, O_RDONLY | O_DIRECTORY), ENOTDIR);
	KTAP_CHECK_ERR(open(scratch, O_WRONLY), EISDIR);
	KTAP_CHECK_ERR(open(scratch, O_RDWR), EISDIR);
	KTAP_CHECK_ERR(open(at(p2, "none/x"), O_RDONLY | O_CREAT, 0644), ENOENT);
	memset(longname, 'n', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	KTAP_CHECK_ERR(open(at(p2, longname), O_RDONLY), ENAMETOOLONG);
	KTAP_CHECK_ERR(syscall(SYS_open, NULL, O_RDONLY), EFAULT);
	KTAP_CHECK_ERR(syscall(SYS_open, 0xffffffff80000000UL, O_RDONLY), EFAULT);
	KTAP_CHECK_ERR(open("", O_RDONLY), ENOENT);
	fd = open(scratch, O_RDONLY | O_DIRECTORY);
	KTAP_CHECK(fd >= 0);
	char c;
	KTAP_CHECK_ERR(read(fd, &c, 1), EISDIR);
	close(fd);
	return 1;
}

static int read_write_lseek_offsets_like_linux(void)
{
	char buf[32];
	int fd = open(at(p1, "rw"), O_RDWR | O_CREAT | O_TRUNC, 0644);

	KTAP_CHECK(fd >= 0);
	KTAP_CHECK_EQ(write(fd, "0123456789", 10), 10);
	KTAP_CHECK_EQ(lseek(fd, 0, SEEK_CUR), 10);
	KTAP_CHECK_EQ(lseek(fd, 2, SEEK_SET), 2);
	KTAP_CHECK_EQ(read(fd, buf, 3), 3);
	KTAP_CHECK(memcmp(buf, "234", 3) == 0);
	KTAP_CHECK_EQ(lseek(fd, -1, SEEK_END), 9);
	KTAP_CHECK_EQ(read(fd, buf, 10), 1);
	KTAP_CHECK_EQ(read(fd, buf, 10), 0);
	KTAP_CHECK_ERR(lseek(fd, -11, SEEK_END), EINVAL);
	KTAP_CHECK_ERR(lseek(fd, 0, 42), EINVAL);
	/* a hole reads as zeros */
	KTAP_CHECK_EQ(lseek(fd, 20, SEEK_SET), 20);
	KTAP_CHECK_EQ(write(fd, "x", 1), 1);
	KTAP_CHECK_EQ(pread(fd, buf, 11, 10), 11);
	KTAP_CHECK(memcmp(buf, "\0\0\0\0\0\0\0\0\0\0x", 11) == 0);
	/* pread and pwrite leave the offset alone */
	KTAP_CHECK_EQ(pwrite(fd, "AB", 2, 0), 2);
	KTAP_CHECK_EQ(lseek(fd, 0, SEEK_CUR), 21);
	KTAP_CHECK_ERR(pread(fd, buf, 1, -1), EINVAL);
	KTAP_CHECK_EQ(write(fd, "", 0), 0);
	close(fd);
	KTAP_CHECK_ERR(write(fd, "x", 1), EBADF);
	KTAP_CHECK_ERR(close(fd), EBADF);
	KTAP_CHECK_ERR(close(-1), EBADF);
	fd = open(p1, O_WRONLY);
	KTAP_CHECK_ERR(read(fd, buf, 1), EBADF);
	close(fd);
	fd = open(p1, O_RDONLY);
	KTAP_CHECK_ERR(write(fd, "x", 1), EBADF);
	KTAP_CHECK_ERR(read(fd, NULL, 4), EFAULT);
	KTAP_CHECK_ERR(read(fd, (void *)0xffff800000000000UL, 4), EFAULT);
	close(fd);
	fd = open(p1, O_WRONLY);
	KTAP_CHECK_ERR(write(fd, (void *)0xffffffff80000000UL, 4), EFAULT);
	close(fd);
	return 1;
}

static int pipe_lseek_fails_espipe(void)
{
	int fds[2];

	KTAP_CHECK(pipe(fds) == 0);
	KTAP_CHECK_ERR(lseek(fds[0], 0, SEEK_SET), ESPIPE);
	KTAP_CHECK_ERR(pread(fds[0], p1, 1, 0), ESPIPE);
	close(fds[0]);
	close(fds[1]);
	return 1;
}

static int readv_writev_gather_scatter(void)
{
	char a[4], b[6];
	struct iovec out[2] = { { "abc", 3 }, { "defgh", 5 } };
	struct iovec in[2] = { { a, 4 }, { b, 6 } };
	int fd = open(at(p1, "iov"), O_RDWR | O_CREAT | O_TRUNC, 0644);

	KTAP_CHECK(fd >= 0);
	KTAP_CHECK_EQ(writev(fd, out, 2), 8);
	KTAP_CHECK_EQ(lseek(fd, 0, SEEK_SET), 0);
	KTAP_CHECK_EQ(readv(fd, in, 2), 8);
	KTAP_CHECK(memcmp(a, "abcd", 4) == 0 && memcmp(b, "efgh", 4) == 0);
	in[0].iov_len = (size_t)-1;
	KTAP_CHECK_ERR(readv(fd, in, 2), EINVAL);
	KTAP_CHECK_ERR(readv(fd, in, -1), EINVAL);
	close(fd);
	return 1;
}

static int o_append_and_ftruncate_like_linux(void)
{
	struct stat st;
	char buf[16];
	int fd = open(at(p1, "app"), O_RDWR | O_CREAT | O_TRUNC | O_APPEND, 0644);

	KTAP_CHECK(fd >= 0);
	KTAP_CHECK_EQ(write(fd, "one", 3), 3);
	KTAP_CHECK_EQ(lseek(fd, 0, SEEK_SET), 0);
	KTAP_CHECK_EQ(write(fd, "two", 3), 3);
	KTAP_CHECK_EQ(pread(fd, buf, 6, 0), 6);
	KTAP_CHECK(memcmp(buf, "onetwo", 6) == 0);
	KTAP_CHECK_EQ(fcntl(fd, F_GETFL) & (O_APPEND | O_ACCMODE), O_APPEND | O_RDWR);
	KTAP_CHECK_EQ(ftruncate(fd, 2), 0);
	KTAP_CHECK_EQ(fstat(fd, &st), 0);
	KTAP_CHECK_EQ(st.st_size, 2);
	KTAP_CHECK_EQ(ftruncate(fd, 8192), 0);
	KTAP_CHECK_EQ(pread(fd, buf, 4, 1), 4);
	KTAP_CHECK(memcmp(buf, "n\0\0\0", 4) == 0);
	KTAP_CHECK_ERR(ftruncate(fd, -1), EINVAL);
	close(fd);
	fd = open(p1, O_RDONLY);
	KTAP_CHECK_ERR(ftruncate(fd, 0), EINVAL);
	close(fd);
	KTAP_CHECK_EQ(truncate(p1, 0), 0);
	KTAP_CHECK_EQ(stat(p1, &st), 0);
	KTAP_CHECK_EQ(st.st_size, 0);
	KTAP_CHECK_ERR(truncate(scratch, 0), EISDIR);
	return 1;
}

static int stat_lstat_symlink_readlink(void)
{
	struct stat st, lst;
	char buf[64];
	int fd = open(at(p1, "target"), O_WRONLY | O_CREAT | O_TRUNC, 0640);

	KTAP_CHECK(fd >= 0);
	KTAP_CHECK_EQ(write(fd, "12345", 5), 5);
	close(fd);
	KTAP_CHECK_EQ(symlink("target", at(p2, "link")), 0);
	KTAP_CHECK_ERR(symlink("target", p2), EEXIST);
	KTAP_CHECK_EQ(stat(p2, &st), 0);
	KTAP_CHECK_EQ(lstat(p2, &lst), 0);
	KTAP_CHECK(S_ISREG(st.st_mode) && st.st_size == 5);
	KTAP_CHECK_EQ(st.st_mode & 07777, 0640 & ~0);
	KTAP_CHECK(S_ISLNK(lst.st_mode) && lst.st_size == 6);
	KTAP_CHECK_EQ(readlink(p2, buf, sizeof(buf)), 6);
	KTAP_CHECK(memcmp(buf, "target", 6) == 0);
	KTAP_CHECK_EQ(readlink(p2, buf, 3), 3);
	KTAP_CHECK_ERR(readlink(p1, buf, sizeof(buf)), EINVAL);
	KTAP_CHECK_ERR(syscall(SYS_readlink, p2, buf, 0), EINVAL);
	KTAP_CHECK_ERR(stat(at(p3, "none"), &st), ENOENT);
	KTAP_CHECK_ERR(syscall(SYS_stat, p1, NULL), EFAULT);
	/* loops and O_NOFOLLOW */
	KTAP_CHECK_EQ(symlink("loop2", at(p3, "loop1")), 0);
	KTAP_CHECK_EQ(symlink("loop1", at(p3, "loop2")), 0);
	KTAP_CHECK_ERR(open(p3, O_RDONLY), ELOOP);
	KTAP_CHECK_ERR(open(p2, O_RDONLY | O_NOFOLLOW), ELOOP);
	KTAP_CHECK_EQ(symlink("dangling-target", at(p3, "dangling")), 0);
	KTAP_CHECK_ERR(stat(p3, &st), ENOENT);
	KTAP_CHECK_EQ(lstat(p3, &st), 0);
	return 1;
}

static int directories_like_linux(void)
{
	char d[600], f[700];
	struct stat st;
	int fd;

	snprintf(d, sizeof(d), "%s/dir", scratch);
	KTAP_CHECK_EQ(mkdir(d, 0755), 0);
	KTAP_CHECK_ERR(mkdir(d, 0755), EEXIST);
	KTAP_CHECK_ERR(mkdir(at(p1, "no/such"), 0755), ENOENT);
	snprintf(f, sizeof(f), "%s/file", d);
	fd = open(f, O_WRONLY | O_CREAT, 0644);
	KTAP_CHECK(fd >= 0);
	close(fd);
	KTAP_CHECK_ERR(rmdir(d), ENOTEMPTY);
	KTAP_CHECK_ERR(rmdir(f), ENOTDIR);
	KTAP_CHECK_ERR(unlink(d), EISDIR);
	KTAP_CHECK_ERR(mkdir(f, 0755), EEXIST);
	KTAP_CHECK_ERR(rmdir(at(p1, "dir/.")), EINVAL);
	/* link: two names, one inode */
	KTAP_CHECK_EQ(link(f, at(p1, "dir/hard")), 0);
	KTAP_CHECK_EQ(stat(f, &st), 0);
	KTAP_CHECK_EQ(st.st_nlink, 2);
	KTAP_CHECK_ERR(link(d, at(p2, "dirlink")), EPERM);
	/* rename between two links of one inode does nothing */
	KTAP_CHECK_EQ(rename(p1, f), 0);
	KTAP_CHECK_EQ(stat(p1, &st), 0);
	KTAP_CHECK_EQ(st.st_nlink, 2);
	KTAP_CHECK_EQ(unlink(p1), 0);
	/* rename over an existing file replaces it; a directory over a file fails */
	fd = open(at(p1, "other"), O_WRONLY | O_CREAT, 0644);
	KTAP_CHECK(fd >= 0);
	KTAP_CHECK_EQ(write(fd, "other", 5), 5);
	close(fd);
	KTAP_CHECK_EQ(rename(p1, f), 0);
	KTAP_CHECK_ERR(access(p1, F_OK), ENOENT);
	KTAP_CHECK_EQ(stat(f, &st), 0);
	KTAP_CHECK_EQ(st.st_nlink, 1);
	KTAP_CHECK_EQ(st.st_size, 5);
	fd = open(at(p3, "outside"), O_WRONLY | O_CREAT, 0644);
	KTAP_CHECK(fd >= 0);
	close(fd);
	KTAP_CHECK_ERR(rename(d, p3), ENOTDIR);
	KTAP_CHECK_ERR(rename(p3, d), EISDIR);
	/* a directory into itself */
	KTAP_CHECK_ERR(rename(d, f), EINVAL);
	KTAP_CHECK_ERR(rename(d, at(p2, "dir/sub")), EINVAL);
	/* getdents64 lists what is there */
	DIR *dir = opendir(d);
	struct dirent *e;
	int dot = 0, dotdot = 0, file = 0, other = 0;

	KTAP_CHECK(dir != NULL);
	while ((e = readdir(dir))) {
		if (strcmp(e->d_name, ".") == 0)
			dot++;
		else if (strcmp(e->d_name, "..") == 0)
			dotdot++;
		else if (strcmp(e->d_name, "file") == 0 && e->d_type == DT_REG)
			file++;
		else
			other++;
	}
	closedir(dir);
	KTAP_CHECK(dot == 1 && dotdot == 1 && file == 1 && other == 0);
	KTAP_CHECK_EQ(unlink(f), 0);
	KTAP_CHECK_ERR(unlink(f), ENOENT);
	KTAP_CHECK_EQ(rmdir(d), 0);
	KTAP_CHECK_ERR(access(d, F_OK), ENOENT);
	KTAP_CHECK_EQ(access(scratch, R_OK | W_OK | X_OK), 0);
	return 1;
}

static int fcntl_and_dup_like_linux(void)
{
	int fd = open(at(p1, "fc"), O_RDWR | O_CREAT, 0644), d;

	KTAP_CHECK(fd >= 0);
	d = fcntl(fd, F_DUPFD, 100);
	KTAP_CHECK(d >= 100);
	KTAP_CHECK_EQ(fcntl(d, F_GETFD), 0);
	close(d);
	d = fcntl(fd, F_DUPFD_CLOEXEC, 0);
	KTAP_CHECK(d > fd);
	KTAP_CHECK_EQ(fcntl(d, F_GETFD), FD_CLOEXEC);
	KTAP_CHECK_EQ(fcntl(d, F_SETFD, 0), 0);
	KTAP_CHECK_EQ(fcntl(d, F_GETFD), 0);
	close(d);
	KTAP_CHECK_EQ(dup2(fd, fd), fd);
	KTAP_CHECK_ERR(dup3(fd, fd, 0), EINVAL);
	KTAP_CHECK_ERR(dup2(fd, -1), EBADF);
	KTAP_CHECK_ERR(dup2(1000000, 50), EBADF);
	KTAP_CHECK_ERR(fcntl(1000000, F_GETFD), EBADF);
	d = dup3(fd, 60, O_CLOEXEC);
	KTAP_CHECK_EQ(d, 60);
	KTAP_CHECK_EQ(fcntl(60, F_GETFD), FD_CLOEXEC);
	/* the duplicate shares the offset */
	KTAP_CHECK_EQ(write(fd, "abc", 3), 3);
	KTAP_CHECK_EQ(lseek(60, 0, SEEK_CUR), 3);
	close(60);
	KTAP_CHECK_EQ(fcntl(fd, F_SETFL, O_APPEND), 0);
	KTAP_CHECK(fcntl(fd, F_GETFL) & O_APPEND);
	struct termios t;
	KTAP_CHECK_ERR(ioctl(fd, TCGETS, &t), ENOTTY);
	close(fd);
	return 1;
}

/* Child: descriptor 1 becomes a file, 0 a file, 2 a copy of 1; check by writing. */
static int dup2_std_child(void)
{
	char buf[32];
	int out = open(at(p1, "stdout"), O_WRONLY | O_CREAT | O_TRUNC, 0644);
	int in = open(at(p2, "stdin"), O_RDWR | O_CREAT | O_TRUNC, 0644);

	if (out < 0 || in < 0 || write(in, "from stdin", 10) != 10 || lseek(in, 0, SEEK_SET))
		return 10;
	if (dup2(out, 1) != 1 || dup2(in, 0) != 0 || dup2(1, 2) != 2)
		return 11;
	close(out);
	close(in);
	if (read(0, buf, sizeof(buf)) != 10 || memcmp(buf, "from stdin", 10))
		return 12;
	if (write(1, "[one]", 5) != 5 || write(2, "[two]", 5) != 5)
		return 13;
	printf("[printf]");
	fflush(stdout);
	return 0;
}

static int dup2_on_standard_descriptors(void)
{
	char buf[64];
	int status = util_run_child(dup2_std_child), fd;
	ssize_t n;

	KTAP_CHECK(util_exited(status, 0));
	fd = open(at(p1, "stdout"), O_RDONLY);
	KTAP_CHECK(fd >= 0);
	n = util_read_all(fd, buf, sizeof(buf));
	close(fd);
	KTAP_CHECK_EQ(n, 18);
	KTAP_CHECK(strcmp(buf, "[one][two][printf]") == 0);
	return 1;
}

static int chdir_getcwd_relative_paths(void)
{
	char old[PATH_MAX], cwd[PATH_MAX], d[600];
	struct stat st;
	int fd;

	KTAP_CHECK(getcwd(old, sizeof(old)) != NULL);
	snprintf(d, sizeof(d), "%s/cwd", scratch);
	KTAP_CHECK_EQ(mkdir(d, 0755), 0);
	KTAP_CHECK_EQ(chdir(d), 0);
	KTAP_CHECK(getcwd(cwd, sizeof(cwd)) != NULL);
	/* scratch may go through a symlink: compare the last component */
	KTAP_CHECK(strcmp(strrchr(cwd, '/'), "/cwd") == 0);
	KTAP_CHECK_ERR(syscall(SYS_getcwd, cwd, 1), ERANGE);
	fd = open("rel", O_WRONLY | O_CREAT, 0644);
	KTAP_CHECK(fd >= 0);
	close(fd);
	KTAP_CHECK_EQ(stat("../cwd/rel", &st), 0);
	KTAP_CHECK_ERR(chdir("rel"), ENOTDIR);
	KTAP_CHECK_EQ(unlink("rel"), 0);
	fd = open(old, O_RDONLY | O_DIRECTORY);
	KTAP_CHECK(fd >= 0);
	KTAP_CHECK_EQ(fchdir(fd), 0);
	close(fd);
	KTAP_CHECK_EQ(rmdir(d), 0);
	/* openat relative to a directory descriptor */
	fd = open(scratch, O_RDONLY | O_DIRECTORY);
	KTAP_CHECK(fd >= 0);
	int f = openat(fd, "viaat", O_WRONLY | O_CREAT, 0600);
	KTAP_CHECK(f >= 0);
	close(f);
	KTAP_CHECK_EQ(fstatat(fd, "viaat", &st, 0), 0);
	KTAP_CHECK_EQ(st.st_mode & 0777, 0600);
	KTAP_CHECK_EQ(unlinkat(fd, "viaat", 0), 0);
	KTAP_CHECK_ERR(openat(f, "x", O_RDONLY), EBADF);
	close(fd);
	return 1;
}

static int umask_masks_create_mode(void)
{
	struct stat st;
	mode_t old = umask(027);
	int fd = open(at(p1, "masked"), O_WRONLY | O_CREAT | O_TRUNC, 0777);

	KTAP_CHECK(fd >= 0);
	close(fd);
	KTAP_CHECK_EQ(umask(old), 027);
	KTAP_CHECK_EQ(stat(p1, &st), 0);
	KTAP_CHECK_EQ(st.st_mode & 0777, 0750);
	KTAP_CHECK_EQ(chmod(p1, 04711), 0);
	KTAP_CHECK_EQ(stat(p1, &st), 0);
	KTAP_CHECK_EQ(st.st_mode & 07777, 04711);
	return 1;
}

static int utimensat_sets_times(void)
{
	struct timespec ts[2] = { { 1000000000, 5 }, { 1200000000, 7 } };
	struct stat st;
	int fd = open(at(p1, "times"), O_WRONLY | O_CREAT, 0644);

	KTAP_CHECK(fd >= 0);
	close(fd);
	KTAP_CHECK_EQ(utimensat(AT_FDCWD, p1, ts, 0), 0);
	KTAP_CHECK_EQ(stat(p1, &st), 0);
	KTAP_CHECK_EQ(st.st_atim.tv_sec, 1000000000);
	KTAP_CHECK_EQ(st.st_mtim.tv_sec, 1200000000);
	KTAP_CHECK_EQ(st.st_mtim.tv_nsec, 7);
	ts[0].tv_nsec = 2000000000;
	KTAP_CHECK_ERR(utimensat(AT_FDCWD, p1, ts, 0), EINVAL);
	return 1;
}

static int wild_buffers_efault_or_stop_at_the_hole(void)
{
	char *p = mmap(NULL, 2 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *edge;
	int fd;

	KTAP_CHECK(p != MAP_FAILED);
	KTAP_CHECK_EQ(munmap(p + 4096, 4096), 0);
	edge = p + 4096 - 100; /* 100 mapped bytes, then a hole */
	memset(edge, 'e', 100);
	fd = open(at(p1, "wild"), O_RDWR | O_CREAT | O_TRUNC, 0644);
	KTAP_CHECK(fd >= 0);
	/* write from a buffer that runs into the hole: the mapped part is written */
	KTAP_CHECK_EQ(write(fd, edge, 200), 100);
	KTAP_CHECK_EQ(lseek(fd, 0, SEEK_END), 100);
	KTAP_CHECK_ERR(write(fd, p + 4096, 10), EFAULT);
	/* read into it: stops at the hole */
	KTAP_CHECK_EQ(pwrite(fd, p, 4096, 0), 4096);
	KTAP_CHECK_EQ(pread(fd, edge, 200, 0), 100);
	KTAP_CHECK_ERR(pread(fd, p + 4096, 10, 0), EFAULT);
	/* a buffer across the top of user space, or in the kernel half */
	KTAP_CHECK_ERR(pread(fd, (void *)(0x7ffffffff000UL - 16), 64, 0), EFAULT);
	KTAP_CHECK_ERR(write(fd, (void *)(0x7ffffffff000UL - 16), 64), EFAULT);
	KTAP_CHECK_ERR(pread(fd, (void *)0xfffffffffffff000UL, 16, 0), EFAULT);
	KTAP_CHECK_ERR(syscall(SYS_fstat, fd, (void *)0xffffffff80000000UL), EFAULT);
	KTAP_CHECK_ERR(syscall(SYS_fstat, fd, (void *)(p + 4096 - 8)), EFAULT);
	KTAP_CHECK_ERR(syscall(SYS_pipe, NULL), EFAULT);
	close(fd);
	munmap(p, 4096);
	return 1;
}

static const struct ktap_case cases[] = {
	KTAP_CASE(open_errors_match_linux),
	KTAP_CASE(read_write_lseek_offsets_like_linux),
	KTAP_CASE(pipe_lseek_fails_espipe),
	KTAP_CASE(readv_writev_gather_scatter),
	KTAP_CASE(o_append_and_ftruncate_like_linux),
	KTAP_CASE(stat_lstat_symlink_readlink),
	KTAP_CASE(directories_like_linux),
	KTAP_CASE(fcntl_and_dup_like_linux),
	KTAP_CASE(dup2_on_standard_descriptors),
	KTAP_CASE(chdir_getcwd_relative_paths),
	KTAP_CASE(umask_masks_create_mode),
	KTAP_CASE(utimensat_sets_times),
	KTAP_CASE(wild_buffers_efault_or_stop_at_the_hole),
};

int main(void)
{
	int status;

	scratch = util_scratch_dir("file");
	status = ktap_run(cases, KTAP_COUNT(cases));
	util_scratch_remove();
	return status;
}
