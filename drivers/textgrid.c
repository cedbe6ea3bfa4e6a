// SPDX-License-Identifier: MIT
/*
 * The text grid behind the display consoles: what each character cell of
 * the screen holds, where the cursor is, and which rows changed. The VGA
 * text console and the framebuffer console both write through here and then
 * repaint the changed rows, so line editing, wrapping, scrolling and the
 * small ANSI escape subset live in one place and are unit tested on the host
 * (tests/unit/drivers/test_fbcon_textgrid.c).
 *
 * Scrolling is O(one row): the rows are a ring and scrolling advances the
 * ring's top, then blanks the row that comes into view at the bottom. The
 * whole screen is marked dirty; the drivers' own "drawn" copies make the
 * repaint skip every cell that did not really change.
 *
 * Wrapping is deferred as on VT100-style terminals: a glyph written in the
 * last column leaves the cursor there with wrap_pending set, and only the
 * next glyph moves to a new line, so a line of exactly cols characters
 * followed by '\n' does not leave an empty line behind.
 *
 * Locks: none; callers (the console layer) serialise writes to one grid.
 */
#include <xdv/errno.h>
#include "textgrid.h"

enum {
	ESC_NONE,   /* plain text */
	ESC_ESC,    /* seen ESC */
	ESC_CSI,    /* seen ESC [ : reading parameters */
};

#define ESC_PARAM_MAX 9999

/* ANSI colour numbers (SGR 30-37) in the VGA attribute's order. */
static const uint8_t ansi_to_vga[8] = {
	TG_BLACK, TG_RED, TG_GREEN, TG_BROWN,
	TG_BLUE, TG_MAGENTA, TG_CYAN, TG_LIGHT_GREY,
};

static void mark_dirty(struct textgrid *g, unsigned first, unsigned last)
{
	if (first < g->dirty_first)
		g->dirty_first = first;
	if (last > g->dirty_last)
		g->dirty_last = last;
}

static struct textgrid_cell *cell_at(struct textgrid *g, unsigned x, unsigned y)
{
	return (struct textgrid_cell *)&textgrid_row(g, y)[x];
}

/* Blank cells [x0, x1) of screen row y in the current background. */
static void blank_cells(struct textgrid *g, unsigned y, unsigned x0, unsigned x1)
{
	struct textgrid_cell *c = cell_at(g, 0, y);
	struct textgrid_cell blank = { ' ', g->attr };

	for (unsigned x = x0; x < x1; x++)
		c[x] = blank;
	mark_dirty(g, y, y);
}

static void newline(struct textgrid *g)
{
	g->x = 0;
	g->wrap_pending = false;
	if (g->y + 1 < g->rows) {
		g->y++;
		return;
	}
	/* Scroll: the old top row becomes the new bottom row. */
	g->top = g->top + 1 == g->rows ? 0 : g->top + 1;
	g->scrolled++;
	blank_cells(g, g->rows - 1, 0, g->cols);
	mark_dirty(g, 0, g->rows - 1);
}

static void put_glyph(struct textgrid *g, uint8_t ch)
{
	if (g->wrap_pending)
		newline(g);
	*cell_at(g, g->x, g->y) = (struct textgrid_cell){ ch, g->attr };
	mark_dirty(g, g->y, g->y);
	if (g->x + 1 < g->cols)
		g->x++;
	else
		g->wrap_pending = true;
}

/* ESC[...m: Select Graphic Rendition, the colour subset. */
static void csi_sgr(struct textgrid *g, unsigned n, const uint16_t *p)
{
	uint8_t fg = TG_ATTR_FG(g->attr), bg = TG_ATTR_BG(g->attr);

	for (unsigned i = 0; i < n; i++) {
		unsigned v = p[i];

		if (v == 0) {
			fg = TG_ATTR_FG(g->default_attr);
			bg = TG_ATTR_BG(g->default_attr);
		} else if (v == 1) {
			fg |= 0x08;            /* bold shows as bright */
		} else if (v == 22) {
			fg &= 0x07;
		} else if (v >= 30 && v <= 37) {
			fg = (fg & 0x08) | ansi_to_vga[v - 30];
		} else if (v == 39) {
			fg = TG_ATTR_FG(g->default_attr);
		} else if (v >= 40 && v <= 47) {
			bg = ansi_to_vga[v - 40];
		} else if (v == 49) {
			bg = TG_ATTR_BG(g->default_attr);
		} else if (v >= 90 && v <= 97) {
			fg = ansi_to_vga[v - 90] | 0x08;
		} else if (v >= 100 && v <= 107) {
			bg = ansi_to_vga[v - 100] | 0x08;
		}
		/* Anything else (underline, blink...) is ignored. */
	}
	g->attr = TG_ATTR(fg, bg);
}

/* ESC[nJ (mode 0: to the end, 1: from the start, 2/3: all) */
static void csi_erase_display(struct textgrid *g, unsigned mode)
{
	if (mode == 0) {
		blank_cells(g, g->y, g->x, g->cols);
		for (unsigned y = g->y + 1; y < g->rows; y++)
			blank_cells(g, y, 0, g->cols);
	} else if (mode == 1) {
		for (unsigned y = 0; y < g->y; y++)
			blank_cells(g, y, 0, g->cols);
		blank_cells(g, g->y, 0, g->x + 1);
	} else if (mode == 2 || mode == 3) {
		for (unsigned y = 0; y < g->rows; y++)
			blank_cells(g, y, 0, g->cols);
	}
}

/* ESC[nK (mode 0: to the end of the line, 1: from its start, 2: all) */
static void csi_erase_line(struct textgrid *g, unsigned mode)
{
	if (mode == 0)
		blank_cells(g, g->y, g->x, g->cols);
	else if (mode == 1)
		blank_cells(g, g->y, 0, g->x + 1);
	else if (mode == 2)
		blank_cells(g, g->y, 0, g->cols);
}

static unsigned clamp_sub(unsigned v, unsigned n)
{
	return v > n ? v - n : 0;
}

static unsigned clamp_add(unsigned v, unsigned n, unsigned max)
{
	return n > max - v ? max : v + n;
}

static void csi_dispatch(struct textgrid *g, uint8_t final)
{
	unsigned n = g->esc_nparams;
	const uint16_t *p = g->esc_params;
	unsigned count = p[0] ? p[0] : 1; /* for cursor moves: 0 means 1 */

	switch (final) {
	case 'm':
		csi_sgr(g, n, p);
		return;
	case 'H':
	case 'f':
		g->y = MIN(p[0] ? p[0] - 1u : 0u, g->rows - 1);
		g->x = MIN(n > 1 && p[1] ? p[1] - 1u : 0u, g->cols - 1);
		break;
	case 'A':
		g->y = clamp_sub(g->y, count);
		break;
	case 'B':
		g->y = clamp_add(g->y, count, g->rows - 1);
		break;
	case 'C':
		g->x = clamp_add(g->x, count, g->cols - 1);
		break;
	case 'D':
		g->x = clamp_sub(g->x, count);
		break;
	case 'J':
		csi_erase_display(g, p[0]);
		break;
	case 'K':
		csi_erase_line(g, p[0]);
		break;
	default:
		return; /* unsupported: ignored */
	}
	g->wrap_pending = false;
}

/* Feed one byte to the escape parser. Return: true if it consumed it. */
static bool escape_byte(struct textgrid *g, uint8_t c)
{
	if (g->esc_state == ESC_ESC) {
		if (c == '[') {
			g->esc_state = ESC_CSI;
			g->esc_nparams = 1;
			for (unsigned i = 0; i < TG_ESC_PARAMS_MAX; i++)
				g->esc_params[i] = 0;
		} else {
			g->esc_state = ESC_NONE; /* other ESC x: ignored */
		}
		return true;
	}
	/* ESC_CSI */
	if (c < 0x20) {
		g->esc_state = ESC_NONE; /* a control byte cancels the sequence */
		return false;
	}
	if (c >= '0' && c <= '9') {
		if (g->esc_nparams <= TG_ESC_PARAMS_MAX) {
			uint16_t *v = &g->esc_params[g->esc_nparams - 1];

			*v = MIN(*v * 10u + (unsigned)(c - '0'), ESC_PARAM_MAX);
		}
	} else if (c == ';') {
		if (g->esc_nparams <= TG_ESC_PARAMS_MAX)
			g->esc_nparams++;
	} else if (c >= 0x40 && c <= 0x7e) {
		g->esc_state = ESC_NONE;
		g->esc_nparams = MIN(g->esc_nparams, TG_ESC_PARAMS_MAX);
		csi_dispatch(g, c);
	}
	/* '?' and other private or intermediate bytes: ignored. */
	return true;
}

void textgrid_write(struct textgrid *g, const char *buf, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		uint8_t c = (uint8_t)buf[i];

		if (g->esc_state != ESC_NONE && escape_byte(g, c))
			continue;
		switch (c) {
		case '\n':
			newline(g);
			break;
		case '\r':
			g->x = 0;
			g->wrap_pending = false;
			break;
		case '\t':
			g->x = MIN((g->x / TG_TAB_WIDTH + 1) * TG_TAB_WIDTH,
				   g->cols - 1);
			break;
		case '\b':
			/* With a wrap pending the cursor is still on the last
			 * glyph, so "\b \b" erases it in place. */
			if (g->wrap_pending)
				g->wrap_pending = false;
			else if (g->x > 0)
				g->x--;
			break;
		case 0x1b:
			g->esc_state = ESC_ESC;
			break;
		default:
			if (c >= 0x20 && c != 0x7f)
				put_glyph(g, c);
			break;
		}
	}
}

void textgrid_set_attr(struct textgrid *g, uint8_t attr)
{
	g->attr = attr;
}

void textgrid_clear(struct textgrid *g)
{
	for (unsigned y = 0; y < g->rows; y++)
		blank_cells(g, y, 0, g->cols);
	g->x = 0;
	g->y = 0;
	g->wrap_pending = false;
}

bool textgrid_take_dirty(struct textgrid *g, unsigned *first, unsigned *last)
{
	if (g->dirty_first > g->dirty_last)
		return false;
	*first = g->dirty_first;
	*last = g->dirty_last;
	g->dirty_first = g->rows;
	g->dirty_last = 0;
	g->scrolled = 0;
	return true;
}

int textgrid_init(struct textgrid *g, struct textgrid_cell *cells,
		  size_t capacity, unsigned cols, unsigned rows, uint8_t attr)
{
	if (cols == 0 || rows == 0 || (size_t)cols * rows > capacity)
		return -EINVAL;
	*g = (struct textgrid){
		.cells = cells,
		.cols = cols,
		.rows = rows,
		.attr = attr,
		.default_attr = attr,
		.dirty_first = rows,
		.dirty_last = 0,
	};
	textgrid_clear(g);
	return 0;
}
