/*
 * main.c - fdtests: descriptors, pipes and poll as a user program sees
 * them (docs/FILES.md).
 *
 *	fdtests [--harts=N] [TEST...]
 *
 * The driver is usertests' (../usertests.h): each test runs in a forked
 * child, one "ok NAME" or "FAIL NAME: why" line each, then "fdtests: P
 * passed, F failed" after a last check that every frame came back.
 * dup.h: the table, close/dup/dup3/fcntl/close_range, RLIMIT_NOFILE;
 * pipes.h: pipes; procs.h: fork, spawn, execve, threads, CLONE_FILES,
 * exit; polls.h: poll, ppoll and select. Some tests run this program again in a
 * helper mode ("fdtests --helper fds OPEN CLOSED").
 */
#include "fd.h"
#include "dup.h"
#include "pipes.h"
#include "procs.h"
#include "polls.h"

static const struct test tests[] = {
	T(console_fds), T(close_dup), T(fcntl), T(close_range), T(rlimit),
	T(pipe_errors), T(pipe_eof), T(pipe_epipe), T(pipe_nonblock),
	T(pipe_atomic), T(pipe_big), T(pipe_iov), T(pipe_kill), T(pipe_eintr),
	T(pipe_rounds), T(pipe_ram),
	T(fork_copy), T(spawn_exec), T(thread_share), T(clone_files),
	T(exit_closes),
	T(poll_pipe), T(poll_wait), T(poll_signal), T(poll_errors), T(select),
};

int main(int argc, char **argv)
{
	if (argc == 5 && !strcmp(argv[1], "--helper") && !strcmp(argv[2], "fds"))
		return fds_helper(atoi(argv[3]), atoi(argv[4]));
	return tests_main(PROG, tests, ARRAY_SIZE(tests), argc, argv);
}
