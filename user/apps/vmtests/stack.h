/*
 * stack.h - the main stack grows on demand, down to RLIMIT_STACK (8 MiB
 * by default, as of exec): big local arrays and deep recursion work, a
 * child that recurses without end dies of SIGSEGV near the limit, and a
 * limit lowered before an execve or a spawn holds for the new program.
 * Included once, by main.c, after vm.h.
 */
#ifndef KITE_VMTESTS_STACK_H
#define KITE_VMTESTS_STACK_H

#include "vm.h"

#define STACK_LIMIT (8 * MIB)   /* the default RLIMIT_STACK */
#define DEEP_FRAMES 100000L

static void stack_use(size_t len)
{
	uint64_t pages;

	stack_array(len);
	pages = self_info().pages_stack;
	CHECK(pages >= len / PAGE, "a %zu KiB array used, %lu stack pages",
	      len / KIB, (unsigned long)pages);
}

static void t_stack_32k(void) { stack_use(32 * KIB); }
static void t_stack_4m(void) { stack_use(4 * MIB); }

/* ---- recursion ------------------------------------------------------------ */

/* Called through a pointer the compiler cannot see through, so that the
 * recursion stays a recursion (no loop, no tail call). */
static long (*volatile recurse_fn)(long n, uintptr_t *deepest);

static __attribute__((noinline)) long recurse(long n, uintptr_t *deepest)
{
	volatile long here = n;

	if (n == 0) {
		*deepest = (uintptr_t)&here;
		return 0;
	}
	return recurse_fn(n - 1, deepest) + here;
}

/* 100,000 frames deep and back, every frame's value intact. */
static void t_stack_deep(void)
{
	uintptr_t deepest = 0;
	char mark;
	unsigned long used;
	long sum;
	uint64_t pages;

	recurse_fn = recurse;
	sum = recurse_fn(DEEP_FRAMES, &deepest);
	pages = self_info().pages_stack;
	used = (unsigned long)((uintptr_t)&mark - deepest);
	CHECK(sum == DEEP_FRAMES * (DEEP_FRAMES + 1) / 2, "the sum of %ld frames "
	      "is %ld", DEEP_FRAMES, sum);
	CHECK(pages >= used / PAGE, "%lu stack pages after using %lu KiB",
	      (unsigned long)pages, used / KIB);
	pass_note("%ld frames, %lu KiB of stack", DEEP_FRAMES, used / KIB);
}

/* ---- overflow ------------------------------------------------------------- */

static volatile uintptr_t *overflow_deepest; /* in a MAP_SHARED page */

static __attribute__((noinline)) long recurse_forever(long n)
{
	volatile long here = n;

	*overflow_deepest = (uintptr_t)&here;
	return recurse_fn(n + 1, NULL) + here;
}

static long recurse_forever_entry(long n, uintptr_t *unused)
{
	(void)unused;
	return recurse_forever(n);
}

static void overflow(void)
{
	recurse_fn = recurse_forever_entry;
	recurse_forever(0);
	exit(3);
}

/*
 * Endless recursion in a child: it dies of SIGSEGV once its stack would
 * pass 8 MiB, and not long before - the deepest frame it reached, kept
 * in a shared page, is within 1 MiB of the limit.
 */
static void t_stack_overflow(void)
{
	char *shared = map(PAGE, RW, SHARED);
	unsigned long used;
	int st;

	overflow_deepest = (volatile uintptr_t *)shared;
	*overflow_deepest = (uintptr_t)stack_top;
	st = sub(overflow, 60000);
	CHECK(st != -1, "still recursing after 60 s");
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV, "status 0x%x, want "
	      "killed by SIGSEGV", st);
	used = (unsigned long)((uintptr_t)stack_top - *overflow_deepest);
	CHECK(used > STACK_LIMIT - MIB && used <= STACK_LIMIT, "died with %lu "
	      "KiB of stack in use, want 7..8 MiB", used / KIB);
	pass_note("died at %lu KiB", used / KIB);
}

/* ---- RLIMIT_STACK as of exec ---------------------------------------------- */

#define LOW_LIMIT (1 * MIB)

/*
 * In a child, lower RLIMIT_STACK to 1 MiB, then run "vmtests --helper
 * stack KIB 1024" (which uses a KIB KiB array) by execve or by spawn
 * (from the child, which reaps it and exits with what it saw: its exit
 * code, or 128 + the signal). Returns the child's wait status.
 */
static int run_low_limit(bool by_spawn, unsigned kib)
{
	char num[16], lim[16];
	char *argv[] = { PROG, "--helper", "stack", num, lim, NULL };
	struct rlimit r;
	pid_t pid = fork(), kid;
	int st = -1;

	if (pid == 0) {
		snprintf(num, sizeof(num), "%u", kib);
		snprintf(lim, sizeof(lim), "%lu", LOW_LIMIT / KIB);
		CHECK(getrlimit(RLIMIT_STACK, &r) == 0, "getrlimit: %s",
		      strerror(errno));
		r.rlim_cur = LOW_LIMIT;
		CHECK(setrlimit(RLIMIT_STACK, &r) == 0, "setrlimit: %s",
		      strerror(errno));
		if (!by_spawn) {
			execve(PROG, argv, NULL);
			fail("execve: %s", strerror(errno));
		}
		kid = spawn(PROG, argv, NULL);
		CHECK(kid > 0 && waitpid(kid, &st, 0) == kid, "spawn: %s",
		      strerror(errno));
		exit(WIFSIGNALED(st) ? 128 + WTERMSIG(st) : WEXITSTATUS(st));
	}
	CHECK(pid > 0 && waitpid(pid, &st, 0) == pid, "fork/waitpid: %s",
	      strerror(errno));
	if (WIFEXITED(st) && WEXITSTATUS(st) == 1)
		exit(1); /* it printed why */
	return st;
}

/* Under a 1 MiB limit a 512 KiB array fits and a 2 MiB one is fatal;
 * the same through spawn. */
static void t_stack_rlimit(void)
{
	for (int s = 0; s < 2; s++) {
		const char *how = s ? "spawn" : "execve";
		int fits = run_low_limit(s, 512), over = run_low_limit(s, 2048);

		CHECK(WIFEXITED(fits) && WEXITSTATUS(fits) == 0, "%s under a 1 MiB "
		      "RLIMIT_STACK: a 512 KiB array: status 0x%x, want exit 0 "
		      "(exit 3: the limit was not inherited)", how, fits);
		if (s)
			CHECK(WIFEXITED(over) && WEXITSTATUS(over) == 128 + SIGSEGV,
			      "spawn under a 1 MiB RLIMIT_STACK: a 2 MiB array: "
			      "exit %d, want 128 + SIGSEGV", WEXITSTATUS(over));
		else
			CHECK(WIFSIGNALED(over) && WTERMSIG(over) == SIGSEGV,
			      "execve under a 1 MiB RLIMIT_STACK: a 2 MiB array: "
			      "status 0x%x, want killed by SIGSEGV", over);
	}
}

#endif
