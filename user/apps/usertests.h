/*
 * usertests.h - the reporting and helper code of usertests.c (included
 * once, by it alone): how a test child ends (ok, FAIL, a note), checks of
 * results and errno, and small helpers (sleeping, sleeper children,
 * addresses nothing is mapped at).
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
static void *opaque(void *p)
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

/* A child that sleeps until it is killed (60 s at most); its pid or -1. */
static pid_t sleeper(void)
{
	pid_t pid = fork();

	for (int i = 0; pid == 0 && i < 600; i++)
		sleep_ms(100);
	if (pid == 0)
		exit(0);
	return pid;
}

/* The first address past the (grown) heap: nothing is mapped there. */
static char *heap_edge(void)
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

#endif
