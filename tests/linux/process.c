/*
 * process.c - lx_process: fork, execve, waitpid, posix_spawn and exec of
 * the program's own name.
 *
 * lx-args: parent
 *
 * As "lx_process parent" (what the harness runs) it forks children that
 * exit with chosen statuses, are waited for by pid, with WNOHANG and in
 * any order; a child that execs lx_process by name with new arguments
 * and environment (argv[1] "child" makes it print them and exit 7);
 * posix_spawn and posix_spawnp of the same; vfork+_exit; copy-on-write
 * seen from both sides of a fork; stdio buffers flushed before fork so
 * nothing is printed twice; errors: exec of a name that does not exist
 * (ENOENT), waitpid of no child (ECHILD), waitpid of a bad pid.
 * Program names are bare ("lx_process"): on Kite an app's name, on the
 * host a file in the working directory (tests/linux/README.md).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static const char *ename(int e)
{
	switch (e) {
	case ENOENT: return "ENOENT";
	case ECHILD: return "ECHILD";
	case EINVAL: return "EINVAL";
	case EFAULT: return "EFAULT";
	case E2BIG: return "E2BIG";
	default: return strerror(e);
	}
}

static void show_status(const char *what, int st)
{
	if (WIFEXITED(st))
		printf("%s: exited %d\n", what, WEXITSTATUS(st));
	else if (WIFSIGNALED(st))
		printf("%s: killed by signal %d\n", what, WTERMSIG(st));
	else
		printf("%s: status 0x%x\n", what, st);
}

/* As a child: print what we were given, exit 7. */
static int child(int argc, char **argv)
{
	printf("child: argc %d:", argc);
	for (int i = 0; i < argc; i++)
		printf(" [%s]", argv[i]);
	printf("; LX_CHILD=%s\n", getenv("LX_CHILD") ? getenv("LX_CHILD") : "(unset)");
	fflush(stdout);
	return 7;
}

static void forks(void)
{
	pid_t pids[5];
	int st;

	for (int i = 0; i < 5; i++) {
		pids[i] = fork();
		if (pids[i] == 0)
			_exit(10 + i);
		if (pids[i] < 0)
			printf("fork: %s\n", ename(errno));
	}
	/* reaped in reverse order, by pid */
	for (int i = 4; i >= 0; i--) {
		pid_t got = waitpid(pids[i], &st, 0);
		char what[32];

		snprintf(what, sizeof(what), "child %d (%s)", i,
			 got == pids[i] ? "its pid" : "WRONG PID");
		show_status(what, st);
	}
	printf("waitpid(-1) with no children: %d %s\n", waitpid(-1, &st, 0),
	       ename(errno));
	printf("waitpid(bad pid): %d %s\n", waitpid(99999, &st, 0), ename(errno));

	/* a child that ends only when told (through shared memory), so
	 * WNOHANG finds it running however slow the machine is */
	volatile int *go = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
				MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	pid_t slow = fork();
	if (slow == 0) {
		while (!*go)
			usleep(1000);
		_exit(3);
	}
	printf("WNOHANG before it ends: %d\n", waitpid(slow, &st, WNOHANG));
	*go = 1;
	printf("then waiting: %s\n", waitpid(slow, &st, 0) == slow ? "its pid" : "?");
	show_status("slow child", st);

	/* copy-on-write: each side sees its own value */
	static int shared = 1;
	pid_t c = fork();
	if (c == 0) {
		shared = 2;
		_exit(shared);
	}
	shared = 3;
	waitpid(c, &st, 0);
	printf("after fork: parent sees %d, child saw %d\n", shared, WEXITSTATUS(st));

	/* a buffered line is flushed before fork: printed once */
	printf("printed once");
	fflush(stdout);
	c = fork();
	if (c == 0)
		_exit(0);
	waitpid(c, &st, 0);
	printf("\n");

	c = vfork();
	if (c == 0)
		_exit(42);
	waitpid(c, &st, 0);
	show_status("vfork child", st);
}

static void execs(void)
{
	char *argv[] = { "lx_process", "child", "from execve", "", NULL };
	char *envp[] = { "LX_CHILD=exec", NULL };
	int st;
	pid_t c;

	fflush(stdout);
	c = fork();
	if (c == 0) {
		execve("lx_process", argv, envp);
		printf("execve: %s\n", ename(errno));
		_exit(127);
	}
	waitpid(c, &st, 0);
	show_status("exec'd child", st);

	c = fork();
	if (c == 0) {
		char *a[] = { "nosuch", NULL };

		execve("lx_nosuch_program", a, envp);
		printf("execve of a missing program: %s\n", ename(errno));
		fflush(stdout);
		_exit(errno == ENOENT ? 0 : 1);
	}
	waitpid(c, &st, 0);
	show_status("missing-program child", st);

	pid_t sp;
	char *sargv[] = { "lx_process", "child", "posix_spawn", NULL };
	/* (the parent prints once the child has ended: on Linux the two
	 * race once the child has exec'd) */
	int err = posix_spawn(&sp, "lx_process", NULL, NULL, sargv, envp);
	if (!err)
		waitpid(sp, &st, 0);
	printf("posix_spawn: %s\n", err ? ename(err) : "ok");
	if (!err)
		show_status("spawned child", st);
	setenv("LX_CHILD", "inherited", 1);
	char *pargv[] = { "lx_process", "child", "posix_spawnp", NULL };
	err = posix_spawnp(&sp, "lx_process", NULL, NULL, pargv, environ);
	if (!err)
		waitpid(sp, &st, 0);
	printf("posix_spawnp: %s\n", err ? ename(err) : "ok");
	if (!err)
		show_status("spawnp'd child", st);
	/* (posix_spawn of a missing program: Linux returns ENOENT, but
	 * qemu-user runs glibc's CLONE_VFORK child as a fork and reports 0,
	 * so that case is Kite-only: usertests) */
}

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "child") == 0)
		return child(argc, argv);
	if (argc < 2 || strcmp(argv[1], "parent") != 0) {
		printf("usage: lx_process parent\n");
		return 2;
	}
	printf("pid == tid: %s, ppid > 0: %s\n", getpid() == gettid() ? "yes" : "no",
	       getppid() > 0 ? "yes" : "no");
	forks();
	execs();
	/* exec ourselves by name: the new image says goodbye */
	fflush(stdout);
	char *argv2[] = { "lx_process", "child", "self-exec", NULL };
	execv("lx_process", argv2);
	printf("execv: %s\n", ename(errno));
	return 1;
}
