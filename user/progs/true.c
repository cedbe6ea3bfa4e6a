// SPDX-License-Identifier: MIT
/* The smallest useful program: exits 0. user/bench execs it (fork+execve+wait4). */
int main(void)
{
	return 0;
}
