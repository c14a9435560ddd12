/*
 * time.c - lx_time: clocks, sleeps and CPU time.
 *
 * clock_gettime of REALTIME, MONOTONIC, BOOTTIME, the COARSE and RAW
 * variants, TAI, PROCESS_CPUTIME_ID and THREAD_CPUTIME_ID (and the CPU
 * clocks glibc makes for this process and thread); clock_getres of each;
 * bad clock ids; nanosleep and clock_nanosleep (relative and
 * TIMER_ABSTIME, on MONOTONIC, REALTIME and BOOTTIME; on a CPU clock and
 * a bad one); invalid timespecs; gettimeofday and time against
 * REALTIME; times() and getrusage() after some busy work. Only
 * properties are printed: monotonic clocks never go back, sleeps last at
 * least as long as asked, CPU time grows with work and not with sleep.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/times.h>
#include <time.h>
#include <unistd.h>

#define MS 1000000LL


/* an address no program has mapped (volatile: gcc cannot see it) */
static void *volatile bad_ptr = (void *)16;
#define BAD bad_ptr
static const char *yes(int c)
{
	return c ? "yes" : "NO";
}

static const char *ename(int e)
{
	switch (e) {
	case 0: return "0";
	case EINVAL: return "EINVAL";
	case EFAULT: return "EFAULT";
	case ENOTSUP: return "ENOTSUP";
	default: return strerror(e);
	}
}

static int64_t ns(clockid_t c)
{
	struct timespec ts;

	if (clock_gettime(c, &ts))
		return -1;
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static volatile uint64_t sink;

static void busy(int64_t cpu_ns)
{
	int64_t end = ns(CLOCK_THREAD_CPUTIME_ID) + cpu_ns;

	while (ns(CLOCK_THREAD_CPUTIME_ID) < end)
		for (int i = 0; i < 10000; i++)
			sink += (uint64_t)i * i;
}

static void clocks(void)
{
	static const struct { clockid_t id; const char *name; } cs[] = {
		{ CLOCK_REALTIME, "REALTIME" }, { CLOCK_MONOTONIC, "MONOTONIC" },
		{ CLOCK_PROCESS_CPUTIME_ID, "PROCESS_CPUTIME_ID" },
		{ CLOCK_THREAD_CPUTIME_ID, "THREAD_CPUTIME_ID" },
		{ CLOCK_MONOTONIC_RAW, "MONOTONIC_RAW" },
		{ CLOCK_REALTIME_COARSE, "REALTIME_COARSE" },
		{ CLOCK_MONOTONIC_COARSE, "MONOTONIC_COARSE" },
		{ CLOCK_BOOTTIME, "BOOTTIME" }, { CLOCK_TAI, "TAI" },
	};

	for (unsigned i = 0; i < sizeof(cs) / sizeof(cs[0]); i++) {
		struct timespec r;
		int64_t a = ns(cs[i].id), b, least = INT64_MAX;
		int ok = a >= 0, back = 0;

		for (int k = 0; k < 1000; k++) {
			b = ns(cs[i].id);
			back |= b < a;
			a = b;
		}
		int rr = clock_getres(cs[i].id, &r);
		least = r.tv_sec * 1000000000LL + r.tv_nsec;
		printf("%-18s gettime %s, never back %s, res ok %s (0 < res <= 10ms)\n",
		       cs[i].name, yes(ok), yes(!back),
		       yes(rr == 0 && least > 0 && least <= 10 * MS));
	}
	printf("REALTIME after 2020: %s\n", yes(ns(CLOCK_REALTIME) > 1577836800LL * 1000000000LL));
	int64_t m = ns(CLOCK_MONOTONIC), bt = ns(CLOCK_BOOTTIME);
	printf("BOOTTIME >= MONOTONIC: %s\n", yes(bt >= m));
	struct timeval tv;
	gettimeofday(&tv, NULL);
	int64_t rt = ns(CLOCK_REALTIME);
	printf("gettimeofday within 1 s of REALTIME: %s; time() too: %s\n",
	       yes(rt / 1000 - (tv.tv_sec * 1000000LL + tv.tv_usec) < 1000000),
	       yes(time(NULL) - rt / 1000000000 <= 1));

	struct timespec ts;
	errno = 0;
	printf("clock_gettime(bad ids): %d %s", clock_gettime(10, &ts), ename(errno));
	errno = 0;
	printf(", %d %s", clock_gettime(100, &ts), ename(errno));
	errno = 0;
	printf(", %d %s\n", clock_gettime((clockid_t)-5 /* a CPU clock of type 3 */, &ts), ename(errno));
	errno = 0;
	printf("clock_getres(bad id): %d %s; clock_getres(MONOTONIC, NULL): %d\n",
	       clock_getres(12, &ts), ename(errno), clock_getres(CLOCK_MONOTONIC, NULL));
	errno = 0;
	printf("clock_gettime(MONOTONIC, bad pointer): %d %s\n",
	       clock_gettime(CLOCK_MONOTONIC, BAD), ename(errno));

	clockid_t pc, tc;
	printf("clock_getcpuclockid(0): %d, pthread_getcpuclockid: %d\n",
	       clock_getcpuclockid(0, &pc), pthread_getcpuclockid(pthread_self(), &tc));
	printf("their clocks read: %s %s\n", yes(ns(pc) >= 0), yes(ns(tc) >= 0));
}

static void sleeps(void)
{
	struct timespec req = { 0, 30 * MS }, rem = { 99, 99 };
	int64_t t0 = ns(CLOCK_MONOTONIC);
	int r = nanosleep(&req, &rem);
	int64_t t1 = ns(CLOCK_MONOTONIC);

	printf("nanosleep(30ms): %d, lasted >= 30ms %s\n", r, yes(t1 - t0 >= 30 * MS));
	static const clockid_t cl[] = { CLOCK_MONOTONIC, CLOCK_REALTIME, CLOCK_BOOTTIME };
	static const char *const nm[] = { "MONOTONIC", "REALTIME", "BOOTTIME" };
	for (int i = 0; i < 3; i++) {
		t0 = ns(cl[i]);
		r = clock_nanosleep(cl[i], 0, &req, NULL);
		t1 = ns(cl[i]);
		printf("clock_nanosleep(%s, 30ms): %s, >= 30ms %s", nm[i], ename(r),
		       yes(t1 - t0 >= 30 * MS));
		struct timespec abs;
		clock_gettime(cl[i], &abs);
		abs.tv_nsec += 20 * MS;
		if (abs.tv_nsec >= 1000000000) {
			abs.tv_sec++;
			abs.tv_nsec -= 1000000000;
		}
		r = clock_nanosleep(cl[i], TIMER_ABSTIME, &abs, NULL);
		t1 = ns(cl[i]);
		printf("; ABSTIME +20ms: %s, woke after it %s\n", ename(r),
		       yes(t1 >= abs.tv_sec * 1000000000LL + abs.tv_nsec));
	}
	struct timespec past = { 1, 0 };
	t0 = ns(CLOCK_MONOTONIC);
	r = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &past, NULL);
	printf("ABSTIME in the past: %s, at once %s\n", ename(r),
	       yes(ns(CLOCK_MONOTONIC) - t0 < 500 * MS));
	struct timespec zero = { 0, 0 };
	printf("nanosleep(0): %d\n", nanosleep(&zero, NULL));
	struct timespec bad = { 0, 1000000000 }, neg = { -1, 0 };
	errno = 0;
	printf("nanosleep(tv_nsec 1e9): %d %s", nanosleep(&bad, NULL), ename(errno));
	errno = 0;
	printf("; nanosleep(-1 s): %d %s", nanosleep(&neg, NULL), ename(errno));
	errno = 0;
	printf("; nanosleep(NULL): %d %s\n", nanosleep(NULL, NULL), ename(errno));
	printf("clock_nanosleep: bad nsec %s, THREAD_CPUTIME %s, bad clock %s, "
	       "MONOTONIC_RAW %s\n",
	       ename(clock_nanosleep(CLOCK_MONOTONIC, 0, &bad, NULL)),
	       ename(clock_nanosleep(CLOCK_THREAD_CPUTIME_ID, 0, &req, NULL)),
	       ename(clock_nanosleep(99, 0, &req, NULL)),
	       ename(clock_nanosleep(CLOCK_MONOTONIC_RAW, 0, &req, NULL)));
}

static void cputime(void)
{
	int64_t p0 = ns(CLOCK_PROCESS_CPUTIME_ID), t0 = ns(CLOCK_THREAD_CPUTIME_ID);
	struct tms tm0, tm1;
	clock_t c0 = times(&tm0);

	busy(300 * MS);
	int64_t p1 = ns(CLOCK_PROCESS_CPUTIME_ID), t1 = ns(CLOCK_THREAD_CPUTIME_ID);
	clock_t c1 = times(&tm1);
	printf("300ms of work: process CPU time grew >= 250ms %s, thread's %s\n",
	       yes(p1 - p0 >= 250 * MS), yes(t1 - t0 >= 250 * MS));
	long hz = sysconf(_SC_CLK_TCK);
	printf("times(): elapsed grew %s, utime+stime grew >= 0.2 s %s\n",
	       yes(c1 > c0),
	       yes((tm1.tms_utime + tm1.tms_stime - tm0.tms_utime - tm0.tms_stime) >=
		   hz / 5));
	struct timespec req = { 0, 100 * MS };
	p0 = ns(CLOCK_PROCESS_CPUTIME_ID);
	nanosleep(&req, NULL);
	p1 = ns(CLOCK_PROCESS_CPUTIME_ID);
	printf("100ms asleep: CPU time grew < 50ms %s\n", yes(p1 - p0 < 50 * MS));

	struct rusage ru;
	int r = getrusage(RUSAGE_SELF, &ru);
	printf("getrusage(SELF): %d, utime+stime >= 250ms %s, maxrss > 0 %s, "
	       "minflt > 0 %s\n", r,
	       yes((ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000LL +
		   ru.ru_utime.tv_usec + ru.ru_stime.tv_usec >= 250000),
	       yes(ru.ru_maxrss > 0), yes(ru.ru_minflt > 0));
	r = getrusage(RUSAGE_THREAD, &ru);
	printf("getrusage(THREAD): %d, utime+stime >= 250ms %s\n", r,
	       yes((ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000LL +
		   ru.ru_utime.tv_usec + ru.ru_stime.tv_usec >= 250000));
	r = getrusage(RUSAGE_CHILDREN, &ru);
	printf("getrusage(CHILDREN) before any child: %d, zero %s\n", r,
	       yes(ru.ru_utime.tv_sec + ru.ru_utime.tv_usec + ru.ru_stime.tv_sec +
		   ru.ru_stime.tv_usec == 0));
	errno = 0;
	printf("getrusage(5): %d %s; bad pointer: %d", getrusage(5, &ru), ename(errno),
	       getrusage(RUSAGE_SELF, BAD));
	printf(" %s\n", ename(errno));
}

int main(void)
{
	clocks();
	sleeps();
	cputime();
	return 0;
}
