/*
 * threads.c - a counter behind a mutex, incremented from every hart.
 *
 *	threads [N [M]]
 *
 * Starts N threads (default: one per hart this process may run on),
 * each adding 1 to a shared counter M times (default 100000), every
 * increment inside mutex_lock/mutex_unlock (<thread.h>: a futex word).
 * Joins them all and prints the total, which must be exactly N * M:
 *
 *	threads: 4 threads x 100000 = 400000 (ok), on harts 0-3
 *
 * Exits 0 when the total is right, 1 otherwise. "on harts" lists the
 * harts the threads were seen on (each notes its hart from kite_procs
 * now and then), to show that they really ran at once.
 */
#include "kite.h"

#define MAX_THREADS 64
#define DEFAULT_ITERS 100000L
#define SAMPLE_EVERY 4096 /* iterations between two looks at our hart */

static mutex_t lock = MUTEX_INIT;
static long counter;          /* [lock] */
static long iters;
static uint64_t harts_seen;   /* [atomic] */

/* The hart the calling thread runs on now (from the process table). */
static int my_hart(void)
{
	static struct kite_procinfo info[256]; /* [lock] */
	pid_t tid = gettid();
	int hart = -1;
	long n;

	mutex_lock(&lock);
	n = kite_procs(info, ARRAY_SIZE(info));
	for (long i = 0; i < n && i < (long)ARRAY_SIZE(info); i++)
		if (info[i].tid == tid)
			hart = info[i].hart;
	mutex_unlock(&lock);
	return hart;
}

static void *worker(void *arg)
{
	(void)arg;
	for (long i = 0; i < iters; i++) {
		mutex_lock(&lock);
		counter++;
		mutex_unlock(&lock);
		if (i % SAMPLE_EVERY == 0) {
			int h = my_hart();

			if (h >= 0)
				__atomic_or_fetch(&harts_seen, 1UL << h,
						  __ATOMIC_RELAXED);
		}
	}
	return NULL;
}

int main(int argc, char **argv)
{
	thread_t t[MAX_THREADS];
	cpu_set_t mine;
	int n = 0;

	if (sched_getaffinity(0, sizeof(mine), &mine) == 0)
		n = CPU_COUNT(&mine);
	if (argc > 1)
		n = atoi(argv[1]);
	iters = argc > 2 ? atol(argv[2]) : DEFAULT_ITERS;
	if (n < 1 || n > MAX_THREADS || iters < 0) {
		fprintf(stderr, "usage: threads [N (1-%d) [M]]\n", MAX_THREADS);
		return 2;
	}
	for (int i = 0; i < n; i++) {
		if (thread_create(&t[i], worker, NULL) < 0) {
			perror("threads: thread_create");
			return 1;
		}
	}
	for (int i = 0; i < n; i++)
		thread_join(t[i], NULL);
	printf("threads: %d threads x %ld = %ld (%s), on harts", n, iters,
	       counter, counter == n * iters ? "ok" : "WRONG");
	for (int h = 0; h < 64; h++)
		if (harts_seen & (1UL << h))
			printf(" %d", h);
	printf("\n");
	return counter == n * iters ? 0 : 1;
}
