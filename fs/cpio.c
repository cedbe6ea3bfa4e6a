// SPDX-License-Identifier: MIT
/*
 * cpio archive parser: newc (070701) and crc (070702), the formats of
 * Linux's initramfs (see Documentation/driver-api/early-userspace/
 * buffer-format.rst). initramfs.c walks the entries this file hands out
 * and makes the files; this file only checks and decodes, so it is also
 * built for the host unit tests (tests/unit/fs/test_cpio.c), which feed it
 * archives from GNU cpio, truncated and mutated ones.
 *
 * Every length read from the archive is checked against what is left of
 * the buffer before it is used, with subtractions instead of additions so
 * that no sum can wrap. A bad entry stops the reader at its header offset
 * with a static string saying why; the entries before it stay valid.
 *
 * Locking: none. A reader belongs to its caller; the buffer is read only.
 */
#include <xdv/errno.h>
#include <xdv/string.h>
#include "cpio.h"

#define CPIO_FIELDS 13
#define CPIO_TRAILER "TRAILER!!!"

static bool cpio_magic_at(const uint8_t *p)
{
	return memcmp(p, "07070", 5) == 0 && (p[5] == '1' || p[5] == '2');
}

/*
 * cpio_has_magic - does buf start like a newc or crc archive?
 * Context: any; pure. Return: true for "070701" or "070702".
 */
bool cpio_has_magic(const void *buf, size_t len)
{
	return len >= 6 && cpio_magic_at(buf);
}

/*
 * cpio_reader_init - start reading the archive(s) in buf[0, len).
 * Context: any; pure. Locks: none (the reader is the caller's).
 */
void cpio_reader_init(struct cpio_reader *r, const void *buf, size_t len)
{
	memset(r, 0, sizeof(*r));
	r->buf = buf;
	r->len = len;
}

static int cpio_fail(struct cpio_reader *r, size_t offset, const char *why)
{
	r->error_offset = offset;
	r->error = why;
	return -EINVAL;
}

/* Decode 8 ASCII hex digits (either case). Return: false on any other byte. */
static bool cpio_hex8(const uint8_t *p, uint32_t *out)
{
	uint32_t v = 0;

	for (int i = 0; i < 8; i++) {
		uint8_t c = p[i];
		uint32_t d;

		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (c >= 'a' && c <= 'f')
			d = c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			d = c - 'A' + 10;
		else
			return false;
		v = v << 4 | d;
	}
	*out = v;
	return true;
}

/*
 * Skip the zero bytes that may follow a trailer. Return: 0 at the end of
 * the buffer, 1 at the next archive's first byte, -EINVAL on bad padding.
 */
static int cpio_skip_padding(struct cpio_reader *r)
{
	size_t start = r->pos;

	while (r->pos < r->len && r->buf[r->pos] == 0)
		r->pos++;
	if (r->pos == r->len)
		return 0;
	if (!IS_ALIGNED(r->pos, 4))
		return cpio_fail(r, r->pos, "next archive not 4-byte aligned after padding");
	if (r->len - r->pos < 6 || !cpio_magic_at(r->buf + r->pos))
		return cpio_fail(r, r->pos, start == r->pos ?
				 "bad magic (want 070701 or 070702)" :
				 "garbage after the zero padding of an archive");
	return 1;
}

/* Decode the header at r->pos into e (fields only). */
static int cpio_parse_header(struct cpio_reader *r, struct cpio_entry *e)
{
	const uint8_t *h = r->buf + r->pos;
	uint32_t f[CPIO_FIELDS];

	if (r->len - r->pos < 6 || !cpio_magic_at(h))
		return cpio_fail(r, r->pos, "bad magic (want 070701 or 070702)");
	if (r->len - r->pos < CPIO_HEADER_SIZE)
		return cpio_fail(r, r->pos, "truncated header");
	for (int i = 0; i < CPIO_FIELDS; i++)
		if (!cpio_hex8(h + 6 + 8 * i, &f[i]))
			return cpio_fail(r, r->pos, "header field is not 8 hex digits");

	memset(e, 0, sizeof(*e));
	e->offset = r->pos;
	e->ino = f[0];
	e->mode = f[1];
	e->uid = f[2];
	e->gid = f[3];
	e->nlink = f[4];
	e->mtime = f[5];
	e->filesize = f[6];
	e->dev_major = f[7];
	e->dev_minor = f[8];
	e->rdev_major = f[9];
	e->rdev_minor = f[10];
	e->name_len = f[11]; /* with its NUL until checked */
	e->check = f[12];
	e->has_checksum = h[5] == '2';
	e->archive = r->archive;
	return 0;
}

/* Sum of the data bytes, mod 2^32: the 070702 checksum. */
static uint32_t cpio_checksum(const uint8_t *data, size_t len)
{
	uint32_t sum = 0;

	for (size_t i = 0; i < len; i++)
		sum += data[i];
	return sum;
}

/* Read the entry at r->pos (a header is there) and move past it. */
static int cpio_read_entry(struct cpio_reader *r, struct cpio_entry *e)
{
	size_t at = r->pos, left, name_size, name_end, data_end;
	int err;

	err = cpio_parse_header(r, e);
	if (err)
		return err;
	name_size = e->name_len;
	if (name_size == 0)
		return cpio_fail(r, at, "name size is 0 (no NUL)");
	if (name_size > CPIO_NAME_MAX)
		return cpio_fail(r, at, "name longer than PATH_MAX");
	left = r->len - at - CPIO_HEADER_SIZE;
	if (name_size > left)
		return cpio_fail(r, at, "truncated name");
	e->name = (const char *)r->buf + at + CPIO_HEADER_SIZE;
	if (e->name[name_size - 1] != '\0')
		return cpio_fail(r, at, "name not NUL-terminated");
	e->name_len = name_size - 1;
	if (strnlen(e->name, name_size) != e->name_len)
		return cpio_fail(r, at, "NUL inside the name");

	/* Offsets below stay <= r->len, so the sums cannot wrap. */
	name_end = at + CPIO_HEADER_SIZE + name_size;
	if (ALIGN_UP(name_end, 4) - name_end > r->len - name_end)
		return cpio_fail(r, at, "truncated padding after the name");
	name_end = ALIGN_UP(name_end, 4);

	if (strcmp(e->name, CPIO_TRAILER) == 0) {
		/* Linux ignores a trailer's data; it must still fit. */
		if (e->filesize > r->len - name_end)
			return cpio_fail(r, at, "truncated trailer");
		r->pos = name_end + e->filesize;
		r->archive++;
		r->in_archive = false;
		return 0;
	}

	if (e->filesize > r->len - name_end)
		return cpio_fail(r, at, "file size past the end of the archive");
	e->data = r->buf + name_end;
	data_end = name_end + e->filesize;
	if (ALIGN_UP(data_end, 4) - data_end > r->len - data_end)
		return cpio_fail(r, at, "truncated padding after the data");
	/* GNU cpio and Linux check the sum of regular files only. */
	if (e->has_checksum && (e->mode & 0170000) == 0100000 &&
	    cpio_checksum(e->data, e->filesize) != e->check)
		return cpio_fail(r, at, "070702 checksum mismatch");
	r->pos = ALIGN_UP(data_end, 4);
	r->in_archive = true;
	return 1;
}

/*
 * cpio_next - the next entry, trailers and the zeros between archives
 * skipped. Context: any; pure. Locks: none.
 * Return: 1 and *e; 0 at the end; -EINVAL at a bad entry (r->error_offset
 * and r->error say where and why, and every later call says it again).
 */
int cpio_next(struct cpio_reader *r, struct cpio_entry *e)
{
	int ret;

	if (r->error)
		return -EINVAL;
	for (;;) {
		if (!r->in_archive) {
			/* Before the first archive or after a trailer. */
			ret = cpio_skip_padding(r);
			if (ret <= 0)
				return ret;
		} else if (r->pos == r->len) {
			return cpio_fail(r, r->pos, "archive ends without TRAILER!!!");
		}
		/* A trailer returns 0 and the loop goes on to the padding. */
		r->in_archive = true;
		ret = cpio_read_entry(r, e);
		if (ret != 0)
			return ret;
	}
}
