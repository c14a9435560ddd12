/*
 * malloc.c - lx_malloc: glibc's malloc, realloc and free under stress.
 *
 * Thousands of small blocks of random sizes (a fixed-seed generator, so
 * the same on both sides) allocated, filled with a pattern, resized and
 * freed in random order, the patterns checked at every step; blocks of
 * 256 KiB to 8 MiB, above glibc's mmap threshold (128 KiB), which glibc
 * gets with mmap and gives back with munmap; realloc growing a block
 * across that threshold; calloc's zeroes; memalign/posix_memalign
 * alignment; malloc_usable_size at least the size asked. Then the heap
 * statistics that do not depend on the kernel: every block freed.
 */
#include <malloc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SLOTS 2000
#define ROUNDS 40000
#define BIG_MIN (256 * 1024)

static uint64_t seed = 0x1234567887654321ULL;

static uint64_t rnd(void)
{
	seed ^= seed << 13;
	seed ^= seed >> 7;
	seed ^= seed << 17;
	return seed;
}

struct block {
	unsigned char *p;
	size_t size;
	unsigned char tag;
};

static struct block slots[SLOTS];
static long bad;

static void fill(struct block *b)
{
	for (size_t i = 0; i < b->size; i++)
		b->p[i] = (unsigned char)(b->tag + i * 7);
}

/* check the first n bytes of b's pattern */
static void check(const struct block *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (b->p[i] != (unsigned char)(b->tag + i * 7)) {
			bad++;
			return;
		}
}

static size_t small_size(void)
{
	uint64_t r = rnd();

	switch (r % 4) {
	case 0:
		return r % 32 + 1;
	case 1:
		return r % 512 + 1;
	case 2:
		return r % 8192 + 1;
	default:
		return (r >> 8) % 100000 + 1;
	}
}

static void stress(void)
{
	long mallocs = 0, reallocs = 0, frees = 0;

	for (int round = 0; round < ROUNDS; round++) {
		struct block *b = &slots[rnd() % SLOTS];
		uint64_t op = rnd() % 3;

		if (!b->p) {
			b->size = small_size();
			b->tag = (unsigned char)rnd();
			b->p = malloc(b->size);
			if (!b->p) {
				bad++;
				continue;
			}
			fill(b);
			mallocs++;
		} else if (op == 0) {
			size_t n = small_size();

			check(b, b->size);
			b->p = realloc(b->p, n);
			if (!b->p) {
				bad++;
				continue;
			}
			check(b, n < b->size ? n : b->size);
			b->size = n;
			fill(b);
			reallocs++;
		} else {
			check(b, b->size);
			free(b->p);
			b->p = NULL;
			frees++;
		}
	}
	for (int i = 0; i < SLOTS; i++) {
		if (slots[i].p) {
			check(&slots[i], slots[i].size);
			free(slots[i].p);
			slots[i].p = NULL;
			frees++;
		}
	}
	printf("stress: %d rounds, %ld mallocs, %ld reallocs, %ld frees, bad %ld\n",
	       ROUNDS, mallocs, reallocs, frees, bad);
}

static void big(void)
{
	size_t sizes[] = { BIG_MIN, 1 << 20, 3 << 20, 8 << 20 };
	unsigned char *p[4];
	long ok = 0;

	for (int i = 0; i < 4; i++) {
		p[i] = malloc(sizes[i]);
		if (!p[i])
			continue;
		memset(p[i], i + 1, sizes[i]);
	}
	for (int i = 0; i < 4; i++) {
		if (p[i] && p[i][0] == i + 1 && p[i][sizes[i] - 1] == i + 1 &&
		    p[i][sizes[i] / 2] == i + 1)
			ok++;
		free(p[i]);
	}
	printf("big blocks (256K..8M, mmap'ed by glibc): %ld of 4 ok\n", ok);

	/* the same addresses many times: munmap must really give them back */
	long again = 0;
	for (int i = 0; i < 64; i++) {
		unsigned char *q = malloc(4 << 20);

		if (q) {
			q[0] = 1;
			q[(4 << 20) - 1] = 2;
			again += q[0] + q[(4 << 20) - 1] == 3;
		}
		free(q);
	}
	printf("64 x malloc(4M)+free: %ld ok\n", again);

	/* realloc from small to beyond the threshold and back */
	unsigned char *r = malloc(100);
	for (int i = 0; i < 100; i++)
		r[i] = (unsigned char)i;
	r = realloc(r, 1 << 20);
	int kept = 1;
	for (int i = 0; i < 100; i++)
		kept &= r[i] == i;
	r[(1 << 20) - 1] = 9;
	r = realloc(r, 2 << 20);
	kept &= r[(1 << 20) - 1] == 9 && r[50] == 50;
	r = realloc(r, 64);
	kept &= r[63] == 63;
	free(r);
	printf("realloc 100 -> 1M -> 2M -> 64: contents %s\n", kept ? "kept" : "LOST");
}

static void others(void)
{
	unsigned char *z = calloc(1000, 1000);
	long nonzero = 0;

	for (size_t i = 0; z && i < 1000 * 1000; i++)
		nonzero += z[i] != 0;
	printf("calloc(1000, 1000): %s, %ld nonzero\n", z ? "ok" : "NULL", nonzero);
	free(z);
	volatile size_t half = SIZE_MAX / 2, huge = SIZE_MAX - 4096;

	z = calloc(half, 4);
	printf("calloc overflow: %s\n", z ? "NOT NULL" : "NULL");
	void *m = malloc(huge);
	printf("malloc(SIZE_MAX - 4096): %s\n", m ? "NOT NULL" : "NULL");

	int aligned = 1;
	for (size_t a = 16; a <= 65536; a *= 4) {
		void *q = memalign(a, 100);
		void *r = NULL;

		aligned &= q && ((uintptr_t)q % a) == 0;
		aligned &= posix_memalign(&r, a, 3000) == 0 && ((uintptr_t)r % a) == 0;
		free(q);
		free(r);
	}
	void *r;
	printf("memalign/posix_memalign 16..65536: %s; posix_memalign(3): %d\n",
	       aligned ? "aligned" : "MISALIGNED", posix_memalign(&r, 3, 10));
	void *u = malloc(1000);
	printf("malloc_usable_size(malloc(1000)) >= 1000: %s\n",
	       malloc_usable_size(u) >= 1000 ? "yes" : "no");
	free(u);
	free(NULL);
	printf("realloc(NULL, 10): %s\n", (u = realloc(NULL, 10)) ? "ok" : "NULL");
	free(u);
}

int main(void)
{
	stress();
	big();
	others();
	struct mallinfo2 mi = mallinfo2();
	printf("after: %zu bytes in use in mmap'ed blocks, %zu mmap'ed blocks\n",
	       mi.hblkhd, (size_t)mi.hblks);
	return bad ? 1 : 0;
}
