/*
 * tests/host/test_chacha.c - ChaCha20 and the random generator on it
 * (kernel/lib/chacha.c).
 *
 * Covers: RFC 8439's block test vector (section 2.3.2); the generator's
 * output depends on its seed and on every sample stirred in; fills of
 * every length up to the maximum are consistent prefixes of nothing in
 * particular but never repeat a previous request (fast key erasure moves
 * the key on); forked generators differ from each other and from the
 * parent; byte frequencies over a large draw are plausible.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "lib/chacha.h"

TEST(rfc8439_block)
{
	static const uint8_t want[64] = {
		0x10, 0xf1, 0xe7, 0xe4, 0xd1, 0x3b, 0x59, 0x15, 0x50, 0x0f, 0xdd,
		0x1f, 0xa3, 0x20, 0x71, 0xc4, 0xc7, 0xd1, 0xf4, 0xc7, 0x33, 0xc0,
		0x68, 0x03, 0x04, 0x22, 0xaa, 0x9a, 0xc3, 0xd4, 0x6c, 0x4e, 0xd2,
		0x82, 0x64, 0x46, 0x07, 0x9f, 0xaa, 0x09, 0x14, 0xc2, 0xd7, 0x05,
		0xd9, 0x8b, 0x02, 0xa2, 0xb5, 0x12, 0x9c, 0xd1, 0xde, 0x16, 0x4e,
		0xb9, 0xcb, 0xd0, 0x83, 0xe8, 0xa2, 0x50, 0x3c, 0x4e,
	};
	uint32_t key[8], nonce[3] = { 0x09000000, 0x4a000000, 0 };
	uint8_t out[64];

	for (int i = 0; i < 8; i++)
		key[i] = (uint32_t)(4 * i) | (uint32_t)(4 * i + 1) << 8 |
			 (uint32_t)(4 * i + 2) << 16 | (uint32_t)(4 * i + 3) << 24;
	chacha20_block(key, 1, nonce, out);
	CHECK(memcmp(out, want, sizeof(want)) == 0);
}

TEST(seed_and_mix_matter)
{
	struct chacha_rng a, b, c;
	uint8_t x[64], y[64], z[64];

	chacha_rng_init(&a, "seed one", 8);
	chacha_rng_init(&b, "seed one", 8);
	chacha_rng_init(&c, "seed two", 8);
	chacha_rng_fill(&a, x, sizeof(x));
	chacha_rng_fill(&b, y, sizeof(y));
	chacha_rng_fill(&c, z, sizeof(z));
	CHECK(memcmp(x, y, sizeof(x)) == 0); /* deterministic given the seed */
	CHECK(memcmp(x, z, sizeof(x)) != 0);
	chacha_rng_mix(&a, 1);
	chacha_rng_fill(&a, x, sizeof(x));
	chacha_rng_fill(&b, y, sizeof(y));
	CHECK(memcmp(x, y, sizeof(x)) != 0); /* one sample changes the rest */
}

TEST(requests_never_repeat)
{
	static uint8_t prev[CHACHA_RNG_MAX], cur[CHACHA_RNG_MAX];
	struct chacha_rng r;
	size_t sizes[] = { 1, 7, 63, 64, 65, 1000, 4096, CHACHA_RNG_MAX };

	chacha_rng_init(&r, "x", 1);
	chacha_rng_fill(&r, prev, sizeof(prev));
	for (unsigned i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		memset(cur, 0, sizeof(cur));
		chacha_rng_fill(&r, cur, sizes[i]);
		if (sizes[i] >= 8)
			CHECK(memcmp(cur, prev, sizes[i]) != 0);
		for (size_t k = sizes[i]; k < sizeof(cur); k++)
			REQUIRE(cur[k] == 0); /* nothing past the request */
		memcpy(prev, cur, sizes[i]);
	}
	/* more than the maximum is cut to it */
	static uint8_t big[CHACHA_RNG_MAX + 64];
	memset(big, 0, sizeof(big));
	chacha_rng_fill(&r, big, sizeof(big));
	for (size_t k = CHACHA_RNG_MAX; k < sizeof(big); k++)
		REQUIRE(big[k] == 0);
}

TEST(forks_differ)
{
	struct chacha_rng parent, a, b;
	uint8_t x[32], y[32], z[32];

	chacha_rng_init(&parent, "p", 1);
	chacha_rng_fork(&parent, &a);
	chacha_rng_fork(&parent, &b);
	chacha_rng_fill(&a, x, sizeof(x));
	chacha_rng_fill(&b, y, sizeof(y));
	chacha_rng_fill(&parent, z, sizeof(z));
	CHECK(memcmp(x, y, sizeof(x)) != 0);
	CHECK(memcmp(x, z, sizeof(x)) != 0);
	CHECK(memcmp(y, z, sizeof(x)) != 0);
}

TEST(byte_frequencies)
{
	static uint8_t buf[CHACHA_RNG_MAX];
	unsigned count[256] = { 0 };
	struct chacha_rng r;
	size_t total = 0;

	chacha_rng_init(&r, "freq", 4);
	for (int round = 0; round < 64; round++) {
		chacha_rng_fill(&r, buf, sizeof(buf));
		for (size_t i = 0; i < sizeof(buf); i++)
			count[buf[i]]++;
		total += sizeof(buf);
	}
	/* 1 MiB: each value ~4096 times, sd ~64; allow 8 sd */
	for (int v = 0; v < 256; v++)
		REQUIRE(count[v] > total / 256 - 512 && count[v] < total / 256 + 512);
}

int main(void)
{
	CHECK_MAIN_BEGIN("chacha");
	RUN(rfc8439_block);
	RUN(seed_and_mix_matter);
	RUN(requests_never_repeat);
	RUN(forks_differ);
	RUN(byte_frequencies);
	CHECK_MAIN_END();
}
