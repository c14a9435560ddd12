/*
 * args.c - lx_args: argv and the environment.
 *
 * lx-args: one "two words" "" --flag=x tail
 *
 * The harness passes the arguments above (after argv[0], which is the
 * program's name, lx_args) and an environment of three variables
 * (tests/linux/README.md). Prints them, then getenv, setenv, putenv,
 * unsetenv and clearenv on environ, and the auxiliary vector's page size.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <unistd.h>

extern char **environ;

static int by_string(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* environ, sorted: qemu-user hands the environment over in reverse
 * order, Linux and Kite in the order given (tests/linux/README.md). */
static void show_env(const char *when)
{
	char *v[64];
	int n = 0;

	for (char **e = environ; e && *e && n < 64; e++)
		v[n++] = *e;
	qsort(v, (size_t)n, sizeof(v[0]), by_string);
	printf("environ %s:", when);
	for (int i = 0; i < n; i++)
		printf(" [%s]", v[i]);
	printf(" (%d)\n", n);
}

int main(int argc, char **argv, char **envp)
{
	printf("argc %d\n", argc);
	for (int i = 0; i < argc; i++)
		printf("argv[%d] [%s] %zu\n", i, argv[i], strlen(argv[i]));
	printf("argv[argc] %s\n", argv[argc] ? "NOT NULL" : "NULL");
	printf("envp == environ: %s\n", envp == environ ? "yes" : "no");
	show_env("at start");
	printf("getenv HOME [%s] LX_SUITE [%s] NOPE %s\n", getenv("HOME"),
	       getenv("LX_SUITE"), getenv("NOPE") ? "set" : "(null)");
	setenv("NEW", "value", 0);
	setenv("HOME", "/home/x", 0); /* no overwrite */
	setenv("LX_SUITE", "changed", 1);
	static char put[] = "PUT=it";
	putenv(put);
	show_env("after setenv");
	unsetenv("NEW");
	unsetenv("NOT_THERE");
	printf("unsetenv: NEW %s\n", getenv("NEW") ? "still set" : "gone");
	printf("setenv bad name: %d\n", setenv("A=B", "x", 1));
	clearenv();
	show_env("after clearenv");
	printf("AT_PAGESZ %lu sysconf %ld\n", getauxval(AT_PAGESZ),
	       sysconf(_SC_PAGESIZE));
	printf("AT_RANDOM %s\n", getauxval(AT_RANDOM) ? "set" : "missing");
	return argc;
}
