// SPDX-License-Identifier: MIT
/*
 * Host unit tests for kernel/crng.c: the ChaCha20 block function and
 * cipher against the RFC 8439 test vectors (sections 2.3.2, 2.4.2 and
 * appendix A.1), and the pool and generator built on it: outputs never
 * repeat, bits and bytes are balanced, different seeds give different
 * streams, and the generator's key moves on at every request.
 *
 * The generators here are seeded with fixed values, so the statistical
 * checks are deterministic: they cannot flake.
 */
#define _GNU_SOURCE /* memmem */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include "../../../kernel/crng.h"

static const uint8_t rfc_key[32] = {
	0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f,
	0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f,
};

Test(chacha20, block_matches_rfc8439_2_3_2)
{
	static const uint8_t nonce[12] = { 0, 0, 0, 0x09, 0, 0, 0, 0x4a, 0, 0, 0, 0 };
	static const uint8_t want[64] = {
		0x10, 0xf1, 0xe7, 0xe4, 0xd1, 0x3b, 0x59, 0x15, 0x50, 0x0f, 0xdd, 0x1f, 0xa3, 0x20, 0x71, 0xc4,
		0xc7, 0xd1, 0xf4, 0xc7, 0x33, 0xc0, 0x68, 0x03, 0x04, 0x22, 0xaa, 0x9a, 0xc3, 0xd4, 0x6c, 0x4e,
		0xd2, 0x82, 0x64, 0x46, 0x07, 0x9f, 0xaa, 0x09, 0x14, 0xc2, 0xd7, 0x05, 0xd9, 0x8b, 0x02, 0xa2,
		0xb5, 0x12, 0x9c, 0xd1, 0xde, 0x16, 0x4e, 0xb9, 0xcb, 0xd0, 0x83, 0xe8, 0xa2, 0x50, 0x3c, 0x4e,
	};
	uint8_t out[64];

	chacha20_block(rfc_key, 1, nonce, out);
	cr_expect_arr_eq(out, want, sizeof(want));
}

Test(chacha20, block_matches_rfc8439_a1_zero_key)
{
	static const uint8_t zero[32];
	static const uint8_t want[64] = {
		0x76, 0xb8, 0xe0, 0xad, 0xa0, 0xf1, 0x3d, 0x90, 0x40, 0x5d, 0x6a, 0xe5, 0x53, 0x86, 0xbd, 0x28,
		0xbd, 0xd2, 0x19, 0xb8, 0xa0, 0x8d, 0xed, 0x1a, 0xa8, 0x36, 0xef, 0xcc, 0x8b, 0x77, 0x0d, 0xc7,
		0xda, 0x41, 0x59, 0x7c, 0x51, 0x57, 0x48, 0x8d, 0x77, 0x24, 0xe0, 0x3f, 0xb8, 0xd8, 0x4a, 0x37,
		0x6a, 0x43, 0xb8, 0xf4, 0x15, 0x18, 0xa1, 0x1c, 0xc3, 0x87, 0xb6, 0x69, 0xb2, 0xee, 0x65, 0x86,
	};
	uint8_t out[64];

	chacha20_block(zero, 0, zero, out);
	cr_expect_arr_eq(out, want, sizeof(want));
}

Test(chacha20, xor_matches_rfc8439_2_4_2_and_decrypts)
{
	static const uint8_t nonce[12] = { 0, 0, 0, 0, 0, 0, 0, 0x4a, 0, 0, 0, 0 };
	static const char plain[] = "Ladies and Gentlemen of the class of '99: If I could offer "
				    "you only one tip for the future, sunscreen would be it.";
	static const uint8_t want[114] = {
		0x6e, 0x2e, 0x35, 0x9a, 0x25, 0x68, 0xf9, 0x80, 0x41, 0xba, 0x07, 0x28, 0xdd, 0x0d, 0x69, 0x81,
		0xe9, 0x7e, 0x7a, 0xec, 0x1d, 0x43, 0x60, 0xc2, 0x0a, 0x27, 0xaf, 0xcc, 0xfd, 0x9f, 0xae, 0x0b,
		0xf9, 0x1b, 0x65, 0xc5, 0x52, 0x47, 0x33, 0xab, 0x8f, 0x59, 0x3d, 0xab, 0xcd, 0x62, 0xb3, 0x57,
		0x16, 0x39, 0xd6, 0x24, 0xe6, 0x51, 0x52, 0xab, 0x8f, 0x53, 0x0c, 0x35, 0x9f, 0x08, 0x61, 0xd8,
		0x07, 0xca, 0x0d, 0xbf, 0x50, 0x0d, 0x6a, 0x61, 0x56, 0xa3, 0x8e, 0x08, 0x8a, 0x22, 0xb6, 0x5e,
		0x52, 0xbc, 0x51, 0x4d, 0x16, 0xcc, 0xf8, 0x06, 0x81, 0x8c, 0xe9, 0x1a, 0xb7, 0x79, 0x37, 0x36,
		0x5a, 0xf9, 0x0b, 0xbf, 0x74, 0xa3, 0x5b, 0xe6, 0xb4, 0x0b, 0x8e, 0xed, 0xf2, 0x78, 0x5e, 0x42,
		0x87, 0x4d,
	};
	uint8_t buf[114];

	cr_assert_eq(strlen(plain), sizeof(want));
	chacha20_xor(rfc_key, 1, nonce, plain, buf, sizeof(buf));
	cr_expect_arr_eq(buf, want, sizeof(want));
	chacha20_xor(rfc_key, 1, nonce, buf, buf, sizeof(buf)); /* in place */
	cr_expect_arr_eq(buf, plain, sizeof(buf));
}

/* A generator seeded through the pool from a fixed string. */
static void seeded(struct crng *crng, const char *what)
{
	struct crng_pool pool;
	uint8_t seed[32];

	crng_pool_init(&pool);
	crng_init(crng);
	crng_pool_mix(&pool, what, strlen(what));
	crng_pool_extract(&pool, seed);
	crng_seed(crng, seed);
}

static int cmp16(const void *a, const void *b)
{
	return memcmp(a, b, 16);
}

Test(crng, outputs_never_repeat_across_calls)
{
	enum { N = 20000 };
	uint8_t(*out)[16] = calloc(N, 16);
	struct crng crng;

	seeded(&crng, "repeat test");
	for (unsigned i = 0; i < N; i++)
		crng_generate(&crng, out[i], 16);
	cr_expect_eq(crng.requests, N);
	qsort(out, N, 16, cmp16);
	for (unsigned i = 1; i < N; i++)
		cr_assert(memcmp(out[i - 1], out[i], 16) != 0, "output %u repeats", i);
	free(out);
}

Test(crng, bits_and_bytes_balanced_over_1mib)
{
	enum { LEN = 1 << 20 };
	uint8_t *buf = malloc(LEN);
	unsigned long counts[256] = { 0 };
	unsigned long ones = 0;
	struct crng crng;

	seeded(&crng, "balance test");
	/* In requests of odd sizes, to cross chunk and block edges. */
	for (size_t done = 0, n = 1; done < LEN; done += n, n = n * 3 % 70001 + 1)
		crng_generate(&crng, buf + done, n < LEN - done ? n : LEN - done);
	for (size_t i = 0; i < LEN; i++) {
		ones += (unsigned long)__builtin_popcount(buf[i]);
		counts[buf[i]]++;
	}
	/* 2^23 bits: mean 2^22, sigma sqrt(2^23 / 4) = 1448. Allow 5 sigma. */
	double dev = (double)ones - (double)(LEN * 4UL);

	cr_expect(dev > -5 * 1448.0 && dev < 5 * 1448.0, "ones %lu", ones);
	/* Chi-square over byte values: 255 degrees of freedom, sigma 22.6. */
	double expect = LEN / 256.0, chi2 = 0;

	for (unsigned v = 0; v < 256; v++)
		chi2 += (counts[v] - expect) * (counts[v] - expect) / expect;
	cr_expect(chi2 > 255 - 5 * 22.6 && chi2 < 255 + 5 * 22.6, "chi2 %f", chi2);
	free(buf);
}

Test(crng, differently_seeded_generators_differ)
{
	struct crng a, b, c;
	uint8_t oa[64], ob[64], oc[64];

	seeded(&a, "seed one");
	seeded(&b, "seed onf"); /* one bit apart */
	seeded(&c, "seed one");
	crng_generate(&a, oa, sizeof(oa));
	crng_generate(&b, ob, sizeof(ob));
	crng_generate(&c, oc, sizeof(oc));
	cr_expect(memcmp(oa, ob, sizeof(oa)) != 0);
	cr_expect_arr_eq(oa, oc, sizeof(oa), "the same seed gives the same stream");
}

Test(crng, key_moves_on_and_is_never_output)
{
	struct crng crng;
	uint8_t key_before[32], out[1000];

	seeded(&crng, "erasure test");
	memcpy(key_before, crng.key, sizeof(key_before));
	crng_generate(&crng, out, sizeof(out));
	cr_expect(memcmp(key_before, crng.key, 32) != 0);
	cr_expect(memmem(out, sizeof(out), crng.key, 32) == NULL, "next key in output");
	cr_expect(memmem(out, sizeof(out), key_before, 32) == NULL);
	/* Even an empty request moves the key. */
	memcpy(key_before, crng.key, sizeof(key_before));
	crng_generate(&crng, NULL, 0);
	cr_expect(memcmp(key_before, crng.key, 32) != 0);
}

Test(crng, large_request_does_not_repeat_across_chunks)
{
	enum { LEN = 3 * 65536 + 100 };
	uint8_t *buf = malloc(LEN);
	struct crng crng;

	seeded(&crng, "large test");
	crng_generate(&crng, buf, LEN);
	for (size_t off = 64; off + 64 <= LEN; off += 64)
		cr_assert(memcmp(buf, buf + off, 64) != 0, "block at %zu repeats the first", off);
	free(buf);
}

Test(crng, pool_depends_on_every_input_and_its_order)
{
	struct crng_pool p1, p2, p3;
	uint8_t s1[32], s2[32], s3[32], s4[32];

	crng_pool_init(&p1);
	crng_pool_init(&p2);
	crng_pool_init(&p3);
	crng_pool_mix(&p1, "alpha", 5);
	crng_pool_mix(&p1, "beta", 4);
	crng_pool_mix(&p2, "beta", 4);
	crng_pool_mix(&p2, "alpha", 5);
	crng_pool_mix(&p3, "alpha", 5);
	crng_pool_mix(&p3, "beta", 4);
	crng_pool_extract(&p1, s1);
	crng_pool_extract(&p2, s2);
	crng_pool_extract(&p3, s3);
	cr_expect(memcmp(s1, s2, 32) != 0, "order matters");
	cr_expect_arr_eq(s1, s3, 32, "same input, same seed");
	/* A second extract gives a new seed: the pool key moved on. */
	crng_pool_extract(&p1, s4);
	cr_expect(memcmp(s1, s4, 32) != 0);
	/* A long input reaches the pool in full: change its last byte. */
	char big[1000];

	memset(big, 'x', sizeof(big));
	crng_pool_init(&p1);
	crng_pool_init(&p2);
	crng_pool_mix(&p1, big, sizeof(big));
	big[sizeof(big) - 1] = 'y';
	crng_pool_mix(&p2, big, sizeof(big));
	crng_pool_extract(&p1, s1);
	crng_pool_extract(&p2, s2);
	cr_expect(memcmp(s1, s2, 32) != 0);
}

Test(crng, reseed_changes_stream)
{
	struct crng a, b;
	uint8_t seed[32] = { 1 }, oa[32], ob[32];

	seeded(&a, "reseed");
	seeded(&b, "reseed");
	crng_seed(&b, seed);
	crng_generate(&a, oa, sizeof(oa));
	crng_generate(&b, ob, sizeof(ob));
	cr_expect(memcmp(oa, ob, sizeof(oa)) != 0);
}
