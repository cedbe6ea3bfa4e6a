/* SPDX-License-Identifier: MIT */
/*
 * Compiler helpers shared by every subsystem: attributes, build-time checks
 * and the small macros C lacks. Host unit tests include this too, so nothing
 * here may depend on kernel-only state.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#define __must_check   __attribute__((warn_unused_result))
#define __noreturn     __attribute__((noreturn))
#define __packed       __attribute__((packed))
#define __aligned(n)   __attribute__((aligned(n)))
#define __section(s)   __attribute__((section(s)))
#define __used         __attribute__((used))
#define __unused       __attribute__((unused))
#define __printf(a, b) __attribute__((format(printf, a, b)))
#define __weak         __attribute__((weak))

/* C11 spells it _Static_assert; <assert.h> is not available freestanding. */
#ifndef static_assert
#define static_assert _Static_assert
#endif

#define likely(x)   __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a, b) ((a) > (b) ? (a) : (b))

/* Round x up/down to a power-of-two alignment a. */
#define ALIGN_UP(x, a)   (((x) + ((a) - 1)) & ~((__typeof__(x))(a) - 1))
#define ALIGN_DOWN(x, a) ((x) & ~((__typeof__(x))(a) - 1))
#define IS_ALIGNED(x, a) (((x) & ((__typeof__(x))(a) - 1)) == 0)

#define container_of(ptr, type, member) \
	((type *)((char *)(ptr) - offsetof(type, member)))

/* Feature switches live in config.h and are tested with IS_ENABLED(). */
#define IS_ENABLED(option) (option)

#define READ_ONCE(x)     (*(const volatile __typeof__(x) *)&(x))
#define WRITE_ONCE(x, v) (*(volatile __typeof__(x) *)&(x) = (v))
#define barrier()        __asm__ __volatile__("" ::: "memory")
