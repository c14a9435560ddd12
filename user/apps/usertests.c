/*
 * usertests.c - tests of the system calls as a user program sees them.
 *
 *	usertests [--harts=N] [TEST...]
 *
 * Each test (or only each TEST named) runs in a forked child; the parent
 * reaps it and prints "ok NAME" or "FAIL NAME: why", at the end "usertests:
 * P passed, F failed", and exits 0 only if all passed. A test child's exit
 * status: 0 passed, 1 it printed its own FAIL line, 2 its own "ok NAME
 * (note)" line (a skip or a count); anything else fails. Free frames
 * (kite_meminfo) read before the first test and after the last, every
 * child reaped, must be equal: the final "frames" check. Errors are
 * checked as -1 and errno, expecting Linux's answer where Kite differs.
 *
 * The harness says how many harts there are (init="usertests
 * --harts=N"; the process table does not list idle threads). bad_elf and static_hello need tests/extra (make extra; the
 * kernel built with APPS_EXTRA=build/extra) and are skipped without it.
 * tests/run.py checks the lines echoargs prints; we check its status.
 */
#include "usertests.h"

/* ---- system calls, success and error paths ----------------------------- */

static void t_io(void)
{
	static const char msg[] = "usertests: write ok\n";
	char buf[8], *edge = heap_edge();

	EQ(write(1, msg, sizeof(msg) - 1), sizeof(msg) - 1);
	EQ(write(2, msg, 0), 0);
	EQ(read(0, buf, 0), 0);
	ERR(write(1, NULL, 5), EFAULT);
	ERR(read(0, NULL, 5), EFAULT);
	ERR(write(1, KADDR, 5), EFAULT);
	ERR(read(0, KADDR, 5), EFAULT);
	ERR(write(1, edge + 16 * PAGE, 5), EFAULT); /* unmapped */
	ERR(read(0, edge + 16 * PAGE, 5), EFAULT);
	ERR(write(1, edge - 8, 16), EFAULT); /* straddles into unmapped */
	ERR(read(0, edge - 8, 16), EFAULT);
	ERR(write(1, edge - 8, (size_t)-1), EFAULT);
	ERR(read(0, edge - 8, (size_t)-1), EFAULT);
	ERR(write(1, (void *)-4096L, 16), EFAULT);
}

/* Linux checks all of [buf, buf+len) first: a length reaching past user
 * space is EFAULT even when the buffer starts well. Each call runs in a
 * child (exit 3 if not EFAULT): a kernel that clamps the length instead
 * prints 4096 NULs, or waits for console input. */
static char zeros[3 * PAGE];
static void huge_write(void) { exit(write(1, zeros, (size_t)-1) == -1 && errno == EFAULT ? 0 : 3); }
static void huge_read(void) { exit(read(0, zeros, 1UL << 40) == -1 && errno == EFAULT ? 0 : 3); }

static void t_io_huge(void)
{
	int w = sub(huge_write, 3000), r = sub(huge_read, 1000);

	if (w || r)
		printf("\n"); /* after the NULs a clamping write printed */
	CHECK(w == 0 && r == 0, "write(1, buf, (size_t)-1): %s; read(0, buf, "
	      "1 << 40): %s", w ? "not EFAULT" : "ok",
	      r == -1 ? "blocked" : r ? "not EFAULT" : "ok");
}

static void t_badfd(void)
{
	static const int fds[] = { 3, -1, 1000 };
	struct kite_termios t;
	char c;

	for (unsigned i = 0; i < ARRAY_SIZE(fds); i++) {
		ERR(read(fds[i], &c, 1), EBADF);
		ERR(write(fds[i], "x", 1), EBADF);
		ERR(ioctl(fds[i], TCGETS, &t), EBADF);
	}
	EQ(ioctl(0, TCGETS, &t), 0);
	EQ(ioctl(0, TCSETS, &t), 0); /* the same modes again */
	ERR(ioctl(1, 0x12345678, &t), ENOTTY);
	ERR(ioctl(0, TCGETS, NULL), EFAULT);
	ERR(ioctl(0, TCSETS, KADDR), EFAULT);
}

static void t_kill(void)
{
	pid_t pid;
	int st;

	ERR(kill(30000, SIGKILL), ESRCH);
	ERR(kill(1, SIGKILL), EPERM);
	ERR(kill(getpid(), 99), EINVAL);
	ERR(kill(getpid(), 65), EINVAL); /* 1..64 are signals */
	EQ(kill(getpid(), 0), 0);
	CHECK((pid = sleeper()) > 0, "fork: %s", strerror(errno));
	EQ(kill(pid, SIGTERM), 0);
	EQ(waitpid(pid, &st, 0), pid);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM, "status 0x%x", st);
	ERR(kill(pid, 0), ESRCH); /* reaped: gone */

	/* asleep in a console read (no input comes): killed all the same */
	pid = fork();
	if (pid == 0) {
		char c;

		read(0, &c, 1);
		exit(3);
	}
	CHECK(pid > 0, "fork: %s", strerror(errno));
	sleep_ms(50);
	EQ(kill(pid, SIGINT), 0);
	EQ(waitpid(pid, &st, 0), pid);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGINT, "reader: status 0x%x", st);
}

static void t_wait(void)
{
	uint64_t t0 = now_ms();
	pid_t pid;
	int st;

	ERR(wait(&st), ECHILD);
	CHECK(now_ms() - t0 < 500, "wait without children took %llu ms",
	      (unsigned long long)(now_ms() - t0));
	ERR(waitpid(-1, &st, WNOHANG), ECHILD);
	ERR(waitpid(1, &st, 0), ECHILD);
	ERR(waitpid(main_pid, &st, 0), ECHILD); /* our parent */
	ERR(waitpid(30000, &st, 0), ECHILD);
	CHECK((pid = sleeper()) > 0, "fork: %s", strerror(errno));
	EQ(waitpid(pid, &st, WNOHANG), 0);
	EQ(waitpid(-1, &st, WNOHANG), 0);
	EQ(kill(pid, SIGKILL), 0);
	EQ(waitpid(pid, &st, 0), pid);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL, "status 0x%x", st);
	ERR(waitpid(pid, &st, 0), ECHILD);
}

static void t_exec_errors(void)
{
	char *argv[] = { "hello", NULL }, *bad_elem[] = { "hello", KADDR, NULL };
	pid_t me = getpid();

	ERR(execve("no_such_app", argv, NULL), ENOENT);
	ERR(execve("hello", KADDR, NULL), EFAULT);
	ERR(execve("hello", bad_elem, NULL), EFAULT);
	ERR(execve("hello", argv, KADDR), EFAULT);
	ERR(execve(NULL, argv, NULL), EFAULT);
	ERR(execve(KADDR, argv, NULL), EFAULT);
	ERR(spawn("no_such_app", argv, NULL), ENOENT);
	ERR(spawn("hello", KADDR, NULL), EFAULT);
	EQ(getpid(), me); /* still here, still us */
	EQ(write(1, "", 0), 0);
}

static void t_enosys(void)
{
	static const long nrs[] = { 9999, 450, NR_SYSCALLS, -1, 1000000 };

	for (unsigned i = 0; i < ARRAY_SIZE(nrs); i++) {
		long r = syscall6(nrs[i], 1, 2, 3, 4, 5, 6);

		CHECK(r == -ENOSYS, "syscall %ld = %ld, want -ENOSYS", nrs[i], r);
	}
}

static void t_clock(void)
{
	struct timespec a, b;
	struct timeval tv;

	EQ(clock_gettime(CLOCK_MONOTONIC, &a), 0);
	EQ(clock_gettime(CLOCK_MONOTONIC, &b), 0);
	CHECK(b.tv_sec > a.tv_sec || (b.tv_sec == a.tv_sec && b.tv_nsec >= a.tv_nsec),
	      "CLOCK_MONOTONIC went back");
	CHECK(a.tv_nsec >= 0 && a.tv_nsec < 1000000000, "tv_nsec %ld", a.tv_nsec);
	EQ(clock_gettime(CLOCK_REALTIME, &a), 0);
	CHECK(a.tv_sec > 1600000000, "CLOCK_REALTIME %ld s: before 2020", a.tv_sec);
	EQ(gettimeofday(&tv, NULL), 0);
	CHECK(tv.tv_sec >= a.tv_sec && tv.tv_usec < 1000000, "gettimeofday");
	ERR(clock_gettime(10, &a), EINVAL); /* no clock (Linux: the removed SGI_CYCLE) */
	ERR(clock_gettime(12, &a), EINVAL);
	ERR(clock_gettime(-1, &a), EINVAL);
	ERR(clock_gettime(CLOCK_MONOTONIC, NULL), EFAULT);
	ERR(clock_gettime(CLOCK_REALTIME, KADDR), EFAULT);
	ERR(gettimeofday(KADDR, NULL), EFAULT);
}

static void t_nanosleep(void)
{
	struct timespec neg = { -1, 0 }, negns = { 0, -1 }, big = { 0, 1000000000 };
	struct timespec zero = { 0, 0 }, ms20 = { 0, 20000000 };
	uint64_t t0;

	ERR(nanosleep(&neg, NULL), EINVAL);
	ERR(nanosleep(&negns, NULL), EINVAL);
	ERR(nanosleep(&big, NULL), EINVAL);
	ERR(nanosleep(NULL, NULL), EFAULT);
	ERR(nanosleep(KADDR, NULL), EFAULT);
	EQ(nanosleep(&zero, NULL), 0);
	t0 = monotonic_ns();
	EQ(nanosleep(&ms20, NULL), 0);
	CHECK(monotonic_ns() - t0 >= 20000000, "slept %llu ns of 20 ms",
	      (unsigned long long)(monotonic_ns() - t0));
}

static void t_uname(void)
{
	struct utsname u;

	memset(&u, 0x55, sizeof(u));
	EQ(uname(&u), 0);
	CHECK(!strcmp(u.sysname, "Kite"), "sysname '%.65s'", u.sysname);
	CHECK(!strcmp(u.machine, "riscv64"), "machine '%.65s'", u.machine);
	CHECK(memchr(u.release, 0, 65) && memchr(u.nodename, 0, 65) &&
	      memchr(u.version, 0, 65), "a field is not NUL-terminated");
	ERR(uname(NULL), EFAULT);
	ERR(uname(KADDR), EFAULT);
}

/* getpid/getppid/gettid agree with what fork said, on both sides. */
static void t_ids(void)
{
	pid_t me = getpid(), kid;
	int st;

	EQ(getppid(), main_pid);
	EQ(gettid(), me);
	kid = fork();
	if (kid == 0) /* report our pid in the status; checked below */
		exit(getppid() == me && gettid() == getpid() && getpid() != me
		     ? getpid() & 0xff : 0xff ^ (getpid() & 0xff));
	CHECK(kid > 0 && kid != me, "fork returned %d", kid);
	EQ(waitpid(kid, &st, 0), kid);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == (kid & 0xff),
	      "child's getpid/getppid/gettid disagree with fork (status 0x%x)", st);
	EQ(getpid(), me);
}

static void t_times(void)
{
	struct tms t;
	clock_t t1 = times(NULL), t2;

	CHECK(t1 >= 0, "times(NULL) = %ld", (long)t1);
	sleep_ms(50);
	t2 = times(&t);
	CHECK(t2 > t1, "times did not grow: %ld then %ld", (long)t1, (long)t2);
	ERR(times(KADDR), EFAULT);
}

/* Kite's own calls: scheduling class, app list, process table, memory. */
static void t_kite_calls(void)
{
	static char apps[4096];
	static struct kite_procinfo procs[64];
	struct kite_meminfo mi;
	char cls[32], again[32];
	long n;
	int found = 0;

	EQ(kite_sched(NULL, cls, sizeof(cls)), 0);
	CHECK(!strcmp(cls, "rr") || !strcmp(cls, "stride"), "class '%s'", cls);
	EQ(kite_sched(cls, again, sizeof(again)), 0);
	CHECK(!strcmp(cls, again), "class %s after setting %s", again, cls);
	ERR(kite_sched(NULL, cls, 1), ERANGE);
	ERR(kite_sched("bogus", NULL, 0), EINVAL);
	ERR(kite_sched(NULL, KADDR, 32), EFAULT);
	EQ(sched_yield(), 0);
	n = kite_apps(apps, sizeof(apps) - 1);
	CHECK(n > 0 && n < (long)sizeof(apps), "kite_apps = %ld", n);
	apps[n] = '\0';
	CHECK(strstr(apps, "hello\n") && strstr(apps, "usertests\n") &&
	      strstr(apps, "echoargs\n"), "app list '%s'", apps);
	n = kite_procs(procs, ARRAY_SIZE(procs));
	CHECK(n > 2, "kite_procs = %ld", n);
	for (long i = 0; i < n && i < (long)ARRAY_SIZE(procs); i++)
		found |= procs[i].pid == getpid() && procs[i].ppid == main_pid &&
			 !strcmp(procs[i].name, "usertests");
	CHECK(found, "kite_procs does not list pid %d", getpid());
	EQ(kite_meminfo(&mi), 0);
	CHECK(mi.total > 0 && mi.free > 0 && mi.free < mi.total, "meminfo");
	ERR(kite_meminfo(NULL), EFAULT);
}

static void t_set_priority(void)
{
	EQ(set_priority(2), 2);
	EQ(set_priority(10), 10);
	ERR(set_priority(1), EINVAL);
	ERR(set_priority(0), EINVAL);
	ERR(set_priority(-10), EINVAL);
	EQ(set_priority(16), 16);
}

/* ---- processes -------------------------------------------------------- */

static void t_fork1000(void)
{
	for (int i = 0; i < 1000; i++) {
		pid_t pid = fork();
		int st;

		if (pid == 0)
			exit(i & 0xff);
		CHECK(pid > 0, "round %d: fork: %s", i, strerror(errno));
		CHECK(waitpid(pid, &st, 0) == pid, "round %d: waitpid", i);
		CHECK(WIFEXITED(st) && WEXITSTATUS(st) == (i & 0xff),
		      "round %d: status 0x%x", i, st);
	}
}

/* Fork sleeping children until fork fails (the process cap or memory),
 * kill and reap them all, then fork must work again. */
static void t_forkmax(void)
{
	static pid_t kids[MAX_KIDS];
	int n = 0, err, st;

	while ((kids[n] = sleeper()) > 0)
		CHECK(++n < MAX_KIDS, "%d forks succeeded: no process limit", n);
	err = errno;
	for (int i = 0; i < n; i++)
		EQ(kill(kids[i], SIGKILL), 0);
	for (int i = 0; i < n; i++) {
		CHECK(waitpid(kids[i], &st, 0) == kids[i], "waitpid(%d): %s",
		      kids[i], strerror(errno));
		CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL,
		      "child %d: status 0x%x", kids[i], st);
	}
	CHECK(err == EAGAIN || err == ENOMEM, "fork failed with errno %d", err);
	ERR(wait(&st), ECHILD);
	if ((kids[0] = fork()) == 0)
		exit(7);
	reap_code(kids[0], 7, "fork after the limit");
	pass_note("%d children, then %s", n, err == EAGAIN ? "EAGAIN" : "ENOMEM");
}

/* rCore's spawn0: 40 hellos, each reaped by wait with status 233. */
static void t_spawn40(void)
{
	char *argv[] = { "hello", NULL };
	pid_t kids[40];
	int st, k;

	for (int i = 0; i < 40; i++)
		CHECK((kids[i] = spawn("hello", argv, NULL)) > 0, "spawn %d: %s",
		      i, strerror(errno));
	for (int i = 0; i < 40; i++) {
		pid_t pid = wait(&st);

		CHECK(pid > 0, "wait %d: %s", i, strerror(errno));
		for (k = 0; k < 40 && kids[k] != pid; k++)
			;
		CHECK(k < 40, "wait returned %d, not a spawned child", pid);
		kids[k] = -1;
		CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 233, "status 0x%x", st);
	}
	ERR(wait(&st), ECHILD);
}

/* stride exits 0 when the ticks its six children were charged are
 * within 15% of proportional to their priorities, 1 when they are not,
 * 2 when it gives no verdict (the host held the hart back, so ticks came
 * late in lumps): then it runs again, up to three times. Now that it
 * pins its children to hart 0 it means the same on any number of harts. */
static void t_stride(void)
{
	char *argv[] = { "stride", NULL };
	int st = 0;

	for (int try = 1; try <= 3; try++) {
		pid_t pid = spawn("stride", argv, NULL);

		CHECK(pid > 0 && waitpid(pid, &st, 0) == pid, "spawn/wait: %s",
		      strerror(errno));
		CHECK(WIFEXITED(st) && WEXITSTATUS(st) != 1,
		      "stride: unfair (status 0x%x)", st);
		if (st == 0 && try > 1)
			pass_note("fair on run %d of 3 (no verdict before)", try);
		if (st == 0)
			return;
	}
	pass_note("no verdict in three runs: the host kept the hart back");
}

/* ---- faults (each in a grandchild, see struct test) --------------------- */

static void store_null(void) { *(volatile int *)opaque(NULL) = 1; }
static void store_kernel(void) { *(volatile int *)opaque(KADDR) = 1; }
static void store_text(void) { *(volatile int *)opaque((void *)store_text) = 0; }
static void illegal(void) { __asm__ volatile(".4byte 0"); }
static void breakpoint(void) { __asm__ volatile("ebreak"); }
static void load_unmapped(void) { (void)*(volatile int *)opaque(heap_edge() + PAGE); }

/* ---- memory -------------------------------------------------------------- */

static char *brk_probe;
static void touch_probe(void) { *(volatile char *)brk_probe = 1; }

static void t_brk(void)
{
	char *b0 = sys_brk(NULL), *cur = b0 + 3 * PAGE;
	struct kite_meminfo m1, m2, m3;

	CHECK(sbrk(0) == b0, "sbrk(0) %p, brk(0) %p", sbrk(0), b0);
	EQ(sys_brk(b0 + 1), b0 + 1);
	EQ(sys_brk(NULL), b0 + 1); /* byte-exact */
	memset(b0, 0xa5, PG_UP(b0 + 1) - (uintptr_t)b0);
	EQ(sys_brk(b0 + 3 * PAGE + 1), b0 + 3 * PAGE + 1);
	memset(b0, 0x5a, PG_UP(b0 + 3 * PAGE + 1) - (uintptr_t)b0);
	EQ(sys_brk(b0), b0);
	brk_probe = (char *)PG_UP(b0);
	expect_signal(touch_probe, SIGSEGV, "touching freed heap");
	EQ(sys_brk(cur), cur);
	for (char *p = b0; p < cur; p++)
		CHECK(*p == 0, "regrown heap not zero at %p: 0x%x", p, *p & 0xff);
	EQ(sys_brk(b0 - PAGE), cur); /* below the start: refused */
	EQ(sys_brk((void *)PAGE), cur);
	EQ(sys_brk((void *)(1UL << 60)), cur); /* beyond user space */
	EQ(sys_brk(KADDR), cur);
	/* More than all memory: refused, and the frames it took come back.
	 * The page tables it grew may stay until exit (at most 257 for
	 * 512 MiB), but a second try must not keep any more. */
	EQ(kite_meminfo(&m1), 0);
	EQ(sys_brk(b0 + (512UL << 20)), cur);
	EQ(kite_meminfo(&m2), 0);
	EQ(sys_brk(b0 + (512UL << 20)), cur);
	EQ(kite_meminfo(&m3), 0);
	CHECK(m1.free - m2.free < 300 && m2.free == m3.free, "failed brk kept "
	      "%lld frames, then %lld more", (long long)(m1.free - m2.free),
	      (long long)(m2.free - m3.free));
	EQ(sys_brk(NULL), cur);
	ERR(brk(b0 - PAGE), ENOMEM);
	CHECK(sbrk(-(intptr_t)(3 * PAGE)) == cur && sys_brk(NULL) == b0, "sbrk(-3 pages)");
}

/* ---- exec and spawn -------------------------------------------------------- */

static void t_exec(void)
{
	static char *const names[] = { "hello", "./hello", "/hello" };
	char *argv[] = { "hello", NULL };

	for (unsigned i = 0; i < ARRAY_SIZE(names); i++) {
		pid_t pid = fork();

		if (pid == 0) {
			execve(names[i], argv, NULL);
			fail("execve(%s): %s", names[i], strerror(errno));
		}
		reap_code(pid, 233, names[i]);
	}
}

static void t_exec_args(void)
{
	char *argv[] = { "echoargs", "one", "two words", NULL };
	char *envp[] = { "KITE=1", "EMPTY=", NULL };
	char *argv4[] = { "echoargs", "spawned", "x", "", NULL };
	pid_t pid = fork();

	if (pid == 0) {
		execve("echoargs", argv, envp);
		fail("execve(echoargs): %s", strerror(errno));
	}
	reap_code(pid, 3, "execve(echoargs)");
	reap_code(spawn("echoargs", argv4, envp), 4, "spawn(echoargs)");
}

static const char *bad_name;
static void exec_bad(void)
{
	ERR(execve(bad_name, (char *[]){ (char *)bad_name, NULL }, NULL), ENOEXEC);
}

static void t_bad_elf(void)
{
	static const char *const names[] = { "bad_truncated", "bad_machine",
					     "bad_overlap", "bad_entry" };
	int missing = 0;

	for (unsigned i = 0; i < ARRAY_SIZE(names); i++) {
		char *argv[] = { (char *)names[i], NULL };
		pid_t pid = spawn(names[i], argv, NULL);

		if (pid < 0 && errno == ENOENT) {
			missing++;
			continue;
		}
		ERR(pid, ENOEXEC); /* a started child would be init's to reap */
		bad_name = names[i];
		CHECK(sub(exec_bad, 5000) == 0, "execve(%s) did not fail cleanly",
		      names[i]);
	}
	if (missing == ARRAY_SIZE(names))
		pass_note(SKIP_EXTRA);
	CHECK(!missing, "%d of the bad ELF files not embedded", missing);
}

static void t_static_hello(void)
{
	char *argv[] = { "static_hello", NULL };
	pid_t pid = spawn("static_hello", argv, NULL);

	if (pid < 0 && errno == ENOENT)
		pass_note(SKIP_EXTRA);
	reap_code(pid, 42, "static_hello");
}

/* ---- the driver -------------------------------------------------------- */

static const struct test tests[] = {
	T(io), T(io_huge), T(badfd), T(kill), T(wait), T(exec_errors),
	T(enosys), T(clock), T(nanosleep), T(uname), T(ids), T(times),
	T(kite_calls), T(set_priority), T(fork1000), T(forkmax), T(spawn40),
	T(stride), FAULT(null, store_null, SIGSEGV),
	FAULT(kernel, store_kernel, SIGSEGV), FAULT(text, store_text, SIGSEGV),
	FAULT(illegal, illegal, SIGILL), FAULT(ebreak, breakpoint, SIGTRAP),
	FAULT(load, load_unmapped, SIGSEGV), T(brk), T(exec), T(exec_args),
	T(bad_elf), T(static_hello),
};

int main(int argc, char **argv)
{
	return tests_main("usertests", tests, ARRAY_SIZE(tests), argc, argv);
}
