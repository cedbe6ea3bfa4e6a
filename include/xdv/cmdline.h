/* SPDX-License-Identifier: MIT */
/*
 * The kernel command line (kernel/cmdline.c): split once into key=value
 * parameters and bare flags, kept in fixed storage inside struct cmdline
 * (no allocator is needed), then looked up by any subsystem.
 *
 * Syntax, as Linux reads it: parameters are separated by whitespace; a
 * parameter is "key=value" (split at its first '=') or a bare "flag"; double
 * quotes may appear anywhere in a parameter and protect spaces ("init=/bin/a b"
 * needs init="/bin/a b"); the quotes themselves are removed. An unterminated
 * quote runs to the end of the line. Tokens with an empty key are ignored.
 * When a key appears more than once, the last occurrence wins.
 *
 * Keys the kernel knows today (unknown keys are kept for later readers):
 *   loglevel=N       console log level, 0..7
 *   console=LIST     comma list of serial, vga, fb
 *   init=PATH        first user program
 *   ktest[=GLOB]     run in-kernel tests, optionally only those matching GLOB
 *   quiet            console shows errors and worse only
 *   debug_exit=PORT  isa-debug-exit I/O port, hex (0xf4) or decimal
 */
#pragma once

#include <xdv/compiler.h>

#define CMDLINE_PARAMS_MAX 64
#define CMDLINE_TEXT_MAX   2048

/* Offsets into cmdline.text, so a struct cmdline can be copied safely. */
struct cmdline_param {
	uint16_t key;
	uint16_t value; /* a bare flag's value is the empty string */
};

struct cmdline {
	struct cmdline_param params[CMDLINE_PARAMS_MAX];
	unsigned count;
	char text[CMDLINE_TEXT_MAX]; /* keys and values, NUL-terminated */
};

/*
 * Parse text (may be NULL: empty) into cl, replacing what cl held.
 * Context: any; pure, touches only *cl.
 * Return: 0, or -E2BIG when there were more than CMDLINE_PARAMS_MAX
 * parameters or more text than CMDLINE_TEXT_MAX holds; cl then holds every
 * parameter before the first one that did not fit, and is usable.
 */
int __must_check cmdline_parse(struct cmdline *cl, const char *text);

/*
 * Return: the value of the last occurrence of key ("" for a bare flag or
 * "key="), or NULL when key is absent.
 */
const char *cmdline_get(const struct cmdline *cl, const char *key);

/* Return: true when key appears, as a flag or with a value. */
bool cmdline_has(const struct cmdline *cl, const char *key);

/*
 * Read key's value as an integer: decimal, or hex with a 0x/0X prefix, with
 * an optional sign; no leading-zero octal. *out is written only on success.
 * Return: 0; -ENOENT if key is absent; -EINVAL if the value is empty or not
 * a number; -ERANGE if it does not fit in a long or lies outside [min, max].
 */
int __must_check cmdline_get_int(const struct cmdline *cl, const char *key,
				 long min, long max, long *out);

/*
 * Parameter number index, in command-line order (repeats included), for
 * readers of keys this file does not know.
 * Return: false when index >= count; otherwise true with *key and *value set.
 */
bool cmdline_at(const struct cmdline *cl, unsigned index, const char **key,
		const char **value);

#define cmdline_for_each(cl, i, key, value) \
	for ((i) = 0; cmdline_at((cl), (i), &(key), &(value)); (i)++)

/*
 * Return: true when the comma-separated list (e.g. console=serial,fb)
 * contains item exactly.
 */
bool cmdline_list_has(const char *list, const char *item);

/* The command line of this boot, parsed by kernel_main. */
extern struct cmdline kernel_cmdline;
