// SPDX-License-Identifier: MIT
/*
 * The byte and string functions of <xdv/string.h>, for the kernel (host unit
 * tests use the C library's). gcc also emits calls to memcpy, memmove,
 * memset and memcmp on its own, for struct copies and initialisers, even
 * with -ffreestanding, so these four must exist and must never call
 * themselves.
 *
 * That is the catch: at -O2, gcc recognises a byte loop as "a memset" and
 * replaces it with a call to memset, which inside memset itself is endless
 * recursion. Every function here is therefore built with
 * -fno-tree-loop-distribute-patterns (the attribute below; glibc does the
 * same with its inhibit_loop_to_libcall). Check with
 *   objdump -d build/kernel/string.o | grep call
 * which must print nothing.
 *
 * The copies move 8 bytes at a time when source and destination share their
 * alignment, which is the common case (page copies, file data, framebuffer
 * scrolling); everything else goes byte by byte. Runs of BULK_MIN bytes or
 * more go through "rep movsq"/"rep stosq" (arch/x86.h): one instruction
 * for the whole run instead of a loop of four, which the CPU's fast-string
 * microcode and QEMU's instruction count both reward. No SSE: the kernel
 * does not save FPU state.
 *
 * Locks: none; these touch only their arguments.
 */
#include <xdv/string.h>
#include <xdv/arch/x86.h>

/* Keep gcc from turning the loops below back into calls to these functions. */
#define __no_libcall __attribute__((optimize("no-tree-loop-distribute-patterns")))

/*
 * A 64-bit word that may alias any other type, so that copying buffers of
 * any type word by word is not undefined behaviour under strict aliasing.
 * (A typedef for a scalar with a meaning of its own, as STYLE.md allows.)
 */
typedef uint64_t __attribute__((may_alias)) mem_word_t;

#define WORD_SIZE sizeof(mem_word_t)
#define WORD_MASK (WORD_SIZE - 1)
#define BULK_MIN  64 /* below this, the loop is as quick as a string move's start */

/* Copy n bytes; the areas must not overlap. Return: dst. */
__no_libcall void *memcpy(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	if ((((uintptr_t)d ^ (uintptr_t)s) & WORD_MASK) == 0) {
		while (n && ((uintptr_t)d & WORD_MASK)) {
			*d++ = *s++;
			n--;
		}
		if (n >= BULK_MIN) {
			rep_movsq(d, s, n / WORD_SIZE);
			d += n & ~WORD_MASK;
			s += n & ~WORD_MASK;
			n &= WORD_MASK;
		}
		for (; n >= WORD_SIZE; n -= WORD_SIZE) {
			*(mem_word_t *)d = *(const mem_word_t *)s;
			d += WORD_SIZE;
			s += WORD_SIZE;
		}
	}
	while (n--)
		*d++ = *s++;
	return dst;
}

/* Copy n bytes; the areas may overlap. Return: dst. */
__no_libcall void *memmove(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	/* Forwards is safe unless dst starts inside [src, src + n). */
	if ((uintptr_t)d - (uintptr_t)s >= n)
		return memcpy(dst, src, n);

	/* Backwards, from the end. */
	d += n;
	s += n;
	if ((((uintptr_t)d ^ (uintptr_t)s) & WORD_MASK) == 0) {
		while (n && ((uintptr_t)d & WORD_MASK)) {
			*--d = *--s;
			n--;
		}
		for (; n >= WORD_SIZE; n -= WORD_SIZE) {
			d -= WORD_SIZE;
			s -= WORD_SIZE;
			*(mem_word_t *)d = *(const mem_word_t *)s;
		}
	}
	while (n--)
		*--d = *--s;
	return dst;
}

/* Fill n bytes with (unsigned char)c. Return: dst. */
__no_libcall void *memset(void *dst, int c, size_t n)
{
	unsigned char *d = dst;
	unsigned char b = (unsigned char)c;
	mem_word_t w = b * 0x0101010101010101ull;

	while (n && ((uintptr_t)d & WORD_MASK)) {
		*d++ = b;
		n--;
	}
	if (n >= BULK_MIN) {
		rep_stosq(d, w, n / WORD_SIZE);
		d += n & ~WORD_MASK;
		n &= WORD_MASK;
	}
	for (; n >= WORD_SIZE; n -= WORD_SIZE) {
		*(mem_word_t *)d = w;
		d += WORD_SIZE;
	}
	while (n--)
		*d++ = b;
	return dst;
}

/* Return: <0, 0 or >0 as the first differing byte (unsigned) of a is less, equal, greater. */
__no_libcall int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *p = a, *q = b;

	for (; n; n--, p++, q++) {
		if (*p != *q)
			return *p < *q ? -1 : 1;
	}
	return 0;
}

/* Return: the number of bytes before the NUL. */
__no_libcall size_t strlen(const char *s)
{
	const char *p = s;

	while (*p)
		p++;
	return (size_t)(p - s);
}

/* Return: strlen(s), but at most max; reads no more than max bytes. */
__no_libcall size_t strnlen(const char *s, size_t max)
{
	size_t n = 0;

	while (n < max && s[n])
		n++;
	return n;
}

/* Compare as unsigned chars. Return: <0, 0 or >0. */
__no_libcall int strcmp(const char *a, const char *b)
{
	const unsigned char *p = (const unsigned char *)a;
	const unsigned char *q = (const unsigned char *)b;

	while (*p && *p == *q) {
		p++;
		q++;
	}
	return (*p > *q) - (*p < *q);
}

/* strcmp of at most the first n characters. Return: <0, 0 or >0. */
__no_libcall int strncmp(const char *a, const char *b, size_t n)
{
	const unsigned char *p = (const unsigned char *)a;
	const unsigned char *q = (const unsigned char *)b;

	for (; n; n--, p++, q++) {
		if (*p != *q)
			return *p < *q ? -1 : 1;
		if (!*p)
			break;
	}
	return 0;
}

/* Return: the first c in s (the NUL itself when c is 0), or NULL. */
__no_libcall char *strchr(const char *s, int c)
{
	char ch = (char)c;

	for (;; s++) {
		if (*s == ch)
			return (char *)s;
		if (!*s)
			return NULL;
	}
}
