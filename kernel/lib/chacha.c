/*
 * chacha.c - the ChaCha20 block function (RFC 8439 section 2.3) and a
 * generator on it with fast key erasure (lib/chacha.h).
 *
 * A request of n bytes runs ChaCha20 under the current key with the
 * generator's request count as nonce: block 0 gives the next key, blocks
 * 1.. give the bytes. The old key is overwritten before the bytes are
 * returned.
 */
#include "lib/chacha.h"
#include "lib/string.h"

#define ROTL32(x, n) ((uint32_t)((x) << (n)) | ((x) >> (32 - (n))))
#define QR(a, b, c, d)                                          \
	do {                                                    \
		a += b; d ^= a; d = ROTL32(d, 16);              \
		c += d; b ^= c; b = ROTL32(b, 12);              \
		a += b; d ^= a; d = ROTL32(d, 8);               \
		c += d; b ^= c; b = ROTL32(b, 7);               \
	} while (0)
#define DOUBLE_ROUNDS 10

static const uint32_t sigma[4] = { 0x61707865, 0x3320646e, 0x79622d32, 0x6b206574 };

void chacha20_block(const uint32_t key[CHACHA_KEY_WORDS], uint32_t counter,
		    const uint32_t nonce[3], uint8_t out[CHACHA_BLOCK_BYTES])
{
	uint32_t s[16], x[16];

	for (int i = 0; i < 4; i++)
		s[i] = sigma[i];
	for (int i = 0; i < CHACHA_KEY_WORDS; i++)
		s[4 + i] = key[i];
	s[12] = counter;
	s[13] = nonce[0];
	s[14] = nonce[1];
	s[15] = nonce[2];
	memcpy(x, s, sizeof(x));
	for (int i = 0; i < DOUBLE_ROUNDS; i++) {
		QR(x[0], x[4], x[8], x[12]);
		QR(x[1], x[5], x[9], x[13]);
		QR(x[2], x[6], x[10], x[14]);
		QR(x[3], x[7], x[11], x[15]);
		QR(x[0], x[5], x[10], x[15]);
		QR(x[1], x[6], x[11], x[12]);
		QR(x[2], x[7], x[8], x[13]);
		QR(x[3], x[4], x[9], x[14]);
	}
	for (int i = 0; i < 16; i++) {
		uint32_t v = x[i] + s[i];

		out[4 * i] = (uint8_t)v;
		out[4 * i + 1] = (uint8_t)(v >> 8);
		out[4 * i + 2] = (uint8_t)(v >> 16);
		out[4 * i + 3] = (uint8_t)(v >> 24);
	}
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

/* Run the generator: block 0 becomes the next key; bytes from block 1
 * on go to out (if any). */
static void rng_run(struct chacha_rng *r, uint8_t *out, size_t n)
{
	uint32_t nonce[3] = { (uint32_t)r->generation,
			      (uint32_t)(r->generation >> 32), 0 };
	uint8_t block[CHACHA_BLOCK_BYTES];
	uint32_t next[CHACHA_KEY_WORDS];

	chacha20_block(r->key, 0, nonce, block);
	for (int i = 0; i < CHACHA_KEY_WORDS; i++)
		next[i] = le32(block + 4 * i);
	for (uint32_t b = 1; n; b++) {
		size_t k = MIN(n, (size_t)CHACHA_BLOCK_BYTES);

		chacha20_block(r->key, b, nonce, block);
		memcpy(out, block, k);
		out += k;
		n -= k;
	}
	memcpy(r->key, next, sizeof(next));
	r->generation++;
	memset(block, 0, sizeof(block));
}

void chacha_rng_init(struct chacha_rng *r, const void *seed, size_t n)
{
	const uint8_t *p = seed;

	memset(r, 0, sizeof(*r));
	/* absorb the seed a key's worth at a time, stirring between */
	while (n) {
		size_t k = MIN(n, sizeof(r->key));

		for (size_t i = 0; i < k; i++)
			r->key[i / 4] ^= (uint32_t)p[i] << (8 * (i % 4));
		rng_run(r, NULL, 0);
		p += k;
		n -= k;
	}
}

void chacha_rng_mix(struct chacha_rng *r, uint64_t sample)
{
	unsigned at = (unsigned)(r->generation % (CHACHA_KEY_WORDS / 2)) * 2;

	r->key[at] ^= (uint32_t)sample;
	r->key[at + 1] ^= (uint32_t)(sample >> 32);
	rng_run(r, NULL, 0);
}

void chacha_rng_fill(struct chacha_rng *r, void *out, size_t n)
{
	rng_run(r, out, MIN(n, (size_t)CHACHA_RNG_MAX));
}

void chacha_rng_fork(struct chacha_rng *r, struct chacha_rng *child)
{
	uint8_t k[sizeof(child->key)];

	rng_run(r, k, sizeof(k));
	for (int i = 0; i < CHACHA_KEY_WORDS; i++)
		child->key[i] = le32(k + 4 * i);
	child->generation = 0;
	memset(k, 0, sizeof(k));
}
