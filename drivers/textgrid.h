/* SPDX-License-Identifier: MIT */
/*
 * A text console's contents as a grid of cells, kept in RAM so that the
 * display drivers (fbcon.c, vga_text.c) never read video memory back and can
 * redraw only what changed. Private to drivers/.
 *
 * The rows form a ring: scrolling moves the ring's top row instead of the
 * cells, so it costs one row clear however many lines go by; the drivers
 * then compare the grid with what they last drew and repaint the
 * differences. Pure logic with no globals, so it is also built and tested
 * on the host (tests/unit/drivers/test_fbcon_textgrid.c).
 *
 * Locks: none here; the console layer serialises writers.
 */
#pragma once

#include <xdv/compiler.h>

/*
 * Colours use the VGA attribute byte: foreground in bits 0-3, background in
 * bits 4-7, from the 16 CGA colours below (bit 3 = bright).
 */
enum textgrid_colour {
	TG_BLACK, TG_BLUE, TG_GREEN, TG_CYAN, TG_RED, TG_MAGENTA, TG_BROWN,
	TG_LIGHT_GREY, TG_DARK_GREY, TG_LIGHT_BLUE, TG_LIGHT_GREEN,
	TG_LIGHT_CYAN, TG_LIGHT_RED, TG_LIGHT_MAGENTA, TG_YELLOW, TG_WHITE,
};

#define TG_ATTR(fg, bg)     ((uint8_t)(((bg) << 4) | (fg)))
#define TG_ATTR_DEFAULT     TG_ATTR(TG_LIGHT_GREY, TG_BLACK)
#define TG_ATTR_FG(attr)    ((attr) & 0x0f)
#define TG_ATTR_BG(attr)    ((attr) >> 4)
#define TG_TAB_WIDTH        8
#define TG_ESC_PARAMS_MAX   4

/* One character cell. ch is never a control character (< 0x20). */
struct textgrid_cell {
	uint8_t ch;
	uint8_t attr;
};

struct textgrid {
	struct textgrid_cell *cells; /* rows * cols cells: a ring of rows */
	unsigned cols, rows;
	unsigned top;                /* ring row shown as screen row 0 */
	unsigned x, y;               /* cursor, in screen coordinates */
	bool wrap_pending;           /* last column written; next glyph wraps */
	uint8_t attr;                /* colours for new text */
	uint8_t default_attr;        /* what ESC[0m returns to */

	/* Screen rows changed since the last textgrid_take_dirty(). */
	unsigned dirty_first, dirty_last; /* none when first > last */
	unsigned long scrolled;      /* lines scrolled since then */

	/* ANSI escape parser: ESC [ p1 ; p2 ... final. */
	uint8_t esc_state;
	uint8_t esc_nparams;
	uint16_t esc_params[TG_ESC_PARAMS_MAX];
};

/*
 * Set up g over the caller's cell array (capacity cells long) for a screen
 * of cols x rows, blank in colours attr, cursor top left, all rows dirty.
 * Return: 0, or -EINVAL when a dimension is zero or the array is too small.
 */
int __must_check textgrid_init(struct textgrid *g, struct textgrid_cell *cells,
			       size_t capacity, unsigned cols, unsigned rows,
			       uint8_t attr);

/*
 * Put len bytes into the grid. Printable bytes (and bytes >= 0x80, which
 * the drivers show as a box) are written at the cursor, wrapping at the
 * right edge and scrolling at the bottom. Control bytes: '\n' goes to the
 * start of the next line (the console layer's convention), '\r' to the start
 * of this one, '\t' to the next multiple of 8 columns, '\b' one column left
 * (without erasing, as terminals do); ESC starts an ANSI sequence (colours
 * ESC[...m, cursor ESC[r;cH and ESC[nA/B/C/D, erase ESC[nJ and ESC[nK);
 * other control bytes are ignored.
 */
void textgrid_write(struct textgrid *g, const char *buf, size_t len);

/* Colours for the text written from now on (VGA attribute byte). */
void textgrid_set_attr(struct textgrid *g, uint8_t attr);

/* Blank the whole screen in the current colours; cursor to the top left. */
void textgrid_clear(struct textgrid *g);

/*
 * Report which screen rows changed since the last call ([*first, *last])
 * and forget them. Return: false when nothing changed.
 */
bool textgrid_take_dirty(struct textgrid *g, unsigned *first, unsigned *last);

/* The cells of screen row y (0 = top), cols of them. y must be < rows. */
static inline const struct textgrid_cell *textgrid_row(const struct textgrid *g,
							unsigned y)
{
	unsigned r = g->top + y;

	if (r >= g->rows)
		r -= g->rows;
	return &g->cells[(size_t)r * g->cols];
}
