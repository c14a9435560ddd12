/*
 * init.c - pid 1 and the first kernel threads.
 *
 * The boot hart starts init as the first kernel thread, so it gets pid 1.
 * init starts the in-kernel tests (boot argument ktest), the benchmarks
 * (bench) or the console monitor, then reaps children forever: its own and every orphan handed
 * to it when a parent exits. With no children it sleeps; it never exits.
 */
#include "dev/console.h"
#include "dev/power.h"
#include "kernel/bootargs.h"
#include "kernel/ktest.h"
#include "kernel/log.h"
#include "kernel/panic.h"
#include "proc/proc.h"

int bench_main(void *unused);

static int ktest_main(void *unused)
{
	(void)unused;
	power_off(ktest_run_all() ? 1 : 0);
}

/* Until the shell exists: echo what the user types; Ctrl-P lists the
 * processes. */
static int monitor_main(void *unused)
{
	(void)unused;
	kprintf("No shell yet: keys you type are echoed, Ctrl-P lists processes. "
		"Ctrl-A X leaves QEMU.\n");
	for (;;) {
		int c = console_read_char();
		char ch = (char)(c == '\r' ? '\n' : c);

		if (c == 0x10) /* Ctrl-P */
			proc_dump();
		else
			console_write(&ch, 1);
	}
	return 0; /* not reached */
}

static int init_main(void *unused)
{
	int pid;

	(void)unused;
	init_proc = current()->proc;
	assert(init_proc->pid == 1);
	if (bootarg_has("ktest"))
		pid = kernel_thread(ktest_main, NULL, "ktest");
	else if (bootarg_has("bench"))
		pid = kernel_thread(bench_main, NULL, "bench");
	else
		pid = kernel_thread(monitor_main, NULL, "monitor");
	if (pid < 0)
		panic("init: cannot start the first thread (%d)", pid);
	for (;;) {
		int status;

		pid = proc_wait(-1, &status, WAIT_FOREVER);
		log_debug("init: reaped pid %d, status %d", pid, WEXITSTATUS(status));
	}
}

void init_start(void)
{
	int pid = kernel_thread(init_main, NULL, "init");

	if (pid != 1)
		panic("init: got pid %d", pid);
}
