/*
 * stride.c - rCore's stride scheduling demo.
 *
 * Six children with priorities 5..10 (set_priority) start together and
 * spin for the same wall time (2 s, or argv[1] ms, on CLOCK_MONOTONIC)
 * counting loop iterations; each prints
 *
 *	prio=N count=C ratio=C/N ticks=T
 *
 * (T: the timer ticks it was charged, from times()). Under stride
 * scheduling the CPU share is proportional to the priority, so count/prio
 * should be the same for all: the parent prints the largest over the
 * smallest as "stride ratio=1.xx" and exits 0 if it is below 1.15, else 1.
 * The shares only hold among threads of one hart, so run it on one (make
 * qemu CPUS=1). If the active scheduling class is not stride, the parent
 * switches to it and back (kite_sched). Under QEMU without -icount the
 * work done per tick follows the host's load, so counts are noisier than
 * ticks; with -icount they are exact.
 *
 * Each child returns the ticks it was charged as its exit code (at most
 * 254 for the 2 s default; 255 = failed) and the parent compares
 * ticks/prio: the CPU share itself, which does not depend on how fast
 * the host runs QEMU.
 */
#include "kite.h"

#define NCHILD 6
#define PRIO_FIRST 5
#define CHUNK 1024               /* loop iterations between clock reads */
#define START_DELAY_NS 200000000 /* time to fork everyone before start */


/* Spin until the monotonic clock reaches end; returns iterations. */
static uint64_t spin_until(uint64_t end)
{
	uint64_t count = 0;
	int i;

	do {
		for (i = 0; i < CHUNK; i++)
			__asm__ volatile("" ::: "memory");
		count += CHUNK;
	} while (monotonic_ns() < end);
	return count;
}

static void sleep_until(uint64_t t)
{
	uint64_t now = monotonic_ns();
	struct timespec ts;

	if (now >= t)
		return;
	ts.tv_sec = (t - now) / NSEC_PER_SEC;
	ts.tv_nsec = (long)((t - now) % NSEC_PER_SEC);
	nanosleep(&ts, NULL);
}

static __attribute__((noreturn)) void child(int i, uint64_t start, uint64_t end)
{
	int prio = PRIO_FIRST + i;
	uint64_t count, code;
	struct tms t;

	if (set_priority(prio) != prio) {
		perror("stride: set_priority");
		exit(255);
	}
	sleep_until(start);
	count = spin_until(end);
	times(&t);
	printf("prio=%d count=%llu ratio=%llu ticks=%ld\n", prio,
	       (unsigned long long)count, (unsigned long long)(count / prio),
	       (long)t.tms_utime);
	code = (uint64_t)t.tms_utime;
	exit(code > 254 ? 254 : (int)code);
}

/* Switch the scheduling class to stride; returns the old one to restore,
 * or NULL when nothing was switched. */
static const char *use_stride(char *old, size_t len)
{
	char scratch[32];

	if (kite_sched(NULL, old, len) < 0 || !strncmp(old, "stride", 6))
		return NULL;
	old[strcspn(old, " \t\n")] = '\0';
	if (kite_sched("stride", scratch, sizeof(scratch)) < 0) {
		perror("stride: cannot switch to the stride class");
		return NULL;
	}
	printf("stride: scheduling class %s -> stride for this run\n", old);
	return old;
}

int main(int argc, char **argv)
{
	uint64_t run_ns = 2 * NSEC_PER_SEC, start, per_prio[NCHILD];
	uint64_t max = 0, min = UINT64_MAX, ratio;
	char old_class[32];
	const char *restore;
	pid_t pids[NCHILD];
	int i, j, status, failed = 0;

	if (argc > 1) {
		long ms = strtol(argv[1], NULL, 10);

		if (ms < 10 || ms > 60000) {
			fprintf(stderr, "usage: stride [ms 10..60000]\n");
			return 2;
		}
		run_ns = (uint64_t)ms * 1000000;
	}

	restore = use_stride(old_class, sizeof(old_class));

	start = monotonic_ns() + START_DELAY_NS;
	for (i = 0; i < NCHILD; i++) {
		pids[i] = fork();
		if (pids[i] < 0) {
			perror("stride: fork");
			return 1;
		}
		if (pids[i] == 0)
			child(i, start, start + run_ns);
	}

	for (j = 0; j < NCHILD; j++) {
		pid_t pid = wait(&status);

		for (i = 0; i < NCHILD && pids[i] != pid; i++)
			;
		if (pid < 0 || i == NCHILD || !WIFEXITED(status) ||
		    WEXITSTATUS(status) == 255) {
			fprintf(stderr, "stride: a child failed\n");
			failed = 1;
			continue;
		}
		per_prio[i] = WEXITSTATUS(status) * 100000 / (PRIO_FIRST + i);
		if (per_prio[i] > max)
			max = per_prio[i];
		if (per_prio[i] < min)
			min = per_prio[i];
	}
	if (restore && kite_sched(restore, old_class, sizeof(old_class)) < 0)
		perror("stride: cannot restore the scheduling class");
	if (failed || min == 0)
		return 1;

	ratio = max * 1000 / min; /* x1000; printed truncated to x100 */
	printf("stride ratio=%llu.%02llu\n", (unsigned long long)ratio / 1000,
	       (unsigned long long)ratio % 1000 / 10);
	if (ratio >= 1150) {
		printf("stride: unfair (want < 1.15); on several harts the shares "
		       "only hold per hart: try CPUS=1\n");
		return 1;
	}
	return 0;
}
