// SPDX-License-Identifier: MIT
/*
 * Host unit tests for kernel/format.c (vsnprintf, snprintf).
 *
 * The kernel's snprintf and vsnprintf replace the C library's in this test
 * binary. The reference output therefore comes from vasprintf(), a different
 * glibc entry point that does not go through them. Calls with a constant
 * format go through a volatile function pointer, because gcc knows what
 * snprintf does and would otherwise compute the result at compile time
 * instead of calling the code under test.
 */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include <xdv/printk.h>

typedef int (*snprintf_fn)(char *, size_t, const char *, ...)
	__attribute__((format(printf, 3, 4)));
static volatile snprintf_fn k_snprintf = snprintf;

/* The same without format checking, for formats gcc rightly warns about. */
typedef int (*snprintf_raw_fn)(char *, size_t, const char *, ...);
static volatile snprintf_raw_fn k_snprintf_raw = snprintf;

static int k_vsnprintf_wrap(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int k_vsnprintf_wrap(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

/* Format with the kernel's snprintf and expect exactly want (and its length). */
#define EXPECT_FMT(want, ...)                                                  \
	do {                                                                   \
		char buf_[256];                                                \
		int n_ = k_snprintf(buf_, sizeof(buf_), __VA_ARGS__);          \
		cr_expect_str_eq(buf_, want);                                  \
		cr_expect_eq(n_, (int)strlen(want), "return %d, want %zu", n_, \
			     strlen(want));                                    \
	} while (0)

/* EXPECT_FMT for odd formats (ignored flags, unknown conversions). */
#define EXPECT_FMT_RAW(want, ...)                                              \
	do {                                                                   \
		char buf_[256];                                                \
		int n_ = k_snprintf_raw(buf_, sizeof(buf_), __VA_ARGS__);      \
		cr_expect_str_eq(buf_, want);                                  \
		cr_expect_eq(n_, (int)strlen(want), "return %d, want %zu", n_, \
			     strlen(want));                                    \
	} while (0)

/* ---- conversions ------------------------------------------------------ */

Test(format, snprintf_plain_text_copied_unchanged)
{
	EXPECT_FMT("hello, world", "hello, world");
	EXPECT_FMT("", "%s", "");
}

Test(format, snprintf_percent_percent_prints_one_percent)
{
	EXPECT_FMT("100%", "100%%");
	EXPECT_FMT("%%", "%%%%");
}

Test(format, snprintf_d_signed_values_printed_in_decimal)
{
	EXPECT_FMT("0", "%d", 0);
	EXPECT_FMT("42", "%d", 42);
	EXPECT_FMT("-42", "%d", -42);
	EXPECT_FMT("2147483647", "%d", INT_MAX);
	EXPECT_FMT("-2147483648", "%d", INT_MIN);
}

Test(format, snprintf_i_behaves_like_d)
{
	EXPECT_FMT("-7 7", "%i %i", -7, 7);
}

Test(format, snprintf_u_negative_int_prints_unsigned_wrap)
{
	EXPECT_FMT("4294967295", "%u", (unsigned)-1);
	EXPECT_FMT("0", "%u", 0u);
}

Test(format, snprintf_x_and_X_print_lower_and_upper_hex)
{
	EXPECT_FMT("deadbeef", "%x", 0xdeadbeefu);
	EXPECT_FMT("DEADBEEF", "%X", 0xdeadbeefu);
	EXPECT_FMT("0", "%x", 0u);
}

Test(format, snprintf_o_prints_octal)
{
	EXPECT_FMT("755", "%o", 0755u);
	EXPECT_FMT("37777777777", "%o", 0xffffffffu);
}

Test(format, snprintf_c_prints_character)
{
	EXPECT_FMT("a", "%c", 'a');
	EXPECT_FMT("[  x]", "[%3c]", 'x');
	EXPECT_FMT("[x  ]", "[%-3c]", 'x');
}

Test(format, snprintf_c_nul_character_counted_in_length)
{
	char buf[8];
	int n = k_snprintf(buf, sizeof(buf), "a%cb", 0);

	cr_expect_eq(n, 3);
	cr_expect_eq(memcmp(buf, "a\0b\0", 4), 0);
}

Test(format, snprintf_s_prints_string_with_width_and_precision)
{
	EXPECT_FMT("abc", "%s", "abc");
	EXPECT_FMT("[  abc]", "[%5s]", "abc");
	EXPECT_FMT("[abc  ]", "[%-5s]", "abc");
	EXPECT_FMT("[ab]", "[%.2s]", "abc");
	EXPECT_FMT("[   ab]", "[%5.2s]", "abc");
	EXPECT_FMT("[]", "[%.0s]", "abc");
}

Test(format, snprintf_s_null_prints_null_marker)
{
	const char *volatile null_str = NULL;

	EXPECT_FMT("(null)", "%s", null_str);
	EXPECT_FMT("[  (null)]", "[%8s]", null_str);
	EXPECT_FMT("(nu", "%.3s", null_str);
}

Test(format, snprintf_s_precision_reads_no_further_than_precision)
{
	/* Not NUL-terminated: ASan reports any read past the array. */
	char *raw = malloc(4);

	memcpy(raw, "wxyz", 4);
	EXPECT_FMT("wxyz", "%.4s", raw);
	EXPECT_FMT("wx", "%.*s", 2, raw);
	free(raw);
}

Test(format, snprintf_p_prints_0x_and_16_hex_digits)
{
	EXPECT_FMT("0xffffffff80200000", "%p", (void *)0xffffffff80200000ull);
	EXPECT_FMT("0x0000000000001000", "%p", (void *)0x1000);
	EXPECT_FMT("0x0000000000000000", "%p", NULL);
}

Test(format, snprintf_p_width_pads_with_spaces)
{
	EXPECT_FMT("[  0x0000000000000001]", "[%20p]", (void *)1);
	EXPECT_FMT("[0x0000000000000001  ]", "[%-20p]", (void *)1);
	EXPECT_FMT("0x0000000000000001", "%5p", (void *)1);
}

Test(format, snprintf_unknown_conversion_copied_literally)
{
	EXPECT_FMT_RAW("a%yb", "a%yb");
	EXPECT_FMT_RAW("%-5y 3", "%-5y %d", 3);
}

Test(format, snprintf_percent_at_end_of_format_copied_literally)
{
	char buf[16];
	const char *volatile fmt = "ab%";
	const char *volatile fmt2 = "ab%-08l";

	cr_expect_eq(k_snprintf(buf, sizeof(buf), fmt), 3);
	cr_expect_str_eq(buf, "ab%");
	cr_expect_eq(k_snprintf(buf, sizeof(buf), fmt2), 7);
	cr_expect_str_eq(buf, "ab%-08l");
}

/* ---- flags ------------------------------------------------------------ */

Test(format, snprintf_minus_flag_left_justifies)
{
	EXPECT_FMT("[42   ]", "[%-5d]", 42);
	EXPECT_FMT("[-42  ]", "[%-5d]", -42);
}

Test(format, snprintf_plus_flag_adds_sign_to_signed_only)
{
	EXPECT_FMT("+42", "%+d", 42);
	EXPECT_FMT("-42", "%+d", -42);
	EXPECT_FMT("+0", "%+d", 0);
	EXPECT_FMT_RAW("42", "%+u", 42u);
	EXPECT_FMT_RAW("2a", "%+x", 42u);
}

Test(format, snprintf_space_flag_adds_space_and_loses_to_plus)
{
	EXPECT_FMT(" 42", "% d", 42);
	EXPECT_FMT("-42", "% d", -42);
	EXPECT_FMT_RAW("+42", "%+ d", 42);
	EXPECT_FMT_RAW("+42", "% +d", 42);
}

Test(format, snprintf_zero_flag_pads_after_sign_and_prefix)
{
	EXPECT_FMT("00042", "%05d", 42);
	EXPECT_FMT("-0042", "%05d", -42);
	EXPECT_FMT("+0042", "%+05d", 42);
	EXPECT_FMT("0x002a", "%#06x", 42u);
}

Test(format, snprintf_zero_flag_ignored_with_minus_or_precision)
{
	EXPECT_FMT_RAW("[42   ]", "[%-05d]", 42);
	EXPECT_FMT_RAW("[  042]", "[%05.3d]", 42);
}

Test(format, snprintf_hash_flag_adds_radix_prefix)
{
	EXPECT_FMT("0x2a", "%#x", 42u);
	EXPECT_FMT("0X2A", "%#X", 42u);
	EXPECT_FMT("052", "%#o", 42u);
	EXPECT_FMT("0", "%#x", 0u);
	EXPECT_FMT("0", "%#o", 0u);
	EXPECT_FMT("0", "%#.0o", 0u);
	EXPECT_FMT("00052", "%#.5o", 42u);
}

/* ---- width and precision ---------------------------------------------- */

Test(format, snprintf_width_pads_numbers_on_the_left)
{
	EXPECT_FMT("[   42]", "[%5d]", 42);
	EXPECT_FMT("[123456]", "[%3d]", 123456);
}

Test(format, snprintf_precision_sets_minimum_digits)
{
	EXPECT_FMT("00042", "%.5d", 42);
	EXPECT_FMT("-00042", "%.5d", -42);
	EXPECT_FMT("[  00042]", "[%7.5d]", 42);
	EXPECT_FMT("0000ff", "%.6x", 255u);
}

Test(format, snprintf_precision_zero_and_value_zero_prints_no_digits)
{
	EXPECT_FMT("[]", "[%.0d]", 0);
	EXPECT_FMT("[   ]", "[%3.0u]", 0u);
	EXPECT_FMT("[+]", "[%+.0d]", 0);
	EXPECT_FMT("[]", "[%.d]", 0);
}

Test(format, snprintf_star_width_taken_from_argument)
{
	EXPECT_FMT("[   42]", "[%*d]", 5, 42);
	EXPECT_FMT("[ab   ]", "[%*s]", -5, "ab");
	EXPECT_FMT("[42   ]", "[%-*d]", 5, 42);
}

Test(format, snprintf_star_negative_width_left_justifies)
{
	EXPECT_FMT("[42   ]", "[%*d]", -5, 42);
	EXPECT_FMT("[42   ]", "[%0*d]", -5, 42);
}

Test(format, snprintf_star_precision_taken_from_argument)
{
	EXPECT_FMT("[00042]", "[%.*d]", 5, 42);
	EXPECT_FMT("[abc]", "[%.*s]", 3, "abcdef");
	EXPECT_FMT("[  00042]", "[%*.*d]", 7, 5, 42);
}

Test(format, snprintf_star_negative_precision_treated_as_omitted)
{
	EXPECT_FMT("[abcdef]", "[%.*s]", -1, "abcdef");
	EXPECT_FMT_RAW("[00042]", "[%0*.*d]", 5, -3, 42);
}

/* ---- length modifiers ------------------------------------------------- */

Test(format, snprintf_hh_truncates_to_char)
{
	EXPECT_FMT("-1", "%hhd", 255);
	EXPECT_FMT("-128", "%hhd", 128);
	EXPECT_FMT("255", "%hhu", 255);
	EXPECT_FMT("0", "%hhu", 256);
	EXPECT_FMT("ff", "%hhx", -1);
}

Test(format, snprintf_h_truncates_to_short)
{
	EXPECT_FMT("-1", "%hd", 65535);
	EXPECT_FMT("-32768", "%hd", 32768);
	EXPECT_FMT("65535", "%hu", 65535);
	EXPECT_FMT("0", "%hu", 65536);
	EXPECT_FMT("ffff", "%hx", -1);
}

Test(format, snprintf_l_and_ll_print_64_bit_values)
{
	EXPECT_FMT("-1099511627776", "%ld", -1099511627776l);
	EXPECT_FMT("1099511627776", "%lu", 1099511627776ul);
	EXPECT_FMT("-1099511627776", "%lld", -1099511627776ll);
	EXPECT_FMT("10000000000", "%llx", 0x10000000000ull);
	EXPECT_FMT("10000000000", "%lx", 0x10000000000ul);
}

Test(format, snprintf_z_t_j_print_their_types)
{
	EXPECT_FMT("18446744073709551615", "%zu", SIZE_MAX);
	EXPECT_FMT("-5", "%zd", (ssize_t)-5);
	EXPECT_FMT("-12", "%td", (ptrdiff_t)-12);
	EXPECT_FMT("ffffffffffffffff", "%tx", (ptrdiff_t)-1);
	EXPECT_FMT("-9223372036854775808", "%jd", INTMAX_MIN);
	EXPECT_FMT("18446744073709551615", "%ju", UINTMAX_MAX);
	EXPECT_FMT("fffffffffffffffe", "%zx", SIZE_MAX - 1);
}

Test(format, snprintf_int64_min_prints_full_magnitude)
{
	EXPECT_FMT("-9223372036854775808", "%lld", (long long)INT64_MIN);
	EXPECT_FMT("-9223372036854775808", "%ld", (long)INT64_MIN);
	EXPECT_FMT("[-9223372036854775808  ]", "[%-22ld]", (long)INT64_MIN);
	EXPECT_FMT("-009223372036854775808", "%022ld", (long)INT64_MIN);
}

Test(format, snprintf_uint64_max_prints_in_every_base)
{
	EXPECT_FMT("18446744073709551615", "%llu", (unsigned long long)UINT64_MAX);
	EXPECT_FMT("ffffffffffffffff", "%llx", (unsigned long long)UINT64_MAX);
	EXPECT_FMT("0XFFFFFFFFFFFFFFFF", "%#llX", (unsigned long long)UINT64_MAX);
	EXPECT_FMT("1777777777777777777777", "%llo", (unsigned long long)UINT64_MAX);
	EXPECT_FMT("01777777777777777777777", "%#lo", (unsigned long)UINT64_MAX);
}

/* ---- buffer size and return value ------------------------------------- */

Test(format, snprintf_size_zero_writes_nothing_and_returns_length)
{
	char buf[4] = { 'x', 'x', 'x', 'x' };

	cr_expect_eq(k_snprintf(buf, 0, "hello %d", 42), 8);
	cr_expect_eq(buf[0], 'x');
	cr_expect_eq(k_snprintf(NULL, 0, "%s", "abc"), 3);
}

Test(format, snprintf_size_one_writes_only_nul)
{
	char buf[4] = { 'x', 'x', 'x', 'x' };

	cr_expect_eq(k_snprintf(buf, 1, "hello"), 5);
	cr_expect_eq(buf[0], '\0');
	cr_expect_eq(buf[1], 'x');
}

Test(format, snprintf_exact_fit_writes_everything)
{
	char buf[6];

	memset(buf, 'x', sizeof(buf));
	cr_expect_eq(k_snprintf(buf, 6, "%s", "hello"), 5);
	cr_expect_str_eq(buf, "hello");
}

Test(format, snprintf_one_short_truncates_last_char)
{
	char buf[8];

	memset(buf, 'x', sizeof(buf));
	cr_expect_eq(k_snprintf(buf, 5, "%s", "hello"), 5);
	cr_expect_str_eq(buf, "hell");
	cr_expect_eq(buf[5], 'x');
}

Test(format, snprintf_truncated_return_equals_untruncated_length)
{
	/* Heap buffers of the exact size, so ASan sees any overflow. */
	const char *want = "[   -0042|0x00ff|(null)|abc   ]";
	size_t full = strlen(want);

	for (size_t size = 1; size <= full + 1; size++) {
		char *buf = malloc(size);
		int n = k_snprintf(buf, size, "[%8.4d|%#06x|%s|%-6s]", -42, 255u,
				   (char *)NULL, "abc");

		cr_expect_eq(n, (int)full, "size %zu", size);
		cr_expect_eq(strlen(buf), size - 1, "size %zu", size);
		cr_expect_eq(strncmp(buf, want, size - 1), 0, "size %zu: %s", size, buf);
		free(buf);
	}
}

Test(format, snprintf_wide_padding_in_small_buffer_counts_all)
{
	char buf[4];

	cr_expect_eq(k_snprintf(buf, sizeof(buf), "%1000d", 7), 1000);
	cr_expect_str_eq(buf, "   ");
	cr_expect_eq(k_snprintf(buf, sizeof(buf), "%-1000d", 7), 1000);
	cr_expect_str_eq(buf, "7  ");
}

Test(format, vsnprintf_va_list_formats_like_snprintf)
{
	char buf[32];

	cr_expect_eq(k_vsnprintf_wrap(buf, sizeof(buf), "%s=%d,%p", "x", -1,
				      (void *)0xabc), 23);
	cr_expect_str_eq(buf, "x=-1,0x0000000000000abc");
}

/* ---- against the host C library --------------------------------------- */

static unsigned host_mismatches;

/* Format with both, compare text and return value; report the first few. */
static void __attribute__((format(printf, 1, 2))) check_same(const char *fmt, ...)
{
	char ours[512];
	char *ref = NULL;
	va_list ap, ap2;
	int n, m;

	va_start(ap, fmt);
	va_copy(ap2, ap);
	n = vsnprintf(ours, sizeof(ours), fmt, ap);
	m = vasprintf(&ref, fmt, ap2);
	va_end(ap2);
	va_end(ap);
	cr_assert(m >= 0 && ref);
	if (n != m || strcmp(ours, ref) != 0) {
		if (host_mismatches++ < 10)
			cr_log_error("fmt \"%s\": ours \"%s\" (%d), libc \"%s\" (%d)",
				     fmt, ours, n, ref, m);
	}
	free(ref);
}

static const char *const flag_sets[] = {
	"", "-", "+", " ", "0", "#", "-+", "- ", "-0", "-#", "+ ", "+0", "+#",
	" 0", " #", "0#", "-+ ", "-+0", "+ 0#", "-+ 0#",
};
static const char *const widths[] = { "", "1", "3", "8", "24" };
static const char *const precisions[] = { "", ".", ".0", ".1", ".4", ".22" };

/* Build "%<flags><width><precision><length><conv>". */
static void build(char *fmt, size_t size, const char *flags, const char *width,
		  const char *prec, const char *length, char conv)
{
	/* The host's own snprintf is replaced; build the string by hand. */
	fmt[0] = '\0';
	strncat(fmt, "[%", size - 1);
	strncat(fmt, flags, size - strlen(fmt) - 1);
	strncat(fmt, width, size - strlen(fmt) - 1);
	strncat(fmt, prec, size - strlen(fmt) - 1);
	strncat(fmt, length, size - strlen(fmt) - 1);
	size_t len = strlen(fmt);
	fmt[len] = conv;
	fmt[len + 1] = ']';
	fmt[len + 2] = '\0';
}

static bool flag_valid_for(const char *flags, char conv)
{
	/* '#' is undefined for d, i, u in C: skip those. */
	return !(strchr(flags, '#') && (conv == 'd' || conv == 'i' || conv == 'u'));
}

Test(format, vsnprintf_int_conversions_match_host_libc)
{
	static const int values[] = { 0, 1, -1, 7, -7, 42, 255, 4096, -100000,
				      INT_MAX, INT_MIN };
	static const char convs[] = "diuxXo";
	char fmt[64];

	for (size_t f = 0; f < ARRAY_SIZE(flag_sets); f++)
		for (size_t w = 0; w < ARRAY_SIZE(widths); w++)
			for (size_t p = 0; p < ARRAY_SIZE(precisions); p++)
				for (const char *c = convs; *c; c++) {
					if (!flag_valid_for(flag_sets[f], *c))
						continue;
					build(fmt, sizeof(fmt), flag_sets[f], widths[w],
					      precisions[p], "", *c);
					for (size_t v = 0; v < ARRAY_SIZE(values); v++)
						check_same(fmt, values[v]);
				}
	cr_expect_eq(host_mismatches, 0u, "%u mismatches", host_mismatches);
}

Test(format, vsnprintf_long_conversions_match_host_libc)
{
	static const long long values[] = { 0, 1, -1, 1ll << 40, -(1ll << 40),
					    INT64_MAX, INT64_MIN, 0x123456789abcdefll };
	static const char *const lengths[] = { "l", "ll", "j", "z", "t" };
	static const char convs[] = "diuxXo";
	char fmt[64];

	for (size_t f = 0; f < ARRAY_SIZE(flag_sets); f++)
		for (size_t w = 0; w < ARRAY_SIZE(widths); w++)
			for (size_t p = 0; p < ARRAY_SIZE(precisions); p++)
				for (size_t l = 0; l < ARRAY_SIZE(lengths); l++)
					for (const char *c = convs; *c; c++) {
						if (!flag_valid_for(flag_sets[f], *c))
							continue;
						build(fmt, sizeof(fmt), flag_sets[f],
						      widths[w], precisions[p],
						      lengths[l], *c);
						/* All five are 64-bit on x86-64. */
						for (size_t v = 0; v < ARRAY_SIZE(values); v++)
							check_same(fmt, values[v]);
					}
	cr_expect_eq(host_mismatches, 0u, "%u mismatches", host_mismatches);
}

Test(format, vsnprintf_short_conversions_match_host_libc)
{
	static const int values[] = { 0, 1, -1, 127, 128, 255, 256, 32767,
				      32768, 65535, 65536, -129, INT_MIN };
	static const char *const lengths[] = { "hh", "h" };
	static const char convs[] = "diuxXo";
	char fmt[64];

	for (size_t f = 0; f < ARRAY_SIZE(flag_sets); f++)
		for (size_t w = 0; w < ARRAY_SIZE(widths); w++)
			for (size_t p = 0; p < ARRAY_SIZE(precisions); p++)
				for (size_t l = 0; l < ARRAY_SIZE(lengths); l++)
					for (const char *c = convs; *c; c++) {
						if (!flag_valid_for(flag_sets[f], *c))
							continue;
						build(fmt, sizeof(fmt), flag_sets[f],
						      widths[w], precisions[p],
						      lengths[l], *c);
						for (size_t v = 0; v < ARRAY_SIZE(values); v++)
							check_same(fmt, values[v]);
					}
	cr_expect_eq(host_mismatches, 0u, "%u mismatches", host_mismatches);
}

Test(format, vsnprintf_s_and_c_match_host_libc)
{
	static const char *const strs[] = { "", "a", "abc", "hello, world",
					     "a string longer than twenty-four" };
	static const char *const sc_flags[] = { "", "-" };
	char fmt[64];

	for (size_t f = 0; f < ARRAY_SIZE(sc_flags); f++)
		for (size_t w = 0; w < ARRAY_SIZE(widths); w++) {
			for (size_t p = 0; p < ARRAY_SIZE(precisions); p++) {
				build(fmt, sizeof(fmt), sc_flags[f], widths[w],
				      precisions[p], "", 's');
				for (size_t s = 0; s < ARRAY_SIZE(strs); s++)
					check_same(fmt, strs[s]);
			}
			build(fmt, sizeof(fmt), sc_flags[f], widths[w], "", "", 'c');
			check_same(fmt, 'q');
			check_same(fmt, 200);
		}
	cr_expect_eq(host_mismatches, 0u, "%u mismatches", host_mismatches);
}

Test(format, vsnprintf_star_arguments_match_host_libc)
{
	static const int stars[] = { -30, -5, -1, 0, 1, 3, 12, 30 };
	/* Not a literal: gcc warns that '0' is ignored with a precision. */
	const char *zero_star_prec = "[%0*.*d]";
	static const char *const fmts[] = { "[%*d]", "[%-*d]", "[%0*d]", "[%*x]",
					    "[%#*o]", "[%*s]", "[%*c]" };

	for (size_t i = 0; i < ARRAY_SIZE(stars); i++) {
		for (size_t j = 0; j < 5; j++)
			check_same(fmts[j], stars[i], -1234);
		check_same(fmts[5], stars[i], "str");
		check_same(fmts[6], stars[i], 'z');
		for (size_t k = 0; k < ARRAY_SIZE(stars); k++) {
			check_same("[%*.*d]", stars[i], stars[k], 98765);
			check_same("[%-*.*x]", stars[i], stars[k], 0xbeefu);
			check_same("[%*.*s]", stars[i], stars[k], "precision");
			check_same(zero_star_prec, stars[i], stars[k], -5);
		}
	}
	cr_expect_eq(host_mismatches, 0u, "%u mismatches", host_mismatches);
}

Test(format, vsnprintf_mixed_messages_match_host_libc)
{
	check_same("mm: %lu pages free of %lu (%u%%)", 12345ul, 65536ul, 18u);
	check_same("%s: irq %d vector %#x cpu %u", "lapic", 9, 0x31u, 1u);
	check_same("e820: [mem %#018llx-%#018llx] %s", 0x100000ull,
		   0x7fffffffull, "usable");
	check_same("%c%c%c %5.1s|%-3d|%+.3d|% 05d", 'a', 'b', 'c', "xyz", 1, 2, 3);
	check_same("%%d %d %%", 5);
	cr_expect_eq(host_mismatches, 0u, "%u mismatches", host_mismatches);
}
