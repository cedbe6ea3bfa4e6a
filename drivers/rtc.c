// SPDX-License-Identifier: MIT
/*
 * The CMOS real-time clock, read through its index/data ports 0x70/0x71.
 *
 * Once a second the chip updates its registers, and for up to ~2 ms a read
 * may catch a half-updated value (59 seconds with the old minute). Status
 * register A's bit 7 (UIP) warns 244 us before each update starts, so
 * rtc_read() waits for UIP to clear, reads every register, and repeats
 * until two reads in a row give the same values. Each wait is bounded: a
 * PC without a working RTC gives -EIO, not a hang. Decoding and validation
 * are in drivers/rtc_time.c.
 *
 * The index port also holds the NMI mask (bit 7). Like Linux, XDV writes
 * the plain register index, which leaves NMIs enabled.
 *
 * Locks: rtc_lock (irqsave) keeps each index write and its data read
 * together, and is held for just that pair, so interrupts are never off
 * for long; a read of all registers that an update tears apart is caught
 * by the compare. Nothing else in XDV uses the CMOS ports yet; code that
 * will (NVRAM) needs this lock too.
 */
#include <xdv/errno.h>
#include <xdv/rtc.h>
#include <xdv/spinlock.h>
#include <xdv/string.h>
#include <xdv/arch/x86.h>

#define CMOS_INDEX 0x70
#define CMOS_DATA  0x71

#define CMOS_SECONDS  0x00
#define CMOS_MINUTES  0x02
#define CMOS_HOURS    0x04
#define CMOS_DAY      0x07
#define CMOS_MONTH    0x08
#define CMOS_YEAR     0x09
#define CMOS_STATUS_A 0x0a
#define CMOS_STATUS_B 0x0b
#define CMOS_RAM_FIRST 0x0e /* after the clock and status registers */
#define CMOS_RAM_LAST  0x7f

#define STATUS_A_UIP 0x80

/* Polls of UIP: ~0.1-0.3 s of port reads on real hardware, far above the
 * 2.2 ms an update can take. */
#define RTC_UIP_POLLS 200000
/* Reads of all registers before giving up on two that agree. */
#define RTC_READ_TRIES 10

static struct spinlock rtc_lock = SPINLOCK_INIT("rtc");

uint8_t cmos_read(uint8_t index)
{
	uint64_t flags = spin_lock_irqsave(&rtc_lock);

	outb(CMOS_INDEX, index);
	uint8_t v = inb(CMOS_DATA);

	spin_unlock_irqrestore(&rtc_lock, flags);
	return v;
}

/* Wait until no update is in progress. Return: true, or false on timeout. */
static bool rtc_wait_update_done(void)
{
	for (unsigned i = 0; i < RTC_UIP_POLLS; i++)
		if (!(cmos_read(CMOS_STATUS_A) & STATUS_A_UIP))
			return true;
	return false;
}

static bool rtc_read_regs(unsigned century_reg, uint8_t regs[RTC_RAW_COUNT])
{
	if (!rtc_wait_update_done())
		return false;
	regs[RTC_RAW_SECOND] = cmos_read(CMOS_SECONDS);
	regs[RTC_RAW_MINUTE] = cmos_read(CMOS_MINUTES);
	regs[RTC_RAW_HOUR] = cmos_read(CMOS_HOURS);
	regs[RTC_RAW_DAY] = cmos_read(CMOS_DAY);
	regs[RTC_RAW_MONTH] = cmos_read(CMOS_MONTH);
	regs[RTC_RAW_YEAR] = cmos_read(CMOS_YEAR);
	regs[RTC_RAW_CENTURY] = century_reg ? cmos_read((uint8_t)century_reg) : 0;
	regs[RTC_RAW_STATUS_B] = cmos_read(CMOS_STATUS_B);
	return true;
}

int rtc_read(unsigned century_reg, struct rtc_time *out)
{
	uint8_t prev[RTC_RAW_COUNT], cur[RTC_RAW_COUNT];

	if (century_reg && (century_reg < CMOS_RAM_FIRST || century_reg > CMOS_RAM_LAST))
		return -EINVAL;
	/* A missing RTC floats the bus; 0xFF also means "divider held in reset". */
	if (cmos_read(CMOS_STATUS_A) == 0xff)
		return -EIO;
	if (!rtc_read_regs(century_reg, prev))
		return -EIO;
	for (unsigned i = 0; i < RTC_READ_TRIES; i++) {
		if (!rtc_read_regs(century_reg, cur))
			return -EIO;
		if (!memcmp(prev, cur, sizeof(cur)))
			return rtc_time_from_raw(cur, century_reg != 0, out);
		memcpy(prev, cur, sizeof(cur));
	}
	return -EIO;
}
