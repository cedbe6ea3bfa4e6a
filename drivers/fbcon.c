// SPDX-License-Identifier: MIT
/*
 * The framebuffer console ("fb"): kernel messages drawn with the built-in
 * 8x16 font (font8x16.c) on the linear RGB framebuffer a UEFI (or VBE)
 * boot leaves behind, at 32, 24, 16 or 15 bits per pixel, in whatever
 * colour-field layout the loader reported.
 *
 * Video memory is slow (uncached on real hardware, and every store is
 * emulated under QEMU's TCG), and it is never read back here. What the
 * screen should show lives in a text grid in RAM (textgrid.c, where
 * scrolling just moves a ring's top row), and fb_drawn[] remembers what each
 * screen cell really shows. After each write the changed rows are
 * repainted, and only cells whose character or colours differ from what is
 * drawn; within such a cell, if the colours are unchanged, only the pixels
 * where the old and new glyphs differ are stored. Scrolling a screen of
 * log lines therefore writes well under one store per pixel, and a batch of
 * many lines (the log replay at registration) is drawn once, at the end.
 *
 * Colours: light grey on black; ANSI colour sequences (ESC[31m ...), parsed
 * by the text grid, are the hook for log-level colours and user programs.
 * The cursor is an underline on the two bottom pixel rows of its cell.
 *
 * All state is static (there is no allocator yet): the grids are sized for
 * 4096x2160; a larger screen uses its top-left 4096x2160 pixels.
 *
 * Locks: none of its own; the console layer serialises console writes.
 */
#include <xdv/boot.h>
#include <xdv/console.h>
#include <xdv/drivers.h>
#include <xdv/errno.h>
#include <xdv/mm.h>
#include "font.h"
#include "textgrid.h"

#define FBCON_MAX_WIDTH  4096
#define FBCON_MAX_HEIGHT 2160
#define FBCON_MAX_COLS   (FBCON_MAX_WIDTH / FONT_WIDTH)
#define FBCON_MAX_ROWS   (FBCON_MAX_HEIGHT / FONT_HEIGHT)
#define FBCON_MAX_CELLS  (FBCON_MAX_COLS * FBCON_MAX_ROWS)

/* Framebuffer geometry beyond this is taken as a corrupt boot record. */
#define FB_DIM_LIMIT     16384
#define FB_PITCH_LIMIT   (FB_DIM_LIMIT * 4)

#define CURSOR_FIRST_ROW 14 /* underline cursor: glyph rows 14-15 */

/* fb_drawn[] value for "unknown": the grid never holds ch 0 (a control). */
#define DRAWN_UNKNOWN 0

/* The 16 CGA colours of the VGA attribute byte, as 0xRRGGBB. */
static const uint32_t cga_rgb[16] = {
	0x000000, 0x0000aa, 0x00aa00, 0x00aaaa,
	0xaa0000, 0xaa00aa, 0xaa5500, 0xaaaaaa,
	0x555555, 0x5555ff, 0x55ff55, 0x55ffff,
	0xff5555, 0xff55ff, 0xffff55, 0xffffff,
};

static struct {
	uint8_t *base;          /* the framebuffer: direct map, then ioremap WC */
	paddr_t phys;
	uint32_t pitch;         /* bytes from one pixel row to the next */
	uint32_t width, height; /* pixels */
	unsigned bytes_pp;      /* 2, 3 or 4 */
	bool aligned_rows;      /* pitch and base 8-aligned: 64-bit stores work */
	uint32_t palette[16];   /* cga_rgb[] as pixel values */
	struct textgrid grid;
	unsigned cursor_x, cursor_y; /* where the cursor is drawn, */
	bool cursor_drawn;           /* if it is, */
	uint16_t cursor_cell;        /* and over which ch | attr << 8 */
	bool registered;
} fb;

/*
 * The 256 possible 8-pixel glyph rows, pre-rendered in the default colours
 * (almost all text): a full row is then 2-4 aligned 64-bit copies instead
 * of 8 pixels of bit tests and stores, which matters most at 24 bpp.
 */
static uint64_t row_cache[256][4];
static uint32_t row_cache_fg, row_cache_bg;

static struct textgrid_cell fb_cells[FBCON_MAX_CELLS];
/* Per screen cell (row-major, not a ring): ch | attr << 8 as drawn now. */
static uint16_t fb_drawn[FBCON_MAX_CELLS];

static uint32_t colour_field(uint32_t v8, uint8_t pos, uint8_t size)
{
	uint32_t v = size >= 8 ? v8 << (size - 8) : v8 >> (8 - size);

	return v << pos;
}

static uint32_t rgb_to_pixel(const struct boot_framebuffer *bf, uint32_t rgb)
{
	return colour_field((rgb >> 16) & 0xff, bf->red_pos, bf->red_size) |
	       colour_field((rgb >> 8) & 0xff, bf->green_pos, bf->green_size) |
	       colour_field(rgb & 0xff, bf->blue_pos, bf->blue_size);
}

static void put_pixel(uint8_t *p, uint32_t v)
{
	switch (fb.bytes_pp) {
	case 4:
		*(volatile uint32_t *)p = v;
		break;
	case 3:
		((volatile uint8_t *)p)[0] = (uint8_t)v;
		((volatile uint8_t *)p)[1] = (uint8_t)(v >> 8);
		((volatile uint8_t *)p)[2] = (uint8_t)(v >> 16);
		break;
	default:
		*(volatile uint16_t *)p = (uint16_t)v;
		break;
	}
}

/*
 * Store the pixels of one 8-pixel glyph row that mask selects (bit 7 = the
 * leftmost): fg where bits has a 1, bg where it has a 0.
 */
static void put_row(uint8_t *dst, unsigned mask, unsigned bits, uint32_t fg,
		    uint32_t bg)
{
	if (mask == 0xff && fb.aligned_rows && fg == row_cache_fg && bg == row_cache_bg) {
		volatile uint64_t *q = (volatile uint64_t *)dst;
		const uint64_t *row = row_cache[bits & 0xff];

		/* 8 pixels of bytes_pp bytes: bytes_pp words of 8 bytes. */
		for (unsigned i = 0; i < fb.bytes_pp; i++)
			q[i] = row[i];
		return;
	}
	for (unsigned i = 0; i < FONT_WIDTH; i++, dst += fb.bytes_pp) {
		unsigned bit = 0x80u >> i;

		if (mask & bit)
			put_pixel(dst, (bits & bit) ? fg : bg);
	}
}

/* Render every glyph row pattern in fg on bg into row_cache. */
static void row_cache_fill(uint32_t fg, uint32_t bg)
{
	for (unsigned bits = 0; bits < 256; bits++) {
		uint8_t *p = (uint8_t *)row_cache[bits];

		for (unsigned i = 0; i < FONT_WIDTH; i++, p += fb.bytes_pp)
			put_pixel(p, (bits & (0x80u >> i)) ? fg : bg);
	}
	row_cache_fg = fg;
	row_cache_bg = bg;
}

/*
 * Paint the cell at (x, y) to show now (ch | attr << 8), knowing that it
 * shows old (or DRAWN_UNKNOWN), with the underline cursor if cursor.
 */
static void draw_cell(unsigned x, unsigned y, uint16_t now, uint16_t old,
		      bool cursor)
{
	uint8_t attr = now >> 8;
	const uint8_t *glyph = font8x16_glyph(now & 0xff);
	const uint8_t *was = NULL;
	uint32_t fg = fb.palette[TG_ATTR_FG(attr)];
	uint32_t bg = fb.palette[TG_ATTR_BG(attr)];
	uint8_t *dst = fb.base + (size_t)y * FONT_HEIGHT * fb.pitch +
		       (size_t)x * FONT_WIDTH * fb.bytes_pp;

	/* Same colours as drawn: only pixels whose ink changes need a store. */
	if (!cursor && old != DRAWN_UNKNOWN && (old >> 8) == attr)
		was = font8x16_glyph(old & 0xff);

	for (unsigned r = 0; r < FONT_HEIGHT; r++, dst += fb.pitch) {
		unsigned bits = glyph[r];
		unsigned mask = 0xff;

		if (cursor && r >= CURSOR_FIRST_ROW)
			bits = 0xff;
		if (was)
			mask = bits ^ was[r];
		if (mask)
			put_row(dst, mask, bits, fg, bg);
	}
}

/* Bring the screen up to date with the grid. */
static void fbcon_flush(void)
{
	struct textgrid *g = &fb.grid;
	unsigned cols = g->cols;
	unsigned first, last;
	bool cursor_moved = !fb.cursor_drawn || fb.cursor_x != g->x ||
			    fb.cursor_y != g->y;

	if (!textgrid_take_dirty(g, &first, &last)) {
		if (!cursor_moved)
			return;
		first = g->rows;
		last = 0;
	}
	if (fb.cursor_drawn && cursor_moved) {
		/* Repaint the old cursor cell without the underline. */
		fb_drawn[fb.cursor_y * cols + fb.cursor_x] = DRAWN_UNKNOWN;
		first = MIN(first, fb.cursor_y);
		last = MAX(last, fb.cursor_y);
	}
	first = MIN(first, g->y);
	last = MAX(last, g->y);

	for (unsigned y = first; y <= last; y++) {
		const struct textgrid_cell *row = textgrid_row(g, y);
		uint16_t *drawn = &fb_drawn[y * cols];

		for (unsigned x = 0; x < cols; x++) {
			uint16_t now = (uint16_t)(row[x].ch | row[x].attr << 8);
			bool cursor = y == g->y && x == g->x;

			if (cursor) {
				if (!cursor_moved && now == fb.cursor_cell)
					continue;
				draw_cell(x, y, now, DRAWN_UNKNOWN, true);
				fb.cursor_cell = now;
				/* Its pixels are not the plain glyph's. */
				drawn[x] = DRAWN_UNKNOWN;
				continue;
			}
			if (now == drawn[x])
				continue;
			draw_cell(x, y, now, drawn[x], false);
			drawn[x] = now;
		}
	}
	fb.cursor_x = g->x;
	fb.cursor_y = g->y;
	fb.cursor_drawn = true;
}

static void fbcon_write(struct console *con, const char *buf, size_t len)
{
	textgrid_write(&fb.grid, buf, len);
	fbcon_flush();
}

static struct console fbcon_console = {
	.name = "fb",
	.write = fbcon_write,
	.enabled = true,
};

/* Paint the pixels outside the cell area (right and bottom strips). */
static void clear_margins(unsigned cols, unsigned rows)
{
	uint32_t bg = fb.palette[TG_ATTR_BG(TG_ATTR_DEFAULT)];
	unsigned cell_w = cols * FONT_WIDTH, cell_h = rows * FONT_HEIGHT;

	for (unsigned y = 0; y < fb.height; y++) {
		uint8_t *line = fb.base + (size_t)y * fb.pitch;
		unsigned x0 = y < cell_h ? cell_w : 0;

		for (unsigned x = x0; x < fb.width; x++)
			put_pixel(line + (size_t)x * fb.bytes_pp, bg);
	}
}

static bool colour_field_is_valid(uint8_t pos, uint8_t size, uint8_t bpp)
{
	return size >= 1 && size <= 16 && pos + size <= bpp;
}

/* Check what the boot loader reported. Return: 0, -EINVAL or -ENODEV. */
static int fbcon_check(const struct boot_framebuffer *bf)
{
	unsigned bytes_pp;

	if (!bf)
		return -EINVAL;
	if (bf->type != BOOT_FB_RGB)
		return -ENODEV;
	if (bf->bpp != 15 && bf->bpp != 16 && bf->bpp != 24 && bf->bpp != 32)
		return -ENODEV;
	bytes_pp = (bf->bpp + 7) / 8;
	if (bf->width < FONT_WIDTH || bf->height < FONT_HEIGHT ||
	    bf->width > FB_DIM_LIMIT || bf->height > FB_DIM_LIMIT)
		return -EINVAL;
	if (bf->pitch < bf->width * bytes_pp || bf->pitch > FB_PITCH_LIMIT)
		return -EINVAL;
	if (!colour_field_is_valid(bf->red_pos, bf->red_size, bf->bpp) ||
	    !colour_field_is_valid(bf->green_pos, bf->green_size, bf->bpp) ||
	    !colour_field_is_valid(bf->blue_pos, bf->blue_size, bf->bpp))
		return -EINVAL;
	if (bf->addr == 0 ||
	    !phys_range_is_mapped(bf->addr, (uint64_t)bf->pitch * bf->height))
		return -ENODEV;
	return 0;
}

/*
 * Take over the RGB framebuffer bf as a text console: clear it, and register
 * the "fb" console (which replays the log so far onto the screen).
 * Context: boot, single CPU.
 * Return: 0; -EINVAL for a framebuffer description that makes no sense,
 * -ENODEV for one this driver cannot draw on (not RGB, an unsupported depth,
 * or outside the direct map); -EBUSY when already set up. On error nothing
 * has been written anywhere.
 */
int fbcon_init(const struct boot_framebuffer *bf)
{
	unsigned cols, rows;
	int err;

	if (fb.registered)
		return -EBUSY;
	err = fbcon_check(bf);
	if (err)
		return err;

	cols = MIN(bf->width / FONT_WIDTH, (uint32_t)FBCON_MAX_COLS);
	rows = MIN(bf->height / FONT_HEIGHT, (uint32_t)FBCON_MAX_ROWS);
	err = textgrid_init(&fb.grid, fb_cells, FBCON_MAX_CELLS, cols, rows,
			    TG_ATTR_DEFAULT);
	if (err)
		return err;

	fb.base = phys_to_virt(bf->addr);
	fb.phys = bf->addr;
	fb.pitch = bf->pitch;
	fb.width = bf->width;
	fb.height = bf->height;
	fb.bytes_pp = (bf->bpp + 7) / 8;
	fb.aligned_rows = IS_ALIGNED(fb.pitch, 8) && IS_ALIGNED(bf->addr, 8);
	for (unsigned i = 0; i < ARRAY_SIZE(cga_rgb); i++)
		fb.palette[i] = rgb_to_pixel(bf, cga_rgb[i]);
	row_cache_fill(fb.palette[TG_ATTR_FG(TG_ATTR_DEFAULT)],
		       fb.palette[TG_ATTR_BG(TG_ATTR_DEFAULT)]);
	for (unsigned i = 0; i < cols * rows; i++)
		fb_drawn[i] = DRAWN_UNKNOWN;
	fb.cursor_drawn = false;

	clear_margins(cols, rows);
	fbcon_flush(); /* paints every cell: the screen is now blank */

	fb.registered = true;
	console_register(&fbcon_console);
	return 0;
}

/*
 * Move drawing to a write-combining mapping of the framebuffer (the direct
 * map is write-back, which the memory-type ranges of a real PC usually turn
 * into uncached: every pixel store would be a bus cycle).
 * Context: boot, after mm_init.
 * Return: 0; -ENODEV without a framebuffer console; -ENOMEM.
 */
int fbcon_remap(void)
{
	if (!fb.registered)
		return -ENODEV;

	uint8_t *wc = ioremap(fb.phys, (size_t)fb.pitch * fb.height, VM_CACHE_WC);

	if (!wc)
		return -ENOMEM;
	fb.base = wc;
	return 0;
}
