/*
 * test_console.c - kprintf from every hart at once.
 *
 * Each hart prints INTERLEAVE_LINES lines of a fixed shape at the same
 * time; the harness (tests/run.py) checks that every one of them reaches
 * the console whole, i.e. messages from different harts never interleave.
 */
#include "kernel/cpu.h"
#include "kernel/ktest.h"
#include "kernel/log.h"

#define INTERLEAVE_LINES 20

static void interleave_hart(void *arg)
{
	(void)arg;
	for (int i = 0; i < INTERLEAVE_LINES; i++)
		kprintf("interleave: hart %d line %02d "
			"0123456789abcdefghijklmnopqrstuvwxyz\n", cpuid(), i);
}

KTEST(console_no_interleave)
{
	KT_ASSERT(smp_call_all(interleave_hart, NULL) == 0);
	return 0; /* the harness checks the lines */
}
