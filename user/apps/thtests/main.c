/*
 * main.c - thtests: threads, futexes and the allowed harts, as a user
 * program sees them.
 *
 *	thtests [--harts=N] [--late-ms=N] [TEST...]
 *
 * The driver is usertests' (../usertests.h): each test runs in a forked
 * child, one "ok NAME" or "FAIL NAME: why" line each, then "thtests: P
 * passed, F failed" after a last check that every frame came back. The
 * tests are in life.h (ids, clone flags, join, exit and exit_group,
 * kills, faults, execve from a thread, wait4, vfork, CLONE_VM, tkill,
 * CPU time, priorities), futex.h (every futex operation, timeouts,
 * errors) and sync.h (the library's mutex and condition variable, the
 * allowed harts, robust futexes); th.h has what they share. One test
 * execs this program again in a helper mode ("thtests --helper exec").
 * tests/run.py boots it on 1 and 4 harts, and runs the timing tests
 * again alone on 1 hart under -icount with --late-ms=10: a timed wait
 * ends no earlier than asked and less than a tick (10 ms) after.
 */
#include "th.h"
#include "life.h"
#include "futex.h"
#include "sync.h"

static const struct test tests[] = {
	T(ids), T(join_cleartid), T(create_1000), T(exit_group),
	T(exit_thread), T(kill_threaded), T(exec_thread), T(fault_thread),
	T(clone_flags), T(clone_vm), T(vfork_exec), T(fork_settid), T(tkill),
	T(cputime), T(priority), T(wait_thread),
	T(futex_eagain), T(futex_timeout), T(futex_wake_counts),
	T(futex_bitset), T(futex_requeue), T(futex_wake_op), T(futex_shared),
	T(futex_pingpong), T(futex_errors),
	T(mutex_counter), T(prodcons), T(cond_broadcast), T(affinity),
	T(robust),
};

int main(int argc, char **argv)
{
	int helper = helper_main(argc, argv), n = 0;

	if (helper >= 0)
		return helper;
	/* our own option, --late-ms=N (th.h), out of the driver's way */
	for (int i = 0; i < argc; i++) {
		if (!strncmp(argv[i], "--late-ms=", 10))
			late_ms = atol(argv[i] + 10);
		else
			argv[n++] = argv[i];
	}
	argv[n] = NULL;
	return tests_main(PROG, tests, ARRAY_SIZE(tests), n, argv);
}
