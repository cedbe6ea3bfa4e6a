// SPDX-License-Identifier: MIT
/*
 * Host unit tests for "#!" parsing (process/shebang.c) against Linux's
 * binfmt_script.c rules: blanks skipped, the path to the first blank or
 * NUL, the rest trimmed as one argument, lines without a newline in the
 * first 256 bytes, empty lines, CR kept as Linux keeps it; the new argv;
 * and the rewrite limit (-ELOOP).
 */
#include <criterion/criterion.h>
#include <string.h>
#include <xdv/errno.h>
#include <xdv/exec.h>

static struct shebang sb;

static int parse(const char *s)
{
	return shebang_parse(s, strlen(s), &sb);
}

TestSuite(shebang);

Test(shebang, parse_plain_path_no_arg)
{
	cr_assert_eq(parse("#!/bin/sh\necho hi\n"), 0);
	cr_assert_str_eq(sb.interp, "/bin/sh");
	cr_assert_null(sb.arg);
}

Test(shebang, parse_blanks_and_one_arg_trimmed)
{
	cr_assert_eq(parse("#! /bin/sh -x\n"), 0);
	cr_assert_str_eq(sb.interp, "/bin/sh");
	cr_assert_str_eq(sb.arg, "-x");
	cr_assert_eq(parse("#!\t/bin/sh\t-e\t \n"), 0);
	cr_assert_str_eq(sb.interp, "/bin/sh");
	cr_assert_str_eq(sb.arg, "-e");
}

Test(shebang, parse_rest_of_line_is_one_argument)
{
	cr_assert_eq(parse("#!/usr/bin/env  python3 -u  \nprint(1)\n"), 0);
	cr_assert_str_eq(sb.interp, "/usr/bin/env");
	cr_assert_str_eq(sb.arg, "python3 -u");
}

Test(shebang, parse_empty_line_enoexec)
{
	cr_assert_eq(parse("#!\n"), -ENOEXEC);
	cr_assert_eq(parse("#!   \t \n/bin/sh\n"), -ENOEXEC);
}

Test(shebang, parse_not_a_script_enoexec)
{
	cr_assert_eq(parse("\177ELF"), -ENOEXEC);
	cr_assert_eq(parse("#/bin/sh\n"), -ENOEXEC);
	cr_assert_eq(parse(" #!/bin/sh\n"), -ENOEXEC);
	cr_assert_eq(shebang_parse("#", 1, &sb), -ENOEXEC);
	cr_assert_eq(shebang_parse("", 0, &sb), -ENOEXEC);
}

Test(shebang, parse_bare_hashbang_gives_empty_path_as_linux)
{
	/* Linux takes the NUL padding as an empty name; open("") then fails. */
	cr_assert_eq(parse("#!"), 0);
	cr_assert_str_eq(sb.interp, "");
	cr_assert_eq(parse("#!\t\t"), 0, "blanks then NUL padding: the same");
	cr_assert_str_eq(sb.interp, "");
}

Test(shebang, parse_nul_ends_path_and_drops_arg)
{
	static const char s[] = "#!/bin/sh\0-x\n";

	cr_assert_eq(shebang_parse(s, sizeof(s) - 1, &sb), 0);
	cr_assert_str_eq(sb.interp, "/bin/sh");
	cr_assert_null(sb.arg);
}

Test(shebang, parse_crlf_keeps_cr_as_linux)
{
	cr_assert_eq(parse("#!/bin/sh\r\n"), 0);
	cr_assert_str_eq(sb.interp, "/bin/sh\r");
}

Test(shebang, parse_long_line_arg_cut_at_byte_255)
{
	char s[400];

	memset(s, 'a', sizeof(s));
	memcpy(s, "#!/bin/sh ", 10);
	s[sizeof(s) - 1] = '\n';
	cr_assert_eq(shebang_parse(s, sizeof(s), &sb), 0);
	cr_assert_str_eq(sb.interp, "/bin/sh");
	cr_assert_eq(strlen(sb.arg), 245); /* bytes 10..254 */
}

Test(shebang, parse_long_path_without_end_enoexec)
{
	char s[400];

	memset(s, 'a', sizeof(s));
	memcpy(s, "#!/", 3);
	s[sizeof(s) - 1] = '\n';
	cr_assert_eq(shebang_parse(s, sizeof(s), &sb), -ENOEXEC);
	s[255] = ' '; /* the last byte of the buffer ends the path: accepted */
	cr_assert_eq(shebang_parse(s, sizeof(s), &sb), 0);
	cr_assert_eq(strlen(sb.interp), 253);
	cr_assert_null(sb.arg);
}

Test(shebang, parse_newline_at_last_byte)
{
	char s[256];

	memset(s, 'b', sizeof(s));
	memcpy(s, "#!/x ", 5);
	s[255] = '\n';
	cr_assert_eq(shebang_parse(s, sizeof(s), &sb), 0);
	cr_assert_str_eq(sb.interp, "/x");
	cr_assert_eq(strlen(sb.arg), 250);
}

Test(shebang, argv_replaces_argv0_with_path)
{
	const char *argv[] = { "script", "x", "y" };
	const char *out[8];
	size_t n;

	cr_assert_eq(parse("#!/bin/sh -e\n"), 0);
	cr_assert_eq(shebang_argv(&sb, "/tmp/s.sh", argv, 3, out, 8, &n), 0);
	cr_assert_eq(n, 5);
	cr_assert_str_eq(out[0], "/bin/sh");
	cr_assert_str_eq(out[1], "-e");
	cr_assert_str_eq(out[2], "/tmp/s.sh");
	cr_assert_str_eq(out[3], "x");
	cr_assert_str_eq(out[4], "y");
	cr_assert_eq(parse("#!/bin/sh\n"), 0);
	cr_assert_eq(shebang_argv(&sb, "/tmp/s.sh", argv, 0, out, 8, &n), 0);
	cr_assert_eq(n, 2);
	cr_assert_str_eq(out[1], "/tmp/s.sh");
	cr_assert_eq(shebang_argv(&sb, "/tmp/s.sh", argv, 3, out, 3, &n), -E2BIG);
}

Test(shebang, rewrites_over_five_eloop)
{
	for (unsigned d = 0; d <= 5; d++)
		cr_assert_eq(exec_check_rewrites(d), 0);
	cr_assert_eq(exec_check_rewrites(6), -ELOOP);
}
