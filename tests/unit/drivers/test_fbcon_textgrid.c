// SPDX-License-Identifier: MIT
/*
 * Host unit tests for drivers/textgrid.c, the cell grid behind the VGA text
 * and framebuffer consoles: cursor movement, deferred wrapping, ring
 * scrolling, tabs, backspace, ANSI escapes and the dirty-row report.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <xdv/errno.h>
#include "../../../drivers/textgrid.h"

#define COLS 10
#define ROWS 4

static struct textgrid g;
static struct textgrid_cell cells[COLS * ROWS];

static void setup(void)
{
	cr_assert_eq(textgrid_init(&g, cells, COLS * ROWS, COLS, ROWS,
				   TG_ATTR_DEFAULT), 0);
}

static void put(const char *s)
{
	textgrid_write(&g, s, strlen(s));
}

/* Screen row y as a string, trailing blanks kept. */
static const char *row_text(unsigned y)
{
	static char buf[COLS + 1];
	const struct textgrid_cell *r = textgrid_row(&g, y);

	for (unsigned x = 0; x < COLS; x++)
		buf[x] = (char)r[x].ch;
	buf[COLS] = '\0';
	return buf;
}

TestSuite(textgrid, .init = setup);

Test(textgrid, init_zero_or_too_big_returns_einval)
{
	struct textgrid t;

	cr_expect_eq(textgrid_init(&t, cells, COLS * ROWS, 0, ROWS, 7), -EINVAL);
	cr_expect_eq(textgrid_init(&t, cells, COLS * ROWS, COLS, 0, 7), -EINVAL);
	cr_expect_eq(textgrid_init(&t, cells, COLS * ROWS, COLS, ROWS + 1, 7),
		     -EINVAL);
}

Test(textgrid, init_blank_screen_all_dirty)
{
	unsigned first, last;

	cr_assert(textgrid_take_dirty(&g, &first, &last));
	cr_expect_eq(first, 0);
	cr_expect_eq(last, ROWS - 1);
	cr_expect_str_eq(row_text(0), "          ");
	cr_expect_eq(textgrid_row(&g, 3)[9].attr, TG_ATTR_DEFAULT);
	cr_expect_not(textgrid_take_dirty(&g, &first, &last));
}

Test(textgrid, write_text_advances_cursor)
{
	put("abc");
	cr_expect_str_eq(row_text(0), "abc       ");
	cr_expect_eq(g.x, 3);
	cr_expect_eq(g.y, 0);
}

Test(textgrid, newline_goes_to_start_of_next_line)
{
	put("ab\ncd");
	cr_expect_str_eq(row_text(0), "ab        ");
	cr_expect_str_eq(row_text(1), "cd        ");
	cr_expect_eq(g.x, 2);
}

Test(textgrid, carriage_return_overwrites_line)
{
	put("hello\rJ");
	cr_expect_str_eq(row_text(0), "Jello     ");
}

Test(textgrid, full_line_then_newline_leaves_no_blank_line)
{
	put("0123456789\nx");
	cr_expect_str_eq(row_text(0), "0123456789");
	cr_expect_str_eq(row_text(1), "x         ");
}

Test(textgrid, long_line_wraps_to_next_row)
{
	put("0123456789ab");
	cr_expect_str_eq(row_text(1), "ab        ");
	cr_expect_eq(g.y, 1);
	cr_expect_eq(g.x, 2);
}

Test(textgrid, bottom_newline_scrolls_up)
{
	unsigned first, last;

	put("l1\nl2\nl3\nl4");
	textgrid_take_dirty(&g, &first, &last);
	put("\nl5");
	cr_expect_str_eq(row_text(0), "l2        ");
	cr_expect_str_eq(row_text(2), "l4        ");
	cr_expect_str_eq(row_text(3), "l5        ");
	cr_expect_eq(g.y, ROWS - 1);
	cr_assert(textgrid_take_dirty(&g, &first, &last));
	cr_expect_eq(first, 0);
	cr_expect_eq(last, ROWS - 1);
}

Test(textgrid, many_scrolls_keep_ring_consistent)
{
	char line[16];

	for (int i = 0; i < 1000; i++) {
		snprintf(line, sizeof(line), "\n%d", i);
		put(line);
	}
	cr_expect_str_eq(row_text(0), "996       ");
	cr_expect_str_eq(row_text(3), "999       ");
}

Test(textgrid, scroll_blanks_new_bottom_row_in_current_colours)
{
	put("aaaaaaaaaa\nb\nc\nd\n");
	cr_expect_str_eq(row_text(3), "          ");
	cr_expect_eq(textgrid_row(&g, 3)[0].attr, TG_ATTR_DEFAULT);
}

Test(textgrid, tab_moves_to_next_multiple_of_eight)
{
	put("a\tb");
	cr_expect_eq(textgrid_row(&g, 0)[8].ch, 'b');
	put("\r\t\t");
	cr_expect_eq(g.x, COLS - 1); /* clamped at the last column */
}

Test(textgrid, backspace_moves_left_without_erasing)
{
	put("ab\b");
	cr_expect_eq(g.x, 1);
	cr_expect_str_eq(row_text(0), "ab        ");
	put("\b\b\b");
	cr_expect_eq(g.x, 0);
}

Test(textgrid, backspace_space_backspace_erases_last_column)
{
	put("0123456789\b \b");
	cr_expect_str_eq(row_text(0), "012345678 ");
	cr_expect_eq(g.y, 0);
	cr_expect_eq(g.x, COLS - 1);
}

Test(textgrid, control_bytes_ignored_high_bytes_kept)
{
	put("a\x01\x07\x7f" "b\x80");
	cr_expect_eq(textgrid_row(&g, 0)[0].ch, 'a');
	cr_expect_eq(textgrid_row(&g, 0)[1].ch, 'b');
	cr_expect_eq(textgrid_row(&g, 0)[2].ch, 0x80);
	cr_expect_eq(g.x, 3);
}

Test(textgrid, sgr_sets_and_resets_colours)
{
	put("\033[31mr\033[1;32mg\033[44mb\033[0mn");
	const struct textgrid_cell *r = textgrid_row(&g, 0);

	cr_expect_eq(r[0].attr, TG_ATTR(TG_RED, TG_BLACK));
	cr_expect_eq(r[1].attr, TG_ATTR(TG_LIGHT_GREEN, TG_BLACK));
	cr_expect_eq(r[2].attr, TG_ATTR(TG_LIGHT_GREEN, TG_BLUE));
	cr_expect_eq(r[3].attr, TG_ATTR_DEFAULT);
	cr_expect_str_eq(row_text(0), "rgbn      ");
}

Test(textgrid, sgr_without_parameters_resets)
{
	put("\033[97;101m\033[mx");
	cr_expect_eq(textgrid_row(&g, 0)[0].attr, TG_ATTR_DEFAULT);
}

Test(textgrid, escape_split_across_writes)
{
	put("\033");
	put("[3");
	put("4mz");
	cr_expect_eq(textgrid_row(&g, 0)[0].attr, TG_ATTR(TG_BLUE, TG_BLACK));
	cr_expect_eq(textgrid_row(&g, 0)[0].ch, 'z');
}

Test(textgrid, cursor_position_and_erase)
{
	put("aaaaaaaaaa\nbbbbbbbbbb\ncccccccccc");
	put("\033[2;4H\033[K");
	cr_expect_str_eq(row_text(1), "bbb       ");
	put("\033[1;1HX\033[2J");
	cr_expect_str_eq(row_text(0), "          ");
	cr_expect_str_eq(row_text(2), "          ");
	cr_expect_eq(g.x, 1);
	cr_expect_eq(g.y, 0);
}

Test(textgrid, cursor_moves_clamp_at_edges)
{
	put("\033[99B\033[99C");
	cr_expect_eq(g.y, ROWS - 1);
	cr_expect_eq(g.x, COLS - 1);
	put("\033[A\033[2D");
	cr_expect_eq(g.y, ROWS - 2);
	cr_expect_eq(g.x, COLS - 3);
	put("\033[99999;99999H");
	cr_expect_eq(g.y, ROWS - 1);
	cr_expect_eq(g.x, COLS - 1);
}

Test(textgrid, malformed_escapes_are_harmless)
{
	put("\033[1;2;3;4;5;6;7;8;9m\033[?25lA\033Xb\033[\nc");
	cr_expect_eq(textgrid_row(&g, 0)[0].ch, 'A');
	cr_expect_eq(textgrid_row(&g, 0)[1].ch, 'b');
	cr_expect_eq(textgrid_row(&g, 1)[0].ch, 'c');
}

Test(textgrid, take_dirty_reports_only_changed_rows)
{
	unsigned first, last;

	textgrid_take_dirty(&g, &first, &last);
	put("\n\nxy");
	cr_assert(textgrid_take_dirty(&g, &first, &last));
	cr_expect_eq(first, 2);
	cr_expect_eq(last, 2);
	put("\n");
	cr_expect_not(textgrid_take_dirty(&g, &first, &last));
}
