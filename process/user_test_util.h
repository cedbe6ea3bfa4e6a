/* SPDX-License-Identifier: MIT */
/*
 * For in-kernel tests and benchmarks of user mode (process/syscall_test.c,
 * process/syscall_bench.c): one user page (PTE_U, writable, executable)
 * mapped by hand at USER_TEST_VA in the kernel's page tables, holding
 * machine code at offset 0 and a data area at USER_TEST_DATA; and a child
 * process whose one thread enters ring 3 at the code with its stack at
 * the page's end. Until per-process address spaces exist, the page is
 * visible to every thread; tests run one at a time, so one page serves.
 */
#pragma once

#include <xdv/compiler.h>
#include <xdv/sched.h>

#define USER_TEST_VA   0x10000000ULL
#define USER_TEST_DATA (USER_TEST_VA + 0x800)

/* Map the page and copy code (at most 0x800 bytes) to its start; the rest
 * is zero. *data gets a kernel pointer to USER_TEST_DATA (through the
 * direct map, so no SMAP window is needed). Return: 0, -EEXIST, -ENOMEM. */
int __must_check user_test_map(const uint8_t *code, size_t len, uint8_t **data);
void user_test_unmap(void);

/* Run the code in a new child process "name"; wait for it.
 * Return: 0 and *status (Linux wait encoding) and *pid, or -errno. */
int __must_check user_test_run(const char *name, int *status, pid_t *pid);
