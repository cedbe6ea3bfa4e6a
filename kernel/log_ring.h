/* SPDX-License-Identifier: MIT */
/*
 * The kernel log ring (kernel/log_ring.c), private to kernel/: printk keeps
 * every line here, with its level and timestamp, for dmesg and for the
 * replay to consoles that register late. Pure logic over a caller-supplied
 * buffer, so it is tested on the host (tests/unit/kernel/test_printk_ring.c).
 *
 * Locks: none inside; the caller serialises (printk's lock, once SMP exists).
 */
#pragma once

#include <xdv/compiler.h>

/* Longest text one record keeps; a longer line is cut. */
#define LOG_TEXT_MAX 1024

/* Room for "[" + 20 digits of seconds + ".123456] " + NUL, with slack. */
#define LOG_PREFIX_MAX 40

/* A line as the ring holds it (the text has no '\n' and no NUL). */
struct log_entry {
	uint64_t ts_ns;
	int level;
	const char *text;
	size_t len;
};

/*
 * The ring. Positions are byte counts since the ring was set up, never
 * wrapped (64 bits last for ever); pos % size is the place in buf. Records
 * lie between head (oldest) and tail (where the next one goes).
 */
struct log_ring {
	char *buf;
	size_t size;      /* a multiple of 16, at least 64 */
	uint64_t head;
	uint64_t tail;
	uint64_t dropped; /* records dropped to make room, ever */
};

/* A static ring over a static array: usable before any code has run. */
#define LOG_RING_INIT(array) { .buf = (array), .size = sizeof(array) }

/* Set up ring over buf (size is rounded down to a multiple of 16). */
void log_ring_init(struct log_ring *ring, char *buf, size_t size);

/*
 * Append one line. The text is cut to what one record may hold (LOG_TEXT_MAX,
 * and half the ring); the oldest records are dropped, whole, to make room.
 */
void log_ring_push(struct log_ring *ring, int level, uint64_t ts_ns,
		   const char *text, size_t len);

/*
 * Walk the records, oldest first: start with *pos = ring->head; each call
 * fills *e and advances *pos. The entry points into the ring, so it is valid
 * only until the next push. Return: false when there are no more.
 */
bool log_ring_next(const struct log_ring *ring, uint64_t *pos,
		   struct log_entry *e);

/* Number of records kept. */
size_t log_ring_count(const struct log_ring *ring);

/*
 * Write the "[    0.123456] " prefix for ts_ns into buf (LOG_PREFIX_MAX is
 * always enough). Return: its length.
 */
size_t log_format_prefix(char *buf, size_t size, uint64_t ts_ns);

/*
 * Format e as one line, "prefix text\n", into buf, NUL-terminated.
 * Return: the full length of the line (more than size - 1 if it was cut).
 */
size_t log_format_line(const struct log_entry *e, char *buf, size_t size);

/*
 * Copy kept lines, formatted, into buf and NUL-terminate. When not all fit,
 * the oldest are left out, so the newest lines are always there; lines are
 * never cut. Return: bytes copied, not counting the NUL.
 */
size_t log_ring_read(const struct log_ring *ring, char *buf, size_t size);
