/*
 * execargs.c - lx_execargs: execve's argument and environment limits.
 *
 * lx-args: parent
 *
 * The parent builds lists and execs itself ("lx_execargs child ...") in
 * a forked child, which prints what it got: the counts, the total
 * length, a checksum of the arguments in order and one of the
 * variables in any order. Linux's limits (fs/exec.c)
 * under the default 8 MiB stack limit: a string may be 128 KiB with its
 * NUL (MAX_ARG_STRLEN), one byte more is E2BIG; strings and pointers
 * together may take a quarter of the stack limit (2 MiB), far more is
 * E2BIG, as are too many pointers alone; any number of entries fits
 * within that (thousands here). A bad pointer in the middle of argv or
 * envp, a bad array, and a string running into unmapped memory are
 * EFAULT. posix_spawn takes the same lists. (Near the 2 MiB total the
 * exact edge depends on the stand-in: qemu-user adds its own arguments
 * on the host; the sizes here stay clear of it.)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#define KIB 1024

static const char *ename(int e)
{
	switch (e) {
	case E2BIG: return "E2BIG";
	case EFAULT: return "EFAULT";
	case ENOENT: return "ENOENT";
	case ENOMEM: return "ENOMEM";
	default: return strerror(e);
	}
}

static uint32_t hash(uint32_t h, const char *s)
{
	for (; *s; s++)
		h = (h ^ (uint8_t)*s) * 16777619u;
	return (h ^ 0xff) * 16777619u; /* the NUL too */
}

static int child(int argc, char **argv, char **envp)
{
	uint32_t h = 2166136261u, he = 0;
	size_t bytes = 0;
	int envc = 0;

	for (int i = 0; i < argc; i++) {
		h = hash(h, argv[i]);
		bytes += strlen(argv[i]) + 1;
	}
	/* the environment's in any order: qemu-user reverses it */
	for (char **e = envp; *e; e++, envc++) {
		he += hash(2166136261u, *e);
		bytes += strlen(*e) + 1;
	}
	printf("  child: argc %d, envc %d, %zu bytes, hash %08x %08x\n", argc,
	       envc, bytes, h, he);
	return 0;
}

/* Exec ourselves with argv/envp in a child; report the outcome. */
static void try(const char *what, char **argv, char **envp)
{
	pid_t pid;
	int st;

	printf("%s:\n", what);
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		execve("lx_execargs", argv, envp);
		printf("  execve: %s\n", ename(errno));
		fflush(stdout);
		_exit(99);
	}
	waitpid(pid, &st, 0);
	if (!WIFEXITED(st) || (WEXITSTATUS(st) != 0 && WEXITSTATUS(st) != 99))
		printf("  child status 0x%x\n", st);
}

static char *repeat(char c, size_t n)
{
	char *s = malloc(n + 1);

	memset(s, c, n);
	s[n] = '\0';
	return s;
}

/* argv = { lx_execargs, child, extra[0..n) } */
static char **args(char **extra, int n)
{
	char **v = calloc((size_t)n + 3, sizeof(*v));

	v[0] = "lx_execargs";
	v[1] = "child";
	for (int i = 0; i < n; i++)
		v[2 + i] = extra[i];
	return v;
}

int main(int argc, char **argv, char **envp)
{
	static char *env1[] = { "A=1", "B=two", NULL };

	if (argc > 1 && strcmp(argv[1], "child") == 0)
		return child(argc, argv, envp);
	if (argc < 2 || strcmp(argv[1], "parent") != 0)
		return 2;

	try("small", args(NULL, 0), env1);

	/* many entries: 3000 arguments and 3000 variables */
	char **many = calloc(3000, sizeof(char *)), **menv = calloc(3001, sizeof(char *));
	for (int i = 0; i < 3000; i++) {
		many[i] = malloc(16);
		snprintf(many[i], 16, "arg%d", i);
		menv[i] = malloc(16);
		snprintf(menv[i], 16, "V%d=%d", i, i * 7);
	}
	try("3000 arguments, 3000 variables", args(many, 3000), menv);

	/* one string at the per-string limit, and one byte past it */
	char *max = repeat('m', 128 * KIB - 1), *over = repeat('o', 128 * KIB);
	char *one[1] = { max };
	try("argument of 128 KiB with its NUL", args(one, 1), env1);
	one[0] = over;
	try("argument of 128 KiB + 1", args(one, 1), env1);
	char *envmax = repeat('e', 128 * KIB - 1);
	memcpy(envmax, "BIG=", 4);
	char *envbig[] = { envmax, NULL };
	try("variable of 128 KiB with its NUL", args(NULL, 0), envbig);

	/* a megabyte in 100 KiB strings: fits; 3 MiB: over a quarter of 8 MiB */
	char *mb[32];
	for (int i = 0; i < 32; i++)
		mb[i] = repeat((char)('a' + i % 26), 100 * KIB);
	try("10 x 100 KiB", args(mb, 10), env1);
	try("30 x 100 KiB (3 MiB)", args(mb, 30), env1);
	char *mbenv[33];
	for (int i = 0; i < 32; i++)
		mbenv[i] = mb[i];
	mbenv[32] = NULL;
	try("32 x 100 KiB of environment", args(NULL, 0), mbenv);

	/* pointers alone past the limit: 300000 empty strings */
	char **empties = calloc(300001, sizeof(char *));
	for (int i = 0; i < 300000; i++)
		empties[i] = "";
	try("300000 empty arguments", args(empties, 300000), env1);

	/* bad pointers */
	char *badmid[] = { "lx_execargs", "child", "ok", (char *)16, "after", NULL };
	try("bad pointer in the middle of argv", badmid, env1);
	char *badenv[] = { "A=1", (char *)16, NULL };
	try("bad pointer in envp", args(NULL, 0), badenv);
	try("argv array unmapped", (char **)16, env1);
	char *page = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	munmap(page + 4096, 4096);
	memset(page, 'x', 4096); /* no NUL before the unmapped page */
	char *straddle[1] = { page + 4000 };
	try("string running into unmapped memory", args(straddle, 1), env1);
	page[4095] = '\0';
	try("the same string ended just in time", args(straddle, 1), env1);

	/* posix_spawn with a big list */
	pid_t pid;
	int st;
	fflush(stdout);
	printf("posix_spawn, 3000 arguments:\n");
	fflush(stdout);
	int err = posix_spawn(&pid, "lx_execargs", NULL, NULL, args(many, 3000), menv);
	if (!err)
		waitpid(pid, &st, 0);
	printf("  posix_spawn: %s\n", err ? ename(err) : "ok");
	return 0;
}
