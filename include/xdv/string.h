/* SPDX-License-Identifier: MIT */
/*
 * Byte and string functions (kernel/string.c). The signatures are the C
 * library's, so code that uses them also builds in host unit tests, where
 * libc provides them.
 */
#pragma once

#include <xdv/compiler.h>

void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);
/* Copy at most size-1 bytes and always NUL-terminate; returns strlen(src). */
size_t strlcpy(char *dst, const char *src, size_t size);
