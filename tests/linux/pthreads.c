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
 *
 * then, with 8 threads (more than any machine here has harts): a
 * barrier reused for 100 rounds, every thread seeing every other's
 * round; a reader-writer lock (readers at once, writers alone, the
 * total exact); pthread_once run once among racing threads;
 * thread-specific data with destructors run at each thread's exit;
 * recursive and error-checking mutexes (EDEADLK, EPERM); trylock;
 * a timed wait that times out (ETIMEDOUT); detached threads; thread
 * exit values through pthread_exit; and
 *
 *	pthreads: ok
 *
 * Exits 0 when every line is as expected, 1 otherwise.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
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

#define MANY 8
#define ROUNDS 100

static pthread_barrier_t barrier;
static int round_seen[MANY];
static int barrier_bad;

static void *barrier_worker(void *arg)
{
	int me = (int)(intptr_t)arg;

	for (int r = 1; r <= ROUNDS; r++) {
		__atomic_store_n(&round_seen[me], r, __ATOMIC_RELEASE);
		pthread_barrier_wait(&barrier);
		for (int o = 0; o < MANY; o++)
			if (__atomic_load_n(&round_seen[o], __ATOMIC_ACQUIRE) < r)
				__atomic_add_fetch(&barrier_bad, 1, __ATOMIC_RELAXED);
		pthread_barrier_wait(&barrier);
	}
	return NULL;
}

static pthread_rwlock_t rw = PTHREAD_RWLOCK_INITIALIZER;
static long rw_total, rw_readers_max, rw_readers_now, rw_bad;

static void *rw_worker(void *arg)
{
	int me = (int)(intptr_t)arg;

	for (int i = 0; i < 2000; i++) {
		if ((i + me) % 4 == 0) {
			pthread_rwlock_wrlock(&rw);
			if (__atomic_load_n(&rw_readers_now, __ATOMIC_RELAXED))
				rw_bad++;
			rw_total++;
			pthread_rwlock_unlock(&rw);
		} else {
			pthread_rwlock_rdlock(&rw);
			long n = __atomic_add_fetch(&rw_readers_now, 1, __ATOMIC_RELAXED);
			long m = __atomic_load_n(&rw_readers_max, __ATOMIC_RELAXED);
			while (n > m && !__atomic_compare_exchange_n(&rw_readers_max, &m, n, 0,
								    __ATOMIC_RELAXED, __ATOMIC_RELAXED))
				;
			__atomic_sub_fetch(&rw_readers_now, 1, __ATOMIC_RELAXED);
			pthread_rwlock_unlock(&rw);
		}
	}
	return NULL;
}

static pthread_once_t once = PTHREAD_ONCE_INIT;
static int once_runs;
static pthread_key_t key;
static int destructor_runs;

static void once_fn(void)
{
	once_runs++;
}

static void destructor(void *v)
{
	__atomic_add_fetch(&destructor_runs, (int)(intptr_t)v, __ATOMIC_RELAXED);
}

static void *once_tsd_worker(void *arg)
{
	int me = (int)(intptr_t)arg;

	pthread_once(&once, once_fn);
	pthread_setspecific(key, (void *)(intptr_t)(me + 1));
	sched_yield();
	if (pthread_getspecific(key) != (void *)(intptr_t)(me + 1))
		return (void *)1;
	if (me == 3)
		pthread_exit((void *)(intptr_t)33);
	return NULL;
}

static int detached_done;

static void *detached(void *arg)
{
	(void)arg;
	__atomic_add_fetch(&detached_done, 1, __ATOMIC_RELEASE);
	return NULL;
}

static int more(void)
{
	pthread_t t[MANY];
	int ok = 1;
	void *r;

	pthread_barrier_init(&barrier, NULL, MANY);
	for (int i = 0; i < MANY; i++)
		pthread_create(&t[i], NULL, barrier_worker, (void *)(intptr_t)i);
	for (int i = 0; i < MANY; i++)
		pthread_join(t[i], NULL);
	pthread_barrier_destroy(&barrier);
	printf("pthreads: barrier %d threads x %d rounds, %d early\n", MANY, ROUNDS,
	       barrier_bad);
	ok &= barrier_bad == 0;

	for (int i = 0; i < MANY; i++)
		pthread_create(&t[i], NULL, rw_worker, (void *)(intptr_t)i);
	for (int i = 0; i < MANY; i++)
		pthread_join(t[i], NULL);
	printf("pthreads: rwlock %ld writes, writers alone %s\n", rw_total,
	       rw_bad ? "NO" : "yes");
	ok &= rw_total == MANY * 2000 / 4 && rw_bad == 0;

	pthread_key_create(&key, destructor);
	int tsd_bad = 0, exit33 = 0;
	for (int i = 0; i < MANY; i++)
		pthread_create(&t[i], NULL, once_tsd_worker, (void *)(intptr_t)i);
	for (int i = 0; i < MANY; i++) {
		pthread_join(t[i], &r);
		if (r == (void *)(intptr_t)33)
			exit33++;
		else if (r)
			tsd_bad++;
	}
	printf("pthreads: once ran %d time(s); tsd own values %s; destructors sum %d; "
	       "pthread_exit values %d\n", once_runs, tsd_bad ? "NO" : "yes",
	       destructor_runs, exit33);
	ok &= once_runs == 1 && !tsd_bad && destructor_runs == MANY * (MANY + 1) / 2 &&
	      exit33 == 1;
	pthread_key_delete(key);

	pthread_mutexattr_t a;
	pthread_mutex_t rec, chk;
	pthread_mutexattr_init(&a);
	pthread_mutexattr_settype(&a, PTHREAD_MUTEX_RECURSIVE);
	pthread_mutex_init(&rec, &a);
	pthread_mutexattr_settype(&a, PTHREAD_MUTEX_ERRORCHECK);
	pthread_mutex_init(&chk, &a);
	int r1 = pthread_mutex_lock(&rec), r2 = pthread_mutex_lock(&rec);
	int r3 = pthread_mutex_unlock(&rec), r4 = pthread_mutex_unlock(&rec);
	int e1 = pthread_mutex_lock(&chk), e2 = pthread_mutex_lock(&chk);
	int e3 = pthread_mutex_unlock(&chk), e4 = pthread_mutex_unlock(&chk);
	pthread_mutex_lock(&lock);
	int t1 = pthread_mutex_trylock(&lock);
	pthread_mutex_unlock(&lock);
	printf("pthreads: recursive %d %d %d %d; errorcheck %d %s %d %s; trylock held %s\n",
	       r1, r2, r3, r4, e1, e2 == EDEADLK ? "EDEADLK" : "?", e3,
	       e4 == EPERM ? "EPERM" : "?", t1 == EBUSY ? "EBUSY" : "?");
	ok &= !r1 && !r2 && !r3 && !r4 && !e1 && e2 == EDEADLK && !e3 && e4 == EPERM &&
	      t1 == EBUSY;

	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_nsec += 50 * 1000000;
	if (ts.tv_nsec >= 1000000000) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000;
	}
	pthread_mutex_lock(&lock);
	int tw = pthread_cond_timedwait(&not_empty, &lock, &ts);
	pthread_mutex_unlock(&lock);
	printf("pthreads: timed wait with nobody to signal: %s\n",
	       tw == ETIMEDOUT ? "ETIMEDOUT" : strerror(tw));
	ok &= tw == ETIMEDOUT;

	pthread_attr_t da;
	pthread_attr_init(&da);
	pthread_attr_setdetachstate(&da, PTHREAD_CREATE_DETACHED);
	for (int i = 0; i < 20; i++)
		pthread_create(&t[0], &da, detached, NULL);
	for (int i = 0; i < 2000 && __atomic_load_n(&detached_done, __ATOMIC_ACQUIRE) < 20; i++)
		usleep(1000);
	printf("pthreads: 20 detached threads ran: %s\n",
	       detached_done == 20 ? "yes" : "NO");
	ok &= detached_done == 20;
	return ok;
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
	ok &= more();
	printf("pthreads: %s\n", ok ? "ok" : "WRONG");
	return ok ? 0 : 1;
}
