// SPDX-License-Identifier: MIT
/*
 * "#!" scripts: parse the first line of a file the way Linux's
 * binfmt_script.c does, build the interpreter's argv, and bound how many
 * times exec may swap a file for its interpreter (exec.c's exec_binprm()).
 *
 * The rules, from Linux 6.1: only the first BINPRM_BUF_SIZE (256) bytes
 * are looked at. Spaces and tabs after "#!" are skipped; the interpreter
 * path runs to the first space, tab or NUL; what follows, with leading
 * and trailing spaces and tabs removed, is ONE argument (spaces inside it
 * are kept). When there is no newline in the 256 bytes, the line may be
 * cut: that is accepted only if the path ends inside the buffer (else the
 * path itself could be truncated: -ENOEXEC), and the argument then ends at
 * byte 255. The interpreter gets argv = interp, [arg], the script's path,
 * then the caller's argv[1..].
 *
 * Locking: none; pure functions on the caller's buffers.
 */
#include <xdv/errno.h>
#include <xdv/exec.h>
#include <xdv/string.h>

static bool shebang_spacetab(char c)
{
	return c == ' ' || c == '\t';
}

/* First byte in [first, last] that is not a space or tab, or NULL. */
static char *shebang_skip_blanks(char *first, char *last)
{
	for (; first <= last; first++)
		if (!shebang_spacetab(*first))
			return first;
	return NULL;
}

/* First space, tab or NUL in [first, last], or NULL. */
static char *shebang_find_end(char *first, char *last)
{
	for (; first <= last; first++)
		if (shebang_spacetab(*first) || !*first)
			return first;
	return NULL;
}

/* The first newline in buf[0, BINPRM_BUF_SIZE), or NULL. */
static char *shebang_newline(char *buf)
{
	for (size_t i = 0; i < BINPRM_BUF_SIZE; i++)
		if (buf[i] == '\n')
			return buf + i;
	return NULL;
}

/*
 * shebang_parse - see include/xdv/exec.h.
 * Context: any; pure.
 */
int shebang_parse(const void *head, size_t len, struct shebang *out)
{
	char *buf = out->buf;
	char *buf_end = buf + BINPRM_BUF_SIZE - 1;
	char *end, *name, *sep, *arg = NULL;

	memset(out->buf, 0, sizeof(out->buf));
	out->interp = out->arg = NULL;
	memcpy(buf, head, MIN(len, (size_t)BINPRM_BUF_SIZE));
	if (buf[0] != '#' || buf[1] != '!')
		return -ENOEXEC;

	end = shebang_newline(buf);
	if (!end) {
		end = shebang_skip_blanks(buf + 2, buf_end);
		if (!end)
			return -ENOEXEC; /* only blanks */
		if (!shebang_find_end(end, buf_end))
			return -ENOEXEC; /* the path may be truncated */
		end = buf_end;
	}
	while (shebang_spacetab(end[-1]))
		end--;
	name = shebang_skip_blanks(buf + 2, end);
	if (!name || name == end)
		return -ENOEXEC; /* no interpreter named */
	sep = shebang_find_end(name, end);
	if (sep && *sep != '\0')
		arg = shebang_skip_blanks(sep, end);
	*end = '\0';
	if (arg)
		*sep = '\0';
	out->interp = name;
	out->arg = arg;
	return 0;
}

/*
 * shebang_argv - see include/xdv/exec.h.
 * Context: any; pure.
 */
int shebang_argv(const struct shebang *sb, const char *script_path, const char *const *argv,
		 size_t argc, const char **new_argv, size_t max, size_t *new_argc)
{
	size_t rest = argc ? argc - 1 : 0; /* argv[0] is replaced */
	size_t n = 2 + (sb->arg ? 1 : 0) + rest;
	size_t k = 0;

	if (n > max)
		return -E2BIG;
	new_argv[k++] = sb->interp;
	if (sb->arg)
		new_argv[k++] = sb->arg;
	new_argv[k++] = script_path;
	for (size_t i = 1; i < argc; i++)
		new_argv[k++] = argv[i];
	*new_argc = k;
	return 0;
}

/*
 * exec_check_rewrites - see include/xdv/exec.h. Linux's exec_binprm()
 * refuses when its depth counter passes 5 before handling a file.
 * Context: any; pure.
 */
int exec_check_rewrites(unsigned rewrites)
{
	return rewrites > EXEC_MAX_REWRITES ? -ELOOP : 0;
}
