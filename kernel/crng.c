// SPDX-License-Identifier: MIT
/*
 * ChaCha20 and the generator built on it, in plain C (no SSE: the kernel is
 * compiled without it) and with no kernel state, so the host unit tests run
 * this very code against the RFC 8439 test vectors.
 *
 * Three pieces, all on the one ChaCha20 block function:
 *   pool       entropy input of any quality is compressed into a 256-bit
 *              key: key = ChaCha20(key XOR chunk)[0..31], chunk by chunk;
 *   extract    a seed is the first half of a block under the pool key, and
 *              the pool key becomes the second half (forward secrecy);
 *   generator  Bernstein's "fast-key-erasure" RNG: each request's key
 *              stream begins with the next key, which is never output.
 * Each use runs ChaCha20 with its own nonce (domain separation), so a pool
 * block can never equal a generator block.
 *
 * Locks: none; the caller serialises access to one pool or generator.
 */
#include <xdv/string.h>
#include "crng.h"

/* Keeps the key stream of one request small enough that the counter never wraps. */
#define CRNG_CHUNK (64 * 1024)

/* 12 characters each; the array has room for the string's NUL too. */
static const uint8_t nonce_mix[CHACHA20_NONCE_SIZE + 1] = "xdv-pool-mix";
static const uint8_t nonce_extract[CHACHA20_NONCE_SIZE + 1] = "xdv-pool-out";
static const uint8_t nonce_seed[CHACHA20_NONCE_SIZE + 1] = "xdv-crng-sed";
static const uint8_t nonce_generate[CHACHA20_NONCE_SIZE + 1] = "xdv-crng-gen";

/* Through a volatile pointer, so the compiler cannot drop the last memset
 * of a buffer that is about to go out of scope. */
static void *(*volatile crng_memset)(void *, int, size_t) = memset;

void crng_wipe(void *p, size_t n)
{
	crng_memset(p, 0, n);
}

static uint32_t load_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static void store_le32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static inline uint32_t rotl32(uint32_t v, unsigned n)
{
	return (v << n) | (v >> (32 - n));
}

#define QUARTER_ROUND(x, a, b, c, d)                                           \
	do {                                                                   \
		x[a] += x[b]; x[d] = rotl32(x[d] ^ x[a], 16);                  \
		x[c] += x[d]; x[b] = rotl32(x[b] ^ x[c], 12);                  \
		x[a] += x[b]; x[d] = rotl32(x[d] ^ x[a], 8);                   \
		x[c] += x[d]; x[b] = rotl32(x[b] ^ x[c], 7);                   \
	} while (0)

void chacha20_block(const uint8_t key[CHACHA20_KEY_SIZE], uint32_t counter,
		    const uint8_t nonce[CHACHA20_NONCE_SIZE],
		    uint8_t out[CHACHA20_BLOCK_SIZE])
{
	uint32_t state[16], x[16];

	/* "expand 32-byte k" */
	state[0] = 0x61707865;
	state[1] = 0x3320646e;
	state[2] = 0x79622d32;
	state[3] = 0x6b206574;
	for (unsigned i = 0; i < 8; i++)
		state[4 + i] = load_le32(key + 4 * i);
	state[12] = counter;
	for (unsigned i = 0; i < 3; i++)
		state[13 + i] = load_le32(nonce + 4 * i);

	memcpy(x, state, sizeof(x));
	for (unsigned round = 0; round < 10; round++) {
		/* Column round, then diagonal round. */
		QUARTER_ROUND(x, 0, 4, 8, 12);
		QUARTER_ROUND(x, 1, 5, 9, 13);
		QUARTER_ROUND(x, 2, 6, 10, 14);
		QUARTER_ROUND(x, 3, 7, 11, 15);
		QUARTER_ROUND(x, 0, 5, 10, 15);
		QUARTER_ROUND(x, 1, 6, 11, 12);
		QUARTER_ROUND(x, 2, 7, 8, 13);
		QUARTER_ROUND(x, 3, 4, 9, 14);
	}
	for (unsigned i = 0; i < 16; i++)
		store_le32(out + 4 * i, x[i] + state[i]);
	crng_wipe(x, sizeof(x));
	crng_wipe(state, sizeof(state));
}

void chacha20_xor(const uint8_t key[CHACHA20_KEY_SIZE], uint32_t counter,
		  const uint8_t nonce[CHACHA20_NONCE_SIZE], const void *in,
		  void *out, size_t len)
{
	const uint8_t *src = in;
	uint8_t *dst = out;
	uint8_t block[CHACHA20_BLOCK_SIZE];

	while (len) {
		size_t n = MIN(len, sizeof(block));

		chacha20_block(key, counter++, nonce, block);
		for (size_t i = 0; i < n; i++)
			dst[i] = src[i] ^ block[i];
		src += n;
		dst += n;
		len -= n;
	}
	crng_wipe(block, sizeof(block));
}

void crng_pool_init(struct crng_pool *pool)
{
	crng_wipe(pool, sizeof(*pool));
}

void crng_init(struct crng *crng)
{
	crng_wipe(crng, sizeof(*crng));
}

void crng_pool_mix(struct crng_pool *pool, const void *buf, size_t len)
{
	const uint8_t *src = buf;
	uint8_t k[CHACHA20_KEY_SIZE], block[CHACHA20_BLOCK_SIZE];

	while (len) {
		size_t n = MIN(len, sizeof(k));

		memcpy(k, pool->key, sizeof(k));
		for (size_t i = 0; i < n; i++)
			k[i] ^= src[i];
		/* The chunk count as block counter: equal chunks still move the key. */
		chacha20_block(k, (uint32_t)pool->chunks, nonce_mix, block);
		memcpy(pool->key, block, sizeof(pool->key));
		pool->chunks++;
		src += n;
		len -= n;
	}
	crng_wipe(k, sizeof(k));
	crng_wipe(block, sizeof(block));
}

void crng_pool_extract(struct crng_pool *pool, uint8_t seed[CHACHA20_KEY_SIZE])
{
	uint8_t block[CHACHA20_BLOCK_SIZE];

	chacha20_block(pool->key, (uint32_t)pool->chunks, nonce_extract, block);
	memcpy(seed, block, CHACHA20_KEY_SIZE);
	memcpy(pool->key, block + CHACHA20_KEY_SIZE, sizeof(pool->key));
	pool->chunks++;
	crng_wipe(block, sizeof(block));
}

void crng_seed(struct crng *crng, const uint8_t seed[CHACHA20_KEY_SIZE])
{
	uint8_t k[CHACHA20_KEY_SIZE], block[CHACHA20_BLOCK_SIZE];

	for (unsigned i = 0; i < sizeof(k); i++)
		k[i] = crng->key[i] ^ seed[i];
	chacha20_block(k, 0, nonce_seed, block);
	memcpy(crng->key, block, sizeof(crng->key));
	crng->requests = 0;
	crng_wipe(k, sizeof(k));
	crng_wipe(block, sizeof(block));
}

/* One request of at most CRNG_CHUNK bytes, under one key. */
static void crng_generate_chunk(struct crng *crng, uint8_t *dst, size_t len)
{
	uint8_t block[CHACHA20_BLOCK_SIZE];
	uint32_t counter = 0;

	/* Block 0: the next key, then up to 32 bytes of output. */
	chacha20_block(crng->key, counter++, nonce_generate, block);
	size_t n = MIN(len, sizeof(block) - CHACHA20_KEY_SIZE);

	if (n) {
		memcpy(dst, block + CHACHA20_KEY_SIZE, n);
		dst += n;
		len -= n;
	}
	while (len >= CHACHA20_BLOCK_SIZE) {
		chacha20_block(crng->key, counter++, nonce_generate, dst);
		dst += CHACHA20_BLOCK_SIZE;
		len -= CHACHA20_BLOCK_SIZE;
	}
	if (len) {
		uint8_t tail[CHACHA20_BLOCK_SIZE];

		chacha20_block(crng->key, counter, nonce_generate, tail);
		memcpy(dst, tail, len);
		crng_wipe(tail, sizeof(tail));
	}
	/* Erase the key that made this output: only now is it unneeded. */
	memcpy(crng->key, block, sizeof(crng->key));
	crng->requests++;
	crng_wipe(block, sizeof(block));
}

void crng_generate(struct crng *crng, void *buf, size_t len)
{
	uint8_t *dst = buf;

	/* A zero-length request still moves the key on. */
	for (;;) {
		size_t n = MIN(len, (size_t)CRNG_CHUNK);

		crng_generate_chunk(crng, dst, n);
		if (n == len)
			break;
		dst += n;
		len -= n;
	}
}
