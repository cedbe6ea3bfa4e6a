/* SPDX-License-Identifier: MIT */
/*
 * The heap's surroundings for host tests (slab_fake.c): a fake page backend
 * over one aligned arena, with a tiny buddy allocator of its own and a
 * struct page per arena page, and the reporting hooks, which record what the
 * heap reported. Shared by test_slab.c and test_slab_debug.c.
 */
#pragma once

#include <xdv/mm.h>

#include "../../../memory/slab.h"

#define FAKE_ARENA_PAGES 16384 /* 64 MiB */
#define FAKE_REPORTS_MAX 64

struct fake_report {
	const char *what;
	const void *ptr;
	const void *bad;          /* corruption reports only */
	const void *caller;       /* bad frees: who freed */
	const void *alloc_caller; /* corruption reports */
	const void *free_caller;
	bool corruption;
};

struct fake_backend {
	char *arena;
	size_t npages;
	struct page *pages;
	uint64_t pages_in_use;
	uint64_t page_limit; /* allocations beyond this many pages fail */
	uint64_t allocs, frees;
	struct fake_report reports[FAKE_REPORTS_MAX];
	unsigned nreports;
};

extern struct fake_backend fake;

/* Set up the arena (every page free and poisoned for ASan) / free it. */
void fake_backend_setup(void);
void fake_backend_teardown(void);

/* The struct page of addr, NULL outside the arena. */
struct page *fake_page(const void *addr);

/* True when p lies inside the arena. */
bool fake_in_arena(const void *p);

/* Number of reports whose text contains s. */
unsigned fake_reports_matching(const char *s);

/*
 * The randomized model run (slab_model.c): ops steps with at most max_live
 * blocks live; ends with everything freed and checks nothing leaked.
 */
void slab_model_run(uint64_t seed, unsigned ops, unsigned max_live);
