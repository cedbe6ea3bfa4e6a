// SPDX-License-Identifier: MIT
/*
 * Host unit tests for reading the kernel log record by record (the API
 * behind /dev/kmsg in kernel/printk.c): numbering from 0, a cursor that a
 * failed read leaves in place, -EAGAIN at the end, -EPIPE once records
 * were dropped under a slow reader, SEEK_END-style cursors, and records
 * with a syslog facility. printk keeps global state: Criterion runs each
 * test in its own process, so each starts with an empty log. The clock is
 * test_printk_ring.c's fake.
 */
#include <criterion/criterion.h>
#include <string.h>

#include <xdv/errno.h>
#include <xdv/printk.h>

static void expect_text(const struct printk_record *rec, const char *want)
{
	cr_expect_eq(rec->len, strlen(want));
	cr_expect(rec->len == strlen(want) && !memcmp(rec->text, want, rec->len),
		  "record text is %.*s, want %s", (int)rec->len, rec->text, want);
}

Test(printk_records, printk_read_record_numbers_records_from_zero)
{
	struct printk_cursor cur, next;
	static struct printk_record rec;

	printk(LOG_ERR, "one\ntwo\n");
	printk(LOG_DEBUG, "three");
	printk_cursor_first(&cur);
	cr_expect_eq(cur.seq, 0);
	for (int i = 0; i < 3; i++) {
		cr_assert_eq(printk_read_record(&cur, &rec, &next), 0);
		cr_expect_eq(rec.seq, (uint64_t)i);
		expect_text(&rec, (const char *[]){ "one", "two", "three" }[i]);
		cr_expect_eq(rec.prio, i < 2 ? LOG_ERR : LOG_DEBUG);
		/* The same cursor reads the same record again. */
		cr_assert_eq(printk_read_record(&cur, &rec, &next), 0);
		cr_expect_eq(rec.seq, (uint64_t)i);
		cur = next;
	}
	cr_expect_eq(printk_read_record(&cur, &rec, &next), -EAGAIN);
	printk(LOG_INFO, "four");
	cr_assert_eq(printk_read_record(&cur, &rec, &next), 0);
	cr_expect_eq(rec.seq, 3);
	expect_text(&rec, "four");
}

Test(printk_records, printk_cursor_end_reads_only_newer_records)
{
	struct printk_cursor cur, next;
	static struct printk_record rec;

	printk(LOG_INFO, "old");
	printk(LOG_INFO, "older");
	printk_cursor_end(&cur);
	cr_expect_eq(cur.seq, 2);
	cr_expect_eq(printk_read_record(&cur, &rec, &next), -EAGAIN);
	printk(LOG_INFO, "new");
	cr_assert_eq(printk_read_record(&cur, &rec, &next), 0);
	cr_expect_eq(rec.seq, 2);
	expect_text(&rec, "new");
}

Test(printk_records, printk_read_record_after_overrun_returns_epipe_then_oldest)
{
	struct printk_cursor cur, next, first;
	static struct printk_record rec;

	printk(LOG_INFO, "first");
	printk_cursor_first(&cur);
	/* ~110-byte records: 2000 of them overflow the 64 KiB ring. */
	for (int i = 0; i < 2000; i++)
		printk(LOG_DEBUG, "line %04d ...................................................."
				  "............................................", i);
	cr_assert_eq(printk_read_record(&cur, &rec, &next), -EPIPE);
	printk_cursor_first(&first);
	cr_expect_gt(next.seq, 0);
	cr_expect_eq(next.seq, first.seq);
	cr_expect_eq(next.pos, first.pos);
	cr_assert_eq(printk_read_record(&next, &rec, &cur), 0);
	cr_expect_eq(rec.seq, first.seq);
	/* The oldest kept record is line number seq - 1 ("first" was 0). */
	char want[16];

	snprintf(want, sizeof(want), "line %04d", (int)(rec.seq - 1));
	cr_expect(!memcmp(rec.text, want, strlen(want)), "%.*s", (int)rec.len, rec.text);
	/* Numbers stay consecutive after the overrun. */
	cr_assert_eq(printk_read_record(&cur, &rec, &next), 0);
	cr_expect_eq(rec.seq, first.seq + 1);
}

Test(printk_records, printk_log_prio_keeps_facility_and_whole_text)
{
	struct printk_cursor cur, next;
	static struct printk_record rec;

	printk_log_prio(3 << 3 | 6, "daemon\nline", 11);
	printk_cursor_first(&cur);
	cr_assert_eq(printk_read_record(&cur, &rec, &next), 0);
	cr_expect_eq(rec.prio, 3 << 3 | 6);
	expect_text(&rec, "daemon\nline"); /* one record, not split */
	cr_expect_eq(printk_read_record(&next, &rec, &cur), -EAGAIN);
}
