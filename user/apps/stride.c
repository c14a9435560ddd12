/*
 * stride.c - rCore's stride scheduling demo, judged from the CPU time
 * the kernel charged.
 *
 * Six children with priorities 5..10 (set_priority) start together on
 * one hart and spin for the same wall time (2 s, or argv[1] ms). Under
 * stride scheduling a thread's share of its hart is proportional to its
 * priority, so each child's charged ticks divided by its priority should
 * be the same for all. The children write their results into a page they
 * share with the parent (MAP_SHARED), and the parent prints one table:
 *
 *	prio   the child's priority (its stride is BIG_STRIDE / prio)
 *	ticks  timer ticks the kernel charged it (times(): tms_utime)
 *	share  its part of all the children's ticks, in percent
 *	want   prio / sum of prios: the share stride promises
 *	t/p    ticks per unit of priority: equal when the shares hold
 *	count  loop iterations it made (follows the host's speed: QEMU
 *	       without -icount runs a hart faster or slower as the host is
 *	       busy, so counts are noisier than ticks)
 *
 * and a verdict from the ticks alone: "fair" when the largest t/p is
 * within 15% of the smallest, "unfair" otherwise. No verdict is given
 * ("too short to judge") when the smallest child got fewer than
 * MIN_TICKS ticks (one tick more or less would then move its t/p by
 * more than the margin), nor ("the host held the hart back") when more
 * than a twentieth of the run's ticks came late, in lumps: a timer
 * interrupt that comes late charges all the time that passed to the
 * child it finds running, and under QEMU that is time the host did not
 * run the hart at all (kite_cpustat's late_ticks; -icount never has any).
 * Exits 0 if fair, 1 if unfair, 2 without a verdict or on an error.
 *
 * All six are pinned to hart 0 (sched_setaffinity, inherited by fork),
 * since the shares are per hart: on several harts each child would get a
 * hart of its own. If the active scheduling class is not stride, the
 * parent switches to it for the run and back (kite_sched).
 */
#include "kite.h"

#define NCHILD 6
#define PRIO_FIRST 5
#define CHUNK 1024               /* loop iterations between clock reads */
#define START_DELAY_NS 200000000 /* time to fork everyone before start */
#define MIN_TICKS 10             /* the least ticks a verdict needs */
#define FAIR_PERMILLE 1150       /* largest t/p over smallest, x1000 */
#define HARTS_MAX 8              /* kite_cpustat entries we read */

/* What a child reports through the shared page. */
struct result {
	int prio;
	int done;        /* 1: filled in; -1: the child failed */
	uint64_t ticks;  /* tms_utime at the end of its spin */
	uint64_t count;  /* loop iterations */
};

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

static __attribute__((noreturn)) void child(struct result *r, int prio,
					    uint64_t start, uint64_t end)
{
	struct tms t;

	r->prio = prio;
	if (set_priority(prio) != prio) {
		perror("stride: set_priority");
		r->done = -1;
		exit(2);
	}
	sleep_until(start);
	r->count = spin_until(end);
	times(&t);
	r->ticks = (uint64_t)t.tms_utime;
	r->done = 1;
	exit(0);
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

/* Keep us and the children (who inherit it) on hart 0, which every
 * machine has; returns the hart, or -1. */
static int pin_hart0(void)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(0, &set);
	if (sched_setaffinity(0, sizeof(set), &set) < 0) {
		perror("stride: sched_setaffinity");
		return -1;
	}
	return 0;
}

/* Ticks that came late on hart so far, or 0 if unknown. */
static uint64_t late_ticks(int hart)
{
	struct kite_cpustat st[HARTS_MAX];
	long n = kite_cpustat(st, HARTS_MAX, 0);

	return n > hart ? st[hart].late_ticks : 0;
}

/* Print the table and the verdict; returns the exit status. */
static int judge(const struct result *res, uint64_t run_ns, int hart,
		 uint64_t late)
{
	uint64_t total = 0, lo = UINT64_MAX, hi = 0, min_ticks = UINT64_MAX;
	int prio_sum = 0;

	for (int i = 0; i < NCHILD; i++) {
		total += res[i].ticks;
		prio_sum += res[i].prio;
		if (res[i].ticks < min_ticks)
			min_ticks = res[i].ticks;
	}
	printf("stride: 6 children on hart %d for %llu ms\n", hart,
	       (unsigned long long)(run_ns / 1000000));
	printf("prio  ticks  share%%  want%%   t/p   count\n");
	for (int i = 0; i < NCHILD; i++) {
		const struct result *r = &res[i];
		uint64_t tp = r->ticks * 1000 / (uint64_t)r->prio; /* x1000 */
		uint64_t share = total ? r->ticks * 1000 / total : 0;
		uint64_t want = (uint64_t)r->prio * 1000 / (uint64_t)prio_sum;

		printf("%4d %6llu  %3llu.%llu  %3llu.%llu %3llu.%02llu %7llu\n",
		       r->prio, (unsigned long long)r->ticks,
		       (unsigned long long)share / 10,
		       (unsigned long long)share % 10,
		       (unsigned long long)want / 10,
		       (unsigned long long)want % 10,
		       (unsigned long long)tp / 1000,
		       (unsigned long long)tp % 1000 / 10,
		       (unsigned long long)r->count);
		if (tp < lo)
			lo = tp;
		if (tp > hi)
			hi = tp;
	}
	if (late * 20 > total) {
		printf("stride: no verdict: %llu of the %llu ticks came late, in "
		       "lumps (the host did not run hart %d for a while, and the "
		       "time was charged to whichever child ran); run it again "
		       "on a quieter host, or under -icount\n",
		       (unsigned long long)late, (unsigned long long)total, hart);
		return 2;
	}
	if (min_ticks < MIN_TICKS) {
		printf("stride: too short to judge (the least-served child got "
		       "%llu ticks, want >= %d): run longer, e.g. stride 4000\n",
		       (unsigned long long)min_ticks, MIN_TICKS);
		return 2;
	}
	printf("stride ratio=%llu.%02llu (largest t/p over smallest)\n",
	       (unsigned long long)(hi * 1000 / lo) / 1000,
	       (unsigned long long)(hi * 1000 / lo) % 1000 / 10);
	if (hi * 1000 >= lo * FAIR_PERMILLE) {
		printf("stride: unfair: shares differ by more than 15%% from "
		       "prio / sum of prios\n");
		return 1;
	}
	printf("stride: fair: each child's share is within 15%% of "
	       "prio / sum of prios\n");
	return 0;
}

int main(int argc, char **argv)
{
	uint64_t run_ns = 2 * NSEC_PER_SEC, start;
	struct result *res;
	char old_class[32];
	const char *restore;
	pid_t pids[NCHILD];
	int i, status, hart, failed = 0, ret;
	uint64_t late0;

	if (argc > 1) {
		char *end;
		long ms = strtol(argv[1], &end, 10);

		if (*end || ms < 10 || ms > 60000) {
			fprintf(stderr, "usage: stride [ms 10..60000]\n");
			return 2;
		}
		run_ns = (uint64_t)ms * 1000000;
	}
	res = mmap(NULL, sizeof(struct result) * NCHILD,
		   PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (res == MAP_FAILED) {
		perror("stride: mmap");
		return 2;
	}
	hart = pin_hart0();
	if (hart < 0)
		return 2;
	restore = use_stride(old_class, sizeof(old_class));

	late0 = late_ticks(hart);
	start = monotonic_ns() + START_DELAY_NS;
	for (i = 0; i < NCHILD; i++) {
		pids[i] = fork();
		if (pids[i] < 0) {
			perror("stride: fork");
			failed = 1;
			break;
		}
		if (pids[i] == 0)
			child(&res[i], PRIO_FIRST + i, start, start + run_ns);
	}
	for (int j = 0; j < i; j++)
		if (waitpid(pids[j], &status, 0) != pids[j] ||
		    !WIFEXITED(status) || WEXITSTATUS(status) != 0 ||
		    res[j].done != 1) {
			fprintf(stderr, "stride: child %d failed\n", pids[j]);
			failed = 1;
		}
	if (restore && kite_sched(restore, old_class, sizeof(old_class)) < 0)
		perror("stride: cannot restore the scheduling class");
	ret = failed ? 2 : judge(res, run_ns, hart, late_ticks(hart) - late0);
	munmap(res, sizeof(struct result) * NCHILD);
	return ret;
}
