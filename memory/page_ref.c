// SPDX-License-Identifier: MIT
/*
 * Reference counts of user pages. A page mapped into user space is
 * counted once per mapping that holds it: after fork a private page is
 * shared read-only by parent and child with a count of 2 (copy on write),
 * and the fault handler copies it only while the count is above 1. The
 * count lives in the page's struct page (memory/page.h, the union with
 * the slab owner, unused for such pages), marked PG_USER; the page goes
 * back to the page allocator with its last reference.
 *
 * A fault-injection knob for tests (user_alloc_fail_after) makes the Nth
 * next allocation of a user page or user page table fail, so that the
 * -ENOMEM paths of faults and fork can be tested without exhausting RAM.
 *
 * Locks: none; counts and flags are atomic, and the page tables that
 * hold the references are guarded by their mm_struct's lock.
 */
#include <xdv/mm.h>
#include <xdv/printk.h>
#include "internal.h"
#include "user_mm.h"

static uint64_t user_pages;        /* atomic: PG_USER pages allocated */
static int64_t fail_after;         /* atomic: 0 off, n > 0: the nth allocation fails */

void user_alloc_fail_after(unsigned n)
{
	__atomic_store_n(&fail_after, (int64_t)n, __ATOMIC_RELAXED);
}

bool user_alloc_should_fail(void)
{
	int64_t n = __atomic_load_n(&fail_after, __ATOMIC_RELAXED);

	while (n > 0) {
		if (__atomic_compare_exchange_n(&fail_after, &n, n - 1, false, __ATOMIC_RELAXED,
						__ATOMIC_RELAXED))
			return n == 1;
	}
	return false;
}

static struct page *user_page(paddr_t pa)
{
	return slab_backend_page(phys_to_virt(pa));
}

paddr_t user_page_alloc(void)
{
	if (user_alloc_should_fail())
		return 0;

	paddr_t pa = pmm_alloc_pages(0, GFP_ZERO);

	if (!pa)
		return 0;
	struct page *p = user_page(pa);

	__atomic_store_n(&p->refcount, 1, __ATOMIC_RELAXED);
	__atomic_fetch_or(&p->flags, PG_USER, __ATOMIC_RELEASE);
	__atomic_fetch_add(&user_pages, 1, __ATOMIC_RELAXED);
	return pa;
}

void page_ref_get(paddr_t pa)
{
	struct page *p = user_page(pa);

	if (!p || !(p->flags & PG_USER)) {
		pr_err("page_ref_get: 0x%lx is not a user page\n", pa);
		return;
	}
	__atomic_fetch_add(&p->refcount, 1, __ATOMIC_RELAXED);
}

void page_ref_put(paddr_t pa)
{
	struct page *p = user_page(pa);

	if (!p || !(p->flags & PG_USER) || p->refcount == 0) {
		pr_err("page_ref_put: 0x%lx is not a referenced user page\n", pa);
		return;
	}
	if (__atomic_sub_fetch(&p->refcount, 1, __ATOMIC_ACQ_REL) != 0)
		return;
	__atomic_fetch_and(&p->flags, ~PG_USER, __ATOMIC_RELAXED);
	p->owner = NULL;
	__atomic_fetch_sub(&user_pages, 1, __ATOMIC_RELAXED);
	pmm_free_pages(pa, 0);
}

unsigned page_ref_count(paddr_t pa)
{
	struct page *p = user_page(pa);

	if (!p || !(__atomic_load_n(&p->flags, __ATOMIC_ACQUIRE) & PG_USER))
		return 0;
	return (unsigned)__atomic_load_n(&p->refcount, __ATOMIC_RELAXED);
}

uint64_t user_pages_in_use(void)
{
	return __atomic_load_n(&user_pages, __ATOMIC_RELAXED);
}
