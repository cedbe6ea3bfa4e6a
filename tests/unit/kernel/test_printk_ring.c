// SPDX-License-Identifier: MIT
/*
 * Host unit tests for the kernel log: the log ring (kernel/log_ring.c) on
 * small buffers of its own, then printk (kernel/printk.c) and the console
 * registry (kernel/console.c) together, with capture consoles standing in
 * for serial and screen.
 *
 * The clock is this file's time_since_boot_ns(), which returns fake_now_ns.
 * printk and console keep global state: each Criterion test runs in its own
 * process, so every test starts from an empty log and no consoles.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include <xdv/console.h>
#include <xdv/printk.h>
#include <xdv/time.h>

#include "../../../kernel/log_ring.h"

static uint64_t fake_now_ns;

uint64_t time_since_boot_ns(void)
{
	return fake_now_ns;
}

/* ---- log ring ---------------------------------------------------------- */

/* A ring over a heap buffer of exactly size bytes, so ASan sees overruns. */
static struct log_ring *ring_new(size_t size)
{
	struct log_ring *ring = malloc(sizeof(*ring));

	log_ring_init(ring, malloc(size), size);
	return ring;
}

static void ring_free(struct log_ring *ring)
{
	free(ring->buf);
	free(ring);
}

static void push_str(struct log_ring *ring, int level, uint64_t ts, const char *s)
{
	log_ring_push(ring, level, ts, s, strlen(s));
}

Test(log_ring, log_ring_next_empty_ring_returns_false)
{
	struct log_ring *ring = ring_new(256);
	struct log_entry e;
	uint64_t pos = ring->head;

	cr_expect_not(log_ring_next(ring, &pos, &e));
	cr_expect_eq(log_ring_count(ring), 0);
	ring_free(ring);
}

Test(log_ring, log_ring_push_one_line_next_returns_it)
{
	struct log_ring *ring = ring_new(256);
	struct log_entry e;
	uint64_t pos = ring->head;

	push_str(ring, LOG_WARNING, 1234, "hello");
	cr_assert(log_ring_next(ring, &pos, &e));
	cr_expect_eq(e.level, LOG_WARNING);
	cr_expect_eq(e.ts_ns, 1234);
	cr_expect_eq(e.len, 5);
	cr_expect_eq(memcmp(e.text, "hello", 5), 0);
	cr_expect_not(log_ring_next(ring, &pos, &e));
	ring_free(ring);
}

Test(log_ring, log_ring_push_empty_line_kept_with_zero_length)
{
	struct log_ring *ring = ring_new(256);
	struct log_entry e;
	uint64_t pos = ring->head;

	push_str(ring, LOG_INFO, 0, "");
	cr_assert(log_ring_next(ring, &pos, &e));
	cr_expect_eq(e.len, 0);
	ring_free(ring);
}

Test(log_ring, log_ring_push_long_text_cut_to_half_ring)
{
	struct log_ring *ring = ring_new(256);
	char big[1000];
	struct log_entry e;
	uint64_t pos = ring->head;

	memset(big, 'z', sizeof(big));
	log_ring_push(ring, LOG_INFO, 0, big, sizeof(big));
	cr_assert(log_ring_next(ring, &pos, &e));
	cr_expect_eq(e.len, 256 / 2 - 16);
	ring_free(ring);
}

Test(log_ring, log_ring_push_long_text_cut_to_text_max)
{
	struct log_ring *ring = ring_new(64 * 1024);
	char *big = malloc(5000);
	struct log_entry e;
	uint64_t pos = ring->head;

	memset(big, 'z', 5000);
	log_ring_push(ring, LOG_INFO, 0, big, 5000);
	cr_assert(log_ring_next(ring, &pos, &e));
	cr_expect_eq(e.len, LOG_TEXT_MAX);
	free(big);
	ring_free(ring);
}

/* Text of line number i, of a length that varies with i. */
static size_t line_text(char *buf, unsigned i, size_t maxlen)
{
	size_t len = (i * 7u) % (maxlen + 1);

	for (size_t k = 0; k < len; k++)
		buf[k] = (char)('a' + (i + k) % 26);
	/* The number first, so every line is recognisable. */
	if (len >= 8)
		memcpy(buf, (char[8]){ (char)i, (char)(i >> 8), (char)(i >> 16),
				      '#', '#', '#', '#', '#' }, 8);
	return len;
}

/* The kept lines must be exactly lines first..last, each intact. */
static void expect_suffix(struct log_ring *ring, unsigned pushed, size_t maxlen)
{
	size_t kept = log_ring_count(ring);
	unsigned first = pushed - (unsigned)kept;
	struct log_entry e;
	uint64_t pos = ring->head;
	char want[512];

	cr_assert(kept > 0 || pushed == 0);
	for (unsigned i = first; i < pushed; i++) {
		size_t len = line_text(want, i, maxlen);

		cr_assert(log_ring_next(ring, &pos, &e), "line %u missing", i);
		cr_assert_eq(e.len, len, "line %u: len %zu, want %zu", i, e.len, len);
		cr_assert_eq(memcmp(e.text, want, len), 0, "line %u differs", i);
		cr_assert_eq(e.ts_ns, (uint64_t)i);
		cr_assert_eq(e.level, (int)(i % 8));
	}
	cr_assert_not(log_ring_next(ring, &pos, &e));
	cr_assert_eq(ring->dropped, (uint64_t)first);
}

Test(log_ring, log_ring_push_until_full_drops_oldest_whole)
{
	struct log_ring *ring = ring_new(256);
	char text[512];

	for (unsigned i = 0; i < 40; i++) {
		size_t len = line_text(text, i, 40);

		log_ring_push(ring, (int)(i % 8), i, text, len);
		expect_suffix(ring, i + 1, 40);
	}
	cr_expect_gt(ring->dropped, 0);
	ring_free(ring);
}

Test(log_ring, log_ring_push_many_sizes_keeps_newest_intact)
{
	/* Ring sizes that hit every wrap case, including odd ones. */
	static const size_t sizes[] = { 64, 80, 200, 1000, 4096 };
	char text[512];

	for (size_t s = 0; s < ARRAY_SIZE(sizes); s++) {
		struct log_ring *ring = ring_new(sizes[s]);
		/* The longest line a record of this ring holds uncut. */
		size_t maxlen = MIN(ALIGN_DOWN(sizes[s], 16) / 2 - 16, sizeof(text));

		for (unsigned i = 0; i < 3000; i++) {
			size_t len = line_text(text, i, maxlen);

			log_ring_push(ring, (int)(i % 8), i, text, len);
		}
		expect_suffix(ring, 3000, maxlen);
		ring_free(ring);
	}
}

Test(log_ring, log_ring_push_varied_lengths_contents_stay_exact)
{
	struct log_ring *ring = ring_new(1008); /* not a power of two */
	char text[512];
	size_t maxlen = 1008 / 2 - 16;

	for (unsigned i = 0; i < 600; i++) {
		size_t len = line_text(text, i, maxlen);

		log_ring_push(ring, (int)(i % 8), i, text, len);
		expect_suffix(ring, i + 1, maxlen);
	}
	ring_free(ring);
}

Test(log_ring, log_ring_next_stale_position_restarts_at_oldest)
{
	struct log_ring *ring = ring_new(128);
	struct log_entry e;
	uint64_t pos = ring->head;

	push_str(ring, LOG_INFO, 1, "first line");
	for (int i = 0; i < 20; i++)
		push_str(ring, LOG_INFO, 2, "later line");
	cr_assert(log_ring_next(ring, &pos, &e));
	cr_expect_eq(e.ts_ns, 2); /* "first line" is gone */
	ring_free(ring);
}

Test(log_ring, log_format_prefix_zero_prints_dmesg_style)
{
	char buf[LOG_PREFIX_MAX];

	cr_expect_eq(log_format_prefix(buf, sizeof(buf), 0), 15);
	cr_expect_str_eq(buf, "[    0.000000] ");
}

Test(log_ring, log_format_prefix_nanoseconds_truncated_to_micros)
{
	char buf[LOG_PREFIX_MAX];

	log_format_prefix(buf, sizeof(buf), 123456789);
	cr_expect_str_eq(buf, "[    0.123456] ");
	log_format_prefix(buf, sizeof(buf), 12000000999ull);
	cr_expect_str_eq(buf, "[   12.000000] ");
}

Test(log_ring, log_format_prefix_large_seconds_widens_field)
{
	char buf[LOG_PREFIX_MAX];

	log_format_prefix(buf, sizeof(buf), 123456000001000ull);
	cr_expect_str_eq(buf, "[123456.000001] ");
	cr_expect_lt(log_format_prefix(buf, sizeof(buf), UINT64_MAX), LOG_PREFIX_MAX);
	cr_expect_str_eq(buf, "[18446744073.709551] ");
}

Test(log_ring, log_format_line_small_buffer_cut_and_returns_full_length)
{
	struct log_entry e = { .ts_ns = 0, .level = 6, .text = "abc", .len = 3 };
	char buf[32];

	cr_expect_eq(log_format_line(&e, buf, sizeof(buf)), 19);
	cr_expect_str_eq(buf, "[    0.000000] abc\n");
	cr_expect_eq(log_format_line(&e, buf, 17), 19);
	cr_expect_str_eq(buf, "[    0.000000] a");
	cr_expect_eq(log_format_line(&e, buf, 0), 19);
}

Test(log_ring, log_ring_read_everything_fits_oldest_first)
{
	struct log_ring *ring = ring_new(1024);
	char buf[256];

	push_str(ring, LOG_INFO, 1000, "one");
	push_str(ring, LOG_ERR, 2000000000ull, "two");
	cr_expect_eq(log_ring_read(ring, buf, sizeof(buf)), 38);
	cr_expect_str_eq(buf, "[    0.000001] one\n[    2.000000] two\n");
	ring_free(ring);
}

Test(log_ring, log_ring_read_small_buffer_keeps_newest_whole_lines)
{
	struct log_ring *ring = ring_new(1024);
	char buf[40];

	push_str(ring, LOG_INFO, 0, "one");
	push_str(ring, LOG_INFO, 0, "two");
	push_str(ring, LOG_INFO, 0, "three");
	/* "two" (19) + "three" (21) = 40 bytes, one too many with the NUL. */
	cr_expect_eq(log_ring_read(ring, buf, sizeof(buf)), 21);
	cr_expect_str_eq(buf, "[    0.000000] three\n");
	cr_expect_eq(log_ring_read(ring, buf, 10), 0);
	cr_expect_str_eq(buf, "");
	ring_free(ring);
}

Test(log_ring, log_ring_read_size_zero_writes_nothing)
{
	struct log_ring *ring = ring_new(256);
	char c = 'x';

	push_str(ring, LOG_INFO, 0, "one");
	cr_expect_eq(log_ring_read(ring, &c, 0), 0);
	cr_expect_eq(c, 'x');
	ring_free(ring);
}

/* ---- printk and consoles ------------------------------------------------ */

struct capture {
	struct console con;
	char out[16384];
	size_t len;
	unsigned writes;
};

static void capture_write(struct console *con, const char *buf, size_t len)
{
	struct capture *c = container_of(con, struct capture, con);

	cr_assert_lt(c->len + len, sizeof(c->out), "capture overflow");
	memcpy(c->out + c->len, buf, len);
	c->len += len;
	c->out[c->len] = '\0';
	c->writes++;
}

static struct capture *capture_new(const char *name)
{
	struct capture *c = calloc(1, sizeof(*c));

	c->con.name = name;
	c->con.write = capture_write;
	return c;
}

Test(printk, printk_one_line_written_with_prefix)
{
	struct capture *c = capture_new("serial");

	console_register(&c->con);
	fake_now_ns = 3500000000ull;
	cr_expect_eq(printk(LOG_INFO, "hello %d\n", 42), 9);
	cr_expect_str_eq(c->out, "[    3.500000] hello 42\n");
}

Test(printk, printk_several_lines_prefix_on_each_line)
{
	struct capture *c = capture_new("serial");

	console_register(&c->con);
	printk(LOG_INFO, "a\nb\n\nc\n");
	cr_expect_str_eq(c->out, "[    0.000000] a\n[    0.000000] b\n"
				 "[    0.000000] \n[    0.000000] c\n");
}

Test(printk, printk_without_newline_ended_as_line)
{
	struct capture *c = capture_new("serial");

	console_register(&c->con);
	printk(LOG_INFO, "no newline");
	printk(LOG_INFO, "x\ny");
	cr_expect_str_eq(c->out, "[    0.000000] no newline\n"
				 "[    0.000000] x\n[    0.000000] y\n");
}

Test(printk, printk_empty_message_logs_nothing)
{
	char buf[64];

	cr_expect_eq(printk(LOG_INFO, "%s", ""), 0);
	cr_expect_eq(printk_log_read(buf, sizeof(buf)), 0);
}

Test(printk, printk_level_at_console_level_logged_not_written)
{
	struct capture *c = capture_new("serial");
	char buf[256];

	console_register(&c->con);
	printk_set_console_level(LOG_WARNING);
	printk(LOG_WARNING, "hidden\n");
	printk(LOG_ERR, "shown\n");
	cr_expect_str_eq(c->out, "[    0.000000] shown\n");
	printk_log_read(buf, sizeof(buf));
	cr_expect_str_eq(buf, "[    0.000000] hidden\n[    0.000000] shown\n");
}

Test(printk, printk_default_console_level_hides_debug)
{
	struct capture *c = capture_new("serial");

	console_register(&c->con);
	cr_expect_eq(printk_console_level(), LOG_LEVEL_DEFAULT);
	pr_debug("debug\n");
	pr_info("info\n");
	cr_expect_str_eq(c->out, "[    0.000000] info\n");
}

Test(printk, printk_set_console_level_out_of_range_clamped)
{
	printk_set_console_level(-3);
	cr_expect_eq(printk_console_level(), 0);
	printk_set_console_level(99);
	cr_expect_eq(printk_console_level(), 8);
}

Test(printk, printk_out_of_range_level_clamped_to_debug)
{
	struct capture *c = capture_new("serial");

	console_register(&c->con);
	printk(42, "too high\n");
	printk_set_console_level(8);
	printk(42, "shown now\n");
	cr_expect_str_eq(c->out, "[    0.000000] shown now\n");
}

Test(printk, printk_before_any_console_replayed_on_register)
{
	struct capture *c = capture_new("serial");

	fake_now_ns = 1000;
	printk(LOG_INFO, "early one\n");
	printk(LOG_DEBUG, "early debug\n");
	printk(LOG_ERR, "early two\n");
	console_register(&c->con);
	printk(LOG_INFO, "late\n");
	cr_expect_str_eq(c->out, "[    0.000001] early one\n"
				 "[    0.000001] early two\n"
				 "[    0.000001] late\n");
}

Test(printk, printk_second_console_gets_replay_first_gets_no_repeat)
{
	struct capture *a = capture_new("serial");
	struct capture *b = capture_new("vga");

	console_register(&a->con);
	printk(LOG_INFO, "one\n");
	console_register(&b->con);
	printk(LOG_INFO, "two\n");
	cr_expect_str_eq(a->out, "[    0.000000] one\n[    0.000000] two\n");
	cr_expect_str_eq(b->out, a->out);
	cr_expect_eq(console_count(), 2);
}

Test(printk, printk_long_message_cut_to_text_max)
{
	struct capture *c = capture_new("serial");
	char *big = malloc(3000);

	memset(big, 'q', 2999);
	big[2999] = '\0';
	console_register(&c->con);
	cr_expect_eq(printk(LOG_INFO, "%s", big), LOG_TEXT_MAX - 1);
	cr_expect_eq(c->len, 15 + LOG_TEXT_MAX - 1 + 1);
	free(big);
}

Test(printk, printk_log_full_drops_oldest_keeps_newest)
{
	static char buf[80 * 1024];
	size_t n;

	for (int i = 0; i < 5000; i++)
		printk(LOG_INFO, "line %04d with some text to fill the log\n", i);
	n = printk_log_read(buf, sizeof(buf));
	cr_expect_gt(n, 32 * 1024);
	cr_expect_lt(n, 64 * 1024);
	cr_expect_null(strstr(buf, "line 0000 "));
	const char *last = "] line 4999 with some text to fill the log\n";

	cr_expect_str_eq(buf + n - strlen(last), last);
	/* Starts at a whole line. */
	cr_expect_eq(strncmp(buf, "[    0.000000] line ", 20), 0);
}

static void count_line(const char *line, size_t len, int level, void *arg)
{
	unsigned *n = arg;

	cr_assert_gt(len, 0);
	cr_assert_eq(line[len - 1], '\n');
	cr_assert_eq(strlen(line), len);
	(*n)++;
}

Test(printk, printk_log_for_each_visits_every_line_oldest_first)
{
	unsigned n = 0;

	printk(LOG_INFO, "a\nb\n");
	printk(LOG_DEBUG, "c");
	printk_log_for_each(count_line, &n);
	cr_expect_eq(n, 3);
}

/* ---- console selection -------------------------------------------------- */

Test(console, console_register_twice_registers_once)
{
	struct capture *c = capture_new("serial");

	console_register(&c->con);
	console_register(&c->con);
	cr_expect_eq(console_count(), 1);
	console_write("x", 1);
	cr_expect_str_eq(c->out, "x");
}

Test(console, console_count_no_console_is_zero)
{
	cr_expect_eq(console_count(), 0);
	console_write("nobody", 6); /* must not crash */
}

Test(console, console_select_named_disables_others)
{
	struct capture *s = capture_new("serial");
	struct capture *v = capture_new("vga");
	struct capture *f = capture_new("fb");

	console_register(&s->con);
	console_register(&v->con);
	console_register(&f->con);
	console_select("serial,fb");
	cr_expect(s->con.enabled);
	cr_expect_not(v->con.enabled);
	cr_expect(f->con.enabled);
	console_write("x", 1);
	cr_expect_str_eq(s->out, "x");
	cr_expect_str_eq(v->out, "");
	cr_expect_str_eq(f->out, "x");
}

Test(console, console_select_unknown_names_ignored)
{
	struct capture *s = capture_new("serial");
	struct capture *v = capture_new("vga");

	console_register(&s->con);
	console_register(&v->con);
	console_select("ttyS0,vga,bogus");
	cr_expect_not(s->con.enabled);
	cr_expect(v->con.enabled);
}

Test(console, console_select_names_none_registered_keeps_all_enabled)
{
	struct capture *s = capture_new("serial");
	struct capture *v = capture_new("vga");

	console_register(&s->con);
	console_register(&v->con);
	console_select("fb");
	cr_expect(s->con.enabled);
	cr_expect(v->con.enabled);
	console_select("ser,serial2,,");
	cr_expect(s->con.enabled);
	cr_expect(v->con.enabled);
}

Test(console, console_select_before_register_applies_to_later_consoles)
{
	struct capture *s = capture_new("serial");
	struct capture *f = capture_new("fb");

	printk(LOG_INFO, "early\n");
	console_select("fb");
	console_register(&s->con);
	cr_expect(s->con.enabled); /* the only console: stays on */
	console_register(&f->con);
	cr_expect_not(s->con.enabled);
	cr_expect(f->con.enabled);
	cr_expect_str_eq(f->out, "[    0.000000] early\n");
	printk(LOG_INFO, "late\n");
	cr_expect_str_eq(s->out, "[    0.000000] early\n");
}

Test(console, console_select_disabled_on_register_gets_no_replay)
{
	struct capture *s = capture_new("serial");
	struct capture *v = capture_new("vga");

	console_register(&s->con);
	printk(LOG_INFO, "x\n");
	console_select("serial");
	console_register(&v->con);
	cr_expect_not(v->con.enabled);
	cr_expect_eq(v->len, 0);
}

Test(console, console_select_empty_list_enables_all)
{
	struct capture *s = capture_new("serial");
	struct capture *v = capture_new("vga");

	console_register(&s->con);
	console_register(&v->con);
	console_select("vga");
	cr_expect_not(s->con.enabled);
	console_select("");
	cr_expect(s->con.enabled);
	cr_expect(v->con.enabled);
	console_select(NULL);
	cr_expect(s->con.enabled);
}
