/*
 * restarts.h - timed sleeps that keep their deadline across a stop and
 * continue (restart_syscall), and orphaned process groups (SIGHUP and
 * SIGCONT to a stopped member, -EIO for a background read). Included
 * after timers.h (its raw calls and constants).
 */

/* What a sleeping child does while the parent stops and continues it:
 * each timed call must end about 300 ms after it started, not start
 * its timeout again after every continue (restart_syscall). */
static volatile uint32_t rs_word;

static long restart_call(int kind)
{
	struct timespec ts = { 0, 300000000 }, rem;
	struct timespec abs;

	switch (kind) {
	case 0:
		return nanosleep(&ts, &rem);
	case 1:
		return rawc(SYS_clock_nanosleep, CLOCK_MONOTONIC, 0, (long)&ts, (long)&rem, 0);
	case 2:
		clock_gettime(CLOCK_MONOTONIC, &abs);
		abs.tv_nsec += 300000000;
		if (abs.tv_nsec >= 1000000000) {
			abs.tv_sec++;
			abs.tv_nsec -= 1000000000;
		}
		return rawc(SYS_clock_nanosleep, CLOCK_MONOTONIC, X_TIMER_ABSTIME,
			    (long)&abs, 0, 0);
	case 3:
		return futex(&rs_word, FUTEX_WAIT | FUTEX_PRIVATE_FLAG, 0, &ts, NULL, 0) == -1 &&
				       errno == ETIMEDOUT ? 0 : -1;
	default:
		return rawc(SYS_ppoll, 0, 0, (long)&ts, 0, 8);
	}
}

static void t_restart_deadline(void)
{
	static const char *what[] = { "nanosleep", "clock_nanosleep",
				      "clock_nanosleep abs", "futex", "ppoll" };

	/* nothing to restart: -EINTR */
	ERR(rawc(NR_RESTART_SYSCALL, 0, 0, 0, 0, 0), EINTR);
	for (int kind = 0; kind < 5; kind++) {
		uint64_t t0 = now_ms(), took = 0;
		int st = 0;
		pid_t pid = fork();

		if (pid == 0) {
			uint64_t s = now_ms();
			long r = restart_call(kind);

			if (r != 0)
				exit(100);
			took = now_ms() - s;
			exit(took < 250 ? 101 : 0); /* never early */
		}
		/* stop and continue it every 50 ms for up to 4 s: with the
		 * timeout started again each time it would never end */
		while (now_ms() - t0 < 4000) {
			sleep_ms(30);
			kill(pid, SIGSTOP);
			sleep_ms(20);
			kill(pid, SIGCONT);
			if (waitpid(pid, &st, WNOHANG) == pid)
				break;
		}
		took = now_ms() - t0;
		if (took >= 4000) {
			kill(pid, SIGCONT);
			EQ(waitpid(pid, &st, 0), pid);
		}
		CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "%s: status 0x%x",
		      what[kind], st);
		CHECK(took < 3000, "%s took %lu ms under stops, not ~300",
		      what[kind], (unsigned long)took);
	}
}

/* Orphaned process groups: a stopped member of a group its parent's
 * exit orphans gets SIGHUP then SIGCONT; it then reads the console from
 * the background and gets -EIO (no SIGTTIN: nobody could continue it).
 * The member ("--helper orphan-b", forked by "--helper orphan") shows
 * both by ending; otherwise it stays, and the test fails. */
static volatile int orphan_hup;

static void on_hup(int s)
{
	(void)s;
	orphan_hup++;
}

static int orphan_helper(void)
{
	pid_t b = fork();
	int st;

	if (b == 0) {
		char c;

		handle(SIGHUP, on_hup, 0, 0);
		raise(SIGSTOP); /* until the group is orphaned */
		if (orphan_hup == 1 && read(0, &c, 1) == -1 && errno == EIO)
			exit(0);
		for (;;)
			pause(); /* the test sees us stay: a failure */
	}
	if (b < 0 || waitpid(b, &st, WUNTRACED) != b || !WIFSTOPPED(st))
		return 2;
	for (;;)
		pause(); /* until the test kills us */
}

static void t_orphan_pgrp(void)
{
	char *argv[] = { PROG, "--helper", "orphan", NULL };
	static struct kite_procinfo t[256];
	sigset_t ttou = BIT(SIGTTOU);
	int saved = -1, fg = getpid(), st;
	pid_t a, b = 0;
	uint64_t t0;

	/* the console's foreground: our pid (as Linux, a live process's
	 * pid will do), so the helpers' group is in the background */
	ioctl(0, TIOCGPGRP, &saved);
	sigprocmask(SIG_BLOCK, &ttou, NULL);
	EQ(ioctl(0, TIOCSPGRP, &fg), 0);
	a = spawn(PROG, argv, NULL); /* a new group, linked by us */
	CHECK(a > 0, "spawn: %s", strerror(errno));
	for (int tries = 0; tries < 2000 && !b; tries++) {
		long n = kite_procs(t, 256);

		for (long j = 0; j < n && j < 256; j++)
			if (t[j].ppid == a && t[j].tid == t[j].pid &&
			    t[j].state == KITE_STATE_STOPPED)
				b = t[j].pid;
		if (!b)
			sleep_ms(10);
	}
	if (!b) {
		kill(a, SIGKILL);
		fail("no stopped child of the helper");
	}
	EQ(kill(a, SIGKILL), 0); /* its exit orphans b's group */
	EQ(waitpid(a, &st, 0), a);
	t0 = now_ms();
	while (kill(b, 0) == 0 && now_ms() - t0 < 20000)
		sleep_ms(10);
	if (saved > 0)
		ioctl(0, TIOCSPGRP, &saved);
	if (kill(b, 0) == 0) {
		kill(b, SIGKILL);
		fail("the orphaned stopped member did not get SIGHUP, SIGCONT, -EIO");
	}
}
