// SPDX-License-Identifier: MIT
/*
 * user/bench: the "Measure" program, one static binary run on XDV
 * (make bench) and on Linux (make bench-linux). Each figure is the mean
 * time of one operation from clock_gettime(CLOCK_MONOTONIC) around a loop;
 * under QEMU's -icount shift=0 one nanosecond is one guest instruction,
 * so the figures are instruction counts and repeat exactly.
 *
 * Output, one line per figure, parsed by tests/system/bench-linux.sh:
 *   bench: <name> <ns> ns/op [<MB/s> MB/s]
 * The tmpfs lines count one operation per MiB written or read (64 KiB
 * write(2)/read(2) calls) and add the rate in MB/s (10^6 bytes).
 *
 * Usage: bench [DIR [TRUE]]  DIR for the files (default /tmp), TRUE the
 * program fork+execve runs (default /bin/true).
 */
#include <fcntl.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char *dir = "/tmp";
static const char *true_path = "/bin/true";
static int failures;

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void report(const char *name, uint64_t total_ns, uint64_t ops)
{
	dprintf(1, "bench: %s %llu ns/op\n", name, (unsigned long long)(total_ns / ops));
}

static void report_rate(const char *name, uint64_t total_ns, uint64_t mib)
{
	uint64_t mbps = total_ns ? (mib << 20) * 1000u / total_ns : 0;

	dprintf(1, "bench: %s %llu ns/op %llu MB/s\n", name,
		(unsigned long long)(total_ns / mib), (unsigned long long)mbps);
}

static void fail(const char *what)
{
	dprintf(1, "bench: error: %s\n", what);
	failures++;
}

static void bench_getppid(void)
{
	enum { N = 100000 };
	uint64_t t;

	for (int i = 0; i < 1000; i++)
		syscall(SYS_getppid);
	t = now_ns();
	for (int i = 0; i < N; i++)
		syscall(SYS_getppid);
	report("getppid", now_ns() - t, N);
}

static void bench_sched_yield(void)
{
	enum { N = 50000 };
	uint64_t t;

	sched_yield();
	t = now_ns();
	for (int i = 0; i < N; i++)
		sched_yield();
	report("sched_yield", now_ns() - t, N);
}

/* One fork + child + wait4; the child runs `child`. Return: 0 or -1. */
static int fork_wait(int exec)
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (pid == 0) {
		if (exec) {
			char *argv[] = { (char *)true_path, NULL };
			char *envp[] = { NULL };

			execve(true_path, argv, envp);
			_exit(127);
		}
		_exit(0);
	}
	if (wait4(pid, &status, 0, NULL) != pid || !WIFEXITED(status) || WEXITSTATUS(status))
		return -1;
	return 0;
}

static void bench_fork(int exec, const char *name, int n)
{
	uint64_t t;

	if (fork_wait(exec)) {
		fail(exec ? "fork+execve+wait4 failed (is TRUE a program?)" : "fork+wait4 failed");
		return;
	}
	t = now_ns();
	for (int i = 0; i < n; i++) {
		if (fork_wait(exec)) {
			fail(name);
			return;
		}
	}
	report(name, now_ns() - t, (uint64_t)n);
}

static void bench_page_faults(void)
{
	enum { ROUNDS = 8, LEN = 4 << 20 };
	uint64_t total = 0;
	long pages = 0, page = sysconf(_SC_PAGESIZE);

	for (int r = 0; r < ROUNDS; r++) {
		volatile char *p = mmap(NULL, LEN, PROT_READ | PROT_WRITE,
					MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		uint64_t t;

		if (p == MAP_FAILED) {
			fail("mmap 4 MiB");
			return;
		}
		t = now_ns();
		for (long off = 0; off < LEN; off += page)
			p[off] = 1;
		total += now_ns() - t;
		pages += LEN / page;
		munmap((void *)p, LEN);
	}
	report("page_fault", total, (uint64_t)pages);
}

static void bench_open_read_close(void)
{
	enum { N = 10000 };
	char path[512], buf[4096];
	uint64_t t;
	int fd;

	snprintf(path, sizeof(path), "%s/bench-4k", dir);
	memset(buf, 'r', sizeof(buf));
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || write(fd, buf, sizeof(buf)) != (ssize_t)sizeof(buf)) {
		fail("cannot write the 4 KiB file");
		if (fd >= 0)
			close(fd);
		return;
	}
	close(fd);
	t = now_ns();
	for (int i = 0; i < N; i++) {
		fd = open(path, O_RDONLY);
		if (fd < 0 || read(fd, buf, sizeof(buf)) != (ssize_t)sizeof(buf)) {
			fail("open+read+close");
			return;
		}
		close(fd);
	}
	report("open_read_close_4k", now_ns() - t, N);
	unlink(path);
}

static void bench_tmpfs(void)
{
	enum { MIB = 16, CHUNK = 64 << 10 };
	static char buf[CHUNK];
	char path[512];
	uint64_t t;
	int fd;

	snprintf(path, sizeof(path), "%s/bench-16m", dir);
	memset(buf, 'w', sizeof(buf));
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (fd < 0) {
		fail("cannot create the 16 MiB file");
		return;
	}
	t = now_ns();
	for (int i = 0; i < MIB * (1 << 20) / CHUNK; i++) {
		if (write(fd, buf, CHUNK) != CHUNK) {
			fail("tmpfs write");
			goto out;
		}
	}
	report_rate("tmpfs_write_16m", now_ns() - t, MIB);
	if (lseek(fd, 0, SEEK_SET) != 0) {
		fail("lseek");
		goto out;
	}
	t = now_ns();
	for (int i = 0; i < MIB * (1 << 20) / CHUNK; i++) {
		if (read(fd, buf, CHUNK) != CHUNK) {
			fail("tmpfs read");
			goto out;
		}
	}
	report_rate("tmpfs_read_16m", now_ns() - t, MIB);
out:
	close(fd);
	unlink(path);
}

int main(int argc, char **argv)
{
	if (argc > 1)
		dir = argv[1];
	if (argc > 2)
		true_path = argv[2];
	dprintf(1, "bench: start (dir %s, exec %s)\n", dir, true_path);
	bench_getppid();
	bench_sched_yield();
	bench_fork(0, "fork_exit_wait", 1000);
	bench_fork(1, "fork_exec_wait", 300);
	bench_page_faults();
	bench_open_read_close();
	bench_tmpfs();
	dprintf(1, "bench: done (%d errors)\n", failures);
	return failures ? 1 : 0;
}
