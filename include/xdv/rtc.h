/* SPDX-License-Identifier: MIT */
/*
 * The CMOS real-time clock (MC146818 and its descendants in every PC
 * chipset): the wall-clock date and time at boot, as a struct rtc_time and
 * as Unix seconds.
 *
 * rtc_read() talks to the chip (drivers/rtc.c); the decoding of register
 * values and the calendar arithmetic (drivers/rtc_time.c) are pure, for
 * host unit tests.
 */
#pragma once

#include <xdv/compiler.h>

/* A calendar date and time of day, UTC as PCs keep it (or local, on PCs
 * set up for Windows: the RTC does not say which). */
struct rtc_time {
	int year;        /* e.g. 2024 */
	unsigned month;  /* 1-12 */
	unsigned day;    /* 1-31 */
	unsigned hour;   /* 0-23 */
	unsigned minute; /* 0-59 */
	unsigned second; /* 0-59 */
};

/* Indices into the register values rtc_time_from_raw() decodes. */
enum rtc_raw_index {
	RTC_RAW_SECOND,
	RTC_RAW_MINUTE,
	RTC_RAW_HOUR,     /* bit 7: PM, in 12-hour mode */
	RTC_RAW_DAY,
	RTC_RAW_MONTH,
	RTC_RAW_YEAR,     /* 0-99 */
	RTC_RAW_CENTURY,  /* only used when has_century */
	RTC_RAW_STATUS_B, /* bit 1: 24-hour mode, bit 2: binary (not BCD) */
	RTC_RAW_COUNT
};

#define RTC_STATUS_B_24H    0x02
#define RTC_STATUS_B_BINARY 0x04
#define RTC_HOUR_PM         0x80

/*
 * Decode CMOS register values (BCD or binary, 12- or 24-hour, as status
 * register B says) into out. Without a century register the year is 20xx.
 * Context: any; pure.
 * Return: 0, or -EIO when a value is not a valid BCD number or out of
 * range (a day that the month does not have included); out is then
 * untouched.
 */
int __must_check rtc_time_from_raw(const uint8_t regs[RTC_RAW_COUNT], bool has_century,
				   struct rtc_time *out);

/*
 * Days from 1970-01-01 to year-month-day of the proleptic Gregorian
 * calendar (negative before 1970). month 1-12, day 1-31. Context: any; pure.
 */
int64_t rtc_days_from_civil(int64_t year, unsigned month, unsigned day);

/* Days in month of year (0 for a month outside 1-12). Context: any; pure. */
unsigned rtc_days_in_month(int64_t year, unsigned month);

/* Seconds since 1970-01-01T00:00:00 for t, taken as UTC. Context: any; pure. */
int64_t rtc_to_unix(const struct rtc_time *t);

/*
 * Read the clock: wait (bounded) for an update in progress to end, read all
 * registers until two reads in a row agree, decode them.
 * century_reg: CMOS index of the century register (ACPI FADT "CENTURY"),
 * 0 when there is none.
 * Context: process or boot; spins for at most a few milliseconds.
 * Return: 0; -EIO when the chip never settles or gives invalid values (no
 * RTC at all reads as 0xFF everywhere); -EINVAL for a century_reg that is
 * not an ordinary CMOS RAM index (0x0E-0x7F).
 */
/* CMOS register index (ports 0x70/0x71; NMIs stay enabled). */
uint8_t cmos_read(uint8_t index);

int __must_check rtc_read(unsigned century_reg, struct rtc_time *out);
