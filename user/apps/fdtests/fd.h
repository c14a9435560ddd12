/*
 * fd.h - what the descriptor tests share: the driver (../usertests.h),
 * raw calls for arguments the library would not pass, and helpers
 * (is a descriptor open, a pipe that must be made, reading exactly n
 * bytes, a signal handler that records). Included once, by main.c,
 * before the tests (dup.h, pipes.h, procs.h, polls.h).
 */
#ifndef KITE_FDTESTS_FD_H
#define KITE_FDTESTS_FD_H

#include "../usertests.h"

#define PROG "fdtests"
#define CAPACITY (4 * 4096) /* the kernel's PIPE_CAPACITY */
#define PIPE_BUF 4096

/* A raw call's result as the library returns it: -1 and errno. */
static long raw(long r)
{
	if (r < 0 && r > -4096) {
		errno = (int)-r;
		return -1;
	}
	return r;
}

static bool is_open(int fd)
{
	return fcntl(fd, F_GETFD) >= 0;
}

static void make_pipe(int fds[2], int flags)
{
	CHECK(pipe2(fds, flags) == 0, "pipe2(%d): %s", flags, strerror(errno));
}

/* Read exactly n bytes (or to end of file): how many came. */
static size_t read_full(int fd, void *buf, size_t n)
{
	size_t got = 0;

	while (got < n) {
		ssize_t r = read(fd, (char *)buf + got, n - got);

		if (r < 0 && errno == EINTR)
			continue;
		CHECK(r >= 0, "read(%d): %s", fd, strerror(errno));
		if (r == 0)
			break;
		got += (size_t)r;
	}
	return got;
}

static void write_full(int fd, const void *buf, size_t n)
{
	EQ(write(fd, buf, n), (long)n);
}

static volatile int signals_seen;

static void on_signal(int s)
{
	(void)s;
	signals_seen++;
}

static void handle(int s, void (*fn)(int), int flags)
{
	struct sigaction sa = { .sa_handler = fn };

	sa.sa_flags = flags;
	CHECK(sigaction(s, &sa, NULL) == 0, "sigaction(%d): %s", s,
	      strerror(errno));
}

/* SIGALRM once, ms from now. */
static void alarm_ms(long ms)
{
	struct itimerval it = { { 0, 0 }, { ms / 1000, (ms % 1000) * 1000 } };

	CHECK(setitimer(ITIMER_REAL, &it, NULL) == 0, "setitimer: %s",
	      strerror(errno));
}

/* Wait (100 s at most) until process pid's first thread sleeps, as the
 * process table shows (state 3). */
static void wait_sleeping(pid_t pid)
{
	static struct kite_procinfo t[256];

	for (int i = 0; i < 10000; i++) {
		long n = kite_procs(t, 256);

		for (long j = 0; j < n && j < 256; j++)
			if (t[j].pid == pid && t[j].tid == pid && t[j].state == 3)
				return;
		sleep_ms(10);
	}
	fail("pid %d never slept", pid);
}

/* The lowest descriptor not open (what the next dup must return). */
static int lowest_free(void)
{
	int fd = 0;

	while (is_open(fd))
		fd++;
	return fd;
}

#endif
