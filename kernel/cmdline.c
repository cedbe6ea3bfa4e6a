// SPDX-License-Identifier: MIT
/*
 * Kernel command line: splits the line the boot loader passed into
 * parameters once, at boot, so that each subsystem can look up its own keys
 * (loglevel=, console=, ktest, ...) without re-scanning the raw string.
 *
 * Everything lives inside struct cmdline: parameter records hold offsets
 * into its text[] array, where keys and values are stored NUL-terminated
 * with the quotes removed. A token of n characters takes at most n + 1
 * bytes there (its separator becomes the NUL), so any line that fits in
 * BOOT_CMDLINE_MAX (2048 with its NUL) also fits in CMDLINE_TEXT_MAX.
 * The syntax is described in include/xdv/cmdline.h.
 *
 * Pure logic, also built for host unit tests. Locking: none; the kernel's
 * line is parsed once, before other CPUs start, and only read afterwards.
 */
#include <limits.h>
#include <xdv/cmdline.h>
#include <xdv/errno.h>
#include <xdv/string.h>

struct cmdline kernel_cmdline;

static bool cmdline_is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' ||
	       c == '\f';
}

/*
 * Copy the token at *sp into cl->text from offset *posp, removing quotes and
 * turning its first '=' into the key/value separator. Advances *sp past the
 * token in every case.
 * Return: 0 with *param filled; -ENOENT for a token with an empty key;
 * -E2BIG when the text storage ran out (nothing is kept of the token).
 */
static int cmdline_take_token(struct cmdline *cl, const char **sp,
			      size_t *posp, struct cmdline_param *param)
{
	const char *s = *sp;
	size_t start = *posp, pos = start, eq = SIZE_MAX;
	bool in_quote = false, full = false;

	for (; *s && (in_quote || !cmdline_is_space(*s)); s++) {
		char c = *s;

		if (c == '"') {
			in_quote = !in_quote;
			continue;
		}
		/* Keep the last byte of text for the token's final NUL. */
		if (pos >= CMDLINE_TEXT_MAX - 1) {
			full = true;
			continue;
		}
		if (c == '=' && eq == SIZE_MAX) {
			eq = pos;
			c = '\0';
		}
		cl->text[pos++] = c;
	}
	*sp = s;
	if (full) {
		memset(cl->text + start, 0, pos - start);
		return -E2BIG;
	}
	cl->text[pos] = '\0';
	if (pos == start || eq == start) {
		memset(cl->text + start, 0, pos - start);
		return -ENOENT;
	}
	param->key = (uint16_t)start;
	param->value = (uint16_t)(eq == SIZE_MAX ? pos : eq + 1);
	*posp = pos + 1;
	return 0;
}

/*
 * Split text into cl (see cmdline.h for the syntax and limits).
 * Context: any. Locks: none; the caller owns *cl.
 * Return: 0, or -E2BIG with the parameters that fit kept.
 */
int cmdline_parse(struct cmdline *cl, const char *text)
{
	const char *s = text ? text : "";
	size_t pos = 0;

	memset(cl, 0, sizeof(*cl));
	for (;;) {
		struct cmdline_param param;
		int ret;

		while (cmdline_is_space(*s))
			s++;
		if (!*s)
			return 0;
		ret = cmdline_take_token(cl, &s, &pos, &param);
		if (ret == -ENOENT)
			continue;
		if (ret)
			return ret;
		if (cl->count >= CMDLINE_PARAMS_MAX) {
			/* Give back the token's text: it has no record. */
			memset(cl->text + param.key, 0, pos - param.key);
			return -E2BIG;
		}
		cl->params[cl->count++] = param;
	}
}

/*
 * Return: true with *key and *value for parameter index, false past the end.
 * Context: any.
 */
bool cmdline_at(const struct cmdline *cl, unsigned index, const char **key,
		const char **value)
{
	if (index >= cl->count)
		return false;
	*key = cl->text + cl->params[index].key;
	*value = cl->text + cl->params[index].value;
	return true;
}

/*
 * Return: value of the last occurrence of key, "" for a flag, NULL if absent.
 * Context: any.
 */
const char *cmdline_get(const struct cmdline *cl, const char *key)
{
	for (unsigned i = cl->count; i-- > 0;)
		if (!strcmp(cl->text + cl->params[i].key, key))
			return cl->text + cl->params[i].value;
	return NULL;
}

/* Return: true when key is present at all. Context: any. */
bool cmdline_has(const struct cmdline *cl, const char *key)
{
	return cmdline_get(cl, key) != NULL;
}

static int cmdline_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * Convert a whole string to a long: [+-][0x]digits.
 * Return: 0, -EINVAL (not a number; checked before range), or -ERANGE.
 */
static int cmdline_strtol(const char *s, long *out)
{
	unsigned long v = 0, limit, base = 10;
	bool neg = false, overflow = false;

	if (*s == '+' || *s == '-')
		neg = *s++ == '-';
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	if (!*s)
		return -EINVAL;
	limit = neg ? (unsigned long)LONG_MAX + 1 : (unsigned long)LONG_MAX;
	for (; *s; s++) {
		int d = cmdline_digit(*s);

		if (d < 0 || (unsigned long)d >= base)
			return -EINVAL;
		if (v > (limit - d) / base)
			overflow = true;
		else
			v = v * base + d;
	}
	if (overflow)
		return -ERANGE;
	if (!neg)
		*out = (long)v;
	else
		*out = v ? -(long)(v - 1) - 1 : 0;
	return 0;
}

/*
 * Read key as an integer within [min, max] (see cmdline.h).
 * Context: any.
 * Return: 0, -ENOENT, -EINVAL or -ERANGE; *out written only on success.
 */
int cmdline_get_int(const struct cmdline *cl, const char *key, long min,
		    long max, long *out)
{
	const char *value = cmdline_get(cl, key);
	long v;
	int ret;

	if (!value)
		return -ENOENT;
	ret = cmdline_strtol(value, &v);
	if (ret)
		return ret;
	if (v < min || v > max)
		return -ERANGE;
	*out = v;
	return 0;
}

/* Return: true when comma-separated list contains item. Context: any. */
bool cmdline_list_has(const char *list, const char *item)
{
	size_t n;

	if (!list || !item || !*item)
		return false;
	n = strlen(item);
	while (*list) {
		const char *comma = strchr(list, ',');
		size_t len = comma ? (size_t)(comma - list) : strlen(list);

		if (len == n && !strncmp(list, item, n))
			return true;
		if (!comma)
			break;
		list = comma + 1;
	}
	return false;
}
