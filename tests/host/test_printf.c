/*
 * tests/host/test_printf.c - kvsnprintf/ksnprintf against the host's
 * snprintf, plus the cases where Kite deliberately differs (%p, unknown
 * conversions), truncation with canary bytes, and kstrlcpy.
 */
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "lib/printf.h"
#include "lib/string.h"

#define CANARY 0xa5

/* Record a mismatch as this test's FAIL line, with both outputs shown. */
static void mismatch(const char *check_test, int line, const char *fmt,
		     const char *want, int want_n, const char *got, int got_n)
{
	if (!check_failed_now)
		printf("FAIL %s/%s: %s:%d: \"%s\": want \"%s\" (%d), got \"%s\" (%d)\n",
		       check_suite, check_test, __FILE__, line, fmt, want,
		       want_n, got, got_n);
	check_failed_now++;
}

/* Same output and return value as the host's snprintf. */
#define SAME(fmt, ...)                                                      \
	do {                                                                \
		char want_[512], got_[512];                                 \
		int wn_ = snprintf(want_, sizeof(want_), fmt, __VA_ARGS__);  \
		int gn_ = ksnprintf(got_, sizeof(got_), fmt, __VA_ARGS__);   \
		if (wn_ != gn_ || strcmp(want_, got_) != 0)                 \
			mismatch(check_test, __LINE__, fmt, want_, wn_, got_, \
				 gn_);                                      \
	} while (0)

/* Exact expected output, for formats where Kite differs from glibc. */
#define GIVES(want, fmt, ...)                                               \
	do {                                                                \
		char got_[512];                                             \
		int gn_ = kfmt(got_, sizeof(got_), fmt, __VA_ARGS__);        \
		if (gn_ != (int)strlen(want) || strcmp(want, got_) != 0)    \
			mismatch(check_test, __LINE__, fmt, want,           \
				 (int)strlen(want), got_, gn_);             \
	} while (0)

/*
 * ksnprintf without the format attribute, so that deliberately odd formats
 * (unknown conversions, '0' with '-') compile without -Wno-format.
 */
static int kfmt(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = kvsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

/* The same for the host, for the odd formats both sides agree on. */
static int hfmt(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

#define SAME_ODD(fmt, ...)                                                  \
	do {                                                                \
		char want_[512], got_[512];                                 \
		int wn_ = hfmt(want_, sizeof(want_), fmt, __VA_ARGS__);      \
		int gn_ = kfmt(got_, sizeof(got_), fmt, __VA_ARGS__);        \
		if (wn_ != gn_ || strcmp(want_, got_) != 0)                 \
			mismatch(check_test, __LINE__, fmt, want_, wn_, got_, \
				 gn_);                                      \
	} while (0)

static int all_canary(const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != CANARY)
			return 0;
	return 1;
}

TEST(conversions)
{
	SAME("%d %i %u", 42, -17, 3000000000u);
	SAME("%x %X %o", 0xbeefu, 0xbeefu, 0755u);
	SAME("[%c%c%c]", 'K', 'i', 't');
	SAME("%s and %s", "kite", "");
	SAME("100%% %d%%", 5);
	SAME("%d %u %x %o", 0, 0u, 0u, 0u);
	SAME("no conversions at all%s", "");
	SAME("%d %d", INT_MIN, INT_MAX);
	SAME("%u %x %X %o", UINT_MAX, UINT_MAX, UINT_MAX, UINT_MAX);
}

TEST(width_and_flags)
{
	SAME("[%5d]", 42);
	SAME("[%-5d]", 42);
	SAME("[%05d]", 42);
	SAME("[%05d]", -42);
	SAME("[%5d]", -42);
	SAME("[%-5d]", -42);
	SAME("[%2d]", 12345);
	SAME("[%02d]", -12345);
	SAME("[%08x] [%-8X] [%08o]", 0xabcu, 0xabcu, 0777u);
	SAME("[%8s] [%-8s] [%1s]", "ab", "cd", "long");
	SAME("[%5c] [%-5c]", 'x', 'y');
	SAME("[%*d] [%*d]", 8, 123, -8, 123);
	SAME("[%-*d]", 6, -1);
	SAME("[%0*d]", 7, -99);
	SAME("[%+d] [%+d] [% d] [% d]", 5, -5, 5, -5);
	SAME("[%+05d] [% 05d] [%+5d]", 5, 5, 5);
	SAME("[%+d] [% d]", 0, 0);
	SAME("[%200d]", 1);
	SAME_ODD("[%-05d]", 42);
	SAME_ODD("[%-08d]", -42);
	SAME_ODD("[%+u] [% x]", 7u, 7u);
}

TEST(precision)
{
	SAME("[%.3s] [%.0s] [%.10s]", "abcdef", "abc", "abc");
	SAME("[%10.3s] [%-10.3s]", "abcdef", "abcdef");
	SAME("[%.*s] [%.*s]", 2, "xyz", -1, "xyz");
	SAME("[%.5d] [%.5d] [%.1d]", 42, -42, 0);
	SAME("[%.0d] [%.0x] [%5.0d]", 0, 0u, 0);
	SAME("[%8.3d] [%-8.3d] [%8.3x]", -7, 7, 0xfu);
	SAME_ODD("[%08.3d] [%08.3x]", 7, 0xfu);
	SAME("[%.*d]", 4, 9);
}

TEST(length_modifiers)
{
	SAME("%ld %lu %lx %lo", -123456789012L, 123456789012UL,
	     0xfeedfacecafeUL, 0777777777777UL);
	SAME("%lld %llu %llx %llX", -1LL, 18446744073709551615ULL,
	     0x0123456789abcdefULL, 0x0123456789abcdefULL);
	SAME("%zu %zx %zd", (size_t)4096, (size_t)0xdead, (size_t)77);
	SAME("%li %lli", -5L, -6LL);
	SAME("%hd %hu %hx", (short)-1234, (unsigned short)65535,
	     (unsigned short)0xabcd);
	SAME("%hhd %hhu %hhx", (signed char)-5, (unsigned char)250,
	     (unsigned char)0x7f);
	SAME("[%20ld] [%-20lu] [%020llx]", -9L, 9UL, 0xabcULL);
	SAME_ODD("%hd %hhd %hhu", 70000, 300, 511); /* truncated like C */
}

TEST(extremes)
{
	SAME("%lld", (long long)INT64_MIN);
	SAME("%ld", (long)INT64_MIN);
	SAME("%lld", (long long)INT64_MAX);
	SAME("%llu", (unsigned long long)UINT64_MAX);
	SAME("%llx %llX", (unsigned long long)UINT64_MAX,
	     (unsigned long long)UINT64_MAX);
	SAME("%llo", (unsigned long long)UINT64_MAX);
	SAME("%lu %lx", (unsigned long)UINT64_MAX, (unsigned long)UINT64_MAX);
	SAME("[%030lld] [%-30lld] [%+lld]", (long long)INT64_MIN,
	     (long long)INT64_MIN, (long long)INT64_MIN);
	SAME("%zu", (size_t)SIZE_MAX);
	SAME("%lld %llu", 0LL, 0ULL);
}

/* A spread of pseudo-random values through every integer conversion. */
TEST(random_values)
{
	uint64_t x = 0x9e3779b97f4a7c15ULL;

	for (int i = 0; i < 2000; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		uint64_t v = x >> (i % 64);
		int w = i % 25;

		SAME("%lld|%llu|%llx|%llX|%llo", (long long)v,
		     (unsigned long long)v, (unsigned long long)v,
		     (unsigned long long)v, (unsigned long long)v);
		SAME("%d|%u|%x|%i", (int)v, (unsigned)v, (unsigned)v, (int)-v);
		SAME("[%*lld] [%-*lld] [%0*lld]", w, (long long)v, w,
		     (long long)-v, w, (long long)-v);
		SAME("[%0*x] [%*.*d]", w, (unsigned)v, w, i % 12, (int)v);
	}
}

TEST(null_string)
{
	const char *null = NULL;

	SAME_ODD("[%s]", null); /* glibc prints (null) too */
	SAME_ODD("[%8s] [%-8s]", null, null);
	GIVES("[(nu]", "[%.3s]", null); /* glibc would print nothing here */
}

TEST(pointer)
{
	GIVES("0x0000000000001234", "%p", (void *)0x1234);
	GIVES("0x0000000000000000", "%p", (void *)NULL);
	GIVES("0xffffffffffffffff", "%p", (void *)UINTPTR_MAX);
	GIVES("0x80200000deadbeef", "%p", (void *)0x80200000deadbeefULL);
	GIVES("[  0x000000000000abcd] [0x000000000000abcd  ]", "[%20p] [%-20p]",
	      (void *)0xabcd, (void *)0xabcd);
	GIVES("p=0x0000000000000010!", "p=%p!", (void *)16);
}

TEST(unknown_conversion)
{
	GIVES("%q", "%q", 0);
	GIVES("a%qb", "a%qb", 0);
	GIVES("a%5qb", "a%5qb", 0);
	GIVES("[%-08y]", "[%-08y]", 0);
	GIVES("x%ly 7", "x%ly %d", 7);
	GIVES("100%", "100%", 0);
	GIVES("ab%-5", "ab%-5", 0);
	GIVES("%lw", "%lw", 0);
}

TEST(truncation)
{
	unsigned char buf[64];
	int n;

	/* size 0: nothing written, full length returned */
	memset(buf, CANARY, sizeof(buf));
	n = ksnprintf((char *)buf, 0, "hello %d", 12345);
	CHECK(n == 11);
	CHECK(all_canary(buf, sizeof(buf)));
	CHECK(ksnprintf(NULL, 0, "%s-%s", "abc", "de") == 6);

	/* size 1: only the terminator */
	memset(buf, CANARY, sizeof(buf));
	n = ksnprintf((char *)buf, 1, "hello");
	CHECK(n == 5);
	CHECK(buf[0] == '\0');
	CHECK(all_canary(buf + 1, sizeof(buf) - 1));

	/* every size from 1 to past the end, against the host */
	for (size_t size = 1; size <= 50; size++) {
		char want[64];
		int wn;

		memset(buf, CANARY, sizeof(buf));
		wn = hfmt(want, size, "[%-6s|%08d|%x|%lld]", "kite", -42,
			 0xabcu, (long long)INT64_MIN);
		n = ksnprintf((char *)buf, size, "[%-6s|%08d|%x|%lld]", "kite",
			      -42, 0xabcu, (long long)INT64_MIN);
		CHECK(n == wn);
		CHECK(n == 42);
		CHECK(strcmp((char *)buf, want) == 0);
		CHECK(strlen((char *)buf) == MIN(size - 1, (size_t)n));
		CHECK(all_canary(buf + size, sizeof(buf) - size));
	}

	/* output far larger than the buffer */
	memset(buf, CANARY, sizeof(buf));
	n = ksnprintf((char *)buf, 16, "%300s", "x");
	CHECK(n == 300);
	CHECK(strlen((char *)buf) == 15);
	CHECK(all_canary(buf + 16, sizeof(buf) - 16));
}

TEST(kstrlcpy)
{
	char buf[16];

	memset(buf, CANARY, sizeof(buf));
	CHECK(kstrlcpy(buf, "hello", 0) == 5);
	CHECK(all_canary((unsigned char *)buf, sizeof(buf)));

	CHECK(kstrlcpy(buf, "hello", 1) == 5);
	CHECK(buf[0] == '\0');
	CHECK((unsigned char)buf[1] == CANARY);

	memset(buf, CANARY, sizeof(buf));
	CHECK(kstrlcpy(buf, "hello", 3) == 5);
	CHECK(strcmp(buf, "he") == 0);
	CHECK(all_canary((unsigned char *)buf + 3, sizeof(buf) - 3));

	CHECK(kstrlcpy(buf, "hello", 5) == 5);
	CHECK(strcmp(buf, "hell") == 0);

	CHECK(kstrlcpy(buf, "hello", 6) == 5);
	CHECK(strcmp(buf, "hello") == 0);

	CHECK(kstrlcpy(buf, "hi", sizeof(buf)) == 2);
	CHECK(strcmp(buf, "hi") == 0);

	CHECK(kstrlcpy(buf, "", sizeof(buf)) == 0);
	CHECK(buf[0] == '\0');

	memset(buf, CANARY, sizeof(buf));
	CHECK(kstrlcpy(buf, "a string longer than the buffer", sizeof(buf)) ==
	      31);
	CHECK(strcmp(buf, "a string longer") == 0);
}

int main(void)
{
	CHECK_MAIN_BEGIN("printf");
	RUN(conversions);
	RUN(width_and_flags);
	RUN(precision);
	RUN(length_modifiers);
	RUN(extremes);
	RUN(random_values);
	RUN(null_string);
	RUN(pointer);
	RUN(unknown_conversion);
	RUN(truncation);
	RUN(kstrlcpy);
	CHECK_MAIN_END();
}
