/*
 * rtests.c - tests of the kernel's bounds and controls, as a user program
 * sees them: resource limits, memory requests that cannot succeed,
 * page tables given back, sleeps that cannot overflow, who may steer the
 * console and the scheduler.
 *
 *	rtests [--harts=N] [TEST...]
 *
 * Each test runs in a forked child, as in usertests (same driver, same
 * output: "ok NAME", "FAIL NAME: why", "rtests: P passed, F failed", and
 * a final check that every frame came back). Errors are checked as -1
 * and errno, expecting Linux's answer.
 */
#include "usertests.h"

#define NANOSLEEP_HUGE 1844674407L /* s: times 1e10 overflows 64 bits */

/* ---- resource limits ---------------------------------------------------- */

static void t_rlimit_defaults(void)
{
	struct rlimit r;

	EQ(getrlimit(RLIMIT_STACK, &r), 0);
	CHECK(r.rlim_cur == 8UL << 20 && r.rlim_max == RLIM_INFINITY,
	      "RLIMIT_STACK %lu/%lu", (unsigned long)r.rlim_cur,
	      (unsigned long)r.rlim_max);
	EQ(getrlimit(RLIMIT_NOFILE, &r), 0);
	CHECK(r.rlim_cur == 1024 && r.rlim_max == 4096, "RLIMIT_NOFILE %lu/%lu",
	      (unsigned long)r.rlim_cur, (unsigned long)r.rlim_max);
	EQ(getrlimit(RLIMIT_AS, &r), 0);
	CHECK(r.rlim_cur == RLIM_INFINITY, "RLIMIT_AS %lu", (unsigned long)r.rlim_cur);
	EQ(getrlimit(RLIMIT_NPROC, &r), 0);
	CHECK(r.rlim_cur >= 64 && r.rlim_cur == r.rlim_max, "RLIMIT_NPROC %lu/%lu",
	      (unsigned long)r.rlim_cur, (unsigned long)r.rlim_max);
	EQ(getrlimit(RLIMIT_CORE, &r), 0);
	CHECK(r.rlim_cur == 0, "RLIMIT_CORE %lu", (unsigned long)r.rlim_cur);
	ERR(getrlimit(RLIM_NLIMITS, &r), EINVAL);
	ERR(getrlimit(-1, &r), EINVAL);
	ERR(getrlimit(RLIMIT_AS, NULL), EFAULT);
	ERR(getrlimit(RLIMIT_AS, KADDR), EFAULT);
}

static void t_rlimit_set(void)
{
	struct rlimit r = { 100, 200 }, old, got, bad = { 300, 200 };
	pid_t kid;
	int st;

	EQ(setrlimit(RLIMIT_NOFILE, &r), 0);
	EQ(getrlimit(RLIMIT_NOFILE, &got), 0);
	CHECK(got.rlim_cur == 100 && got.rlim_max == 200, "got %lu/%lu",
	      (unsigned long)got.rlim_cur, (unsigned long)got.rlim_max);
	ERR(setrlimit(RLIMIT_NOFILE, &bad), EINVAL); /* cur > max */
	r.rlim_max = 201;
	ERR(setrlimit(RLIMIT_NOFILE, &r), EPERM); /* raising the hard limit */
	r = (struct rlimit){ 200, 200 };
	EQ(setrlimit(RLIMIT_NOFILE, &r), 0); /* the soft one up to it */
	ERR(setrlimit(RLIMIT_NOFILE, NULL), EFAULT);
	ERR(setrlimit(RLIMIT_NOFILE, KADDR), EFAULT);
	ERR(setrlimit(99, &r), EINVAL);
	/* prlimit: old and new at once, on ourselves and on a child */
	r = (struct rlimit){ 150, 200 };
	EQ(prlimit(0, RLIMIT_NOFILE, &r, &old), 0);
	CHECK(old.rlim_cur == 200, "old soft %lu", (unsigned long)old.rlim_cur);
	EQ(prlimit(getpid(), RLIMIT_NOFILE, NULL, &got), 0);
	CHECK(got.rlim_cur == 150, "soft %lu", (unsigned long)got.rlim_cur);
	ERR(prlimit(30000, RLIMIT_NOFILE, NULL, &got), ESRCH);
	ERR(prlimit(-5, RLIMIT_NOFILE, NULL, &got), ESRCH);
	ERR(prlimit(1, RLIMIT_NOFILE, NULL, &got), EPERM); /* init: a kernel thread */
	ERR(prlimit(0, RLIMIT_NOFILE, NULL, KADDR), EFAULT);
	/* inherited by fork; a parent may change its child's */
	kid = fork();
	if (kid == 0) {
		sleep_ms(100);
		getrlimit(RLIMIT_NOFILE, &got);
		exit(got.rlim_cur == 120 && got.rlim_max == 180 ? 0 : 3);
	}
	CHECK(kid > 0, "fork: %s", strerror(errno));
	EQ(prlimit(kid, RLIMIT_NOFILE, NULL, &got), 0);
	CHECK(got.rlim_cur == 150 && got.rlim_max == 200, "the child's %lu/%lu",
	      (unsigned long)got.rlim_cur, (unsigned long)got.rlim_max);
	r = (struct rlimit){ 120, 180 };
	EQ(prlimit(kid, RLIMIT_NOFILE, &r, NULL), 0);
	EQ(waitpid(kid, &st, 0), kid);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "the child saw other "
	      "limits (status 0x%x)", st);
}

/* RLIMIT_NPROC: no fork or spawn past it (EAGAIN), and again after. */
static void t_rlimit_nproc(void)
{
	struct rlimit one = { 1, RLIM_INFINITY }, was;
	char *argv[] = { "true", NULL };

	EQ(getrlimit(RLIMIT_NPROC, &was), 0);
	one.rlim_max = was.rlim_max;
	EQ(setrlimit(RLIMIT_NPROC, &one), 0);
	ERR(fork(), EAGAIN);
	ERR(spawn("true", argv, NULL), EAGAIN);
	EQ(setrlimit(RLIMIT_NPROC, &was), 0);
	pid_t kid = fork();

	if (kid == 0)
		exit(5);
	reap_code(kid, 5, "fork after raising the limit");
}

/* RLIMIT_AS: brk may not take the address space past it. */
static void t_rlimit_as(void)
{
	struct kite_procinfo me[64];
	uint64_t pages = 0;
	long n = kite_procs(me, ARRAY_SIZE(me));
	char *b0 = sys_brk(NULL);
	struct rlimit r;

	for (long i = 0; i < n && i < (long)ARRAY_SIZE(me); i++)
		if (me[i].pid == getpid())
			pages = me[i].vsz / PAGE; /* what RLIMIT_AS counts */
	CHECK(pages > 0, "no address space in kite_procs for pid %d", getpid());
	r.rlim_cur = r.rlim_max = pages * PAGE + 64 * PAGE;
	EQ(setrlimit(RLIMIT_AS, &r), 0);
	EQ(sys_brk(b0 + 32 * PAGE), b0 + 32 * PAGE);
	EQ(sys_brk(b0 + 128 * PAGE), b0 + 32 * PAGE); /* past the limit */
	ERR(brk(b0 + 128 * PAGE), ENOMEM);
	EQ(sys_brk(b0), b0);
}

/* ---- memory ------------------------------------------------------------- */

/* This process's page-table pages, from the process table. */
static uint64_t my_pt_pages(void)
{
	static struct kite_procinfo procs[256];
	long n = kite_procs(procs, ARRAY_SIZE(procs));

	for (long i = 0; i < n && i < (long)ARRAY_SIZE(procs); i++)
		if (procs[i].pid == getpid())
			return procs[i].pages_pt;
	fail("pid %d not in kite_procs", getpid());
}

/* Page tables that a shrink leaves empty go back at once. */
static void t_pt_freed(void)
{
	char *b0 = sys_brk(NULL);
	uint64_t before = my_pt_pages(), grown, after;
	const unsigned long big = 24UL << 20; /* 12 leaf tables */

	CHECK(before >= 3, "%lu page-table pages", (unsigned long)before);
	EQ(sys_brk(b0 + big), b0 + big);
	for (unsigned long off = 0; off < big; off += PAGE)
		b0[off] = 1; /* pages, and their tables, come on first touch */
	grown = my_pt_pages();
	EQ(sys_brk(b0), b0);
	after = my_pt_pages();
	CHECK(grown >= before + big / (512 * PAGE), "grew %lu -> %lu",
	      (unsigned long)before, (unsigned long)grown);
	CHECK(after == before, "page tables: %lu before, %lu grown, %lu after "
	      "the shrink", (unsigned long)before, (unsigned long)grown,
	      (unsigned long)after);
}

static volatile bool bystander_stop;

/* A brk that cannot succeed (more than all of RAM: Linux's overcommit
 * guess refuses it too) fails at once and takes nothing, so a bystander's
 * forks keep working meanwhile. */
static void t_brk_fail_fast(void)
{
	struct kite_meminfo m0;
	char *b0 = sys_brk(NULL);
	pid_t kid;
	uint64_t t0, worst = 0;
	int st;

	EQ(kite_meminfo(&m0), 0);
	kid = fork();
	if (kid == 0) { /* the bystander */
		for (int i = 0; i < 200; i++) {
			pid_t g = fork();

			if (g < 0)
				exit(3);
			if (g == 0)
				exit(0);
			waitpid(g, NULL, 0);
		}
		exit(0);
	}
	CHECK(kid > 0, "fork: %s", strerror(errno));
	for (int i = 0; i < 40; i++) {
		/* a little more than all memory */
		char *want = b0 + (m0.total + 256) * PAGE;

		t0 = now_ms();
		EQ(sys_brk(want), b0);
		if (now_ms() - t0 > worst)
			worst = now_ms() - t0;
	}
	EQ(waitpid(kid, &st, 0), kid);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "a bystander's fork "
	      "failed while doomed brks ran (status 0x%x)", st);
	CHECK(worst < 100, "a doomed brk took %lu ms", (unsigned long)worst);
	pass_note("worst doomed brk %lu ms", (unsigned long)worst);
}

/* ---- time --------------------------------------------------------------- */

static void sleep_forever(void)
{
	struct timespec ts = { NANOSLEEP_HUGE, 999999999 };

	nanosleep(&ts, NULL);
	exit(3); /* woke up: the conversion overflowed */
}

static void sleep_int64_max(void)
{
	struct timespec ts = { INT64_MAX, 999999999 };

	nanosleep(&ts, NULL);
	exit(3);
}

/* Sleeps of absurd length sleep (until killed), never wrap to a short
 * one; a bad timespec is EINVAL. */
static void t_nanosleep_huge(void)
{
	void (*fns[])(void) = { sleep_forever, sleep_int64_max };
	struct timespec neg = { 0, -5 }, big = { 5, 1000000000 };

	for (unsigned i = 0; i < ARRAY_SIZE(fns); i++) {
		pid_t kid = fork();
		int st;

		if (kid == 0)
			fns[i]();
		CHECK(kid > 0, "fork: %s", strerror(errno));
		sleep_ms(300);
		EQ(waitpid(kid, &st, WNOHANG), 0); /* still asleep */
		EQ(kill(kid, SIGKILL), 0);
		EQ(waitpid(kid, &st, 0), kid);
		CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL,
		      "sleeper %u: status 0x%x", i, st);
	}
	ERR(nanosleep(&neg, NULL), EINVAL);
	ERR(nanosleep(&big, NULL), EINVAL);
}

/* ---- the console and the scheduler ------------------------------------- */

static int fg(void)
{
	int pgid = -1;

	CHECK(ioctl(0, TIOCGPGRP, &pgid) == 0, "TIOCGPGRP: %s", strerror(errno));
	return pgid;
}

/* Only the foreground group (or anyone, when there is none) hands the
 * console on, and only to a live group; the foreground group is cleared
 * when it empties; switching the scheduling class is the console user's. */
static void t_foreground(void)
{
	char *argv[] = { "spin", NULL };
	int mine = main_pid, was = fg(), job, bad = -1;
	int none = 30000, st;
	char cls[16];

	/* the driver leads its group (init or the shell spawned it) */
	CHECK(was == 0 || was == mine, "the console's foreground group is "
	      "%d, not ours (%d) or none", was, mine);
	EQ(kite_sched(NULL, cls, sizeof(cls)), 0);
	ERR(ioctl(0, TIOCSPGRP, &bad), EINVAL);
	ERR(ioctl(0, TIOCSPGRP, &none), ESRCH);
	ERR(ioctl(0, TIOCSPGRP, NULL), EFAULT);
	EQ(ioctl(0, TIOCSPGRP, &mine), 0);
	EQ(fg(), mine);
	/* hand it to a job in a group of its own: we are in the background */
	job = spawn("spin", argv, NULL);
	CHECK(job > 0, "spawn spin: %s", strerror(errno));
	EQ(ioctl(0, TIOCSPGRP, &job), 0);
	EQ(fg(), job);
	ERR(ioctl(0, TIOCSPGRP, &mine), EPERM);
	ERR(kite_sched(cls, NULL, 0), EPERM);
	/* the job ends: its group is empty, nobody is in the foreground */
	EQ(kill(job, SIGKILL), 0);
	EQ(waitpid(job, &st, 0), job);
	EQ(fg(), 0);
	EQ(kite_sched(cls, NULL, 0), 0);
	/* as Linux: a pid that leads no group will do, and when that
	 * process ends nobody is in the foreground again */
	job = fork();
	if (job == 0) {
		int self = getpid();

		exit(ioctl(0, TIOCSPGRP, &self) == 0 && fg() == self ? 0 : 3);
	}
	reap_code(job, 0, "TIOCSPGRP(own pid, not a group)");
	EQ(fg(), 0);
	if (was)
		EQ(ioctl(0, TIOCSPGRP, &mine), 0);
	EQ(fg(), was);
}

static const struct test tests[] = {
	T(rlimit_defaults), T(rlimit_set), T(rlimit_nproc), T(rlimit_as),
	T(pt_freed), T(brk_fail_fast), T(nanosleep_huge), T(foreground),
};

int main(int argc, char **argv)
{
	return tests_main("rtests", tests, ARRAY_SIZE(tests), argc, argv);
}
