// SPDX-License-Identifier: MIT
/*
 * getrandom(2) on the kernel's CRNG (kernel/random.c). Linux's rules:
 * flags GRND_NONBLOCK, GRND_RANDOM, GRND_INSECURE (not RANDOM with
 * INSECURE), anything else -EINVAL; at most INT_MAX bytes per call; the
 * CRNG is seeded before user space exists, so no call blocks. Bytes go out
 * a 256-byte block at a time; a fault ends the copy: the bytes already
 * written are returned, or -EFAULT if there are none.
 *
 * Locks: none here (random_get_bytes takes the CRNG's).
 */
#include <xdv/errno.h>
#include <xdv/random.h>
#include <xdv/string.h>
#include <xdv/syscall.h>
#include <xdv/uaccess.h>

#define GRND_NONBLOCK 0x0001
#define GRND_RANDOM   0x0002
#define GRND_INSECURE 0x0004
#define GETRANDOM_MAX 0x7FFFFFFFUL /* INT_MAX */

long sys_getrandom(const struct pt_regs *regs)
{
	uptr_t buf = uptr(SYSCALL_ARG0(regs));
	size_t count = SYSCALL_ARG1(regs);
	unsigned flags = (unsigned)SYSCALL_ARG2(regs);
	uint8_t block[256];
	size_t done = 0;

	if (SYSCALL_ARG2(regs) & ~(uint64_t)(GRND_NONBLOCK | GRND_RANDOM | GRND_INSECURE))
		return -EINVAL;
	if ((flags & (GRND_RANDOM | GRND_INSECURE)) == (GRND_RANDOM | GRND_INSECURE))
		return -EINVAL;
	if (count > GETRANDOM_MAX)
		count = GETRANDOM_MAX;
	while (done < count) {
		size_t n = count - done < sizeof(block) ? count - done : sizeof(block);
		size_t left;

		random_get_bytes(block, n);
		left = copy_to_user(uptr_add(buf, done), block, n);
		done += n - left;
		if (left)
			break;
	}
	memset(block, 0, sizeof(block)); /* no copy of the output stays behind */
	if (done < count && !done)
		return -EFAULT;
	return (long)done;
}
