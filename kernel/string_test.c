// SPDX-License-Identifier: MIT
/*
 * In-kernel tests of memcpy, memmove and memset (kernel/string.c), which
 * take different paths by length (byte loop, word loop, string moves) and
 * by the alignment of their arguments: every length up to past the bulk
 * threshold, at every alignment pair, checked byte by byte against a
 * plain loop, including the bytes around the destination that must not
 * change. These run in the kernel because the host tests use libc's.
 */
#include <xdv/ktest.h>
#include <xdv/string.h>

#define AREA 512

static uint8_t string_src[AREA], string_dst[AREA], string_want[AREA];

static void string_fill_pattern(uint8_t *p, size_t n, unsigned seed)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)(i * 7 + seed * 13 + 1);
}

/* The first index where a and b differ, or n. */
static size_t string_first_difference(const uint8_t *a, const uint8_t *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (a[i] != b[i])
			return i;
	return n;
}

KTEST(string, memcpy_every_length_and_alignment_copies_exactly)
{
	unsigned bad = 0;

	string_fill_pattern(string_src, AREA, 1);
	for (size_t so = 0; so < 8; so++)
		for (size_t dof = 0; dof < 8; dof++)
			for (size_t n = 0; n <= 300 && !bad; n++) {
				string_fill_pattern(string_dst, AREA, 2);
				string_fill_pattern(string_want, AREA, 2);
				for (size_t i = 0; i < n; i++)
					string_want[16 + dof + i] = string_src[so + i];
				memcpy(string_dst + 16 + dof, string_src + so, n);
				if (string_first_difference(string_dst, string_want, AREA) != AREA) {
					ktest_note(t, "memcpy n=%zu src+%zu dst+%zu differs", n, so, dof);
					bad++;
				}
			}
	KTEST_EXPECT_EQ(t, bad, 0);
}

KTEST(string, memset_every_length_and_alignment_fills_exactly)
{
	unsigned bad = 0;

	for (size_t dof = 0; dof < 8; dof++)
		for (size_t n = 0; n <= 300 && !bad; n++) {
			string_fill_pattern(string_dst, AREA, 3);
			string_fill_pattern(string_want, AREA, 3);
			for (size_t i = 0; i < n; i++)
				string_want[16 + dof + i] = 0xA5;
			memset(string_dst + 16 + dof, 0xA5, n);
			if (string_first_difference(string_dst, string_want, AREA) != AREA) {
				ktest_note(t, "memset n=%zu dst+%zu differs", n, dof);
				bad++;
			}
		}
	KTEST_EXPECT_EQ(t, bad, 0);
}

KTEST(string, memmove_overlapping_either_way_moves_exactly)
{
	unsigned bad = 0;

	for (int shift = -9; shift <= 9 && !bad; shift++)
		for (size_t n = 0; n <= 200 && !bad; n++) {
			uint8_t *from = string_dst + 100;

			string_fill_pattern(string_dst, AREA, 4);
			string_fill_pattern(string_want, AREA, 4);
			for (size_t i = 0; i < n; i++)
				string_want[100 + shift + i] = string_dst[100 + i];
			memmove(from + shift, from, n);
			if (string_first_difference(string_dst, string_want, AREA) != AREA) {
				ktest_note(t, "memmove n=%zu shift=%d differs", n, shift);
				bad++;
			}
		}
	KTEST_EXPECT_EQ(t, bad, 0);
}
