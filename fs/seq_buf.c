// SPDX-License-Identifier: MIT
/*
 * seq_buf: text built piece by piece into a fixed buffer, for the files
 * procfs generates and for the show_options of /proc/mounts.
 *
 * Every call appends at m->len. Output that does not fit is counted but
 * dropped, so m->len keeps growing past m->size and seq_buf_overflowed()
 * tells the caller to retry with a bigger buffer (procfs_file.c does:
 * grow and regenerate, as Linux's seq_file). The buffer always holds a
 * NUL after its text while there is room for one; nobody relies on it.
 *
 * Locking: none. A seq_buf belongs to its caller (one generator at a time).
 */
#include <xdv/printk.h>
#include <xdv/string.h>
#include <xdv/seq_buf.h>

/*
 * Start m on buf[0..size). size may be 0 (a pure length count).
 * Context: any.
 */
void seq_buf_init(struct seq_buf *m, char *buf, size_t size)
{
	m->buf = buf;
	m->size = size;
	m->len = 0;
	if (size)
		buf[0] = '\0';
}

/* Room left before the end of the buffer (0 once it has overflowed). */
static size_t seq_room(const struct seq_buf *m)
{
	return m->len < m->size ? m->size - m->len : 0;
}

/*
 * Append len bytes of s. Bytes past the end are counted, not stored.
 */
static void seq_write(struct seq_buf *m, const char *s, size_t len)
{
	size_t room = seq_room(m);
	size_t n = len < room ? len : room;

	if (n)
		memcpy(m->buf + m->len, s, n);
	m->len += len;
	if (m->len < m->size)
		m->buf[m->len] = '\0';
}

/*
 * Append printf-style text (the kernel's vsnprintf conversions).
 * Context: any.
 */
void seq_printf(struct seq_buf *m, const char *fmt, ...)
{
	size_t room = seq_room(m);
	va_list ap;
	int n;

	va_start(ap, fmt);
	/* vsnprintf stores at most room - 1 characters and a NUL; it returns
	 * the full length, which is what overflow accounting needs. */
	n = vsnprintf(room ? m->buf + m->len : NULL, room, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= room && room) {
		/* It did not all fit: the last stored byte is vsnprintf's NUL,
		 * not text. Mark the buffer as overflowed by the full length. */
		m->len += (size_t)n;
		if (m->len <= m->size)
			m->len = m->size + 1;
		return;
	}
	m->len += (size_t)n;
}

/* Append the string s. Context: any. */
void seq_puts(struct seq_buf *m, const char *s)
{
	seq_write(m, s, strlen(s));
}

/* Append one character. Context: any. */
void seq_putc(struct seq_buf *m, char c)
{
	seq_write(m, &c, 1);
}

/*
 * Append s with space, tab, newline and backslash written as three-digit
 * octal escapes ("\040"), as Linux's /proc/mounts does, so a field never
 * contains the separators its reader splits on.
 * Context: any.
 */
void seq_escape(struct seq_buf *m, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == ' ' || c == '\t' || c == '\n' || c == '\\') {
			char esc[4] = { '\\', (char)('0' + ((c >> 6) & 7)),
					(char)('0' + ((c >> 3) & 7)), (char)('0' + (c & 7)) };

			seq_write(m, esc, sizeof(esc));
		} else {
			seq_write(m, (const char *)&c, 1);
		}
	}
}
