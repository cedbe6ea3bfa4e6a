// SPDX-License-Identifier: MIT
/*
 * Host unit tests for drivers/rtc_time.c: CMOS register values (BCD and
 * binary, 12- and 24-hour, with and without a century register) to a
 * date, rejection of values a dead or garbage CMOS holds, and the date to
 * Unix seconds conversion against known instants and against the C
 * library's timegm() for every day of five centuries.
 */
#define _DEFAULT_SOURCE
#include <criterion/criterion.h>
#include <string.h>
#include <time.h>
#include <xdv/errno.h>
#include <xdv/rtc.h>

#define BCD_24H    RTC_STATUS_B_24H
#define BCD_12H    0
#define BIN_24H    (RTC_STATUS_B_24H | RTC_STATUS_B_BINARY)
#define BIN_12H    RTC_STATUS_B_BINARY

static void set_regs(uint8_t r[RTC_RAW_COUNT], uint8_t sec, uint8_t min, uint8_t hour,
		     uint8_t day, uint8_t month, uint8_t year, uint8_t century,
		     uint8_t status_b)
{
	r[RTC_RAW_SECOND] = sec;
	r[RTC_RAW_MINUTE] = min;
	r[RTC_RAW_HOUR] = hour;
	r[RTC_RAW_DAY] = day;
	r[RTC_RAW_MONTH] = month;
	r[RTC_RAW_YEAR] = year;
	r[RTC_RAW_CENTURY] = century;
	r[RTC_RAW_STATUS_B] = status_b;
}

#define EXPECT_TIME(tm, y, mo, d, h, mi, s)                                    \
	do {                                                                   \
		cr_expect_eq((tm).year, (y));                                  \
		cr_expect_eq((tm).month, (unsigned)(mo));                      \
		cr_expect_eq((tm).day, (unsigned)(d));                         \
		cr_expect_eq((tm).hour, (unsigned)(h));                        \
		cr_expect_eq((tm).minute, (unsigned)(mi));                     \
		cr_expect_eq((tm).second, (unsigned)(s));                      \
	} while (0)

/* Decode the 12-hour register value hour (BCD) and return the 24-hour hour. */
static int hour_12h_bcd(uint8_t hour)
{
	uint8_t r[RTC_RAW_COUNT];
	struct rtc_time tm;

	set_regs(r, 0x00, 0x00, hour, 0x01, 0x01, 0x24, 0, BCD_12H);
	if (rtc_time_from_raw(r, false, &tm))
		return -1;
	return (int)tm.hour;
}

Test(rtc, bcd_24h_decodes)
{
	uint8_t r[RTC_RAW_COUNT];
	struct rtc_time tm;

	set_regs(r, 0x59, 0x58, 0x23, 0x31, 0x12, 0x99, 0, BCD_24H);
	cr_assert_eq(rtc_time_from_raw(r, false, &tm), 0);
	EXPECT_TIME(tm, 2099, 12, 31, 23, 58, 59);
}

Test(rtc, binary_24h_decodes)
{
	uint8_t r[RTC_RAW_COUNT];
	struct rtc_time tm;

	set_regs(r, 7, 30, 17, 29, 2, 24, 0, BIN_24H);
	cr_assert_eq(rtc_time_from_raw(r, false, &tm), 0);
	EXPECT_TIME(tm, 2024, 2, 29, 17, 30, 7);
}

Test(rtc, twelve_hour_bcd_midnight_noon_and_pm)
{
	cr_expect_eq(hour_12h_bcd(0x12), 0, "12 AM is midnight");
	cr_expect_eq(hour_12h_bcd(0x01), 1);
	cr_expect_eq(hour_12h_bcd(0x11), 11);
	cr_expect_eq(hour_12h_bcd(0x92), 12, "12 PM is noon");
	cr_expect_eq(hour_12h_bcd(0x81), 13);
	cr_expect_eq(hour_12h_bcd(0x91), 23);
}

Test(rtc, twelve_hour_rejects_zero_and_thirteen)
{
	cr_expect_eq(hour_12h_bcd(0x00), -1);
	cr_expect_eq(hour_12h_bcd(0x80), -1, "0 PM");
	cr_expect_eq(hour_12h_bcd(0x13), -1);
	cr_expect_eq(hour_12h_bcd(0x93), -1);
	cr_expect_eq(hour_12h_bcd(0x1a), -1, "not BCD");
}

Test(rtc, twelve_hour_binary)
{
	uint8_t r[RTC_RAW_COUNT];
	struct rtc_time tm;

	set_regs(r, 0, 0, 0x80 | 12, 1, 1, 24, 0, BIN_12H);
	cr_assert_eq(rtc_time_from_raw(r, false, &tm), 0);
	cr_expect_eq(tm.hour, 12);
	set_regs(r, 0, 0, 12, 1, 1, 24, 0, BIN_12H);
	cr_assert_eq(rtc_time_from_raw(r, false, &tm), 0);
	cr_expect_eq(tm.hour, 0);
	set_regs(r, 0, 0, 0x80 | 11, 1, 1, 24, 0, BIN_12H);
	cr_assert_eq(rtc_time_from_raw(r, false, &tm), 0);
	cr_expect_eq(tm.hour, 23);
}

Test(rtc, pm_bit_is_invalid_in_24h_mode)
{
	uint8_t r[RTC_RAW_COUNT];
	struct rtc_time tm;

	set_regs(r, 0, 0, 0x81, 1, 1, 0x24, 0, BCD_24H);
	cr_expect_eq(rtc_time_from_raw(r, false, &tm), -EIO);
	set_regs(r, 0, 0, 0x81, 1, 1, 24, 0, BIN_24H);
	cr_expect_eq(rtc_time_from_raw(r, false, &tm), -EIO);
}

Test(rtc, century_register_sets_century)
{
	uint8_t r[RTC_RAW_COUNT];
	struct rtc_time tm;

	set_regs(r, 0x59, 0x59, 0x23, 0x31, 0x12, 0x99, 0x19, BCD_24H);
	cr_assert_eq(rtc_time_from_raw(r, true, &tm), 0);
	cr_expect_eq(tm.year, 1999);
	set_regs(r, 0, 0, 0, 0x01, 0x03, 0x00, 0x21, BCD_24H);
	cr_assert_eq(rtc_time_from_raw(r, true, &tm), 0);
	cr_expect_eq(tm.year, 2100);
	set_regs(r, 0, 0, 0, 1, 3, 0, 21, BIN_24H);
	cr_assert_eq(rtc_time_from_raw(r, true, &tm), 0);
	cr_expect_eq(tm.year, 2100);
}

Test(rtc, no_century_register_means_20xx)
{
	uint8_t r[RTC_RAW_COUNT];
	struct rtc_time tm;

	/* The century byte holds junk, but there is no century register. */
	set_regs(r, 0, 0, 0, 0x01, 0x01, 0x99, 0xff, BCD_24H);
	cr_assert_eq(rtc_time_from_raw(r, false, &tm), 0);
	cr_expect_eq(tm.year, 2099);
	set_regs(r, 0, 0, 0, 0x01, 0x01, 0x00, 0xff, BCD_24H);
	cr_assert_eq(rtc_time_from_raw(r, false, &tm), 0);
	cr_expect_eq(tm.year, 2000);
}

Test(rtc, bad_century_is_rejected)
{
	uint8_t r[RTC_RAW_COUNT];
	struct rtc_time tm;

	set_regs(r, 0, 0, 0, 1, 1, 0x24, 0x1a, BCD_24H);
	cr_expect_eq(rtc_time_from_raw(r, true, &tm), -EIO, "not BCD");
	set_regs(r, 0, 0, 0, 1, 1, 0x24, 0x18, BCD_24H);
	cr_expect_eq(rtc_time_from_raw(r, true, &tm), -EIO, "1800s");
	set_regs(r, 0, 0, 0, 1, 1, 0x24, 0x00, BCD_24H);
	cr_expect_eq(rtc_time_from_raw(r, true, &tm), -EIO);
}

Test(rtc, leap_days)
{
	uint8_t r[RTC_RAW_COUNT];
	struct rtc_time tm;

	set_regs(r, 0, 0, 0, 0x29, 0x02, 0x00, 0x20, BCD_24H);
	cr_expect_eq(rtc_time_from_raw(r, true, &tm), 0, "2000 is a leap year");
	set_regs(r, 0, 0, 0, 0x29, 0x02, 0x24, 0x20, BCD_24H);
	cr_expect_eq(rtc_time_from_raw(r, true, &tm), 0, "2024 is a leap year");
	set_regs(r, 0, 0, 0, 0x29, 0x02, 0x23, 0x20, BCD_24H);
	cr_expect_eq(rtc_time_from_raw(r, true, &tm), -EIO, "2023 is not");
	set_regs(r, 0, 0, 0, 0x29, 0x02, 0x00, 0x21, BCD_24H);
	cr_expect_eq(rtc_time_from_raw(r, true, &tm), -EIO, "2100 is not");
	set_regs(r, 0, 0, 0, 0x29, 0x02, 0x00, 0x19, BCD_24H);
	cr_expect_eq(rtc_time_from_raw(r, true, &tm), -EIO, "1900 is not");
	cr_expect_eq(rtc_days_in_month(2000, 2), 29);
	cr_expect_eq(rtc_days_in_month(1900, 2), 28);
	cr_expect_eq(rtc_days_in_month(2024, 4), 30);
	cr_expect_eq(rtc_days_in_month(2024, 13), 0);
}

Test(rtc, garbage_values_are_rejected_and_out_untouched)
{
	static const struct {
		uint8_t sec, min, hour, day, month, year, status_b;
		const char *why;
	} bad[] = {
		{ 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, "no RTC: all ones" },
		{ 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, BCD_24H, "all ones, BCD" },
		{ 0x5a, 0x00, 0x00, 0x01, 0x01, 0x24, BCD_24H, "second not BCD" },
		{ 0x60, 0x00, 0x00, 0x01, 0x01, 0x24, BCD_24H, "second 60" },
		{ 0x00, 0x60, 0x00, 0x01, 0x01, 0x24, BCD_24H, "minute 60" },
		{ 0x00, 0x00, 0x24, 0x01, 0x01, 0x24, BCD_24H, "hour 24" },
		{ 0x00, 0x00, 0x00, 0x00, 0x01, 0x24, BCD_24H, "day 0" },
		{ 0x00, 0x00, 0x00, 0x32, 0x01, 0x24, BCD_24H, "day 32" },
		{ 0x00, 0x00, 0x00, 0x31, 0x04, 0x24, BCD_24H, "31 April" },
		{ 0x00, 0x00, 0x00, 0x01, 0x00, 0x24, BCD_24H, "month 0" },
		{ 0x00, 0x00, 0x00, 0x01, 0x13, 0x24, BCD_24H, "month 13" },
		{ 0x00, 0x00, 0x00, 0x01, 0x01, 0xa0, BCD_24H, "year not BCD" },
		{ 60, 0, 0, 1, 1, 24, BIN_24H, "binary second 60" },
		{ 0, 0, 24, 1, 1, 24, BIN_24H, "binary hour 24" },
		{ 0, 0, 0, 1, 1, 100, BIN_24H, "binary year 100" },
		{ 0, 0, 0, 1, 0x12, 24, BIN_24H, "binary month 18" },
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		uint8_t r[RTC_RAW_COUNT];
		struct rtc_time tm, before;

		memset(&tm, 0x5c, sizeof(tm));
		before = tm;
		set_regs(r, bad[i].sec, bad[i].min, bad[i].hour, bad[i].day, bad[i].month,
			 bad[i].year, 0, bad[i].status_b);
		cr_expect_eq(rtc_time_from_raw(r, false, &tm), -EIO, "%s", bad[i].why);
		cr_expect(!memcmp(&tm, &before, sizeof(tm)), "%s: out changed", bad[i].why);
	}
}

Test(rtc, unix_time_of_known_instants)
{
	static const struct {
		struct rtc_time tm;
		int64_t seconds;
	} known[] = {
		{ { 1970, 1, 1, 0, 0, 0 }, 0 },
		{ { 1969, 12, 31, 0, 0, 0 }, -86400 },
		{ { 1999, 12, 31, 23, 59, 59 }, 946684799 },
		{ { 2000, 2, 29, 0, 0, 0 }, 951782400 },
		{ { 2024, 1, 1, 0, 0, 0 }, 1704067200 },
		{ { 2038, 1, 19, 3, 14, 8 }, 2147483648LL },
		{ { 2099, 12, 31, 23, 59, 59 }, 4102444799LL },
		{ { 2100, 3, 1, 12, 0, 0 }, 4107585600LL },
		{ { 1900, 3, 1, 0, 0, 0 }, -2203891200LL },
	};

	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		cr_expect_eq(rtc_to_unix(&known[i].tm), known[i].seconds, "%d-%02u-%02u: %lld",
			     known[i].tm.year, known[i].tm.month, known[i].tm.day,
			     (long long)rtc_to_unix(&known[i].tm));
}

Test(rtc, days_from_civil_matches_timegm_for_five_centuries)
{
	for (int year = 1800; year < 2300; year++) {
		for (unsigned month = 1; month <= 12; month++) {
			unsigned days = rtc_days_in_month(year, month);

			for (unsigned day = 1; day <= days; day++) {
				struct tm tm = { .tm_year = year - 1900, .tm_mon = (int)month - 1,
						 .tm_mday = (int)day };
				int64_t want = (int64_t)timegm(&tm) / 86400;

				if (rtc_days_from_civil(year, month, day) != want)
					cr_assert_fail("%d-%02u-%02u: %lld, timegm %lld", year, month, day,
						 (long long)rtc_days_from_civil(year, month, day),
						 (long long)want);
				/* timegm also proves the month lengths. */
				cr_assert_eq(tm.tm_mday, (int)day);
			}
		}
	}
}

Test(rtc, decoded_time_round_trips_to_unix)
{
	uint8_t r[RTC_RAW_COUNT];
	struct rtc_time tm;

	/* 2038-01-19 03:14:08 as a 12-hour BCD CMOS with century 20. */
	set_regs(r, 0x08, 0x14, 0x03, 0x19, 0x01, 0x38, 0x20, BCD_12H);
	cr_assert_eq(rtc_time_from_raw(r, true, &tm), 0);
	cr_expect_eq(rtc_to_unix(&tm), 2147483648LL);
}
