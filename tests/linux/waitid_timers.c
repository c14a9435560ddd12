/*
 * waitid_timers.c - waitid with each idtype and option (P_PID, P_PGID,
 * P_ALL, P_PIDFD's error; WEXITED, WSTOPPED, WCONTINUED, WNOHANG,
 * WNOWAIT) and the siginfo it fills; POSIX timers the glibc way
 * (timer_create with SIGEV_SIGNAL, SIGEV_NONE and SIGEV_THREAD - glibc's
 * helper thread -, on the real-time, monotonic and process CPU clocks,
 * timer_settime relative and TIMER_ABSTIME,
 * timer_gettime, overruns, timer_delete); abort() ending a child with
 * SIGABRT when SIGABRT is blocked or caught by a handler that returns.
 * Deterministic output (tests/linux/): no pids, ids or times, only
 * properties of them. The core bit of a death by SIGABRT is not shown:
 * qemu-user never dumps a core, so it never sets it.
 */
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void show(const char *what, int r, const siginfo_t *si, pid_t pid)
{
	printf("%s: ret %d", what, r);
	if (r == -1)
		printf(" (%s)", strerror(errno));
	printf(", signo %d code %d pid %s status %d\n", si->si_signo, si->si_code,
	       si->si_pid == 0 ? "0" : si->si_pid == pid ? "child" : "other",
	       si->si_status);
}

static void waits(void)
{
	siginfo_t si;
	pid_t pid;
	int r;

	memset(&si, 0, sizeof(si));
	r = waitid(P_ALL, 0, &si, WEXITED);
	show("no child", r, &si, 0);
	errno = 0;
	r = waitid(P_ALL, 0, &si, WNOHANG);
	printf("no WEXITED/WSTOPPED/WCONTINUED: %d %s\n", r, strerror(errno));
	r = waitid(P_PIDFD, 0, &si, WEXITED);
	printf("P_PIDFD of a terminal: %d %s\n", r, strerror(errno));

	pid = fork();
	if (pid == 0) {
		usleep(200000);
		_exit(7);
	}
	memset(&si, 0, sizeof(si));
	r = waitid(P_PID, pid, &si, WSTOPPED | WCONTINUED | WNOHANG);
	show("running, no WEXITED", r, &si, pid);
	memset(&si, 0, sizeof(si));
	r = waitid(P_PID, pid, &si, WEXITED | WNOHANG);
	show("running, WNOHANG", r, &si, pid);
	memset(&si, 0, sizeof(si));
	r = waitid(P_PID, pid, &si, WEXITED | WNOWAIT);
	show("exited, WNOWAIT", r, &si, pid);
	memset(&si, 0, sizeof(si));
	r = waitid(P_PGID, 0, &si, WEXITED);
	show("exited, P_PGID 0", r, &si, pid);
	r = waitid(P_PID, pid, &si, WEXITED | WNOHANG);
	printf("reaped: %d %s\n", r, strerror(errno));

	pid = fork();
	if (pid == 0)
		_exit(5);
	memset(&si, 0, sizeof(si));
	r = waitid(P_ALL, 0, &si, WEXITED | WNOWAIT);
	r = waitid(P_ALL, 0, &si, WSTOPPED | WNOHANG);
	printf("a zombie without WEXITED: %d %s\n", r, strerror(errno));
	memset(&si, 0, sizeof(si));
	r = waitid(P_ALL, 0, &si, WEXITED);
	show("then reaped", r, &si, pid);

	pid = fork();
	if (pid == 0) {
		raise(SIGSTOP);
		for (;;)
			pause();
	}
	memset(&si, 0, sizeof(si));
	r = waitid(P_PID, pid, &si, WSTOPPED);
	show("stopped", r, &si, pid);
	memset(&si, 0, sizeof(si));
	r = waitid(P_PID, pid, &si, WSTOPPED | WNOHANG);
	show("stop reported once", r, &si, pid);
	kill(pid, SIGCONT);
	memset(&si, 0, sizeof(si));
	r = waitid(P_ALL, 0, &si, WCONTINUED);
	show("continued", r, &si, pid);
	kill(pid, SIGTERM);
	memset(&si, 0, sizeof(si));
	r = waitid(P_PID, pid, &si, WEXITED);
	show("killed", r, &si, pid);
}

static volatile sig_atomic_t fired, fired_code, fired_value, fired_overrun;

static void on_timer(int s, siginfo_t *si, void *uc)
{
	(void)s;
	(void)uc;
	fired++;
	fired_code = si->si_code;
	fired_value = si->si_value.sival_int;
	fired_overrun = si->si_overrun;
}

static sem_t thread_sem;
static pthread_t main_thread;
static volatile int thread_calls, thread_other, thread_value;

static void on_thread(union sigval v)
{
	thread_value = v.sival_int;
	thread_other |= !pthread_equal(pthread_self(), main_thread);
	__atomic_add_fetch(&thread_calls, 1, __ATOMIC_SEQ_CST);
	sem_post(&thread_sem);
}

static struct itimerspec its(long value_ms, long interval_ms)
{
	struct itimerspec it;

	it.it_value.tv_sec = value_ms / 1000;
	it.it_value.tv_nsec = value_ms % 1000 * 1000000;
	it.it_interval.tv_sec = interval_ms / 1000;
	it.it_interval.tv_nsec = interval_ms % 1000 * 1000000;
	return it;
}

static long ms_since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (t.tv_sec - t0->tv_sec) * 1000 + (t.tv_nsec - t0->tv_nsec) / 1000000;
}

static void timers(void)
{
	struct sigevent ev;
	struct sigaction sa;
	struct itimerspec it, cur;
	struct timespec t0, ts;
	sigset_t rt, none;
	siginfo_t si;
	timer_t t;
	int r;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_timer;
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGRTMIN, &sa, NULL);
	sigemptyset(&rt);
	sigaddset(&rt, SIGRTMIN);
	sigemptyset(&none);

	errno = 0;
	r = timer_create(12345, NULL, &t);
	printf("timer_create on a bad clock: %d %s\n", r, strerror(errno));

	/* SIGEV_SIGNAL, one shot */
	memset(&ev, 0, sizeof(ev));
	ev.sigev_notify = SIGEV_SIGNAL;
	ev.sigev_signo = SIGRTMIN;
	ev.sigev_value.sival_int = 77;
	printf("timer_create: %d\n", timer_create(CLOCK_MONOTONIC, &ev, &t));
	sigprocmask(SIG_BLOCK, &rt, NULL);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	it = its(50, 0);
	printf("timer_settime 50 ms: %d\n", timer_settime(t, 0, &it, NULL));
	timer_gettime(t, &cur);
	printf("time left within 50 ms: %s\n",
	       cur.it_value.tv_sec == 0 && cur.it_value.tv_nsec > 0 &&
	       cur.it_value.tv_nsec <= 50000000 ? "yes" : "no");
	while (!fired)
		sigsuspend(&none);
	printf("fired once after at least 50 ms: %s\n",
	       fired == 1 && ms_since(&t0) >= 49 ? "yes" : "no");
	printf("si_code SI_TIMER: %s, si_value %d, overrun %d\n",
	       fired_code == SI_TIMER ? "yes" : "no", (int)fired_value,
	       (int)fired_overrun);
	timer_gettime(t, &cur);
	printf("disarmed after: %s\n",
	       cur.it_value.tv_sec == 0 && cur.it_value.tv_nsec == 0 ? "yes" : "no");

	/* periodic, the signal blocked: one signal, the rest overruns */
	it = its(10, 10);
	timer_settime(t, 0, &it, NULL);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	usleep(250000);
	r = sigwaitinfo(&rt, &si);
	printf("sigwaitinfo: %s, value %d, overrun at least 15: %s\n",
	       r == SIGRTMIN ? "SIGRTMIN" : "other", si.si_value.sival_int,
	       si.si_overrun >= 15 ? "yes" : "no");
	printf("timer_getoverrun agrees: %s\n",
	       timer_getoverrun(t) == si.si_overrun ? "yes" : "no");
	r = sigwaitinfo(&rt, &si);
	printf("next period: %s\n", r == SIGRTMIN ? "SIGRTMIN" : "other");
	it = its(0, 0);
	timer_settime(t, 0, &it, NULL);

	/* TIMER_ABSTIME on CLOCK_REALTIME, 60 ms ahead */
	fired = 0;
	sigprocmask(SIG_UNBLOCK, &rt, NULL);
	timer_delete(t);
	printf("timer_create REALTIME: %d\n", timer_create(CLOCK_REALTIME, &ev, &t));
	clock_gettime(CLOCK_MONOTONIC, &t0); /* first: a stall after counts */
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_nsec += 60000000;
	if (ts.tv_nsec >= 1000000000) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000;
	}
	it.it_value = ts;
	it.it_interval.tv_sec = it.it_interval.tv_nsec = 0;
	printf("TIMER_ABSTIME: %d\n", timer_settime(t, TIMER_ABSTIME, &it, NULL));
	while (!fired)
		usleep(5000);
	printf("absolute timer fired after at least 50 ms: %s\n",
	       ms_since(&t0) >= 50 ? "yes" : "no");
	printf("timer_delete: %d\n", timer_delete(t));

	/* SIGEV_NONE: the time left counts down, no signal */
	ev.sigev_notify = SIGEV_NONE;
	fired = 0;
	timer_create(CLOCK_MONOTONIC, &ev, &t);
	it = its(2000, 0);
	timer_settime(t, 0, &it, NULL);
	usleep(50000);
	timer_gettime(t, &cur);
	printf("SIGEV_NONE counts down: %s\n",
	       cur.it_value.tv_sec == 1 || (cur.it_value.tv_sec == 0 &&
					   cur.it_value.tv_nsec > 0) ? "yes" : "no");
	it = its(20, 0);
	timer_settime(t, 0, &it, NULL);
	usleep(60000);
	timer_gettime(t, &cur);
	printf("SIGEV_NONE expired: %s, no signal: %s\n",
	       cur.it_value.tv_sec == 0 && cur.it_value.tv_nsec == 0 ? "yes" : "no",
	       fired == 0 ? "yes" : "no");
	timer_delete(t);

	/* the process's CPU clock: only the time run counts */
	ev.sigev_notify = SIGEV_SIGNAL;
	ev.sigev_signo = SIGRTMIN;
	ev.sigev_value.sival_int = 55;
	fired = 0;
	printf("timer_create PROCESS_CPUTIME_ID: %d\n",
	       timer_create(CLOCK_PROCESS_CPUTIME_ID, &ev, &t));
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t0);
	it = its(50, 0);
	timer_settime(t, 0, &it, NULL);
	while (!fired)
		;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	printf("CPU timer fired after at least 50 ms of CPU: %s, value %d\n",
	       (ts.tv_sec - t0.tv_sec) * 1000 + (ts.tv_nsec - t0.tv_nsec) / 1000000 >= 50
	       ? "yes" : "no", (int)fired_value);
	timer_delete(t);

	/* SIGEV_THREAD: glibc's helper thread runs the function */
	main_thread = pthread_self();
	sem_init(&thread_sem, 0, 0);
	memset(&ev, 0, sizeof(ev));
	ev.sigev_notify = SIGEV_THREAD;
	ev.sigev_notify_function = on_thread;
	ev.sigev_value.sival_int = 99;
	printf("timer_create SIGEV_THREAD: %d\n", timer_create(CLOCK_MONOTONIC, &ev, &t));
	it = its(20, 20);
	timer_settime(t, 0, &it, NULL);
	for (int i = 0; i < 3; i++)
		while (sem_wait(&thread_sem) != 0)
			;
	it = its(0, 0);
	timer_settime(t, 0, &it, NULL);
	timer_delete(t);
	printf("function ran 3 times or more: %s, value %d, not on main: %s\n",
	       thread_calls >= 3 ? "yes" : "no", thread_value,
	       thread_other ? "yes" : "no");
}

static void on_abrt(int s)
{
	(void)s;
	write(1, "SIGABRT handler returns\n", 24);
}

static void aborts(void)
{
	for (int how = 0; how < 3; how++) {
		static const char *name[] = { "default", "blocked", "caught" };
		pid_t pid = fork();
		int st;

		if (pid == 0) {
			sigset_t s;

			sigemptyset(&s);
			sigaddset(&s, SIGABRT);
			if (how == 1)
				sigprocmask(SIG_BLOCK, &s, NULL);
			if (how == 2)
				signal(SIGABRT, on_abrt);
			abort();
		}
		waitpid(pid, &st, 0);
		printf("abort (%s): %s\n", name[how],
		       WIFSIGNALED(st) && WTERMSIG(st) == SIGABRT ? "SIGABRT" : "other");
	}
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	waits();
	timers();
	aborts();
	return 0;
}
