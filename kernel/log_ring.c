// SPDX-License-Identifier: MIT
/*
 * The log ring behind printk: a fixed byte buffer of variable-sized records,
 * one per line, each a 16-byte header (timestamp, level, length) followed by
 * the text, padded to 8 bytes. New records go at the tail; when there is no
 * room, the oldest records are dropped whole from the head, so what remains
 * is always a run of complete lines, oldest first.
 *
 * A record never straddles the end of the buffer: if it does not fit before
 * the end, the rest of the buffer is skipped (marked by a wrap header when
 * there is room for one) and the record starts again at offset 0. Records
 * are at most half the buffer, which is what guarantees that a record always
 * fits once enough old ones are gone.
 *
 * Pure logic on a caller-supplied buffer: no allocation, no console, no
 * clock. printk.c owns the kernel's ring; the host unit tests build their
 * own small ones. Locks: none here; the caller serialises.
 */
#include "log_ring.h"

#include <xdv/printk.h>

enum log_rec_kind {
	LOG_REC_LINE = 1,
	LOG_REC_WRAP = 2, /* skip to the start of the buffer */
};

struct log_rec {
	uint64_t ts_ns;
	uint32_t len;
	uint16_t level;
	uint16_t kind;
};

#define LOG_REC_HDR   sizeof(struct log_rec)
#define LOG_REC_ALIGN 8

_Static_assert(sizeof(struct log_rec) == 16, "log record header is 16 bytes");

/*
 * Headers are copied in and out rather than dereferenced in place, so the
 * buffer needs no particular alignment. __builtin_memcpy, because the
 * kernel's -ffreestanding would otherwise make each one a function call.
 */
static void log_rec_load(const struct log_ring *ring, size_t off,
			 struct log_rec *rec)
{
	__builtin_memcpy(rec, ring->buf + off, sizeof(*rec));
}

static void log_rec_store(struct log_ring *ring, size_t off,
			  const struct log_rec *rec)
{
	__builtin_memcpy(ring->buf + off, rec, sizeof(*rec));
}

static size_t log_rec_size(size_t len)
{
	return ALIGN_UP(LOG_REC_HDR + len, LOG_REC_ALIGN);
}

/* Longest text one record may hold in this ring. */
static size_t log_text_max(const struct log_ring *ring)
{
	return MIN((size_t)LOG_TEXT_MAX, ring->size / 2 - LOG_REC_HDR);
}

/* Bytes from pos to the end of the buffer, when no header fits or a wrap
 * header sits at pos; 0 when a record starts there. */
static size_t log_skip_at(const struct log_ring *ring, uint64_t pos,
			  struct log_rec *rec)
{
	size_t off = pos % ring->size;
	size_t rest = ring->size - off;

	if (rest < LOG_REC_HDR)
		return rest;
	log_rec_load(ring, off, rec);
	return rec->kind == LOG_REC_WRAP ? rest : 0;
}

static void log_ring_drop_oldest(struct log_ring *ring)
{
	struct log_rec rec;
	size_t skip = log_skip_at(ring, ring->head, &rec);

	if (skip) {
		ring->head += skip;
		return;
	}
	ring->head += log_rec_size(rec.len);
	ring->dropped++;
}

/* Set up ring over buf. Context: any. */
void log_ring_init(struct log_ring *ring, char *buf, size_t size)
{
	ring->buf = buf;
	ring->size = ALIGN_DOWN(size, (size_t)16);
	ring->head = 0;
	ring->tail = 0;
	ring->dropped = 0;
}

/* Append one line, dropping the oldest records for room. Locks: caller's. */
void log_ring_push(struct log_ring *ring, int level, uint64_t ts_ns,
		   const char *text, size_t len)
{
	struct log_rec rec;
	size_t need, off, pad;

	if (ring->size < 64)
		return; /* no buffer: keep nothing rather than corrupt memory */

	len = MIN(len, log_text_max(ring));
	need = log_rec_size(len);
	off = ring->tail % ring->size;
	pad = ring->size - off < need ? ring->size - off : 0;

	while (ring->size - (ring->tail - ring->head) < pad + need)
		log_ring_drop_oldest(ring);

	if (pad) {
		if (pad >= LOG_REC_HDR) {
			rec = (struct log_rec){ .kind = LOG_REC_WRAP };
			log_rec_store(ring, off, &rec);
		}
		ring->tail += pad;
		off = 0;
	}

	rec = (struct log_rec){
		.ts_ns = ts_ns,
		.len = (uint32_t)len,
		.level = (uint16_t)level,
		.kind = LOG_REC_LINE,
	};
	log_rec_store(ring, off, &rec);
	for (size_t i = 0; i < len; i++)
		ring->buf[off + LOG_REC_HDR + i] = text[i];
	ring->tail += need;
}

/* Next record at or after *pos, oldest first. Return: false at the end. */
bool log_ring_next(const struct log_ring *ring, uint64_t *pos,
		   struct log_entry *e)
{
	struct log_rec rec;

	if (ring->size < 64)
		return false;
	if (*pos < ring->head)
		*pos = ring->head; /* those were dropped meanwhile */

	while (*pos < ring->tail) {
		size_t skip = log_skip_at(ring, *pos, &rec);

		if (skip) {
			*pos += skip;
			continue;
		}
		e->ts_ns = rec.ts_ns;
		e->level = rec.level;
		e->len = rec.len;
		e->text = ring->buf + *pos % ring->size + LOG_REC_HDR;
		*pos += log_rec_size(rec.len);
		return true;
	}
	return false;
}

/* Return: the number of records kept. */
size_t log_ring_count(const struct log_ring *ring)
{
	struct log_entry e;
	uint64_t pos = ring->head;
	size_t n = 0;

	while (log_ring_next(ring, &pos, &e))
		n++;
	return n;
}

/* "[%5llu.%06llu] ", as Linux's dmesg shows it. Return: its length. */
size_t log_format_prefix(char *buf, size_t size, uint64_t ts_ns)
{
	unsigned long long sec = ts_ns / 1000000000u;
	unsigned long long usec = ts_ns % 1000000000u / 1000u;
	int n = snprintf(buf, size, "[%5llu.%06llu] ", sec, usec);

	if (n < 0 || size == 0)
		return 0;
	return MIN((size_t)n, size - 1);
}

/* "prefix text\n" into buf. Return: the line's full length. */
size_t log_format_line(const struct log_entry *e, char *buf, size_t size)
{
	char prefix[LOG_PREFIX_MAX];
	size_t plen = log_format_prefix(prefix, sizeof(prefix), e->ts_ns);
	size_t full = plen + e->len + 1;
	size_t i, o = 0;

	if (!size)
		return full;
	for (i = 0; i < plen && o + 1 < size; i++)
		buf[o++] = prefix[i];
	for (i = 0; i < e->len && o + 1 < size; i++)
		buf[o++] = e->text[i];
	if (o + 1 < size)
		buf[o++] = '\n';
	buf[o] = '\0';
	return full;
}

static size_t log_line_len(const struct log_entry *e)
{
	char prefix[LOG_PREFIX_MAX];

	return log_format_prefix(prefix, sizeof(prefix), e->ts_ns) + e->len + 1;
}

/* Copy the newest whole lines that fit, oldest of them first. */
size_t log_ring_read(const struct log_ring *ring, char *buf, size_t size)
{
	struct log_entry e;
	uint64_t pos = ring->head;
	size_t total = 0, out = 0;

	if (!size)
		return 0;

	while (log_ring_next(ring, &pos, &e))
		total += log_line_len(&e);

	/* Leave out the oldest lines until the rest fits with its NUL. */
	pos = ring->head;
	while (total > size - 1 && log_ring_next(ring, &pos, &e))
		total -= log_line_len(&e);

	while (log_ring_next(ring, &pos, &e))
		out += log_format_line(&e, buf + out, size - out);
	buf[out] = '\0';
	return out;
}
