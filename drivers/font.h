/* SPDX-License-Identifier: MIT */
/*
 * The built-in 8x16 bitmap font (drivers/font8x16.c, generated from
 * tools/font/xdv8x16.txt). Private to drivers/: the framebuffer console is
 * its only user. A glyph is 16 bytes, top row first, bit 7 the leftmost
 * pixel.
 */
#pragma once

#include <xdv/compiler.h>

#define FONT_WIDTH  8
#define FONT_HEIGHT 16
#define FONT_FIRST  0x20 /* ' ': the first byte with a glyph of its own */
#define FONT_LAST   0x7e /* '~': the last one */
#define FONT_BOX_INDEX   (FONT_LAST - FONT_FIRST + 1) /* drawn for the rest */
#define FONT_GLYPH_COUNT (FONT_BOX_INDEX + 1)

extern const uint8_t font8x16_data[FONT_GLYPH_COUNT][FONT_HEIGHT];

/* The glyph for byte c; a visible box for bytes outside 0x20-0x7E. */
static inline const uint8_t *font8x16_glyph(unsigned char c)
{
	if (c < FONT_FIRST || c > FONT_LAST)
		return font8x16_data[FONT_BOX_INDEX];
	return font8x16_data[c - FONT_FIRST];
}
