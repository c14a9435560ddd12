/*
 * fact.c - reads n (one line on stdin) and prints n! mod 1000000007.
 *
 * Prints just the number (after a prompt, "n = ", when stdin is the
 * console, so that a user sees it waits for input). 0 <= n <= 1000000; anything else (not a
 * number, negative, too large) prints an error on stderr and exits with
 * status 1. 999999 gives 128233642.
 */
#include "kite.h"

#define MOD 1000000007ULL
#define N_MAX 1000000L

int main(void)
{
	char line[64], *end;
	uint64_t f = 1;
	long n, i;

	if (isatty(0)) {
		printf("n = ");
		fflush(stdout);
	}
	if (read_line(line, sizeof(line)) < 0) {
		fprintf(stderr, "fact: no input\n");
		return 1;
	}
	errno = 0;
	n = strtol(line, &end, 10);
	while (isspace((unsigned char)*end))
		end++;
	if (end == line || *end || errno) {
		fprintf(stderr, "fact: '%s' is not a number\n", line);
		return 1;
	}
	if (n < 0 || n > N_MAX) {
		fprintf(stderr, "fact: %ld is out of range (0..%ld)\n", n, N_MAX);
		return 1;
	}

	for (i = 2; i <= n; i++)
		f = f * (uint64_t)i % MOD;
	printf("%llu\n", (unsigned long long)f);
	return 0;
}
