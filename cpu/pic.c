// SPDX-License-Identifier: MIT
/*
 * The legacy 8259 interrupt controllers. XDV uses the APICs, but the PICs
 * are still there on most PCs: they are reprogrammed to vectors 0x20-0x2F
 * (so that a stray PIC interrupt cannot look like a CPU exception) and
 * then every line is masked.
 */
#include <xdv/arch/x86.h>
#include "internal.h"

#define PIC1_CMD  0x20
#define PIC1_DATA 0x21
#define PIC2_CMD  0xA0
#define PIC2_DATA 0xA1
#define ICW1_INIT_ICW4 0x11
#define ICW4_8086 0x01

void pic_disable(void)
{
	outb(PIC1_CMD, ICW1_INIT_ICW4);
	io_delay();
	outb(PIC2_CMD, ICW1_INIT_ICW4);
	io_delay();
	outb(PIC1_DATA, 0x20); /* vector base */
	io_delay();
	outb(PIC2_DATA, 0x28);
	io_delay();
	outb(PIC1_DATA, 4);    /* slave on IRQ2 */
	io_delay();
	outb(PIC2_DATA, 2);
	io_delay();
	outb(PIC1_DATA, ICW4_8086);
	io_delay();
	outb(PIC2_DATA, ICW4_8086);
	io_delay();
	outb(PIC1_DATA, 0xFF);
	outb(PIC2_DATA, 0xFF);
}
