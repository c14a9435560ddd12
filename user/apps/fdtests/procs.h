/*
 * procs.h - descriptors across processes: fork copies the table, spawn
 * copies it without the close-on-exec ones, execve closes those (and
 * unshares a table shared by CLONE_FILES first), threads and CLONE_FILES
 * processes share one table, and an exit closes everything (a pipe's
 * reader sees end of file when its writers die).
 */

/* fdtests --helper fds OPEN CLOSED: OPEN must be open and not
 * close-on-exec (it gets "ok" written to it), CLOSED must not be open */
static int fds_helper(int open_fd, int closed_fd)
{
	if (fcntl(open_fd, F_GETFD) != 0)
		return 2;
	if (is_open(closed_fd))
		return 3;
	if (write(open_fd, "ok", 2) != 2)
		return 4;
	return 0;
}

static void fds_args(char *a, char *b, int open_fd, int closed_fd)
{
	snprintf(a, 8, "%d", open_fd);
	snprintf(b, 8, "%d", closed_fd);
}

/* fork: the child's table is a copy - its closes and dups are its own,
 * the files (and their offsets, flags) are shared */
static void t_fork_copy(void)
{
	int p[2];
	char buf[8] = { 0 };
	pid_t pid;

	make_pipe(p, O_CLOEXEC);
	pid = fork();
	if (pid == 0) {
		/* the same descriptors, flags too */
		if (fcntl(p[1], F_GETFD) != FD_CLOEXEC)
			exit(2);
		close(p[0]);
		if (dup2(p[1], 9) != 9)
			exit(3);
		if (fcntl(p[1], F_SETFL, O_NONBLOCK))
			exit(4);
		exit(write(9, "kid", 3) == 3 ? 0 : 5);
	}
	reap_code(pid, 0, "fork child");
	CHECK(is_open(p[0]) && !is_open(9), "the child's close or dup showed here");
	EQ(fcntl(p[1], F_GETFL), O_WRONLY | O_NONBLOCK); /* one file */
	EQ(read(p[0], buf, sizeof(buf)), 3);
	EQ(strcmp(buf, "kid"), 0);
}

/* spawn: the child gets the caller's descriptors but the close-on-exec
 * ones; execve closes close-on-exec descriptors */
static void t_spawn_exec(void)
{
	char a[8], b[8], buf[8] = { 0 };
	char *argv[] = { PROG, "--helper", "fds", a, b, NULL };
	int p[2], q[2];
	pid_t pid;

	make_pipe(p, 0);
	make_pipe(q, O_CLOEXEC);
	fds_args(a, b, p[1], q[1]);
	reap_code(spawn(PROG, argv, NULL), 0, "spawn helper");
	EQ(read(p[0], buf, sizeof(buf)), 2);
	EQ(strcmp(buf, "ok"), 0);
	pid = fork();
	if (pid == 0) {
		/* dup3's O_CLOEXEC; F_SETFD's clear */
		if (dup3(p[1], 7, O_CLOEXEC) != 7 || fcntl(q[1], F_SETFD, 0))
			exit(8);
		fds_args(a, b, q[1], 7);
		execve(PROG, argv, NULL);
		exit(9);
	}
	reap_code(pid, 0, "exec helper");
	memset(buf, 0, sizeof(buf));
	EQ(read(q[0], buf, sizeof(buf)), 2);
	EQ(strcmp(buf, "ok"), 0);
}

static int shared_fd = -1;
static volatile int thread_done;

static void *open_in_thread(void *arg)
{
	int p[2];

	(void)arg;
	if (pipe(p) == 0)
		shared_fd = p[0];
	thread_done = 1;
	return NULL;
}

/* threads share their process's table: a pipe a thread makes is open in
 * the main thread, and the main thread's close closes it for both */
static void t_thread_share(void)
{
	thread_t t;
	int r;

	EQ(thread_create(&t, open_in_thread, NULL), 0);
	EQ(thread_join(t, NULL), 0);
	CHECK(thread_done && shared_fd == 3, "thread's pipe at %d", shared_fd);
	CHECK(is_open(3) && is_open(4), "the thread's pipe is not open here");
	r = close(3);
	EQ(r, 0);
	EQ(close(4), 0);
}

/* clone(CLONE_FILES) without CLONE_VM: two processes, one table; the
 * child's execve unshares it before closing its close-on-exec fds */
static void t_clone_files(void)
{
	char a[8], b[8], buf[4] = { 0 };
	char *argv[] = { PROG, "--helper", "fds", a, b, NULL };
	int p[2];
	long pid;

	make_pipe(p, 0);
	pid = clone(CLONE_FILES | SIGCHLD, NULL, NULL, 0, NULL);
	CHECK(pid >= 0, "clone: %s", strerror(errno));
	if (pid == 0) {
		/* our closes and dups are the parent's too */
		if (dup2(p[0], 8) != 8 || close(p[0]) || dup2(p[1], 6) != 6)
			exit(2);
		if (dup2(p[1], 5) != 5 || fcntl(5, F_SETFD, FD_CLOEXEC))
			exit(3);
		fds_args(a, b, 6, 5);
		execve(PROG, argv, NULL);
		exit(4);
	}
	reap_code((pid_t)pid, 0, "CLONE_FILES child");
	CHECK(!is_open(p[0]) && is_open(8), "the child's close or dup did not show here");
	CHECK(is_open(6) && is_open(5), "the child's exec closed our fds");
	EQ(fcntl(5, F_GETFD), FD_CLOEXEC);
	EQ(read(8, buf, sizeof(buf)), 2); /* the helper's "ok" */
	EQ(strcmp(buf, "ok"), 0);
	/* the read end gone: its writers get EPIPE */
	EQ(close(8), 0);
	handle(SIGPIPE, SIG_IGN, 0);
	ERR(write(6, "x", 1), EPIPE);
}

/* A process's exit closes its descriptors: the pipe's readers see end
 * of file when the last writer dies, even one killed in a sleep; and
 * children dying with pipes open leak nothing (the driver counts) */
static void t_exit_closes(void)
{
	int p[2];
	char c;
	pid_t pid;

	make_pipe(p, 0);
	pid = fork();
	if (pid == 0) {
		int q[2];

		close(p[0]);
		/* hold more: pipes, dups, a full one */
		for (int i = 0; i < 20; i++)
			if (pipe(q) || dup(q[1]) < 0)
				exit(2);
		for (int i = 0; i < 4; i++)
			write(q[1], "0123456789abcdef0123456789abcdef", 32);
		write(p[1], "x", 1);
		for (;;)
			sleep_ms(1000);
	}
	EQ(close(p[1]), 0);
	EQ(read(p[0], &c, 1), 1);
	EQ(kill(pid, SIGKILL), 0);
	EQ(read(p[0], &c, 1), 0); /* no writer left */
	EQ(waitpid(pid, NULL, 0), pid);
	for (int i = 0; i < 40; i++) {
		pid = fork();
		if (pid == 0) {
			int q[2];

			for (int k = 0; k < 10; k++)
				pipe(q);
			write(q[1], "y", 1);
			if (i % 2)
				kill(getpid(), SIGKILL);
			exit(0);
		}
		CHECK(pid > 0, "fork: %s", strerror(errno));
		waitpid(pid, NULL, 0);
	}
}
