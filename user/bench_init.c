// SPDX-License-Identifier: MIT
/*
 * bench-init: PID 1 of the benchmark initramfs (tests/system/bench-linux.sh
 * boots it on Linux and on XDV alike). Mounts proc on /proc and a tmpfs on
 * /tmp (a kernel that already has them may refuse: noted, not fatal),
 * runs /bin/bench /tmp /bin/true, prints its exit status and powers the
 * machine off with reboot(RB_POWER_OFF), since PID 1 must never exit.
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

int main(void)
{
	char *argv[] = { "/bin/bench", "/tmp", "/bin/true", NULL };
	char *envp[] = { "PATH=/bin", NULL };
	int status = -1;
	pid_t pid;

	mount_one("proc", "/proc", NULL);
	mount_one("tmpfs", "/tmp", "size=64m,mode=1777");
	pid = fork();
	if (pid == 0) {
		execve(argv[0], argv, envp);
		dprintf(1, "bench-init: execve %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	if (pid < 0)
		dprintf(1, "bench-init: fork: %s\n", strerror(errno));
	else if (waitpid(pid, &status, 0) == pid)
		dprintf(1, "bench-init: bench exited with status %d\n",
			WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
	sync();
	reboot(RB_POWER_OFF);
	dprintf(1, "bench-init: reboot: %s\n", strerror(errno));
	for (;;)
		pause();
}
