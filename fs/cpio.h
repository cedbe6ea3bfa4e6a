/* SPDX-License-Identifier: MIT */
/*
 * A parser of cpio archives in the "newc" (070701) and "crc" (070702)
 * formats, the ones Linux's initramfs accepts (fs/cpio.c). Pure logic: no
 * allocation, no printing, no globals, so host unit tests feed it real
 * archives made by GNU cpio and corrupted ones.
 *
 * Each entry is a 110-byte header of ASCII hex fields, the name (with its
 * NUL) padded to 4 bytes from the header's start, then the data padded to
 * 4 bytes. "TRAILER!!!" ends an archive; zero bytes may follow it and
 * another archive may start at any 4-byte-aligned offset after them, as
 * Linux accepts concatenated archives.
 */
#pragma once

#include <xdv/compiler.h>
#include <xdv/types.h>

#define CPIO_HEADER_SIZE 110
#define CPIO_NAME_MAX    4096 /* PATH_MAX, with the NUL, as Linux */

/* One entry; name and data point into the caller's buffer. */
struct cpio_entry {
	size_t offset;        /* of the header, from the buffer's start */
	const char *name;     /* NUL-terminated */
	size_t name_len;      /* without the NUL */
	uint32_t ino, mode, uid, gid, nlink, mtime, filesize;
	uint32_t dev_major, dev_minor, rdev_major, rdev_minor;
	uint32_t check;       /* 070702: the sum of the data bytes */
	bool has_checksum;    /* the entry is 070702 */
	const uint8_t *data;  /* filesize bytes */
	unsigned archive;     /* which concatenated archive (0 = first) */
};

struct cpio_reader {
	const uint8_t *buf;
	size_t len;
	size_t pos;           /* the next header, or the zeros after a trailer */
	unsigned archive;     /* archives whose trailer was seen */
	bool in_archive;      /* a header was read since the last trailer */
	/* After an error: where and why (a static string). */
	size_t error_offset;
	const char *error;
};

/* Start reading the archive(s) in buf[0, len). */
void cpio_reader_init(struct cpio_reader *r, const void *buf, size_t len);

/*
 * The next entry of the archive(s), trailers skipped.
 * Context: any; pure.
 * Return: 1 with *e filled; 0 at the end of the buffer (after a trailer and
 * only zero padding); -EINVAL on a bad entry (r->error_offset, r->error say
 * where and why; the reader then stays at that error).
 */
int __must_check cpio_next(struct cpio_reader *r, struct cpio_entry *e);

/* Return: true when buf starts with a newc or crc magic ("07070[12]"). */
bool cpio_has_magic(const void *buf, size_t len);
