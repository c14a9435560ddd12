/*
 * ktest.c - the in-kernel test runner.
 *
 * Tests run one after another on the boot hart, after every hart is up,
 * with interrupts on. A test reports failure through ktest_fail(); a test
 * that panics ends the run with the panic's status instead.
 */
#include "kernel/bootargs.h"
#include "kernel/ktest.h"
#include "kernel/log.h"
#include "lib/printf.h"
#include "lib/string.h"

extern const struct ktest __ktest_start[], __ktest_end[];

static char fail_msg[200]; /* written by the running test only */

int ktest_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (fail_msg[0])
		return -1; /* keep the first reason */
	n = ksnprintf(fail_msg, sizeof(fail_msg), "%s:%d: ", file, line);
	va_start(ap, fmt);
	kvsnprintf(fail_msg + n, sizeof(fail_msg) - (size_t)n, fmt, ap);
	va_end(ap);
	return -1;
}

int ktest_run_all(void)
{
	char prefix[64] = "";
	bool broken = bootarg_has("ktest_broken");
	bool timed = bootarg_has("ktest_timed");
	int passed = 0, failed = 0;

	bootarg_get("ktest", prefix, sizeof(prefix));
	/* the linker puts both bounds around one array, the .ktest section */
	// cppcheck-suppress comparePointers
	for (const struct ktest *t = __ktest_start; t < __ktest_end; t++) {
		if ((t->broken && !broken) || t->timed != timed)
			continue;
		if (prefix[0] && strncmp(t->name, prefix, strlen(prefix)) != 0)
			continue;
		fail_msg[0] = '\0';
		if (t->fn() == 0 && !fail_msg[0]) {
			kprintf("ktest %s: ok\n", t->name);
			passed++;
		} else {
			kprintf("ktest %s: FAIL %s\n", t->name,
				fail_msg[0] ? fail_msg : "(returned an error)");
			failed++;
		}
	}
	kprintf("ktest: %d passed, %d failed\n", passed, failed);
	return failed;
}
