/* SPDX-License-Identifier: MIT */
/*
 * Kernel random numbers: an entropy pool fed by RDSEED/RDRAND where the
 * CPU has them, by TSC timing jitter always, and by random_add_entropy()
 * callers; and a ChaCha20 generator with fast key erasure seeded from it
 * (kernel/random.c, kernel/crng.c). For keys, stack canaries, ASLR,
 * TCP initial sequence numbers, getrandom().
 */
#pragma once

#include <xdv/compiler.h>

/*
 * Gather entropy and seed the generator; prints where the seed came from.
 * Context: boot CPU, once, after cpu_features_init() (and time_init(), so
 * the TSC jitter has a clock). random_get_bytes() calls it itself if it
 * has not run yet.
 */
void random_init(void);

/*
 * Mix len bytes into the pool: device serial numbers, interrupt timings,
 * the RTC time. Input of any quality is welcome and never lowers the
 * pool's entropy; the generator takes it in before its next output.
 * Context: any, including interrupt handlers.
 */
void random_add_entropy(const void *buf, size_t len);

/* Fill buf with len random bytes. Context: any; may spin on the pool lock. */
void random_get_bytes(void *buf, size_t len);

/* A random 64-bit number. Context: as random_get_bytes(). */
uint64_t random_u64(void);

/*
 * True when the seed includes at least 256 bits from RDSEED or RDRAND;
 * false when it rests on timing jitter alone (weak under emulation).
 */
bool random_hw_seeded(void);
