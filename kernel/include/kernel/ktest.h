/*
 * kernel/ktest.h - in-kernel tests.
 *
 * KTEST(name) { ... } defines a test and registers it in the .ktest
 * linker section. With boot argument "ktest" the boot hart runs every
 * test (or only those whose name starts with the value of ktest=PREFIX),
 * prints "ktest <name>: ok" or "ktest <name>: FAIL <why>" for each and a
 * summary, then powers off with status 0 only if all passed.
 *
 * KTEST_BROKEN(name) registers a test that runs only with boot argument
 * ktest_broken: it exists to show that a failing test fails the run.
 *
 * KTEST_TIMED(name) registers a test that judges time shares or
 * lateness. Under plain QEMU the host decides when a virtual hart runs,
 * and a busy host hands a thread a lump of ticks it never ran, so such a
 * test runs only with boot argument ktest_timed (and then only the timed
 * ones run), which tests/run.py gives under -icount: guest time follows
 * the instructions executed, and the host's load cannot bend it.
 *
 * Inside a test, KT_ASSERT(cond) and KT_ASSERTF(cond, fmt, ...) record
 * the first failure and return from the test.
 */
#ifndef KITE_KERNEL_KTEST_H
#define KITE_KERNEL_KTEST_H

#include "kernel/types.h"

struct ktest {
	const char *name;
	int (*fn)(void);
	bool broken; /* runs only with bootarg ktest_broken */
	bool timed;  /* runs only with bootarg ktest_timed */
};

#define KTEST_DEFINE(tname, is_broken, is_timed)                             \
	static int ktest_fn_##tname(void);                                   \
	static const struct ktest ktest_##tname                             \
		__attribute__((used, section(".ktest"), aligned(8))) = {     \
			.name = #tname, .fn = ktest_fn_##tname,              \
			.broken = (is_broken), .timed = (is_timed) };        \
	static int ktest_fn_##tname(void)

#define KTEST(tname) KTEST_DEFINE(tname, false, false)
#define KTEST_BROKEN(tname) KTEST_DEFINE(tname, true, false)
#define KTEST_TIMED(tname) KTEST_DEFINE(tname, false, true)

/* Record why the running test failed; returns -1 for "return". */
__attribute__((format(printf, 3, 4))) int ktest_fail(const char *file,
						     int line,
						     const char *fmt, ...);

#define KT_ASSERT(cond)                                                      \
	do {                                                                 \
		if (!(cond))                                                 \
			return ktest_fail(__FILE__, __LINE__, "%s", #cond);  \
	} while (0)

#define KT_ASSERTF(cond, ...)                                                \
	do {                                                                 \
		if (!(cond))                                                 \
			return ktest_fail(__FILE__, __LINE__, __VA_ARGS__);  \
	} while (0)

/* Run the selected tests; returns the number that failed. */
int ktest_run_all(void);
/* Crash on purpose (boot argument crash=stack|fault|assert|lock). */
void ktest_crash(const char *how);
/* The benchmarks (boot argument bench): a kernel thread's body. */
int bench_main(void *unused);

#endif
