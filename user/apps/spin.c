/*
 * spin.c - burns CPU: forever without arguments, or N million loop
 * iterations with argument N, then exits 0. For testing preemption,
 * kill and the scheduler. "spin fg" first waits until it is the
 * console's foreground job (its group in the foreground, the console
 * sending signals: the shell has handed it over) and says so, so that
 * a test types Ctrl-C, Ctrl-\ or Ctrl-Z only once they reach it.
 */
#include "kite.h"


/* Wait until the console's foreground group is ours, with ISIG on. */
static void wait_foreground(void)
{
	struct kite_termios t;
	int fg = -1;

	for (;;) {
		if (ioctl(0, TIOCGPGRP, &fg) == 0 && fg == getpid() &&
		    ioctl(0, TCGETS, &t) == 0 && (t.c_lflag & KITE_ISIG))
			break;
		sched_yield();
	}
	printf("spin: in the foreground\n");
}

int main(int argc, char **argv)
{
	unsigned long i, n;
	char *end;

	if (argc == 2 && !strcmp(argv[1], "fg"))
		wait_foreground();
	if (argc < 2 || !strcmp(argv[1], "fg")) {
		for (;;)
			__asm__ volatile("" ::: "memory");
	}
	n = strtoul(argv[1], &end, 10);
	if (end == argv[1] || *end) {
		fprintf(stderr, "usage: spin [millions of iterations]\n");
		return 2;
	}
	for (i = 0; i < n * 1000000; i++)
		__asm__ volatile("" ::: "memory");
	printf("spin: %lu million iterations done\n", n);
	return 0;
}
