/*
 * captests - tests of the capability calls (docs/CAPS.md) as a user
 * program sees them:
 *
 *	captests [--harts=N] [TEST...]
 *
 * usertests' driver (../usertests.h): each test in a forked child (a
 * fresh table: slots 0 and 1 only), "ok NAME" or "FAIL NAME: why", every
 * frame back at the end. Every call's success and error paths (wrong
 * type, missing right, freed handle, copies without the copy right or
 * with more rights, bad pointers, huge sizes, offsets out of range),
 * PMOs mapped private and shared, processes made empty and started by
 * hand, capspawn of hello and of the message exchange, and 1000 children
 * built and ended with every object and frame back. Some tests run this
 * program again in a helper mode (ct.h) in a child built by capload or
 * exec'd. tests/jobs_user.py also checks the line t_putc_getc_exit
 * prints with putc.
 */
#include "ct.h"
#include "calls.h"
#include "maps.h"
#include "procs.h"
#include "rounds.h"

static const struct test tests[] = {
	T(slots), T(pmo_create), T(pmo_rw), T(pmo_app), T(copy), T(free),
	T(table_full), T(stats), T(putc_getc_exit),
	T(map_private), T(map_shared), T(map_fork), T(map_errors),
	T(fork_cap), T(create), T(orphan_unstarted), T(thread_create),
	T(thread_in_self),
	T(copy_into_child), T(copy_concurrent), T(child_heap), T(exec),
	T(capspawn),
	T(exchange), T(rounds), T(random),
};

int main(int argc, char **argv)
{
	int helper = helper_main(argc, argv);

	if (helper >= 0)
		return helper;
	return tests_main(PROG, tests, ARRAY_SIZE(tests), argc, argv);
}
