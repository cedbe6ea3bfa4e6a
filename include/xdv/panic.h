/* SPDX-License-Identifier: MIT */
/*
 * Stopping the kernel when its own state is broken, and saying why:
 * message, registers and a symbolized backtrace. Outside input never
 * panics (DESIGN.md); this is for kernel bugs only.
 */
#pragma once

#include <xdv/compiler.h>

struct trap_frame;

/* Print the message, registers and backtrace, then halt every CPU. */
__noreturn void panic(const char *fmt, ...) __printf(1, 2);

/* Report an exception nothing handled (cpu/traps.c), then halt. */
__noreturn void panic_trap(const struct trap_frame *frame);

/* Print a backtrace from frame pointer rbp, first showing rip if non-zero. */
void backtrace_print(uintptr_t rip, uintptr_t rbp);

/* "name+0xoff" for a kernel text address; NULL if it is in no function. */
const char *ksym_lookup(uintptr_t addr, uintptr_t *offset);

/*
 * Disable interrupts here and stop every other CPU for good (panic, power
 * off, reboot). Return: true for the first caller; a later one should halt.
 */
bool stop_other_cpus(void);

/* Stop this CPU for good (interrupts off, halt loop). */
__noreturn void cpu_halt_forever(void);

/* Set once a panic has started: a second one only halts. */
extern volatile bool panic_in_progress;

#define BUG_ON(cond)                                                         \
	do {                                                                 \
		if (unlikely(cond))                                          \
			panic("BUG at %s:%d: %s", __FILE__, __LINE__, #cond); \
	} while (0)
