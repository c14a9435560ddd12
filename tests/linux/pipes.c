/*
 * pipes.c - lx_pipes: descriptors and pipes as shells and daemons use
 * them.
 *
 * A child's stdout redirected into a pipe with dup2 and read back
 * through stdio (fdopen); a two-stage pipeline of children (a producer
 * through stdio, a consumer reading its stdin) moving more than any
 * pipe holds; end of file, SIGPIPE and EPIPE; O_NONBLOCK and EAGAIN;
 * dup, dup2, dup3 and fcntl (F_DUPFD, F_GETFD/F_SETFD, F_GETFL/F_SETFL)
 * with their errors; fstat, lseek and ioctl on a pipe; poll's events on
 * each end, select's; atomic writes from four writers at once; a blocked read
 * interrupted by a signal (EINTR) or restarted (SA_RESTART);
 * close-on-exec across execve; posix_spawn's file actions.
 *
 * Left out: the pipe's capacity (F_GETPIPE_SZ: Linux 65536, Kite 16384)
 * and the standard descriptors' F_GETFL (Linux adds O_LARGEFILE).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/select.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

extern char **environ;

static const char *yes(int c)
{
	return c ? "yes" : "no";
}

/* r as "N" or "-1 ENAME" (a few buffers: several in one printf) */
static const char *err(int r)
{
	static char bufs[4][64];
	static int next;
	char *buf = bufs[next++ % 4];

	if (r >= 0)
		snprintf(buf, sizeof(bufs[0]), "%d", r);
	else
		snprintf(buf, sizeof(bufs[0]), "-1 %s", strerrorname_np(errno));
	return buf;
}

static void status(const char *what, pid_t pid)
{
	int st;

	if (waitpid(pid, &st, 0) != pid)
		printf("%s: waitpid failed\n", what);
	else if (WIFEXITED(st))
		printf("%s: exit %d\n", what, WEXITSTATUS(st));
	else if (WIFSIGNALED(st))
		printf("%s: killed by %s\n", what, sigabbrev_np(WTERMSIG(st)));
}

/* A child whose stdout is the pipe; the parent reads its lines. */
static void redirect(void)
{
	int p[2];
	char line[128];
	pid_t pid;
	FILE *in;

	if (pipe(p))
		exit(10);
	pid = fork();
	if (pid == 0) {
		dup2(p[1], 1);
		close(p[0]);
		close(p[1]);
		for (int i = 1; i <= 3; i++)
			printf("child line %d\n", i);
		printf("stdout a terminal: %s\n", yes(isatty(1)));
		exit(7);
	}
	close(p[1]);
	in = fdopen(p[0], "r");
	while (fgets(line, sizeof(line), in))
		printf("parent got: %s", line);
	printf("then end of file: %s\n", yes(feof(in)));
	fclose(in);
	status("redirected child", pid);
}

#define COUNT 20000

/* producer | consumer, both children; the consumer's answer comes back
 * through a third pipe */
static void pipeline(void)
{
	int a[2], b[2];
	pid_t prod, cons;
	char line[128];
	FILE *in;

	if (pipe(a) || pipe(b))
		exit(11);
	prod = fork();
	if (prod == 0) {
		FILE *out = fdopen(a[1], "w");

		close(a[0]);
		close(b[0]);
		close(b[1]);
		for (int i = 1; i <= COUNT; i++)
			fprintf(out, "%d\n", i);
		fclose(out);
		exit(0);
	}
	cons = fork();
	if (cons == 0) {
		long sum = 0, n = 0, v;

		dup2(a[0], 0);
		dup2(b[1], 1);
		close(a[0]);
		close(a[1]);
		close(b[0]);
		close(b[1]);
		while (scanf("%ld", &v) == 1)
			sum += v, n++;
		printf("consumer: %ld numbers, sum %ld\n", n, sum);
		exit(0);
	}
	close(a[0]);
	close(a[1]);
	close(b[1]);
	in = fdopen(b[0], "r");
	while (fgets(line, sizeof(line), in))
		printf("pipeline: %s", line);
	fclose(in);
	status("producer", prod);
	status("consumer", cons);
}

static void write_no_reader(int fd)
{
	write(fd, "x", 1);
	exit(0);
}

static void broken(void)
{
	int p[2];
	char c;
	pid_t pid;

	pipe(p);
	write(p[1], "ab", 2);
	close(p[1]);
	printf("read after writer closed: %s", err(read(p[0], &c, 1)));
	printf(", %s", err(read(p[0], &c, 1)));
	printf(", %s\n", err(read(p[0], &c, 1)));
	close(p[0]);
	pipe(p);
	close(p[0]);
	pid = fork();
	if (pid == 0)
		write_no_reader(p[1]);
	status("writer without reader", pid);
	signal(SIGPIPE, SIG_IGN);
	printf("write with SIGPIPE ignored: %s\n", err(write(p[1], "x", 1)));
	signal(SIGPIPE, SIG_DFL);
	close(p[1]);
}

static void nonblock(void)
{
	int p[2], fl;
	char c, buf[1000];
	long total = 0, r;

	pipe2(p, O_NONBLOCK);
	fl = fcntl(p[0], F_GETFL);
	printf("read end: %s%s\n", (fl & O_ACCMODE) == O_RDONLY ? "O_RDONLY" : "?",
	       fl & O_NONBLOCK ? " O_NONBLOCK" : "");
	fl = fcntl(p[1], F_GETFL);
	printf("write end: %s%s\n", (fl & O_ACCMODE) == O_WRONLY ? "O_WRONLY" : "?",
	       fl & O_NONBLOCK ? " O_NONBLOCK" : "");
	printf("empty read: %s\n", err(read(p[0], &c, 1)));
	memset(buf, 'z', sizeof(buf));
	while ((r = write(p[1], buf, sizeof(buf))) > 0)
		total += r;
	printf("filled: %s, a multiple of 1000 (atomic writes): %s\n",
	       strerrorname_np(errno), yes(total % 1000 == 0));
	fcntl(p[1], F_SETFL, 0);
	printf("F_SETFL 0: %s\n", yes(!(fcntl(p[1], F_GETFL) & O_NONBLOCK)));
	close(p[0]);
	close(p[1]);
}

static void descriptors(void)
{
	int p[2], fd;

	pipe(p);
	printf("pipe fds: %d %d\n", p[0], p[1]);
	printf("dup: %s\n", err(dup(p[0])));
	printf("dup2 onto itself: %s\n", err(dup2(p[0], p[0])));
	printf("dup2 to 9: %s\n", err(dup2(p[0], 9)));
	printf("dup2 of a closed fd: %s\n", err(dup2(20, 21)));
	printf("dup2 onto itself, closed: %s\n", err(dup2(20, 20)));
	printf("dup3 onto itself: %s\n", err(dup3(p[0], p[0], 0)));
	printf("dup3 bad flags: %s\n", err(dup3(p[0], 8, O_NONBLOCK)));
	printf("dup3 O_CLOEXEC: %s\n", err(dup3(p[0], 8, O_CLOEXEC)));
	printf("F_GETFD 8: %s\n", err(fcntl(8, F_GETFD)));
	printf("F_GETFD 9: %s\n", err(fcntl(9, F_GETFD)));
	printf("F_SETFD: %s\n", err(fcntl(9, F_SETFD, FD_CLOEXEC)));
	printf("F_GETFD 9: %s\n", err(fcntl(9, F_GETFD)));
	/* (qemu-user keeps a descriptor of its own at 10: stay off it) */
	printf("F_DUPFD 20: %s\n", err(fcntl(p[0], F_DUPFD, 20)));
	printf("F_DUPFD 20 again: %s\n", err(fcntl(p[0], F_DUPFD, 20)));
	printf("F_DUPFD_CLOEXEC 0: %s\n", err(fd = fcntl(p[0], F_DUPFD_CLOEXEC, 0)));
	printf("its F_GETFD: %s\n", err(fcntl(fd, F_GETFD)));
	printf("F_DUPFD past the limit: %s\n", err(fcntl(p[0], F_DUPFD, 1 << 30)));
	printf("unknown command: %s\n", err(fcntl(p[0], 9999)));
	printf("fcntl of a closed fd: %s\n", err(fcntl(30, F_GETFD)));
	printf("close: %s\n", err(close(9)));
	printf("close again: %s\n", err(close(9)));
	printf("close(-1): %s\n", err(close(-1)));
	printf("dup(-1): %s\n", err(dup(-1)));
	for (int i = 3; i < 10; i++)
		close(i);
	close(20);
	close(21);
	printf("next pipe: ");
	pipe(p);
	printf("%d %d\n", p[0], p[1]);
	close(p[0]);
	close(p[1]);
}

static void what_it_is(void)
{
	struct stat a, b;
	struct termios t;
	int p[2], n = -1;

	pipe(p);
	fstat(p[0], &a);
	fstat(p[1], &b);
	printf("a FIFO: %s, one inode: %s, mode %o, links %ld\n",
	       yes(S_ISFIFO(a.st_mode)), yes(a.st_ino == b.st_ino),
	       a.st_mode & 0777, (long)a.st_nlink);
	printf("lseek: %s\n", err((int)lseek(p[0], 0, SEEK_SET)));
	printf("tcgetattr: %s\n", err(tcgetattr(p[0], &t)));
	printf("isatty: %s\n", yes(isatty(p[0])));
	write(p[1], "12345", 5);
	printf("FIONREAD: %s, %d\n", err(ioctl(p[0], FIONREAD, &n)), n);
	printf("read on the write end: %s\n", err(read(p[1], &n, 1)));
	printf("write on the read end: %s\n", err(write(p[0], "x", 1)));
	close(p[0]);
	close(p[1]);
}

static void polls(void)
{
	struct pollfd f[3];
	int p[2];
	char c;

	pipe(p);
	f[0] = (struct pollfd){ p[0], POLLIN, 0 };
	f[1] = (struct pollfd){ p[1], POLLOUT, 0 };
	f[2] = (struct pollfd){ 40, POLLIN, 0 }; /* not open */
	printf("poll empty: %d, revents %#x %#x %#x\n", poll(f, 3, 0), f[0].revents,
	       f[1].revents, f[2].revents);
	write(p[1], "q", 1);
	printf("poll with data: %d, revents %#x\n", poll(f, 1, 10), f[0].revents);
	close(p[1]);
	printf("writer closed: %d, revents %#x\n", poll(f, 1, -1), f[0].revents);
	read(p[0], &c, 1);
	printf("drained: %d, revents %#x\n", poll(f, 1, -1), f[0].revents);
	close(p[0]);
	pipe(p);
	close(p[0]);
	f[1].fd = p[1];
	printf("reader closed: %d, revents %#x\n", poll(&f[1], 1, -1), f[1].revents);
	close(p[1]);
	printf("poll timeout with nothing: %d\n", poll(NULL, 0, 20));
}

static void selects(void)
{
	struct timeval tv = { 0, 0 };
	fd_set in, out;
	int p[2], n;

	pipe(p);
	FD_ZERO(&in);
	FD_ZERO(&out);
	FD_SET(p[0], &in);
	FD_SET(p[1], &out);
	n = select(p[1] + 1, &in, &out, NULL, &tv);
	printf("select empty: %d, readable: %s, writable: %s\n", n,
	       yes(FD_ISSET(p[0], &in)), yes(FD_ISSET(p[1], &out)));
	write(p[1], "s", 1);
	FD_SET(p[0], &in);
	n = select(p[0] + 1, &in, NULL, NULL, NULL);
	printf("select with data: %d, readable: %s\n", n, yes(FD_ISSET(p[0], &in)));
	FD_ZERO(&in);
	FD_SET(30, &in);
	printf("select of a closed fd: %s\n", err(select(31, &in, NULL, NULL, NULL)));
	close(p[0]);
	close(p[1]);
}

#define WRITERS 4
#define RECORDS 200
#define RECORD 512

static void atomic(void)
{
	int p[2], count[WRITERS] = { 0 }, whole = 1;
	char rec[RECORD];
	pid_t kids[WRITERS];
	FILE *in;

	pipe(p);
	for (int w = 0; w < WRITERS; w++) {
		kids[w] = fork();
		if (kids[w] == 0) {
			close(p[0]);
			memset(rec, 'a' + w, sizeof(rec));
			for (int i = 0; i < RECORDS; i++)
				write(p[1], rec, sizeof(rec));
			exit(0);
		}
	}
	close(p[1]);
	in = fdopen(p[0], "r");
	while (fread(rec, 1, sizeof(rec), in) == sizeof(rec)) {
		for (int i = 1; i < RECORD; i++)
			whole &= rec[i] == rec[0];
		if (rec[0] >= 'a' && rec[0] < 'a' + WRITERS)
			count[rec[0] - 'a']++;
	}
	fclose(in);
	printf("records whole: %s; each writer's: %d %d %d %d\n", yes(whole),
	       count[0], count[1], count[2], count[3]);
	for (int w = 0; w < WRITERS; w++)
		waitpid(kids[w], NULL, 0);
}

static volatile int alarms;

static void on_alarm(int s)
{
	(void)s;
	alarms++;
}

static void interrupted(void)
{
	struct sigaction sa = { .sa_handler = on_alarm };
	struct itimerval it = { { 0, 0 }, { 0, 50000 } };
	int p[2];
	char c = 0;
	pid_t pid;

	pipe(p);
	sigaction(SIGALRM, &sa, NULL);
	setitimer(ITIMER_REAL, &it, NULL);
	printf("read interrupted: %s, handler ran: %d\n", err(read(p[0], &c, 1)),
	       alarms);
	sa.sa_flags = SA_RESTART;
	sigaction(SIGALRM, &sa, NULL);
	pid = fork();
	if (pid == 0) {
		usleep(300000);
		write(p[1], "R", 1);
		exit(0);
	}
	setitimer(ITIMER_REAL, &it, NULL);
	printf("read restarted: %s '%c', handler ran: %d\n", err(read(p[0], &c, 1)),
	       c, alarms);
	waitpid(pid, NULL, 0);
	close(p[0]);
	close(p[1]);
}

/* lx_pipes fds OPEN CLOSED: what an exec'd or spawned program has */
static int fds_child(int open_fd, int closed_fd)
{
	printf("  in the new program: fd %d open: %s, fd %d open: %s\n", open_fd,
	       yes(fcntl(open_fd, F_GETFD) >= 0), closed_fd,
	       yes(fcntl(closed_fd, F_GETFD) >= 0));
	return 0;
}

static void exec_and_spawn(void)
{
	char a[16], b[16];
	char *argv[] = { "lx_pipes", "fds", a, b, NULL };
	posix_spawn_file_actions_t fa;
	int p[2], q[2];
	char line[128];
	pid_t pid;
	FILE *in;

	pipe(p);
	pipe2(q, O_CLOEXEC);
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		snprintf(a, sizeof(a), "%d", p[1]);
		snprintf(b, sizeof(b), "%d", q[1]);
		execve("lx_pipes", argv, environ);
		_exit(99);
	}
	status("exec'd child", pid);
	/* posix_spawn: its stdout the pipe, through the file actions */
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, q[1], 1);
	posix_spawn_file_actions_addclose(&fa, p[0]);
	snprintf(a, sizeof(a), "%d", 1);
	snprintf(b, sizeof(b), "%d", p[0]);
	printf("posix_spawn: %d\n", posix_spawn(&pid, "lx_pipes", &fa, NULL, argv,
						 environ));
	posix_spawn_file_actions_destroy(&fa);
	close(q[1]);
	in = fdopen(q[0], "r");
	while (fgets(line, sizeof(line), in))
		printf("from the spawned program:%s", line);
	fclose(in);
	status("spawned child", pid);
	close(p[0]);
	close(p[1]);
}

int main(int argc, char **argv)
{
	if (argc == 4 && !strcmp(argv[1], "fds"))
		return fds_child(atoi(argv[2]), atoi(argv[3]));
	setvbuf(stdout, NULL, _IOLBF, 0);
	redirect();
	pipeline();
	broken();
	nonblock();
	descriptors();
	what_it_is();
	polls();
	selects();
	atomic();
	interrupted();
	exec_and_spawn();
	return 0;
}
