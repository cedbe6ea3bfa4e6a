/* SPDX-License-Identifier: MIT */
/*
 * Consoles: the places kernel messages appear (serial port, VGA text, the
 * framebuffer). printk hands every finished line to console_write(), which
 * writes it to each registered console. Drivers register themselves once
 * they have found their hardware; a PC with none of them still boots.
 *
 * Locks: none yet (one CPU, interrupts off while printing). The SMP issue
 * adds a spinlock here.
 */
#pragma once

#include <xdv/compiler.h>

struct console {
	const char *name;     /* "serial", "vga", "fb": also the console= key */
	/* Write len bytes; '\n' starts a new line (drivers add '\r' as needed). */
	void (*write)(struct console *con, const char *buf, size_t len);
	bool enabled;         /* cleared when console= leaves this one out */
	struct console *next;
};

/* Add con to the list; messages already logged are replayed to it. */
void console_register(struct console *con);

/* Write buf to every enabled console. Context: any, including panic. */
void console_write(const char *buf, size_t len);

/* Apply console=name[,name...]: disable consoles that are not named. */
void console_select(const char *list);

/* Number of registered consoles (0 on a PC with no serial and no screen). */
unsigned console_count(void);
