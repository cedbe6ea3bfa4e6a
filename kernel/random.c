// SPDX-License-Identifier: MIT
/*
 * The kernel's random numbers: one entropy pool and one ChaCha20 generator
 * (kernel/crng.c), seeded at boot and fed for the rest of the run.
 *
 * Seeding, in random_init():
 *   RDSEED  preferred: each success is 64 bits straight from the CPU's
 *           entropy source. 8 words (512 bits) are asked for.
 *   RDRAND  otherwise: output of the CPU's DRBG. 64 words are mixed in, a
 *           long enough run to span several DRBG reseeds (Intel's DRNG
 *           guide gives 512 x 128 bits for a full guarantee; this is a
 *           compromise for boot time).
 *   jitter  always: TSC readings around work of varying length. Cheap and
 *           weak (under emulation nearly deterministic), so it is an
 *           addition, never the reason to call the seed good.
 * Both instructions can fail (carry clear) when the hardware is drained;
 * each read is retried a bounded number of times. The seed counts as
 * hardware-backed when at least 256 bits came from RDSEED or RDRAND.
 *
 * Output: a request takes a fresh 32-byte key from the shared generator
 * under the lock (fast key erasure moves the shared key on), then produces
 * its bytes from that key without the lock, so a large request does not
 * keep interrupts off. Input from random_add_entropy() marks the pool
 * dirty; the next request reseeds the generator from it first.
 *
 * Locks: rng.lock (irqsave: interrupt handlers may add entropy) guards
 * the pool and the generator; it is a leaf lock.
 */
#define pr_fmt(fmt) "random: " fmt
#include <xdv/cpufeature.h>
#include <xdv/printk.h>
#include <xdv/random.h>
#include <xdv/spinlock.h>
#include <xdv/time.h>
#include <xdv/arch/x86.h>
#include "crng.h"

#define RDSEED_WORDS   8
#define RDSEED_RETRIES 100 /* RDSEED may be drained for a while: pause between */
#define RDRAND_WORDS   64
#define RDRAND_RETRIES 10  /* Intel: 10 failures in a row mean a broken DRNG */
#define HW_SEED_BITS   256

#define JITTER_ROUNDS  8
#define JITTER_SAMPLES 64

static struct {
	struct spinlock lock;
	/* Guarded by lock. */
	struct crng_pool pool;
	struct crng crng;
	bool pool_dirty; /* input since the generator was last seeded */
	/* Written by random_init() only. */
	bool seeded;
	bool hw_seeded;
} rng = { .lock = SPINLOCK_INIT("random") };

/* Read up to words values from a hardware source. Return: how many succeeded. */
static unsigned hw_collect(bool (*read)(uint64_t *v), uint64_t *buf,
			   unsigned words, unsigned retries)
{
	unsigned got = 0;

	for (unsigned i = 0; i < words; i++) {
		for (unsigned try = 0; try < retries; try++) {
			if (read(&buf[got])) {
				got++;
				break;
			}
			cpu_relax();
		}
	}
	return got;
}

/* TSC readings after a busy loop whose length varies with the sample. */
static void jitter_collect(void)
{
	uint64_t samples[JITTER_SAMPLES];
	volatile uint64_t sink = 0;

	for (unsigned round = 0; round < JITTER_ROUNDS; round++) {
		for (unsigned i = 0; i < JITTER_SAMPLES; i++) {
			uint64_t t0 = rdtsc();

			for (unsigned j = 0; j <= (i ^ round) % 17; j++)
				sink = sink + (t0 >> j);
			samples[i] = rdtsc() ^ (t0 << 32);
		}
		random_add_entropy(samples, sizeof(samples));
	}
	crng_wipe(samples, sizeof(samples));
}

/* Reseed the generator from the pool. Locks: rng.lock held. */
static void random_reseed_locked(void)
{
	uint8_t seed[CHACHA20_KEY_SIZE];

	spin_assert_held(&rng.lock);
	crng_pool_extract(&rng.pool, seed);
	crng_seed(&rng.crng, seed);
	rng.pool_dirty = false;
	crng_wipe(seed, sizeof(seed));
}

void random_init(void)
{
	uint64_t buf[RDRAND_WORDS];
	unsigned got = 0;
	const char *source = "timing jitter (no RDRAND)";

	if (rng.seeded)
		return;
	if (cpu_has(X86_FEATURE_RDSEED)) {
		got = hw_collect(rdseed64, buf, RDSEED_WORDS, RDSEED_RETRIES);
		random_add_entropy(buf, got * sizeof(buf[0]));
		if (got * 64 >= HW_SEED_BITS)
			source = "RDSEED";
	}
	if (got * 64 < HW_SEED_BITS && cpu_has(X86_FEATURE_RDRAND)) {
		got = hw_collect(rdrand64, buf, RDRAND_WORDS, RDRAND_RETRIES);
		random_add_entropy(buf, got * sizeof(buf[0]));
		source = got * 64 >= HW_SEED_BITS ? "RDRAND" :
			 "timing jitter (RDRAND failed)";
	}
	crng_wipe(buf, sizeof(buf));
	rng.hw_seeded = got * 64 >= HW_SEED_BITS;

	jitter_collect();
	/* No entropy, but it makes each machine's stream its own. */
	uint64_t boot_ns = time_since_boot_ns();

	random_add_entropy(cpu_info(), sizeof(*cpu_info()));
	random_add_entropy(&boot_ns, sizeof(boot_ns));

	uint64_t flags = spin_lock_irqsave(&rng.lock);

	random_reseed_locked();
	rng.seeded = true;
	spin_unlock_irqrestore(&rng.lock, flags);
	pr_info("CRNG seeded from %s\n", source);
}

void random_add_entropy(const void *buf, size_t len)
{
	if (!len)
		return;

	uint64_t flags = spin_lock_irqsave(&rng.lock);

	crng_pool_mix(&rng.pool, buf, len);
	rng.pool_dirty = true;
	spin_unlock_irqrestore(&rng.lock, flags);
}

void random_get_bytes(void *buf, size_t len)
{
	struct crng request;

	if (!READ_ONCE(rng.seeded))
		random_init();

	uint64_t flags = spin_lock_irqsave(&rng.lock);

	if (rng.pool_dirty)
		random_reseed_locked();
	crng_init(&request);
	crng_generate(&rng.crng, request.key, sizeof(request.key));
	spin_unlock_irqrestore(&rng.lock, flags);

	crng_generate(&request, buf, len);
	crng_wipe(&request, sizeof(request));
}

uint64_t random_u64(void)
{
	uint64_t v;

	random_get_bytes(&v, sizeof(v));
	return v;
}

bool random_hw_seeded(void)
{
	return rng.hw_seeded;
}
