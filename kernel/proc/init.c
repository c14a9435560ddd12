/*
 * init.c - pid 1 and the first kernel threads.
 *
 * The boot hart starts init as the first kernel thread, so it gets pid 1.
 * init starts the in-kernel tests (boot argument ktest), the benchmarks
 * (bench), the program of boot argument init="prog args", or the shell
 * (the console monitor if there is no shell app), then reaps children
 * forever: its own and every orphan handed to it when a parent exits.
 * With no children it sleeps; it never exits. When an init= program
 * exits, the machine powers off with its exit status.
 */
#include "dev/console.h"
#include "dev/power.h"
#include "kernel/bootargs.h"
#include "kernel/ktest.h"
#include "kernel/log.h"
#include "kernel/panic.h"
#include "kernel/param.h"
#include "proc/apps.h"
#include "lib/string.h"
#include "proc/exec.h"
#include "proc/proc.h"
#include "signal/signal.h"
#include "uapi/errno.h"


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
	for (;;)
		console_read_char(); /* the line discipline echoes */
	return 0; /* not reached */
}

/* Start the program of boot argument init="prog args" (or the shell)
 * as a user process; returns its pid, or an error. */
static int start_first_program(const char *cmdline)
{
	static struct exec_args args;
	char word[64], name[64] = "";
	const struct app *app;
	int n = 0, err;

	exec_args_init(&args, rlim_defaults[RLIMIT_STACK].rlim_cur);
	while (*cmdline) {
		while (*cmdline == ' ')
			cmdline++;
		n = 0;
		while (*cmdline && *cmdline != ' ' && n < (int)sizeof(word) - 1)
			word[n++] = *cmdline++;
		word[n] = '\0';
		if (n && exec_args_add(&args, word, false)) {
			exec_args_free(&args);
			return -E2BIG;
		}
		if (n && !name[0])
			kstrlcpy(name, word, sizeof(name));
	}
	app = name[0] ? app_find(name) : NULL;
	err = app ? exec_args_add(&args, "PATH=/", true) : -ENOENT;
	if (!err)
		err = proc_spawn(app, &args, false);
	exec_args_free(&args);
	return err;
}

static int init_main(void *unused)
{
	static char cmd[BOOTARGS_MAX];
	int pid, first = -1;
	bool custom;

	(void)unused;
	init_proc = current()->proc;
	assert(init_proc->pid == 1);
	custom = bootarg_get("init", cmd, sizeof(cmd));
	if (console_start_worker())
		log_warn("init: no Ctrl-P worker (out of memory)");
	if (itimer_start())
		log_warn("init: no itimer worker (out of memory)");
	if (bootarg_has("ktest")) {
		pid = kernel_thread(ktest_main, NULL, "ktest");
	} else if (bootarg_has("bench")) {
		pid = kernel_thread(bench_main, NULL, "bench");
	} else {
		pid = first = start_first_program(custom ? cmd : "sh");
		if (pid < 0 && !custom)
			pid = kernel_thread(monitor_main, NULL, "monitor");
		else if (pid < 0)
			kprintf("init: cannot start '%s': error %d\n", cmd, pid);
	}
	if (pid < 0)
		power_off(127);
	for (;;) {
		int status;

		pid = proc_wait(-1, &status, WAIT_FOREVER);
		log_debug("init: reaped pid %d, status %d", pid, status);
		if (pid == first) /* the shell or init="prog" ended: so do we */
			power_off((status & 0x7f) ? 128 + (status & 0x7f)
						  : WEXITSTATUS(status));
	}
}

void init_start(void)
{
	int pid = kernel_thread(init_main, NULL, "init");

	if (pid != 1)
		panic("init: got pid %d", pid);
}
