/*
 * tests/host/check.c - state of the host test framework and the shims'
 * panic(), which returns to the test through longjmp when a panic is
 * expected and aborts the test program otherwise.
 */
#include <stdarg.h>
#include <stdlib.h>

#include "check.h"

int check_failed_now;
int check_failed_total;
const char *check_suite = "?";
jmp_buf check_panic_jmp;
int check_expect_panic;
char check_panic_msg[256];

void panic(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(check_panic_msg, sizeof(check_panic_msg), fmt, ap);
	va_end(ap);
	if (check_expect_panic)
		longjmp(check_panic_jmp, 1);
	printf("FAIL %s: unexpected panic: %s\n", check_suite, check_panic_msg);
	fflush(stdout);
	abort();
}

static uint64_t rng_state = 1;

void rng_seed(uint64_t s)
{
	rng_state = s ? s : 1;
}

uint64_t rng(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dULL;
}

unsigned rng_below(uint64_t n)
{
	return (unsigned)(rng() % n);
}

void check_fail(const char *test, const char *file, int line, const char *expr)
{
	if (!check_failed_now)
		printf("FAIL %s/%s: %s:%d: %s\n", check_suite, test, file, line,
		       expr);
	check_failed_now++;
}
