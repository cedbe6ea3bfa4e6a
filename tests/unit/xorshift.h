/* SPDX-License-Identifier: MIT */
/*
 * The host tests' random numbers: xorshift64*, a small generator whose
 * fixed seeds make every randomized run, and so every failure, repeat.
 */
#pragma once

#include <stdint.h>

/* Advance *state (never 0) and return the next 64-bit value. */
static inline uint64_t xorshift64star(uint64_t *state)
{
	*state ^= *state >> 12;
	*state ^= *state << 25;
	*state ^= *state >> 27;
	return *state * 0x2545f4914f6cdd1dull;
}
