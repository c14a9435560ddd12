/*
 * proctests.c - process attributes a Linux program reads and sets:
 * process groups and sessions (setpgid, getpgid, getsid, setsid; the
 * console's job control belongs to init's session), and their errors
 * in Linux's order. Run like usertests (tests/run.py: proctests[cpus=N],
 * 1 and 4 harts), each test in a forked child, every frame back at the
 * end. tests/linux/sessions.c compares the same rules with Linux.
 *
 *	proctests [--harts=N] [TEST...]
 */
#include "usertests.h"

#define NO_PID 999999

/* A forked child that waits (up to 5 s) for SIGKILL. */
static pid_t idle_child(void)
{
	pid_t c = fork();

	CHECK(c >= 0, "fork: %s", strerror(errno));
	if (c == 0) {
		sleep_ms(5000);
		_exit(0);
	}
	return c;
}

static void end_child(pid_t c)
{
	EQ(kill(c, SIGKILL), 0);
	EQ(waitpid(c, NULL, 0), c);
}

static void t_getters(void)
{
	EQ(getpgid(0), getpgrp());
	EQ(getpgid(getpid()), getpgrp());
	EQ(getsid(0), 1); /* init's session: the console's */
	EQ(getsid(getpid()), 1);
	EQ(getpgid(1), 1);
	EQ(getsid(1), 1);
	ERR(getpgid(NO_PID), ESRCH);
	ERR(getsid(NO_PID), ESRCH);
	ERR(getpgid(-1), ESRCH);
	ERR(getsid(-5), ESRCH);
	ERR(getpgid(0x7fffffff), ESRCH);
	/* a pid_t is an int: the upper bits are not looked at (Linux) */
	EQ(syscall1(SYS_getpgid, 1L << 40), getpgrp());
	EQ(syscall1(SYS_getsid, (1L << 40) | 1), 1);
}

/* The test child is a fork of the driver: it leads no group, so it can
 * lead one; a child of it moves between the two groups. */
static void t_setpgid(void)
{
	pid_t me = getpid(), old = getpgrp(), c;

	CHECK(old != me, "a forked test child leads group %d", old);
	ERR(setpgid(0, -1), EINVAL);
	ERR(setpgid(-1, 0), EINVAL); /* pgid 0 is pid, -1: Linux's order */
	ERR(setpgid(-1, 5), ESRCH);
	ERR(setpgid(NO_PID, 0), ESRCH);
	ERR(setpgid(1, 0), ESRCH); /* not our child */
	ERR(setpgid(0, NO_PID), EPERM); /* no such group */
	EQ(setpgid(0, 0), 0);
	EQ(getpgrp(), me);
	EQ(setpgid(me, me), 0); /* again: no change */
	c = idle_child();
	EQ(getpgid(c), me);
	EQ(setpgid(c, 0), 0); /* a group of its own */
	EQ(getpgid(c), c);
	EQ(setpgid(c, me), 0); /* back into ours */
	EQ(getpgid(c), me);
	EQ(setpgid(c, old), 0); /* the driver's group: same session */
	EQ(getpgid(c), old);
	EQ(setpgid(0, old), 0); /* we go back too */
	EQ(getpgrp(), old);
	ERR(setpgid(c, me), EPERM); /* group me is gone */
	end_child(c);
	ERR(getpgid(c), ESRCH); /* reaped */
}

/* A spawned child has exec'd: its parent may no longer move it. A
 * grandchild is not ours to move. */
static void t_setpgid_exec(void)
{
	char *argv[] = { "sleep", "5", NULL };
	pid_t s = spawn("sleep", argv, NULL), c;

	CHECK(s > 0, "spawn sleep: %s", strerror(errno));
	EQ(getpgid(s), s);
	ERR(setpgid(s, 0), EACCES);
	ERR(setpgid(s, getpgrp()), EACCES);
	end_child(s);
	/* the grandchild's pid comes through a shared page */
	volatile pid_t *g = mmap(NULL, PAGE, PROT_READ | PROT_WRITE,
				 MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	CHECK(g != MAP_FAILED, "mmap: %s", strerror(errno));
	*g = 0;
	c = fork();
	CHECK(c >= 0, "fork");
	if (c == 0) {
		pid_t gc = idle_child();

		*g = gc;
		waitpid(gc, NULL, 0);
		_exit(0);
	}
	while (*g == 0)
		sleep_ms(1);
	ERR(setpgid(*g, 0), ESRCH); /* not our child */
	EQ(getpgid(*g), getpgrp());
	EQ(kill(*g, SIGKILL), 0);
	reap_code(c, 0, "child");
	EQ(munmap((void *)g, PAGE), 0);
}

/* setsid: a new session led by the caller, which then has no
 * controlling terminal; a group leader may not. */
static void t_setsid(void)
{
	pid_t me = getpid(), c;
	int pg = 0;

	EQ(setsid(), me);
	EQ(getsid(0), me);
	EQ(getpgrp(), me);
	ERR(setsid(), EPERM); /* leads its group now */
	ERR(setpgid(0, 0), EPERM); /* a session leader stays */
	ERR(ioctl(0, TIOCGPGRP, &pg), ENOTTY);
	ERR(ioctl(0, TIOCSPGRP, &pg), ENOTTY);
	ERR(spawn_flags("sleep", (char *[]){ "sleep", "0", NULL }, NULL,
			KITE_SPAWN_FOREGROUND), EPERM);
	CHECK(write(1, "", 0) == 0, "write: %s", strerror(errno));
	c = fork();
	CHECK(c >= 0, "fork");
	if (c == 0) {
		/* in our session; not a leader; the console's groups are
		 * another session's */
		if (getsid(0) != me || getpgrp() != me)
			_exit(2);
		if (setpgid(0, 1) != -1 || errno != EPERM)
			_exit(3);
		if (setpgid(0, 0) != 0 || getpgrp() != getpid())
			_exit(4);
		if (setsid() != -1 || errno != EPERM) /* it leads a group */
			_exit(5);
		_exit(0);
	}
	reap_code(c, 0, "child");
}

/* A forked child that made itself a group leader cannot setsid; a fork
 * of it (no leader) can, and its parent then cannot move it. */
static void t_setsid_leader(void)
{
	pid_t c;

	EQ(setpgid(0, 0), 0);
	ERR(setsid(), EPERM);
	c = fork();
	CHECK(c >= 0, "fork");
	if (c == 0)
		_exit(setsid() == getpid() ? 0 : 2);
	reap_code(c, 0, "child");
	c = fork();
	CHECK(c >= 0, "fork");
	if (c == 0) {
		setsid();
		sleep_ms(5000);
		_exit(0);
	}
	while (getsid(c) != c) /* until it has its own session */
		sleep_ms(1);
	ERR(setpgid(c, c), EPERM); /* another session's now */
	ERR(setpgid(c, getpgrp()), EPERM);
	end_child(c);
}

/* The console's foreground group stops being one when its last member
 * leaves it by setpgid, as when it exits. */
static void t_foreground_left(void)
{
	pid_t me = getpid(), c;
	int saved = 0, fg = -1;

	EQ(ioctl(0, TIOCGPGRP, &saved), 0);
	c = fork();
	CHECK(c >= 0, "fork");
	if (c == 0) {
		pid_t parent_group = getpgrp();

		if (setpgid(0, 0))
			_exit(2);
		/* wait until the parent has made us the foreground */
		for (int i = 0; i < 5000; i++) {
			int f = 0;

			if (ioctl(0, TIOCGPGRP, &f) == 0 && f == getpid())
				_exit(setpgid(0, parent_group) ? 3 : 0);
			sleep_ms(1);
		}
		_exit(4);
	}
	while (getpgid(c) != c)
		sleep_ms(1);
	EQ(ioctl(0, TIOCSPGRP, &c), 0);
	reap_code(c, 0, "child");
	EQ(ioctl(0, TIOCGPGRP, &fg), 0);
	EQ(fg, 0); /* the group it left is no one's */
	(void)me;
	if (saved > 0)
		ioctl(0, TIOCSPGRP, &saved);
}

/* Many processes at once moving between groups on every hart while
 * others read the groups: every answer one of the two groups. */
static void t_setpgid_harts(void)
{
	enum { KIDS = 8, ROUNDS = 200 };
	pid_t kids[KIDS], me = getpid();

	EQ(setpgid(0, 0), 0);
	for (int i = 0; i < KIDS; i++) {
		kids[i] = fork();
		CHECK(kids[i] >= 0, "fork");
		if (kids[i] == 0) {
			for (int r = 0; r < ROUNDS; r++) {
				pid_t want = r % 2 ? me : getpid(), got;

				if (setpgid(0, want) != 0)
					_exit(2);
				got = getpgid(0);
				if (got != want)
					_exit(3);
				if (r % 16 == 0)
					sched_yield();
			}
			_exit(setpgid(0, me) ? 4 : 0);
		}
	}
	for (int r = 0; r < ROUNDS; r++)
		for (int i = 0; i < KIDS; i++) {
			pid_t g = getpgid(kids[i]);

			CHECK(g == me || g == kids[i] || (g == -1 && errno == ESRCH),
			      "kid %d in group %d", kids[i], g);
		}
	for (int i = 0; i < KIDS; i++) {
		reap_code(kids[i], 0, "kid");
	}
}

static const struct test tests[] = {
	T(getters), T(setpgid), T(setpgid_exec), T(setsid), T(setsid_leader),
	T(foreground_left), T(setpgid_harts),
};

int main(int argc, char **argv)
{
	return tests_main("proctests", tests, ARRAY_SIZE(tests), argc, argv);
}
