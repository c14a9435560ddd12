/*
 * echoargs.c - shows what execve/spawn handed over: prints
 *
 *	echoargs: argc=N
 *	argv[i]=<argument>        (one line each, i = 0..argc-1)
 *	envp[i]=<NAME=value>      (one line each)
 *
 * and exits with argc, so a parent can check the count from the status
 * and a test harness the strings from the console (usertests' exec_args
 * test and tests/run.py). argv[argc] and the envp terminator must be
 * NULL; if argv[argc] is not, it exits 255.
 */
#include "kite.h"

int main(int argc, char **argv, char **envp)
{
	int i;

	printf("echoargs: argc=%d\n", argc);
	for (i = 0; i < argc; i++)
		printf("argv[%d]=%s\n", i, argv[i]);
	if (argv[argc] != NULL) {
		printf("echoargs: argv[%d] is not NULL\n", argc);
		return 255;
	}
	for (i = 0; envp && envp[i]; i++)
		printf("envp[%d]=%s\n", i, envp[i]);
	return argc;
}
