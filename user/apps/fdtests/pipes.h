/*
 * pipes.h - pipes: errors, what fstat/lseek/ioctl say, end of file,
 * EPIPE and SIGPIPE, O_NONBLOCK, atomic writes from several writers at
 * once, a blocked read or write ended by a kill and by a signal (EINTR
 * and SA_RESTART), readv/writev, and a thousand pipes made and closed.
 */

static void t_pipe_errors(void)
{
	char *edge = heap_edge(), c = 0;
	struct kite_stat a, b;
	int p[2], q[2], n;

	ERR(pipe2(p, O_APPEND), EINVAL);
	ERR(pipe2(p, O_DIRECT), EINVAL);
	ERR(pipe2(p, -1), EINVAL);
	ERR(pipe(NULL), EFAULT);
	ERR(pipe(KADDR), EFAULT);
	ERR(pipe((int *)edge), EFAULT);
	ERR(pipe((int *)(edge - 4)), EFAULT); /* straddles the edge */
	EQ(lowest_free(), 3); /* nothing left open by the failures */
	make_pipe(p, 0);
	EQ(p[0], 3);
	EQ(p[1], 4);
	/* each end one way only */
	ERR(read(p[1], &c, 1), EBADF);
	ERR(write(p[0], "x", 1), EBADF);
	ERR(read(p[1], NULL, 0), EBADF);
	/* no seeking, no terminal */
	ERR(raw(syscall3(SYS_lseek, p[0], 0, 0)), ESPIPE);
	ERR(raw(syscall3(SYS_lseek, p[1], 0, 99)), ESPIPE);
	struct kite_termios t;
	ERR(ioctl(p[0], TCGETS, &t), ENOTTY);
	ERR(ioctl(p[1], TIOCGPGRP, &n), ENOTTY);
	/* FIONREAD: what is waiting */
	write_full(p[1], "abc", 3);
	EQ(ioctl(p[0], FIONREAD, &n), 0);
	EQ(n, 3);
	ERR(ioctl(p[0], FIONREAD, KADDR), EFAULT);
	/* a FIFO; both ends one inode, another pipe another */
	EQ(raw(syscall2(SYS_fstat, p[0], &a)), 0);
	EQ(raw(syscall4(SYS_newfstatat, p[1], "", &b, AT_EMPTY_PATH)), 0);
	EQ(a.st_mode, S_IFIFO | 0600);
	EQ(a.st_ino, b.st_ino);
	EQ(a.st_nlink, 1);
	make_pipe(q, 0);
	EQ(raw(syscall2(SYS_fstat, q[0], &b)), 0);
	CHECK(a.st_ino != b.st_ino, "two pipes, one inode %lu", (unsigned long)a.st_ino);
	ERR(raw(syscall4(SYS_newfstatat, p[0], "x", &b, 0)), ENOTDIR);
	/* bad buffers: nothing is lost */
	ERR(read(p[0], KADDR, 3), EFAULT);
	ERR(read(p[0], edge, 3), EFAULT);
	ERR(read(p[0], (void *)-1L, 3), EFAULT);
	ERR(write(p[1], KADDR, 3), EFAULT);
	ERR(write(p[1], edge - 2, 4), EFAULT); /* atomic: nothing of it */
	EQ(ioctl(p[0], FIONREAD, &n), 0);
	EQ(n, 3);
	char buf[8] = { 0 };
	EQ(read(p[0], buf, sizeof(buf)), 3);
	CHECK(!memcmp(buf, "abc", 3), "read %.3s", buf);
	EQ(read(p[0], buf, 0), 0); /* a zero read does not wait */
	EQ(write(p[1], buf, 0), 0);
	EQ(close(q[0]), 0);
	EQ(write(q[1], buf, 0), 0); /* no reader, nothing to write: 0 */
}

/* end of file once every write end is closed (dups too), after the
 * data */
static void t_pipe_eof(void)
{
	int p[2], w2;
	char buf[16];

	make_pipe(p, 0);
	w2 = dup(p[1]);
	write_full(p[1], "hello", 5);
	EQ(close(p[1]), 0);
	write_full(w2, " world", 6);
	EQ(close(w2), 0);
	EQ(read(p[0], buf, 3), 3);
	EQ(read(p[0], buf, sizeof(buf)), 8);
	CHECK(!memcmp(buf, "lo world", 8), "read %.8s", buf);
	EQ(read(p[0], buf, sizeof(buf)), 0);
	EQ(read(p[0], buf, sizeof(buf)), 0);
}

static void write_no_reader(void)
{
	int p[2];

	make_pipe(p, 0);
	close(p[0]);
	write(p[1], "x", 1);
	exit(3); /* SIGPIPE should have ended us */
}

/* no read end: SIGPIPE to the writer (its default ends it); ignored or
 * caught, write fails with EPIPE - after the bytes that fitted, the
 * count of them */
static void t_pipe_epipe(void)
{
	int p[2];
	char big[PIPE_BUF * 2];

	expect_signal(write_no_reader, SIGPIPE, "write with no reader");
	handle(SIGPIPE, on_signal, 0);
	make_pipe(p, 0);
	EQ(close(p[0]), 0);
	signals_seen = 0;
	ERR(write(p[1], "x", 1), EPIPE);
	EQ(signals_seen, 1);
	memset(big, 'b', sizeof(big));
	ERR(write(p[1], big, sizeof(big)), EPIPE);
	EQ(signals_seen, 2);
	handle(SIGPIPE, SIG_IGN, 0);
	ERR(write(p[1], "x", 1), EPIPE);
	EQ(signals_seen, 2);
}

/* O_NONBLOCK: an empty read is -EAGAIN; writes fill the pipe to its
 * capacity exactly; an atomic write that does not fit is refused
 * whole, a longer one writes what fits */
static void t_pipe_nonblock(void)
{
	static char buf[CAPACITY + PIPE_BUF];
	int p[2], n;
	long total = 0, r;

	make_pipe(p, O_NONBLOCK);
	EQ(fcntl(p[0], F_GETFL), O_RDONLY | O_NONBLOCK);
	ERR(read(p[0], buf, 1), EAGAIN);
	memset(buf, 'n', sizeof(buf));
	while ((r = write(p[1], buf, 1000)) > 0)
		total += r;
	EQ(errno, EAGAIN);
	EQ(total, CAPACITY - CAPACITY % 1000); /* 1000 bytes never split */
	EQ(write(p[1], buf, CAPACITY % 1000), CAPACITY % 1000);
	ERR(write(p[1], buf, 1), EAGAIN);
	EQ(read(p[0], buf, 100), 100);
	ERR(write(p[1], buf, 101), EAGAIN); /* atomic: all or nothing */
	EQ(write(p[1], buf, 100), 100);
	EQ(read(p[0], buf, 10), 10);
	/* more than PIPE_BUF: partial */
	EQ(write(p[1], buf, PIPE_BUF + 1), 10);
	EQ(ioctl(p[0], FIONREAD, &n), 0);
	EQ(n, CAPACITY);
	EQ(read(p[0], buf, sizeof(buf)), CAPACITY);
	ERR(read(p[0], buf, 1), EAGAIN);
	/* blocking again: F_SETFL on the read end */
	EQ(fcntl(p[0], F_SETFL, 0), 0);
	EQ(close(p[1]), 0);
	EQ(read(p[0], buf, 1), 0);
}

#define WRITERS 4
#define RECORDS 300
#define RECORD 1000 /* <= PIPE_BUF: atomic; not a divisor of the ring */

/* Writers (on every hart) write records of one letter each; the reader
 * sees every record whole: atomic writes never interleave. Then a
 * writer of records larger than PIPE_BUF: all bytes arrive, in order
 * within each writer. */
static void t_pipe_atomic(void)
{
	static char rec[RECORD], got[RECORD];
	int p[2], count[WRITERS] = { 0 };
	pid_t kids[WRITERS];

	make_pipe(p, 0);
	for (int w = 0; w < WRITERS; w++) {
		kids[w] = fork();
		CHECK(kids[w] >= 0, "fork: %s", strerror(errno));
		if (kids[w] == 0) {
			close(p[0]);
			memset(rec, 'a' + w, sizeof(rec));
			for (int i = 0; i < RECORDS; i++)
				if (write(p[1], rec, sizeof(rec)) != sizeof(rec))
					exit(4);
			exit(0);
		}
	}
	EQ(close(p[1]), 0);
	for (;;) {
		size_t n = read_full(p[0], got, sizeof(got));
		int w;

		if (n == 0)
			break;
		EQ(n, RECORD);
		w = got[0] - 'a';
		CHECK(w >= 0 && w < WRITERS, "record of '%c'", got[0]);
		for (int i = 1; i < RECORD; i++)
			CHECK(got[i] == got[0], "record %d of %c mixed with %c at %d",
			      count[w], got[0], got[i], i);
		count[w]++;
	}
	for (int w = 0; w < WRITERS; w++) {
		reap_code(kids[w], 0, "writer");
		EQ(count[w], RECORDS);
	}
}

static void t_pipe_big(void)
{
	static char out[3 * CAPACITY + 123], in[sizeof(out)];
	int p[2];
	pid_t pid;

	for (size_t i = 0; i < sizeof(out); i++)
		out[i] = (char)(i * 7 + i / 251);
	make_pipe(p, 0);
	pid = fork();
	if (pid == 0) {
		close(p[0]);
		/* one write, larger than the ring: it blocks until read */
		exit(write(p[1], out, sizeof(out)) == sizeof(out) ? 0 : 5);
	}
	EQ(close(p[1]), 0);
	EQ(read_full(p[0], in, sizeof(in)), sizeof(in));
	CHECK(!memcmp(in, out, sizeof(in)), "bytes differ");
	EQ(read(p[0], in, 1), 0);
	reap_code(pid, 0, "big writer");
}

/* readv and writev on a pipe: segments in order; a writev of at most
 * PIPE_BUF bytes in all goes in whole */
static void t_pipe_iov(void)
{
	struct kite_iovec v[3] = { { (uint64_t)"one ", 4 }, { (uint64_t)"", 0 },
				   { (uint64_t)"two", 3 } };
	char a[3], b[10] = { 0 };
	struct kite_iovec r[2] = { { (uint64_t)a, 3 }, { (uint64_t)b, sizeof(b) } };
	int p[2];

	make_pipe(p, 0);
	EQ(raw(syscall3(SYS_writev, p[1], v, 3)), 7);
	EQ(raw(syscall3(SYS_readv, p[0], r, 2)), 7);
	CHECK(!memcmp(a, "one", 3) && !strcmp(b, " two"), "read %.3s|%s", a, b);
	ERR(raw(syscall3(SYS_writev, p[0], v, 3)), EBADF);
	ERR(raw(syscall3(SYS_readv, p[1], r, 2)), EBADF);
	struct kite_iovec bad[2] = { { (uint64_t)"ok", 2 }, { (uint64_t)KADDR, 2 } };
	ERR(raw(syscall3(SYS_writev, p[1], bad, 2)), EFAULT);
}

static int blocked_fd;

static void read_forever(void)
{
	char c;

	read(blocked_fd, &c, 1);
	exit(6);
}

static void write_forever(void)
{
	static char buf[CAPACITY + 1];

	write(blocked_fd, buf, sizeof(buf));
	exit(6);
}

/* A reader of an empty pipe and a writer of a full one sleep; a kill
 * ends both sleeps */
static void t_pipe_kill(void)
{
	int p[2], st;
	pid_t pid;

	make_pipe(p, 0);
	for (int writer = 0; writer < 2; writer++) {
		blocked_fd = p[writer];
		pid = fork();
		if (pid == 0)
			writer ? write_forever() : read_forever();
		wait_sleeping(pid);
		EQ(kill(pid, SIGKILL), 0);
		EQ(waitpid(pid, &st, 0), pid);
		CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL, "status 0x%x", st);
	}
}

/* A signal's handler ends a blocked read or write with EINTR; under
 * SA_RESTART the call goes on, and then returns what came */
static void t_pipe_eintr(void)
{
	static char buf[CAPACITY + 10];
	int p[2];
	pid_t pid;
	char c = 0;

	make_pipe(p, 0);
	handle(SIGALRM, on_signal, 0);
	signals_seen = 0;
	alarm_ms(50);
	ERR(read(p[0], &c, 1), EINTR);
	EQ(signals_seen, 1);
	/* a write that fits nothing more: EINTR; one that wrote some:
	 * the count */
	EQ(write(p[1], buf, CAPACITY - 5), CAPACITY - 5);
	alarm_ms(50);
	ERR(write(p[1], buf, 10), EINTR); /* atomic: waits for 10 */
	alarm_ms(50);
	EQ(write(p[1], buf, PIPE_BUF + 1), 5); /* not atomic: 5 fit */
	EQ(signals_seen, 3);
	EQ(read_full(p[0], buf, CAPACITY), CAPACITY);
	/* SA_RESTART: the read sleeps on through the handler */
	handle(SIGALRM, on_signal, SA_RESTART);
	pid = fork();
	if (pid == 0) {
		sleep_ms(300);
		write(p[1], "r", 1);
		exit(0);
	}
	alarm_ms(50);
	EQ(read(p[0], &c, 1), 1);
	EQ(c, 'r');
	EQ(signals_seen, 4);
	reap_code(pid, 0, "late writer");
}

/* A thousand pipes made, used and closed: every frame comes back (the
 * driver checks), and descriptors are reused */
static void t_pipe_rounds(void)
{
	int p[2];
	char c;

	for (int i = 0; i < 1000; i++) {
		make_pipe(p, i % 2 ? O_CLOEXEC : 0);
		CHECK(p[0] == 3 && p[1] == 4, "round %d: fds %d %d", i, p[0], p[1]);
		write_full(p[1], "z", 1);
		EQ(read(p[0], &c, 1), 1);
		EQ(close(i % 2 ? p[0] : p[1]), 0);
		EQ(close(i % 2 ? p[1] : p[0]), 0);
	}
}

/* Pipes together may hold an eighth of RAM: with RLIMIT_NOFILE at its
 * hard limit, pipes come until -ENFILE (before -EMFILE on a 128 MiB
 * machine), and one more comes as soon as one goes */
static void t_pipe_ram(void)
{
	struct rlimit lim;
	struct kite_meminfo mi;
	int p[2], n = 0, first = -1;
	long want;

	EQ(getrlimit(RLIMIT_NOFILE, &lim), 0);
	lim.rlim_cur = lim.rlim_max;
	EQ(setrlimit(RLIMIT_NOFILE, &lim), 0);
	EQ(kite_meminfo(&mi), 0);
	want = (long)(mi.total * PAGE / 8 / CAPACITY); /* pipes that fit */
	while (pipe(p) == 0) {
		if (first < 0)
			first = p[0];
		n++;
	}
	if (want * 2 + 3 > (long)lim.rlim_max) { /* a large machine */
		EQ(errno, EMFILE);
		pass_note("%d pipes, then EMFILE: RAM allows %ld", n, want);
	}
	EQ(errno, ENFILE);
	CHECK(n <= want && n > want / 2, "%d pipes, an eighth of RAM is %ld", n, want);
	EQ(close(first), 0);
	EQ(close(first + 1), 0);
	EQ(pipe(p), 0);
	EQ(p[0], first);
	ERR(pipe(p), ENFILE);
}
