/*
 * lib/chacha.h - the ChaCha20 block function (RFC 8439) and a random
 * generator built on it with fast key erasure: every request draws a
 * fresh key for the next one, so output already given cannot be
 * recomputed from the state left behind. Pure code (host-tested:
 * tests/host/test_chacha.c); the kernel's locked instance and its
 * entropy are kernel/syscall/sys_random.c's.
 */
#ifndef KITE_LIB_CHACHA_H
#define KITE_LIB_CHACHA_H

#include "kernel/types.h"

#define CHACHA_KEY_WORDS 8
#define CHACHA_BLOCK_BYTES 64

/* One 64-byte block for key, block counter and 96-bit nonce. */
void chacha20_block(const uint32_t key[CHACHA_KEY_WORDS], uint32_t counter,
		    const uint32_t nonce[3], uint8_t out[CHACHA_BLOCK_BYTES]);

struct chacha_rng {
	uint32_t key[CHACHA_KEY_WORDS];
	uint64_t generation; /* requests served: the nonce of the next */
};

/* Start from seed bytes (any length; hashed through ChaCha20). */
void chacha_rng_init(struct chacha_rng *r, const void *seed, size_t n);
/* Stir 64 bits of (possibly weak) entropy into the key. */
void chacha_rng_mix(struct chacha_rng *r, uint64_t sample);
/* Fill out[0..n) and replace the key. n at most CHACHA_RNG_MAX. */
#define CHACHA_RNG_MAX (256u * CHACHA_BLOCK_BYTES)
void chacha_rng_fill(struct chacha_rng *r, void *out, size_t n);
/* Split off a new generator: a key drawn from r (which moves on). */
void chacha_rng_fork(struct chacha_rng *r, struct chacha_rng *child);

#endif
