// SPDX-License-Identifier: MIT
/*
 * copy_from_user, copy_to_user, clear_user, strncpy_from_user
 * (include/xdv/uaccess.h): the only code that touches user memory.
 *
 * Each one checks the range against USER_ADDR_MAX before touching
 * anything (so a kernel address, or a range that wraps or runs past the
 * user half, never reaches the CPU), then opens SMAP around one string
 * instruction (rep movsb / rep stosb, include/xdv/arch/x86.h) that is
 * listed in the exception table: a fault on any byte makes cpu/traps.c
 * resume after the instruction, with RCX = the bytes left, which is the
 * exact "bytes not copied" count Linux returns. No user fault is resolved
 * yet (no demand paging): every unmapped or protected page is -EFAULT.
 *
 * Locks: none.
 */
#include <xdv/cpufeature.h>
#include <xdv/errno.h>
#include <xdv/string.h>
#include <xdv/uaccess.h>
#include <xdv/arch/x86.h>

static inline void user_access_begin(void)
{
	if (cpu_has(X86_FEATURE_SMAP))
		stac();
}

static inline void user_access_end(void)
{
	if (cpu_has(X86_FEATURE_SMAP))
		clac();
}

size_t copy_from_user(void *dst, uptr_t src, size_t n)
{
	size_t left = n;

	if (access_ok(src, n)) {
		user_access_begin();
		left = rep_movsb_user(dst, (const void *)src.addr, n);
		user_access_end();
	}
	if (left)
		memset((char *)dst + (n - left), 0, left);
	return left;
}

size_t copy_to_user(uptr_t dst, const void *src, size_t n)
{
	size_t left = n;

	if (!access_ok(dst, n))
		return n;
	user_access_begin();
	left = rep_movsb_user((void *)dst.addr, src, n);
	user_access_end();
	return left;
}

size_t clear_user(uptr_t dst, size_t n)
{
	size_t left;

	if (!access_ok(dst, n))
		return n;
	user_access_begin();
	left = rep_stosb_user((void *)dst.addr, n);
	user_access_end();
	return left;
}

long strncpy_from_user(char *dst, uptr_t src, long count)
{
	if (count <= 0)
		return 0;
	if (src.addr >= USER_ADDR_MAX)
		return -EFAULT;

	/* Never read past the user half; reaching its end unterminated is a fault. */
	size_t room = USER_ADDR_MAX - src.addr;
	size_t max = (size_t)count < room ? (size_t)count : room;
	long len = -EFAULT;

	user_access_begin();
	for (size_t i = 0; i < max; i++) {
		if (rep_movsb_user(dst + i, (const char *)src.addr + i, 1)) {
			len = -EFAULT;
			goto out;
		}
		if (!dst[i]) {
			len = (long)i;
			goto out;
		}
	}
	len = max == (size_t)count ? count : -EFAULT;
out:
	user_access_end();
	return len;
}
