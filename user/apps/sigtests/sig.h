/*
 * sig.h - what the signal tests share: the driver (../usertests.h),
 * handlers that record what they saw, and small helpers (installing a
 * handler, a timer that fires once, raw system calls for error paths).
 * Included once, by main.c, before the tests (basic.h, faults.h,
 * waits.h).
 */
#ifndef KITE_SIGTESTS_SIG_H
#define KITE_SIGTESTS_SIG_H

#include "../usertests.h"

#define PROG "sigtests"
#define BIT(s) (1UL << ((s) - 1))
#define MAX_SEEN 64

/* What handlers saw, in order. */
static volatile int seen[MAX_SEEN], nseen;
static volatile siginfo_t last_info;
static volatile uint64_t last_mask; /* the mask while the handler ran */
static volatile int last_tid;
static volatile uintptr_t last_sp;

static uint64_t mask_now(void)
{
	sigset_t m = 0;

	sigprocmask(SIG_BLOCK, NULL, &m);
	return m;
}

static void record(int s)
{
	volatile int here;

	if (nseen < MAX_SEEN)
		seen[nseen] = s;
	nseen++;
	last_mask = mask_now();
	last_tid = gettid();
	last_sp = (uintptr_t)&here;
}

static void on_sig(int s)
{
	record(s);
}

static void on_info(int s, siginfo_t *si, void *uc)
{
	(void)uc;
	record(s);
	memcpy((void *)&last_info, si, sizeof(*si));
}

/* Install fn (a plain handler, or SA_SIGINFO's if flags has it) for s. */
static void handle(int s, void *fn, int flags, uint64_t mask)
{
	struct sigaction sa = { .sa_handler = (sighandler_t)fn };

	sa.sa_flags = flags;
	sa.sa_mask = mask;
	CHECK(sigaction(s, &sa, NULL) == 0, "sigaction(%d): %s", s,
	      strerror(errno));
}

static void set_mask(uint64_t m)
{
	CHECK(sigprocmask(SIG_SETMASK, &m, NULL) == 0, "sigprocmask: %s",
	      strerror(errno));
}

/* SIGALRM once, ms from now. */
static void alarm_ms(long ms)
{
	struct itimerval it = { { 0, 0 }, { ms / 1000, (ms % 1000) * 1000 } };

	CHECK(setitimer(ITIMER_REAL, &it, NULL) == 0, "setitimer: %s",
	      strerror(errno));
}

/* Raw calls, for sizes and pointers the library would not pass. */
static long raw4(long n, long a, long b, long c, long d)
{
	long r = syscall4(n, a, b, c, d);

	if (r < 0 && r > -4096) {
		errno = (int)-r;
		return -1;
	}
	return r;
}

/* Wait (100 s at most) until process pid has a thread in state (3:
 * sleeping), as the process table shows. */
static __attribute__((unused)) void wait_state(pid_t pid, int state)
{
	static struct kite_procinfo t[256];

	for (int i = 0; i < 10000; i++) {
		long n = kite_procs(t, 256);

		for (long j = 0; j < n && j < 256; j++)
			if (t[j].pid == pid && t[j].tid == pid && t[j].state == state)
				return;
		sleep_ms(10);
	}
	fail("pid %d never reached state %d", pid, state);
}

#endif
