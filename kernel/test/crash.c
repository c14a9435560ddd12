/*
 * crash.c - deliberate kernel crashes, for testing the panic path.
 *
 * Boot argument crash=stack|fault|assert|lock makes the boot hart crash
 * on purpose right after boot; the test harness checks that the panic
 * message names the problem and that the backtrace is symbolized.
 */
#include "kernel/log.h"
#include "kernel/panic.h"
#include "kernel/spinlock.h"
#include "lib/string.h"

/* Recurse with a big frame until the guard page stops us. */
static volatile int crash_limit = 1 << 30; /* volatile: gcc sees no end */

static __attribute__((noinline)) int crash_recurse(volatile char *prev, int depth)
{
	volatile char frame[512];

	frame[0] = (char)depth;
	frame[511] = prev ? prev[0] : 0;
	if (depth >= crash_limit)
		return 0;
	return crash_recurse(frame, depth + 1) + frame[7];
}

static __attribute__((noinline)) void crash_fault(void)
{
	volatile uint64_t *bad = (uint64_t *)0xffffffd0deadb000UL;

	*bad = 1;
}

void ktest_crash(const char *how)
{
	static struct spinlock lk = SPINLOCK_INIT("crash.test");

	kprintf("crash: deliberately crashing the kernel (%s)\n", how);
	if (strcmp(how, "stack") == 0)
		crash_recurse(NULL, 0);
	else if (strcmp(how, "fault") == 0)
		crash_fault();
	else if (strcmp(how, "assert") == 0)
		assert(1 + 1 == 3);
	else if (strcmp(how, "lock") == 0) {
		spin_lock(&lk);
		spin_lock(&lk);
	}
	log_warn("crash: unknown crash=%s (stack|fault|assert|lock)", how);
}
