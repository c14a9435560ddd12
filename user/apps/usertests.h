/*
 * usertests.h - what the user-level test programs (usertests.c,
 * rtests.c) share, included once by each: how a test child ends (ok,
 * FAIL, a note), checks of results and errno, small helpers (sleeping,
 * sleeper children, addresses nothing is mapped at) and the driver that
 * runs each test in a forked child and checks that every frame came back
 * (vmtests, in user/apps/vmtests/, includes it too).
 */
#ifndef KITE_USERTESTS_H
#define KITE_USERTESTS_H

#include "kite.h"

#define KADDR ((void *)0xffffffc080000000UL) /* the kernel's direct map */
#define PAGE 4096UL
#define PG_UP(a) (((uintptr_t)(a) + PAGE - 1) & ~(PAGE - 1))
#define MAX_KIDS 1100 /* more than the kernel's 1024 processes */
#define SKIP_EXTRA "skipped: not embedded; make extra, APPS_EXTRA=build/extra"

static const char *test_name;
static int harts; /* from --harts=N; 0: not told */
static pid_t main_pid;

/* ---- reporting -------------------------------------------------------- */

/* End the test child: code 1 prints "FAIL name: text", 2 "ok name (text)". */
static __attribute__((noreturn, format(printf, 2, 3))) void finish(int code, const char *fmt, ...)
{
	char text[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	printf(code == 1 ? "FAIL %s: %s\n" : "ok %s (%s)\n", test_name, text);
	exit(code);
}
#define fail(...) finish(1, __VA_ARGS__)
#define pass_note(...) finish(2, __VA_ARGS__)
#define CHECK(cond, ...) do { if (!(cond)) fail(__VA_ARGS__); } while (0)

/* A C library call must fail with -1 and errno e. */
#define ERR(call, e) expect_err(#call, (long)(call), (e))
static void expect_err(const char *what, long r, int e)
{
	if (r != -1 || errno != e)
		fail("%s = %ld errno %d, want -1 errno %d (%s)", what, r,
		     r == -1 ? errno : 0, e, strerror(e));
}

/* A call must return exactly want. */
#define EQ(call, want) expect_eq(#call, (long)(call), (long)(want))
static void expect_eq(const char *what, long r, long want)
{
	if (r != want)
		fail("%s = %ld (errno %d), want %ld", what, r,
		     r == -1 ? errno : 0, want);
}

/* ---- helpers ---------------------------------------------------------- */

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };

	nanosleep(&ts, NULL);
}

static uint64_t now_ms(void) { return monotonic_ns() / 1000000; }

/* Hide a constant from the optimizer, so that a store through NULL stays
 * a store and is not turned into a trap instruction. */
static __attribute__((unused)) void *opaque(void *p)
{
	__asm__ volatile("" : "+r"(p));
	return p;
}

/* Run fn in a child of the test; wait at most ms, killing it after that.
 * Returns the wait status, or -1 if it had to be killed. A child that
 * printed a FAIL line (exit 1) ends the test as failed here too. */
static int sub(void (*fn)(void), int ms)
{
	uint64_t end = now_ms() + (uint64_t)ms;
	pid_t pid = fork(), r;
	int st = 0;

	CHECK(pid >= 0, "fork: %s", strerror(errno));
	if (pid == 0) {
		fn();
		exit(0);
	}
	while ((r = waitpid(pid, &st, WNOHANG)) == 0) {
		if (now_ms() >= end) {
			kill(pid, SIGKILL);
			CHECK(waitpid(pid, &st, 0) == pid, "waitpid after kill");
			return -1;
		}
		sleep_ms(5);
	}
	CHECK(r == pid, "waitpid(%d) = %d errno %d", pid, r, errno);
	if (WIFEXITED(st) && WEXITSTATUS(st) == 1)
		exit(1);
	return st;
}

/* fn in a child must die of signal sig; the caller carries on. */
static void expect_signal(void (*fn)(void), int sig, const char *what)
{
	int st = sub(fn, 5000);

	CHECK(st != -1, "%s: still running after 5 s", what);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == sig,
	      "%s: status 0x%x, want killed by signal %d", what, st, sig);
	EQ(getppid(), main_pid); /* and we are still ourselves */
}

/* A child that sleeps until it is killed (300 s at most: longer than any
 * bounded wait a test makes beside it, such as the OOM hog's 120 s on a
 * loaded host); its pid or -1. */
static __attribute__((unused)) pid_t sleeper(void)
{
	pid_t pid = fork();

	for (int i = 0; pid == 0 && i < 3000; i++)
		sleep_ms(100);
	if (pid == 0)
		exit(0);
	return pid;
}

/* The first address past the (grown) heap: nothing is mapped there. */
static __attribute__((unused)) char *heap_edge(void)
{
	char *b = sys_brk(NULL), *end = (char *)PG_UP(b + 1);

	CHECK(sys_brk(end) == end, "brk(%p) failed", end);
	return end;
}

/* Wait for child pid (a fork or spawn result) and check its exit code. */
static void reap_code(pid_t pid, int code, const char *what)
{
	int st = -1;

	CHECK(pid > 0, "%s: %s", what, strerror(errno));
	CHECK(waitpid(pid, &st, 0) == pid, "%s: waitpid: %s", what, strerror(errno));
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == code,
	      "%s: status 0x%x, want exit %d", what, st, code);
}

/* ---- the driver -------------------------------------------------------- */

/* A test is fn, run in a child; or, with fault set, the fault in a
 * grandchild that must die of signal sig while the child carries on. */
struct test {
	const char *name;
	void (*fn)(void), (*fault)(void);
	int sig;
};
#define T(name) { #name, t_##name, NULL, 0 }
#define FAULT(name, fn, sig) { "fault_" #name, NULL, fn, sig }

/* Run one test in a child; returns true if it passed. */
static bool run(const struct test *t)
{
	pid_t pid, r;
	int st = 0;

	test_name = t->name;
	if ((pid = fork()) < 0) {
		printf("FAIL %s: fork: %s\n", t->name, strerror(errno));
		return false;
	}
	if (pid == 0) {
		if (t->fault)
			expect_signal(t->fault, t->sig, t->name);
		else
			t->fn();
		exit(0);
	}
	if ((r = waitpid(pid, &st, 0)) != pid)
		printf("FAIL %s: waitpid = %d: %s\n", t->name, r, strerror(errno));
	else if (WIFSIGNALED(st))
		printf("FAIL %s: killed by signal %d\n", t->name, WTERMSIG(st));
	else if (WEXITSTATUS(st) == 0)
		printf("ok %s\n", t->name);
	else if (WEXITSTATUS(st) != 1 && WEXITSTATUS(st) != 2)
		printf("FAIL %s: exit status %d\n", t->name, WEXITSTATUS(st));
	return r == pid && WIFEXITED(st) &&
	       (WEXITSTATUS(st) == 0 || WEXITSTATUS(st) == 2);
}

/* No TEST arguments: every test; else only those named. */
static bool selected(int argc, char **argv, const char *name)
{
	bool any = false;

	for (int i = 1; i < argc; i++) {
		any |= argv[i][0] != '-';
		if (!strcmp(argv[i], name))
			return true;
	}
	return !any;
}

/* Pages of every process out on the swap disk (each process once: the
 * table has an entry per thread). Other processes' pages (a shell that
 * started us) may go to swap while the tests run, each a frame more free
 * and a slot more used. */
static uint64_t all_swapped(void)
{
	static struct kite_procinfo procs[256];
	long n = kite_procs(procs, sizeof(procs) / sizeof(procs[0]));
	uint64_t sum = 0;

	for (long i = 0; i < n && i < 256; i++)
		if (procs[i].tid == procs[i].pid)
			sum += procs[i].pages_swapped;
	return sum;
}

/* The whole program: run the selected tests, check the frames, print
 * "PROG: P passed, F failed"; the exit status. */
static int tests_main(const char *prog, const struct test *tests, size_t n,
		      int argc, char **argv)
{
	struct kite_meminfo before, after;
	uint64_t swapped0, swapped1;
	int passed = 0, failed = 0;

	for (int i = 1; i < argc; i++) {
		if (!strncmp(argv[i], "--harts=", 8)) {
			harts = atoi(argv[i] + 8);
		} else if (argv[i][0] == '-') {
			fprintf(stderr, "usage: %s [--harts=N] [TEST...]\n", prog);
			return 2;
		}
	}
	main_pid = getpid();
	printf("%s", ""); /* stdio's buffers exist before the count */
	kite_prefault_self();
	swapped0 = all_swapped();
	if (kite_meminfo(&before) < 0) {
		perror("kite_meminfo");
		return 1;
	}
	for (size_t i = 0; i < n; i++)
		if (selected(argc, argv, tests[i].name))
			*(run(&tests[i]) ? &passed : &failed) += 1;
	/* every child has been reaped: each frame should be back (pages
	 * of ours or of other processes may have gone to swap meanwhile,
	 * each one a frame more free and a slot more used) */
	kite_prefault_self(); /* our pages back from swap, if they went */
	swapped1 = all_swapped();
	if (kite_meminfo(&after) < 0 ||
	    after.free - swapped1 != before.free - swapped0 ||
	    after.swap_used - swapped1 != before.swap_used - swapped0) {
		printf("FAIL frames: %llu free before, %llu after; swap used "
		       "%llu before, %llu after; %llu then %llu pages of "
		       "processes swapped out\n",
		       (unsigned long long)before.free, (unsigned long long)after.free,
		       (unsigned long long)before.swap_used,
		       (unsigned long long)after.swap_used,
		       (unsigned long long)swapped0, (unsigned long long)swapped1);
		failed++;
	} else {
		printf("ok frames (%llu free)\n", (unsigned long long)after.free);
		passed++;
	}
	printf("%s: %d passed, %d failed\n", prog, passed, failed);
	return failed ? 1 : 0;
}

#endif
