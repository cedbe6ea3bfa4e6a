// SPDX-License-Identifier: MIT
/*
 * The large-file test of tmpfs (suite "tmpfs_big"; boot with -m 1G): a
 * 256 MiB file on a tmpfs of its own, written in 1 MiB pieces with a
 * pattern that depends on each 8-byte word's offset (so a page misplaced,
 * lost or doubled shows), read back byte-exact in pieces of another size,
 * then unlinked, which must give every page back. Kept apart from suite
 * "tmpfs" because it needs a quarter of a gigabyte.
 *
 * Locks: none of its own.
 */
#include <xdv/errno.h>
#include <xdv/ktest.h>
#include <xdv/mm.h>
#include <xdv/string.h>

#include "internal.h"

#define BIG_SIZE   (256ull << 20)
#define BIG_CHUNK  (1u << 20)
#define READ_CHUNK (192u << 10) /* not a divisor of BIG_CHUNK: pieces straddle */

/* The word at byte offset off (a multiple of 8). */
static uint64_t pattern_word(uint64_t off)
{
	uint64_t x = off * 0x9e3779b97f4a7c15ull;

	return x ^ (x >> 29) ^ 0x5eed;
}

static void fill_pattern(uint64_t *buf, size_t len, uint64_t off)
{
	for (size_t i = 0; i < len / 8; i++)
		buf[i] = pattern_word(off + i * 8);
}

/* The first byte offset in buf (read at off) that differs, or UINT64_MAX. */
static uint64_t check_pattern(const uint64_t *buf, size_t len, uint64_t off)
{
	for (size_t i = 0; i < len / 8; i++)
		if (buf[i] != pattern_word(off + i * 8))
			return off + i * 8;
	return UINT64_MAX;
}

KTEST(tmpfs_big, file_256m_written_read_back_exact)
{
	const char *dir = "/ktmpfs_big";
	const char *name = "/ktmpfs_big/big";
	struct pmm_stats pm;
	struct kstatfs sf;
	struct kstat st;
	struct file *f;
	uint64_t *buf;
	uint64_t bad = UINT64_MAX;
	loff_t pos;
	int err;

	pmm_get_stats(&pm);
	if (pm.free_pages * PAGE_SIZE < BIG_SIZE + (64ull << 20)) {
		KTEST_SKIP(t, "needs more than 320 MiB free (boot with -m 1G)");
		return;
	}
	buf = kmalloc(BIG_CHUNK, GFP_KERNEL);
	if (!KTEST_EXPECT(t, buf))
		return;
	err = vfs_mkdirat(AT_FDCWD, dir, 0755);
	KTEST_EXPECT(t, !err || err == -EEXIST);
	if (!KTEST_EXPECT_EQ(t, vfs_mount("tmpfs", dir, "tmpfs", 0, "size=300m"), 0))
		goto out_buf;
	if (!KTEST_EXPECT_EQ(t, vfs_open(name, O_RDWR | O_CREAT | O_TRUNC, 0600, &f), 0))
		goto out_umount;

	pos = 0;
	for (uint64_t off = 0; off < BIG_SIZE; off += BIG_CHUNK) {
		fill_pattern(buf, BIG_CHUNK, off);
		if (!KTEST_EXPECT_EQ(t, kernel_write(f, buf, BIG_CHUNK, &pos), BIG_CHUNK))
			break;
	}
	st.size = 0;
	KTEST_EXPECT_EQ(t, vfs_fstat(f, &st), 0);
	KTEST_EXPECT_EQ(t, st.size, BIG_SIZE);
	KTEST_EXPECT_EQ(t, st.blocks, BIG_SIZE / 512);
	KTEST_EXPECT_EQ(t, vfs_statfs(dir, &sf), 0);
	KTEST_EXPECT_EQ(t, sf.blocks - sf.bfree, BIG_SIZE / PAGE_SIZE);

	pos = 0;
	for (uint64_t off = 0; off < BIG_SIZE && bad == UINT64_MAX; off += READ_CHUNK) {
		size_t want = (size_t)MIN((uint64_t)READ_CHUNK, BIG_SIZE - off);

		memset(buf, 0, want);
		if (!KTEST_EXPECT_EQ(t, kernel_read(f, buf, want, &pos), want))
			break;
		bad = check_pattern(buf, want, off);
	}
	if (!KTEST_EXPECT_EQ(t, bad, UINT64_MAX))
		ktest_note(t, "first wrong word at offset %llu", (unsigned long long)bad);
	/* reading at the end gives 0 */
	KTEST_EXPECT_EQ(t, kernel_read(f, buf, 16, &pos), 0);
	file_put(f);

	KTEST_EXPECT_EQ(t, vfs_unlinkat(AT_FDCWD, name, 0), 0);
	KTEST_EXPECT_EQ(t, vfs_statfs(dir, &sf), 0);
	KTEST_EXPECT_EQ(t, sf.bfree, sf.blocks);
out_umount:
	KTEST_EXPECT_EQ(t, vfs_umount(dir, 0), 0);
	KTEST_EXPECT_EQ(t, vfs_unlinkat(AT_FDCWD, dir, AT_REMOVEDIR), 0);
out_buf:
	kfree(buf);
}
