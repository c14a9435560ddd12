/*
 * timers.h - waitid (every idtype and option, the siginfo and rusage it
 * fills, its errors) and POSIX timers (timer_create .. timer_delete:
 * SIGEV_SIGNAL, SIGEV_NONE, SIGEV_THREAD_ID, TIMER_ABSTIME, the CPU
 * clocks, overruns, the limit, exec and fork); restarts.h uses its raw
 * calls. The calls go raw: the user library has no wrappers for them.
 */

#define P_ALL 0
#define P_PID 1
#define P_PGID 2
#define P_PIDFD 3
#define X_WEXITED 4
#define X_WSTOPPED 2
#define X_WNOWAIT 0x01000000
#define SI_TIMER_CODE (-2)
#define SIGEV_SIGNAL 0
#define SIGEV_NONE 1
#define SIGEV_THREAD 2
#define SIGEV_THREAD_ID 4
#define X_TIMER_ABSTIME 1
#define X_CLOCK_MONOTONIC_RAW 4
#define X_CLOCK_BOOTTIME 7
#define CLOCK_PROCESS_CPUTIME_ID 2
#define CLOCK_THREAD_CPUTIME_ID 3
#define NR_RESTART_SYSCALL 128

struct x_sigevent {
	uint64_t value;
	int signo;
	int notify;
	int tid;
	int pad[11];
};

struct x_itimerspec {
	struct timespec interval, value;
};

struct x_rusage {
	struct timeval utime, stime;
	long rest[14];
};

/* A raw call: -1 and errno on failure. */
static long rawc(long n, long a, long b, long c, long d, long e)
{
	long r = syscall6(n, a, b, c, d, e, 0);

	if (r < 0 && r > -4096) {
		errno = (int)-r;
		return -1;
	}
	return r;
}

static long waitid_(int type, int id, siginfo_t *si, int options, void *ru)
{
	return rawc(95, type, id, (long)si, options, (long)ru);
}

static long tcreate(int clk, struct x_sigevent *ev, int *id)
{
	return rawc(107, clk, (long)ev, (long)id, 0, 0);
}

static long tset(int id, int flags, const struct x_itimerspec *nv,
		 struct x_itimerspec *ov)
{
	return rawc(110, id, flags, (long)nv, (long)ov, 0);
}

static long tget(int id, struct x_itimerspec *cur)
{
	return rawc(108, id, (long)cur, 0, 0, 0);
}

static long tover(int id)
{
	return rawc(109, id, 0, 0, 0, 0);
}

static long tdel(int id)
{
	return rawc(111, id, 0, 0, 0, 0);
}

static struct x_itimerspec its_ms(long value_ms, long interval_ms)
{
	struct x_itimerspec it = {
		{ interval_ms / 1000, (interval_ms % 1000) * 1000000 },
		{ value_ms / 1000, (value_ms % 1000) * 1000000 } };
	return it;
}

static long tset_ms(int id, long value_ms, long interval_ms,
		    struct x_itimerspec *ov)
{
	struct x_itimerspec it = its_ms(value_ms, interval_ms);

	return tset(id, 0, &it, ov);
}

/* The fields waitid writes, checked; the bytes after them must be
 * untouched (0xff, as prefilled). */
static void expect_wait_info(const siginfo_t *si, int signo, int code,
			     pid_t pid, int status)
{
	const unsigned char *b = (const unsigned char *)si;

	CHECK(si->si_signo == signo && si->si_errno == 0 && si->si_code == code &&
	      si->si_pid == pid && si->si_uid == 0 && si->si_status == status,
	      "siginfo signo %d code %d pid %d uid %d status %d, want %d %d %d 0 %d",
	      si->si_signo, si->si_code, si->si_pid, (int)si->si_uid,
	      si->si_status, signo, code, pid, status);
	for (size_t i = 28; i < sizeof(*si); i++)
		CHECK(b[i] == 0xff, "waitid wrote byte %zu of siginfo", i);
}

static void child_exit7(void)
{
	exit(7);
}

/* waitid: idtypes, WEXITED/WSTOPPED/WCONTINUED, WNOHANG, WNOWAIT, the
 * siginfo, rusage, errors */
static void t_waitid(void)
{
	siginfo_t si;
	struct x_rusage ru;
	pid_t pid;
	int st;

	/* errors: no option of the three, unknown bits, idtypes and ids */
	ERR(waitid_(P_ALL, 0, &si, WNOHANG, NULL), EINVAL);
	ERR(waitid_(P_ALL, 0, &si, X_WEXITED | 0x10, NULL), EINVAL);
	ERR(waitid_(7, 0, &si, X_WEXITED, NULL), EINVAL);
	ERR(waitid_(P_PID, 0, &si, X_WEXITED, NULL), EINVAL);
	ERR(waitid_(P_PGID, -1, &si, X_WEXITED, NULL), EINVAL);
	ERR(waitid_(P_PIDFD, 3, &si, X_WEXITED, NULL), EBADF);
	ERR(waitid_(P_PIDFD, -1, &si, X_WEXITED, NULL), EINVAL);
	/* no child: -ECHILD, and (as Linux) the fields written as zero */
	memset(&si, 0xff, sizeof(si));
	ERR(waitid_(P_ALL, 0, &si, X_WEXITED, NULL), ECHILD);
	expect_wait_info(&si, 0, 0, 0, 0);
	ERR(waitid_(P_PID, 12345, &si, X_WEXITED | WNOHANG, NULL), ECHILD);

	/* WNOHANG, nothing ready: 0, the fields zero */
	pid = fork();
	if (pid == 0) {
		sleep_ms(200);
		exit(7);
	}
	memset(&si, 0xff, sizeof(si));
	EQ(waitid_(P_PID, pid, &si, X_WEXITED | WNOHANG, NULL), 0);
	expect_wait_info(&si, 0, 0, 0, 0);
	/* WNOWAIT: reported, still there; twice */
	memset(&si, 0xff, sizeof(si));
	EQ(waitid_(P_PID, pid, &si, X_WEXITED | X_WNOWAIT, NULL), 0);
	expect_wait_info(&si, SIGCHLD, CLD_EXITED, pid, 7);
	memset(&si, 0xff, sizeof(si));
	EQ(waitid_(P_ALL, 0, &si, X_WEXITED | X_WNOWAIT | WNOHANG, NULL), 0);
	expect_wait_info(&si, SIGCHLD, CLD_EXITED, pid, 7);
	/* without WEXITED a zombie is no child at all (as Linux) */
	ERR(waitid_(P_ALL, 0, &si, X_WSTOPPED | WNOHANG, NULL), ECHILD);
	ERR(waitid_(P_PID, pid, &si, WCONTINUED, NULL), ECHILD);
	/* reaped, with its rusage (all fields written) */
	memset(&si, 0xff, sizeof(si));
	memset(&ru, 0xff, sizeof(ru));
	EQ(waitid_(P_PGID, 0, &si, X_WEXITED, &ru), 0);
	expect_wait_info(&si, SIGCHLD, CLD_EXITED, pid, 7);
	CHECK(ru.utime.tv_sec >= 0 && ru.utime.tv_usec >= 0 &&
	      ru.utime.tv_usec < 1000000 && ru.stime.tv_sec == 0 &&
	      ru.rest[0] == 0 && ru.rest[13] == 0, "rusage not filled");
	ERR(waitpid(pid, &st, WNOHANG), ECHILD);

	/* a bad rusage or siginfo pointer: -EFAULT, the child reaped all
	 * the same (as Linux); NULL siginfo is fine */
	pid = fork();
	if (pid == 0)
		child_exit7();
	ERR(waitid_(P_PID, pid, &si, X_WEXITED, (void *)16), EFAULT);
	ERR(waitpid(pid, &st, WNOHANG), ECHILD);
	pid = fork();
	if (pid == 0)
		child_exit7();
	ERR(waitid_(P_PID, pid, KADDR, X_WEXITED, NULL), EFAULT);
	pid = fork();
	if (pid == 0)
		child_exit7();
	EQ(waitid_(P_PID, pid, NULL, X_WEXITED, NULL), 0);
	ERR(waitid_(P_PID, pid, NULL, X_WEXITED, NULL), ECHILD);

	/* stopped and continued: reported once each, or kept by WNOWAIT */
	pid = fork();
	if (pid == 0)
		spin_child();
	EQ(kill(pid, SIGSTOP), 0);
	memset(&si, 0xff, sizeof(si));
	EQ(waitid_(P_PID, pid, &si, X_WSTOPPED | X_WNOWAIT, NULL), 0);
	expect_wait_info(&si, SIGCHLD, CLD_STOPPED, pid, SIGSTOP);
	memset(&si, 0xff, sizeof(si));
	EQ(waitid_(P_ALL, 0, &si, X_WSTOPPED, NULL), 0);
	expect_wait_info(&si, SIGCHLD, CLD_STOPPED, pid, SIGSTOP);
	memset(&si, 0xff, sizeof(si));
	EQ(waitid_(P_ALL, 0, &si, X_WSTOPPED | WNOHANG, NULL), 0);
	expect_wait_info(&si, 0, 0, 0, 0); /* reported already */
	EQ(kill(pid, SIGCONT), 0);
	memset(&si, 0xff, sizeof(si));
	EQ(waitid_(P_PID, pid, &si, WCONTINUED, NULL), 0);
	expect_wait_info(&si, SIGCHLD, CLD_CONTINUED, pid, SIGCONT);
	/* killed, and dumped (SIGQUIT's default has the core bit) */
	EQ(kill(pid, SIGKILL), 0);
	memset(&si, 0xff, sizeof(si));
	EQ(waitid_(P_PID, pid, &si, X_WEXITED, NULL), 0);
	expect_wait_info(&si, SIGCHLD, CLD_KILLED, pid, SIGKILL);
	pid = fork();
	if (pid == 0)
		spin_child();
	EQ(kill(pid, SIGQUIT), 0);
	memset(&si, 0xff, sizeof(si));
	EQ(waitid_(P_PID, pid, &si, X_WEXITED, NULL), 0);
	expect_wait_info(&si, SIGCHLD, CLD_DUMPED, pid, SIGQUIT);

	/* a handled signal ends the wait: -EINTR without SA_RESTART; with
	 * it the wait goes on until the child exits */
	pid = fork();
	if (pid == 0) {
		sleep_ms(300);
		exit(3);
	}
	handle(SIGALRM, on_sig, 0, 0);
	alarm_ms(30);
	ERR(waitid_(P_PID, pid, &si, X_WEXITED, NULL), EINTR);
	handle(SIGALRM, on_sig, SA_RESTART, 0);
	nseen = 0;
	alarm_ms(30);
	memset(&si, 0xff, sizeof(si));
	EQ(waitid_(P_PID, pid, &si, X_WEXITED, NULL), 0);
	EQ(nseen, 1);
	expect_wait_info(&si, SIGCHLD, CLD_EXITED, pid, 3);
}

static volatile int tm_code, tm_id, tm_over, tm_val;

static void on_timer(int s, siginfo_t *si, void *uc)
{
	(void)uc;
	record(s);
	tm_code = si->si_code;
	tm_id = si->_u._timer.tid;
	tm_over = si->si_overrun;
	tm_val = si->_u._timer.value.sival_int;
}

/* timer_create's and the others' errors, ids, the limit */
static void t_timer_errors(void)
{
	struct x_sigevent ev = { .value = 5, .signo = SIGUSR1, .notify = SIGEV_SIGNAL };
	struct x_itimerspec it = its_ms(100, 0), cur;
	int id = -1, ids[64];

	ERR(tcreate(99, &ev, &id), EINVAL);
	ERR(tcreate(-14 /* pid 1's CPU clock */, &ev, &id), EINVAL);
	ERR(tcreate(-5 /* a bad CPU clock type */, &ev, &id), EINVAL);
	ERR(tcreate(X_CLOCK_MONOTONIC_RAW, &ev, &id), EOPNOTSUPP);
	ERR(tcreate(CLOCK_MONOTONIC, (void *)16, &id), EFAULT);
	ERR(tcreate(CLOCK_MONOTONIC, &ev, KADDR), EFAULT);
	ev.notify = 3;
	ERR(tcreate(CLOCK_MONOTONIC, &ev, &id), EINVAL);
	ev.notify = SIGEV_SIGNAL;
	ev.signo = 0;
	ERR(tcreate(CLOCK_MONOTONIC, &ev, &id), EINVAL);
	ev.signo = 65;
	ERR(tcreate(CLOCK_MONOTONIC, &ev, &id), EINVAL);
	ev.signo = SIGUSR1;
	ev.notify = SIGEV_THREAD_ID;
	ev.tid = 1; /* not one of ours */
	ERR(tcreate(CLOCK_MONOTONIC, &ev, &id), EINVAL);
	ev.notify = SIGEV_SIGNAL;
	/* ids from 0; the lowest free one is taken again */
	EQ(tcreate(CLOCK_MONOTONIC, &ev, &id), 0);
	EQ(id, 0);
	EQ(tcreate(CLOCK_REALTIME, NULL, &id), 0);
	EQ(id, 1);
	EQ(tdel(0), 0);
	ERR(tdel(0), EINVAL);
	EQ(tcreate(X_CLOCK_BOOTTIME, &ev, &id), 0);
	EQ(id, 0);
	/* bad ids and arguments */
	ERR(tset(64, 0, &it, NULL), EINVAL);
	ERR(tset(-1, 0, &it, NULL), EINVAL);
	ERR(tset(5, 0, &it, NULL), EINVAL);
	ERR(tset(0, 0, NULL, NULL), EINVAL);
	ERR(tset(0, 0, (void *)16, NULL), EFAULT);
	it.value.tv_nsec = 1000000000;
	ERR(tset(0, 0, &it, NULL), EINVAL);
	it = its_ms(100, 0);
	it.interval.tv_sec = -1;
	ERR(tset(0, 0, &it, NULL), EINVAL);
	ERR(tget(0, KADDR), EFAULT);
	ERR(tget(7, &cur), EINVAL);
	ERR(tover(7), EINVAL);
	EQ(tover(0), 0);
	/* disarmed: 0 left */
	EQ(tget(0, &cur), 0);
	EQ(cur.value.tv_sec + cur.value.tv_nsec + cur.interval.tv_sec, 0);
	/* the limit: 64 a process, then -EAGAIN */
	EQ(tdel(0), 0);
	EQ(tdel(1), 0);
	for (int i = 0; i < 64; i++) {
		EQ(tcreate(CLOCK_MONOTONIC, &ev, &ids[i]), 0);
		EQ(ids[i], i);
	}
	ERR(tcreate(CLOCK_MONOTONIC, &ev, &id), EAGAIN);
	/* armed ones too go with the process (frames counted at the end) */
	for (int i = 0; i < 64; i += 2)
		EQ(tset(ids[i], 0, &(struct x_itimerspec){ { 0, 0 }, { 100, 0 } }, NULL), 0);
	for (int i = 0; i < 32; i++)
		EQ(tdel(ids[i]), 0);
}

/* SIGEV_SIGNAL: a one-shot timer's siginfo; SIGEV_NONE counts down;
 * TIMER_ABSTIME; old values; SIGEV_THREAD_ID to this thread */
static void t_timer_signal(void)
{
	struct x_sigevent ev = { .value = 4242, .signo = SIGRTMIN + 2,
				 .notify = SIGEV_SIGNAL };
	struct x_itimerspec it = its_ms(40, 0), cur, old;
	struct timespec now;
	uint64_t t0;
	int id, nid;

	handle(SIGRTMIN + 2, on_timer, SA_SIGINFO | SA_RESTART, 0);
	EQ(tcreate(CLOCK_MONOTONIC, &ev, &id), 0);
	nseen = 0;
	t0 = now_ms();
	EQ(tset(id, 0, &it, NULL), 0);
	EQ(tget(id, &cur), 0);
	CHECK(cur.value.tv_sec == 0 && cur.value.tv_nsec > 0 &&
	      cur.value.tv_nsec <= 40000000, "left %ld", (long)cur.value.tv_nsec);
	while (nseen == 0 && now_ms() - t0 < 10000)
		sleep_ms(5);
	EQ(nseen, 1);
	CHECK(now_ms() - t0 >= 40, "fired after %lu ms", (unsigned long)(now_ms() - t0));
	EQ(tm_code, SI_TIMER_CODE);
	EQ(tm_id, id);
	EQ(tm_val, 4242);
	EQ(tm_over, 0);
	EQ(tget(id, &cur), 0); /* one shot: disarmed now */
	EQ(cur.value.tv_sec + cur.value.tv_nsec, 0);
	sleep_ms(60);
	EQ(nseen, 1);

	/* TIMER_ABSTIME on CLOCK_REALTIME: 50 ms ahead, then a time past
	 * (at once); the old value comes back */
	t0 = now_ms(); /* before the clock is read: a stall after counts */
	clock_gettime(CLOCK_REALTIME, &now);
	now.tv_nsec += 50000000;
	if (now.tv_nsec >= 1000000000) {
		now.tv_sec++;
		now.tv_nsec -= 1000000000;
	}
	it = (struct x_itimerspec){ { 0, 0 }, now };
	EQ(tcreate(CLOCK_REALTIME, &ev, &nid), 0);
	nseen = 0;
	EQ(tset(nid, X_TIMER_ABSTIME, &it, NULL), 0);
	while (nseen == 0 && now_ms() - t0 < 10000)
		sleep_ms(5);
	EQ(nseen, 1);
	CHECK(now_ms() - t0 >= 40, "abs fired after %lu ms", (unsigned long)(now_ms() - t0));
	EQ(tm_id, nid);
	nseen = 0;
	EQ(tset(nid, X_TIMER_ABSTIME, &it, NULL), 0); /* past now */
	for (int i = 0; i < 1000 && nseen == 0; i++)
		sleep_ms(5);
	EQ(nseen, 1);
	it = its_ms(5000, 250);
	EQ(tset(nid, 0, &it, NULL), 0);
	EQ(tset_ms(nid, 0, 0, &old), 0);
	CHECK(old.value.tv_sec == 4 || old.value.tv_sec == 5, "old %ld", (long)old.value.tv_sec);
	EQ(old.interval.tv_nsec, 250000000);
	EQ(tget(nid, &cur), 0); /* disarmed: the period is gone too */
	EQ(cur.value.tv_sec + cur.value.tv_nsec + cur.interval.tv_nsec, 0);
	EQ(tdel(nid), 0);

	/* SIGEV_NONE: no signal, but the time left counts down */
	ev.notify = SIGEV_NONE;
	EQ(tcreate(CLOCK_MONOTONIC, &ev, &nid), 0);
	nseen = 0;
	EQ(tset_ms(nid, 2000, 0, NULL), 0);
	sleep_ms(50);
	EQ(tget(nid, &cur), 0);
	CHECK(cur.value.tv_sec == 1 || (cur.value.tv_sec == 0 && cur.value.tv_nsec > 0),
	      "none left %ld.%09ld", (long)cur.value.tv_sec, (long)cur.value.tv_nsec);
	EQ(tset_ms(nid, 20, 0, NULL), 0);
	sleep_ms(60);
	EQ(tget(nid, &cur), 0);
	EQ(cur.value.tv_sec + cur.value.tv_nsec, 0);
	EQ(nseen, 0);

	/* SIGEV_THREAD_ID: to this thread */
	ev.notify = SIGEV_THREAD_ID;
	ev.tid = gettid();
	EQ(tcreate(CLOCK_MONOTONIC, &ev, &nid), 0);
	EQ(tset_ms(nid, 20, 0, NULL), 0);
	for (int i = 0; i < 1000 && nseen == 0; i++)
		sleep_ms(5);
	EQ(nseen, 1);
	EQ(last_tid, gettid());
	EQ(tm_id, nid);
}

static uint64_t cpu_ms(int clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* Timers on the CPU clocks: they count only the time run (a sleep does
 * not advance them), the process's and a thread's */
static void t_timer_cpu(void)
{
	struct x_sigevent ev = { .value = 3, .signo = SIGUSR1, .notify = SIGEV_SIGNAL };
	struct x_itimerspec cur;
	uint64_t t0, c0;
	int id, tid_id;

	handle(SIGUSR1, on_timer, SA_SIGINFO | SA_RESTART, 0);
	EQ(tcreate(CLOCK_PROCESS_CPUTIME_ID, &ev, &id), 0);
	/* armed, then asleep: CPU time hardly moves, no signal */
	nseen = 0;
	c0 = cpu_ms(CLOCK_PROCESS_CPUTIME_ID);
	EQ(tset_ms(id, 80, 0, NULL), 0);
	sleep_ms(200);
	if (cpu_ms(CLOCK_PROCESS_CPUTIME_ID) - c0 < 60) { /* a quiet host */
		EQ(nseen, 0);
		EQ(tget(id, &cur), 0);
		CHECK(cur.value.tv_sec == 0 && cur.value.tv_nsec > 0, "left %ld",
		      (long)cur.value.tv_nsec);
	}
	/* spinning: it fires once 80 ms of CPU time are used */
	t0 = now_ms();
	while (nseen == 0 && now_ms() - t0 < 30000)
		;
	EQ(nseen, 1);
	CHECK(cpu_ms(CLOCK_PROCESS_CPUTIME_ID) - c0 >= 80, "fired after %lu ms of CPU",
	      (unsigned long)(cpu_ms(CLOCK_PROCESS_CPUTIME_ID) - c0));
	EQ(tm_code, SI_TIMER_CODE);
	EQ(tm_id, id);
	EQ(tm_val, 3);
	/* the thread's clock, periodic */
	EQ(tcreate(CLOCK_THREAD_CPUTIME_ID, &ev, &tid_id), 0);
	nseen = 0;
	c0 = cpu_ms(CLOCK_THREAD_CPUTIME_ID);
	EQ(tset_ms(tid_id, 30, 30, NULL), 0);
	t0 = now_ms();
	while (nseen < 3 && now_ms() - t0 < 30000)
		;
	CHECK(nseen >= 3, "%d signals", nseen);
	CHECK(cpu_ms(CLOCK_THREAD_CPUTIME_ID) - c0 >= 90, "3 periods in %lu ms of CPU",
	      (unsigned long)(cpu_ms(CLOCK_THREAD_CPUTIME_ID) - c0));
	EQ(tget(tid_id, &cur), 0);
	EQ(cur.interval.tv_nsec, 30000000);
	EQ(tdel(tid_id), 0);
	EQ(tdel(id), 0);
}

/* A periodic timer whose signal is blocked: one signal pending, the
 * periods missed meanwhile its overrun; sigtimedwait takes it too */
static void t_timer_overrun(void)
{
	struct x_sigevent ev = { .value = 9, .signo = SIGUSR2, .notify = SIGEV_SIGNAL };
	sigset_t set = BIT(SIGUSR2);
	struct kite_timespec ts = { 10, 0 };
	siginfo_t si;
	uint64_t t0, blocked_ms;
	int id;

	handle(SIGUSR2, on_timer, SA_SIGINFO | SA_RESTART, 0);
	set_mask(BIT(SIGUSR2));
	EQ(tcreate(CLOCK_MONOTONIC, &ev, &id), 0);
	nseen = 0;
	t0 = now_ms();
	EQ(tset_ms(id, 10, 10, NULL), 0);
	sleep_ms(200);
	blocked_ms = now_ms() - t0;
	set_mask(0);
	/* the handler ran once (at the unblock) */
	for (int i = 0; i < 100 && nseen == 0; i++)
		sleep_ms(1);
	CHECK(nseen >= 1, "no signal");
	/* at least every period of the blocked time but the first went
	 * into the overrun (20 ms of slack for the clock's edges) */
	CHECK(seen[0] == SIGUSR2 && tm_over >= (int)(blocked_ms - 20) / 10 - 1,
	      "overrun %d after %lu ms", tm_over, (unsigned long)blocked_ms);
	CHECK(tm_over < 100000, "overrun %d", tm_over);
	EQ(tover(id), tm_over);
	/* the timer goes on after the signal was taken */
	for (int i = 0; i < 1000 && nseen < 4; i++)
		sleep_ms(5);
	CHECK(nseen >= 4, "%d signals", nseen);
	/* sigtimedwait takes it, with its overrun */
	set_mask(BIT(SIGUSR2));
	sleep_ms(100);
	memset(&si, 0, sizeof(si));
	EQ(sigtimedwait(&set, &si, &ts), SIGUSR2);
	EQ(si.si_code, SI_TIMER_CODE);
	EQ(si._u._timer.tid, id);
	CHECK(si.si_overrun >= 5, "sigtimedwait overrun %d", si.si_overrun);
	EQ(tover(id), si.si_overrun);
	EQ(tdel(id), 0);
	/* deleted: whatever was pending comes, nothing more */
	set_mask(0);
	sleep_ms(5);
	nseen = 0;
	sleep_ms(60);
	EQ(nseen, 0);
}

/* Timers are not inherited by fork and go at execve (the helper finds
 * none); the process's end frees them (the frame count at the end) */
static void t_timer_fork_exec(void)
{
	char *argv[] = { PROG, "--helper", "timers", NULL };
	struct x_itimerspec cur;
	int id, st;
	pid_t pid;

	EQ(tcreate(CLOCK_MONOTONIC, NULL, &id), 0);
	EQ(tset_ms(id, 100000, 0, NULL), 0);
	pid = fork();
	if (pid == 0)
		exit(tget(id, &cur) == -1 && errno == EINVAL ? 0 : 1);
	EQ(waitpid(pid, &st, 0), pid);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "fork kept the timer: 0x%x", st);
	pid = fork();
	if (pid == 0) {
		execv(PROG, argv);
		exit(3);
	}
	EQ(waitpid(pid, &st, 0), pid);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "exec kept the timer: 0x%x", st);
	/* many processes, each with armed timers, ending on every hart */
	for (int i = 0; i < 16; i++) {
		pid = fork();
		if (pid == 0) {
			struct x_sigevent ev = { .signo = SIGRTMIN + 3, .notify = SIGEV_SIGNAL };

			for (int j = 0; j < 8; j++) {
				if (tcreate(CLOCK_MONOTONIC, &ev, &id) ||
				    tset_ms(id, 1 + j, 1, NULL))
					exit(2);
			}
			sleep_ms(20);
			exit(0); /* SIGRTMIN+3 blocked nowhere, default: may die */
		}
	}
	for (int i = 0; i < 16; i++)
		CHECK(wait(&st) > 0, "wait: %s", strerror(errno));
}

static int timers_helper(void)
{
	struct x_itimerspec cur;

	return tget(0, &cur) == -1 && errno == EINVAL ? 0 : 1;
}
