/*
 * fpcheck.c - the floating-point registers belong to each process.
 *
 * A program starts with f0..f31 and fcsr zero (nothing leaks in from
 * another process), a forked child starts with its parent's values, and
 * values survive any number of switches: four processes each fill the
 * registers with their own pattern and check them after every yield.
 * Prints "fpcheck: ok" and exits 0, or says what went wrong and exits 1.
 */
#include "kite.h"

#define ROUNDS 2000

static void fp_set(uint64_t base)
{
	__asm__ volatile(".option push\n.option arch, +d\n"
			 ".irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31\n"
			 "addi t0, %0, \\n\n"
			 "fmv.d.x f\\n, t0\n"
			 ".endr\n"
			 ".option pop\n"
			 : : "r"(base) : "t0");
}

static void fp_get(uint64_t out[32])
{
	__asm__ volatile(".option push\n.option arch, +d\n"
			 ".irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31\n"
			 "fmv.x.d t0, f\\n\n"
			 "sd t0, \\n*8(%0)\n"
			 ".endr\n"
			 ".option pop\n"
			 : : "r"(out) : "t0", "memory");
}

/* True if f_n == base + n for every n. */
static bool fp_check(uint64_t base)
{
	uint64_t v[32];

	fp_get(v);
	for (int n = 0; n < 32; n++)
		if (v[n] != base + (uint64_t)n)
			return false;
	return true;
}

static int worker(uint64_t base)
{
	fp_set(base);
	for (int i = 0; i < ROUNDS; i++) {
		sched_yield();
		if (!fp_check(base)) {
			printf("fpcheck: pattern 0x%lx lost after %d yields\n",
			       (unsigned long)base, i);
			return 1;
		}
	}
	return 0;
}

int main(void)
{
	uint64_t v[32];
	int pids[3], status, bad = 0;

	fp_get(v);
	for (int n = 0; n < 32; n++)
		if (v[n] != 0) {
			printf("fpcheck: f%d is 0x%lx at start, not 0\n", n,
			       (unsigned long)v[n]);
			return 1;
		}
	fp_set(0x5a5a000000000000UL);
	for (int i = 0; i < 3; i++) {
		pids[i] = fork();
		if (pids[i] == 0) {
			/* inherited from the parent at fork */
			if (!fp_check(0x5a5a000000000000UL)) {
				printf("fpcheck: the child did not inherit f0..f31\n");
				_exit(1);
			}
			_exit(worker((uint64_t)(i + 1) << 40));
		}
	}
	bad |= worker(0x7700000000000000UL);
	for (int i = 0; i < 3; i++)
		if (waitpid(pids[i], &status, 0) != pids[i] || status != 0)
			bad = 1;
	if (bad) {
		printf("fpcheck: FAILED\n");
		return 1;
	}
	printf("fpcheck: ok\n");
	return 0;
}
