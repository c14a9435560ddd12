/*
 * lxtests.c - the Linux calls Kite answers for glibc programs
 * (docs/LINUX.md), their error paths above all: bad pointers (NULL, the
 * kernel's addresses, buffers running into unmapped memory), bad
 * descriptors, absurd sizes and flags. Run like usertests
 * (tests/jobs_linux.py: lxtests[cpus=N], 1 and 4 harts), each test in a
 * child, every frame back at the end. What Linux itself answers is
 * compared by the suite (tests/linux/); these are the cases that suite
 * cannot make equal on both sides or that only Kite can check.
 */
#include "usertests.h"
#include "uapi/linux.h"

#define RAW(call, want) expect_eq(#call, (long)(call), (long)(want))
#define NS_PER_MS 1000000L

/* A page whose next page is unmapped: strings and buffers that run off
 * its end fault. */
static char *edge_page(void)
{
	char *p = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	CHECK(p != MAP_FAILED, "mmap: %s", strerror(errno));
	CHECK(munmap(p + PAGE, PAGE) == 0, "munmap");
	return p;
}

static void t_fstat(void)
{
	struct kite_stat st;
	char *edge = edge_page();
	static char longpath[LINUX_PATH_MAX + 1];

	for (int fd = 0; fd < 3; fd++) {
		RAW(syscall2(SYS_fstat, fd, &st), 0);
		CHECK(st.st_mode == (S_IFCHR | 0620) && st.st_rdev == KITE_MKDEV(136, 0) &&
		      st.st_nlink == 1 && st.st_uid == 0 && st.st_size == 0,
		      "fd %d: mode %o rdev %lx", fd, st.st_mode, (long)st.st_rdev);
	}
	RAW(syscall2(SYS_fstat, 3, &st), -EBADF);
	RAW(syscall2(SYS_fstat, -1, &st), -EBADF);
	RAW(syscall2(SYS_fstat, 1, NULL), -EFAULT);
	RAW(syscall2(SYS_fstat, 1, KADDR), -EFAULT);
	RAW(syscall2(SYS_fstat, 1, edge + PAGE - 8), -EFAULT); /* straddles */
	RAW(syscall4(SYS_newfstatat, 2, "", &st, AT_EMPTY_PATH), 0);
	CHECK(st.st_mode == (S_IFCHR | 0620), "newfstatat mode %o", st.st_mode);
	RAW(syscall4(SYS_newfstatat, 7, "", &st, AT_EMPTY_PATH), -EBADF);
	RAW(syscall4(SYS_newfstatat, AT_FDCWD, "", &st, AT_EMPTY_PATH), -ENOENT);
	RAW(syscall4(SYS_newfstatat, 1, "", &st, 0), -ENOENT);
	RAW(syscall4(SYS_newfstatat, AT_FDCWD, "/x", &st, 0x1), -EINVAL);
	RAW(syscall4(SYS_newfstatat, AT_FDCWD, "/hello", &st, 0), -ENOENT);
	RAW(syscall4(SYS_newfstatat, 1, "x", &st, 0), -ENOTDIR);
	RAW(syscall4(SYS_newfstatat, 9, "x", &st, 0), -EBADF);
	RAW(syscall4(SYS_newfstatat, 9, "/x", &st, 0), -ENOENT); /* absolute: no dirfd */
	RAW(syscall4(SYS_newfstatat, AT_FDCWD, NULL, &st, 0), -EFAULT);
	RAW(syscall4(SYS_newfstatat, AT_FDCWD, KADDR, &st, 0), -EFAULT);
	memset(edge + PAGE - 3, 'a', 3); /* no NUL before the unmapped page */
	RAW(syscall4(SYS_newfstatat, AT_FDCWD, edge + PAGE - 3, &st, 0), -EFAULT);
	memset(longpath, 'p', LINUX_PATH_MAX);
	RAW(syscall4(SYS_newfstatat, AT_FDCWD, longpath, &st, 0), -ENAMETOOLONG);
	longpath[LINUX_PATH_MAX - 1] = '\0';
	RAW(syscall4(SYS_newfstatat, AT_FDCWD, longpath, &st, 0), -ENOENT);
}

static void t_paths(void)
{
	char buf[64];

	RAW(syscall4(SYS_readlinkat, AT_FDCWD, "/proc/self/exe", buf, sizeof(buf)), -ENOENT);
	RAW(syscall4(SYS_readlinkat, AT_FDCWD, "/proc/self/exe", KADDR, 64), -ENOENT);
	RAW(syscall4(SYS_readlinkat, AT_FDCWD, "/x", buf, 0), -EINVAL);
	RAW(syscall4(SYS_readlinkat, AT_FDCWD, "/x", buf, -1), -EINVAL);
	RAW(syscall4(SYS_readlinkat, AT_FDCWD, KADDR, buf, 10), -EFAULT);
	RAW(syscall4(SYS_readlinkat, 5, "x", buf, 10), -EBADF);
	RAW(syscall4(SYS_openat, AT_FDCWD, "/etc/passwd", 0, 0), -ENOENT);
	RAW(syscall4(SYS_openat, AT_FDCWD, "new", O_CREAT | 1, 0644), -EROFS);
	RAW(syscall4(SYS_openat, 9, "x", 0, 0), -EBADF);
	RAW(syscall4(SYS_openat, 0, "x", 0, 0), -ENOTDIR);
	RAW(syscall4(SYS_openat, AT_FDCWD, NULL, 0, 0), -EFAULT);
	for (int fd = 0; fd < 3; fd++)
		RAW(syscall3(SYS_lseek, fd, 0, 0), -ESPIPE);
	RAW(syscall3(SYS_lseek, 3, 0, 0), -EBADF);
	RAW(syscall2(SYS_getcwd, buf, sizeof(buf)), 2);
	CHECK(strcmp(buf, "/") == 0, "getcwd '%s'", buf);
	RAW(syscall2(SYS_getcwd, buf, 1), -ERANGE);
	RAW(syscall2(SYS_getcwd, buf, 0), -ERANGE);
	RAW(syscall2(SYS_getcwd, KADDR, 64), -EFAULT);
}

static void t_tty(void)
{
	struct kite_winsize ws, big = { 40, 100, 0, 0 }, back;
	struct kite_termios t;

	RAW(syscall3(SYS_ioctl, 1, TIOCGWINSZ, &ws), 0);
	CHECK(ws.ws_row > 0 && ws.ws_col > 0, "winsize %ux%u", ws.ws_col, ws.ws_row);
	RAW(syscall3(SYS_ioctl, 0, TIOCSWINSZ, &big), 0);
	RAW(syscall3(SYS_ioctl, 2, TIOCGWINSZ, &back), 0);
	CHECK(back.ws_row == 40 && back.ws_col == 100, "set %ux%u", back.ws_col, back.ws_row);
	RAW(syscall3(SYS_ioctl, 1, TIOCSWINSZ, &ws), 0);
	RAW(syscall3(SYS_ioctl, 1, TIOCGWINSZ, KADDR), -EFAULT);
	RAW(syscall3(SYS_ioctl, 1, TIOCSWINSZ, NULL), -EFAULT);
	RAW(syscall3(SYS_ioctl, 3, TIOCGWINSZ, &ws), -EBADF);
	RAW(syscall3(SYS_ioctl, 0, TCGETS, &t), 0);
	RAW(syscall3(SYS_ioctl, 0, TCSETSW, &t), 0);
	RAW(syscall3(SYS_ioctl, 0, TCSETSF, &t), 0);
	RAW(syscall3(SYS_ioctl, 0, TCSETSW, KADDR), -EFAULT);
	RAW(syscall3(SYS_ioctl, 1, 0x7fff, 0), -ENOTTY);
}

static void t_ids(void)
{
	uint32_t a = 7, b = 7, c = 7;

	RAW(syscall0(SYS_getuid), 0);
	RAW(syscall0(SYS_geteuid), 0);
	RAW(syscall0(SYS_getgid), 0);
	RAW(syscall0(SYS_getegid), 0);
	RAW(syscall3(SYS_getresuid, &a, &b, &c), 0);
	CHECK(a == 0 && b == 0 && c == 0, "getresuid %u %u %u", a, b, c);
	a = b = 7;
	RAW(syscall3(SYS_getresgid, &a, &b, KADDR), -EFAULT);
	CHECK(a == 0 && b == 0, "getresgid wrote %u %u before the fault", a, b);
	RAW(syscall3(SYS_getresuid, NULL, &b, &c), -EFAULT);
}

static void t_sysinfo(void)
{
	struct kite_sysinfo si;
	struct kite_meminfo mi;

	RAW(syscall1(SYS_sysinfo, &si), 0);
	EQ(kite_meminfo(&mi), 0);
	CHECK(si.mem_unit == 1 && si.totalram == mi.total * PAGE,
	      "totalram %lu, %lu frames", (long)si.totalram, (long)mi.total);
	CHECK(si.freeram > 0 && si.freeram <= si.totalram, "freeram %lu", (long)si.freeram);
	CHECK(si.procs >= 2 && si.uptime >= 1, "procs %u uptime %ld", si.procs, (long)si.uptime);
	CHECK(si.freeswap <= si.totalswap, "swap");
	RAW(syscall1(SYS_sysinfo, NULL), -EFAULT);
	RAW(syscall1(SYS_sysinfo, KADDR), -EFAULT);
}

static void t_getrandom(void)
{
	uint8_t a[64], b[64];
	char *edge = edge_page();

	RAW(syscall3(SYS_getrandom, a, sizeof(a), 0), 64);
	RAW(syscall3(SYS_getrandom, b, sizeof(b), GRND_NONBLOCK | GRND_RANDOM), 64);
	CHECK(memcmp(a, b, sizeof(a)) != 0, "two draws alike");
	RAW(syscall3(SYS_getrandom, a, 0, 0), 0);
	RAW(syscall3(SYS_getrandom, NULL, 0, 0), 0);
	RAW(syscall3(SYS_getrandom, a, 16, 8), -EINVAL);
	RAW(syscall3(SYS_getrandom, a, 16, GRND_RANDOM | GRND_INSECURE), -EINVAL);
	RAW(syscall3(SYS_getrandom, a, 16, GRND_INSECURE), 16);
	RAW(syscall3(SYS_getrandom, NULL, 16, 0), -EFAULT);
	RAW(syscall3(SYS_getrandom, KADDR, 16, 0), -EFAULT);
	/* a fault part-way gives the bytes before it, to the byte */
	RAW(syscall3(SYS_getrandom, edge, 2 * PAGE, 0), PAGE);
	RAW(syscall3(SYS_getrandom, edge + PAGE - 100, 1UL << 20, 0), 100);
	RAW(syscall3(SYS_getrandom, edge + PAGE, 16, 0), -EFAULT);
	/* any count is cut to MAX_RW_COUNT (2 GiB), which from a mapping
	 * this high passes the top of the user half: the range check fails
	 * first, as Linux's access_ok does */
	RAW(syscall3(SYS_getrandom, edge, -1L, 0), -EFAULT);
}

/* Several processes at once on every hart: draws never repeat. */
/* Wait for every one of n children (so that none is left running when
 * the frames are counted), then check that each exited 0. */
static void reap_all(const pid_t *kids, int n, const char *what)
{
	int bad = 0, first = 0;

	for (int i = 0; i < n; i++) {
		int st = -1;

		if (kids[i] <= 0 || waitpid(kids[i], &st, 0) != kids[i] ||
		    !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
			if (!bad++)
				first = st;
		}
	}
	CHECK(!bad, "%s: %d of %d failed (the first: status 0x%x)", what, bad, n, first);
}

static void t_getrandom_harts(void)
{
	int n = harts > 8 ? 8 : harts > 1 ? harts : 2;
	pid_t kids[8];

	for (int i = 0; i < n; i++) {
		kids[i] = fork();
		if (kids[i] == 0) {
			static uint8_t buf[65536], prev[32];

			for (int r = 0; r < 50; r++) {
				if (syscall3(SYS_getrandom, buf, sizeof(buf), 0) != sizeof(buf))
					exit(3);
				if (r && memcmp(prev, buf, sizeof(prev)) == 0)
					exit(4);
				memcpy(prev, buf, sizeof(prev));
			}
			exit(0);
		}
	}
	reap_all(kids, n, "getrandom child");
}

static void t_iov(void)
{
	static struct kite_iovec many[IOV_MAX_LINUX + 1];
	struct kite_iovec v[2] = { { (uint64_t)"iov ", 4 }, { (uint64_t)"ok\n", 3 } };
	char *edge = edge_page();
	char in[8];

	RAW(syscall3(SYS_writev, 1, v, 2), 7);
	RAW(syscall3(SYS_writev, 1, v, 0), 0);
	RAW(syscall3(SYS_writev, 1, many, IOV_MAX_LINUX), 0);
	RAW(syscall3(SYS_writev, 1, many, IOV_MAX_LINUX + 1), -EINVAL);
	RAW(syscall3(SYS_writev, 1, many, -1L), -EINVAL);
	RAW(syscall3(SYS_writev, 1, NULL, 1), -EFAULT);
	RAW(syscall3(SYS_writev, 1, KADDR, 1), -EFAULT);
	/* the array itself running into unmapped memory */
	memcpy(edge + PAGE - sizeof(v[0]), &v[0], sizeof(v[0]));
	RAW(syscall3(SYS_writev, 1, edge + PAGE - sizeof(v[0]), 2), -EFAULT);
	struct kite_iovec neg[2] = { { (uint64_t)KADDR, 1 }, { (uint64_t)in, 1UL << 63 } };
	RAW(syscall3(SYS_writev, 1, neg, 2), -EINVAL); /* before the bad address */
	struct kite_iovec kern[1] = { { (uint64_t)KADDR, 4 } };
	RAW(syscall3(SYS_writev, 1, kern, 1), -EFAULT);
	struct kite_iovec part[2] = { { (uint64_t)"part\n", 5 }, { (uint64_t)(edge + PAGE), 4 } };
	RAW(syscall3(SYS_writev, 2, part, 2), 5);
	/* a descriptor open the other way: a pipe's ends (the console's
	 * 0, 1 and 2 are all O_RDWR, as a terminal's) */
	int p[2];
	CHECK(pipe(p) == 0, "pipe: %s", strerror(errno));
	RAW(syscall3(SYS_writev, p[0], v, 2), -EBADF);
	RAW(syscall3(SYS_writev, p[0], v, 0), 0);   /* nothing to write: no check */
	RAW(syscall3(SYS_writev, 9, v, 2), -EBADF);
	RAW(syscall3(SYS_writev, 9, many, IOV_MAX_LINUX + 1), -EBADF); /* fd first */
	struct kite_iovec r[1] = { { (uint64_t)in, sizeof(in) } };
	RAW(syscall3(SYS_readv, p[1], r, 1), -EBADF);
	RAW(syscall3(SYS_readv, 9, r, 1), -EBADF);
	close(p[0]);
	close(p[1]);
	RAW(syscall3(SYS_readv, 0, many, IOV_MAX_LINUX + 1), -EINVAL);
	RAW(syscall3(SYS_readv, 0, r, 0), 0);
	/* a destination that cannot take the bytes fails before any input
	 * is read (nothing is typed here: it would wait forever) */
	struct kite_iovec bad[2] = { { (uint64_t)in, 4 }, { (uint64_t)KADDR, 4 } };
	RAW(syscall3(SYS_readv, 0, bad, 2), -EFAULT);
	struct kite_iovec ro[1] = { { (uint64_t)"read-only text", 8 } };
	RAW(syscall3(SYS_readv, 0, ro, 1), -EFAULT);
}

/* A child that spins until killed; its pid. */
static pid_t spinner(void)
{
	pid_t pid = fork();

	if (pid == 0)
		for (volatile long i = 0;; i++)
			;
	CHECK(pid > 0, "fork");
	return pid;
}

static long cpuclock_of(pid_t pid, bool thread)
{
	return (long)(~(unsigned long)pid << 3) | (thread ? 4 : 0) | 2;
}

static int64_t ns_of(long clk)
{
	struct kite_timespec ts;

	if (syscall2(SYS_clock_gettime, clk, &ts))
		return -1;
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void sleep_on_own_cpu_clock(void)
{
	struct kite_timespec ts = { 100, 0 };

	syscall4(SYS_clock_nanosleep, CLOCK_PROCESS_CPUTIME_ID, 0, &ts, NULL);
	exit(5); /* must not be reached: nothing else uses CPU */
}

static void t_clocks(void)
{
	struct kite_timespec ts, res;
	int64_t tick = 1000000000LL / 100;

	for (long c = 0; c <= 11; c++) {
		bool ok = c != 8 && c != 9 && c != 10;

		RAW(syscall2(SYS_clock_gettime, c, &ts), ok ? 0 : -EINVAL);
		RAW(syscall2(SYS_clock_getres, c, &res), ok ? 0 : -EINVAL);
		CHECK(!ok || (res.tv_sec == 0 && res.tv_nsec > 0 && res.tv_nsec <= tick),
		      "clock %ld res %ld ns", c, res.tv_nsec);
	}
	RAW(syscall2(SYS_clock_getres, CLOCK_MONOTONIC, NULL), 0);
	RAW(syscall2(SYS_clock_getres, CLOCK_MONOTONIC, KADDR), -EFAULT);
	RAW(syscall2(SYS_clock_getres, 12, NULL), -EINVAL);

	/* another process's CPU clock grows while it runs */
	pid_t spin = spinner();
	int64_t a = ns_of(cpuclock_of(spin, false));
	sleep_ms(200);
	int64_t b = ns_of(cpuclock_of(spin, false));
	CHECK(a >= 0 && b > a, "child's CPU clock %ld -> %ld", (long)a, (long)b);
	RAW(syscall2(SYS_clock_gettime, cpuclock_of(spin, true), &ts), -EINVAL);
	RAW(syscall2(SYS_clock_gettime, cpuclock_of(getpid(), true), &ts), 0);
	RAW(syscall2(SYS_clock_gettime, cpuclock_of(99999, false), &ts), -EINVAL);
	RAW(syscall2(SYS_clock_gettime, cpuclock_of(1, false), &ts), -EINVAL); /* init: kernel */
	/* sleeping on it: until the child has used 50 ms more */
	struct kite_timespec fifty = { 0, 50 * NS_PER_MS };
	a = ns_of(cpuclock_of(spin, false));
	RAW(syscall4(SYS_clock_nanosleep, cpuclock_of(spin, false), 0, &fifty, NULL), 0);
	b = ns_of(cpuclock_of(spin, false));
	CHECK(b - a >= 50 * NS_PER_MS, "woke after %ld ns of its CPU", (long)(b - a));
	kill(spin, SIGKILL);
	waitpid(spin, NULL, 0);

	/* on its own CPU clock a lone thread sleeps until killed */
	CHECK(sub(sleep_on_own_cpu_clock, 300) == -1, "own CPU clock sleep ended");

	RAW(syscall4(SYS_clock_nanosleep, CLOCK_THREAD_CPUTIME_ID, 0, &fifty, NULL), -EINVAL);
	RAW(syscall4(SYS_clock_nanosleep, CLOCK_MONOTONIC_COARSE, 0, &fifty, NULL), -EOPNOTSUPP);
	RAW(syscall4(SYS_clock_nanosleep, 8, 0, &fifty, NULL), -EINVAL);
	RAW(syscall4(SYS_clock_nanosleep, CLOCK_MONOTONIC, 0, KADDR, NULL), -EFAULT);
	struct kite_timespec badns = { 0, 1000000000 };
	RAW(syscall4(SYS_clock_nanosleep, CLOCK_MONOTONIC, 0, &badns, NULL), -EINVAL);
	struct kite_timespec tiny = { 0, 1000 };
	RAW(syscall4(SYS_clock_nanosleep, CLOCK_MONOTONIC, 0, &tiny, KADDR), 0); /* rem unused */
	struct kite_timespec past = { 0, 1 };
	RAW(syscall4(SYS_clock_nanosleep, CLOCK_REALTIME, TIMER_ABSTIME, &past, NULL), 0);
}

static void t_getrusage(void)
{
	struct kite_rusage ru;
	pid_t spin = spinner();

	sleep_ms(300);
	kill(spin, SIGKILL);
	waitpid(spin, NULL, 0);
	RAW(syscall2(SYS_getrusage, RUSAGE_CHILDREN, &ru), 0);
	CHECK(ru.ru_utime.tv_sec * 1000000 + ru.ru_utime.tv_usec >= 100000,
	      "children's utime %ld us", (long)(ru.ru_utime.tv_sec * 1000000 + ru.ru_utime.tv_usec));
	RAW(syscall2(SYS_getrusage, RUSAGE_SELF, &ru), 0);
	CHECK(ru.ru_maxrss > 0 && ru.ru_minflt > 0, "maxrss %ld minflt %ld",
	      (long)ru.ru_maxrss, (long)ru.ru_minflt);
	RAW(syscall2(SYS_getrusage, RUSAGE_THREAD, &ru), 0);
	RAW(syscall2(SYS_getrusage, 2, &ru), -EINVAL);
	RAW(syscall2(SYS_getrusage, -2, &ru), -EINVAL);
	RAW(syscall2(SYS_getrusage, RUSAGE_SELF, NULL), -EFAULT);
	RAW(syscall2(SYS_getrusage, RUSAGE_SELF, KADDR), -EFAULT);
}

static void t_unknown(void)
{
	static const long nrs[] = { 244, SYS_rseq, 449, 499, 1000, -5 };

	for (unsigned i = 0; i < ARRAY_SIZE(nrs); i++)
		RAW(syscall6(nrs[i], 1, 2, 3, 4, 5, 6), -ENOSYS);
	EQ(getppid(), main_pid); /* still ourselves */
}

/* ---- execve and spawn: Linux's argument limits ----------------------- */

static char *filled(size_t n, char c)
{
	char *s = malloc(n + 1);

	CHECK(s, "malloc(%zu)", n);
	memset(s, c, n);
	s[n] = '\0';
	return s;
}

/* lxtests --args S...: exit with the number of strings, 255 if one of
 * them is not a single character repeated (a list arrived damaged). */
static int args_child(int argc, char **argv)
{
	for (int i = 2; i < argc; i++)
		for (char *c = argv[i]; *c; c++)
			if (*c != argv[i][0])
				return 255;
	return (argc - 2) & 0xff;
}

/* argv = { "lxtests", "--args", n strings of len bytes of c, c+1, ... } */
static char **arg_list(int n, size_t len, char c)
{
	char **v = calloc((size_t)n + 3, sizeof(char *));

	CHECK(v, "calloc");
	v[0] = "lxtests";
	v[1] = "--args";
	for (int i = 0; i < n; i++)
		v[2 + i] = filled(len, (char)(c + i % 20));
	return v;
}

static void t_exec_limits(void)
{
	char *edge = edge_page();
	char **v;

	/* 3000 arguments and 3000 variables */
	v = arg_list(3000, 1, 'a');
	char **env = (char **)arg_list(3000, 3, 'A') + 2;
	reap_code(spawn("lxtests", v, env), 3000 & 0xff, "3000 arguments");
	/* one string at MAX_ARG_STRLEN with its NUL, one past it */
	v = arg_list(1, 128 * 1024 - 1, 'b');
	reap_code(spawn("lxtests", v, NULL), 1, "128 KiB argument");
	v = arg_list(1, 128 * 1024, 'c');
	ERR(spawn("lxtests", v, NULL), E2BIG);
	char *bigenv[] = { filled(128 * 1024, 'd'), NULL };
	ERR(spawn("lxtests", arg_list(0, 0, 'e'), bigenv), E2BIG);
	/* 24 x 100 KiB = 2.4 MiB: over a quarter of the 8 MiB stack limit;
	 * 18 x 100 KiB fits */
	v = arg_list(24, 100 * 1024, 'f');
	ERR(spawn("lxtests", v, NULL), E2BIG);
	v[2 + 18] = NULL;
	reap_code(spawn("lxtests", v, NULL), 18, "1.8 MiB of arguments");
	/* the pointers alone past the limit */
	char **ptrs = calloc(300001, sizeof(char *));
	CHECK(ptrs, "calloc");
	ptrs[0] = "lxtests";
	for (int i = 1; i < 300000; i++)
		ptrs[i] = "";
	ERR(spawn("lxtests", ptrs, NULL), E2BIG);
	free(ptrs);
	/* bad pointers: in the middle, the array, a string into unmapped memory */
	char *mid[] = { "lxtests", "--args", "a", (char *)KADDR, "b", NULL };
	ERR(spawn("lxtests", mid, NULL), EFAULT);
	char *envbad[] = { "A=1", (char *)16, NULL };
	ERR(spawn("lxtests", arg_list(0, 0, 'g'), envbad), EFAULT);
	ERR(spawn("lxtests", (char **)KADDR, NULL), EFAULT);
	ERR(spawn("lxtests", arg_list(0, 0, 'g'), (char **)KADDR), EFAULT);
	memset(edge + PAGE - 10, 'e', 10);
	char *straddle[] = { "lxtests", "--args", edge + PAGE - 10, NULL };
	ERR(spawn("lxtests", straddle, NULL), EFAULT);
	char **arr = (char **)(edge + PAGE - 8); /* the array runs off the page */
	arr[0] = "lxtests";
	ERR(spawn("lxtests", arr, NULL), EFAULT);
	/* a smaller stack limit lowers the list's limit (to 128 KiB at least) */
	struct rlimit old, small = { 512 * 1024, RLIM_INFINITY };
	EQ(getrlimit(RLIMIT_STACK, &old), 0);
	EQ(setrlimit(RLIMIT_STACK, &small), 0);
	ERR(spawn("lxtests", arg_list(2, 100 * 1024, 'h'), NULL), E2BIG);
	reap_code(spawn("lxtests", arg_list(1, 100 * 1024, 'h'), NULL), 1,
		  "100 KiB under a 512 KiB stack limit");
	EQ(setrlimit(RLIMIT_STACK, &old), 0);
	/* no arguments at all: argv becomes { "" } (echoargs exits argc) */
	char *none[] = { NULL };
	reap_code(spawn("echoargs", none, NULL), 1, "empty argv");
	/* execve keeps the caller after an E2BIG, then takes 1.5 MiB */
	v = arg_list(15, 100 * 1024, 'i');
	pid_t pid = fork();
	if (pid == 0) {
		if (execve("lxtests", arg_list(1, 128 * 1024, 'j'), NULL) == -1 &&
		    errno == E2BIG)
			execve("lxtests", v, NULL);
		exit(99);
	}
	reap_code(pid, 15, "execve of 1.5 MiB after an E2BIG");
}

/* Big lists from every hart at once: no frame lost, every child right. */
static void t_exec_limits_harts(void)
{
	int n = harts > 8 ? 8 : harts > 1 ? harts : 2;
	pid_t kids[8];

	for (int i = 0; i < n; i++) {
		kids[i] = fork();
		if (kids[i] == 0) {
			char **v = arg_list(10, 100 * 1024, (char)('k' + i));

			for (int r = 0; r < 5; r++) {
				pid_t c = spawn("lxtests", v, NULL);
				int st;

				if (c < 0 || waitpid(c, &st, 0) != c || !WIFEXITED(st) ||
				    WEXITSTATUS(st) != 10)
					exit(3);
			}
			exit(0);
		}
	}
	reap_all(kids, n, "spawner");
}

static const struct test tests[] = {
	T(fstat), T(paths), T(tty), T(ids), T(sysinfo), T(getrandom),
	T(getrandom_harts), T(iov), T(clocks), T(getrusage), T(unknown),
	T(exec_limits), T(exec_limits_harts),
};

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "--args") == 0)
		return args_child(argc, argv);
	return tests_main("lxtests", tests, ARRAY_SIZE(tests), argc, argv);
}
