// SPDX-License-Identifier: MIT
/*
 * The 16550 UART on COM1 as a console.
 *
 * serial_init() proves a UART is there with the chip's loopback mode before
 * using it (a PC without one reads 0xFF from the ports), so a machine with
 * no serial port simply has one console fewer. Writes poll the transmit
 * holding register with a bounded wait: a wedged UART slows printing down
 * but never hangs the kernel.
 *
 * Locks: none yet (single CPU). serial_early_write() is lock-free on purpose:
 * panic uses it.
 */
#include <xdv/drivers.h>
#include <xdv/console.h>
#include <xdv/errno.h>
#include <xdv/arch/x86.h>

#define COM1 0x3F8

/* Register offsets from the base port. */
#define UART_DATA 0
#define UART_IER  1 /* interrupt enable */
#define UART_FCR  2 /* FIFO control */
#define UART_LCR  3 /* line control */
#define UART_MCR  4 /* modem control */
#define UART_LSR  5 /* line status */

#define LCR_DLAB  0x80
#define LCR_8N1   0x03
#define MCR_DTR_RTS_OUT2 0x0B
#define MCR_LOOPBACK     0x10
#define LSR_THR_EMPTY    0x20
#define FCR_ENABLE_CLEAR 0xC7 /* FIFOs on, both cleared, 14-byte trigger */

#define TX_WAIT_LIMIT 100000 /* polls before giving up on one byte */

static void serial_putc(char c)
{
	for (unsigned i = 0; i < TX_WAIT_LIMIT; i++)
		if (inb(COM1 + UART_LSR) & LSR_THR_EMPTY)
			break;
	outb(COM1 + UART_DATA, (uint8_t)c);
}

void serial_early_write(const char *buf, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (buf[i] == '\n')
			serial_putc('\r');
		serial_putc(buf[i]);
	}
}

static void serial_console_write(struct console *con, const char *buf, size_t len)
{
	serial_early_write(buf, len);
}

static struct console serial_console = {
	.name = "serial",
	.write = serial_console_write,
};

/* Send a byte through the UART in loopback mode and see it come back. */
static bool serial_loopback_works(void)
{
	outb(COM1 + UART_MCR, MCR_LOOPBACK | MCR_DTR_RTS_OUT2);
	outb(COM1 + UART_DATA, 0xA5);
	bool ok = inb(COM1 + UART_DATA) == 0xA5;

	outb(COM1 + UART_DATA, 0x5A);
	ok = ok && inb(COM1 + UART_DATA) == 0x5A;
	outb(COM1 + UART_MCR, MCR_DTR_RTS_OUT2);
	return ok;
}

int serial_init(void)
{
	/* A floating bus reads 0xFF; a real LCR never has all bits set. */
	if (inb(COM1 + UART_LCR) == 0xFF)
		return -ENODEV;

	outb(COM1 + UART_IER, 0);
	outb(COM1 + UART_LCR, LCR_DLAB);
	outb(COM1 + UART_DATA, 1); /* divisor 1: 115200 baud */
	outb(COM1 + UART_IER, 0);
	outb(COM1 + UART_LCR, LCR_8N1);
	outb(COM1 + UART_FCR, FCR_ENABLE_CLEAR);
	if (!serial_loopback_works())
		return -ENODEV;

	console_register(&serial_console);
	return 0;
}
