/*
 * basic.h - sigaction, masks, delivery order, nesting, the flags, kill
 * and tkill, default actions, real-time queueing, signals to threads,
 * execve's reset.
 */

/* rt_sigaction's errors and old values */
static void t_action_errors(void)
{
	struct kite_sigaction k = { (uint64_t)(uintptr_t)on_sig, 0, 0 }, o;

	ERR(raw4(SYS_rt_sigaction, 0, (long)&k, 0, 8), EINVAL);
	ERR(raw4(SYS_rt_sigaction, 65, (long)&k, 0, 8), EINVAL);
	ERR(raw4(SYS_rt_sigaction, -1, 0, (long)&o, 8), EINVAL);
	ERR(raw4(SYS_rt_sigaction, SIGUSR1, (long)&k, 0, 4), EINVAL);
	ERR(raw4(SYS_rt_sigaction, SIGUSR1, (long)&k, 0, 16), EINVAL);
	ERR(raw4(SYS_rt_sigaction, SIGKILL, (long)&k, 0, 8), EINVAL);
	ERR(raw4(SYS_rt_sigaction, SIGSTOP, (long)&k, 0, 8), EINVAL);
	EQ(raw4(SYS_rt_sigaction, SIGKILL, 0, (long)&o, 8), 0); /* asking is fine */
	EQ(o.handler, 0);
	ERR(raw4(SYS_rt_sigaction, SIGUSR1, 16, 0, 8), EFAULT);
	ERR(raw4(SYS_rt_sigaction, SIGUSR1, (long)KADDR, 0, 8), EFAULT);
	ERR(raw4(SYS_rt_sigaction, SIGUSR1, 0, (long)KADDR, 8), EFAULT);
	/* unknown flags are dropped; SIGKILL/SIGSTOP leave the mask */
	k.flags = SA_RESTART | 0x100000;
	k.mask = ~0UL;
	EQ(raw4(SYS_rt_sigaction, SIGUSR1, (long)&k, 0, 8), 0);
	EQ(raw4(SYS_rt_sigaction, SIGUSR1, 0, (long)&o, 8), 0);
	EQ(o.handler, (long)(uintptr_t)on_sig);
	EQ(o.flags, SA_RESTART);
	EQ(o.mask, ~(BIT(SIGKILL) | BIT(SIGSTOP)));
	EQ(raw4(SYS_rt_sigaction, 64, (long)&k, (long)&o, 8), 0);
	EQ(o.handler, 0);
}

/* rt_sigprocmask and rt_sigpending */
static void t_procmask(void)
{
	sigset_t s = BIT(SIGUSR1) | BIT(SIGKILL) | BIT(SIGSTOP), o = 1;

	EQ(sigprocmask(SIG_SETMASK, &s, &o), 0);
	EQ(o, 0);
	EQ(mask_now(), BIT(SIGUSR1)); /* SIGKILL, SIGSTOP: never blocked */
	s = BIT(SIGUSR2);
	EQ(sigprocmask(SIG_BLOCK, &s, NULL), 0);
	EQ(mask_now(), BIT(SIGUSR1) | BIT(SIGUSR2));
	s = BIT(SIGUSR1);
	EQ(sigprocmask(SIG_UNBLOCK, &s, &o), 0);
	EQ(o, BIT(SIGUSR1) | BIT(SIGUSR2));
	EQ(mask_now(), BIT(SIGUSR2));
	ERR(sigprocmask(3, &s, NULL), EINVAL);
	ERR(raw4(SYS_rt_sigprocmask, SIG_BLOCK, (long)&s, 0, 4), EINVAL);
	ERR(raw4(SYS_rt_sigprocmask, SIG_BLOCK, 16, 0, 8), EFAULT);
	ERR(raw4(SYS_rt_sigprocmask, SIG_BLOCK, 0, (long)KADDR, 8), EFAULT);
	EQ(mask_now(), BIT(SIGUSR2));
	/* pending: blocked and sent */
	EQ(raise(SIGUSR2), 0);
	EQ(sigpending(&s), 0);
	EQ(s, BIT(SIGUSR2));
	ERR(raw4(SYS_rt_sigpending, (long)&s, 9, 0, 0), EINVAL);
	ERR(raw4(SYS_rt_sigpending, 16, 8, 0, 0), EFAULT);
	/* ignoring it drops it */
	handle(SIGUSR2, SIG_IGN, 0, 0);
	EQ(sigpending(&s), 0);
	EQ(s, 0);
}

/* A handler runs with its siginfo; the program goes on after it. */
static void t_handler(void)
{
	handle(SIGUSR1, on_info, SA_SIGINFO, BIT(SIGUSR2));
	nseen = 0;
	EQ(raise(SIGUSR1), 0);
	EQ(nseen, 1);
	EQ(seen[0], SIGUSR1);
	EQ(last_info.si_signo, SIGUSR1);
	EQ(last_info.si_code, SI_TKILL);
	EQ(last_info.si_pid, getpid());
	EQ(last_mask, BIT(SIGUSR1) | BIT(SIGUSR2)); /* sa_mask and itself */
	EQ(mask_now(), 0);                          /* and back after */
	EQ(kill(getpid(), SIGUSR1), 0);
	EQ(nseen, 2);
	EQ(last_info.si_code, SI_USER);
	/* a blocked one waits; unblocking delivers it before the call returns */
	set_mask(BIT(SIGUSR1));
	EQ(kill(getpid(), SIGUSR1), 0);
	EQ(nseen, 2);
	set_mask(0);
	EQ(nseen, 3);
}

/* The lowest number first; standard signals do not queue, real-time
 * ones do. (Each handler blocks every signal: else, as on Linux, the
 * next one's frame goes on top of the first's and runs before it.) */
static void t_order_queue(void)
{
	int rt = SIGRTMIN + 2;

	handle(SIGUSR1, on_sig, 0, ~0UL);
	handle(SIGUSR2, on_sig, 0, ~0UL);
	handle(SIGTERM, on_sig, 0, ~0UL);
	handle(rt, on_sig, 0, ~0UL);
	set_mask(~0UL);
	nseen = 0;
	for (int i = 0; i < 3; i++) {
		EQ(kill(getpid(), rt), 0);
		EQ(kill(getpid(), SIGUSR2), 0);
	}
	EQ(kill(getpid(), SIGTERM), 0);
	EQ(raise(SIGUSR1), 0);
	EQ(nseen, 0);
	set_mask(0);
	EQ(nseen, 6);
	EQ(seen[0], SIGUSR1);
	EQ(seen[1], SIGUSR2);
	EQ(seen[2], SIGTERM);
	EQ(seen[3], rt);
	EQ(seen[4], rt);
	EQ(seen[5], rt);
	/* without sa_mask: frames nest, the last one dequeued runs first */
	handle(SIGUSR1, on_sig, 0, 0);
	handle(SIGUSR2, on_sig, 0, 0);
	set_mask(~0UL);
	nseen = 0;
	EQ(raise(SIGUSR2), 0);
	EQ(raise(SIGUSR1), 0);
	set_mask(0);
	EQ(nseen, 2);
	EQ(seen[0], SIGUSR2);
	EQ(seen[1], SIGUSR1);
}

static volatile int values[MAX_SEEN];

static void on_value(int s, siginfo_t *si, void *uc)
{
	(void)uc;
	if (nseen < MAX_SEEN)
		values[nseen] = si->si_code == SI_QUEUE ? si->si_int : -1;
	record(s);
}

/* sigqueue: real-time signals keep their values, in order; a forged
 * kernel si_code to another process is -EPERM */
static void t_sigqueue(void)
{
	int rt = SIGRTMIN + 5;
	siginfo_t si;

	handle(rt, on_value, SA_SIGINFO, 0);
	set_mask(BIT(rt));
	nseen = 0;
	for (int i = 1; i <= 3; i++)
		EQ(sigqueue(getpid(), rt, (union sigval){ .sival_int = i * 10 }), 0);
	EQ(nseen, 0);
	set_mask(0);
	EQ(nseen, 3);
	EQ(values[0], 10);
	EQ(values[1], 20);
	EQ(values[2], 30);
	memset(&si, 0, sizeof(si));
	si.si_code = SI_USER;
	ERR(raw4(SYS_rt_sigqueueinfo, getppid(), SIGUSR1, (long)&si, 0), EPERM);
	ERR(raw4(SYS_rt_sigqueueinfo, getpid(), 65, (long)&si, 0), EINVAL);
	ERR(raw4(SYS_rt_sigqueueinfo, getpid(), SIGUSR1, 16, 0), EFAULT);
	si.si_code = SI_QUEUE;
	ERR(raw4(SYS_rt_sigqueueinfo, 30000, SIGUSR1, (long)&si, 0), ESRCH);
	si.si_int = 7;
	nseen = 0;
	EQ(raw4(SYS_rt_sigqueueinfo, getpid(), rt, (long)&si, 0), 0);
	EQ(nseen, 1);
	EQ(values[0], 7);
}

static volatile int depth, max_depth;

static void nest_usr2(int s)
{
	record(s);
	depth++;
	if (depth > max_depth)
		max_depth = depth;
	depth--;
}

static void nest_usr1(int s)
{
	record(s);
	depth++;
	max_depth = depth;
	raise(SIGUSR2); /* not blocked: runs inside us */
	if (nseen < 3)
		raise(SIGUSR1); /* blocked (no SA_NODEFER): after we return */
	depth--;
}

/* Handlers nest; a handler's own signal waits unless SA_NODEFER. */
static void t_nested(void)
{
	handle(SIGUSR1, nest_usr1, 0, 0);
	handle(SIGUSR2, nest_usr2, 0, 0);
	nseen = depth = max_depth = 0;
	EQ(raise(SIGUSR1), 0);
	EQ(max_depth, 2);
	EQ(nseen, 4); /* USR1, USR2 (nested), then USR1 again, USR2 */
	EQ(seen[0], SIGUSR1);
	EQ(seen[1], SIGUSR2);
	EQ(seen[2], SIGUSR1);
	/* SA_NODEFER: its own signal nests */
	handle(SIGUSR1, nest_usr1, SA_NODEFER, 0);
	nseen = depth = max_depth = 0;
	EQ(raise(SIGUSR1), 0);
	EQ(seen[0], SIGUSR1);
	EQ(seen[1], SIGUSR2);
	EQ(seen[2], SIGUSR1);
	CHECK(max_depth >= 2, "max depth %d", max_depth);
	EQ(mask_now(), 0);
}

static void resethand_child(void)
{
	handle(SIGUSR1, on_sig, SA_RESETHAND, 0);
	raise(SIGUSR1);
	if (nseen != 1)
		exit(3);
	raise(SIGUSR1); /* SIG_DFL now: ends us */
	exit(4);
}

/* SA_RESETHAND: once, then the default (termination). */
static void t_resethand(void)
{
	int st = sub(resethand_child, 5000);

	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGUSR1 && !WCOREDUMP(st),
	      "status 0x%x", st);
}

static void raise_quit(void) { raise(SIGQUIT); }
static void raise_term(void) { raise(SIGTERM); }
static void raise_ignored(void)
{
	raise(SIGCHLD);  /* default: ignore */
	raise(SIGWINCH);
	raise(SIGURG);
	raise(SIGCONT);
	handle(SIGTERM, SIG_IGN, 0, 0);
	raise(SIGTERM);
	exit(7);
}

/* Default actions: terminate, with the core bit, ignore. */
static void t_defaults(void)
{
	int st = sub(raise_term, 5000);

	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM && !WCOREDUMP(st),
	      "SIGTERM: status 0x%x", st);
	st = sub(raise_quit, 5000);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGQUIT && WCOREDUMP(st),
	      "SIGQUIT: status 0x%x", st);
	st = sub(raise_ignored, 5000);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 7, "ignored: status 0x%x", st);
}

/* kill/tkill/tgkill errors; pid 0 and -pgid */
static void t_kill_errors(void)
{
	pid_t me = getpid();

	ERR(kill(me, 65), EINVAL);
	ERR(kill(me, -1), EINVAL);
	ERR(kill(1, SIGTERM), EPERM);
	ERR(kill(1, 0), EPERM);
	ERR(kill(30000, SIGTERM), ESRCH);
	ERR(kill(-30000, SIGTERM), ESRCH);
	EQ(kill(me, 0), 0);
	ERR(tkill(0, SIGUSR1), EINVAL);
	ERR(tkill(-5, SIGUSR1), EINVAL);
	ERR(tkill(gettid(), 65), EINVAL);
	ERR(tkill(30000, SIGUSR1), ESRCH);
	ERR(tgkill(0, gettid(), SIGUSR1), EINVAL);
	ERR(tgkill(me + 1000, gettid(), SIGUSR1), ESRCH);
	EQ(tgkill(me, gettid(), 0), 0);
	EQ(kill(0, 0), 0);
	/* our own group, pid 0: a spawned helper leads a group of its own */
	char *argv[] = { PROG, "--helper", "pgrp", NULL };

	reap_code(spawn(PROG, argv, NULL), 0, "pgrp helper");
}

/* spawn_flags(KITE_SPAWN_FOREGROUND): the child owns the console from
 * its first instruction (the helper checks at once, every round; a
 * hand-over after spawn returns would lose the race on 4 harts), with
 * TIOCSPGRP's rule for the caller. The foreground group is put back. */
static void t_spawn_foreground(void)
{
	char *argv[] = { PROG, "--helper", "fg", NULL };
	char *sl[] = { "sleep", "30", NULL };
	sigset_t ttou = BIT(SIGTTOU);
	int saved = -1, holder;

	CHECK(ioctl(0, TIOCGPGRP, &saved) == 0, "TIOCGPGRP: %s", strerror(errno));
	ERR(spawn_flags(PROG, argv, NULL, 0x80), EINVAL);
	ERR(spawn_flags("no-such-app", argv, NULL, KITE_SPAWN_FOREGROUND), ENOENT);
	for (int i = 0; i < 20; i++)
		reap_code(spawn_flags(PROG, argv, NULL, KITE_SPAWN_FOREGROUND), 0,
			  "foreground helper");
	/* its group ended: the console has none, and a plain spawn's child
	 * is not in the foreground */
	reap_code(spawn(PROG, argv, NULL), 1, "background helper");
	/* another group holds the console: refused, unless SIGTTOU is
	 * blocked (a shell taking the console back) */
	holder = spawn(sl[0], sl, NULL);
	CHECK(holder > 0, "spawn sleep: %s", strerror(errno));
	EQ(ioctl(0, TIOCSPGRP, &holder), 0);
	ERR(spawn_flags(PROG, argv, NULL, KITE_SPAWN_FOREGROUND), EPERM);
	sigprocmask(SIG_BLOCK, &ttou, NULL);
	reap_code(spawn_flags(PROG, argv, NULL, KITE_SPAWN_FOREGROUND), 0,
		  "helper spawned with SIGTTOU blocked");
	EQ(kill(holder, SIGKILL), 0);
	EQ(waitpid(holder, NULL, 0), holder);
	if (saved > 0)
		ioctl(0, TIOCSPGRP, &saved);
}

/* 0 if our group is the console's foreground group as we start. */
static int fg_helper(void)
{
	int fg = -1;

	return ioctl(0, TIOCGPGRP, &fg) == 0 && fg == getpid() ? 0 : 1;
}

static int pgrp_helper(void)
{
	handle(SIGUSR1, on_sig, 0, 0);
	if (kill(0, SIGUSR1) || nseen != 1)
		return 2;
	if (kill(-getpid(), SIGUSR1) || nseen != 2)
		return 3;
	return 0;
}

static volatile uint32_t th_word;
static volatile int th_tids[4];

static void *th_sleeper(void *arg)
{
	int i = (int)(uintptr_t)arg;

	sigset_t b = BIT(SIGUSR1);

	th_tids[i] = gettid();
	/* the mask came from the main thread (blocked): only the last
	 * thread takes it */
	if (i == 3)
		sigprocmask(SIG_UNBLOCK, &b, NULL);
	__atomic_add_fetch(&th_word, 0, __ATOMIC_SEQ_CST);
	while (__atomic_load_n(&th_word, __ATOMIC_ACQUIRE) == 0)
		futex(&th_word, FUTEX_WAIT, 0, NULL, NULL, 0);
	return NULL;
}

/* kill() to a process whose threads all sleep: the one thread that
 * does not block it runs the handler, once; tkill picks the thread. */
static void t_threads(void)
{
	thread_t t[4];
	sigset_t b = BIT(SIGUSR1);

	handle(SIGUSR1, on_sig, SA_RESTART, 0);
	EQ(sigprocmask(SIG_BLOCK, &b, NULL), 0); /* not the main thread */
	for (int i = 0; i < 4; i++)
		EQ(thread_create(&t[i], th_sleeper, (void *)(uintptr_t)i), 0);
	for (int i = 0; i < 4; i++)
		while (!th_tids[i])
			sleep_ms(1);
	sleep_ms(50);
	nseen = 0;
	EQ(kill(getpid(), SIGUSR1), 0);
	for (int i = 0; i < 500 && nseen == 0; i++)
		sleep_ms(10);
	EQ(nseen, 1);
	EQ(last_tid, th_tids[3]);
	/* tkill: this thread only, blocked or not (it waits until unblocked) */
	EQ(tkill(th_tids[3], SIGUSR1), 0);
	for (int i = 0; i < 500 && nseen == 1; i++)
		sleep_ms(10);
	EQ(nseen, 2);
	EQ(last_tid, th_tids[3]);
	th_word = 1;
	futex(&th_word, FUTEX_WAKE, 10, NULL, NULL, 0);
	for (int i = 0; i < 4; i++)
		EQ(thread_join(t[i], NULL), 0);
}

/* execve: caught handlers back to SIG_DFL, ignored stay, the mask stays */
static void t_exec_reset(void)
{
	char *argv[] = { PROG, "--helper", "exec", NULL };
	pid_t pid = fork();

	if (pid == 0) {
		handle(SIGUSR1, on_sig, 0, 0);
		handle(SIGUSR2, SIG_IGN, 0, 0);
		set_mask(BIT(SIGTERM));
		execve(PROG, argv, NULL);
		exit(99);
	}
	reap_code(pid, 0, "exec helper");
}

static int exec_helper(void)
{
	struct sigaction a;

	if (sigaction(SIGUSR1, NULL, &a) || a.sa_handler != SIG_DFL)
		return 2;
	if (sigaction(SIGUSR2, NULL, &a) || a.sa_handler != SIG_IGN)
		return 3;
	if (mask_now() != BIT(SIGTERM))
		return 4;
	return 0;
}
