/*
 * spin.c - burns CPU: forever without arguments, or N million loop
 * iterations with argument N, then exits 0. For testing preemption,
 * kill and the scheduler.
 */
#include "kite.h"

int main(int argc, char **argv)
{
	unsigned long i, n;
	char *end;

	if (argc < 2) {
		for (;;)
			__asm__ volatile("" ::: "memory");
	}
	n = strtoul(argv[1], &end, 10);
	if (end == argv[1] || *end) {
		fprintf(stderr, "usage: spin [millions of iterations]\n");
		return 2;
	}
	for (i = 0; i < n * 1000000; i++)
		__asm__ volatile("" ::: "memory");
	printf("spin: %lu million iterations done\n", n);
	return 0;
}
