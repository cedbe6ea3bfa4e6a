/* SPDX-License-Identifier: MIT */
/*
 * The kernel's configuration in one place: the limits of the XDV v0.2
 * specification's KernelConfig and the compile-time switches. Switches are
 * tested with IS_ENABLED() (include/xdv/compiler.h) so both sides compile.
 */
#pragma once

/* CONFIG_DEBUG (0 or 1) comes from the Makefile's DEBUG= setting. */
#ifndef CONFIG_DEBUG
#define CONFIG_DEBUG 0
#endif

/* Tasks (process/): creation beyond a limit fails with -EAGAIN. */
#define CONFIG_MAX_PROCESSES 1024    /* not counting the kernel itself (pid 0) */
#define CONFIG_MAX_THREADS   4096    /* not counting the per-CPU idle threads */
#define CONFIG_PID_MAX       32768   /* ids 1 .. PID_MAX - 1, shared by pids and tids */

/* Scheduling. */
#define CONFIG_SCHED_QUANTUM_NS  10000000ULL /* time slice of a nice-0 thread, RR slice */
#define CONFIG_SCHED_TICK_NS     1000000ULL  /* accounting and preemption tick (busy CPUs) */
#define CONFIG_SCHED_BALANCE_NS  20000000ULL /* how often a busy CPU evens out the load */
