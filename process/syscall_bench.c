// SPDX-License-Identifier: MIT
/*
 * Benchmark of the null syscall round trip from ring 3: user code
 * (process/user_test_util.h) loops n times over getppid, Linux's
 * measure of syscall overhead (lmbench's "null call"; Linux 6.1 takes 359
 * guest instructions per call under `make bench`'s -icount). The cost of
 * creating the process, entering ring 3 and reaping it is measured with
 * a zero-iteration run and taken off.
 */
#include <xdv/kbench.h>
#include <xdv/string.h>
#include <xdv/time.h>
#include "user_test_util.h"

/* With org 0x10000000, DATA = 0x10000800 holds the iteration count. */
static const uint8_t getppid_loop_code[] = {
	0x48, 0x8b, 0x1c, 0x25, 0x00, 0x08, 0x00, 0x10, /* mov rbx, [DATA] */
	0x48, 0x85, 0xdb,                        /* test rbx, rbx */
	0x74, 0x0c,                              /* jz done */
	/* again: */
	0xb8, 0x6e, 0x00, 0x00, 0x00,            /* mov eax, 110 */
	0x0f, 0x05,                              /* syscall */
	0x48, 0xff, 0xcb,                        /* dec rbx */
	0x75, 0xf4,                              /* jnz again */
	/* done: */
	0x31, 0xff,                              /* xor edi, edi */
	0xb8, 0xe7, 0x00, 0x00, 0x00,            /* mov eax, 231 */
	0x0f, 0x05,                              /* syscall */
};

static uint64_t run_loop(uint8_t *data, uint64_t n, bool *ok)
{
	int status = -1;
	pid_t pid;
	uint64_t t0;

	memcpy(data, &n, sizeof(n));
	t0 = time_since_boot_ns();
	if (user_test_run("bench_getppid", &status, &pid) || status != 0)
		*ok = false;
	return time_since_boot_ns() - t0;
}

KBENCH(syscall_getppid_from_user, 200000)
{
	uint8_t *data;
	bool ok = true;

	if (user_test_map(getppid_loop_code, sizeof(getppid_loop_code), &data))
		return 0;

	uint64_t base = run_loop(data, 0, &ok);
	uint64_t total = run_loop(data, n, &ok);

	user_test_unmap();
	if (!ok)
		return 0;
	kbench_set_elapsed(total > base ? total - base : 0);
	return n;
}
