/*
 * ubench.c - user-level micro-benchmarks of Kite's hot paths.
 *
 * Each benchmark prints "bench <name> iters=<n> instret=<count>
 * ticks=<count>": retired instructions (exact only when QEMU runs with
 * -icount shift=0) and time-counter ticks, for the whole loop. The
 * instruction counter is the hart's, so it includes the kernel's work
 * and, in the ping-pong, the other process's. tools/bench.py runs this
 * on one hart and turns the lines into per-operation figures.
 */
#include "kite.h"

static inline uint64_t rdinstret(void)
{
	uint64_t n;

	__asm__ volatile("rdinstret %0" : "=r"(n));
	return n;
}

static inline uint64_t rdtime(void)
{
	uint64_t t;

	__asm__ volatile("rdtime %0" : "=r"(t));
	return t;
}

struct mark {
	uint64_t instret, ticks;
};

static struct mark mark(void)
{
	struct mark m = { rdinstret(), rdtime() };

	return m;
}

static void report(const char *name, long iters, struct mark a)
{
	struct mark b = mark();

	printf("bench %s iters=%ld instret=%lu ticks=%lu\n", name, iters,
	       (unsigned long)(b.instret - a.instret),
	       (unsigned long)(b.ticks - a.ticks));
}

static void bench_getpid(void)
{
	const long n = 10000;
	struct mark a = mark();

	for (long i = 0; i < n; i++)
		getpid();
	report("getpid", n, a);
}

static void bench_fork(void)
{
	const long n = 200;
	struct mark a = mark();

	for (long i = 0; i < n; i++) {
		int pid = fork();

		if (pid == 0)
			_exit(0);
		waitpid(pid, NULL, 0);
	}
	report("fork_exit_wait", n, a);
}

static void bench_spawn(void)
{
	const long n = 200;
	char *argv[] = { "true", NULL };
	struct mark a = mark();

	for (long i = 0; i < n; i++)
		waitpid(spawn("true", argv, NULL), NULL, 0);
	report("spawn_wait", n, a);
}

static void bench_fork_exec(void)
{
	const long n = 200;
	char *argv[] = { "true", NULL };
	struct mark a = mark();

	for (long i = 0; i < n; i++) {
		int pid = fork();

		if (pid == 0) {
			execve("true", argv, NULL);
			_exit(127);
		}
		waitpid(pid, NULL, 0);
	}
	report("fork_execve_wait", n, a);
}

/* Two processes on one hart yield to each other: one round trip is
 * two switches. */
static void bench_pingpong(void)
{
	const long n = 2000;
	int pid = fork();
	struct mark a;

	if (pid == 0) {
		for (long i = 0; i < n + 10; i++)
			sched_yield();
		_exit(0);
	}
	sched_yield(); /* let the child start */
	a = mark();
	for (long i = 0; i < n; i++)
		sched_yield();
	report("yield_pingpong", n, a);
	waitpid(pid, NULL, 0);
}

/* Grow the heap a page at a time and touch each page. */
static void bench_brk(void)
{
	const long n = 256;
	char *start = sbrk(0);
	struct mark a = mark();

	for (long i = 0; i < n; i++) {
		char *p = sbrk(4096);

		p[0] = 1;
		p[4095] = 1;
	}
	report("brk_grow_touch_page", n, a);
	brk(start);
}

int main(void)
{
	bench_getpid();
	bench_fork();
	bench_spawn();
	bench_fork_exec();
	bench_pingpong();
	bench_brk();
	printf("bench: done\n");
	return 0;
}
