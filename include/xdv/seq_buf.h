/* SPDX-License-Identifier: MIT */
/*
 * seq_buf (fs/seq_buf.c): text built piece by piece into a fixed buffer,
 * for generated files (procfs, /proc/mounts, a file system's
 * show_options). Its own header so that pure code and host unit tests
 * can use it without the VFS; <xdv/vfs.h> includes it.
 */
#pragma once

#include <xdv/compiler.h>

/*
 * Text built piece by piece for a generated file (procfs, /proc/mounts,
 * show_options). Output past size is counted but dropped (overflow set),
 * so a caller can retry with a bigger buffer.
 */
struct seq_buf {
	char *buf;
	size_t size;
	size_t len;     /* bytes written, or that would have been */
};

void seq_buf_init(struct seq_buf *m, char *buf, size_t size);
void seq_printf(struct seq_buf *m, const char *fmt, ...) __printf(2, 3);
void seq_puts(struct seq_buf *m, const char *s);
void seq_putc(struct seq_buf *m, char c);
/* Print s with ' ', '\t', '\n' and '\\' as octal escapes (\040), as /proc/mounts. */
void seq_escape(struct seq_buf *m, const char *s);
static inline bool seq_buf_overflowed(const struct seq_buf *m)
{
	return m->len > m->size;
}
