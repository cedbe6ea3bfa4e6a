// SPDX-License-Identifier: MIT
/*
 * KTAP tests of the page cache (fs/page_cache.c) on caches of their own,
 * with no inode behind them: get/find/put and references, truncate that
 * zeroes the tail of a partial page, drop_range and next_index, dirty
 * marks, writeback through a fake write_page that counts and can fail, and
 * a charge that refuses (-ENOSPC, with nothing charged or leaked). Also the
 * page_cache_find_hit benchmark.
 *
 * Locks: each test owns its cache; none is shared.
 */
#include <xdv/errno.h>
#include <xdv/kbench.h>
#include <xdv/ktest.h>
#include <xdv/mm.h>
#include <xdv/string.h>
#include <xdv/vfs.h>

#include "internal.h"

/* A fake backing store: counts charges and writes, fails on request. */
struct fake_store {
	struct page_cache cache;
	long charged;
	long charge_limit;   /* pages the "file system" allows */
	unsigned writes;
	uint64_t written[16]; /* indices in the order written */
	int write_error;     /* returned by write_page when set */
	unsigned reads;
	struct spinlock *charge_lock; /* set when threads share the store */
};

static struct fake_store *store_of(struct page_cache *cache)
{
	return container_of(cache, struct fake_store, cache);
}

static int fake_charge(struct page_cache *cache, long pages)
{
	struct fake_store *s = store_of(cache);
	int err = 0;

	if (s->charge_lock)
		spin_lock(s->charge_lock);
	if (pages > 0 && s->charged + pages > s->charge_limit)
		err = -ENOSPC;
	else
		s->charged += pages;
	if (s->charge_lock)
		spin_unlock(s->charge_lock);
	return err;
}

static int fake_write_page(struct page_cache *cache, struct cached_page *page)
{
	struct fake_store *s = store_of(cache);

	if (!(page->flags & CPAGE_WRITEBACK) || (page->flags & CPAGE_DIRTY))
		return -EINVAL; /* the cache must hand over a clean page under writeback */
	if (s->write_error)
		return s->write_error;
	if (s->writes < 16)
		s->written[s->writes] = page->index;
	s->writes++;
	return 0;
}

/* Fills a page with its index in every byte, as a disk would. */
static int fake_read_page(struct page_cache *cache, struct cached_page *page)
{
	store_of(cache)->reads++;
	memset(page_cache_page_data(page), (int)(page->index & 0xff), PAGE_SIZE);
	return 0;
}

static const struct page_cache_ops fake_ops = {
	.write_page = fake_write_page,
	.charge = fake_charge,
};

static const struct page_cache_ops fake_read_ops = {
	.read_page = fake_read_page,
	.charge = fake_charge,
};

static struct fake_store *store_new(const struct page_cache_ops *ops, long limit)
{
	struct fake_store *s = kzalloc(sizeof(*s), GFP_KERNEL);

	if (s) {
		page_cache_init(&s->cache, NULL, ops);
		s->charge_limit = limit;
	}
	return s;
}

/* Empty the cache and check that everything was given back. */
static void store_free(struct ktest *t, struct fake_store *s)
{
	page_cache_truncate(&s->cache, 0);
	KTEST_EXPECT_EQ(t, s->cache.nr_pages, 0);
	KTEST_EXPECT_EQ(t, s->cache.nr_dirty, 0);
	KTEST_EXPECT_EQ(t, s->charged, 0);
	KTEST_EXPECT(t, s->cache.root == NULL);
	kfree(s);
}

/* Get page index and fill it with byte c. */
static bool fill_page(struct ktest *t, struct fake_store *s, uint64_t index, int c)
{
	struct cached_page *page;

	if (!KTEST_EXPECT_EQ(t, page_cache_get(&s->cache, index, &page), 0))
		return false;
	memset(page_cache_page_data(page), c, PAGE_SIZE);
	page_cache_put(page);
	return true;
}

KTEST(page_cache, page_cache_get_miss_adds_zeroed_page_and_find_hits)
{
	struct fake_store *s = store_new(&fake_ops, 100);
	struct cached_page *page, *again;
	const unsigned char *data;
	bool zero = true;

	if (!KTEST_EXPECT(t, s))
		return;
	KTEST_EXPECT(t, page_cache_find(&s->cache, 3) == NULL);
	if (!KTEST_EXPECT_EQ(t, page_cache_get(&s->cache, 3, &page), 0))
		goto out;
	KTEST_EXPECT_EQ(t, page->index, 3);
	KTEST_EXPECT(t, page->flags & CPAGE_UPTODATE);
	KTEST_EXPECT_EQ(t, page->refs, 2);
	data = page_cache_page_data(page);
	for (size_t i = 0; i < PAGE_SIZE; i++)
		zero &= data[i] == 0;
	KTEST_EXPECT(t, zero);
	KTEST_EXPECT_EQ(t, s->cache.nr_pages, 1);
	KTEST_EXPECT_EQ(t, s->charged, 1);

	again = page_cache_find(&s->cache, 3);
	KTEST_EXPECT(t, again == page);
	KTEST_EXPECT_EQ(t, page->refs, 3);
	page_cache_put(again);
	/* A second get of a cached page neither charges nor adds. */
	KTEST_EXPECT_EQ(t, page_cache_get(&s->cache, 3, &again), 0);
	KTEST_EXPECT(t, again == page);
	page_cache_put(again);
	KTEST_EXPECT_EQ(t, s->charged, 1);
	KTEST_EXPECT(t, page_cache_find(&s->cache, 4) == NULL);
	page_cache_put(page);
	KTEST_EXPECT_EQ(t, page->refs, 1); /* the cache's own */
out:
	store_free(t, s);
}

KTEST(page_cache, page_cache_get_with_read_page_fills_from_store)
{
	struct fake_store *s = store_new(&fake_read_ops, 100);
	struct cached_page *page;

	if (!KTEST_EXPECT(t, s))
		return;
	if (KTEST_EXPECT_EQ(t, page_cache_get(&s->cache, 0x42, &page), 0)) {
		KTEST_EXPECT_EQ(t, ((unsigned char *)page_cache_page_data(page))[100], 0x42);
		page_cache_put(page);
	}
	if (KTEST_EXPECT_EQ(t, page_cache_get(&s->cache, 0x42, &page), 0))
		page_cache_put(page);
	KTEST_EXPECT_EQ(t, s->reads, 1);
	store_free(t, s);
}

KTEST(page_cache, page_cache_truncate_partial_page_zeroes_tail_and_drops_rest)
{
	struct fake_store *s = store_new(&fake_ops, 100);
	struct cached_page *page, *held;
	const unsigned char *data;

	if (!KTEST_EXPECT(t, s))
		return;
	for (uint64_t i = 0; i < 3; i++)
		fill_page(t, s, i, 0xaa);
	fill_page(t, s, 1000, 0xaa);
	held = page_cache_find(&s->cache, 2); /* a reader still copying */
	page_cache_truncate(&s->cache, PAGE_SIZE + 100);
	KTEST_EXPECT_EQ(t, s->cache.nr_pages, 2);
	KTEST_EXPECT_EQ(t, s->charged, 2);
	KTEST_EXPECT(t, page_cache_find(&s->cache, 1000) == NULL);
	page = page_cache_find(&s->cache, 1);
	if (KTEST_EXPECT(t, page)) {
		data = page_cache_page_data(page);
		KTEST_EXPECT_EQ(t, data[99], 0xaa);
		KTEST_EXPECT_EQ(t, data[100], 0);
		KTEST_EXPECT_EQ(t, data[PAGE_SIZE - 1], 0);
		page_cache_put(page);
	}
	/* The dropped page stays valid for its holder until the last put. */
	if (KTEST_EXPECT(t, held)) {
		KTEST_EXPECT_EQ(t, ((unsigned char *)page_cache_page_data(held))[7], 0xaa);
		KTEST_EXPECT_EQ(t, held->refs, 1);
		page_cache_put(held);
	}
	/* A truncate on a page boundary zeroes nothing. */
	page_cache_truncate(&s->cache, PAGE_SIZE);
	KTEST_EXPECT_EQ(t, s->cache.nr_pages, 1);
	page = page_cache_find(&s->cache, 0);
	if (KTEST_EXPECT(t, page)) {
		KTEST_EXPECT_EQ(t, ((unsigned char *)page_cache_page_data(page))[PAGE_SIZE - 1],
				0xaa);
		page_cache_put(page);
	}
	store_free(t, s);
}

KTEST(page_cache, page_cache_drop_range_and_next_index_skip_holes)
{
	struct fake_store *s = store_new(&fake_ops, 100);

	if (!KTEST_EXPECT(t, s))
		return;
	fill_page(t, s, 2, 1);
	fill_page(t, s, 63, 1);
	fill_page(t, s, 64, 1);
	fill_page(t, s, 5000, 1);
	KTEST_EXPECT_EQ(t, page_cache_next_index(&s->cache, 0), 2);
	KTEST_EXPECT_EQ(t, page_cache_next_index(&s->cache, 3), 63);
	KTEST_EXPECT_EQ(t, page_cache_next_index(&s->cache, 65), 5000);
	KTEST_EXPECT_EQ(t, page_cache_next_index(&s->cache, 5001), UINT64_MAX);
	page_cache_drop_range(&s->cache, 60, 4999);
	KTEST_EXPECT_EQ(t, s->cache.nr_pages, 2);
	KTEST_EXPECT_EQ(t, s->charged, 2);
	KTEST_EXPECT_EQ(t, page_cache_next_index(&s->cache, 3), 5000);
	store_free(t, s);
}

static void count_dirty(struct cached_page *page, void *arg)
{
	uint64_t *seen = arg;

	seen[0]++;
	seen[1] = seen[1] * 1000 + page->index; /* the order, as digits */
}

KTEST(page_cache, page_cache_writeback_writes_dirty_pages_in_order_once)
{
	struct fake_store *s = store_new(&fake_ops, 1000);
	struct cached_page *page;
	uint64_t seen[2] = { 0, 0 };

	if (!KTEST_EXPECT(t, s))
		return;
	fill_page(t, s, 1, 0);
	fill_page(t, s, 7, 0);
	fill_page(t, s, 300, 0);
	fill_page(t, s, 9, 0);
	for (uint64_t index = 300;; index = index == 300 ? 7 : 1) {
		page = page_cache_find(&s->cache, index);
		page_cache_mark_dirty(page);
		page_cache_mark_dirty(page); /* twice: counted once */
		KTEST_EXPECT(t, page->flags & CPAGE_DIRTY);
		page_cache_put(page);
		if (index == 1)
			break;
	}
	KTEST_EXPECT_EQ(t, s->cache.nr_dirty, 3);
	page_cache_for_each_dirty(&s->cache, count_dirty, seen);
	KTEST_EXPECT_EQ(t, seen[0], 3);
	KTEST_EXPECT_EQ(t, seen[1], 1007300); /* 1, 7, 300 */

	s->write_error = -EIO;
	KTEST_EXPECT_EQ(t, page_cache_writeback(&s->cache), -EIO);
	KTEST_EXPECT_EQ(t, s->cache.nr_dirty, 3); /* failed pages stay dirty */
	s->write_error = 0;
	KTEST_EXPECT_EQ(t, page_cache_writeback(&s->cache), 0);
	KTEST_EXPECT_EQ(t, s->writes, 3);
	KTEST_EXPECT_EQ(t, s->written[0], 1);
	KTEST_EXPECT_EQ(t, s->written[1], 7);
	KTEST_EXPECT_EQ(t, s->written[2], 300);
	KTEST_EXPECT_EQ(t, s->cache.nr_dirty, 0);
	page = page_cache_find(&s->cache, 7);
	if (KTEST_EXPECT(t, page)) {
		KTEST_EXPECT_EQ(t, page->flags & (CPAGE_DIRTY | CPAGE_WRITEBACK), 0);
		page_cache_put(page);
	}
	KTEST_EXPECT_EQ(t, page_cache_writeback(&s->cache), 0);
	KTEST_EXPECT_EQ(t, s->writes, 3); /* nothing dirty: nothing written */
	seen[0] = 0;
	page_cache_for_each_dirty(&s->cache, count_dirty, seen);
	KTEST_EXPECT_EQ(t, seen[0], 0);
	store_free(t, s);
}

KTEST(page_cache, page_cache_get_charge_refused_returns_enospc_and_leaks_nothing)
{
	struct fake_store *s = store_new(&fake_ops, 2);
	struct cached_page *page = NULL;
	struct pmm_stats before, after;

	if (!KTEST_EXPECT(t, s))
		return;
	fill_page(t, s, 0, 1);
	fill_page(t, s, 1, 1);
	pmm_get_stats(&before);
	for (uint64_t i = 0; i < 64; i++)
		KTEST_EXPECT_EQ(t, page_cache_get(&s->cache, 2 + i * 64, &page), -ENOSPC);
	pmm_get_stats(&after);
	KTEST_EXPECT_EQ(t, s->charged, 2);
	KTEST_EXPECT_EQ(t, s->cache.nr_pages, 2);
	KTEST_EXPECT(t, page_cache_find(&s->cache, 2) == NULL);
	KTEST_EXPECT_EQ(t, page_cache_next_index(&s->cache, 2), UINT64_MAX);
	/* 64 refusals that each leaked a frame would show; allow slab noise. */
	KTEST_EXPECT(t, after.free_pages + 4 >= before.free_pages);
	/* Room again after a truncate: the charge was given back. */
	page_cache_truncate(&s->cache, PAGE_SIZE);
	KTEST_EXPECT_EQ(t, s->charged, 1);
	fill_page(t, s, 5, 1);
	KTEST_EXPECT_EQ(t, s->charged, 2);
	store_free(t, s);
}

KTEST(page_cache, page_cache_write_whole_page_adds_dirty_page_with_data)
{
	struct fake_store *s = store_new(&fake_ops, 2);
	unsigned char *src = kmalloc(PAGE_SIZE, GFP_KERNEL);
	struct cached_page *page;
	struct iov_iter it;
	struct kvec v;

	if (!KTEST_EXPECT(t, s) || !KTEST_EXPECT(t, src))
		goto out;
	for (size_t i = 0; i < PAGE_SIZE; i++)
		src[i] = (unsigned char)(i * 7);
	v = (struct kvec){ src, PAGE_SIZE };
	iov_iter_kvec(&it, &v, 1);
	KTEST_EXPECT_EQ(t, page_cache_write_whole_page(&s->cache, 9, &it), PAGE_SIZE);
	KTEST_EXPECT_EQ(t, it.count, 0);
	KTEST_EXPECT_EQ(t, s->charged, 1);
	KTEST_EXPECT_EQ(t, s->cache.nr_pages, 1);
	KTEST_EXPECT_EQ(t, s->cache.nr_dirty, 1);
	page = page_cache_find(&s->cache, 9);
	if (KTEST_EXPECT(t, page)) {
		KTEST_EXPECT(t, !memcmp(page_cache_page_data(page), src, PAGE_SIZE));
		KTEST_EXPECT_EQ(t, page->flags, CPAGE_UPTODATE | CPAGE_DIRTY);
		page_cache_put(page);
	}
	/* Over a cached page: in place, no new charge. */
	src[0] = 0xab;
	iov_iter_kvec(&it, &v, 1);
	KTEST_EXPECT_EQ(t, page_cache_write_whole_page(&s->cache, 9, &it), PAGE_SIZE);
	KTEST_EXPECT_EQ(t, s->charged, 1);
	page = page_cache_find(&s->cache, 9);
	if (KTEST_EXPECT(t, page)) {
		KTEST_EXPECT_EQ(t, ((unsigned char *)page_cache_page_data(page))[0], 0xab);
		page_cache_put(page);
	}
	/* Refused by charge: nothing added, nothing consumed. */
	fill_page(t, s, 1, 0);
	iov_iter_kvec(&it, &v, 1);
	KTEST_EXPECT_EQ(t, page_cache_write_whole_page(&s->cache, 10, &it), -ENOSPC);
	KTEST_EXPECT_EQ(t, it.count, PAGE_SIZE);
	KTEST_EXPECT_EQ(t, s->charged, 2);
	KTEST_EXPECT_EQ(t, s->cache.nr_pages, 2);
	page_cache_drop_range(&s->cache, 0, UINT64_MAX);
	KTEST_EXPECT_EQ(t, s->cache.nr_dirty, 0);
out:
	kfree(src);
	if (s)
		store_free(t, s);
}

/* ---- concurrency ---------------------------------------------------------- */

struct stress {
	struct fake_store *s;
	struct spinlock charge_lock;
	int failures; /* atomic */
	int seed;     /* atomic */
};

static const struct page_cache_ops stress_ops = { .charge = fake_charge };

/* Get, check, fill and dirty pages at pseudo-random indices. */
static int stress_worker(void *arg)
{
	struct stress *st = arg;
	uint64_t x = 0x9e3779b97f4a7c15ull * (uint64_t)__atomic_add_fetch(&st->seed, 1,
									    __ATOMIC_RELAXED);

	for (int i = 0; i < 400; i++) {
		struct cached_page *page;
		uint64_t index;
		unsigned char *data;

		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		index = x % 200;
		if (page_cache_get(&st->s->cache, index, &page))
			continue; /* -ENOSPC: the limit is below 200 pages */
		data = page_cache_page_data(page);
		if (page->index != index || !(page->flags & CPAGE_UPTODATE))
			__atomic_add_fetch(&st->failures, 1, __ATOMIC_RELAXED);
		data[x % PAGE_SIZE] = 1;
		page_cache_mark_dirty(page);
		page_cache_put(page);
	}
	return 0;
}

KTEST(page_cache, page_cache_concurrent_get_and_truncate_stay_consistent)
{
	struct stress st = { .failures = 0, .seed = 0 };
	struct thread *th[4];
	int started = 0;

	st.s = store_new(&stress_ops, 150);
	if (!KTEST_EXPECT(t, st.s))
		return;
	spin_lock_init(&st.charge_lock, "ktest_stress_charge");
	st.s->charge_lock = &st.charge_lock;
	for (int i = 0; i < 4; i++)
		if (KTEST_EXPECT_EQ(t, thread_create(kernel_process(), stress_worker, &st, NULL,
						     &th[started]), 0))
			started++;
	for (int i = 0; i < 40; i++) {
		page_cache_truncate(&st.s->cache, (uint64_t)(i % 7) * 30 * PAGE_SIZE + 100);
		sched_yield();
	}
	for (int i = 0; i < started; i++)
		thread_join(th[i], NULL);
	KTEST_EXPECT_EQ(t, st.failures, 0);
	/* Counts match the tree: every page and dirty mark accounted for. */
	{
		uint64_t pages = 0, dirty = 0;

		for (uint64_t i = page_cache_next_index(&st.s->cache, 0); i != UINT64_MAX;
		     i = page_cache_next_index(&st.s->cache, i + 1)) {
			struct cached_page *page = page_cache_find(&st.s->cache, i);

			pages++;
			dirty += page && (page->flags & CPAGE_DIRTY);
			if (page)
				page_cache_put(page);
		}
		KTEST_EXPECT_EQ(t, pages, st.s->cache.nr_pages);
		KTEST_EXPECT_EQ(t, dirty, st.s->cache.nr_dirty);
		KTEST_EXPECT_EQ(t, (uint64_t)st.s->charged, pages);
	}
	store_free(t, st.s);
}

/* A lookup of a cached page and the put: the read path's fixed cost. */
KBENCH(page_cache_find_hit, 200000)
{
	struct fake_store *s = store_new(&fake_ops, 1000);
	struct cached_page *page;
	uint64_t done = 0;

	if (!s)
		return 0;
	for (uint64_t i = 0; i < 256; i++) {
		if (page_cache_get(&s->cache, i * 7, &page))
			goto out;
		page_cache_put(page);
	}
	for (uint64_t i = 0; i < n; i++) {
		page = page_cache_find(&s->cache, (i % 256) * 7);
		if (!page)
			goto out;
		page_cache_put(page);
		done++;
	}
out:
	page_cache_truncate(&s->cache, 0);
	kfree(s);
	return done;
}
