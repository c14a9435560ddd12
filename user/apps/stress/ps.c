/*
 * ps.c - stress ps [SECONDS]: the process table while processes come and
 * go.
 *
 * Processes loop fork+exit, fork+execve(true) (two each, the children
 * with a 2 MiB heap) and spawn+wait while two others loop kite_procs and
 * kite_meminfo, which look at every process's address space while it is
 * being replaced or freed. Afterwards every child is reaped and every
 * frame is back.
 */
#include "stress.h"

#define PS_HEAP (2 * MIB) /* the heap a child grows before it goes */

/* Reap child pid (made by `how`, for worker `who`), which must exit with
 * code; fail the test otherwise. */
static void reap_exit(pid_t pid, int code, const char *who, const char *how)
{
	int st = 0;

	if (pid < 0)
		fail("%s: %s: %s", who, how, strerror(errno));
	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) ||
	    WEXITSTATUS(st) != code)
		fail("%s: child %d: %s", who, pid, status_text(st));
}

static int w_fork(uint64_t end)
{
	unsigned long n = 0;

	while (now_ns() < end) {
		pid_t pid = fork();

		if (pid == 0) {
			sbrk(PS_HEAP); /* more to free: a longer exit */
			_exit(7);
		}
		reap_exit(pid, 7, "forker", "fork");
		n++;
	}
	say("%lu fork+exit", n);
	return 0;
}

static int w_exec(uint64_t end)
{
	unsigned long n = 0;

	while (now_ns() < end) {
		pid_t pid = fork();

		if (pid == 0) {
			sbrk(PS_HEAP); /* more for execve to free */
			execve("true", true_argv, NULL);
			_exit(99);
		}
		reap_exit(pid, 0, "execer", "fork");
		n++;
	}
	say("%lu fork+execve", n);
	return 0;
}

static int w_spawn(uint64_t end)
{
	unsigned long n = 0;

	while (now_ns() < end) {
		reap_exit(spawn("true", true_argv, NULL), 0, "spawner", "spawn");
		n++;
	}
	say("%lu spawn+wait", n);
	return 0;
}

static int w_ps(uint64_t end)
{
	unsigned long n = 0;
	pid_t me = getpid();

	while (now_ns() < end) {
		long k = kite_procs(procs, MAX_PROCS), i;

		if (k <= 0)
			fail("ps: kite_procs = %ld: %s", k, strerror(errno));
		for (i = 0; i < k && i < MAX_PROCS && procs[i].pid != me; i++)
			;
		if (i == k || i == MAX_PROCS)
			fail("ps: kite_procs does not list pid %d", me);
		free_frames();
		n++;
	}
	say("%lu kite_procs+kite_meminfo", n);
	return 0;
}

void stress_ps(int argc, char **argv)
{
	static int (*const fns[])(uint64_t) = { w_fork, w_fork, w_exec, w_exec,
						w_spawn, w_ps, w_ps };
	static const char *const names[] = { "fork", "fork", "exec", "exec",
					     "spawn", "ps", "ps" };
	int n = ARRAY_SIZE(fns), sts[ARRAY_SIZE(fns)];
	uint64_t secs = argc > 2 ? strtoul(argv[2], NULL, 10) : 20;
	uint64_t before, end;
	pid_t pids[ARRAY_SIZE(fns)];

	note_known();
	before = free_frames();
	end = now_ns() + secs * NSEC_PER_SEC;
	for (int i = 0; i < n; i++)
		pids[i] = start_worker(fns[i], end);
	reap_workers(pids, names, sts, n, end + 15 * NSEC_PER_SEC);
	for (int i = 0; i < n; i++)
		if (sts[i] != 0)
			fail("worker %s: %s", names[i], status_text(sts[i]));
	check_clean(before);
	ok("%llu s, %d workers, every child reaped, every frame back",
	   (unsigned long long)secs, n);
}
