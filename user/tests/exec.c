// SPDX-License-Identifier: MIT
/*
 * execve tests: a static and a static-PIE program (exec_helper and
 * exec_helper_pie, next to this program) get the argv and envp they were
 * given and a Linux auxiliary vector (the helper checks AT_PHDR, AT_ENTRY,
 * AT_PHNUM... against itself); AT_RANDOM and the PIE base differ between
 * runs; execve's errors (ENOENT, EACCES, ENOEXEC, E2BIG, EFAULT) leave the
 * caller running; O_CLOEXEC descriptors close at exec and others stay; a
 * #! script runs its interpreter with Linux's argument rules; dup2 on the
 * standard descriptors carries over exec.
 *
 * Usage: exec [DIR]  (DIR holds the helpers; default: argv[0]'s directory)
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../lib/ktap.h"
#include "../lib/util.h"

static char helper[512], helper_pie[512];
static const char *scratch;

/*
 * Run PATH with ARGV and ENVP, its stdout into OUT (NUL-terminated), its
 * stdin from IN_FD (-1: inherited). Return: the wait status, or -1.
 */
static int run_capture(const char *path, char *const argv[], char *const envp[], int in_fd,
		       char *out, size_t size)
{
	int fds[2], status;
	pid_t pid;

	if (pipe(fds))
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		if (in_fd >= 0 && dup2(in_fd, 0) != 0)
			_exit(120);
		if (dup2(fds[1], 1) != 1)
			_exit(121);
		close(fds[0]);
		close(fds[1]);
		execve(path, argv, envp);
		_exit(122);
	}
	close(fds[1]);
	if (util_read_all(fds[0], out, size) < 0)
		out[0] = '\0';
	close(fds[0]);
	if (waitpid(pid, &status, 0) != pid)
		return -1;
	return status;
}

/* The value of "KEY=" on its own line of OUT, into buf. */
static const char *field(const char *out, const char *key, char *buf, size_t size)
{
	size_t klen = strlen(key);
	const char *p = out;

	buf[0] = '\0';
	while (p && *p) {
		if (strncmp(p, key, klen) == 0 && p[klen] == '=') {
			const char *end = strchr(p, '\n');
			size_t len = end ? (size_t)(end - p - klen - 1) : strlen(p + klen + 1);

			if (len >= size)
				len = size - 1;
			memcpy(buf, p + klen + 1, len);
			buf[len] = '\0';
			return buf;
		}
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return NULL;
}

static int has_line(const char *out, const char *line)
{
	size_t len = strlen(line);

	for (const char *p = out; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
		if (strncmp(p, line, len) == 0 && (p[len] == '\n' || p[len] == '\0'))
			return 1;
	return 0;
}

static int check_report(const char *path, int want_dyn)
{
	static char out[8192];
	char v[256];
	char *argv[] = { (char *)path, "report", "two words", "", "last", NULL };
	char *envp[] = { "XDV_A=1", "XDV_B=two=2", "OTHER=x", NULL };
	int status = run_capture(path, argv, envp, -1, out, sizeof(out));

	if (!util_exited(status, 0))
		ktap_diag("%s: status %#x, output:\n%s", path, status, out);
	KTAP_CHECK(util_exited(status, 0));
	KTAP_CHECK(has_line(out, "auxcheck ok"));
	KTAP_CHECK(has_line(out, "argc=5"));
	KTAP_CHECK(field(out, "argv[0]", v, sizeof(v)) && strcmp(v, path) == 0);
	KTAP_CHECK(has_line(out, "argv[1]=report"));
	KTAP_CHECK(has_line(out, "argv[2]=two words"));
	KTAP_CHECK(has_line(out, "argv[3]="));
	KTAP_CHECK(has_line(out, "argv[4]=last"));
	KTAP_CHECK(strstr(out, "env=XDV_A=1\nenv=XDV_B=two=2\n") != NULL);
	KTAP_CHECK(field(out, "AT_EXECFN", v, sizeof(v)) && strcmp(v, path) == 0);
	KTAP_CHECK(has_line(out, "AT_PAGESZ=4096"));
	KTAP_CHECK(has_line(out, "AT_SECURE=0"));
	KTAP_CHECK(has_line(out, "AT_CLKTCK=100"));
	KTAP_CHECK(has_line(out, "AT_BASE=0"));
	KTAP_CHECK(has_line(out, want_dyn ? "type=ET_DYN" : "type=ET_EXEC"));
	KTAP_CHECK(field(out, "AT_RANDOM", v, sizeof(v)) && strlen(v) == 32);
	return 1;
}

static int execve_static_gets_argv_envp_auxv(void)
{
	return check_report(helper, 0);
}

static int execve_static_pie_gets_argv_envp_auxv(void)
{
	return check_report(helper_pie, 1);
}

/* Two runs of PATH "report": the KEY lines must differ. */
static int differs_between_runs(const char *path, const char *key)
{
	static char out[8192];
	char a[128], b[128];
	char *argv[] = { (char *)path, "report", NULL };
	char *envp[] = { NULL };

	KTAP_CHECK(util_exited(run_capture(path, argv, envp, -1, out, sizeof(out)), 0));
	KTAP_CHECK(field(out, key, a, sizeof(a)));
	KTAP_CHECK(util_exited(run_capture(path, argv, envp, -1, out, sizeof(out)), 0));
	KTAP_CHECK(field(out, key, b, sizeof(b)));
	if (strcmp(a, b) == 0)
		ktap_diag("%s twice: %s", key, a);
	KTAP_CHECK(strcmp(a, b) != 0);
	return 1;
}

static int execve_at_random_differs_between_runs(void)
{
	return differs_between_runs(helper, "AT_RANDOM");
}

static int execve_static_pie_base_differs_between_runs(void)
{
	return differs_between_runs(helper_pie, "base");
}

static int execve_exit_status_reaches_parent(void)
{
	static char out[64];
	char *argv[] = { helper, "exit", "77", NULL };
	char *envp[] = { NULL };

	KTAP_CHECK(util_exited(run_capture(helper, argv, envp, -1, out, sizeof(out)), 77));
	return 1;
}

static int write_file(const char *path, const char *text, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);

	if (fd < 0)
		return -1;
	if (write(fd, text, strlen(text)) != (ssize_t)strlen(text)) {
		close(fd);
		return -1;
	}
	if (fchmod(fd, mode))
		return -1;
	return close(fd);
}

static int execve_errors_leave_caller_running(void)
{
	char path[600];
	char *argv[] = { "x", NULL };
	char *envp[] = { NULL };

	snprintf(path, sizeof(path), "%s/missing", scratch);
	KTAP_CHECK_ERR(execve(path, argv, envp), ENOENT);
	KTAP_CHECK_ERR(execve(scratch, argv, envp), EACCES);
	snprintf(path, sizeof(path), "%s/not-exec", scratch);
	KTAP_CHECK(write_file(path, "\177ELF junk", 0644) == 0);
	KTAP_CHECK_ERR(execve(path, argv, envp), EACCES);
	snprintf(path, sizeof(path), "%s/garbage", scratch);
	KTAP_CHECK(write_file(path, "this is not a program\n", 0755) == 0);
	KTAP_CHECK_ERR(execve(path, argv, envp), ENOEXEC);
	snprintf(path, sizeof(path), "%s/missing/x", scratch);
	KTAP_CHECK_ERR(execve(path, argv, envp), ENOENT);
	snprintf(path, sizeof(path), "%s/garbage/x", scratch);
	KTAP_CHECK_ERR(execve(path, argv, envp), ENOTDIR);
	KTAP_CHECK_ERR(execve(NULL, argv, envp), EFAULT);
	KTAP_CHECK_ERR(syscall(SYS_execve, helper, 8UL, envp), EFAULT);
	return 1;
}

static int execve_argument_over_128k_fails_e2big(void)
{
	size_t len = 33 * 4096; /* MAX_ARG_STRLEN is 32 pages, NUL included */
	char *big = malloc(len + 1);
	char *argv[] = { helper, "exit", "0", big, NULL };
	char *envp[] = { NULL };

	KTAP_CHECK(big != NULL);
	memset(big, 'a', len);
	big[len] = '\0';
	KTAP_CHECK_ERR(execve(helper, argv, envp), E2BIG);
	free(big);
	return 1;
}

static int execve_o_cloexec_closed_others_kept(void)
{
	char path[600], a[16], b[16];
	int keep, gone, status;
	pid_t pid;

	snprintf(path, sizeof(path), "%s/cloexec", scratch);
	keep = open(path, O_RDWR | O_CREAT, 0644);
	gone = open(path, O_RDONLY | O_CLOEXEC);
	KTAP_CHECK(keep >= 0 && gone >= 0);
	KTAP_CHECK_EQ(fcntl(gone, F_GETFD), FD_CLOEXEC);
	KTAP_CHECK_EQ(fcntl(keep, F_GETFD), 0);
	snprintf(a, sizeof(a), "%d", keep);
	snprintf(b, sizeof(b), "%d", gone);
	pid = fork();
	KTAP_CHECK(pid >= 0);
	if (pid == 0) {
		char *argv[] = { helper, "fds", a, b, "0", NULL };
		char *envp[] = { NULL };

		execve(helper, argv, envp);
		_exit(100);
	}
	KTAP_CHECK_EQ(waitpid(pid, &status, 0), pid);
	/* keep (bit 0) and stdin (bit 2) open, gone (bit 1) closed */
	KTAP_CHECK(util_exited(status, 1 | 4));
	close(keep);
	close(gone);
	return 1;
}

static int execve_script_runs_interpreter_with_linux_argv(void)
{
	static char out[8192];
	char script[600], text[700], v[600];
	int status;

	snprintf(script, sizeof(script), "%s/script.sh", scratch);
	snprintf(text, sizeof(text), "#!%s  report with space  \necho not run\n", helper);
	KTAP_CHECK(write_file(script, text, 0755) == 0);
	char *argv[] = { "script-argv0", "one", "two", NULL };
	char *envp[] = { "XDV_S=1", NULL };
	status = run_capture(script, argv, envp, -1, out, sizeof(out));
	if (!util_exited(status, 0))
		ktap_diag("status %#x output:\n%s", status, out);
	KTAP_CHECK(util_exited(status, 0));
	/* interpreter, its one argument (rest of the line, trimmed), script, argv[1..] */
	KTAP_CHECK(has_line(out, "argc=5"));
	KTAP_CHECK(field(out, "argv[0]", v, sizeof(v)) && strcmp(v, helper) == 0);
	KTAP_CHECK(has_line(out, "argv[1]=report with space"));
	KTAP_CHECK(field(out, "argv[2]", v, sizeof(v)) && strcmp(v, script) == 0);
	KTAP_CHECK(has_line(out, "argv[3]=one"));
	KTAP_CHECK(has_line(out, "argv[4]=two"));
	KTAP_CHECK(has_line(out, "env=XDV_S=1"));
	return 1;
}

static int execve_script_missing_interpreter_fails_enoent(void)
{
	char script[600], text[700];
	char *argv[] = { "s", NULL };
	char *envp[] = { NULL };

	snprintf(script, sizeof(script), "%s/bad.sh", scratch);
	snprintf(text, sizeof(text), "#!%s/no-such-interpreter\n", scratch);
	KTAP_CHECK(write_file(script, text, 0755) == 0);
	KTAP_CHECK_ERR(execve(script, argv, envp), ENOENT);
	return 1;
}

static int dup2_stdin_stdout_carry_over_exec(void)
{
	static char out[256];
	char path[600];
	char *argv[] = { helper, "cat", NULL };
	char *envp[] = { NULL };
	int fd, status;

	snprintf(path, sizeof(path), "%s/input", scratch);
	KTAP_CHECK(write_file(path, "line one\nline two\n", 0644) == 0);
	fd = open(path, O_RDONLY);
	KTAP_CHECK(fd >= 0);
	status = run_capture(helper, argv, envp, fd, out, sizeof(out));
	close(fd);
	KTAP_CHECK(util_exited(status, 0));
	KTAP_CHECK(strcmp(out, "line one\nline two\n") == 0);
	return 1;
}

static const struct ktap_case cases[] = {
	KTAP_CASE(execve_static_gets_argv_envp_auxv),
	KTAP_CASE(execve_static_pie_gets_argv_envp_auxv),
	KTAP_CASE(execve_at_random_differs_between_runs),
	KTAP_CASE(execve_static_pie_base_differs_between_runs),
	KTAP_CASE(execve_exit_status_reaches_parent),
	KTAP_CASE(execve_errors_leave_caller_running),
	KTAP_CASE(execve_argument_over_128k_fails_e2big),
	KTAP_CASE(execve_o_cloexec_closed_others_kept),
	KTAP_CASE(execve_script_runs_interpreter_with_linux_argv),
	KTAP_CASE(execve_script_missing_interpreter_fails_enoent),
	KTAP_CASE(dup2_stdin_stdout_carry_over_exec),
};

int main(int argc, char **argv)
{
	int status;

	if (argc > 1) {
		snprintf(helper, sizeof(helper), "%s/exec_helper", argv[1]);
		snprintf(helper_pie, sizeof(helper_pie), "%s/exec_helper_pie", argv[1]);
	} else {
		util_sibling(argv[0], "exec_helper", helper, sizeof(helper));
		util_sibling(argv[0], "exec_helper_pie", helper_pie, sizeof(helper_pie));
	}
	scratch = util_scratch_dir("exec");
	status = ktap_run(cases, KTAP_COUNT(cases));
	util_scratch_remove();
	return status;
}
