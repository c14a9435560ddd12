/*
 * lib/string.c - the kernel's string and memory functions.
 *
 * Byte loops, except that memset, memcpy and memmove move a 64-bit word at
 * a time when the pointers allow it (page copies and clears are the hot
 * case). Words are accessed through a may_alias type so the compiler does
 * not assume they cannot overlap the caller's objects.
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

NO_LIBCALL void *memset(void *dst, int c, size_t n)
{
	unsigned char *d = dst;

	if (WORD_ALIGNED(d)) {
		word_t pattern = (unsigned char)c * 0x0101010101010101ULL;

		for (; n >= sizeof(word_t); n -= sizeof(word_t)) {
			*(word_t *)d = pattern;
			d += sizeof(word_t);
		}
	}
	while (n--)
		*d++ = (unsigned char)c;
	return dst;
}

NO_LIBCALL void *memcpy(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	if (WORD_ALIGNED(d) && WORD_ALIGNED(s)) {
		for (; n >= sizeof(word_t); n -= sizeof(word_t)) {
			*(word_t *)d = *(const word_t *)s;
			d += sizeof(word_t);
			s += sizeof(word_t);
		}
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
