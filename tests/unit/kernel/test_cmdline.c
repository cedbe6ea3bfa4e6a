// SPDX-License-Identifier: MIT
/*
 * Host unit tests for the kernel command-line parser (kernel/cmdline.c):
 * flags, key=value, quoting, repeats, limits, integer values and the
 * comma-list helper used by console=.
 */
#include <criterion/criterion.h>
#include <limits.h>
#include <string.h>
#include <xdv/cmdline.h>
#include <xdv/errno.h>

static struct cmdline cl;

static void parse_ok(const char *text)
{
	cr_assert_eq(cmdline_parse(&cl, text), 0, "parsing '%s'", text);
}

Test(cmdline, cmdline_parse_empty_string_gives_no_params)
{
	parse_ok("");
	cr_expect_eq(cl.count, 0);
	cr_expect_null(cmdline_get(&cl, "quiet"));
	cr_expect(!cmdline_has(&cl, ""));
	parse_ok(NULL);
	cr_expect_eq(cl.count, 0);
}

Test(cmdline, cmdline_parse_only_spaces_gives_no_params)
{
	parse_ok("  \t \n  ");
	cr_expect_eq(cl.count, 0);
}

Test(cmdline, cmdline_parse_flags_give_empty_values)
{
	parse_ok("quiet ktest");
	cr_expect_eq(cl.count, 2);
	cr_expect(cmdline_has(&cl, "quiet"));
	cr_expect(cmdline_has(&cl, "ktest"));
	cr_expect_str_eq(cmdline_get(&cl, "quiet"), "");
	cr_expect(!cmdline_has(&cl, "qui"));
	cr_expect(!cmdline_has(&cl, "quiet2"));
}

Test(cmdline, cmdline_parse_key_value_splits_at_first_equals)
{
	parse_ok("\tloglevel=7  init=/sbin/init  opt=a=b  empty= ");
	cr_expect_eq(cl.count, 4);
	cr_expect_str_eq(cmdline_get(&cl, "loglevel"), "7");
	cr_expect_str_eq(cmdline_get(&cl, "init"), "/sbin/init");
	cr_expect_str_eq(cmdline_get(&cl, "opt"), "a=b");
	cr_expect_str_eq(cmdline_get(&cl, "empty"), "");
}

Test(cmdline, cmdline_parse_quoted_value_keeps_spaces)
{
	parse_ok("init=\"/bin/sh -c  x\" quiet");
	cr_expect_eq(cl.count, 2);
	cr_expect_str_eq(cmdline_get(&cl, "init"), "/bin/sh -c  x");
	cr_expect(cmdline_has(&cl, "quiet"));
}

Test(cmdline, cmdline_parse_quotes_mid_token_are_removed)
{
	parse_ok("\"msg=hello world\" path=/a\" b\"/c \"fl ag\"");
	cr_expect_eq(cl.count, 3);
	cr_expect_str_eq(cmdline_get(&cl, "msg"), "hello world");
	cr_expect_str_eq(cmdline_get(&cl, "path"), "/a b/c");
	cr_expect(cmdline_has(&cl, "fl ag"));
}

Test(cmdline, cmdline_parse_unterminated_quote_runs_to_end)
{
	parse_ok("a=1 b=\"x y");
	cr_expect_eq(cl.count, 2);
	cr_expect_str_eq(cmdline_get(&cl, "b"), "x y");
}

Test(cmdline, cmdline_parse_empty_key_is_ignored)
{
	parse_ok("=x \"\" a=1 =");
	cr_expect_eq(cl.count, 1);
	cr_expect_str_eq(cmdline_get(&cl, "a"), "1");
}

Test(cmdline, cmdline_get_repeated_key_returns_last)
{
	parse_ok("console=vga loglevel=3 console=serial,fb loglevel");
	cr_expect_str_eq(cmdline_get(&cl, "console"), "serial,fb");
	cr_expect_str_eq(cmdline_get(&cl, "loglevel"), "");
	cr_expect_eq(cl.count, 4);
}

Test(cmdline, cmdline_parse_reuses_struct_without_stale_params)
{
	parse_ok("a=1 b=2");
	parse_ok("c=3");
	cr_expect_eq(cl.count, 1);
	cr_expect_null(cmdline_get(&cl, "a"));
}

Test(cmdline, cmdline_at_iterates_in_order_including_unknown_keys)
{
	static const char *keys[] = { "ktest", "foo.bar", "ktest" };
	static const char *vals[] = { "", "42", "mm_*" };
	const char *key, *value;
	unsigned i;

	parse_ok("ktest foo.bar=42 ktest=mm_*");
	cmdline_for_each(&cl, i, key, value) {
		cr_assert_lt(i, 3);
		cr_expect_str_eq(key, keys[i]);
		cr_expect_str_eq(value, vals[i]);
	}
	cr_expect_eq(i, 3);
	cr_expect(!cmdline_at(&cl, 3, &key, &value));
}

Test(cmdline, cmdline_parse_struct_copy_stays_valid)
{
	struct cmdline copy;

	parse_ok("init=/sbin/init");
	copy = cl;
	memset(&cl, 0xff, sizeof(cl));
	cr_expect_str_eq(cmdline_get(&copy, "init"), "/sbin/init");
}

Test(cmdline, cmdline_parse_too_many_params_returns_e2big_keeping_first)
{
	char text[1024] = "";

	/* "p0=0 p1=1 ... p68=68" without relying on any printf. */
	for (int i = 0; i < CMDLINE_PARAMS_MAX + 5; i++) {
		char word[16] = "p", num[4];
		int n = 0;

		if (i >= 10)
			num[n++] = (char)('0' + i / 10);
		num[n++] = (char)('0' + i % 10);
		num[n] = '\0';
		strcat(word, num);
		strcat(word, "=");
		strcat(word, num);
		strcat(word, " ");
		strcat(text, word);
	}
	cr_assert_eq(cmdline_parse(&cl, text), -E2BIG);
	cr_expect_eq(cl.count, CMDLINE_PARAMS_MAX);
	cr_expect_str_eq(cmdline_get(&cl, "p0"), "0");
	cr_expect_str_eq(cmdline_get(&cl, "p63"), "63");
	cr_expect_null(cmdline_get(&cl, "p64"));
}

Test(cmdline, cmdline_parse_max_boot_line_fits)
{
	static char text[CMDLINE_TEXT_MAX];

	/* 2047 characters, as much as boot_info.cmdline can hold. */
	memset(text, 'k', sizeof(text) - 1);
	text[5] = '=';
	cr_assert_eq(cmdline_parse(&cl, text), 0);
	cr_expect_eq(cl.count, 1);
	cr_expect_eq(strlen(cmdline_get(&cl, "kkkkk")), CMDLINE_TEXT_MAX - 7);
}

Test(cmdline, cmdline_parse_one_byte_over_storage_returns_e2big)
{
	static char text[CMDLINE_TEXT_MAX + 1];

	/* 2048 characters: key, NUL, value, NUL need 2049 bytes. */
	memset(text, 'k', sizeof(text) - 1);
	text[5] = '=';
	cr_assert_eq(cmdline_parse(&cl, text), -E2BIG);
	cr_expect_eq(cl.count, 0);
	cr_expect_null(cmdline_get(&cl, "kkkkk"));
}

Test(cmdline, cmdline_parse_overlong_input_returns_e2big_keeping_what_fit)
{
	static char text[4096];

	strcpy(text, "quiet loglevel=4 big=");
	memset(text + strlen(text), 'x', 3000);
	strcat(text, " after");
	cr_assert_eq(cmdline_parse(&cl, text), -E2BIG);
	cr_expect_eq(cl.count, 2);
	cr_expect(cmdline_has(&cl, "quiet"));
	cr_expect_str_eq(cmdline_get(&cl, "loglevel"), "4");
	cr_expect_null(cmdline_get(&cl, "big"));
	cr_expect_null(cmdline_get(&cl, "after"));
}

Test(cmdline, cmdline_get_int_decimal_and_hex_parse)
{
	long v = 0;

	parse_ok("loglevel=7 debug_exit=0xf4 port=0XF4 n=-12 p=+5 z=0 dec=010");
	cr_expect_eq(cmdline_get_int(&cl, "loglevel", 0, 7, &v), 0);
	cr_expect_eq(v, 7);
	cr_expect_eq(cmdline_get_int(&cl, "debug_exit", 0, 0xffff, &v), 0);
	cr_expect_eq(v, 0xf4);
	cr_expect_eq(cmdline_get_int(&cl, "port", 0, 0xffff, &v), 0);
	cr_expect_eq(v, 0xf4);
	cr_expect_eq(cmdline_get_int(&cl, "n", -100, 100, &v), 0);
	cr_expect_eq(v, -12);
	cr_expect_eq(cmdline_get_int(&cl, "p", 0, 10, &v), 0);
	cr_expect_eq(v, 5);
	cr_expect_eq(cmdline_get_int(&cl, "z", 0, 0, &v), 0);
	cr_expect_eq(v, 0);
	cr_expect_eq(cmdline_get_int(&cl, "dec", 0, 100, &v), 0);
	cr_expect_eq(v, 10);
}

Test(cmdline, cmdline_get_int_out_of_range_returns_erange)
{
	long v = 99;

	parse_ok("loglevel=8 low=-1 huge=99999999999999999999 hex=0x10000");
	cr_expect_eq(cmdline_get_int(&cl, "loglevel", 0, 7, &v), -ERANGE);
	cr_expect_eq(cmdline_get_int(&cl, "low", 0, 7, &v), -ERANGE);
	cr_expect_eq(cmdline_get_int(&cl, "huge", LONG_MIN, LONG_MAX, &v), -ERANGE);
	cr_expect_eq(cmdline_get_int(&cl, "hex", 0, 0xffff, &v), -ERANGE);
	cr_expect_eq(v, 99, "out must be untouched on error");
}

Test(cmdline, cmdline_get_int_long_limits_parse)
{
	long v = 0;

	parse_ok("max=9223372036854775807 min=-9223372036854775808 "
		 "over=9223372036854775808 under=-9223372036854775809");
	cr_expect_eq(cmdline_get_int(&cl, "max", LONG_MIN, LONG_MAX, &v), 0);
	cr_expect_eq(v, LONG_MAX);
	cr_expect_eq(cmdline_get_int(&cl, "min", LONG_MIN, LONG_MAX, &v), 0);
	cr_expect_eq(v, LONG_MIN);
	cr_expect_eq(cmdline_get_int(&cl, "over", LONG_MIN, LONG_MAX, &v), -ERANGE);
	cr_expect_eq(cmdline_get_int(&cl, "under", LONG_MIN, LONG_MAX, &v), -ERANGE);
}

Test(cmdline, cmdline_get_int_not_a_number_returns_einval)
{
	long v = 99;

	parse_ok("flag empty= word=abc trail=12x hexbad=0xg x=0x minus=- sp=\" 1\"");
	cr_expect_eq(cmdline_get_int(&cl, "flag", 0, 10, &v), -EINVAL);
	cr_expect_eq(cmdline_get_int(&cl, "empty", 0, 10, &v), -EINVAL);
	cr_expect_eq(cmdline_get_int(&cl, "word", 0, 10, &v), -EINVAL);
	cr_expect_eq(cmdline_get_int(&cl, "trail", 0, 10, &v), -EINVAL);
	cr_expect_eq(cmdline_get_int(&cl, "hexbad", 0, 10, &v), -EINVAL);
	cr_expect_eq(cmdline_get_int(&cl, "x", 0, 10, &v), -EINVAL);
	cr_expect_eq(cmdline_get_int(&cl, "minus", 0, 10, &v), -EINVAL);
	cr_expect_eq(cmdline_get_int(&cl, "sp", 0, 10, &v), -EINVAL);
	cr_expect_eq(v, 99);
}

Test(cmdline, cmdline_get_int_absent_key_returns_enoent)
{
	long v = 99;

	parse_ok("quiet");
	cr_expect_eq(cmdline_get_int(&cl, "loglevel", 0, 7, &v), -ENOENT);
	cr_expect_eq(v, 99);
}

Test(cmdline, cmdline_list_has_matches_whole_items_only)
{
	parse_ok("console=serial,fb");
	const char *list = cmdline_get(&cl, "console");

	cr_expect(cmdline_list_has(list, "serial"));
	cr_expect(cmdline_list_has(list, "fb"));
	cr_expect(!cmdline_list_has(list, "vga"));
	cr_expect(!cmdline_list_has(list, "ser"));
	cr_expect(!cmdline_list_has(list, "serial,fb"));
	cr_expect(!cmdline_list_has(list, ""));
	cr_expect(!cmdline_list_has(NULL, "fb"));
	cr_expect(cmdline_list_has("vga,,fb", "fb"));
}

Test(cmdline, kernel_cmdline_global_is_usable)
{
	cr_assert_eq(cmdline_parse(&kernel_cmdline, "quiet loglevel=4"), 0);
	cr_expect(cmdline_has(&kernel_cmdline, "quiet"));
}
