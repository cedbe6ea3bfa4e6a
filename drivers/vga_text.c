// SPDX-License-Identifier: MIT
/*
 * The VGA text-mode console ("vga"): kernel messages on the 80x25-style
 * screen a BIOS boot leaves behind, two bytes a cell (character, attribute)
 * at 0xB8000 (0xB0000 on monochrome adapters), plus the blinking hardware
 * cursor, moved through the CRT controller's index/data ports.
 *
 * Text-mode memory is a device, not RAM: every access to it is slow on real
 * hardware and traps into the emulator under QEMU. So, as in fbcon.c, the
 * screen's contents are kept in a text grid in RAM (textgrid.c: wrapping,
 * tabs, scrolling as a ring of rows, ANSI colours), and vga_drawn[] mirrors
 * what video memory holds; after each write only cells that differ are
 * stored, and video memory is never read.
 *
 * Locks: none of its own; the console layer serialises console writes.
 */
#include <xdv/arch/x86.h>
#include <xdv/boot.h>
#include <xdv/console.h>
#include <xdv/drivers.h>
#include <xdv/errno.h>
#include <xdv/mm.h>
#include "textgrid.h"

/* Largest text mode accepted (VESA text modes stop at 132x60). */
#define VGA_MAX_COLS  256
#define VGA_MAX_ROWS  128
#define VGA_MAX_CELLS (VGA_MAX_COLS * VGA_MAX_ROWS)

#define VGA_MONO_BASE 0xB0000 /* monochrome adapters: CRTC at 0x3B4 */

/* CRT controller ports and registers. */
#define CRTC_COLOUR_INDEX 0x3D4
#define CRTC_MONO_INDEX   0x3B4
#define CRTC_CURSOR_START 0x0A
#define CRTC_CURSOR_END   0x0B
#define CRTC_CURSOR_HIGH  0x0E
#define CRTC_CURSOR_LOW   0x0F
#define CURSOR_SCANLINES  0x0D /* underline: scan lines 13-14 of 16 */

/* vga_drawn[] value for "unknown": the grid never holds ch 0 (a control). */
#define DRAWN_UNKNOWN 0

static struct {
	volatile uint16_t *base; /* text memory, through the direct map */
	unsigned stride;         /* cells from one row to the next */
	uint16_t crtc;           /* CRT controller index port */
	struct textgrid grid;
	unsigned cursor_pos;     /* cell the hardware cursor is at */
	bool registered;
} vga;

static struct textgrid_cell vga_cells[VGA_MAX_CELLS];
static uint16_t vga_drawn[VGA_MAX_CELLS]; /* what text memory holds */

static void crtc_write(uint8_t reg, uint8_t val)
{
	outb(vga.crtc, reg);
	outb(vga.crtc + 1, val);
}

static uint8_t crtc_read(uint8_t reg)
{
	outb(vga.crtc, reg);
	return inb(vga.crtc + 1);
}

static void cursor_move(unsigned pos)
{
	crtc_write(CRTC_CURSOR_LOW, pos & 0xff);
	crtc_write(CRTC_CURSOR_HIGH, (pos >> 8) & 0xff);
	vga.cursor_pos = pos;
}

/* Show the cursor as an underline (some loaders turn it off). */
static void cursor_enable(void)
{
	crtc_write(CRTC_CURSOR_START,
		   (crtc_read(CRTC_CURSOR_START) & 0xc0) | CURSOR_SCANLINES);
	crtc_write(CRTC_CURSOR_END,
		   (crtc_read(CRTC_CURSOR_END) & 0xe0) | (CURSOR_SCANLINES + 1));
}

/* Bring text memory and the cursor up to date with the grid. */
static void vga_flush(void)
{
	struct textgrid *g = &vga.grid;
	unsigned first, last, pos;

	if (textgrid_take_dirty(g, &first, &last)) {
		for (unsigned y = first; y <= last; y++) {
			const struct textgrid_cell *row = textgrid_row(g, y);
			uint16_t *drawn = &vga_drawn[y * g->cols];
			volatile uint16_t *mem = vga.base + (size_t)y * vga.stride;

			for (unsigned x = 0; x < g->cols; x++) {
				uint16_t v = (uint16_t)(row[x].ch |
							row[x].attr << 8);

				if (v != drawn[x]) {
					mem[x] = v;
					drawn[x] = v;
				}
			}
		}
	}
	pos = g->y * vga.stride + g->x;
	if (pos != vga.cursor_pos)
		cursor_move(pos);
}

static void vga_write(struct console *con, const char *buf, size_t len)
{
	textgrid_write(&vga.grid, buf, len);
	vga_flush();
}

static struct console vga_console = {
	.name = "vga",
	.write = vga_write,
	.enabled = true,
};

/* Check what the boot loader reported. Return: 0, -EINVAL or -ENODEV. */
static int vga_text_check(const struct boot_framebuffer *fb)
{
	if (!fb)
		return -EINVAL;
	if (fb->type != BOOT_FB_EGA_TEXT)
		return -ENODEV;
	if (fb->width == 0 || fb->height == 0 ||
	    fb->width > VGA_MAX_COLS || fb->height > VGA_MAX_ROWS)
		return -EINVAL;
	/* Rows of whole cells, at least as wide as the screen. */
	if (fb->pitch < fb->width * 2 || fb->pitch % 2 ||
	    fb->pitch > VGA_MAX_COLS * 2)
		return -EINVAL;
	if (fb->bpp != 16 && fb->bpp != 0)
		return -EINVAL;
	if (fb->addr == 0 || fb->addr % 2 ||
	    !phys_range_is_mapped(fb->addr, (uint64_t)fb->pitch * fb->height))
		return -ENODEV;
	return 0;
}

/* The graphics controller's miscellaneous register (index 6). */
#define GC_INDEX       0x3CE
#define GC_DATA        0x3CF
#define GC_MISC        0x06
#define GC_MISC_GRAPHICS 0x01        /* 0: alphanumeric (text) mode */
#define GC_MISC_MAP(v) (((v) >> 2) & 3) /* 2: 0xB0000 (mono), 3: 0xB8000 */

/* The BIOS data area: text columns (word) and rows - 1 (byte, EGA on). */
#define BDA_COLUMNS    0x44A
#define BDA_ROWS_M1    0x484

int vga_text_probe(struct boot_framebuffer *out)
{
	uint8_t saved = inb(GC_INDEX);

	outb(GC_INDEX, GC_MISC);

	uint8_t misc = inb(GC_DATA);

	outb(GC_INDEX, saved);
	/* No VGA at all reads 0xFF: "graphics". */
	if (misc & GC_MISC_GRAPHICS || GC_MISC_MAP(misc) < 2 ||
	    !phys_range_is_mapped(BDA_COLUMNS, 0x100))
		return -ENODEV;

	const volatile uint8_t *bda = phys_to_virt(0);
	unsigned cols = bda[BDA_COLUMNS] | (unsigned)bda[BDA_COLUMNS + 1] << 8;
	unsigned rows = bda[BDA_ROWS_M1] + 1u;

	if (rows < 25) /* pre-EGA BIOSes leave the byte 0 */
		rows = 25;
	*out = (struct boot_framebuffer){
		.type = BOOT_FB_EGA_TEXT,
		.addr = GC_MISC_MAP(misc) == 2 ? VGA_MONO_BASE : 0xB8000,
		.width = cols,
		.height = rows,
		.pitch = cols * 2,
		.bpp = 16,
	};
	return vga_text_check(out);
}

/*
 * Take over the text-mode screen fb: clear it, show the cursor, and
 * register the "vga" console (which replays the log so far).
 * Context: boot, single CPU.
 * Return: 0; -EINVAL for a description that makes no sense (zero or huge
 * sizes, a pitch narrower than the screen), -ENODEV when fb is not text
 * mode or lies outside the direct map; -EBUSY when already set up. On error
 * neither memory nor ports have been touched.
 */
int vga_text_init(const struct boot_framebuffer *fb)
{
	int err;

	if (vga.registered)
		return -EBUSY;
	err = vga_text_check(fb);
	if (err)
		return err;
	err = textgrid_init(&vga.grid, vga_cells, VGA_MAX_CELLS, fb->width,
			    fb->height, TG_ATTR_DEFAULT);
	if (err)
		return err;

	vga.base = phys_to_virt(fb->addr);
	vga.stride = fb->pitch / 2;
	vga.crtc = fb->addr == VGA_MONO_BASE ? CRTC_MONO_INDEX : CRTC_COLOUR_INDEX;
	for (unsigned i = 0; i < fb->width * fb->height; i++)
		vga_drawn[i] = DRAWN_UNKNOWN;
	vga.cursor_pos = ~0u;

	cursor_enable();
	vga_flush(); /* writes every cell: the screen is now blank */

	vga.registered = true;
	console_register(&vga_console);
	return 0;
}
