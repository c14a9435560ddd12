/*
 * main.c - vmtests: the virtual-memory tests, as a user program sees
 * them: copy-on-write fork, demand-zero pages, lazy brk, growing stacks
 * and RLIMIT_STACK, mmap/munmap/mprotect/madvise/mremap, MAP_SHARED
 * memory across fork, kite_maps, and the OOM killer.
 *
 *	vmtests [--harts=N] [TEST...]
 *
 * The driver is usertests'/rtests' (../usertests.h): each test runs in
 * a forked child, one "ok NAME" or "FAIL NAME: why" line each, then
 * "vmtests: P passed, F failed" after a last check that every frame came
 * back. Each test checks the figures the kernel reports (kite_procs'
 * resident pages and cow_copies, kite_meminfo, kite_maps) as well as the
 * data, so that a kernel without the feature fails it: one that copies
 * at fork or allocates eagerly gets the data right but not the counts.
 *
 * The tests are in cow.h (fork), lazy.h (demand zero, brk, OOM),
 * stack.h, mmap.h and lock.h (mlock, mincore, msync); vm.h has what
 * they share. Some tests exec this
 * program again in a helper mode ("vmtests --helper ...", see vm.h).
 * The kernel's console messages for the stack overflow and the OOM kill
 * are checked by tests/jobs_user.py.
 */
#include "vm.h"
#include "cow.h"
#include "lazy.h"
#include "stack.h"
#include "mmap.h"
#include "lock.h"

static const struct test tests[] = {
	T(cow_tree), T(cow_sides), T(cow_exec), T(demand_zero), T(brk_lazy),
	T(stack_32k), T(stack_4m), T(stack_deep), T(stack_overflow),
	T(stack_rlimit), T(mmap_basic), T(mmap_errors), T(mmap_fixed),
	T(mprotect), T(madvise), T(mremap), T(shared_pingpong), T(maps),
	T(oom), T(mincore), T(mlock), T(mlock_limit), T(mlockall), T(msync),
};

int main(int argc, char **argv)
{
	char top;
	int helper = helper_main(argc, argv);

	if (helper >= 0)
		return helper;
	stack_top = &top;
	return tests_main(PROG, tests, ARRAY_SIZE(tests), argc, argv);
}
