/* SPDX-License-Identifier: MIT */
/*
 * Symmetric multiprocessing: starting the other CPUs the ACPI MADT lists,
 * and running a function on every other CPU (the basis of TLB shootdown).
 */
#pragma once

#include <xdv/compiler.h>

/*
 * Start every CPU in apic_ids[0..count) other than this one, one at a
 * time (INIT, STARTUP, STARTUP through a real-mode trampoline), each with
 * its own GDT, TSS, IST stacks, local APIC and timer. A CPU that does not
 * answer within 100 ms is reported and left out.
 * Context: boot CPU, once, after cpu_init_boot. Return: CPUs online.
 */
unsigned smp_start_cpus(const uint32_t *apic_ids, unsigned count);

/*
 * Run fn(arg) on every other online CPU and wait until all have run it.
 * fn runs in interrupt context or inside another CPU's lock wait: it must
 * not take spinlocks or sleep (a TLB flush, a counter, a flag).
 * Works with interrupts off too: while it waits it also runs requests
 * other CPUs make of this one, so two callers cannot deadlock.
 * Context: any but an NMI (the request lock is held with interrupts off,
 * so an interrupt handler may call too).
 */
void smp_call_others(void (*fn)(void *arg), void *arg);

/*
 * Run a cross-CPU call meant for this CPU, if one is waiting. Busy-wait
 * loops that may run with interrupts off call it (spin_lock does), so the
 * caller's wait ends. Context: any.
 */
void smp_poll_calls(void);

/* The same on every online CPU, this one included, all at the same time. */
void smp_call_all(void (*fn)(void *arg), void *arg);

/*
 * Run fn(arg) on the online CPUs whose bit is set in mask (CPU n: bit n),
 * this one included if its bit is set (directly, not by IPI), and wait
 * until all have run it. Bits of CPUs that are offline are ignored; a
 * mask holding only this CPU sends no IPI at all. The rules for fn and
 * the context are smp_call_others'. Context: any but an NMI.
 */
void smp_call_mask(uint64_t mask, void (*fn)(void *arg), void *arg);

/* Send CPU cpu the reschedule IPI (it wakes from hlt and counts it). */
void smp_send_reschedule(unsigned cpu);

/*
 * Bit n set when CPU n is online: it answers cross-CPU calls (TLB
 * shootdowns) and may run threads. A CPU joins once it is fully started,
 * and leaves when it is stopped (or parked by a test).
 */
uint64_t smp_online_mask(void);

/*
 * Stop every other CPU with an NMI (each takes itself out of the online
 * mask, then halts for good: see smp_park_self) and wait up to 1 s until
 * they have. Context: interrupts off, once (stop_other_cpus).
 */
void smp_stop_others(void);

/*
 * Take this CPU out of the online mask and stay here with interrupts off:
 * for good (halted) when release is NULL, the stop path; otherwise until
 * *release is true, then join the mask again with a full TLB flush (the
 * shootdowns it missed meanwhile). Other CPUs' cross-CPU calls stop
 * waiting for it once it is out. Context: NMI (stop) or a pinned thread
 * that holds no locks (tests). Interrupts stay off on return.
 */
void smp_park_self(volatile bool *release);
