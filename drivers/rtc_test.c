// SPDX-License-Identifier: MIT
/*
 * In-kernel tests of drivers/rtc.c on the machine's CMOS clock (QEMU's
 * follows the host clock unless -rtc base= says otherwise).
 */
#include <xdv/errno.h>
#include <xdv/ktest.h>
#include <xdv/rtc.h>

#define QEMU_CENTURY_REG 0x32 /* what QEMU's FADT names, and most PCs' */

KTEST(rtc, read_gives_plausible_date)
{
	struct rtc_time tm;

	if (!KTEST_EXPECT_EQ(t, rtc_read(0, &tm), 0))
		return;
	KTEST_EXPECT(t, tm.year >= 2020 && tm.year <= 2100);
	KTEST_EXPECT(t, tm.month >= 1 && tm.month <= 12);
	KTEST_EXPECT(t, tm.day >= 1 && tm.day <= rtc_days_in_month(tm.year, tm.month));
	KTEST_EXPECT(t, tm.hour <= 23 && tm.minute <= 59 && tm.second <= 59);
	/* 2020-01-01T00:00:00Z */
	KTEST_EXPECT(t, rtc_to_unix(&tm) >= 1577836800);
}

KTEST(rtc, century_register_agrees_with_20xx)
{
	struct rtc_time a, b;

	if (!KTEST_EXPECT_EQ(t, rtc_read(0, &a), 0))
		return;
	if (rtc_read(QEMU_CENTURY_REG, &b)) {
		KTEST_SKIP(t, "no century register at 0x32");
		return;
	}
	KTEST_EXPECT_EQ(t, a.year, b.year);
}

KTEST(rtc, bad_century_register_is_rejected)
{
	struct rtc_time tm;

	KTEST_EXPECT_EQ(t, rtc_read(0x0b, &tm), -EINVAL);
	KTEST_EXPECT_EQ(t, rtc_read(0x80, &tm), -EINVAL);
}
