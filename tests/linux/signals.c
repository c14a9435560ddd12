/*
 * signals.c - signals the glibc way: sigaction with and without
 * SA_SIGINFO, masks and sigpending, the order of delivery, real-time
 * signals queueing, SA_RESTART versus EINTR, sigsuspend, SIGCHLD with
 * its siginfo, SIG_IGN's reaping. Its output is the
 * same on Linux and on Kite (tests/linux/: compared with
 * qemu-riscv64-static).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t got[8], ngot, last_code, last_pid, last_status;

static void on_sig(int s)
{
	if (ngot < 8)
		got[ngot] = s;
	ngot++;
}

static void on_info(int s, siginfo_t *si, void *uc)
{
	(void)uc;
	on_sig(s);
	last_code = si->si_code;
	last_pid = si->si_pid;
	last_status = si->si_status;
}

static volatile sig_atomic_t value_sum, value_code_ok;

static void on_value(int s, siginfo_t *si, void *uc)
{
	(void)uc;
	on_sig(s);
	value_sum += si->si_value.sival_int;
	value_code_ok += si->si_code == SI_QUEUE;
}

static void handle(int s, void *fn, int flags, const sigset_t *mask)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = (void (*)(int))fn;
	sa.sa_flags = flags;
	if (mask)
		sa.sa_mask = *mask;
	else
		sigemptyset(&sa.sa_mask);
	if (sigaction(s, &sa, NULL) != 0) {
		perror("sigaction");
		exit(1);
	}
}

static void show(const char *what)
{
	printf("%s:", what);
	for (int i = 0; i < ngot && i < 8; i++)
		printf(" %d", got[i]);
	printf(" (%d)\n", (int)ngot);
	ngot = 0;
}

int main(void)
{
	sigset_t all, none, set;
	struct sigaction old;
	struct timespec ts = { 2, 0 }, rem;
	pid_t me = getpid(), pid;
	int st;

	setvbuf(stdout, NULL, _IONBF, 0);
	sigfillset(&all);
	sigemptyset(&none);

	/* a handler, with and without SA_SIGINFO */
	handle(SIGUSR1, on_info, SA_SIGINFO, NULL);
	raise(SIGUSR1);
	printf("raise: code %s, pid %s\n", last_code == SI_TKILL ? "SI_TKILL" : "?",
	       last_pid == me ? "mine" : "other");
	kill(me, SIGUSR1);
	printf("kill: code %s\n", last_code == SI_USER ? "SI_USER" : "?");
	show("handled");

	/* blocked, pending, then delivered: standard signals once each,
	 * real-time ones as often as sent (the order in which the frames
	 * run is left out: qemu-user nests them, Linux does not) */
	handle(SIGUSR1, on_sig, 0, &all);
	handle(SIGUSR2, on_sig, 0, &all);
	handle(SIGTERM, on_sig, 0, &all);
	handle(SIGRTMIN + 1, on_sig, 0, &all);
	sigprocmask(SIG_SETMASK, &all, NULL);
	for (int i = 0; i < 3; i++) {
		kill(me, SIGRTMIN + 1);
		kill(me, SIGUSR2);
	}
	kill(me, SIGTERM);
	kill(me, SIGUSR1);
	sigpending(&set);
	printf("pending: USR1 %d USR2 %d TERM %d RT %d INT %d\n",
	       sigismember(&set, SIGUSR1), sigismember(&set, SIGUSR2),
	       sigismember(&set, SIGTERM), sigismember(&set, SIGRTMIN + 1),
	       sigismember(&set, SIGINT));
	sigprocmask(SIG_SETMASK, &none, NULL);
	{
		int n[65] = { 0 };

		for (int i = 0; i < ngot && i < 8; i++)
			n[got[i]]++;
		printf("delivered: USR1 %d USR2 %d TERM %d RT %d (%d)\n",
		       n[SIGUSR1], n[SIGUSR2], n[SIGTERM], n[SIGRTMIN + 1],
		       (int)ngot);
		ngot = 0;
	}

	/* sigqueue: each value arrives (the order in which nested frames
	 * run is left out, as above) */
	handle(SIGRTMIN + 2, on_value, SA_SIGINFO, &all);
	sigprocmask(SIG_SETMASK, &all, NULL);
	for (int i = 1; i <= 3; i++)
		sigqueue(me, SIGRTMIN + 2, (union sigval){ .sival_int = i * 100 });
	sigprocmask(SIG_SETMASK, &none, NULL);
	printf("sigqueue: %d signals, values sum %d, SI_QUEUE %d\n", (int)ngot,
	       (int)value_sum, (int)value_code_ok);
	ngot = 0;

	/* SIG_IGN drops a pending signal; SIGKILL cannot be caught */
	sigprocmask(SIG_BLOCK, &all, NULL);
	raise(SIGUSR2);
	signal(SIGUSR2, SIG_IGN);
	sigpending(&set);
	printf("ignored and dropped: %d\n", !sigismember(&set, SIGUSR2));
	sigprocmask(SIG_SETMASK, &none, NULL);
	errno = 0;
	printf("sigaction(SIGKILL): %d %s\n", sigaction(SIGKILL, &old, NULL),
	       errno == EINVAL ? "EINVAL" : "?");
	printf("kill(65): %d %s\n", kill(me, 65), errno == EINVAL ? "EINVAL" : "?");

	/* nanosleep: EINTR with the time left, SA_RESTART or not */
	for (int restart = 0; restart < 2; restart++) {
		handle(SIGALRM, on_sig, restart ? SA_RESTART : 0, NULL);
		alarm(1);
		ts.tv_sec = 3;
		errno = 0;
		st = nanosleep(&ts, &rem);
		printf("nanosleep%s: %d %s, left %s\n", restart ? " SA_RESTART" : "",
		       st, errno == EINTR ? "EINTR" : "?",
		       rem.tv_sec == 1 || rem.tv_sec == 2 ? "about 2 s" : "wrong");
	}
	show("alarms");

	/* waitpid: EINTR without SA_RESTART, restarted with it */
	handle(SIGALRM, on_sig, 0, NULL);
	pid = fork();
	if (pid == 0) {
		sleep(3);
		_exit(7);
	}
	alarm(1);
	errno = 0;
	printf("waitpid: %d %s\n", (int)waitpid(pid, &st, 0),
	       errno == EINTR ? "EINTR" : "?");
	handle(SIGALRM, on_sig, SA_RESTART, NULL);
	alarm(1);
	printf("waitpid SA_RESTART: %s, exit %d\n",
	       waitpid(pid, &st, 0) == pid ? "the child" : "?", WEXITSTATUS(st));
	alarm(0);
	show("alarms");

	/* sigsuspend: the handler runs, the old mask comes back */
	set = none;
	sigaddset(&set, SIGUSR1);
	handle(SIGUSR1, on_sig, 0, NULL);
	sigprocmask(SIG_SETMASK, &set, NULL);
	pid = fork();
	if (pid == 0) {
		usleep(100000);
		kill(getppid(), SIGUSR1);
		_exit(0);
	}
	errno = 0;
	st = sigsuspend(&none);
	sigprocmask(SIG_SETMASK, NULL, &set);
	printf("sigsuspend: %d %s, USR1 blocked again %d\n", st,
	       errno == EINTR ? "EINTR" : "?", sigismember(&set, SIGUSR1));
	waitpid(pid, NULL, 0);
	sigprocmask(SIG_SETMASK, &none, NULL);
	show("suspend");

	/* SIGCHLD with its siginfo */
	handle(SIGCHLD, on_info, SA_SIGINFO | SA_RESTART, NULL);
	pid = fork();
	if (pid == 0)
		_exit(42);
	while (ngot < 1)
		usleep(10000);
	printf("SIGCHLD: %s, status %d, pid %s\n",
	       last_code == CLD_EXITED ? "CLD_EXITED" : "?", (int)last_status,
	       last_pid == pid ? "the child" : "?");
	waitpid(pid, &st, 0);
	printf("exit %d\n", WEXITSTATUS(st));
	show("sigchld");

	/* SIGCHLD ignored: children are reaped, waitpid has none */
	signal(SIGCHLD, SIG_IGN);
	for (int i = 0; i < 3; i++)
		if (fork() == 0)
			_exit(i);
	errno = 0;
	printf("waitpid with SIGCHLD ignored: %d %s\n", (int)waitpid(-1, &st, 0),
	       errno == ECHILD ? "ECHILD" : "?");
	printf("signals: done\n");
	return 0;
}
