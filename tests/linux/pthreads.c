/*
 * pthreads.c - lx_pthreads: a static glibc program using POSIX threads
 * (tests/linux/README.md; built by tests/linux/build.sh).
 *
 * glibc's pthread_create clones with CLONE_VM | CLONE_FS | CLONE_FILES |
 * CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM | CLONE_SETTLS |
 * CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID, sets up TLS through tp,
 * and its mutexes, condition variables and joins are futexes (private
 * ones, FUTEX_WAIT_BITSET with CLOCK_REALTIME, and the non-private
 * CLEARTID wait of pthread_join). It prints:
 *
 *	pthreads: counter 40000
 *	pthreads: tls 4 threads, each its own
 *	pthreads: joined 4, results 0+1+2+3 = 6, tids distinct
 *	pthreads: condvar 2000 items, sum 2001000
 *	pthreads: ok
 *
 * Exits 0 when every line is as expected, 1 otherwise.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

#define NTHREADS 4
#define ITERS 10000
#define ITEMS 2000

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static long counter;
static __thread long tls_value; /* each thread's own */
static int tls_ok;
static pid_t tids[NTHREADS];

static void *worker(void *arg)
{
	long me = (long)(intptr_t)arg;

	tls_value = me * 1000;
	tids[me] = (pid_t)syscall(SYS_gettid);
	for (int i = 0; i < ITERS; i++) {
		pthread_mutex_lock(&lock);
		counter++;
		pthread_mutex_unlock(&lock);
	}
	pthread_mutex_lock(&lock);
	tls_ok += tls_value == me * 1000; /* nobody else's store reached it */
	pthread_mutex_unlock(&lock);
	return (void *)(intptr_t)me;
}

/* One producer, one consumer, a one-slot buffer and a condition
 * variable each way. */
static pthread_cond_t not_full = PTHREAD_COND_INITIALIZER;
static pthread_cond_t not_empty = PTHREAD_COND_INITIALIZER;
static long slot, have;

static void *producer(void *arg)
{
	(void)arg;
	for (long i = 1; i <= ITEMS; i++) {
		pthread_mutex_lock(&lock);
		while (have)
			pthread_cond_wait(&not_full, &lock);
		slot = i;
		have = 1;
		pthread_cond_signal(&not_empty);
		pthread_mutex_unlock(&lock);
	}
	return NULL;
}

int main(void)
{
	pthread_t t[NTHREADS], p;
	long sum = 0, results = 0;
	int ok = 1, distinct = 1;
	void *r;

	for (long i = 0; i < NTHREADS; i++)
		if (pthread_create(&t[i], NULL, worker, (void *)(intptr_t)i)) {
			printf("pthreads: pthread_create failed\n");
			return 1;
		}
	for (int i = 0; i < NTHREADS; i++) {
		pthread_join(t[i], &r);
		results += (long)(intptr_t)r;
	}
	for (int i = 0; i < NTHREADS; i++)
		for (int j = 0; j < i; j++)
			distinct &= tids[i] != tids[j] && tids[i] != getpid();
	printf("pthreads: counter %ld\n", counter);
	printf("pthreads: tls %d threads, each its own\n", tls_ok);
	printf("pthreads: joined %d, results 0+1+2+3 = %ld, tids %s\n", NTHREADS,
	       results, distinct ? "distinct" : "SHARED");
	ok &= counter == NTHREADS * ITERS && tls_ok == NTHREADS && results == 6 &&
	      distinct;

	pthread_create(&p, NULL, producer, NULL);
	for (long n = 0; n < ITEMS; n++) {
		pthread_mutex_lock(&lock);
		while (!have)
			pthread_cond_wait(&not_empty, &lock);
		sum += slot;
		have = 0;
		pthread_cond_signal(&not_full);
		pthread_mutex_unlock(&lock);
	}
	pthread_join(p, NULL);
	printf("pthreads: condvar %d items, sum %ld\n", ITEMS, sum);
	ok &= sum == (long)ITEMS * (ITEMS + 1) / 2;
	printf("pthreads: %s\n", ok ? "ok" : "WRONG");
	return ok ? 0 : 1;
}
