/*
 * tracedemo.c - a small program to look at with the event trace
 * (docs/TRACE.md): `make trace INIT=tracedemo CPUS=2`.
 *
 * It marks its start, forks a child that execs `true`, and a child
 * that spins (it is preempted at its ticks), yields, sleeps 20 ms (a
 * timer wakes it), touches fresh heap pages (zero-fill faults) and
 * exits with status 3; the parent meanwhile spins as well, then waits
 * for both children (it sleeps, and each child's exit wakes it) and
 * marks its end. Each spinner prints the clock ticks the kernel
 * charged it (times()), which a traced run compares with its slices:
 *
 *   tracedemo: pid 4 ran 23 ticks
 *
 * With an argument N the spinners spin N ms each (default 150).
 */
#include "kite.h"
#include "trace.h"

#define PAGE 4096

static uint64_t timebase = 10000000; /* time-counter ticks per second */

static inline uint64_t rdtime(void)
{
	uint64_t t;

	__asm__ volatile("rdtime %0" : "=r"(t));
	return t;
}

/* Spin without system calls (the time counter is readable in user
 * mode), so the trace shows preemption, not a storm of clock calls. */
static void spin_ms(long ms)
{
	uint64_t end = rdtime() + (uint64_t)ms * timebase / 1000;

	while (rdtime() < end)
		;
}

static void report_ticks(void)
{
	struct tms t;

	times(&t);
	printf("tracedemo: pid %d ran %ld ticks\n", getpid(),
	       (long)(t.tms_utime + t.tms_stime));
}

static int worker(long ms)
{
	struct timespec nap = { 0, 20 * 1000000 };
	char *heap;

	spin_ms(ms);
	for (int i = 0; i < 3; i++)
		sched_yield();
	nanosleep(&nap, NULL);
	heap = sbrk(4 * PAGE);
	if (heap != (void *)-1)
		for (int i = 0; i < 4; i++)
			heap[i * PAGE] = 1;
	trace_mark("worker", getpid());
	report_ticks();
	return 3;
}

int main(int argc, char **argv)
{
	long ms = argc > 1 ? atol(argv[1]) : 150;
	char *true_argv[] = { "true", NULL };
	struct kite_trace_status st;
	int a, b, status, codes = 0;

	if (kite_trace(KITE_TRACE_OP_STATUS, &st, 0) == 0 && st.timebase)
		timebase = st.timebase;
	trace_mark("start", ms);
	a = fork();
	if (a == 0) {
		execv("true", true_argv);
		_exit(127);
	}
	b = fork();
	if (b == 0)
		return worker(ms);
	spin_ms(ms);
	for (int i = 0; i < 2; i++) {
		int pid = wait(&status);

		if (pid < 0)
			break;
		printf("tracedemo: child %d exited with status %d\n", pid,
		       WEXITSTATUS(status));
		codes += WEXITSTATUS(status);
	}
	report_ticks();
	trace_mark("end", codes);
	return a > 0 && b > 0 && codes == 3 ? 0 : 1;
}
