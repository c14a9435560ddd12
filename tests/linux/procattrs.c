/*
 * procattrs.c - lx_procattrs: attributes a program sets for itself and
 * reads back: prctl's thread name (cut at 15 bytes, pthread_setname_np
 * and pthread_getname_np on the calling thread), dumpable, no_new_privs,
 * timer slack, the parent-death signal (a grandchild that asked for
 * SIGTERM is ended when its parent exits), umask and its inheritance,
 * the scheduling-policy calls an unprivileged program may make
 * (SCHED_BATCH, SCHED_RESET_ON_FORK, priority ranges, errors) and
 * sched_getcpu. Only what an unprivileged program sees the same way
 * everywhere is printed: not the first name (the host's is
 * qemu-user's), not the slack's default, not the slice's length.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char *ename(int e)
{
	switch (e) {
	case EINVAL: return "EINVAL";
	case ESRCH: return "ESRCH";
	case EFAULT: return "EFAULT";
	case EPERM: return "EPERM";
	default: return strerror(e);
	}
}

static void show(const char *what, long r)
{
	if (r == -1)
		printf("%s: -1 %s\n", what, ename(errno));
	else
		printf("%s: %ld\n", what, r);
}
#define SHOW(call) show(#call, (long)(call))

static void nap_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

static int child_status(pid_t c)
{
	int st = -1;

	waitpid(c, &st, 0);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static void names(void)
{
	char name[32] = "";

	SHOW(prctl(PR_SET_NAME, "worker-1"));
	SHOW(prctl(PR_GET_NAME, name));
	printf("name: %s\n", name);
	SHOW(prctl(PR_SET_NAME, "abcdefghijklmnopqrstuvwxyz"));
	prctl(PR_GET_NAME, name);
	printf("name cut: %s (%zu bytes)\n", name, strlen(name));
	SHOW(pthread_setname_np(pthread_self(), "via-pthread"));
	memset(name, 0, sizeof(name));
	SHOW(pthread_getname_np(pthread_self(), name, sizeof(name)));
	printf("pthread name: %s\n", name);
	printf("setname of 16 bytes: %s\n",
	       ename(pthread_setname_np(pthread_self(), "0123456789abcdef")));
	SHOW(prctl(PR_SET_NAME, NULL));
	SHOW(prctl(9999, 0, 0, 0, 0));
}

static void flags(void)
{
	pid_t c;

	SHOW(prctl(PR_SET_DUMPABLE, 2));
	SHOW(prctl(PR_SET_DUMPABLE, 0));
	SHOW(prctl(PR_GET_DUMPABLE));
	SHOW(prctl(PR_SET_DUMPABLE, 1));
	SHOW(prctl(PR_GET_DUMPABLE));
	SHOW(prctl(PR_SET_NO_NEW_PRIVS, 0, 0, 0, 0));
	SHOW(prctl(PR_SET_NO_NEW_PRIVS, 1, 1, 0, 0));
	SHOW(prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0));
	SHOW(prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0));
	SHOW(prctl(PR_SET_TIMERSLACK, 1000));
	SHOW(prctl(PR_GET_TIMERSLACK));
	fflush(stdout);
	c = fork();
	if (c == 0)
		_exit(prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) == 1 &&
		      prctl(PR_GET_TIMERSLACK) == 1000 ? 0 : 2);
	printf("a fork keeps no_new_privs and the slack: %s\n",
	       child_status(c) == 0 ? "yes" : "no");
}

/* the grandchild's SIGTERM handler says so in the shared page */
static volatile int *shared;

static void on_term(int sig)
{
	shared[1] = sig;
	_exit(0);
}

static void deathsig(void)
{
	int sig = -1;
	pid_t c;

	SHOW(prctl(PR_SET_PDEATHSIG, 65));
	SHOW(prctl(PR_GET_PDEATHSIG, &sig));
	printf("death signal: %d\n", sig);
	shared = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	fflush(stdout);
	c = fork();
	if (c == 0) {
		if (fork() == 0) {
			int s = -1;

			signal(SIGTERM, on_term);
			prctl(PR_SET_PDEATHSIG, SIGTERM);
			prctl(PR_GET_PDEATHSIG, &s);
			shared[0] = s; /* armed */
			nap_ms(10000);
			_exit(3);
		}
		while (!shared[0])
			nap_ms(1);
		_exit(0);
	}
	printf("the parent: exit %d\n", child_status(c));
	for (int i = 0; i < 5000 && !shared[1]; i++)
		nap_ms(1);
	printf("the grandchild asked for %d and got %d\n", shared[0], shared[1]);
}

static void masks(void)
{
	pid_t c;

	umask(022);
	printf("umask: %04o\n", umask(077));
	printf("umask: %04o\n", umask(07777));
	printf("umask: %04o\n", umask(027));
	fflush(stdout);
	c = fork();
	if (c == 0)
		_exit(umask(0) == 027 ? 0 : 2);
	printf("a fork keeps the umask: %s\n", child_status(c) == 0 ? "yes" : "no");
}

static void policies(void)
{
	struct sched_param p0 = { 0 }, p1 = { 1 }, got = { 7 };
	struct timespec ts;
	pid_t c;

	SHOW(sched_getscheduler(0));
	SHOW(sched_getparam(0, &got));
	printf("priority: %d\n", got.sched_priority);
	printf("FIFO %d..%d, RR %d..%d, OTHER %d..%d, BATCH %d, IDLE %d\n",
	       sched_get_priority_min(SCHED_FIFO), sched_get_priority_max(SCHED_FIFO),
	       sched_get_priority_min(SCHED_RR), sched_get_priority_max(SCHED_RR),
	       sched_get_priority_min(SCHED_OTHER), sched_get_priority_max(SCHED_OTHER),
	       sched_get_priority_max(SCHED_BATCH), sched_get_priority_max(SCHED_IDLE));
	SHOW(sched_get_priority_max(4));
	SHOW(sched_setscheduler(0, 4, &p0));
	SHOW(sched_setscheduler(0, -1, &p0));
	SHOW(sched_setscheduler(0, SCHED_OTHER, &p1));
	SHOW(sched_setscheduler(0, SCHED_FIFO, &p0));
	SHOW(sched_setscheduler(0, SCHED_OTHER, NULL));
	SHOW(sched_setscheduler(-1, SCHED_OTHER, &p0));
	SHOW(sched_setscheduler(999999, SCHED_OTHER, &p0));
	SHOW(sched_getscheduler(999999));
	SHOW(sched_getscheduler(-1));
	SHOW(sched_setscheduler(0, SCHED_BATCH | SCHED_RESET_ON_FORK, &p0));
	SHOW(sched_getscheduler(0) == (SCHED_BATCH | SCHED_RESET_ON_FORK));
	SHOW(sched_setparam(0, &p0));
	SHOW(sched_setparam(0, &p1));
	fflush(stdout);
	c = fork();
	if (c == 0)
		_exit(sched_getscheduler(0));
	printf("a child after a reset on fork: policy %d\n", child_status(c));
	SHOW(sched_setscheduler(0, SCHED_BATCH, &p0));
	fflush(stdout);
	c = fork();
	if (c == 0)
		_exit(sched_getscheduler(0));
	printf("a child of SCHED_BATCH: policy %d\n", child_status(c));
	SHOW(sched_setscheduler(0, SCHED_OTHER, &p0));
	SHOW(sched_rr_get_interval(0, &ts));
	SHOW(sched_rr_get_interval(-1, &ts));
	SHOW(sched_rr_get_interval(999999, &ts));
	printf("sched_getcpu: %s\n", sched_getcpu() >= 0 ? "a cpu" : ename(errno));
}

int main(void)
{
	names();
	flags();
	deathsig();
	masks();
	policies();
	return 0;
}
