/*
 * lib/string.c - the kernel's string and memory functions.
 *
 * Byte loops, except that memset, memcpy and memmove move 64-bit words
 * when the pointers allow it (page copies and clears are the hot case):
 * memset and memcpy first go byte by byte to a word boundary (memcpy when
 * both pointers can reach one together), then eight words at a time, then
 * the rest. A fill that starts mid-word (the bss after a segment's last
 * file byte) is thus as fast as an aligned one. Words are accessed through
 * a may_alias type so the compiler does not assume they cannot overlap
 * the caller's objects.
 *
 * The compiler may recognise a copy or fill loop and replace it with a call
 * to memcpy or memset, which inside memcpy or memset would recurse forever;
 * NO_LIBCALL switches that transformation off for those functions.
 *
 * Host unit tests link against the C library's versions, so only kstrlcpy
 * is built there.
 */
#include "kernel/types.h"
#include "lib/string.h"

#ifndef KITE_HOST_TEST

#if defined(__GNUC__) && !defined(__clang__)
#define NO_LIBCALL __attribute__((optimize("no-tree-loop-distribute-patterns")))
#else
#define NO_LIBCALL
#endif

typedef uint64_t __attribute__((may_alias)) word_t;

#define WORD_ALIGNED(p) IS_ALIGNED((uintptr_t)(p), sizeof(word_t))

#define WORD_SIZE sizeof(word_t)
#define BLOCK_WORDS 8 /* words per round of the unrolled loops */
#define BLOCK_SIZE (BLOCK_WORDS * WORD_SIZE)

NO_LIBCALL void *memset(void *dst, int c, size_t n)
{
	unsigned char *d = dst;
	word_t pattern = (unsigned char)c * 0x0101010101010101ULL, *w;

	if (n >= BLOCK_SIZE) {
		for (; !WORD_ALIGNED(d); n--)
			*d++ = (unsigned char)c;
		w = (word_t *)d;
		for (; n >= BLOCK_SIZE; n -= BLOCK_SIZE, w += BLOCK_WORDS) {
			w[0] = pattern; w[1] = pattern; w[2] = pattern; w[3] = pattern;
			w[4] = pattern; w[5] = pattern; w[6] = pattern; w[7] = pattern;
		}
		for (; n >= WORD_SIZE; n -= WORD_SIZE)
			*w++ = pattern;
		d = (unsigned char *)w;
	} else if (WORD_ALIGNED(d)) {
		for (; n >= WORD_SIZE; n -= WORD_SIZE, d += WORD_SIZE)
			*(word_t *)d = pattern;
	}
	while (n--)
		*d++ = (unsigned char)c;
	return dst;
}

NO_LIBCALL void *memcpy(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;
	const word_t *ws;
	word_t *wd;

	/* both reach a word boundary after the same number of bytes */
	if (n >= WORD_SIZE && WORD_ALIGNED((uintptr_t)d - (uintptr_t)s)) {
		for (; !WORD_ALIGNED(d); n--)
			*d++ = *s++;
		wd = (word_t *)d;
		ws = (const word_t *)s;
		for (; n >= BLOCK_SIZE; n -= BLOCK_SIZE) {
			wd[0] = ws[0]; wd[1] = ws[1]; wd[2] = ws[2]; wd[3] = ws[3];
			wd[4] = ws[4]; wd[5] = ws[5]; wd[6] = ws[6]; wd[7] = ws[7];
			wd += BLOCK_WORDS;
			ws += BLOCK_WORDS;
		}
		for (; n >= WORD_SIZE; n -= WORD_SIZE)
			*wd++ = *ws++;
		d = (unsigned char *)wd;
		s = (const unsigned char *)ws;
	}
	while (n--)
		*d++ = *s++;
	return dst;
}

NO_LIBCALL void *memmove(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	/* Copying forwards is safe unless dst starts inside src. */
	if ((uintptr_t)d - (uintptr_t)s >= n)
		return memcpy(dst, src, n);

	d += n;
	s += n;
	if (WORD_ALIGNED(d) && WORD_ALIGNED(s)) {
		for (; n >= sizeof(word_t); n -= sizeof(word_t)) {
			d -= sizeof(word_t);
			s -= sizeof(word_t);
			*(word_t *)d = *(const word_t *)s;
		}
	}
	while (n--)
		*--d = *--s;
	return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *p = a, *q = b;

	for (; n; n--, p++, q++) {
		if (*p != *q)
			return *p - *q;
	}
	return 0;
}

size_t strlen(const char *s)
{
	const char *p = s;

	while (*p)
		p++;
	return p - s;
}

size_t strnlen(const char *s, size_t max)
{
	size_t n = 0;

	while (n < max && s[n])
		n++;
	return n;
}

int strcmp(const char *a, const char *b)
{
	const unsigned char *p = (const unsigned char *)a;
	const unsigned char *q = (const unsigned char *)b;

	while (*p && *p == *q) {
		p++;
		q++;
	}
	return *p - *q;
}

int strncmp(const char *a, const char *b, size_t n)
{
	const unsigned char *p = (const unsigned char *)a;
	const unsigned char *q = (const unsigned char *)b;

	for (; n; n--, p++, q++) {
		if (*p != *q || !*p)
			return *p - *q;
	}
	return 0;
}

char *strchr(const char *s, int c)
{
	for (;; s++) {
		if (*s == (char)c)
			return (char *)s;
		if (!*s)
			return NULL;
	}
}

#endif /* !KITE_HOST_TEST */

size_t kstrlcpy(char *dst, const char *src, size_t size)
{
	size_t len = strlen(src);

	if (size) {
		size_t n = len < size - 1 ? len : size - 1;

		memcpy(dst, src, n);
		dst[n] = '\0';
	}
	return len;
}
