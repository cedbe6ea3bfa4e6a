/* SPDX-License-Identifier: MIT */
/*
 * One-shot timers on each CPU's local APIC timer: a callback runs, in
 * interrupt context on the CPU that started it, once the monotonic clock
 * (time_since_boot_ns, include/xdv/time.h) has reached its deadline. The
 * scheduler and sleeps are built on these.
 */
#pragma once

#include <xdv/compiler.h>

struct timer;
typedef void (*timer_fn_t)(struct timer *t, void *arg);

struct timer {
	uint64_t deadline_ns;
	timer_fn_t fn;
	void *arg;
	struct timer *next; /* its CPU's queue, by deadline */
	unsigned cpu;       /* the CPU it was started on */
	bool pending;
};

/* Calibrate and start this CPU's timer queue. Context: each CPU, boot. */
void timer_init_cpu(void);

/*
 * Run fn(t, arg) at deadline_ns (monotonic ns) on this CPU; a deadline in
 * the past fires at the next tick. t must stay valid until it ran or was
 * cancelled. Context: any, interrupts may be on.
 */
void timer_start(struct timer *t, uint64_t deadline_ns, timer_fn_t fn, void *arg);

/*
 * Stop t from running. Works from any CPU; if t's callback is running on
 * another CPU, waits until it has returned (so t may be freed afterwards).
 * Not from t's own callback. Return: true if t was pending and now will
 * not run.
 */
bool timer_cancel(struct timer *t);

/* Arm this CPU's APIC timer for its queue again, after code (a test) that
 * used the timer directly. Context: interrupts off. */
void timer_reprogram(void);

/* Local APIC timer ticks per millisecond (divide by 16), from calibration. */
uint64_t timer_lapic_ticks_per_ms(void);

/* Busy-wait for ns nanoseconds on the TSC clock (boot-time delays). */
void udelay_ns(uint64_t ns);
