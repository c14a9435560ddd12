/*
 * stress.h - what the files of the stress app share: units and limits,
 * how a test ends (say, ok, fail), time (the clock, rdtime, spinning in
 * user mode), random numbers, the process and frame checks, worker
 * processes, and the entry point of each test. The helpers are in
 * main.c, the tests in ps.c, kill.c, stall.c and sleep.c.
 */
#ifndef KITE_STRESS_H
#define KITE_STRESS_H

#include "kite.h"

#define MS 1000000ULL /* ns */
#define MIB (1UL << 20)
#define PAGE 4096UL
#define MAX_PROCS 256

/* ---- how a test ends (main.c) ------------------------------------------ */

/* "stress NAME: text", a line of progress or counts. */
__attribute__((format(printf, 1, 2))) void say(const char *fmt, ...);

/* "stress NAME: ok (text)" and exit 0, or "stress NAME: FAIL: text" and
 * exit 1: through ok() and fail(). */
__attribute__((noreturn, format(printf, 2, 3)))
void finish(int code, const char *fmt, ...);
#define ok(...) finish(0, __VA_ARGS__)
#define fail(...) finish(1, __VA_ARGS__)

/* ---- time (main.c) ----------------------------------------------------- */

static inline uint64_t now_ns(void) { return monotonic_ns(); }

static inline uint64_t rdtime(void)
{
	uint64_t t;

	__asm__ volatile("rdtime %0" : "=r"(t));
	return t;
}

extern uint64_t ticks_per_ms; /* of rdtime, from calibrate() */

void sleep_ns(uint64_t ns);
/* Measure ticks_per_ms (sleeps 20 ms); fails if rdtime stands still. */
void calibrate(void);

/*
 * Burn time in user mode: until rdtime reaches when, or for us
 * microseconds (after calibrate()). User-mode spinning reads the time
 * counter rather than the clock: a system call would give the kernel a
 * chance to see a kill.
 */
void spin_until(uint64_t when);
void spin_us(uint64_t us);

/* ---- random numbers (main.c) ------------------------------------------- */

/* xorshift64: the next number, and a new start (0 is taken as 0x5eed) */
uint64_t rnd(void);
void seed(uint64_t s);

/* ---- processes and frames (main.c) ------------------------------------- */

/* kite_procs' answer (of whoever asked last) */
extern struct kite_procinfo procs[MAX_PROCS];

/* argv of the "true" app, which the tests execve and spawn */
extern char *const true_argv[];

uint64_t free_frames(void);
/* Remember the user processes there are now, before the test. */
void note_known(void);
/* Fail unless every child is reaped, none of our processes is left and
 * the free frames are back to before (within 2 s). */
void check_clean(uint64_t before);
/* Wait for pid at most ms: the ns it took, or -1. */
int64_t reap_within(pid_t pid, uint64_t ms, int *st);
/* "exit N" or "killed by signal N" (a static buffer). */
const char *status_text(int st);

/* ---- workers (main.c) -------------------------------------------------- */

/* Fork a worker that runs fn(arg) and exits with what it returns. */
pid_t start_worker(int (*fn)(uint64_t), uint64_t arg);
/* Reap the n workers in pids (named by names) by deadline, their
 * statuses in sts; fail if any still runs. Says "N s" every 5 s, which
 * shows when a hung kernel stopped. */
void reap_workers(pid_t *pids, const char *const *names, int *sts, int n,
		  uint64_t deadline);

/* ---- the tests: each ends the process with ok() or fail() -------------- */

/* ps.c: the process table while processes come and go */
__attribute__((noreturn)) void stress_ps(int argc, char **argv);
/* kill.c: every kill lands, whatever the child is doing */
__attribute__((noreturn)) void stress_kill(int argc, char **argv);
/* stall.c: timed wakeups stay on time while memory is busy */
__attribute__((noreturn)) void stress_stall(int argc, char **argv);
/* sleep.c: nanosleep's argument checks */
__attribute__((noreturn)) void stress_sleep(void);

#endif
