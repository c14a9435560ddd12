/*
 * waits.h - interrupted calls (EINTR, SA_RESTART), sigsuspend,
 * sigtimedwait, stop and continue with WUNTRACED/WCONTINUED, SIGCHLD
 * and SIG_IGN's reaping, the real-time timer, signals racing exits.
 */

static volatile uint32_t fword;

static void alrm_set_word(int s)
{
	record(s);
	fword = 1;
}

/* nanosleep: -EINTR with the time left, SA_RESTART or not */
static void t_eintr_nanosleep(void)
{
	struct timespec req = { 2, 0 }, rem = { 0, 0 };

	for (int restart = 0; restart < 2; restart++) {
		handle(SIGALRM, on_sig, restart ? SA_RESTART : 0, 0);
		nseen = 0;
		alarm_ms(50);
		ERR(nanosleep(&req, &rem), EINTR);
		EQ(nseen, 1);
		CHECK(rem.tv_sec == 1 || (rem.tv_sec == 0 && rem.tv_nsec > 500000000),
		      "rem %ld.%09ld", (long)rem.tv_sec, (long)rem.tv_nsec);
	}
}

static volatile int *rd; /* shared with the reading child */

static void count_alarm(int s)
{
	(void)s;
	rd[1]++;
}

/* A console read (no input comes): -EINTR without SA_RESTART; with it
 * the read goes on through every handler until the child is killed */
static void t_eintr_read(void)
{
	struct itimerval it = { { 0, 20000 }, { 0, 20000 } };
	pid_t pid;
	char c;
	int st;

	rd = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
		  -1, 0);
	CHECK(rd != MAP_FAILED, "mmap: %s", strerror(errno));
	pid = fork();
	if (pid == 0) {
		long r;

		handle(SIGALRM, on_sig, 0, 0);
		alarm_ms(30);
		r = read(0, &c, 1);
		rd[0] = r == -1 && errno == EINTR ? 1 : 2;
		handle(SIGALRM, count_alarm, SA_RESTART, 0);
		setitimer(ITIMER_REAL, &it, NULL);
		read(0, &c, 1);
		rd[2] = 1; /* never: the read restarts */
		exit(0);
	}
	CHECK(pid > 0, "fork: %s", strerror(errno));
	for (int i = 0; i < 1000 && rd[1] < 5; i++)
		sleep_ms(10);
	EQ(rd[0], 1);
	CHECK(rd[1] >= 5, "%d SIGALRMs during the restarted read", rd[1]);
	EQ(rd[2], 0);
	EQ(kill(pid, SIGKILL), 0);
	EQ(waitpid(pid, &st, 0), pid);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL, "status 0x%x", st);
}

static void child_sleeps_300(void)
{
	sleep_ms(300);
	exit(3);
}

/* wait4: -EINTR without SA_RESTART; restarted with it */
static void t_eintr_wait4(void)
{
	pid_t pid;
	int st = 0;

	handle(SIGALRM, on_sig, 0, 0);
	pid = fork();
	if (pid == 0)
		child_sleeps_300();
	nseen = 0;
	alarm_ms(50);
	ERR(waitpid(pid, &st, 0), EINTR);
	EQ(nseen, 1);
	handle(SIGALRM, on_sig, SA_RESTART, 0);
	alarm_ms(50);
	EQ(waitpid(pid, &st, 0), pid); /* the handler ran, the wait went on */
	EQ(nseen, 2);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 3, "status 0x%x", st);
}

/* futex: an untimed wait restarts under SA_RESTART (and then sees the
 * word the handler changed: -EAGAIN), -EINTR without; a timed wait is
 * -EINTR either way */
static void t_eintr_futex(void)
{
	struct timespec ts = { 5, 0 };

	handle(SIGALRM, alrm_set_word, 0, 0);
	fword = 0;
	alarm_ms(50);
	ERR(futex(&fword, (FUTEX_WAIT | FUTEX_PRIVATE_FLAG), 0, NULL, NULL, 0), EINTR);
	handle(SIGALRM, alrm_set_word, SA_RESTART, 0);
	fword = 0;
	alarm_ms(50);
	ERR(futex(&fword, (FUTEX_WAIT | FUTEX_PRIVATE_FLAG), 0, NULL, NULL, 0), EAGAIN);
	fword = 0;
	alarm_ms(50);
	ERR(futex(&fword, (FUTEX_WAIT | FUTEX_PRIVATE_FLAG), 0, (void *)&ts, NULL, 0), EINTR);
}

/* sigsuspend: the mask for the wait, -EINTR after the handler, the
 * old mask back */
static void t_sigsuspend(void)
{
	sigset_t wait_mask = 0;
	pid_t parent = getpid(), pid;

	handle(SIGUSR1, on_sig, SA_RESTART, 0);
	set_mask(BIT(SIGUSR1) | BIT(SIGUSR2));
	pid = fork();
	if (pid == 0) {
		sleep_ms(50);
		kill(parent, SIGUSR1);
		exit(0);
	}
	nseen = 0;
	ERR(sigsuspend(&wait_mask), EINTR);
	EQ(nseen, 1);
	EQ(last_mask, BIT(SIGUSR1)); /* the wait's mask, and the signal */
	EQ(mask_now(), BIT(SIGUSR1) | BIT(SIGUSR2));
	reap_code(pid, 0, "the sender");
	ERR(raw4(SYS_rt_sigsuspend, (long)&wait_mask, 4, 0, 0), EINVAL);
	ERR(raw4(SYS_rt_sigsuspend, 16, 8, 0, 0), EFAULT);
}

/* ppoll without descriptors (glibc's pause): the timeout, or -EINTR
 * when a handler runs, with the mask it was given meanwhile */
static void t_ppoll(void)
{
	struct kite_timespec ts = { 0, 50 * 1000000 };
	uint64_t t0 = now_ms();
	sigset_t m = 0;

	EQ(syscall6(SYS_ppoll, 0, 0, (long)&ts, 0, 0, 0), 0);
	CHECK(now_ms() - t0 >= 50, "ppoll slept %llu ms",
	      (unsigned long long)(now_ms() - t0));
	EQ(syscall6(SYS_ppoll, 0, 0, (long)&ts, (long)&m, 4, 0), -EINVAL);
	EQ(syscall6(SYS_ppoll, 0, 0, 16, 0, 0, 0), -EFAULT);
	handle(SIGALRM, on_sig, SA_RESTART, 0);
	set_mask(BIT(SIGALRM));
	nseen = 0;
	alarm_ms(30);
	EQ(syscall6(SYS_ppoll, 0, 0, 0, (long)&m, 8, 0), -EINTR);
	EQ(nseen, 1);
	EQ(mask_now(), BIT(SIGALRM)); /* back after the handler */
}

/* sigtimedwait: -EAGAIN at the timeout; takes a blocked one with its
 * info; SIGCHLD (ignored by default) still comes when blocked */
static void t_sigtimedwait(void)
{
	struct kite_timespec ts = { 0, 50 * 1000000 }, bad = { 0, -1 };
	sigset_t set = BIT(SIGUSR2) | BIT(SIGCHLD);
	siginfo_t si;
	pid_t pid;

	set_mask(set);
	ERR(sigtimedwait(&set, &si, &ts), EAGAIN);
	ERR(sigtimedwait(&set, &si, &bad), EINVAL);
	ERR(raw4(SYS_rt_sigtimedwait, (long)&set, 0, 0, 4), EINVAL);
	ERR(raw4(SYS_rt_sigtimedwait, 16, 0, 0, 8), EFAULT);
	EQ(raise(SIGUSR2), 0);
	EQ(sigtimedwait(&set, &si, &ts), SIGUSR2);
	EQ(si.si_code, SI_TKILL);
	EQ(si.si_pid, getpid());
	pid = fork();
	if (pid == 0)
		exit(42);
	ts.tv_sec = 10;
	EQ(sigtimedwait(&set, &si, &ts), SIGCHLD);
	EQ(si.si_code, CLD_EXITED);
	EQ(si.si_pid, pid);
	EQ(si.si_status, 42);
	reap_code(pid, 42, "the child");
}

static void chld_rec(int s, siginfo_t *si, void *uc)
{
	(void)uc;
	if (nseen < MAX_SEEN)
		seen[nseen] = si->si_code;
	nseen++;
	(void)s;
}

static void spin_child(void)
{
	for (;;)
		sched_yield();
}

/* Stop, continue, kill: WUNTRACED, WCONTINUED, and SIGCHLD each time */
static void t_stop_cont(void)
{
	pid_t pid;
	int st;

	handle(SIGCHLD, chld_rec, SA_SIGINFO | SA_RESTART, 0);
	nseen = 0;
	pid = fork();
	if (pid == 0)
		spin_child();
	EQ(kill(pid, SIGSTOP), 0);
	EQ(waitpid(pid, &st, WUNTRACED), pid);
	CHECK(WIFSTOPPED(st) && WSTOPSIG(st) == SIGSTOP, "stop: 0x%x", st);
	EQ(waitpid(pid, &st, WUNTRACED | WNOHANG), 0); /* reported once */
	EQ(kill(pid, SIGCONT), 0);
	EQ(waitpid(pid, &st, WCONTINUED), pid);
	CHECK(WIFCONTINUED(st), "continue: 0x%x", st);
	EQ(kill(pid, SIGTSTP), 0); /* a stop signal too, by default */
	EQ(waitpid(pid, &st, WUNTRACED), pid);
	CHECK(WIFSTOPPED(st) && WSTOPSIG(st) == SIGTSTP, "tstp: 0x%x", st);
	EQ(kill(pid, SIGKILL), 0); /* a stopped process dies at once */
	EQ(waitpid(pid, &st, 0), pid);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL, "kill: 0x%x", st);
	for (int i = 0; i < 100 && nseen < 4; i++)
		sleep_ms(10);
	EQ(nseen, 4);
	EQ(seen[0], CLD_STOPPED);
	EQ(seen[1], CLD_CONTINUED);
	EQ(seen[2], CLD_STOPPED);
	EQ(seen[3], CLD_KILLED);
	ERR(waitpid(pid, &st, 0x100), EINVAL);
}

/* SIGCHLD ignored: children are reaped as they exit; wait4 -ECHILD */
static void t_sigchld_ignore(void)
{
	int st;

	handle(SIGCHLD, SIG_IGN, 0, 0);
	for (int i = 0; i < 8; i++) {
		pid_t pid = fork();

		if (pid == 0) {
			sleep_ms(10 * i);
			exit(i);
		}
		CHECK(pid > 0, "fork: %s", strerror(errno));
	}
	ERR(waitpid(-1, &st, 0), ECHILD); /* waits until all are gone */
	/* SA_NOCLDWAIT does the same, with a handler */
	handle(SIGCHLD, chld_rec, SA_SIGINFO | SA_NOCLDWAIT | SA_RESTART, 0);
	nseen = 0;
	if (fork() == 0)
		exit(1);
	ERR(waitpid(-1, &st, 0), ECHILD);
	for (int i = 0; i < 100 && nseen == 0; i++)
		sleep_ms(10);
	EQ(nseen, 1);
	EQ(seen[0], CLD_EXITED);
}

/* setitimer/getitimer/alarm: a periodic ITIMER_REAL */
static void t_itimer(void)
{
	struct itimerval it = { { 0, 20000 }, { 0, 20000 } }, cur, old;

	ERR(setitimer(ITIMER_VIRTUAL + 5, &it, NULL), EINVAL);
	cur.it_value.tv_usec = 1000000;
	cur.it_value.tv_sec = 0;
	cur.it_interval = cur.it_value;
	ERR(setitimer(ITIMER_REAL, &cur, NULL), EINVAL);
	ERR(setitimer(ITIMER_REAL, (void *)16, NULL), EFAULT);
	ERR(getitimer(ITIMER_REAL, (void *)16), EFAULT);
	handle(SIGALRM, on_sig, SA_RESTART, 0);
	nseen = 0;
	EQ(setitimer(ITIMER_REAL, &it, NULL), 0);
	EQ(getitimer(ITIMER_REAL, &cur), 0);
	EQ(cur.it_interval.tv_usec, 20000);
	for (int i = 0; i < 1000 && nseen < 5; i++)
		sleep_ms(5);
	CHECK(nseen >= 5, "%d SIGALRMs", nseen);
	it.it_value.tv_usec = 0; /* disarm */
	EQ(setitimer(ITIMER_REAL, &it, &old), 0);
	EQ(old.it_interval.tv_usec, 20000);
	EQ(getitimer(ITIMER_REAL, &cur), 0);
	EQ(cur.it_value.tv_sec + cur.it_value.tv_usec, 0);
	EQ(alarm(100), 0);
	EQ(alarm(0), 100);
}

/* Signals racing exits on every hart: kills to children as they end;
 * nothing lost, every child reaped, every frame back. */
static void t_race_exit(void)
{
	enum { N = 24 };
	pid_t pids[N];
	int st;

	handle(SIGUSR1, on_sig, 0, 0); /* the children's, from the start */
	for (int round = 0; round < 4; round++) {
		for (int i = 0; i < N; i++) {
			pids[i] = fork();
			if (pids[i] == 0) {
				for (int k = 0; k < 20 * (i % 4); k++)
					sched_yield();
				exit(0);
			}
			CHECK(pids[i] > 0, "fork: %s", strerror(errno));
		}
		for (int k = 0; k < 6; k++)
			for (int i = 0; i < N; i++)
				kill(pids[i], k == 5 ? SIGTERM : SIGUSR1);
		for (int i = 0; i < N; i++) {
			EQ(waitpid(pids[i], &st, 0), pids[i]);
			CHECK(WIFEXITED(st) || WTERMSIG(st) == SIGTERM,
			      "child %d: status 0x%x", i, st);
		}
	}
}
