// SPDX-License-Identifier: MIT
/*
 * A hand-mapped user page and a process that runs it in ring 3, for the
 * user-mode tests (process/user_test_util.h).
 *
 * Locks: none; one test at a time uses the page.
 */
#include <xdv/errno.h>
#include <xdv/mm.h>
#include <xdv/string.h>
#include <xdv/syscall.h>
#include "user_test_util.h"

static paddr_t user_test_pa;

int user_test_map(const uint8_t *code, size_t len, uint8_t **data)
{
	if (len > USER_TEST_DATA - USER_TEST_VA)
		return -EINVAL;

	paddr_t pa = pmm_alloc_pages(0, 0);

	if (!pa)
		return -ENOMEM;

	uint8_t *k = phys_to_virt(pa);

	memset(k, 0, PAGE_SIZE);
	memcpy(k, code, len);

	int err = paging_map(USER_TEST_VA, pa, PAGE_SIZE, VM_USER | VM_WRITE | VM_EXEC);

	if (err) {
		pmm_free_pages(pa, 0);
		return err;
	}
	user_test_pa = pa;
	*data = k + (USER_TEST_DATA - USER_TEST_VA);
	return 0;
}

void user_test_unmap(void)
{
	if (!user_test_pa)
		return;
	if (paging_unmap(USER_TEST_VA, PAGE_SIZE) == 0)
		pmm_free_pages(user_test_pa, 0);
	user_test_pa = 0;
}

static int user_test_main(void *arg)
{
	user_enter(USER_TEST_VA, USER_TEST_VA + PAGE_SIZE);
}

int user_test_run(const char *name, int *status, pid_t *pid)
{
	struct thread_attr attr = { .fpu = true };
	pid_t child;
	int err = process_create(name, user_test_main, NULL, &attr, &child);

	if (err)
		return err;
	if (process_wait(child, status, 0) != child)
		return -ECHILD;
	*pid = child;
	return 0;
}
