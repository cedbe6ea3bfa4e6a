// SPDX-License-Identifier: MIT
/*
 * printk: the kernel's message log. A message is formatted by vsnprintf
 * (kernel/format.c) into a buffer on the stack, split into lines, and each
 * line is
 *   - kept in the log ring (kernel/log_ring.c, 64 KiB, oldest lines dropped
 *     whole when it is full) with its level and timestamp, for dmesg
 *     (printk_log_read) and for consoles that register later
 *     (printk_log_for_each, called by console_register);
 *   - written to the consoles (console_write) with a "[    0.123456] "
 *     prefix, seconds.microseconds since boot, when its level is below the
 *     console log level (loglevel= / quiet on the command line).
 * All lines of one message share one timestamp. A message that does not end
 * in '\n' is ended as a line all the same (there is no KERN_CONT).
 *
 * Everything here is static data with an initialiser, so printk works from
 * the first instruction of kernel_main, long before a console or the clock
 * exists (timestamps read 0 until time_init). panic() does not go through
 * here: it calls vsnprintf and console_write directly, so a broken log ring
 * cannot stop a panic report.
 *
 * Each record keeps its syslog prio in the ring's level field: the level
 * alone for printk (facility 0, the kernel), facility << 3 | level for
 * lines written to /dev/kmsg (printk_log_prio). printk_read_record numbers
 * the records for /dev/kmsg: the oldest kept one is number ring.dropped
 * (every record before it was dropped), and each after it one more.
 *
 * Locks: printk_lock (IRQ-safe) goes around the body of vprintk after the
 * vsnprintf, around printk_log_read and printk_log_for_each (so also the
 * replay in console_register), so a line is pushed and written without
 * interleaving. Formatting stays outside the lock. A printk from inside
 * the lock (a fault while printing) is a kernel bug the spinlock reports;
 * panic() never takes it.
 */
#include <xdv/printk.h>
#include <xdv/console.h>
#include <xdv/errno.h>
#include <xdv/spinlock.h>
#include <xdv/time.h>

#include "log_ring.h"

/* Longest message printk formats at once; longer ones are cut. */
#define PRINTK_MSG_MAX LOG_TEXT_MAX

/* The kept log. 64 KiB holds about a thousand lines of boot messages. */
static char printk_log_buf[64 * 1024] __aligned(16);
static struct log_ring printk_ring = LOG_RING_INIT(printk_log_buf);

/*
 * Guards the ring and the consoles' output, so that lines from several
 * CPUs do not interleave. IRQ-safe: interrupt handlers print too.
 * console_register() takes it through printk_log_for_each() for the replay.
 */
static struct spinlock printk_lock = SPINLOCK_INIT("printk");

/* Lines with a level below this go to the consoles. */
static int printk_console_loglevel = LOG_LEVEL_DEFAULT;

static int printk_clamp_level(int level)
{
	if (level < LOG_EMERG)
		return LOG_EMERG;
	if (level > LOG_DEBUG)
		return LOG_DEBUG;
	return level;
}

/*
 * Keep one line and write it to the consoles. line has len bytes; has_nl
 * says line[len] is the '\n' that ended it, so it can go out in one write.
 * Locks: printk_lock held.
 */
static void printk_emit_line(int level, uint64_t ts_ns, const char *prefix,
			     size_t prefix_len, const char *line, size_t len,
			     bool has_nl, bool to_console)
{
	spin_assert_held(&printk_lock);
	log_ring_push(&printk_ring, level, ts_ns, line, len);
	if (!to_console)
		return;
	console_write(prefix, prefix_len);
	if (has_nl) {
		console_write(line, len + 1);
	} else {
		console_write(line, len);
		console_write("\n", 1);
	}
}

/*
 * Log a formatted message at level (clamped to LOG_EMERG..LOG_DEBUG).
 * Context: any; uses only the stack (about 1.1 KiB) and the static log.
 * Return: the number of characters formatted (after any cut).
 */
int vprintk(int level, const char *fmt, va_list ap)
{
	char msg[PRINTK_MSG_MAX];
	char prefix[LOG_PREFIX_MAX];
	size_t len, prefix_len, start;
	uint64_t ts_ns;
	bool to_console;
	int n;

	n = vsnprintf(msg, sizeof(msg), fmt, ap);
	len = n < 0 ? 0 : MIN((size_t)n, sizeof(msg) - 1);

	level = printk_clamp_level(level);
	to_console = level < printk_console_loglevel;
	ts_ns = time_since_boot_ns();
	prefix_len = log_format_prefix(prefix, sizeof(prefix), ts_ns);

	uint64_t irq = spin_lock_irqsave(&printk_lock);

	/* One line per '\n'; text after the last '\n' is a line too. */
	for (start = 0; start < len;) {
		size_t end = start;

		while (end < len && msg[end] != '\n')
			end++;
		printk_emit_line(level, ts_ns, prefix, prefix_len, msg + start,
				 end - start, end < len, to_console);
		start = end + 1;
	}
	spin_unlock_irqrestore(&printk_lock, irq);
	return (int)len;
}

/* printk: vprintk with the arguments inline. Context: any. */
int printk(int level, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vprintk(level, fmt, ap);
	va_end(ap);
	return n;
}

/*
 * Set the console log level: lines with a level below it reach the
 * consoles. 0 silences them, 8 shows everything including LOG_DEBUG; values
 * outside 0..8 are clamped. Context: any.
 */
void printk_set_console_level(int level)
{
	if (level < 0)
		level = 0;
	if (level > LOG_DEBUG + 1)
		level = LOG_DEBUG + 1;
	printk_console_loglevel = level;
}

/* Return: the console log level (LOG_LEVEL_DEFAULT until set). */
int printk_console_level(void)
{
	return printk_console_loglevel;
}

/*
 * Copy the kept log into buf, NUL-terminated, oldest line first. When it
 * does not all fit, the oldest lines are left out, never part of a line.
 * Context: any. Return: bytes copied, not counting the NUL.
 */
size_t printk_log_read(char *buf, size_t size)
{
	uint64_t irq = spin_lock_irqsave(&printk_lock);
	size_t n = log_ring_read(&printk_ring, buf, size);

	spin_unlock_irqrestore(&printk_lock, irq);
	return n;
}

/*
 * Call fn on each kept line, oldest first, formatted with its timestamp and
 * ending in '\n'. fn must not printk: a line pushed meanwhile may overwrite
 * the oldest records, which the walk then skips. Context: any; uses ~1 KiB
 * of stack for the line.
 */
void printk_log_for_each(void (*fn)(const char *line, size_t len, int level,
				    void *arg),
			 void *arg)
{
	char line[LOG_PREFIX_MAX + LOG_TEXT_MAX + 2];
	struct log_entry e;
	uint64_t irq = spin_lock_irqsave(&printk_lock);
	uint64_t pos = printk_ring.head;

	while (log_ring_next(&printk_ring, &pos, &e)) {
		size_t len = log_format_line(&e, line, sizeof(line));

		fn(line, MIN(len, sizeof(line) - 1), e.level & 7, arg);
	}
	spin_unlock_irqrestore(&printk_lock, irq);
}

_Static_assert(PRINTK_RECORD_MAX == LOG_TEXT_MAX, "printk records hold LOG_TEXT_MAX bytes");

/* A cursor at the oldest record kept. Context: any. */
void printk_cursor_first(struct printk_cursor *cur)
{
	uint64_t irq = spin_lock_irqsave(&printk_lock);

	cur->pos = printk_ring.head;
	cur->seq = printk_ring.dropped;
	spin_unlock_irqrestore(&printk_lock, irq);
}

/* A cursor after the newest record. Context: any. */
void printk_cursor_end(struct printk_cursor *cur)
{
	struct log_entry e;
	uint64_t irq = spin_lock_irqsave(&printk_lock);
	uint64_t pos = printk_ring.head;
	uint64_t seq = printk_ring.dropped;

	while (log_ring_next(&printk_ring, &pos, &e))
		seq++;
	cur->pos = printk_ring.tail;
	cur->seq = seq;
	spin_unlock_irqrestore(&printk_lock, irq);
}

/*
 * The record at cur, and the cursor after it. Context: any.
 * Return: 0, -EAGAIN (none yet), -EPIPE (dropped; *next = the oldest).
 */
int printk_read_record(const struct printk_cursor *cur, struct printk_record *rec,
		       struct printk_cursor *next)
{
	struct log_entry e;
	uint64_t irq = spin_lock_irqsave(&printk_lock);
	uint64_t pos = cur->pos;
	int err = 0;

	if (pos < printk_ring.head) {
		next->pos = printk_ring.head;
		next->seq = printk_ring.dropped;
		err = -EPIPE;
	} else if (!log_ring_next(&printk_ring, &pos, &e)) {
		err = -EAGAIN;
	} else {
		rec->seq = cur->seq;
		rec->ts_ns = e.ts_ns;
		rec->prio = e.level;
		rec->len = e.len;
		__builtin_memcpy(rec->text, e.text, e.len);
		next->pos = pos;
		next->seq = cur->seq + 1;
	}
	spin_unlock_irqrestore(&printk_lock, irq);
	return err;
}

/* One record with a syslog prio (a /dev/kmsg write). Context: any. */
void printk_log_prio(int prio, const char *text, size_t len)
{
	char prefix[LOG_PREFIX_MAX];
	uint64_t ts_ns = time_since_boot_ns();
	size_t prefix_len = log_format_prefix(prefix, sizeof(prefix), ts_ns);
	bool to_console;
	uint64_t irq;

	if (prio < 0 || prio > 0xffff)
		prio = LOG_INFO;
	to_console = (prio & 7) < printk_console_loglevel;
	irq = spin_lock_irqsave(&printk_lock);
	printk_emit_line(prio, ts_ns, prefix, prefix_len, text, len, false, to_console);
	spin_unlock_irqrestore(&printk_lock, irq);
}
