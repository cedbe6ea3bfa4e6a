// SPDX-License-Identifier: MIT
/*
 * The pure half of the RTC driver: CMOS register values to a calendar date,
 * and a calendar date to Unix seconds. drivers/rtc.c reads the chip; this
 * file only computes, so host unit tests check it value by value.
 *
 * The chip keeps each field as BCD (0x59 = 59) or binary, and the hour in
 * 24-hour form or as 1-12 with bit 7 meaning PM, as status register B
 * says. A CMOS that lost its battery, or a chipset without one, can hold
 * anything: every field is range-checked and a bad one is -EIO.
 *
 * The date to day-number conversion is Howard Hinnant's days_from_civil
 * ("chrono-Compatible Low-Level Date Algorithms"): exact for every date of
 * the proleptic Gregorian calendar, with no tables and no loops.
 *
 * Locks: none (pure).
 */
#include <xdv/errno.h>
#include <xdv/rtc.h>

/* A register value as a number, or -1 when it is not valid BCD. */
static int rtc_field(uint8_t v, bool binary)
{
	if (binary)
		return v;
	if ((v & 0x0f) > 9 || (v >> 4) > 9)
		return -1;
	return (v >> 4) * 10 + (v & 0x0f);
}

static bool rtc_is_leap(int64_t year)
{
	return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

unsigned rtc_days_in_month(int64_t year, unsigned month)
{
	static const uint8_t days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	if (month < 1 || month > 12)
		return 0;
	if (month == 2 && rtc_is_leap(year))
		return 29;
	return days[month - 1];
}

/* The hour register as 0-23, or -1 when it is invalid. */
static int rtc_hour(uint8_t v, bool binary, bool mode_24h)
{
	if (mode_24h) {
		int h = rtc_field(v, binary);

		return h >= 0 && h <= 23 ? h : -1;
	}
	/* 12-hour: 12 AM is midnight (0), 12 PM is noon (12). */
	int h = rtc_field(v & 0x7f, binary);

	if (h < 1 || h > 12)
		return -1;
	return h % 12 + ((v & RTC_HOUR_PM) ? 12 : 0);
}

int rtc_time_from_raw(const uint8_t regs[RTC_RAW_COUNT], bool has_century,
		      struct rtc_time *out)
{
	uint8_t status_b = regs[RTC_RAW_STATUS_B];
	bool binary = status_b & RTC_STATUS_B_BINARY;
	int second = rtc_field(regs[RTC_RAW_SECOND], binary);
	int minute = rtc_field(regs[RTC_RAW_MINUTE], binary);
	int hour = rtc_hour(regs[RTC_RAW_HOUR], binary, status_b & RTC_STATUS_B_24H);
	int day = rtc_field(regs[RTC_RAW_DAY], binary);
	int month = rtc_field(regs[RTC_RAW_MONTH], binary);
	int year = rtc_field(regs[RTC_RAW_YEAR], binary);
	int century = has_century ? rtc_field(regs[RTC_RAW_CENTURY], binary) : 20;

	if (second < 0 || second > 59 || minute < 0 || minute > 59 || hour < 0)
		return -EIO;
	if (year < 0 || year > 99 || century < 19 || century > 99)
		return -EIO;
	year += century * 100;
	if (month < 1 || month > 12 || day < 1 ||
	    (unsigned)day > rtc_days_in_month(year, (unsigned)month))
		return -EIO;

	out->year = year;
	out->month = (unsigned)month;
	out->day = (unsigned)day;
	out->hour = (unsigned)hour;
	out->minute = (unsigned)minute;
	out->second = (unsigned)second;
	return 0;
}

int64_t rtc_days_from_civil(int64_t year, unsigned month, unsigned day)
{
	/* Count years from March, so that the leap day ends a year. */
	int64_t y = year - (month <= 2);
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;                                   /* 0-399 */
	int64_t mp = month > 2 ? month - 3 : month + 9;                /* March = 0 */
	int64_t doy = (153 * mp + 2) / 5 + (int64_t)day - 1;           /* 0-365 */
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;           /* 0-146096 */

	return era * 146097 + doe - 719468; /* 719468: 0000-03-01 to 1970-01-01 */
}

int64_t rtc_to_unix(const struct rtc_time *t)
{
	return rtc_days_from_civil(t->year, t->month, t->day) * 86400 +
	       (int64_t)t->hour * 3600 + (int64_t)t->minute * 60 + t->second;
}
