// SPDX-License-Identifier: MIT
/*
 * QEMU's isa-debug-exit device, used by tests to end QEMU with a status
 * that says whether the in-kernel tests passed. Writing v to its port makes
 * QEMU exit with status (v << 1) | 1, so 0 is never used (status 1 is also
 * QEMU's own failure).
 *
 * The port is touched only when the command line names it
 * (debug_exit=0xf4): on a real PC that port may belong to anything.
 */
#include <xdv/drivers.h>
#include <xdv/cmdline.h>
#include <xdv/printk.h>
#include <xdv/arch/x86.h>

static uint16_t debug_exit_port; /* 0: not enabled */

void debug_exit_init(void)
{
	long port;

	if (cmdline_get_int(&kernel_cmdline, "debug_exit", 1, 0xFFFF, &port) == 0)
		debug_exit_port = (uint16_t)port;
}

bool debug_exit_is_enabled(void)
{
	return debug_exit_port != 0;
}

void debug_exit(uint8_t code)
{
	if (debug_exit_port)
		outb(debug_exit_port, code);
}
