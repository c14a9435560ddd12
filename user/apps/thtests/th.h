/*
 * th.h - what the thread tests share: the test driver (../usertests.h),
 * the process table as seen for threads (a thread's state and hart, a
 * process's threads), waiting until threads sleep, raw clone and futex
 * calls, and the program's helper modes that tests start with execve.
 *
 * Like usertests.h, it holds static functions and is included once, by
 * main.c, before the tests (life.h, futex.h, sync.h).
 */
#ifndef KITE_THTESTS_TH_H
#define KITE_THTESTS_TH_H

#include "../usertests.h"

#define PROG "thtests"
#define TICK_MS 10         /* a timer tick (HZ 100) */
#define HOST_SLACK_MS 50   /* what a busy host may add to a wakeup */

/* How late a timed wait may end: a tick, plus the host's slack unless
 * --late-ms=N says otherwise (tests/run.py runs the timing tests alone
 * under -icount, where guest time is counted in instructions, with
 * --late-ms=10: exactly a tick). */
static long late_ms = TICK_MS + HOST_SLACK_MS;
#define PRIV_WAIT (FUTEX_WAIT | FUTEX_PRIVATE_FLAG)
#define PRIV_WAKE (FUTEX_WAKE | FUTEX_PRIVATE_FLAG)
#define TABLE_MAX 512

/* glibc's pthread_create flags */
#define PTHREAD_FLAGS (CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | \
		       CLONE_THREAD | CLONE_SYSVSEM | CLONE_SETTLS |         \
		       CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID)

static struct kite_procinfo table[TABLE_MAX];

/* A fresh copy of the process table; how many entries. */
static long table_read(void)
{
	long n = kite_procs(table, TABLE_MAX);

	CHECK(n >= 0, "kite_procs: %s", strerror(errno));
	return n < TABLE_MAX ? n : TABLE_MAX;
}

/* Thread tid's entry in the last table_read(), or NULL. */
static struct kite_procinfo *table_tid(long n, pid_t tid)
{
	for (long i = 0; i < n; i++)
		if (table[i].tid == tid && table[i].state != 4)
			return &table[i];
	return NULL;
}

/* How many live threads process pid has. */
static int threads_of(pid_t pid)
{
	long n = table_read();
	int k = 0;

	for (long i = 0; i < n; i++)
		k += table[i].pid == pid && table[i].state != 4;
	return k;
}

/* Thread tid's state (3: sleeping), or -1 if it is not in the table. */
static int tid_state(pid_t tid)
{
	long n = table_read();
	struct kite_procinfo *e = table_tid(n, tid);

	return e ? e->state : -1;
}

/* Wait (up to 5 s) until thread tid sleeps in the kernel. */
static void wait_asleep(pid_t tid, const char *what)
{
	for (int i = 0; i < 1000; i++) {
		if (tid_state(tid) == 3)
			return;
		sleep_ms(5);
	}
	fail("%s (tid %d) never went to sleep (state %d)", what, tid,
	     tid_state(tid));
}

/* Wait (up to 5 s) until process pid has n live threads. */
static void wait_threads(pid_t pid, int n, const char *what)
{
	for (int i = 0; i < 1000; i++) {
		if (threads_of(pid) == n)
			return;
		sleep_ms(5);
	}
	fail("%s: process %d has %d threads, want %d", what, pid,
	     threads_of(pid), n);
}

static long sys_futex(volatile void *uaddr, int op, uint32_t val,
		      const void *timeout, volatile void *uaddr2, uint32_t val3)
{
	return futex((volatile uint32_t *)uaddr, op, val,
		     (const struct timespec *)timeout,
		     (volatile uint32_t *)uaddr2, val3);
}

/* A thread that runs fn(arg) and must be joined (a shorthand). */
static thread_t spawn_thread(void *(*fn)(void *), void *arg)
{
	thread_t t;

	CHECK(thread_create(&t, fn, arg) == 0, "thread_create: %s",
	      strerror(errno));
	return t;
}

/* The harts this process may run on. */
static int online_harts(void)
{
	cpu_set_t s;

	CHECK(sched_getaffinity(0, sizeof(s), &s) == 0, "sched_getaffinity: %s",
	      strerror(errno));
	return CPU_COUNT(&s);
}

/* A thread that sleeps in the kernel until killed (futex on a word no
 * one changes): for tests that end a group around it. */
static volatile uint32_t never_word;

static void *sleep_in_futex(void *arg)
{
	(void)arg;
	for (;;)
		sys_futex(&never_word, PRIV_WAIT, 0, NULL, NULL, 0);
	return NULL;
}

static void *sleep_in_nanosleep(void *arg)
{
	(void)arg;
	for (;;)
		sleep_ms(60000);
	return NULL;
}

/* Spin in user mode until the group ends - or, should a test fail and
 * leave this process behind, for VICTIM_MS at most. */
#define VICTIM_MS 3000

static void *spin_forever(void *arg)
{
	uint64_t end = now_ms() + VICTIM_MS;

	(void)arg;
	while (now_ms() < end)
		;
	exit(3);
}

/* ---- helper modes: thtests --helper WHAT [ARG] -------------------------- */

/*
 *   --helper exec PID   started by execve from a secondary thread of
 *                       process PID: exit 0 if this is still process PID,
 *                       its only thread, with tid PID; else a code that
 *                       says what was wrong (2 pid, 3 tid, 4 threads)
 * Returns -1 if argv asks for no helper.
 */
static int helper_main(int argc, char **argv)
{
	if (argc < 3 || strcmp(argv[1], "--helper"))
		return -1;
	if (!strcmp(argv[2], "exec") && argc == 4) {
		pid_t want = atoi(argv[3]);

		if (getpid() != want)
			return 2;
		if (gettid() != want)
			return 3;
		if (threads_of(want) != 1)
			return 4;
		return 0;
	}
	fprintf(stderr, "%s: unknown helper\n", PROG);
	return 100;
}

#endif
