/*
 * polls.h - poll and ppoll on pipes and the console: the events each
 * end reports, POLLNVAL and negative fds, timeouts, a sleep woken by a
 * writer on another hart, a signal ending the wait (with ppoll's mask),
 * and the errors.
 */

static void t_poll_pipe(void)
{
	struct pollfd f[5];
	int p[2];
	char c;

	make_pipe(p, 0);
	f[0] = (struct pollfd){ p[0], POLLIN, 7 };
	f[1] = (struct pollfd){ p[1], POLLOUT, 7 };
	f[2] = (struct pollfd){ 77, POLLIN, 7 };  /* not open */
	f[3] = (struct pollfd){ -1, POLLIN, 7 };  /* ignored */
	f[4] = (struct pollfd){ 1, POLLOUT | POLLIN, 7 }; /* the console */
	EQ(poll(f, 5, 0), 3);
	EQ(f[0].revents, 0);
	EQ(f[1].revents, POLLOUT);
	EQ(f[2].revents, POLLNVAL);
	EQ(f[3].revents, 0);
	CHECK(f[4].revents & POLLOUT, "console revents 0x%x", f[4].revents);
	/* data: readable; only the events asked for come back */
	write_full(p[1], "d", 1);
	EQ(poll(f, 2, 0), 2);
	EQ(f[0].revents, POLLIN);
	f[0].events = POLLOUT;
	EQ(poll(f, 1, 0), 0);
	EQ(f[0].revents, 0);
	f[0].events = POLLIN | POLLRDNORM;
	EQ(poll(f, 1, 0), 1);
	EQ(f[0].revents, POLLIN | POLLRDNORM);
	/* a full pipe is not writable */
	static char big[CAPACITY];
	EQ(read(p[0], &c, 1), 1);
	write_full(p[1], big, CAPACITY - PIPE_BUF + 1);
	EQ(poll(&f[1], 1, 0), 0);
	EQ(read_full(p[0], big, CAPACITY - PIPE_BUF + 1), CAPACITY - PIPE_BUF + 1);
	EQ(poll(&f[1], 1, 0), 1);
	/* the write end closed: POLLHUP always (not asked for); the read
	 * end closed: POLLERR for the writer */
	EQ(close(p[1]), 0);
	f[0].events = 0;
	EQ(poll(f, 1, 0), 1);
	EQ(f[0].revents, POLLHUP);
	make_pipe(p, 0);
	EQ(close(p[0]), 0);
	f[1] = (struct pollfd){ p[1], POLLOUT, 0 };
	EQ(poll(&f[1], 1, 0), 1);
	EQ(f[1].revents, POLLOUT | POLLERR);
}

/* A poller asleep with nothing ready wakes when a writer on another
 * hart writes, or its timeout passes (not before) */
static void t_poll_wait(void)
{
	struct pollfd f[2];
	int p[2], q[2];
	uint64_t t0;
	pid_t pid;

	make_pipe(p, 0);
	make_pipe(q, 0);
	f[0] = (struct pollfd){ p[0], POLLIN, 0 };
	f[1] = (struct pollfd){ q[0], POLLIN, 0 };
	t0 = now_ms();
	EQ(poll(f, 2, 100), 0);
	CHECK(now_ms() - t0 >= 100, "timeout after %lu ms", (unsigned long)(now_ms() - t0));
	for (int round = 0; round < 20; round++) {
		pid = fork();
		if (pid == 0) {
			sleep_ms(round % 4 * 5);
			write(q[1], "w", 1);
			exit(0);
		}
		EQ(poll(f, 2, -1), 1);
		EQ(f[0].revents, 0);
		EQ(f[1].revents, POLLIN);
		char c;
		EQ(read(q[0], &c, 1), 1);
		reap_code(pid, 0, "writer");
	}
	/* the last writer gone wakes it too */
	pid = fork();
	if (pid == 0) {
		close(p[1]);
		sleep_ms(50);
		exit(0);
	}
	EQ(close(p[1]), 0);
	EQ(poll(f, 2, 5000), 1);
	EQ(f[0].revents, POLLHUP);
	reap_code(pid, 0, "holder");
}

static volatile int usr1_seen;

static void on_usr1(int s)
{
	(void)s;
	usr1_seen++;
}

/* A signal ends the wait with EINTR; ppoll's mask lets in a signal
 * blocked otherwise, and the old mask is back afterwards */
static void t_poll_signal(void)
{
	struct pollfd f;
	sigset_t block = 1UL << (SIGUSR1 - 1), open = 0, now;
	int p[2];
	pid_t me = getpid(), pid;

	make_pipe(p, 0);
	f = (struct pollfd){ p[0], POLLIN, 0 };
	handle(SIGUSR1, on_usr1, SA_RESTART); /* ppoll never restarts */
	EQ(sigprocmask(SIG_SETMASK, &block, NULL), 0);
	pid = fork();
	if (pid == 0) {
		sleep_ms(100);
		kill(me, SIGUSR1);
		exit(0);
	}
	ERR(ppoll(&f, 1, NULL, &open), EINTR);
	EQ(usr1_seen, 1);
	EQ(sigprocmask(SIG_SETMASK, NULL, &now), 0);
	EQ(now, block);
	reap_code(pid, 0, "signaller");
	/* a signal already pending and let in by the mask: at once */
	EQ(kill(me, SIGUSR1), 0);
	ERR(ppoll(&f, 1, NULL, &open), EINTR);
	EQ(usr1_seen, 2);
	/* a kill ends it too (in a child) */
	pid = fork();
	if (pid == 0) {
		poll(&f, 1, -1);
		exit(3);
	}
	wait_sleeping(pid);
	EQ(kill(pid, SIGKILL), 0);
	EQ(waitpid(pid, NULL, 0), pid);
}

static void t_poll_errors(void)
{
	struct pollfd f = { 0, POLLIN, 0 };
	struct timespec bad = { 0, 1000000000 }, neg = { -1, 0 };
	struct timespec ts = { 0, 50000000 };
	struct rlimit lim;
	sigset_t m = 0;

	ERR(poll(NULL, 1, 0), EFAULT);
	ERR(poll(KADDR, 1, 0), EFAULT);
	ERR(poll((struct pollfd *)heap_edge(), 1, 0), EFAULT);
	EQ(poll(NULL, 0, 0), 0);
	ERR(raw(syscall5(SYS_ppoll, &f, 1, &bad, 0, 8)), EINVAL);
	ERR(raw(syscall5(SYS_ppoll, &f, 1, &neg, 0, 8)), EINVAL);
	ERR(raw(syscall5(SYS_ppoll, &f, 1, KADDR, 0, 8)), EFAULT);
	ERR(raw(syscall5(SYS_ppoll, &f, 1, &ts, &m, 4)), EINVAL);
	ERR(raw(syscall5(SYS_ppoll, &f, 1, &ts, KADDR, 8)), EFAULT);
	/* more entries than RLIMIT_NOFILE: -EINVAL */
	EQ(getrlimit(RLIMIT_NOFILE, &lim), 0);
	ERR(raw(syscall5(SYS_ppoll, &f, lim.rlim_cur + 1, &ts, 0, 8)), EINVAL);
	ERR(raw(syscall5(SYS_ppoll, &f, -1L, &ts, 0, 8)), EINVAL);
	/* the time left is written back */
	int p[2];
	make_pipe(p, 0);
	f = (struct pollfd){ p[0], POLLIN, 0 };
	EQ(raw(syscall5(SYS_ppoll, &f, 1, &ts, 0, 8)), 0);
	CHECK(ts.tv_sec == 0 && ts.tv_nsec == 0, "left %ld.%09ld", (long)ts.tv_sec,
	      (long)ts.tv_nsec);
	ts = (struct timespec){ 10, 0 };
	write_full(p[1], "x", 1);
	EQ(raw(syscall5(SYS_ppoll, &f, 1, &ts, 0, 8)), 1);
	CHECK(ts.tv_sec == 9 || ts.tv_sec == 10, "left %ld.%09ld", (long)ts.tv_sec,
	      (long)ts.tv_nsec);
}

/* select (pselect6): readable, writable, end of file and errors as
 * bits; a closed fd set is EBADF; the time left comes back; a signal
 * leaves the sets alone */
static void t_select(void)
{
	fd_set in, out, ex;
	struct timeval tv = { 0, 0 };
	struct timespec bad = { 0, -1 };
	int p[2];
	uint64_t t0;

	make_pipe(p, 0);
	FD_ZERO(&in), FD_ZERO(&out), FD_ZERO(&ex);
	FD_SET(p[0], &in);
	FD_SET(p[1], &out);
	FD_SET(p[0], &ex);
	EQ(select(p[1] + 1, &in, &out, &ex, &tv), 1);
	CHECK(!FD_ISSET(p[0], &in) && FD_ISSET(p[1], &out) && !FD_ISSET(p[0], &ex),
	      "sets %lx %lx %lx", in.bits[0], out.bits[0], ex.bits[0]);
	write_full(p[1], "s", 1);
	FD_ZERO(&in);
	FD_SET(p[0], &in);
	FD_SET(p[1], &in); /* a write end is never readable */
	EQ(select(p[1] + 1, &in, NULL, NULL, NULL), 1);
	CHECK(FD_ISSET(p[0], &in) && !FD_ISSET(p[1], &in), "in %lx", in.bits[0]);
	/* n cuts the sets: p[0]'s bit beyond n is not looked at */
	FD_SET(p[0], &in);
	tv = (struct timeval){ 0, 0 };
	EQ(select(p[0], &in, NULL, NULL, &tv), 0);
	/* a timeout with nothing ready: 0, the sets emptied, no time left */
	char c;
	EQ(read(p[0], &c, 1), 1);
	FD_ZERO(&in);
	FD_SET(p[0], &in);
	tv = (struct timeval){ 0, 60000 };
	t0 = now_ms();
	EQ(select(p[0] + 1, &in, NULL, NULL, &tv), 0);
	CHECK(now_ms() - t0 >= 60, "after %lu ms", (unsigned long)(now_ms() - t0));
	CHECK(!FD_ISSET(p[0], &in) && tv.tv_sec == 0 && tv.tv_usec == 0,
	      "in %lx left %ld us", in.bits[0], (long)tv.tv_usec);
	/* end of file is readable */
	EQ(close(p[1]), 0);
	FD_SET(p[0], &in);
	EQ(select(p[0] + 1, &in, NULL, NULL, NULL), 1);
	/* errors */
	FD_ZERO(&in);
	FD_SET(40, &in);
	ERR(select(41, &in, NULL, NULL, NULL), EBADF);
	ERR(select(-1, NULL, NULL, NULL, NULL), EINVAL);
	ERR(raw(syscall6(SYS_pselect6, 1, 0, 0, 0, (long)&bad, 0)), EINVAL);
	ERR(raw(syscall6(SYS_pselect6, 1, (long)KADDR, 0, 0, 0, 0)), EFAULT);
	ERR(raw(syscall6(SYS_pselect6, 1, 0, 0, 0, (long)KADDR, 0)), EFAULT);
	ERR(raw(syscall6(SYS_pselect6, 1, 0, 0, 0, 0, (long)KADDR)), EFAULT);
	struct { sigset_t *set; size_t size; } sig = { &(sigset_t){ 0 }, 4 };
	ERR(raw(syscall6(SYS_pselect6, 1, 0, 0, 0, 0, (long)&sig)), EINVAL);
	/* a signal: EINTR with pselect's mask, the sets as they were */
	sigset_t block = 1UL << (SIGUSR1 - 1), open = 0;
	pid_t me = getpid(), pid;

	make_pipe(p, 0);
	handle(SIGUSR1, on_usr1, 0);
	EQ(sigprocmask(SIG_SETMASK, &block, NULL), 0);
	pid = fork();
	if (pid == 0) {
		sleep_ms(50);
		kill(me, SIGUSR1);
		exit(0);
	}
	FD_ZERO(&in);
	FD_SET(p[0], &in);
	ERR(pselect(p[0] + 1, &in, NULL, NULL, NULL, &open), EINTR);
	CHECK(FD_ISSET(p[0], &in), "the set changed on EINTR");
	EQ(usr1_seen, 1);
	reap_code(pid, 0, "signaller");
}
