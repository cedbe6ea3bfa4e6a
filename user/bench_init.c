// SPDX-License-Identifier: MIT
/*
 * bench-init: PID 1 of the benchmark initramfs (tests/system/bench-linux.sh
 * boots it on Linux and on XDV alike). Mounts proc on /proc and a tmpfs on
 * /tmp (a kernel that already has them may refuse: noted, not fatal),
 * runs /bin/bench /tmp /bin/true, prints its exit status and powers the
 * machine off with reboot(RB_POWER_OFF), since PID 1 must never exit.
 * Given programs instead (Linux passes what follows "--" on the kernel
 * command line to init), it runs each of them in turn, without arguments,
 * and prints "bench-init: PROGRAM exited with status N" after each: that
 * is how the user tests are run on a Linux guest by hand.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static void mount_one(const char *type, const char *target, const char *data)
{
	mkdir(target, 0755);
	if (mount(type, target, type, 0, data))
		dprintf(1, "bench-init: mount %s on %s: %s\n", type, target, strerror(errno));
}

static int run(char *const argv[])
{
	char *envp[] = { "PATH=/bin", "TMPDIR=/tmp", NULL };
	int status;
	pid_t pid = fork();

	if (pid == 0) {
		execve(argv[0], argv, envp);
		dprintf(1, "bench-init: execve %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	if (pid < 0) {
		dprintf(1, "bench-init: fork: %s\n", strerror(errno));
		return -1;
	}
	if (waitpid(pid, &status, 0) != pid)
		return -1;
	status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	dprintf(1, "bench-init: %s exited with status %d\n", argv[0], status);
	return status;
}

int main(int argc, char **argv)
{
	char *bench[] = { "/bin/bench", "/tmp", "/bin/true", NULL };

	mount_one("proc", "/proc", NULL);
	mount_one("tmpfs", "/tmp", "size=64m,mode=1777");
	if (argc < 2) {
		run(bench);
	} else {
		for (int i = 1; i < argc; i++) {
			char *one[] = { argv[i], NULL };

			run(one);
		}
	}
	sync();
	reboot(RB_POWER_OFF);
	dprintf(1, "bench-init: reboot: %s\n", strerror(errno));
	for (;;)
		pause();
}
