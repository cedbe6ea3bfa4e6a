/* SPDX-License-Identifier: MIT */
/*
 * The pure core of the kernel's random number generator (kernel/crng.c):
 * the ChaCha20 block function of RFC 8439, an entropy pool that compresses
 * whatever it is given into a 256-bit key, and a ChaCha20 generator with
 * fast key erasure. kernel/random.c owns the one instance, its lock and
 * the hardware sources; host unit tests use these directly.
 */
#pragma once

#include <xdv/compiler.h>

#define CHACHA20_KEY_SIZE   32
#define CHACHA20_NONCE_SIZE 12
#define CHACHA20_BLOCK_SIZE 64

/*
 * One ChaCha20 block (RFC 8439 section 2.3): 64 bytes of key stream for
 * key, block counter and nonce. Context: any; pure.
 */
void chacha20_block(const uint8_t key[CHACHA20_KEY_SIZE], uint32_t counter,
		    const uint8_t nonce[CHACHA20_NONCE_SIZE],
		    uint8_t out[CHACHA20_BLOCK_SIZE]);

/*
 * Encrypt or decrypt (RFC 8439 section 2.4): out = in XOR the key stream
 * starting at block counter. in and out may be the same buffer. len must
 * not run the 32-bit counter past 2^32 blocks. Context: any; pure.
 */
void chacha20_xor(const uint8_t key[CHACHA20_KEY_SIZE], uint32_t counter,
		  const uint8_t nonce[CHACHA20_NONCE_SIZE], const void *in,
		  void *out, size_t len);

/* The entropy pool: all input so far, compressed into one key. */
struct crng_pool {
	uint8_t key[CHACHA20_KEY_SIZE];
	uint64_t chunks;  /* 32-byte chunks mixed in so far */
};

/* The output generator: its key is replaced at every request. */
struct crng {
	uint8_t key[CHACHA20_KEY_SIZE];
	uint64_t requests; /* crng_generate calls since the last seed */
};

/* Clear pool and generator state. Context: any; pure. */
void crng_pool_init(struct crng_pool *pool);
void crng_init(struct crng *crng);

/*
 * Mix len bytes into the pool: each 32-byte chunk (the last one padded with
 * zeros) is XORed into the key, and the key becomes the first half of
 * ChaCha20 under that XOR, a one-way step. Context: any; pure.
 */
void crng_pool_mix(struct crng_pool *pool, const void *buf, size_t len);

/*
 * Take a 32-byte seed from the pool. The pool key then moves on (to the
 * other half of the same block), so the seed cannot be recomputed from the
 * pool's later state. Context: any; pure.
 */
void crng_pool_extract(struct crng_pool *pool, uint8_t seed[CHACHA20_KEY_SIZE]);

/*
 * Fold seed into the generator's key (one-way; the old key still counts).
 * Context: any; pure.
 */
void crng_seed(struct crng *crng, const uint8_t seed[CHACHA20_KEY_SIZE]);

/*
 * Fill buf with len random bytes. Fast key erasure: the first 32 bytes of
 * key stream become the next key and are never output, so a later
 * compromise of the state says nothing about earlier output.
 * Context: any; pure.
 */
void crng_generate(struct crng *crng, void *buf, size_t len);

/* Overwrite n bytes at p with zeros, in a way the compiler cannot drop. */
void crng_wipe(void *p, size_t n);
