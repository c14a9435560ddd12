/*
 * libc.c - lx_libc: qsort, bsearch, strtol/strtoul/strtod edge cases,
 * string functions, and setjmp/longjmp.
 *
 * Everything here is glibc's own code; the kernel's part is the process
 * (its stack, its floating-point registers kept across switches, errno
 * in thread-local storage). Errors are printed by name.
 */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static const char *ename(int e)
{
	switch (e) {
	case 0: return "0";
	case ERANGE: return "ERANGE";
	case EINVAL: return "EINVAL";
	default: return "other";
	}
}

static void sorting(void)
{
	static int v[100000];
	uint32_t x = 12345;
	long sorted = 1, sum = 0;

	for (int i = 0; i < 100000; i++) {
		x = x * 1103515245 + 12345;
		v[i] = (int)(x >> 1) % 1000000 - 500000;
		sum += v[i];
	}
	qsort(v, 100000, sizeof(int), cmp_int);
	long sum2 = 0;
	for (int i = 0; i < 100000; i++) {
		sum2 += v[i];
		if (i)
			sorted &= v[i - 1] <= v[i];
	}
	printf("qsort 100000 ints: %s, sum kept %s, min %d max %d\n",
	       sorted ? "sorted" : "NOT SORTED", sum == sum2 ? "yes" : "no", v[0],
	       v[99999]);
	int key = v[4242], *hit = bsearch(&key, v, 100000, sizeof(int), cmp_int);
	int missing = 500001;
	printf("bsearch: found %s, missing %s\n", hit && *hit == key ? "yes" : "no",
	       bsearch(&missing, v, 100000, sizeof(int), cmp_int) ? "found" : "NULL");
	char *words[] = { "pear", "apple", "fig", "banana", "cherry", "apple" };
	qsort(words, 6, sizeof(char *), cmp_str);
	printf("words:");
	for (int i = 0; i < 6; i++)
		printf(" %s", words[i]);
	printf("\n");
}

static void longs(const char *s, int base)
{
	char *end;

	errno = 0;
	long v = strtol(s, &end, base);
	printf("strtol(\"%s\", %d) = %ld, rest \"%s\", errno %s\n", s, base, v, end,
	       ename(errno));
}

static void doubles(const char *s)
{
	char *end;

	errno = 0;
	double v = strtod(s, &end);
	printf("strtod(\"%s\") = %.17g (%a), rest \"%s\", errno %s\n", s, v, v, end,
	       ename(errno));
}

static void conversions(void)
{
	longs("12345", 10);
	longs("  -0x7fffffffffffffff", 16);
	longs("9223372036854775808", 10);
	longs("-9223372036854775809", 10);
	longs("0777", 0);
	longs("0x1f", 0);
	longs("z", 36);
	longs("  +42abc", 10);
	longs("", 10);
	longs("12", 1);
	errno = 0;
	unsigned long u = strtoul("-1", NULL, 10);
	printf("strtoul(\"-1\") = %lu, errno %s\n", u, ename(errno));
	errno = 0;
	u = strtoul("18446744073709551616", NULL, 10);
	printf("strtoul(2^64) = %lu, errno %s\n", u, ename(errno));
	printf("atoi(\"  -17x\") = %d, atol(\"99999999999\") = %ld\n", atoi("  -17x"),
	       atol("99999999999"));
	doubles("3.14159265358979323846");
	doubles("1e308");
	doubles("1e309");
	doubles("-1e-400");
	doubles("4.9406564584124654e-324");
	doubles("0x1.8p3");
	doubles("inf");
	doubles("-Infinity");
	doubles("nan(123)");
	doubles("  .5e+2x");
	doubles("1,5");
	doubles("0.1");
	errno = 0;
	float f = strtof("3.4e39", NULL);
	printf("strtof(3.4e39) = %g, errno %s\n", f, ename(errno));
	long double ld = strtold("1.18973149535723176502e+4932", NULL);
	printf("strtold(max) = %Lg\n", ld);
}

static void strings(void)
{
	char buf[64];

	strcpy(buf, "hello");
	strcat(buf, ", world");
	printf("strlen %zu strchr %s strrchr %s strstr %s\n", strlen(buf),
	       strchr(buf, 'o'), strrchr(buf, 'o'), strstr(buf, "wor"));
	printf("strncmp %d memcmp %d strcasecmp %d\n",
	       strncmp("abcd", "abce", 3) == 0, memcmp("ab", "ac", 2) < 0,
	       strcasecmp("HeLLo", "hello") == 0);
	char *tok, *save, line[] = "a,b,,c";
	printf("strtok_r:");
	for (tok = strtok_r(line, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
		printf(" [%s]", tok);
	printf("\n");
	memmove(buf + 2, buf, 10);
	printf("memmove: %.12s\n", buf);
	printf("strerror(ENOENT): %s\n", strerror(2));
	printf("strdup: %s\n", strdup("dup") ? "ok" : "NULL");
}

static jmp_buf env;
static volatile int depth, limit = 50;

static void dive(int n);
static void (*volatile next)(int) = dive; /* (gcc sees no end otherwise) */

static void dive(int n)
{
	volatile char pad[256];

	pad[0] = (char)n;
	depth = n + pad[0] - n;
	if (n >= limit)
		longjmp(env, n);
	next(n + 1);
}

static void jumps(void)
{
	volatile int count = 0;
	volatile double f = 1.5;
	int r = setjmp(env);

	count++;
	if (r == 0) {
		f = 2.5;
		dive(0);
	}
	printf("setjmp returned %d after longjmp from depth %d; count %d; f %.1f\n",
	       r, depth, count, f);
	r = setjmp(env);
	if (r == 0)
		longjmp(env, 0); /* longjmp(0) makes setjmp return 1 */
	printf("longjmp(env, 0) -> setjmp returned %d\n", r);
	sigjmp_buf senv;
	if ((r = sigsetjmp(senv, 0)) == 0)
		siglongjmp(senv, 7);
	printf("sigsetjmp/siglongjmp(7) -> %d\n", r);
}

int main(void)
{
	sorting();
	conversions();
	strings();
	jumps();
	return 0;
}
