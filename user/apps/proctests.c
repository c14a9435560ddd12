/*
 * proctests.c - process attributes a Linux program reads and sets:
 * process groups and sessions (setpgid, getpgid, getsid, setsid; the
 * console's job control belongs to init's session), the scheduling
 * policy calls and getcpu, prctl (names, parent-death signal, dumpable,
 * no_new_privs, timer slack) and umask, with their errors in Linux's
 * order; and sh -c, as a Linux program's system() runs /bin/sh. Run like usertests (tests/run.py: proctests[cpus=N],
 * 1 and 4 harts), each test in a forked child, every frame back at the
 * end. tests/linux/sessions.c compares the same rules with Linux.
 *
 *	proctests [--harts=N] [TEST...]
 */
#include "usertests.h"
#include "uapi/linux.h"

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

/* ---- scheduling policy, getcpu ---------------------------------------- */

static long setsched(long pid, long policy, struct kite_sched_param *p)
{
	return syscall3(SYS_sched_setscheduler, pid, policy, p);
}

static void t_sched_policy(void)
{
	struct kite_sched_param p0 = { 0 }, p1 = { 1 }, p100 = { 100 }, got = { 7 };
	struct kite_timespec ts = { -1, -1 };
	pid_t c;

	EQ(syscall1(SYS_sched_getscheduler, 0), SCHED_OTHER);
	EQ(syscall2(SYS_sched_getparam, 0, &got), 0);
	EQ(got.sched_priority, 0);
	EQ(syscall1(SYS_sched_get_priority_max, SCHED_FIFO), 99);
	EQ(syscall1(SYS_sched_get_priority_min, SCHED_RR), 1);
	EQ(syscall1(SYS_sched_get_priority_max, SCHED_OTHER), 0);
	EQ(syscall1(SYS_sched_get_priority_min, SCHED_IDLE), 0);
	EQ(syscall1(SYS_sched_get_priority_max, 4), -EINVAL);
	EQ(syscall1(SYS_sched_get_priority_min, -1), -EINVAL);
	/* errors, in Linux's order */
	EQ(setsched(0, -1, &p0), -EINVAL);
	EQ(setsched(0, SCHED_OTHER, NULL), -EINVAL);
	EQ(setsched(-1, SCHED_OTHER, &p0), -EINVAL);
	EQ(setsched(0, SCHED_OTHER, KADDR), -EFAULT);
	EQ(setsched(NO_PID, SCHED_OTHER, &p0), -ESRCH);
	EQ(setsched(0, 4, &p0), -EINVAL);
	EQ(setsched(0, SCHED_OTHER, &p1), -EINVAL);
	EQ(setsched(0, SCHED_FIFO, &p0), -EINVAL);
	EQ(setsched(0, SCHED_FIFO, &p100), -EINVAL);
	EQ(setsched(0, SCHED_FIFO, &p1), -EPERM); /* RLIMIT_RTPRIO 0 */
	EQ(setsched(0, SCHED_RR, &p1), -EPERM);
	EQ(setsched(0, SCHED_DEADLINE, &p0), -EINVAL);
	EQ(syscall1(SYS_sched_getscheduler, -1), -EINVAL);
	EQ(syscall1(SYS_sched_getscheduler, NO_PID), -ESRCH);
	EQ(syscall2(SYS_sched_getparam, 0, NULL), -EINVAL);
	EQ(syscall2(SYS_sched_getparam, NO_PID, &got), -ESRCH);
	EQ(syscall2(SYS_sched_getparam, 0, KADDR), -EFAULT);
	/* batch, reset on fork: a child keeps SCHED_BATCH without the flag
	 * (only real-time policies go back to SCHED_OTHER) */
	EQ(setsched(0, SCHED_BATCH | SCHED_RESET_ON_FORK, &p0), 0);
	EQ(syscall1(SYS_sched_getscheduler, 0), SCHED_BATCH | SCHED_RESET_ON_FORK);
	EQ(syscall2(SYS_sched_setparam, 0, &p0), 0); /* keeps the policy */
	EQ(syscall2(SYS_sched_setparam, 0, &p1), -EINVAL);
	EQ(syscall1(SYS_sched_getscheduler, getpid()), SCHED_BATCH | SCHED_RESET_ON_FORK);
	c = fork();
	CHECK(c >= 0, "fork");
	if (c == 0)
		_exit(syscall1(SYS_sched_getscheduler, 0) == SCHED_BATCH ? 0 : 2);
	reap_code(c, 0, "child after a reset on fork");
	EQ(setsched(0, SCHED_BATCH, &p0), 0);
	c = fork();
	CHECK(c >= 0, "fork");
	if (c == 0)
		_exit(syscall1(SYS_sched_getscheduler, 0) == SCHED_BATCH ? 0 : 2);
	reap_code(c, 0, "child keeping SCHED_BATCH");
	/* SCHED_IDLE is a one-way door without privilege */
	EQ(setsched(0, SCHED_IDLE, &p0), 0);
	EQ(setsched(0, SCHED_OTHER, &p0), -EPERM);
	EQ(setsched(0, SCHED_IDLE, &p0), 0);
	EQ(syscall1(SYS_sched_getscheduler, 0), SCHED_IDLE);
	/* the slice */
	EQ(syscall2(SYS_sched_rr_get_interval, 0, &ts), 0);
	CHECK(ts.tv_sec == 0 && ts.tv_nsec > 0 && ts.tv_nsec < 1000000000L,
	      "slice %ld.%09ld", (long)ts.tv_sec, (long)ts.tv_nsec);
	EQ(syscall2(SYS_sched_rr_get_interval, -1, &ts), -EINVAL);
	EQ(syscall2(SYS_sched_rr_get_interval, NO_PID, &ts), -ESRCH);
	EQ(syscall2(SYS_sched_rr_get_interval, 0, NULL), -EFAULT);
}

/* getcpu: the hart we run on, as a pinned thread sees it */
static void t_getcpu(void)
{
	unsigned cpu = 99, node = 99;
	int n = harts > 0 ? harts : 1;

	EQ(syscall3(SYS_getcpu, &cpu, &node, NULL), 0);
	CHECK(cpu < 64 && node == 0, "cpu %u node %u", cpu, node);
	EQ(syscall3(SYS_getcpu, NULL, NULL, NULL), 0);
	EQ(syscall3(SYS_getcpu, KADDR, NULL, NULL), -EFAULT);
	EQ(syscall3(SYS_getcpu, NULL, KADDR, NULL), -EFAULT);
	for (int h = 0; h < n; h++) {
		uint64_t mask = 1UL << h;

		EQ(syscall3(SYS_sched_setaffinity, 0, sizeof(mask), &mask), 0);
		sched_yield();
		EQ(syscall3(SYS_getcpu, &cpu, NULL, NULL), 0);
		EQ(cpu, h);
	}
}

/* ---- prctl and umask ---------------------------------------------------- */

static long prctl2(long op, long arg)
{
	return syscall5(SYS_prctl, op, arg, 0, 0, 0);
}

/* The name ps shows: the process table's entry for pid. */
static bool ps_name_is(pid_t pid, const char *want)
{
	static struct kite_procinfo tab[1100];
	long n = syscall2(SYS_kite_procs, tab, ARRAY_SIZE(tab));

	for (long i = 0; i < n; i++)
		if (tab[i].pid == pid)
			return strcmp(tab[i].name, want) == 0;
	return false;
}

static void t_prctl_name(void)
{
	char name[16], *edge = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE,
				    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	CHECK(edge != MAP_FAILED, "mmap");
	EQ(munmap(edge + PAGE, PAGE), 0);
	EQ(prctl2(PR_GET_NAME, (long)name), 0);
	EQ(strcmp(name, "proctests"), 0);
	EQ(prctl2(PR_SET_NAME, (long)"worker-1"), 0);
	EQ(prctl2(PR_GET_NAME, (long)name), 0);
	EQ(strcmp(name, "worker-1"), 0);
	CHECK(ps_name_is(getpid(), "worker-1"), "ps does not show worker-1");
	/* cut at 15 bytes */
	EQ(prctl2(PR_SET_NAME, (long)"abcdefghijklmnopqrstuvwxyz"), 0);
	EQ(prctl2(PR_GET_NAME, (long)name), 0);
	EQ(strcmp(name, "abcdefghijklmno"), 0);
	/* a name running into unmapped memory: 15 bytes are readable */
	memcpy(edge + PAGE - 15, "fifteen-bytes!!", 15);
	EQ(prctl2(PR_SET_NAME, (long)(edge + PAGE - 15)), 0);
	EQ(prctl2(PR_GET_NAME, (long)name), 0);
	EQ(strcmp(name, "fifteen-bytes!!"), 0);
	EQ(prctl2(PR_SET_NAME, (long)(edge + PAGE - 3)), -EFAULT);
	EQ(prctl2(PR_SET_NAME, 0), -EFAULT);
	EQ(prctl2(PR_SET_NAME, (long)KADDR), -EFAULT);
	EQ(prctl2(PR_GET_NAME, (long)KADDR), -EFAULT);
	EQ(prctl2(PR_GET_NAME, (long)(edge + PAGE - 8)), -EFAULT);
	EQ(prctl2(9999, 0), -EINVAL);
	EQ(prctl2(-1, 0), -EINVAL);
	EQ(munmap(edge, PAGE), 0);
}

static void t_prctl_flags(void)
{
	int sig = -1;
	pid_t c;

	EQ(prctl2(PR_GET_DUMPABLE, 0), 1);
	EQ(prctl2(PR_SET_DUMPABLE, 2), -EINVAL);
	EQ(prctl2(PR_SET_DUMPABLE, 0), 0);
	EQ(prctl2(PR_GET_DUMPABLE, 0), 0);
	EQ(prctl2(PR_GET_NO_NEW_PRIVS, 0), 0);
	EQ(prctl2(PR_SET_NO_NEW_PRIVS, 0), -EINVAL);
	EQ(syscall5(SYS_prctl, PR_SET_NO_NEW_PRIVS, 1, 1, 0, 0), -EINVAL);
	EQ(prctl2(PR_SET_NO_NEW_PRIVS, 1), 0);
	EQ(prctl2(PR_GET_NO_NEW_PRIVS, 0), 1);
	EQ(prctl2(PR_GET_NO_NEW_PRIVS, 1), -EINVAL);
	EQ(prctl2(PR_GET_TIMERSLACK, 0), 50000);
	EQ(prctl2(PR_SET_TIMERSLACK, 1000), 0);
	EQ(prctl2(PR_GET_TIMERSLACK, 0), 1000);
	c = fork();
	CHECK(c >= 0, "fork");
	if (c == 0) /* kept by a fork: all but the death signal */
		_exit(prctl2(PR_GET_NO_NEW_PRIVS, 0) == 1 &&
		      prctl2(PR_GET_DUMPABLE, 0) == 0 &&
		      prctl2(PR_GET_TIMERSLACK, 0) == 1000 ? 0 : 2);
	reap_code(c, 0, "child keeping the flags");
	EQ(prctl2(PR_SET_TIMERSLACK, 0), 0);
	EQ(prctl2(PR_GET_TIMERSLACK, 0), 50000);
	EQ(prctl2(PR_SET_PDEATHSIG, 65), -EINVAL);
	EQ(prctl2(PR_GET_PDEATHSIG, (long)&sig), 0);
	EQ(sig, 0);
	EQ(prctl2(PR_SET_PDEATHSIG, SIGUSR1), 0);
	EQ(prctl2(PR_GET_PDEATHSIG, (long)&sig), 0);
	EQ(sig, SIGUSR1);
	EQ(prctl2(PR_GET_PDEATHSIG, (long)KADDR), -EFAULT);
}

/* A grandchild asks for SIGTERM when its parent dies; the parent exits;
 * the grandchild (now init's) is ended by the signal. Its pid comes
 * through a shared page, its end through a probe with kill(pid, 0). */
static void t_pdeathsig(void)
{
	volatile pid_t *g = mmap(NULL, PAGE, PROT_READ | PROT_WRITE,
				 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	pid_t c;
	int i;

	CHECK(g != MAP_FAILED, "mmap");
	g[0] = 0;
	g[1] = 0;
	c = fork();
	CHECK(c >= 0, "fork");
	if (c == 0) {
		pid_t gc = fork();

		if (gc == 0) {
			prctl2(PR_SET_PDEATHSIG, SIGTERM);
			g[1] = 1; /* armed */
			sleep_ms(10000);
			_exit(3); /* not ended by the signal */
		}
		g[0] = gc;
		while (!g[1])
			sleep_ms(1);
		_exit(0); /* the grandchild's parent dies */
	}
	reap_code(c, 0, "parent");
	CHECK(g[0] > 0, "no grandchild");
	for (i = 0; i < 5000 && kill(g[0], 0) == 0; i++)
		sleep_ms(1);
	CHECK(i < 5000, "grandchild %d still alive 5 s after its parent", g[0]);
	EQ(munmap((void *)g, PAGE), 0);
}

static void t_umask(void)
{
	pid_t c;

	EQ(syscall1(SYS_umask, 077), 022);
	EQ(syscall1(SYS_umask, 0777 | 07000), 077);
	EQ(syscall1(SYS_umask, 022), 0777);
	EQ(syscall1(SYS_umask, 027), 022);
	c = fork();
	CHECK(c >= 0, "fork");
	if (c == 0)
		_exit(syscall1(SYS_umask, 0) == 027 ? 0 : 2);
	reap_code(c, 0, "child's umask");
}

/* sh -c as /bin/sh (a Linux program's system()): statuses, and the
 * app directories a path may name. */
static void t_sh_c(void)
{
	char *exit5[] = { "sh", "-c", "exit 5", NULL };
	char *nosuch[] = { "sh", "-c", "no-such-app x", NULL };
	char *none[] = { "sh", "-c", NULL };
	char *app[] = { "sh", "-c", "true", NULL };
	char *bad[] = { "sh", "-c", "echo 'open", NULL };
	char *t[] = { "true", NULL };

	reap_code(spawn("/bin/sh", exit5, NULL), 5, "sh -c 'exit 5'");
	reap_code(spawn("/usr/bin/sh", nosuch, NULL), 127, "sh -c no-such-app");
	reap_code(spawn("sh", none, NULL), 2, "sh -c without a command");
	reap_code(spawn("./sh", app, NULL), 0, "sh -c true");
	reap_code(spawn("sh", bad, NULL), 2, "sh -c with an open quote");
	reap_code(spawn("/usr/bin/true", t, NULL), 0, "/usr/bin/true");
	ERR(spawn("/bin/", t, NULL), ENOENT);
	ERR(spawn("/sbin/true", t, NULL), ENOENT);
	ERR(spawn("/bin/bin/true", t, NULL), ENOENT);
}

static const struct test tests[] = {
	T(getters), T(setpgid), T(setpgid_exec), T(setsid), T(setsid_leader),
	T(foreground_left), T(setpgid_harts), T(sched_policy), T(getcpu),
	T(prctl_name), T(prctl_flags), T(pdeathsig), T(umask), T(sh_c),
};

int main(int argc, char **argv)
{
	return tests_main("proctests", tests, ARRAY_SIZE(tests), argc, argv);
}
