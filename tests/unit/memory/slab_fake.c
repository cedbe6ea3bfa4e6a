// SPDX-License-Identifier: MIT
/*
 * The fake backend and reporting hooks behind the heap's host tests. The
 * arena is one aligned_alloc'ed block of FAKE_ARENA_PAGES pages, aligned to
 * the largest block so that blocks are naturally aligned in virtual memory,
 * handed out by a small buddy allocator (free lists through index arrays).
 * Free pages are poisoned for AddressSanitizer, so the heap touching a page
 * it has given back (or never got) stops the test.
 *
 * The backend also checks the heap's side of the contract: a block comes
 * back with the order it was allocated with, and with no PG_SLAB, PG_LARGE
 * or owner left on any of its pages.
 */
#include "slab_fake.h"

#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
#define FAKE_POISON(p, n)   __asan_poison_memory_region((p), (n))
#define FAKE_UNPOISON(p, n) __asan_unpoison_memory_region((p), (n))
#else
#define FAKE_POISON(p, n)   ((void)(p), (void)(n))
#define FAKE_UNPOISON(p, n) ((void)(p), (void)(n))
#endif

#define FAKE_MAX_ORDER BUDDY_MAX_ORDER
#define FAKE_NONE      (-1)

struct fake_backend fake;

/* Buddy state: free lists per order, linked by page index. */
static int32_t *fl_next, *fl_prev;
static int8_t *free_order; /* order of the free block headed here, or -1 */
static int32_t fl_head[FAKE_MAX_ORDER + 1];

static void fl_push(int32_t idx, unsigned order)
{
	fl_prev[idx] = FAKE_NONE;
	fl_next[idx] = fl_head[order];
	if (fl_head[order] != FAKE_NONE)
		fl_prev[fl_head[order]] = idx;
	fl_head[order] = idx;
	free_order[idx] = order;
}

static void fl_remove(int32_t idx, unsigned order)
{
	if (fl_prev[idx] != FAKE_NONE)
		fl_next[fl_prev[idx]] = fl_next[idx];
	else
		fl_head[order] = fl_next[idx];
	if (fl_next[idx] != FAKE_NONE)
		fl_prev[fl_next[idx]] = fl_prev[idx];
	free_order[idx] = FAKE_NONE;
}

void fake_backend_setup(void)
{
	size_t block = PAGE_SIZE << FAKE_MAX_ORDER;

	memset(&fake, 0, sizeof(fake));
	fake.npages = FAKE_ARENA_PAGES;
	fake.arena = aligned_alloc(block, fake.npages * PAGE_SIZE);
	fake.pages = calloc(fake.npages, sizeof(struct page));
	fake.page_limit = UINT64_MAX;
	fl_next = calloc(fake.npages, sizeof(*fl_next));
	fl_prev = calloc(fake.npages, sizeof(*fl_prev));
	free_order = malloc(fake.npages);
	cr_assert(fake.arena && fake.pages && fl_next && fl_prev && free_order);
	memset(free_order, FAKE_NONE, fake.npages);
	for (unsigned o = 0; o <= FAKE_MAX_ORDER; o++)
		fl_head[o] = FAKE_NONE;
	for (size_t i = 0; i < fake.npages; i += 1u << FAKE_MAX_ORDER)
		fl_push(i, FAKE_MAX_ORDER);
	FAKE_POISON(fake.arena, fake.npages * PAGE_SIZE);
}

void fake_backend_teardown(void)
{
	FAKE_UNPOISON(fake.arena, fake.npages * PAGE_SIZE);
	free(fake.arena);
	free(fake.pages);
	free(fl_next);
	free(fl_prev);
	free(free_order);
	fake.arena = NULL;
}

bool fake_in_arena(const void *p)
{
	uintptr_t a = (uintptr_t)p, base = (uintptr_t)fake.arena;

	return fake.arena && a >= base && a - base < fake.npages * PAGE_SIZE;
}

struct page *fake_page(const void *addr)
{
	if (!fake_in_arena(addr))
		return NULL;
	return &fake.pages[((uintptr_t)addr - (uintptr_t)fake.arena) / PAGE_SIZE];
}

void *slab_backend_alloc(unsigned order)
{
	unsigned j = order;
	int32_t idx;

	if (order > FAKE_MAX_ORDER || fake.pages_in_use + (1u << order) > fake.page_limit)
		return NULL;
	while (j <= FAKE_MAX_ORDER && fl_head[j] == FAKE_NONE)
		j++;
	if (j > FAKE_MAX_ORDER)
		return NULL;
	idx = fl_head[j];
	fl_remove(idx, j);
	while (j > order) {
		j--;
		fl_push(idx + (1 << j), j);
	}
	for (size_t i = 0; i < (1u << order); i++)
		cr_assert_eq(fake.pages[idx + i].flags, 0, "page %zu of a free block has flags",
			     (size_t)idx + i);
	fake.pages[idx].flags = PG_ALLOCATED;
	fake.pages[idx].order = order;
	fake.pages_in_use += 1u << order;
	fake.allocs++;
	FAKE_UNPOISON(fake.arena + (size_t)idx * PAGE_SIZE, PAGE_SIZE << order);
	return fake.arena + (size_t)idx * PAGE_SIZE;
}

void slab_backend_free(void *addr, unsigned order)
{
	int32_t idx;

	cr_assert(fake_in_arena(addr), "backend free of %p outside the arena", addr);
	idx = ((uintptr_t)addr - (uintptr_t)fake.arena) / PAGE_SIZE;
	cr_assert_eq(idx & ((1 << order) - 1), 0, "backend free of a misaligned block");
	cr_assert_eq(fake.pages[idx].flags, PG_ALLOCATED, "backend free: head flags %#x",
		     fake.pages[idx].flags);
	cr_assert_eq(fake.pages[idx].order, order, "backend free with the wrong order");
	for (size_t i = 0; i < (1u << order); i++) {
		struct page *p = &fake.pages[idx + i];

		cr_assert(i == 0 || p->flags == 0, "page %zu of a freed block has flags %#x",
			  i, p->flags);
		cr_assert_null(p->owner, "page %zu of a freed block has an owner", i);
		memset(p, 0, sizeof(*p));
	}
	FAKE_POISON(addr, PAGE_SIZE << order);
	fake.pages_in_use -= 1u << order;
	fake.frees++;

	while (order < FAKE_MAX_ORDER) {
		int32_t buddy = idx ^ (1 << order);

		if (free_order[buddy] != (int8_t)order)
			break;
		fl_remove(buddy, order);
		idx &= ~(1 << order);
		order++;
	}
	fl_push(idx, order);
}

struct page *slab_backend_page(const void *addr)
{
	return fake_page(addr);
}

static struct fake_report *fake_report_slot(void)
{
	cr_assert_lt(fake.nreports, FAKE_REPORTS_MAX, "too many heap reports");
	return &fake.reports[fake.nreports++];
}

void slab_report_bad_free(const char *what, const void *ptr, const void *caller)
{
	struct fake_report *r = fake_report_slot();

	*r = (struct fake_report){ .what = what, .ptr = ptr, .caller = caller };
}

void slab_report_corruption(const char *what, const void *obj, const void *bad,
			    const void *alloc_caller, const void *free_caller)
{
	struct fake_report *r = fake_report_slot();

	*r = (struct fake_report){
		.what = what, .ptr = obj, .bad = bad, .alloc_caller = alloc_caller,
		.free_caller = free_caller, .corruption = true,
	};
}

unsigned fake_reports_matching(const char *s)
{
	unsigned n = 0;

	for (unsigned i = 0; i < fake.nreports; i++)
		n += strstr(fake.reports[i].what, s) != NULL;
	return n;
}

/* The heap lock: one thread in host tests, nothing to lock. */
uint64_t slab_lock(void)
{
	return 0;
}

void slab_unlock(uint64_t irq)
{
}
