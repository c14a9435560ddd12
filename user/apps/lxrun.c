/*
 * lxrun.c - runs the Linux programs of tests/linux/ one after another in
 * one boot, for tests/jobs_linux.py (docs/LINUX.md).
 *
 * Booted as init="lxrun". It turns the console's echo off, prints
 * "lxrun: ready" and then reads commands from standard input, one a
 * line, fields separated by tabs:
 *
 *   env<TAB>NAME=VALUE<TAB>...   the environment of the programs run
 *                                 after it ("env" alone: an empty one)
 *   timeout<TAB>SECONDS           how long a program may run before it
 *                                 is killed (default 60)
 *   run<TAB>APP<TAB>ARG...        spawn app APP with argv APP ARG...,
 *                                 wait for it
 *   quit                          exit 0 (end of input does too)
 *
 * Around each program's output it prints
 *
 *   @@lxrun start APP
 *   ...what the program wrote to fds 1 and 2...
 *   @@lxrun end APP exit N          (or: signal N, timeout, error -E)
 *
 * with a newline of its own before the end line, so output that does not
 * end in a newline is still told apart (the harness drops that newline).
 * The harness sends the next command only after the end line: the
 * programs must not read standard input. Each program runs as the
 * console's foreground group (as the harness's pseudo-terminal has it on
 * the host); lxrun takes the console back when it has ended.
 */
#include "kite.h"

#define LINE_MAX_LX 512
#define MAX_FIELDS 64
#define POLL_MS 5
#define DEFAULT_TIMEOUT_S 60

static char env_buf[LINE_MAX_LX];
static char *env_vec[MAX_FIELDS + 1];
static long timeout_s = DEFAULT_TIMEOUT_S;

/* Split line at tabs into fields (at most max); returns how many. */
static int split_tabs(char *line, char **fields, int max)
{
	int n = 0;
	char *p = line;

	while (n < max) {
		fields[n++] = p;
		p = strchr(p, '\t');
		if (!p)
			break;
		*p++ = '\0';
	}
	return n;
}

static void echo_off(void)
{
	struct kite_termios t;

	if (ioctl(0, TCGETS, &t) == 0) {
		t.c_lflag &= ~(uint32_t)KITE_ECHO;
		ioctl(0, TCSETS, &t);
	}
}

/* Wait for pid, killing it after timeout_s; prints the end line. */
static void wait_child(const char *app, pid_t pid)
{
	uint64_t deadline = monotonic_ns() + (uint64_t)timeout_s * NSEC_PER_SEC;
	int status = 0;
	bool killed = false;

	for (;;) {
		pid_t got = waitpid(pid, &status, WNOHANG);

		if (got == pid)
			break;
		if (got < 0) {
			printf("\n@@lxrun end %s error %d\n", app, -errno);
			return;
		}
		if (!killed && monotonic_ns() > deadline) {
			kill(pid, SIGKILL);
			killed = true;
		}
		usleep(POLL_MS * 1000);
	}
	if (killed)
		printf("\n@@lxrun end %s timeout\n", app);
	else if (WIFSIGNALED(status))
		printf("\n@@lxrun end %s signal %d\n", app, WTERMSIG(status));
	else
		printf("\n@@lxrun end %s exit %d\n", app, WEXITSTATUS(status));
}

/* The console back to our group (its children's groups may outlive the
 * program), with SIGTTOU blocked as a shell does. */
static void take_console(void)
{
	sigset_t ttou = 1UL << (SIGTTOU - 1), old;
	pid_t me = getpgrp();

	sigprocmask(SIG_BLOCK, &ttou, &old);
	ioctl(0, TIOCSPGRP, &me);
	sigprocmask(SIG_SETMASK, &old, NULL);
}

static void run(char **argv)
{
	pid_t pid;

	printf("@@lxrun start %s\n", argv[0]);
	pid = spawn_flags(argv[0], argv, env_vec, KITE_SPAWN_FOREGROUND);
	if (pid < 0) {
		printf("\n@@lxrun end %s error %d\n", argv[0], -errno);
		return;
	}
	wait_child(argv[0], pid);
	take_console();
}

int main(void)
{
	static char line[LINE_MAX_LX];
	char *f[MAX_FIELDS + 1];
	int n;

	echo_off();
	printf("lxrun: ready\n");
	while (read_line(line, sizeof(line)) >= 0) {
		n = split_tabs(line, f, MAX_FIELDS);
		f[n] = NULL;
		if (strcmp(f[0], "quit") == 0) {
			break;
		} else if (strcmp(f[0], "env") == 0) {
			/* the fields after "env", kept in a copy of the line */
			memcpy(env_buf, line, sizeof(env_buf));
			for (int i = 1; i < n; i++)
				env_vec[i - 1] = env_buf + (f[i] - line);
			env_vec[n - 1] = NULL;
		} else if (strcmp(f[0], "timeout") == 0 && n == 2) {
			timeout_s = atol(f[1]);
		} else if (strcmp(f[0], "run") == 0 && n >= 2) {
			run(f + 1);
		} else if (f[0][0]) {
			printf("lxrun: bad command '%s'\n", f[0]);
		}
	}
	printf("lxrun: done\n");
	return 0;
}
