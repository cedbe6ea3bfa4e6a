// SPDX-License-Identifier: MIT
/*
 * In-kernel tests of user memory access (suite uaccess): copy_from_user,
 * copy_to_user, clear_user and strncpy_from_user against NULL, a kernel
 * address, an unmapped user address, ranges that straddle the user/kernel
 * boundary or wrap, and a buffer whose second page is unmapped (the exact
 * partial count Linux returns); each ends in -EFAULT or a short count,
 * never a panic. And SMAP: a kernel access to a user page outside
 * stac/clac faults (where the CPU has SMAP).
 *
 * One user page (PTE_U) is mapped by hand at UA_VA in the kernel's page
 * tables, with the page after it left unmapped.
 */
#include <xdv/cpufeature.h>
#include <xdv/errno.h>
#include <xdv/ktest.h>
#include <xdv/mm.h>
#include <xdv/string.h>
#include <xdv/uaccess.h>
#include <xdv/arch/x86.h>

#define UA_VA 0x10200000ULL /* mapped; UA_VA + PAGE_SIZE is not */

static paddr_t ua_pa;

/* Map the user page (contents 0x5A) and return its kernel alias. */
static uint8_t *ua_map(struct ktest *t)
{
	ua_pa = pmm_alloc_pages(0, 0);
	if (!KTEST_EXPECT(t, ua_pa != 0))
		return NULL;
	memset(phys_to_virt(ua_pa), 0x5A, PAGE_SIZE);
	if (!KTEST_EXPECT_EQ(t, paging_map(UA_VA, ua_pa, PAGE_SIZE, VM_USER | VM_WRITE), 0)) {
		pmm_free_pages(ua_pa, 0);
		return NULL;
	}
	int level;

	KTEST_EXPECT_EQ(t, paging_lookup(UA_VA + PAGE_SIZE, &level), 0);
	return phys_to_virt(ua_pa);
}

static void ua_unmap(struct ktest *t)
{
	KTEST_EXPECT_EQ(t, paging_unmap(UA_VA, PAGE_SIZE), 0);
	pmm_free_pages(ua_pa, 0);
}

KTEST(uaccess, copy_from_user_mapped_page_copies_all)
{
	uint8_t *k = ua_map(t);
	char buf[16];

	if (!k)
		return;
	memcpy(k + 100, "user bytes", 10);
	KTEST_EXPECT_EQ(t, copy_from_user(buf, uptr(UA_VA + 100), 10), 0);
	KTEST_EXPECT(t, memcmp(buf, "user bytes", 10) == 0);
	KTEST_EXPECT_EQ(t, copy_to_user(uptr(UA_VA + 200), "to user", 7), 0);
	KTEST_EXPECT(t, memcmp(k + 200, "to user", 7) == 0);
	KTEST_EXPECT_EQ(t, clear_user(uptr(UA_VA + 300), 5), 0);
	KTEST_EXPECT(t, k[300] == 0 && k[304] == 0 && k[305] == 0x5A);
	ua_unmap(t);
}

KTEST(uaccess, copy_from_user_bad_addresses_copy_nothing_and_zero_dst)
{
	char buf[8];

	memset(buf, 'x', sizeof(buf));
	KTEST_EXPECT_EQ(t, copy_from_user(buf, uptr(0), 8), 8); /* NULL */
	KTEST_EXPECT(t, buf[0] == 0 && buf[7] == 0);
	/* A kernel address, readable by the kernel: refused by the range check. */
	KTEST_EXPECT_EQ(t, copy_from_user(buf, uptr((uintptr_t)&ua_pa), 8), 8);
	KTEST_EXPECT_EQ(t, copy_from_user(buf, uptr(UA_VA + 16 * PAGE_SIZE), 8), 8);
	/* Straddling the boundary, and wrapping around. */
	KTEST_EXPECT_EQ(t, copy_from_user(buf, uptr(USER_ADDR_MAX - 4), 8), 8);
	KTEST_EXPECT_EQ(t, copy_from_user(buf, uptr(~0ULL - 3), 8), 8);
	KTEST_EXPECT_EQ(t, copy_to_user(uptr(0), buf, 8), 8);
	KTEST_EXPECT_EQ(t, copy_to_user(uptr((uintptr_t)buf), "k", 1), 1);
	KTEST_EXPECT_EQ(t, copy_to_user(uptr(USER_ADDR_MAX - 4), buf, 8), 8);
	KTEST_EXPECT_EQ(t, clear_user(uptr(0), 8), 8);
	KTEST_EXPECT_EQ(t, clear_user(uptr(USER_ADDR_MAX - 1), 2), 2);
	KTEST_EXPECT(t, access_ok(uptr(USER_ADDR_MAX - 8), 8));
	KTEST_EXPECT(t, !access_ok(uptr(USER_ADDR_MAX - 8), 9));
	KTEST_EXPECT(t, !access_ok(uptr(8), ~0ULL - 4));
}

KTEST(uaccess, copy_across_into_unmapped_page_returns_bytes_not_copied)
{
	uint8_t *k = ua_map(t);
	char buf[30];

	if (!k)
		return;
	memset(buf, 'x', sizeof(buf));
	/* 10 bytes in the mapped page, 20 in the unmapped one after it. */
	KTEST_EXPECT_EQ(t, copy_from_user(buf, uptr(UA_VA + PAGE_SIZE - 10), 30), 20);
	KTEST_EXPECT(t, buf[0] == 0x5A && buf[9] == 0x5A);
	KTEST_EXPECT(t, buf[10] == 0 && buf[29] == 0); /* the rest zeroed */
	memset(buf, 'y', sizeof(buf));
	KTEST_EXPECT_EQ(t, copy_to_user(uptr(UA_VA + PAGE_SIZE - 10), buf, 30), 20);
	KTEST_EXPECT(t, k[PAGE_SIZE - 10] == 'y' && k[PAGE_SIZE - 1] == 'y');
	KTEST_EXPECT_EQ(t, clear_user(uptr(UA_VA + PAGE_SIZE - 4), 12), 8);
	KTEST_EXPECT(t, k[PAGE_SIZE - 4] == 0 && k[PAGE_SIZE - 5] == 'y');
	ua_unmap(t);
}

KTEST(uaccess, strncpy_from_user_linux_results)
{
	uint8_t *k = ua_map(t);
	char buf[32];

	if (!k)
		return;
	memcpy(k, "hello", 6);
	KTEST_EXPECT_EQ(t, strncpy_from_user(buf, uptr(UA_VA), sizeof(buf)), 5);
	KTEST_EXPECT_STREQ(t, buf, "hello");
	/* No NUL within count: count, and no terminator written. */
	KTEST_EXPECT_EQ(t, strncpy_from_user(buf, uptr(UA_VA), 3), 3);
	KTEST_EXPECT(t, memcmp(buf, "hel", 3) == 0);
	/* A string running into the unmapped page. */
	memset(k + PAGE_SIZE - 4, 'a', 4);
	KTEST_EXPECT_EQ(t, strncpy_from_user(buf, uptr(UA_VA + PAGE_SIZE - 4), sizeof(buf)),
			(uint64_t)-EFAULT);
	KTEST_EXPECT_EQ(t, strncpy_from_user(buf, uptr(0), sizeof(buf)), (uint64_t)-EFAULT);
	KTEST_EXPECT_EQ(t, strncpy_from_user(buf, uptr((uintptr_t)"kernel"), sizeof(buf)),
			(uint64_t)-EFAULT);
	KTEST_EXPECT_EQ(t, strncpy_from_user(buf, uptr(UA_VA), 0), 0);
	ua_unmap(t);
}

KTEST(uaccess, smap_kernel_access_outside_stac_faults)
{
	if (!cpu_has(X86_FEATURE_SMAP)) {
		KTEST_SKIP(t, "no SMAP on this CPU");
		return;
	}

	uint8_t *k = ua_map(t);
	uint8_t v = 0;

	if (!k)
		return;
	KTEST_EXPECT(t, read_cr4() & CR4_SMAP);
	KTEST_EXPECT(t, !probe_read_u8((const void *)UA_VA, &v));
	KTEST_EXPECT(t, !probe_write_u8((void *)UA_VA, 1));
	stac();
	KTEST_EXPECT(t, probe_read_u8((const void *)UA_VA, &v));
	clac();
	KTEST_EXPECT_EQ(t, v, 0x5A);
	ua_unmap(t);
}
