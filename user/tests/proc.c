// SPDX-License-Identifier: MIT
/*
 * Process tests: fork, exit and wait4 status encoding, WNOHANG, ECHILD,
 * copy-on-write isolation (one level and 100 nested forks) and 1,000
 * processes created and reaped. Linux x86-64 is the reference: the same
 * binary passes on the host before it is booted on XDV.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../lib/ktap.h"
#include "../lib/util.h"

static int exit_42(void) { return 42; }

static int fork_exit_42_wait_reports_exited_42(void)
{
	int status = util_run_child(exit_42);

	KTAP_CHECK(status != -1);
	KTAP_CHECK(WIFEXITED(status));
	KTAP_CHECK(!WIFSIGNALED(status));
	KTAP_CHECK_EQ(WEXITSTATUS(status), 42);
	KTAP_CHECK_EQ(status, 42 << 8);
	return 1;
}

static int exit_256(void) { return 256; }

static int exit_status_256_reported_as_0(void)
{
	int status = util_run_child(exit_256);

	KTAP_CHECK(util_exited(status, 0));
	return 1;
}

static int wait4_rusage_and_pid_returned(void)
{
	struct rusage ru;
	int status;
	pid_t pid = fork();

	KTAP_CHECK(pid >= 0);
	if (pid == 0)
		_exit(7);
	memset(&ru, 0xff, sizeof(ru));
	KTAP_CHECK_EQ(wait4(pid, &status, 0, &ru), pid);
	KTAP_CHECK(util_exited(status, 7));
	KTAP_CHECK(ru.ru_utime.tv_usec >= 0 && ru.ru_utime.tv_usec < 1000000);
	return 1;
}

static int wait4_wnohang_running_child_returns_0(void)
{
	int fds[2], status;
	char c;
	pid_t pid;

	KTAP_CHECK(pipe(fds) == 0);
	pid = fork();
	KTAP_CHECK(pid >= 0);
	if (pid == 0) {
		close(fds[1]);
		_exit(read(fds[0], &c, 1) == 1 ? 3 : 4);
	}
	close(fds[0]);
	KTAP_CHECK_EQ(waitpid(pid, &status, WNOHANG), 0);
	KTAP_CHECK_EQ(write(fds[1], "x", 1), 1);
	close(fds[1]);
	KTAP_CHECK_EQ(waitpid(pid, &status, 0), pid);
	KTAP_CHECK(util_exited(status, 3));
	return 1;
}

static int wait4_no_children_fails_echild(void)
{
	int status;

	KTAP_CHECK_ERR(waitpid(-1, &status, 0), ECHILD);
	KTAP_CHECK_ERR(waitpid(-1, &status, WNOHANG), ECHILD);
	return 1;
}

static int wait4_other_pid_fails_echild(void)
{
	int status;

	/* Our parent is not our child. */
	KTAP_CHECK_ERR(waitpid(getppid(), &status, 0), ECHILD);
	return 1;
}

static int wait4_bad_options_fails_einval(void)
{
	int status;

	KTAP_CHECK_ERR(waitpid(-1, &status, 0x1000), EINVAL);
	return 1;
}

static int waitpid_any_reaps_children_in_any_order(void)
{
	pid_t pids[3];
	int seen = 0, status;

	for (int i = 0; i < 3; i++) {
		pids[i] = fork();
		KTAP_CHECK(pids[i] >= 0);
		if (pids[i] == 0)
			_exit(10 + i);
	}
	for (int i = 0; i < 3; i++) {
		pid_t p = waitpid(-1, &status, 0);

		KTAP_CHECK(p > 0);
		for (int j = 0; j < 3; j++) {
			if (p == pids[j]) {
				KTAP_CHECK(util_exited(status, 10 + j));
				seen |= 1 << j;
			}
		}
	}
	KTAP_CHECK_EQ(seen, 7);
	KTAP_CHECK_ERR(waitpid(-1, &status, WNOHANG), ECHILD);
	return 1;
}

static int child_getppid_is_parent_getpid(void)
{
	int fds[2], status;
	pid_t pid, seen = 0, me = getpid();

	KTAP_CHECK(pipe(fds) == 0);
	pid = fork();
	KTAP_CHECK(pid >= 0);
	if (pid == 0) {
		pid_t pp = getppid(), self = getpid();

		write(fds[1], &pp, sizeof(pp));
		write(fds[1], &self, sizeof(self));
		_exit(0);
	}
	close(fds[1]);
	KTAP_CHECK_EQ(read(fds[0], &seen, sizeof(seen)), sizeof(seen));
	KTAP_CHECK_EQ(seen, me);
	KTAP_CHECK_EQ(read(fds[0], &seen, sizeof(seen)), sizeof(seen));
	KTAP_CHECK_EQ(seen, pid);
	close(fds[0]);
	KTAP_CHECK_EQ(waitpid(pid, &status, 0), pid);
	KTAP_CHECK(util_exited(status, 0));
	return 1;
}

static int global_value = 1;

static int fork_cow_parent_and_child_see_own_writes(void)
{
	int stack_value = 2, status, fds[2];
	int *heap = malloc(64 * 1024);
	char *anon = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	pid_t pid;
	int got[4];

	KTAP_CHECK(heap && anon != MAP_FAILED);
	heap[0] = 3;
	heap[16000] = 33;
	anon[0] = 4;
	anon[4096] = 44;
	KTAP_CHECK(pipe(fds) == 0);
	pid = fork();
	KTAP_CHECK(pid >= 0);
	if (pid == 0) {
		global_value = 100;
		stack_value = 200;
		heap[0] = 300;
		anon[0] = 40;
		/* Let the parent write, then check we still see our own values. */
		char c;
		if (read(fds[0], &c, 1) != 1)
			_exit(9);
		got[0] = global_value;
		got[1] = stack_value;
		got[2] = heap[0] + heap[16000];
		got[3] = anon[0] + anon[4096];
		_exit(got[0] == 100 && got[1] == 200 && got[2] == 333 && got[3] == 84 ? 0 : 1);
	}
	global_value = -1;
	stack_value = -2;
	heap[0] = -3;
	anon[4096] = -44;
	KTAP_CHECK_EQ(write(fds[1], "g", 1), 1);
	KTAP_CHECK_EQ(waitpid(pid, &status, 0), pid);
	KTAP_CHECK(util_exited(status, 0));
	KTAP_CHECK_EQ(global_value, -1);
	KTAP_CHECK_EQ(stack_value, -2);
	KTAP_CHECK_EQ(heap[0], -3);
	KTAP_CHECK_EQ(heap[16000], 33);
	KTAP_CHECK_EQ(anon[0], 4);
	KTAP_CHECK_EQ(anon[4096], -44);
	close(fds[0]);
	close(fds[1]);
	free(heap);
	munmap(anon, 8192);
	return 1;
}

#define NEST_DEPTH 100
static int nest_values[NEST_DEPTH + 1];

/*
 * Level `level` writes its own mark, forks the next level, and after that
 * child ends checks that nothing the descendants wrote reached it and that
 * the descendants saw every ancestor's mark. Exit status 0 = all good.
 */
static int nest(int level)
{
	int status;
	pid_t pid;

	for (int i = 0; i < level; i++)
		if (nest_values[i] != i + 1)
			return 1;
	for (int i = level; i <= NEST_DEPTH; i++)
		if (nest_values[i] != 0)
			return 2;
	nest_values[level] = level + 1;
	if (level == NEST_DEPTH)
		return 0;
	pid = fork();
	if (pid < 0)
		return 3;
	if (pid == 0)
		_exit(nest(level + 1));
	/* The child and its children write their marks in their own copies. */
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return 4;
	if (WEXITSTATUS(status) != 0)
		return WEXITSTATUS(status);
	for (int i = level + 1; i <= NEST_DEPTH; i++)
		if (nest_values[i] != 0)
			return 5;
	return nest_values[level] == level + 1 ? 0 : 6;
}

static int nest_top(void) { return nest(1); }

static int fork_100_nested_each_level_sees_own_copy(void)
{
	int status;

	memset(nest_values, 0, sizeof(nest_values));
	nest_values[0] = 1;
	status = util_run_child(nest_top);
	if (!util_exited(status, 0))
		ktap_diag("nested fork chain status %#x", status);
	KTAP_CHECK(util_exited(status, 0));
	return 1;
}

static int fork_1000_processes_all_reaped(void)
{
	enum { TOTAL = 1000, BATCH = 25 };
	int done = 0, status;

	while (done < TOTAL) {
		pid_t pids[BATCH];
		int n = 0;

		for (; n < BATCH && done + n < TOTAL; n++) {
			pids[n] = fork();
			KTAP_CHECK(pids[n] >= 0);
			if (pids[n] == 0)
				_exit((done + n) & 0xff);
		}
		for (int i = 0; i < n; i++) {
			KTAP_CHECK_EQ(waitpid(pids[i], &status, 0), pids[i]);
			KTAP_CHECK(util_exited(status, (done + i) & 0xff));
		}
		done += n;
	}
	KTAP_CHECK_EQ(done, TOTAL);
	KTAP_CHECK_ERR(waitpid(-1, &status, WNOHANG), ECHILD);
	return 1;
}

static int orphan_grandchild_is_reparented(void)
{
	int fds[2], ready[2], status;
	pid_t pid, before = 0, after = 0;

	KTAP_CHECK(pipe(fds) == 0 && pipe(ready) == 0);
	pid = fork();
	KTAP_CHECK(pid >= 0);
	if (pid == 0) {
		pid_t gc = fork();

		if (gc < 0)
			_exit(1);
		if (gc == 0) {
			pid_t p = getppid();
			write(fds[1], &p, sizeof(p));
			write(ready[1], "r", 1);
			/* Wait for our parent to exit, then report the new parent. */
			for (int i = 0; i < 10000 && getppid() == p; i++)
				usleep(1000);
			p = getppid();
			write(fds[1], &p, sizeof(p));
			_exit(0);
		}
		char c;
		_exit(read(ready[0], &c, 1) == 1 ? 0 : 1);
	}
	close(fds[1]);
	close(ready[0]);
	close(ready[1]);
	KTAP_CHECK_EQ(waitpid(pid, &status, 0), pid);
	KTAP_CHECK(util_exited(status, 0));
	KTAP_CHECK_EQ(read(fds[0], &before, sizeof(before)), sizeof(before));
	KTAP_CHECK_EQ(before, pid);
	KTAP_CHECK_EQ(read(fds[0], &after, sizeof(after)), sizeof(after));
	close(fds[0]);
	/* Re-parented to init (or a subreaper on a host): never the dead parent. */
	KTAP_CHECK(after != pid && after > 0);
	return 1;
}

static int kill_self_sigkill_reports_wifsignaled_9(void)
{
	int status;
	pid_t pid = fork();

	KTAP_CHECK(pid >= 0);
	if (pid == 0) {
		kill(getpid(), SIGKILL);
		_exit(0);
	}
	KTAP_CHECK_EQ(waitpid(pid, &status, 0), pid);
	KTAP_CHECK(util_killed_by(status, SIGKILL));
	KTAP_CHECK(!WIFEXITED(status));
	return 1;
}

static const struct ktap_case cases[] = {
	KTAP_CASE(fork_exit_42_wait_reports_exited_42),
	KTAP_CASE(exit_status_256_reported_as_0),
	KTAP_CASE(wait4_rusage_and_pid_returned),
	KTAP_CASE(wait4_wnohang_running_child_returns_0),
	KTAP_CASE(wait4_no_children_fails_echild),
	KTAP_CASE(wait4_other_pid_fails_echild),
	KTAP_CASE(wait4_bad_options_fails_einval),
	KTAP_CASE(waitpid_any_reaps_children_in_any_order),
	KTAP_CASE(child_getppid_is_parent_getpid),
	KTAP_CASE(fork_cow_parent_and_child_see_own_writes),
	KTAP_CASE(fork_100_nested_each_level_sees_own_copy),
	KTAP_CASE(fork_1000_processes_all_reaped),
	KTAP_CASE(orphan_grandchild_is_reparented),
	KTAP_CASE(kill_self_sigkill_reports_wifsignaled_9),
};

int main(void)
{
	return ktap_run(cases, KTAP_COUNT(cases));
}
