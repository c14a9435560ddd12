/*
 * dup.h - the table itself: the console on 0, 1 and 2 (O_RDWR, one file
 * description), close, dup, dup2/dup3 and fcntl with their errors,
 * close_range, RLIMIT_NOFILE and a table grown past its first size.
 */

/* The first process's three descriptors are one console file opened
 * O_RDWR: each reads, writes and answers the terminal's ioctls. */
static void t_console_fds(void)
{
	struct kite_termios t;
	struct kite_stat st;

	for (int fd = 0; fd < 3; fd++) {
		EQ(fcntl(fd, F_GETFL), O_RDWR);
		EQ(fcntl(fd, F_GETFD), 0);
		EQ(ioctl(fd, TCGETS, &t), 0);
		EQ(write(fd, "", 0), 0);
		EQ(raw(syscall3(SYS_lseek, fd, 0, 0)), -1);
		EQ(errno, ESPIPE);
		EQ(raw(syscall2(SYS_fstat, fd, &st)), 0);
		EQ(st.st_mode & S_IFMT, S_IFCHR);
	}
	EQ(write(0, "fd 0 writes\n", 12), 12);
	/* one description: O_NONBLOCK set through 2 shows on 0 */
	EQ(fcntl(2, F_SETFL, O_NONBLOCK), 0);
	EQ(fcntl(0, F_GETFL), O_RDWR | O_NONBLOCK);
	EQ(fcntl(2, F_SETFL, 0), 0);
	EQ(fcntl(0, F_GETFL), O_RDWR);
}

static void t_close_dup(void)
{
	int low = lowest_free(), fd, p[2];
	char c;

	EQ(low, 3);
	ERR(close(-1), EBADF);
	ERR(close(low), EBADF);
	ERR(close(1 << 20), EBADF);
	/* a descriptor is an unsigned int: the kernel takes the low 32
	 * bits, so this closes fd 1 */
	EQ(raw(syscall1(SYS_close, 0x100000001L)), 0);
	CHECK(!is_open(1), "fd 1 still open after close(0x100000001)");
	EQ(dup(2), 1); /* the lowest free one */
	ERR(dup(-1), EBADF);
	ERR(dup(low), EBADF);
	ERR(dup(4096), EBADF);
	fd = dup(1);
	EQ(fd, low);
	EQ(close(fd), 0);
	ERR(close(fd), EBADF);
	/* dup2: onto itself checks only that it is open */
	EQ(dup2(1, 1), 1);
	ERR(dup2(low, low), EBADF);
	/* dup3: flags and errors */
	ERR(dup3(1, 1, 0), EINVAL);
	ERR(dup3(1, 5, 1), EINVAL);
	ERR(dup3(1, 5, O_NONBLOCK), EINVAL);
	ERR(dup3(low, 5, 0), EBADF);
	ERR(dup3(1, -1, 0), EBADF);
	ERR(dup3(-1, 5, 0), EBADF);
	ERR(dup3(1, 4096, 0), EBADF); /* at RLIMIT_NOFILE's hard limit */
	ERR(dup3(1, 1024, 0), EBADF); /* at the soft limit */
	EQ(dup3(1, 1023, O_CLOEXEC), 1023); /* grows the table */
	EQ(fcntl(1023, F_GETFD), FD_CLOEXEC);
	EQ(close(1023), 0);
	/* dup2 onto an open descriptor closes its file: the pipe's only
	 * write end goes, and the reader sees end of file */
	make_pipe(p, 0);
	EQ(dup2(2, p[1]), p[1]);
	EQ(read(p[0], &c, 1), 0);
	EQ(fcntl(p[1], F_GETFL), O_RDWR); /* the console now */
	EQ(close(p[0]), 0);
	EQ(close(p[1]), 0);
	EQ(lowest_free(), low);
}

static void t_fcntl(void)
{
	int p[2], fd;

	make_pipe(p, 0);
	EQ(fcntl(p[0], F_GETFL), O_RDONLY);
	EQ(fcntl(p[1], F_GETFL), O_WRONLY);
	EQ(fcntl(p[0], F_GETFD), 0);
	EQ(fcntl(p[0], F_SETFD, FD_CLOEXEC), 0);
	EQ(fcntl(p[0], F_GETFD), FD_CLOEXEC);
	EQ(fcntl(p[0], F_SETFD, 0), 0);
	EQ(fcntl(p[0], F_GETFD), 0);
	/* F_DUPFD: the lowest free at or above arg; the copy is not
	 * close-on-exec, F_DUPFD_CLOEXEC's is */
	fd = fcntl(p[0], F_DUPFD, 10);
	EQ(fd, 10);
	EQ(fcntl(p[0], F_DUPFD, 10), 11);
	EQ(fcntl(10, F_GETFD), 0);
	EQ(fcntl(p[0], F_DUPFD_CLOEXEC, 10), 12);
	EQ(fcntl(12, F_GETFD), FD_CLOEXEC);
	EQ(fcntl(p[0], F_DUPFD, 0), 5);
	ERR(fcntl(p[0], F_DUPFD, 1024), EINVAL);
	ERR(fcntl(p[0], F_DUPFD, -1), EINVAL);
	/* status flags: shared by the dups of one file; the access mode
	 * and other bits do not change */
	EQ(fcntl(p[0], F_SETFL, O_NONBLOCK | O_WRONLY | O_CREAT), 0);
	EQ(fcntl(10, F_GETFL), O_RDONLY | O_NONBLOCK);
	EQ(fcntl(12, F_SETFL, O_APPEND), 0);
	EQ(fcntl(p[0], F_GETFL), O_RDONLY | O_APPEND);
	EQ(fcntl(p[1], F_GETFL), O_WRONLY); /* the other end is another file */
	EQ(fcntl(p[0], F_GETPIPE_SZ), CAPACITY);
	EQ(fcntl(p[0], F_SETPIPE_SZ, 4096), CAPACITY);
	ERR(fcntl(p[0], F_SETPIPE_SZ, 1 << 20), EPERM);
	ERR(fcntl(1, F_GETPIPE_SZ), EBADF);
	/* errors: a closed or negative fd first, then the command */
	ERR(fcntl(99, F_GETFL), EBADF);
	ERR(fcntl(-1, F_GETFD), EBADF);
	ERR(fcntl(99, 12345), EBADF);
	ERR(fcntl(p[0], 12345), EINVAL);
	ERR(fcntl(p[0], F_GETFD + 1000), EINVAL);
	for (fd = 3; fd < 13; fd++)
		close(fd);
	EQ(lowest_free(), 3);
}

/* close_range: closes a span (past the table too), or only marks it
 * close-on-exec; bad flags and a reversed span are -EINVAL */
static void t_close_range(void)
{
	int p[2];

	make_pipe(p, 0);
	EQ(dup2(p[0], 20), 20);
	EQ(dup2(p[1], 21), 21);
	ERR(close_range(5, 4, 0), EINVAL);
	ERR(close_range(3, 4, 1), EINVAL);
	EQ(close_range(20, ~0U, CLOSE_RANGE_CLOEXEC), 0);
	EQ(fcntl(20, F_GETFD), FD_CLOEXEC);
	EQ(fcntl(21, F_GETFD), FD_CLOEXEC);
	EQ(fcntl(p[0], F_GETFD), 0);
	EQ(close_range(3, ~0U, 0), 0);
	EQ(lowest_free(), 3);
	CHECK(!is_open(20) && !is_open(21), "20, 21 still open");
	CHECK(is_open(0) && is_open(1) && is_open(2), "0-2 closed");
	EQ(close_range(100, 200, CLOSE_RANGE_UNSHARE), 0);
}

/* RLIMIT_NOFILE: descriptors stop at the soft limit (-EMFILE for a new
 * one, -EBADF for dup3's target, -EINVAL for F_DUPFD's minimum); raised
 * again, a thousand dups grow the table and each is distinct */
static void t_rlimit(void)
{
	struct rlimit old, lim;
	int p[2], n = 0, fd;

	EQ(getrlimit(RLIMIT_NOFILE, &old), 0);
	EQ(old.rlim_cur, 1024);
	EQ(old.rlim_max, 4096);
	lim = (struct rlimit){ 10, old.rlim_max };
	EQ(setrlimit(RLIMIT_NOFILE, &lim), 0);
	while (pipe(p) == 0)
		n += 2;
	EQ(errno, EMFILE);
	EQ(n, 6); /* 3..8, and a pipe needs two */
	EQ(dup(0), 9);
	ERR(dup(0), EMFILE);
	ERR(pipe(p), EMFILE);
	ERR(dup3(0, 10, 0), EBADF);
	ERR(fcntl(0, F_DUPFD, 10), EINVAL);
	ERR(fcntl(0, F_DUPFD, 3), EMFILE);
	EQ(close(5), 0);
	EQ(fcntl(0, F_DUPFD, 3), 5);
	/* lowering below open descriptors is allowed; they stay */
	lim.rlim_cur = 4;
	EQ(setrlimit(RLIMIT_NOFILE, &lim), 0);
	CHECK(is_open(9), "fd 9 closed by a lower limit");
	ERR(dup(0), EMFILE);
	EQ(setrlimit(RLIMIT_NOFILE, &old), 0);
	EQ(close_range(3, ~0U, 0), 0);
	for (n = 3; n < 1003; n++) {
		fd = dup(n % 2 ? 1 : 2);
		CHECK(fd == n, "dup #%d = %d (%s)", n, fd, strerror(errno));
	}
	EQ(write(1002, "", 0), 0);
	EQ(close_range(3, ~0U, 0), 0);
	EQ(lowest_free(), 3);
}
