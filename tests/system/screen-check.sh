#!/bin/bash
# SPDX-License-Identifier: MIT
#
# screen-check.sh ISO [QEMU options...]
#
# Boot ISO in QEMU and check that the screen (not just the serial port)
# shows the kernel's messages. Waits for the serial line
# "XDV Kernel v0.2 initialized", then through the QEMU monitor:
#   - takes a screendump and reads it back as text by matching every 8x16
#     cell against the kernel's own font (drivers/font8x16.c): the line must
#     be there, and every cell must be a known glyph or blank (no garbage);
#   - if the screen is in EGA text mode instead (BIOS boot without a
#     framebuffer), reads the 80x25 text memory at 0xB8000 and checks it the
#     same way, plus that the screendump has ink in its top text row.
# QEMU options default to "-machine pc"; for UEFI pass e.g.
#   -machine q35 -bios /usr/share/ovmf/OVMF.fd
# Exit 0 on pass, 1 with a message on failure. Every QEMU run is under
# timeout. Needs only bash, gcc and QEMU (no Python, no socat).
set -u

EXPECT="XDV Kernel v0.2 initialized"
BOOT_TIMEOUT=${BOOT_TIMEOUT:-60}   # seconds until the expected serial line
QEMU=${QEMU:-qemu-system-x86_64}
HOSTCC=${HOSTCC:-gcc}

if [ $# -lt 1 ] || [ ! -f "$1" ]; then
	echo "usage: $0 ISO [QEMU options...]" >&2
	exit 1
fi
ISO=$1
shift
[ $# -gt 0 ] || set -- -machine pc
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
WORK=$(mktemp -d /tmp/xdv-screen.XXXXXX)
QPID=
cleanup() {
	[ -n "$QPID" ] && kill "$QPID" 2>/dev/null
	exec 3>&- 2>/dev/null
	rm -rf "$WORK"
}
trap cleanup EXIT

fail() {
	echo "screen-check: FAIL ($*): $1" >&2
	[ -f "$WORK/screen.txt" ] && { echo "--- screen as read:" >&2; cat "$WORK/screen.txt" >&2; }
	exit 1
}

# ---- the checker: reads screens as text with the kernel's font ------------
cat > "$WORK/check.c" <<'CEOF'
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "font.h"

static unsigned char *px;
static unsigned w, h;

static int read_ppm(const char *path)
{
	FILE *f = fopen(path, "rb");
	unsigned maxv;
	if (!f || fscanf(f, "P6 %u %u %u", &w, &h, &maxv) != 3 || maxv != 255)
		return -1;
	fgetc(f);
	px = malloc((size_t)w * h * 3);
	if (!px || fread(px, 3, (size_t)w * h, f) != (size_t)w * h)
		return -1;
	fclose(f);
	return 0;
}

static unsigned pixel(unsigned x, unsigned y)
{
	unsigned char *p = px + ((size_t)y * w + x) * 3;
	return p[0] << 16 | p[1] << 8 | p[2];
}

/* The character whose glyph cell (cx, cy) shows; 0 if none matches. */
static int read_cell(unsigned cx, unsigned cy)
{
	unsigned x0 = cx * FONT_WIDTH, y0 = cy * FONT_HEIGHT;
	unsigned bg = pixel(x0, y0); /* row 0 of every glyph is empty */
	unsigned char rows[FONT_HEIGHT];

	for (unsigned r = 0; r < FONT_HEIGHT; r++) {
		rows[r] = 0;
		for (unsigned c = 0; c < FONT_WIDTH; c++)
			if (pixel(x0 + c, y0 + r) != bg)
				rows[r] |= 0x80 >> c;
	}
	for (int ch = FONT_FIRST; ch <= FONT_LAST + 1; ch++) {
		const unsigned char *g = font8x16_glyph((unsigned char)ch);
		int ok = 1;
		for (unsigned r = 0; r < FONT_HEIGHT && ok; r++)
			/* the cursor underlines rows 14-15 */
			ok = rows[r] == g[r] || (r >= 14 && rows[r] == 0xff);
		if (ok)
			return ch > FONT_LAST ? '#' : ch;
	}
	return 0;
}

static int check_lines(char **lines, unsigned n, unsigned bad, const char *want)
{
	int found = 0;
	for (unsigned i = 0; i < n; i++)
		if (strstr(lines[i], want))
			found = 1;
	if (!found)
		return 2;
	return bad ? 3 : 0;
}

int main(int argc, char **argv)
{
	if (argc == 4 && !strcmp(argv[1], "fb")) {
		/* fb PPM WANT: read the screendump as 8x16 cells. */
		if (read_ppm(argv[2]))
			return 4;
		unsigned cols = w / FONT_WIDTH, rows = h / FONT_HEIGHT, bad = 0;
		char **lines = calloc(rows, sizeof(char *));
		for (unsigned y = 0; y < rows; y++) {
			lines[y] = calloc(cols + 1, 1);
			for (unsigned x = 0; x < cols; x++) {
				int c = read_cell(x, y);
				if (!c)
					bad++;
				lines[y][x] = c ? (char)c : '?';
			}
			printf("%s\n", lines[y]);
		}
		fprintf(stderr, "%ux%u pixels, %u cells unreadable\n", w, h, bad);
		return check_lines(lines, rows, bad, argv[3]);
	}
	if (argc == 5 && !strcmp(argv[1], "text")) {
		/* text XPDUMP COLS WANT: "addr: 0x.. 0x.." lines from xp /Nxb */
		FILE *f = fopen(argv[2], "r");
		unsigned cols = atoi(argv[3]), n = 0, bad = 0, b;
		unsigned char buf[65536];
		char tok[64];
		if (!f || !cols)
			return 4;
		while (fscanf(f, "%63s", tok) == 1 && n < sizeof(buf))
			if (sscanf(tok, "0x%x", &b) == 1 && !strchr(tok, ':'))
				buf[n++] = (unsigned char)b;
		unsigned rows = n / 2 / cols;
		char **lines = calloc(rows + 1, sizeof(char *));
		for (unsigned y = 0; y < rows; y++) {
			lines[y] = calloc(cols + 1, 1);
			for (unsigned x = 0; x < cols; x++) {
				unsigned char c = buf[(y * cols + x) * 2];
				if (c < 0x20 || c > 0x7e) {
					bad++;
					c = '?';
				}
				lines[y][x] = (char)c;
			}
			printf("%s\n", lines[y]);
		}
		fprintf(stderr, "%ux%u text cells, %u unreadable\n", cols, rows, bad);
		return rows ? check_lines(lines, rows, bad, argv[4]) : 4;
	}
	if (argc == 3 && !strcmp(argv[1], "ink")) {
		/* ink PPM: does the top 16-pixel band differ from the corner? */
		if (read_ppm(argv[2]))
			return 4;
		unsigned bg = pixel(0, 0), ink = 0;
		for (unsigned y = 0; y < 16 && y < h; y++)
			for (unsigned x = 0; x < w; x++)
				ink += pixel(x, y) != bg;
		return ink ? 0 : 2;
	}
	return 4;
}
CEOF
"$HOSTCC" -std=gnu11 -O2 -I"$ROOT/include" -I"$ROOT/drivers" -o "$WORK/check" \
	"$WORK/check.c" "$ROOT/drivers/font8x16.c" || fail "cannot build the checker" "$@"

# ---- boot ------------------------------------------------------------------
mkfifo "$WORK/monitor.in"
timeout $((BOOT_TIMEOUT + 30)) "$QEMU" -cdrom "$ISO" -m 256M -no-reboot \
	-display none -serial file:"$WORK/serial.log" -monitor stdio "$@" \
	< "$WORK/monitor.in" > "$WORK/monitor.out" 2>&1 &
QPID=$!
exec 3> "$WORK/monitor.in"

for ((i = 0; i < BOOT_TIMEOUT * 5; i++)); do
	grep -qa "$EXPECT" "$WORK/serial.log" 2>/dev/null && break
	kill -0 "$QPID" 2>/dev/null || break
	sleep 0.2
done
grep -qa "$EXPECT" "$WORK/serial.log" 2>/dev/null ||
	{ tail -5 "$WORK/serial.log" >&2; fail "no '$EXPECT' on the serial port" "$@"; }

sleep 1 # let the screen consoles finish drawing
echo "screendump $WORK/screen.ppm" >&3
echo "xp /4000xb 0xb8000" >&3
echo "quit" >&3
exec 3>&-
wait "$QPID"
QPID=
[ -s "$WORK/screen.ppm" ] || fail "QEMU wrote no screendump" "$@"

# ---- check -----------------------------------------------------------------
"$WORK/check" fb "$WORK/screen.ppm" "$EXPECT" > "$WORK/screen.txt" 2> "$WORK/check.err"
rc=$?
case $rc in
0)	echo "screen-check: PASS ($*): framebuffer shows '$EXPECT', every cell readable"
	exit 0 ;;
3)	cat "$WORK/check.err" >&2
	fail "framebuffer shows the line but also unreadable cells (garbage)" "$@" ;;
esac

# Not our font on a framebuffer: EGA text mode? Read the text memory.
grep -a '^[0-9a-f]*: 0x' "$WORK/monitor.out" > "$WORK/xp.txt"
"$WORK/check" text "$WORK/xp.txt" 80 "$EXPECT" > "$WORK/text.txt" 2> "$WORK/check.err"
rc=$?
case $rc in
0)	"$WORK/check" ink "$WORK/screen.ppm" ||
		fail "text memory is right but the screen's top row is blank" "$@"
	echo "screen-check: PASS ($*): text mode shows '$EXPECT', every cell readable"
	exit 0 ;;
3)	cp "$WORK/text.txt" "$WORK/screen.txt"
	fail "text memory shows the line but also unreadable cells (garbage)" "$@" ;;
esac
fail "the screen does not show '$EXPECT'" "$@"
