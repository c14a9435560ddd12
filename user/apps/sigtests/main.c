/*
 * main.c - sigtests: signals as a user program sees them
 * (docs/SIGNALS.md).
 *
 *	sigtests [--harts=N] [TEST...]
 *
 * The driver is usertests' (../usertests.h): each test runs in a forked
 * child, one "ok NAME" or "FAIL NAME: why" line each, then "sigtests: P
 * passed, F failed" after a last check that every frame came back.
 * basic.h: sigaction, masks, order, nesting, flags, kill, threads,
 * execve; faults.h: fault signals, siglongjmp, sigaltstack; waits.h:
 * EINTR and SA_RESTART, sigsuspend, sigtimedwait, stop/continue,
 * SIGCHLD, timers, races. One test execs this program again in a helper
 * mode ("sigtests --helper exec").
 */
#include "sig.h"
#include "basic.h"
#include "faults.h"
#include "waits.h"

static const struct test tests[] = {
	T(action_errors), T(procmask), T(handler), T(order_queue), T(sigqueue), T(nested),
	T(resethand), T(defaults), T(kill_errors), T(spawn_foreground), T(threads), T(exec_reset),
	T(segv_longjmp), T(ill_trap), T(fault_blocked), T(altstack),
	T(eintr_nanosleep), T(eintr_read), T(eintr_wait4), T(eintr_futex), T(sigsuspend), T(ppoll),
	T(sigtimedwait), T(stop_cont), T(sigchld_ignore), T(itimer),
	T(race_exit),
};

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "--helper") && !strcmp(argv[2], "exec"))
		return exec_helper();
	if (argc == 3 && !strcmp(argv[1], "--helper") && !strcmp(argv[2], "pgrp"))
		return pgrp_helper();
	if (argc == 3 && !strcmp(argv[1], "--helper") && !strcmp(argv[2], "fg"))
		return fg_helper();
	return tests_main(PROG, tests, ARRAY_SIZE(tests), argc, argv);
}
