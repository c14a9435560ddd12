/*
 * system.c - lx_system: system() runs /bin/sh -c COMMAND and gives its
 * wait status: a shell is there (system(NULL)), a built-in with quoted
 * words, a command's exit status, a program found by name, the caller's
 * stdio buffers flushed first so the lines come in order.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>

static void run(const char *cmd)
{
	int st;

	fflush(stdout);
	st = system(cmd);
	if (st == -1)
		printf("system(\"%s\"): -1\n", cmd);
	else if (WIFEXITED(st))
		printf("system(\"%s\"): exit %d\n", cmd, WEXITSTATUS(st));
	else
		printf("system(\"%s\"): status 0x%x\n", cmd, st);
}

int main(int argc, char **argv)
{
	if (argc == 3) { /* run by the shell: say so, exit with argv[2] */
		printf("child: %s %s\n", argv[1], argv[2]);
		return atoi(argv[2]);
	}
	printf("a shell: %s\n", system(NULL) ? "yes" : "no");
	run("echo 'hello  from' sh");
	run("exit 3");
	run("exit 0");
	run("true");
	run("lx_system --child 7");
	return 0;
}
