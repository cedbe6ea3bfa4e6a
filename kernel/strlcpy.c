// SPDX-License-Identifier: MIT
/*
 * strlcpy(), the bounded string copy the kernel uses instead of strncpy: it
 * always NUL-terminates and tells the caller how long the source was, so a
 * truncation is detected with "if (strlcpy(dst, src, n) >= n)".
 *
 * It sits in its own file because it also builds for the host unit tests:
 * glibc 2.36 has no strlcpy, while the rest of kernel/string.c would clash
 * with the C library there. It uses only strlen and memcpy, which come from
 * kernel/string.c in the kernel and from the C library on the host.
 *
 * Locks: none; it touches only its arguments.
 */
#include <xdv/string.h>

/*
 * Copy src into dst, at most size - 1 bytes, and NUL-terminate when size > 0.
 * Context: any. Return: strlen(src); a value >= size means src was cut.
 */
size_t strlcpy(char *dst, const char *src, size_t size)
{
	size_t len = strlen(src);

	if (size) {
		size_t n = len < size ? len : size - 1;

		memcpy(dst, src, n);
		dst[n] = '\0';
	}
	return len;
}
