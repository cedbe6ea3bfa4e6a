#define _GNU_SOURCE /* memmem */
// SPDX-License-Identifier: MIT
/*
 * Host unit tests for the cpio parser (fs/cpio.c): archives written by the
 * host's GNU cpio at build time (tests/unit/fs/make-cpio-fixtures.sh, in
 * CPIO_FIXTURES), then the same archives truncated at every length,
 * corrupted field by field, concatenated, and mutated at random. Buffers
 * are malloc'd at their exact size so that ASan sees any read past them.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xdv/errno.h>
#include "../../../fs/cpio.h"
#include "xorshift.h"

#ifndef CPIO_FIXTURES
#error "CPIO_FIXTURES must name the directory of the generated archives"
#endif

struct blob {
	uint8_t *data;
	size_t len;
};

static struct blob load(const char *name)
{
	char path[512];
	struct blob b = { 0 };
	FILE *f;
	long n;

	snprintf(path, sizeof(path), "%s/%s", CPIO_FIXTURES, name);
	f = fopen(path, "rb");
	cr_assert_not_null(f, "cannot open %s (made by make-cpio-fixtures.sh)", path);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	b.len = (size_t)n;
	b.data = malloc(b.len ? b.len : 1);
	cr_assert_eq(fread(b.data, 1, b.len, f), b.len);
	fclose(f);
	return b;
}

/* A copy of the first len bytes in a buffer of exactly len bytes. */
static struct blob prefix(const struct blob *src, size_t len)
{
	struct blob b = { malloc(len ? len : 1), len };

	memcpy(b.data, src->data, len);
	return b;
}

/* Read every entry. Return: the last cpio_next result (0 or -EINVAL). */
static int read_all(const struct blob *b, struct cpio_reader *r, struct cpio_entry *ents,
		    unsigned max, unsigned *count)
{
	struct cpio_entry e;
	int ret;

	*count = 0;
	cpio_reader_init(r, b->data, b->len);
	while ((ret = cpio_next(r, &e)) == 1) {
		/* Whatever the input, an entry lies inside the buffer. */
		cr_assert(e.offset + CPIO_HEADER_SIZE <= b->len);
		cr_assert((const uint8_t *)e.name >= b->data);
		cr_assert((const uint8_t *)e.name + e.name_len < b->data + b->len);
		cr_assert_eq(e.name[e.name_len], '\0');
		cr_assert(e.data >= b->data && e.filesize <= b->len &&
			  e.data + e.filesize <= b->data + b->len);
		if (*count < max)
			ents[*count] = e;
		(*count)++;
	}
	return ret;
}

static const struct cpio_entry *find(const struct cpio_entry *ents, unsigned n,
				     const char *name)
{
	for (unsigned i = 0; i < n; i++)
		if (strcmp(ents[i].name, name) == 0)
			return &ents[i];
	cr_assert_fail("no entry %s", name);
	return NULL;
}

/* The tree of make-cpio-fixtures.sh, checked entry by entry. */
static void check_tree(const char *file, bool crc)
{
	struct blob b = load(file);
	struct cpio_reader r;
	struct cpio_entry ents[16];
	unsigned n;
	const struct cpio_entry *e, *l1, *l2;

	cr_assert_eq(read_all(&b, &r, ents, 16, &n), 0, "error at %zu: %s", r.error_offset,
		     r.error ? r.error : "");
	cr_assert_eq(n, 8);
	cr_expect_eq(r.archive, 1);
	for (unsigned i = 0; i < n; i++) {
		cr_expect_eq(ents[i].uid, 1000, "%s", ents[i].name);
		cr_expect_eq(ents[i].gid, 100, "%s", ents[i].name);
		cr_expect_eq(ents[i].has_checksum, crc);
		cr_expect_eq(ents[i].archive, 0);
	}
	e = find(ents, n, "dir");
	cr_expect_eq(e->mode, 040750);
	cr_expect_eq(e->mtime, 1015218367); /* 2002-03-04 05:06:07 UTC */
	e = find(ents, n, "dir/hello.txt");
	cr_expect_eq(e->mode, 0100644);
	cr_expect_eq(e->filesize, 13);
	cr_expect_eq(memcmp(e->data, "hello, world\n", 13), 0);
	cr_expect_eq(e->mtime, 981173106); /* 2001-02-03 04:05:06 UTC */
	cr_expect_eq(e->nlink, 1);
	e = find(ents, n, "dir/empty");
	cr_expect_eq(e->mode, 0100600);
	cr_expect_eq(e->filesize, 0);
	e = find(ents, n, "dir/big");
	cr_expect_eq(e->mode, 0100755);
	cr_assert_eq(e->filesize, 100000);
	for (unsigned i = 0; i < 100000; i++)
		cr_assert_eq(e->data[i], i % 251, "byte %u", i);
	if (crc) {
		uint32_t sum = 0;

		for (unsigned i = 0; i < 100000; i++)
			sum += i % 251;
		cr_expect_eq(e->check, sum);
	}
	e = find(ents, n, "dir/sym");
	cr_expect_eq(e->mode, 0120777);
	cr_expect_eq(e->filesize, 9);
	cr_expect_eq(memcmp(e->data, "hello.txt", 9), 0);
	e = find(ents, n, "dir/fifo");
	cr_expect_eq(e->mode, 010600);
	/* A hard link pair: one inode, nlink 2, the data with one of them. */
	l1 = find(ents, n, "dir/link1");
	l2 = find(ents, n, "dir/link2");
	cr_expect_eq(l1->ino, l2->ino);
	cr_expect_eq(l1->nlink, 2);
	cr_expect_eq(l2->nlink, 2);
	cr_expect_eq(l1->filesize + l2->filesize, 7);
	free(b.data);
}

Test(cpio, cpio_next_newc_from_gnu_cpio_gives_the_tree)
{
	check_tree("newc.cpio", false);
}

Test(cpio, cpio_next_crc_from_gnu_cpio_gives_the_tree_with_checksums)
{
	check_tree("crc.cpio", true);
}

Test(cpio, cpio_has_magic_newc_crc_yes_odc_and_short_no)
{
	cr_expect(cpio_has_magic("070701", 6));
	cr_expect(cpio_has_magic("070702xyz", 9));
	cr_expect(!cpio_has_magic("070707", 6));
	cr_expect(!cpio_has_magic("07070", 5));
	cr_expect(!cpio_has_magic("\x1f\x8b\x08", 3));
}

/* The offset just past the trailer entry (before GNU cpio's block padding). */
static size_t trailer_end(const struct blob *b)
{
	uint8_t *t = memmem(b->data, b->len, "TRAILER!!!", 11);

	cr_assert_not_null(t);
	return ALIGN_UP((size_t)(t - b->data) + 11, 4);
}

Test(cpio, cpio_next_truncated_at_every_length_fails_before_the_trailer)
{
	struct blob full = load("crc.cpio");
	size_t end = trailer_end(&full);
	struct cpio_entry ents[16];
	struct cpio_reader r;
	unsigned n;

	for (size_t len = 0; len <= full.len; len += (len < 1024 || len > end - 1024) ? 1 : 97) {
		struct blob b = prefix(&full, len);
		int ret = read_all(&b, &r, ents, 16, &n);

		if (len == 0 || len >= end) {
			cr_assert_eq(ret, 0, "len %zu: %s at %zu", len, r.error, r.error_offset);
		} else {
			cr_assert_eq(ret, -EINVAL, "len %zu", len);
			cr_assert_not_null(r.error);
			cr_assert(r.error_offset <= len);
			/* Entries before the cut are still handed out. */
			cr_assert(n <= 8);
		}
		free(b.data);
	}
	free(full.data);
}

Test(cpio, cpio_next_bad_magic_fails_at_offset_0)
{
	struct blob b = load("newc.cpio");
	struct cpio_reader r;
	struct cpio_entry e;

	b.data[5] = '7'; /* 070707: the old portable format */
	cpio_reader_init(&r, b.data, b.len);
	cr_expect_eq(cpio_next(&r, &e), -EINVAL);
	cr_expect_eq(r.error_offset, 0);
	cr_expect_str_eq(r.error, "bad magic (want 070701 or 070702)");
	/* The reader stays at its error. */
	cr_expect_eq(cpio_next(&r, &e), -EINVAL);
	free(b.data);
}

/* Corrupt the second entry's header at field byte `at`; expect why at its offset. */
static void corrupt_second(size_t at, uint8_t byte, const char *why)
{
	struct blob b = load("newc.cpio");
	struct cpio_reader r;
	struct cpio_entry e, first;
	size_t second;

	cpio_reader_init(&r, b.data, b.len);
	cr_assert_eq(cpio_next(&r, &first), 1);
	second = r.pos;
	b.data[second + at] = byte;
	cr_assert_eq(cpio_next(&r, &e), -EINVAL);
	cr_expect_eq(r.error_offset, second);
	cr_expect_str_eq(r.error, why);
	free(b.data);
}

Test(cpio, cpio_next_garbage_byte_in_header_fails_at_that_entry)
{
	corrupt_second(6 + 8 * 3 + 2, 'x', "header field is not 8 hex digits");
	corrupt_second(6 + 8 * 6, ' ', "header field is not 8 hex digits");
	corrupt_second(0, 'X', "bad magic (want 070701 or 070702)");
}

Test(cpio, cpio_next_oversized_file_size_fails)
{
	struct blob b = load("newc.cpio");
	struct cpio_reader r;
	struct cpio_entry e;

	memcpy(b.data + 6 + 8 * 6, "FFFFFFFF", 8); /* the first entry's filesize */
	cpio_reader_init(&r, b.data, b.len);
	cr_expect_eq(cpio_next(&r, &e), -EINVAL);
	cr_expect_eq(r.error_offset, 0);
	cr_expect_str_eq(r.error, "file size past the end of the archive");
	free(b.data);
}

/* Build one newc/crc entry by hand into out; returns its padded length. */
static size_t make_entry(uint8_t *out, const char *magic, uint32_t mode, uint32_t namesize,
			 const char *name, size_t name_bytes, const void *data, uint32_t size,
			 uint32_t check)
{
	size_t n;

	n = (size_t)sprintf((char *)out,
			    "%s%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X", magic,
			    1u, mode, 0u, 0u, 1u, 0u, size, 0u, 0u, 0u, 0u, namesize, check);
	cr_assert_eq(n, CPIO_HEADER_SIZE);
	memcpy(out + n, name, name_bytes);
	n += name_bytes;
	while (n % 4)
		out[n++] = 0;
	memcpy(out + n, data, size);
	n += size;
	while (n % 4)
		out[n++] = 0;
	return n;
}

static size_t make_trailer(uint8_t *out)
{
	return make_entry(out, "070701", 0, 11, "TRAILER!!!", 11, "", 0, 0);
}

/* Parse buf[0, len) as one entry; expect ret and, on error, why. */
static void expect_one(const uint8_t *src, size_t len, int want, const char *why)
{
	struct blob b = { malloc(len), len };
	struct cpio_reader r;
	struct cpio_entry e;

	memcpy(b.data, src, len);
	cpio_reader_init(&r, b.data, len);
	cr_expect_eq(cpio_next(&r, &e), want, "want %d (%s)", want, why ? why : "ok");
	if (why) {
		cr_expect_eq(r.error_offset, 0);
		cr_expect_str_eq(r.error, why);
	}
	free(b.data);
}

Test(cpio, cpio_next_bad_names_fail)
{
	uint8_t buf[8192];
	size_t n;

	n = make_entry(buf, "070701", 0100644, 4, "abcd", 4, "x", 1, 0);
	expect_one(buf, n, -EINVAL, "name not NUL-terminated");
	n = make_entry(buf, "070701", 0100644, 0, "", 0, "x", 1, 0);
	expect_one(buf, n, -EINVAL, "name size is 0 (no NUL)");
	n = make_entry(buf, "070701", 0100644, 4, "a\0b", 4, "x", 1, 0);
	expect_one(buf, n, -EINVAL, "NUL inside the name");
	n = make_entry(buf, "070701", 0100644, 0x10000000, "a", 2, "x", 1, 0);
	expect_one(buf, n, -EINVAL, "name longer than PATH_MAX");
	n = make_entry(buf, "070701", 0100644, 64, "a", 2, "", 0, 0);
	expect_one(buf, 120, -EINVAL, "truncated name");
	/* A good one, for contrast: then the missing trailer is the error. */
	n = make_entry(buf, "070701", 0100644, 2, "a", 2, "x", 1, 0);
	expect_one(buf, n, 1, NULL);
}

Test(cpio, cpio_next_crc_checksum_mismatch_fails_and_match_passes)
{
	uint8_t buf[512];
	size_t n;

	n = make_entry(buf, "070702", 0100644, 2, "f", 2, "\x01\x02\xff", 3, 0x102);
	expect_one(buf, n, 1, NULL);
	n = make_entry(buf, "070702", 0100644, 2, "f", 2, "\x01\x02\xff", 3, 0x101);
	expect_one(buf, n, -EINVAL, "070702 checksum mismatch");
	/* newc ignores the field; crc symlinks carry no sum (GNU cpio, Linux). */
	n = make_entry(buf, "070701", 0100644, 2, "f", 2, "\x01\x02\xff", 3, 0x101);
	expect_one(buf, n, 1, NULL);
	n = make_entry(buf, "070702", 0120777, 2, "l", 2, "target", 6, 0);
	expect_one(buf, n, 1, NULL);
}

Test(cpio, cpio_next_missing_trailer_fails_after_the_last_entry)
{
	uint8_t buf[512];
	size_t n = make_entry(buf, "070701", 040755, 2, "d", 2, "", 0, 0);
	struct cpio_reader r;
	struct cpio_entry e;

	cpio_reader_init(&r, buf, n);
	cr_assert_eq(cpio_next(&r, &e), 1);
	cr_expect_str_eq(e.name, "d");
	cr_expect_eq(cpio_next(&r, &e), -EINVAL);
	cr_expect_eq(r.error_offset, n);
	cr_expect_str_eq(r.error, "archive ends without TRAILER!!!");
}

Test(cpio, cpio_next_concatenated_archives_with_zero_padding_give_all_entries)
{
	struct blob a = load("newc.cpio"), c = load("crc.cpio");
	struct blob both = { malloc(a.len + 8 + c.len), a.len + 8 + c.len };
	struct cpio_entry ents[32];
	struct cpio_reader r;
	unsigned n;

	memcpy(both.data, a.data, a.len);
	memset(both.data + a.len, 0, 8);
	memcpy(both.data + a.len + 8, c.data, c.len);
	cr_assert_eq(read_all(&both, &r, ents, 32, &n), 0, "%s at %zu", r.error, r.error_offset);
	cr_expect_eq(n, 16);
	cr_expect_eq(r.archive, 2);
	cr_expect_eq(ents[0].archive, 0);
	cr_expect_eq(ents[8].archive, 1);
	cr_expect(ents[8].has_checksum);
	cr_expect_eq(ents[8].offset, a.len + 8);

	/* Misaligned: the next archive must start on a 4-byte boundary. */
	memmove(both.data + a.len + 7, both.data + a.len + 8, c.len);
	both.len--;
	cr_expect_eq(read_all(&both, &r, ents, 32, &n), -EINVAL);
	cr_expect_eq(n, 8);
	cr_expect_eq(r.error_offset, a.len + 7);
	cr_expect_str_eq(r.error, "next archive not 4-byte aligned after padding");
	free(a.data);
	free(c.data);
	free(both.data);
}

Test(cpio, cpio_next_garbage_after_trailer_fails_there)
{
	uint8_t buf[512];
	size_t n = make_trailer(buf);
	struct cpio_reader r;
	struct cpio_entry e;

	memcpy(buf + n, "GARBAGE!", 8);
	cpio_reader_init(&r, buf, n + 8);
	cr_expect_eq(cpio_next(&r, &e), -EINVAL);
	cr_expect_eq(r.error_offset, n);
	cr_expect_eq(r.archive, 1);
}

Test(cpio, cpio_next_random_garbage_fails_without_crash)
{
	uint64_t seed = 0x5eed;

	for (int round = 0; round < 2000; round++) {
		size_t len = xorshift64star(&seed) % 600;
		struct blob b = { malloc(len ? len : 1), len };
		struct cpio_entry ents[4];
		struct cpio_reader r;
		unsigned n;

		for (size_t i = 0; i < len; i++)
			b.data[i] = (uint8_t)xorshift64star(&seed);
		/* Half of them with a valid magic, to get past the first check. */
		if (round % 2 && len >= 6)
			memcpy(b.data, "070701", 6);
		int ret = read_all(&b, &r, ents, 4, &n);
		cr_assert(ret == 0 || ret == -EINVAL);
		if (ret)
			cr_assert(r.error && r.error_offset <= len);
		free(b.data);
	}
}

Test(cpio, cpio_next_fuzzed_archives_never_read_out_of_bounds)
{
	struct blob good = load("newc.cpio");
	size_t end = trailer_end(&good);
	uint64_t seed = 0xc0ffee;
	static const char hex[] = "0123456789abcdefFG\0 ";

	for (int round = 0; round < 3000; round++) {
		size_t len = end - (xorshift64star(&seed) % 2 ? 0 : xorshift64star(&seed) % end);
		struct blob b = prefix(&good, len);
		struct cpio_entry ents[16];
		struct cpio_reader r;
		unsigned n, flips = 1 + xorshift64star(&seed) % 8;

		for (unsigned i = 0; i < flips && len; i++) {
			size_t at = xorshift64star(&seed) % len;
			/* Headers are hex: mutate mostly to hex digits so sizes go wild. */
			if (xorshift64star(&seed) % 4)
				b.data[at] = hex[xorshift64star(&seed) % (sizeof(hex) - 1)];
			else
				b.data[at] = (uint8_t)xorshift64star(&seed);
		}
		int ret = read_all(&b, &r, ents, 16, &n);
		cr_assert(ret == 0 || ret == -EINVAL);
		if (ret)
			cr_assert(r.error && r.error_offset <= len);
		free(b.data);
	}
	free(good.data);
}
