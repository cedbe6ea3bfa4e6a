// SPDX-License-Identifier: MIT
/*
 * Host unit tests for seq_buf (fs/seq_buf.c), the text builder of procfs
 * and /proc/mounts: appending within the buffer, overflow at every
 * boundary (the length keeps counting so the caller can size a retry),
 * and /proc/mounts-style escapes.
 */
#include <criterion/criterion.h>
#include <string.h>

#include <xdv/seq_buf.h>

Test(seq_buf, printf_within_buffer_appends)
{
	char buf[32];
	struct seq_buf m;

	seq_buf_init(&m, buf, sizeof(buf));
	seq_printf(&m, "%-8s%4d kB\n", "Mem:", 12);
	seq_puts(&m, "x");
	seq_putc(&m, 'y');
	cr_assert_eq(m.len, 18);
	cr_assert(!seq_buf_overflowed(&m));
	cr_assert_str_eq(buf, "Mem:      12 kB\nxy");
}

Test(seq_buf, printf_overflow_at_every_size_counts_full_length)
{
	const char *text = "0123456789abcdef";

	for (size_t size = 1; size <= 20; size++) {
		char buf[24];
		struct seq_buf m;

		memset(buf, '#', sizeof(buf));
		seq_buf_init(&m, buf, size);
		seq_printf(&m, "%s", text);
		if (size > 16) {
			cr_assert(!seq_buf_overflowed(&m), "size %zu", size);
			cr_assert_eq(m.len, 16);
			cr_assert_eq(memcmp(buf, text, 16), 0);
		} else {
			/* The text did not fit: it must say so, and how much it
			 * wanted (a retry with m.len + 1 bytes fits). */
			cr_assert(seq_buf_overflowed(&m), "size %zu", size);
			cr_assert_geq(m.len, 16, "size %zu", size);
		}
		cr_assert_eq(buf[size], '#', "wrote past the buffer at size %zu", size);
	}
}

Test(seq_buf, puts_exact_fit_then_overflow)
{
	char buf[5] = "####";
	struct seq_buf m;

	seq_buf_init(&m, buf, 4);
	seq_puts(&m, "abcd");
	cr_assert(!seq_buf_overflowed(&m));
	cr_assert_eq(memcmp(buf, "abcd", 4), 0);
	cr_assert_eq(buf[4], '\0'); /* untouched (the test's own terminator) */
	seq_putc(&m, 'e');
	cr_assert(seq_buf_overflowed(&m));
	cr_assert_eq(m.len, 5);
	seq_printf(&m, "%d", 42); /* after overflow: still counted */
	cr_assert_eq(m.len, 7);
}

Test(seq_buf, zero_size_counts_only)
{
	struct seq_buf m;

	seq_buf_init(&m, NULL, 0);
	seq_printf(&m, "%u-%u", 10u, 20u);
	seq_puts(&m, "ab");
	seq_escape(&m, "a b");
	cr_assert_eq(m.len, 5 + 2 + 6);
	cr_assert(seq_buf_overflowed(&m));
}

Test(seq_buf, escape_writes_octal_for_separators)
{
	char buf[64];
	struct seq_buf m;

	seq_buf_init(&m, buf, sizeof(buf));
	seq_escape(&m, "/mnt/my disk\ttab\nnl\\bs");
	cr_assert_str_eq(buf, "/mnt/my\\040disk\\011tab\\012nl\\134bs");
}

Test(seq_buf, escape_cut_at_end_overflows)
{
	char buf[6];
	struct seq_buf m;

	seq_buf_init(&m, buf, sizeof(buf));
	seq_escape(&m, "ab cd");
	cr_assert(seq_buf_overflowed(&m));
	cr_assert_eq(m.len, 8);
	cr_assert_eq(memcmp(buf, "ab\\040", 6), 0);
}
