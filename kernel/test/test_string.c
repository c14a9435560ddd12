/*
 * test_string.c - in-kernel tests of lib/string.c's memset, memcpy and
 * memmove (the host tests link the C library's instead): every
 * alignment of source and destination, lengths around the word and
 * eight-word blocks, and a page, against a byte-at-a-time reference,
 * with guard bytes on both sides that must stay untouched.
 */
#include "kernel/ktest.h"
#include "lib/string.h"
#include "mm/pmm.h"

#define GUARD 16
#define MAX_OFF 16
#define MAX_LEN 300
#define GUARD_BYTE 0xa5

/* Fill buf with a pattern that differs at every offset. */
static void pattern(uint8_t *buf, size_t n, uint8_t seed)
{
	for (size_t i = 0; i < n; i++)
		buf[i] = (uint8_t)(seed + i * 7 + (i >> 8));
}

/* Outside buf[at..at+len), buf[0..n) must still equal ref. */
static bool same_outside(const uint8_t *buf, const uint8_t *ref, size_t at,
			 size_t len, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((i < at || i >= at + len) && buf[i] != ref[i])
			return false;
	return true;
}

static int lengths[] = { 0, 1, 7, 8, 9, 15, 16, 63, 64, 65, 127, 128, 129,
			 200, MAX_LEN, PAGE_SIZE };

KTEST(string_memset)
{
	uint8_t *buf = pmm_alloc_page(0), *ref = pmm_alloc_page(0);

	KT_ASSERT(buf && ref);
	for (size_t li = 0; li < ARRAY_SIZE(lengths); li++) {
		size_t len = (size_t)lengths[li], span = len + MAX_OFF + 2 * GUARD;

		if (span > PAGE_SIZE)
			len = PAGE_SIZE - MAX_OFF - 2 * GUARD, span = PAGE_SIZE;
		for (size_t off = 0; off < MAX_OFF; off++) {
			pattern(buf, span, (uint8_t)off);
			memcpy(ref, buf, span);
			KT_ASSERT(memset(buf + GUARD + off, 0x3c, len) == buf + GUARD + off);
			for (size_t i = 0; i < len; i++)
				KT_ASSERTF(buf[GUARD + off + i] == 0x3c,
					   "memset len %zu off %zu: byte %zu", len, off, i);
			KT_ASSERTF(same_outside(buf, ref, GUARD + off, len, span),
				   "memset len %zu off %zu wrote outside", len, off);
		}
	}
	pmm_free_page(buf);
	pmm_free_page(ref);
	return 0;
}

/* memcpy (disjoint) and memmove (overlapping either way) at every pair
 * of alignments. */
KTEST(string_memcpy_memmove)
{
	uint8_t *dst = pmm_alloc_page(0), *src = pmm_alloc_page(0);
	uint8_t *ref = pmm_alloc_page(0);

	KT_ASSERT(dst && src && ref);
	for (size_t li = 0; li < ARRAY_SIZE(lengths); li++) {
		size_t len = (size_t)lengths[li];

		if (len + MAX_OFF + 2 * GUARD > PAGE_SIZE)
			len = PAGE_SIZE - MAX_OFF - 2 * GUARD;
		for (size_t so = 0; so < MAX_OFF; so++) {
			for (size_t d_o = 0; d_o < MAX_OFF; d_o++) {
				size_t span = len + MAX_OFF + 2 * GUARD;
				uint8_t *d = dst + GUARD + d_o, *s = src + GUARD + so;

				/* a page's length: a few alignments do */
				if (len > MAX_LEN && (so % 8 > 1 || d_o % 8 > 1))
					continue;
				pattern(src, span, 1);
				memset(dst, GUARD_BYTE, span);
				memcpy(ref, dst, span);
				KT_ASSERT(memcpy(d, s, len) == d);
				KT_ASSERTF(memcmp(d, s, len) == 0 &&
					   same_outside(dst, ref, GUARD + d_o, len, span),
					   "memcpy len %zu src+%zu dst+%zu", len, so, d_o);
				/* overlapping: within src, shifted by d_o - so */
				pattern(ref, span, 3);
				memcpy(src, ref, span);
				KT_ASSERT(memmove(src + GUARD + d_o, src + GUARD + so, len) ==
					  src + GUARD + d_o);
				KT_ASSERTF(memcmp(src + GUARD + d_o, ref + GUARD + so, len) == 0 &&
					   same_outside(src, ref, GUARD + d_o, len, span),
					   "memmove len %zu from +%zu to +%zu", len, so, d_o);
			}
		}
	}
	pmm_free_page(dst);
	pmm_free_page(src);
	pmm_free_page(ref);
	return 0;
}
