/* SPDX-License-Identifier: MIT */
/*
 * Kernel messages: printk with syslog levels, a timestamp since boot on each
 * line, a ring buffer that keeps the log for a later dmesg, and the string
 * formatting (vsnprintf) that everything in the kernel uses.
 *
 * A file may define pr_fmt(fmt) before including this header to prefix all
 * its messages, e.g. #define pr_fmt(fmt) "serial: " fmt.
 */
#pragma once

#include <stdarg.h>
#include <xdv/compiler.h>

/*
 * Host unit tests link kernel/format.c into a program that also uses the C
 * library: keep the kernel's formatter from replacing libc's there.
 */
#ifdef XDV_HOST_TEST
#define vsnprintf xdv_vsnprintf
#define snprintf xdv_snprintf
#endif

enum log_level {
	LOG_EMERG = 0,
	LOG_ALERT = 1,
	LOG_CRIT = 2,
	LOG_ERR = 3,
	LOG_WARNING = 4,
	LOG_NOTICE = 5,
	LOG_INFO = 6,
	LOG_DEBUG = 7,
};

#define LOG_LEVEL_DEFAULT 7 /* console shows levels < this (loglevel=) */
#define LOG_LEVEL_QUIET   4 /* what "quiet" sets: errors and worse only */

/*
 * Format into buf (always NUL-terminated when size > 0).
 * Conversions: %d %i %u %x %X %o %c %s %p %% with flags "-+ 0#", width and
 * precision (also '*'), and length modifiers hh h l ll z t j.
 * Return: the length the full output would have had (like C99).
 */
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...) __printf(3, 4);

/*
 * Log a message at level: kept in the log ring and written to the consoles
 * when level is below the console log level. A message may span several
 * lines; each line gets the "[seconds.micros] " timestamp prefix.
 * Context: any; safe before the consoles exist (they get a replay).
 * Return: number of characters formatted.
 */
int printk(int level, const char *fmt, ...) __printf(2, 3);
int vprintk(int level, const char *fmt, va_list ap);

/* Console log level (loglevel=N on the command line; quiet means 4). */
void printk_set_console_level(int level);
int printk_console_level(void);

/*
 * Copy the kept log (oldest first, one line per message with timestamp)
 * into buf, NUL-terminated. Return: bytes copied, not counting the NUL.
 */
size_t printk_log_read(char *buf, size_t size);

/*
 * Call fn on each kept log line, oldest first (used to replay the log to a
 * console that registers late). Lines are formatted with their timestamp
 * and end in '\n'.
 */
void printk_log_for_each(void (*fn)(const char *line, size_t len, int level,
				    void *arg),
			 void *arg);

/*
 * Reading the log record by record (/dev/kmsg). Records are numbered from
 * 0 at boot (seq); a cursor names the next record to read. Records are
 * dropped, oldest first, when the ring is full, so a slow reader can find
 * its next record gone (-EPIPE).
 */
#define PRINTK_RECORD_MAX 1024 /* bytes of text one record keeps */

struct printk_cursor {
	uint64_t pos; /* the ring's byte position (kernel/log_ring.h) */
	uint64_t seq; /* the record's number */
};

struct printk_record {
	uint64_t seq;
	uint64_t ts_ns;    /* since boot */
	int prio;          /* facility << 3 | level (facility 0: the kernel) */
	size_t len;
	char text[PRINTK_RECORD_MAX]; /* not NUL-terminated */
};

/* A cursor at the oldest record kept (first) or after the newest (end). */
void printk_cursor_first(struct printk_cursor *cur);
void printk_cursor_end(struct printk_cursor *cur);
/*
 * Copy the record at cur into rec and set *next to the cursor after it;
 * cur itself is not changed (a reader whose buffer is too small keeps it).
 * Context: any. Return: 0, -EAGAIN (no record there yet), or -EPIPE
 * (records from cur on were dropped; *next is the oldest record kept).
 */
int printk_read_record(const struct printk_cursor *cur, struct printk_record *rec,
		       struct printk_cursor *next);
/*
 * Log one record of text (no '\n' split) with a syslog prio (facility <<
 * 3 | level), as a write to /dev/kmsg does; it reaches the consoles like
 * printk at level prio & 7. Context: any.
 */
void printk_log_prio(int prio, const char *text, size_t len);

#ifndef pr_fmt
#define pr_fmt(fmt) fmt
#endif

#define pr_emerg(fmt, ...) printk(LOG_EMERG, pr_fmt(fmt), ##__VA_ARGS__)
#define pr_alert(fmt, ...) printk(LOG_ALERT, pr_fmt(fmt), ##__VA_ARGS__)
#define pr_crit(fmt, ...)  printk(LOG_CRIT, pr_fmt(fmt), ##__VA_ARGS__)
#define pr_err(fmt, ...)   printk(LOG_ERR, pr_fmt(fmt), ##__VA_ARGS__)
#define pr_warn(fmt, ...)  printk(LOG_WARNING, pr_fmt(fmt), ##__VA_ARGS__)
#define pr_notice(fmt, ...) printk(LOG_NOTICE, pr_fmt(fmt), ##__VA_ARGS__)
#define pr_info(fmt, ...)  printk(LOG_INFO, pr_fmt(fmt), ##__VA_ARGS__)
#define pr_debug(fmt, ...) printk(LOG_DEBUG, pr_fmt(fmt), ##__VA_ARGS__)
