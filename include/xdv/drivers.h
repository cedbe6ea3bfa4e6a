/* SPDX-License-Identifier: MIT */
/*
 * Device drivers: the public face of drivers/.
 */
#pragma once

#include <xdv/compiler.h>

struct boot_framebuffer;

/* ---- serial port (drivers/serial.c) ------------------------------------ */

/*
 * Find the 16550 UART on COM1 (loopback test), program it for 115200 8N1 and
 * register it as the "serial" console.
 * Return: 0, or -ENODEV when there is no UART (the PC still boots).
 */
int __must_check serial_init(void);

/*
 * Write straight to COM1, without the console layer: for panic and trap
 * reports before any console exists. Harmless on a PC without a UART.
 */
void serial_early_write(const char *buf, size_t len);

/* ---- QEMU's isa-debug-exit device (drivers/debug_exit.c) --------------- */

/*
 * Remember the port given by debug_exit=<port> on the command line. Only
 * then does the kernel ever touch that port: a real PC never sees it.
 */
void debug_exit_init(void);

/* True when debug_exit= named a port. */
bool debug_exit_is_enabled(void);

/* End QEMU with status (code << 1) | 1, if enabled; otherwise return. */
void debug_exit(uint8_t code);

#define DEBUG_EXIT_PASS 0x10 /* QEMU exits with status 33 */
#define DEBUG_EXIT_FAIL 0x11 /* QEMU exits with status 35 */

/* ---- display consoles (drivers/vga_text.c, drivers/fbcon.c) ------------ */

/* Text console on an EGA text-mode screen ("vga"). Return: 0 or -EINVAL/-ENODEV. */
int __must_check vga_text_init(const struct boot_framebuffer *fb);

/*
 * Describe the text mode a BIOS left the screen in, for a boot loader that
 * handed over no framebuffer information (GRUB's gfxpayload=text with a
 * kernel that asked for a framebuffer): the VGA says it is in text mode,
 * the BIOS data area gives its size. Not for UEFI (no VGA to ask).
 * Return: 0 with *out filled, -ENODEV (no VGA, or a graphics mode) or -EINVAL.
 */
int __must_check vga_text_probe(struct boot_framebuffer *out);

/* Text console drawn on a linear RGB framebuffer ("fb"). Return: 0 or -EINVAL/-ENODEV. */
int __must_check fbcon_init(const struct boot_framebuffer *fb);

/* After mm_init: draw through a write-combining mapping. Return: 0, -ENODEV, -ENOMEM. */
int __must_check fbcon_remap(void);
