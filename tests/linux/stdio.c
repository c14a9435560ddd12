/*
 * stdio.c - lx_stdio: glibc's stdio and printf formatting.
 *
 * Integers in every base and length, widths, precisions and flags;
 * floating point in %f, %e, %g and %a (glibc's own conversions, so only
 * the FPU and the kernel's saving of it are under test); wide
 * characters; snprintf's truncation and return values; stdout line
 * buffering (a partial line stays in the buffer until '\n' or fflush,
 * while stderr is unbuffered: the order of the two below shows it);
 * the exit status 3.
 */
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <wchar.h>

static void ints(void)
{
	printf("d: %d %d %d %d\n", 0, -1, INT_MAX, INT_MIN);
	printf("ld: %ld %ld\n", LONG_MAX, LONG_MIN);
	printf("u/x/o: %u %x %X %o %#x %#o\n", UINT_MAX, 0xbeefu, 0xbeefu, 8u,
	       255u, 8u);
	printf("ll: %lld %llu %llx\n", LLONG_MIN, ULLONG_MAX, 0x1234567890abcdefULL);
	printf("hh/h: %hhd %hhu %hd %hu\n", (signed char)-128, (unsigned char)255,
	       (short)-32768, (unsigned short)65535);
	printf("z/j/t: %zu %jd %td\n", (size_t)SIZE_MAX, (intmax_t)INTMAX_MIN,
	       (ptrdiff_t)-5);
	printf("PRI: %" PRId64 " %" PRIu32 " %" PRIx16 "\n", (int64_t)-42,
	       (uint32_t)42, (uint16_t)0xabc);
	printf("width: [%5d] [%-5d] [%05d] [%+d] [% d] [%*d] [%-*d]\n", 42, 42,
	       42, 42, 42, 6, 7, 6, 7);
	printf("prec: [%.3d] [%8.3d] [%.0d] [%#.0o]\n", 7, 7, 0, 0);
}

static void floats(void)
{
	printf("f: %f %.2f %10.3f %-10.1f| %+.0f %.0f %.0f\n", 3.14159265358979,
	       2.675, -1.5, 0.25, 2.5, 3.5, -0.5);
	printf("e: %e %.3E %.0e\n", 123456.789, 0.000123456, 5e-324);
	printf("g: %g %g %g %g %.10g %#g\n", 100000.0, 1000000.0, 1e-4, 1e-5,
	       1.0 / 3, 1.0);
	printf("a: %a %a %A %.3a %a\n", 1.0, -0.1, 255.5, 1.0 / 3, 0x1p-1074);
	printf("special: %f %f %f %e %g\n", INFINITY, -INFINITY, NAN, -0.0, -0.0);
	printf("long double: %Lf %.20Lg %La\n", 1.0L / 3, 2.0L / 3, 1.0L);
	printf("big: %.0f %f\n", 1e300, 1e22);
	printf("dbl_max: %g min: %g\n", 1.7976931348623157e308, 2.2250738585072014e-308);
}

static void strings(void)
{
	char buf[16];
	int n;

	printf("s: [%s] [%10s] [%-10s] [%.3s] [%c%c]\n", "kite", "kite", "kite",
	       "kite", 'o', 'k');
	n = snprintf(buf, sizeof(buf), "%s-%d-%s", "truncated", 12345, "tail");
	printf("snprintf: %d [%s] %zu\n", n, buf, strlen(buf));
	n = snprintf(NULL, 0, "%08.3f", 3.14159);
	printf("snprintf(NULL): %d\n", n);
	printf("percent: 100%%\n");
	printf("ls: %ls %lc\n", L"wide", (wint_t)L'x');
	wchar_t w[8];
	n = swprintf(w, 8, L"%d%ls", 42, L"abc");
	printf("swprintf: %d %ls\n", n, w);
	printf("n: %s%n", "12345", &n);
	printf(" -> %d\n", n);
}

static void buffering(void)
{
	/* stdout is a terminal on both sides: line buffered. "A" is kept
	 * in stdout's buffer while "B" (stderr, unbuffered) goes out. */
	printf("order: A");
	fprintf(stderr, "B");
	printf("C\n");
	fprintf(stderr, "D\n");
	printf("E");
	fflush(stdout);
	fprintf(stderr, "F\n");
	fputs("puts-no-newline", stdout);
	putchar('\n');
	puts("puts");
	fputc('x', stderr);
	fputc('\n', stderr);
	fprintf(stdout, "%s\n", "fprintf(stdout)");
	fwrite("fwrite\n", 1, 7, stdout);
}

int main(void)
{
	ints();
	floats();
	strings();
	buffering();
	printf("end without newline");
	return 3;
}
