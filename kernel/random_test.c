// SPDX-License-Identifier: MIT
/*
 * In-kernel tests of kernel/random.c: the generator is seeded, requests
 * never repeat, added entropy does not break it, and random_hw_seeded()
 * agrees with what the CPU offers.
 */
#include <xdv/cpufeature.h>
#include <xdv/ktest.h>
#include <xdv/random.h>
#include <xdv/string.h>

KTEST(random, get_bytes_differs_twice)
{
	uint8_t a[32], b[32], zero[32] = { 0 };

	random_get_bytes(a, sizeof(a));
	random_get_bytes(b, sizeof(b));
	KTEST_EXPECT(t, memcmp(a, b, sizeof(a)) != 0);
	KTEST_EXPECT(t, memcmp(a, zero, sizeof(a)) != 0);
	KTEST_EXPECT_NE(t, random_u64(), random_u64());
}

KTEST(random, add_entropy_then_output_still_differs)
{
	uint8_t a[100], b[100];
	static const char input[] = "the same input twice";

	random_get_bytes(a, sizeof(a));
	random_add_entropy(input, sizeof(input));
	random_get_bytes(b, sizeof(b));
	KTEST_EXPECT(t, memcmp(a, b, sizeof(a)) != 0);
	random_add_entropy(input, sizeof(input));
	random_get_bytes(a, sizeof(a));
	KTEST_EXPECT(t, memcmp(a, b, sizeof(a)) != 0);
}

KTEST(random, large_request_fills_every_byte)
{
	static uint8_t buf[8192];
	unsigned zeros = 0;

	memset(buf, 0, sizeof(buf));
	random_get_bytes(buf, sizeof(buf));
	for (unsigned i = 0; i < sizeof(buf); i++)
		zeros += buf[i] == 0;
	/* 32 zero bytes expected; 100 is about 12 sigma away. */
	KTEST_EXPECT(t, zeros < 100);
	/* The last 64 bytes too (a short tail block). */
	bool tail_zero = true;

	for (unsigned i = sizeof(buf) - 64; i < sizeof(buf); i++)
		tail_zero &= buf[i] == 0;
	KTEST_EXPECT(t, !tail_zero);
}

KTEST(random, hw_seeded_only_with_hardware_rng)
{
	if (!cpu_has(X86_FEATURE_RDRAND) && !cpu_has(X86_FEATURE_RDSEED))
		KTEST_EXPECT(t, !random_hw_seeded());
	else
		KTEST_EXPECT(t, random_hw_seeded());
}
