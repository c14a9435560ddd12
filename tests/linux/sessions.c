/*
 * sessions.c - lx_sessions: process groups, sessions and the terminal's
 * foreground group, as a job-control shell uses them.
 *
 * The program itself leads its process group and is the terminal's
 * foreground group on both sides (whether it also leads a session
 * differs: on the host the harness gives it a session of its own, on
 * Kite it is in init's), so everything that depends on session
 * leadership is done in forked children: setpgid into a new group and
 * back, its errors (EINVAL, ESRCH, EPERM for a group that does not
 * exist, EACCES once a child has exec'd), the shell's idiom of parent
 * and child both calling setpgid, tcsetpgrp handing the terminal to a
 * child's group and taking it back with SIGTTOU blocked, and setsid: a
 * new session without a controlling terminal (tcgetpgrp then fails with
 * ENOTTY), where a session leader cannot change its group.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define NO_PID 999999

static const char *ename(int e)
{
	switch (e) {
	case 0: return "0";
	case EPERM: return "EPERM";
	case ESRCH: return "ESRCH";
	case EINVAL: return "EINVAL";
	case EACCES: return "EACCES";
	case ENOTTY: return "ENOTTY";
	default: return strerror(e);
	}
}

/* "what: 0" or "what: -1 ENAME" */
static void show(const char *what, long r)
{
	if (r == -1)
		printf("%s: -1 %s\n", what, ename(errno));
	else
		printf("%s: %ld\n", what, r);
}
#define SHOW(call) show(#call, (long)(call))

static const char *yes(int c)
{
	return c ? "yes" : "no";
}

static void nap_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

static int wait_status(pid_t pid)
{
	int st = -1;

	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* A child of a group leader: moves between groups, then a session of
 * its own. */
static int mover(void)
{
	pid_t parent = getppid(), me = getpid();

	printf("child in the parent's group: %s\n", yes(getpgrp() == parent));
	printf("child in the parent's session: %s\n", yes(getsid(0) == getsid(parent)));
	printf("parent's group in the foreground: %s\n", yes(tcgetpgrp(0) == parent));
	SHOW(setpgid(0, -1));
	SHOW(setpgid(-1, 0));
	SHOW(setpgid(NO_PID, 0));
	SHOW(setpgid(0, NO_PID));
	SHOW(getpgid(NO_PID));
	SHOW(getsid(NO_PID));
	SHOW(setpgid(0, 0));
	printf("leads its own group: %s\n", yes(getpgrp() == me && getpgid(0) == me));
	SHOW(setpgid(me, parent));
	printf("back in the parent's group: %s\n", yes(getpgrp() == parent));
	printf("setsid gives its pid: %s\n", yes(setsid() == me));
	printf("leads session and group: %s\n", yes(getsid(0) == me && getpgrp() == me));
	SHOW(tcgetpgrp(0));
	SHOW(tcsetpgrp(0, me));
	SHOW(setpgid(0, 0));
	SHOW(setpgid(0, parent));
	SHOW(setsid());
	fflush(stdout);
	return 0;
}

int main(int argc, char **argv)
{
	sigset_t ttou, old;
	pid_t c;

	if (argc > 1 && !strcmp(argv[1], "idle")) {
		nap_ms(5000);
		return 0;
	}
	printf("leads its group: %s\n", yes(getpgrp() == getpid()));
	printf("its group in the foreground: %s\n", yes(tcgetpgrp(0) == getpgrp()));
	SHOW(setsid()); /* a group leader may not */
	fflush(stdout);

	c = fork();
	if (c == 0)
		return mover();
	printf("mover: exit %d\n", wait_status(c));

	/* the shell's idiom: parent and child both put the child in a new
	 * group, whichever runs first */
	c = fork();
	if (c == 0) {
		setpgid(0, 0);
		nap_ms(5000);
		_exit(0);
	}
	SHOW(setpgid(c, c));
	printf("child leads its group: %s\n", yes(getpgid(c) == c));
	/* the terminal to the child's group, and back with SIGTTOU blocked */
	SHOW(tcsetpgrp(0, c));
	printf("child's group in the foreground: %s\n", yes(tcgetpgrp(0) == c));
	sigemptyset(&ttou);
	sigaddset(&ttou, SIGTTOU);
	sigprocmask(SIG_BLOCK, &ttou, &old);
	SHOW(tcsetpgrp(0, getpgrp()));
	sigprocmask(SIG_SETMASK, &old, NULL);
	printf("ours again: %s\n", yes(tcgetpgrp(0) == getpgrp()));
	SHOW(tcsetpgrp(0, NO_PID));
	SHOW(setpgid(c, getpgrp()));
	printf("child back in our group: %s\n", yes(getpgid(c) == getpgrp()));
	kill(c, SIGKILL);
	printf("idle child: status %d\n", wait_status(c));

	/* once a child has exec'd, its parent may not move it */
	c = fork();
	if (c == 0) {
		execl("lx_sessions", "lx_sessions", "idle", (char *)NULL);
		_exit(127);
	}
	for (int i = 0; i < 5000; i++) {
		if (setpgid(c, 0) == -1) /* 0 until the exec */
			break;
		setpgid(c, getpgrp());
		nap_ms(1);
	}
	printf("setpgid after exec: %s\n", ename(errno));
	kill(c, SIGKILL);
	printf("exec'd child: status %d\n", wait_status(c));
	return 0;
}
