/* SPDX-License-Identifier: MIT */
/*
 * User memory (memory/uaccess.c). A user pointer is a uptr_t, which C
 * cannot dereference; only these functions touch what it names. Each
 * checks that the whole range lies below USER_ADDR_MAX (overflow-safe: a
 * range that wraps or straddles the user/kernel boundary is refused),
 * opens SMAP for the access alone (stac/clac) and recovers from a fault
 * through the exception table. Return conventions are Linux's.
 *
 * Context: process context (a fault will later be resolved by the user
 * page-fault handler, which may sleep). The kernel's own page tables hold
 * the user half until per-process address spaces exist.
 */
#pragma once

#include <xdv/compiler.h>
#include <xdv/types.h>

/* A user-space address: not dereferenceable (STYLE.md). */
typedef struct {
	uintptr_t addr;
} uptr_t;

static inline uptr_t uptr(uintptr_t addr) { return (uptr_t){ addr }; }
static inline uptr_t uptr_add(uptr_t p, size_t off) { return (uptr_t){ p.addr + off }; }

/*
 * One past the highest user address: Linux's TASK_SIZE_MAX, the
 * canonical lower half less its last page (so no SYSCALL can return to a
 * non-canonical RCX, the SYSRET hazard).
 */
#define USER_ADDR_MAX 0x00007FFFFFFFF000ULL

/* [p, p + n) lies wholly in user space (n == 0: p <= USER_ADDR_MAX). */
static inline bool access_ok(uptr_t p, size_t n)
{
	return n <= USER_ADDR_MAX && p.addr <= USER_ADDR_MAX - n;
}

/*
 * Copy n bytes from user src to kernel dst. On a fault or a bad range the
 * rest of dst is zeroed (Linux's copy_from_user).
 * Return: the bytes NOT copied (0: success).
 */
size_t __must_check copy_from_user(void *dst, uptr_t src, size_t n);

/* Copy n bytes from kernel src to user dst. Return: bytes NOT copied. */
size_t __must_check copy_to_user(uptr_t dst, const void *src, size_t n);

/* Zero n bytes of user memory. Return: the bytes NOT cleared. */
size_t __must_check clear_user(uptr_t dst, size_t n);

/*
 * Copy a NUL-terminated string of at most count bytes from user src.
 * Return: its length without the NUL (dst then ends with the NUL); count
 * if no NUL came within count bytes (dst is not terminated); -EFAULT if
 * the memory faulted or left user space first.
 */
long __must_check strncpy_from_user(char *dst, uptr_t src, long count);
