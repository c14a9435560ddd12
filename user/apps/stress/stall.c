/*
 * stall.c - stress stall [SECONDS [WATCHDOGS [WORKERS [MIB]]]]: timed
 * wakeups stay on time while memory is busy (default 10 s, 4 watchdogs,
 * workers hdfe, 32 MiB).
 *
 * Watchdogs sleep 2-5 ms again and again and measure how late each
 * wakeup is while workers run: h grows the heap by up to 32 MiB, touches
 * it and shrinks it; d asks for an 8 GiB heap, which must fail; f forks
 * a process with a heap of up to 24 MiB; e loops fork+execve. A wakeup
 * more than 20 ms late fails. The workers never sleep (see reap_busy).
 * MIB caps the heap sizes (1: next to nothing, to see the noise).
 *
 * Under plain QEMU the host's scheduling adds its own lateness (tens of
 * ms on a busy host); tests/run.py runs it on one hart under -icount,
 * where time is counted in guest instructions.
 */
#include "stress.h"

#define LATE_LIMIT_MS 20

static uint64_t stall_end;
static unsigned long heap_bytes, fork_bytes;

/* The workers never sleep or block: a process that wakes goes to the
 * front of the round-robin queue and keeps its hart for a whole time
 * slice (50 ms) unless another wakes, so a worker woken together with a
 * watchdog could make it late by a slice on a correct kernel. Busy
 * workers that yield stay behind every watchdog that wakes. */
static pid_t reap_busy(pid_t pid, int *st)
{
	pid_t r;

	while ((r = waitpid(pid, st, WNOHANG)) == 0)
		sched_yield();
	return r;
}

/* Grow the heap by n bytes and write every page; false on ENOMEM. */
static bool grow(unsigned long n, const char *who)
{
	char *p = sbrk((intptr_t)n);

	if (p == (char *)-1) {
		if (errno != ENOMEM)
			fail("%s: sbrk(+%lu): %s", who, n, strerror(errno));
		return false;
	}
	for (unsigned long off = 0; off < n; off += PAGE)
		p[off] = (char)off | 1;
	return true;
}

static void shrink(unsigned long n, const char *who)
{
	if (sbrk(-(intptr_t)n) == (void *)-1)
		fail("%s: sbrk(-%lu): %s", who, n, strerror(errno));
}

/* Sleeps of 2-5 ms; the exit status is the worst lateness in ms, rounded
 * up (at most 250). */
static int w_watchdog(uint64_t id)
{
	uint64_t worst = 0, worst_at = 0, t_start = now_ns();
	unsigned long n = 0, over = 0;

	seed(id * 7919 + 17);
	while (now_ns() < stall_end) {
		uint64_t d = 2 * MS + rnd() % (3 * MS), t0 = now_ns(), late;

		sleep_ns(d);
		late = now_ns() - t0;
		late = late > d ? late - d : 0;
		if (late > worst) {
			worst = late;
			worst_at = t0 - t_start;
		}
		over += late > LATE_LIMIT_MS * MS;
		n++;
	}
	say("watchdog %llu: %lu sleeps, worst %llu.%03llu ms late at "
	    "%llu.%01llu s, %lu over %d ms", (unsigned long long)id, n,
	    (unsigned long long)(worst / MS),
	    (unsigned long long)(worst / 1000 % 1000),
	    (unsigned long long)(worst_at / NSEC_PER_SEC),
	    (unsigned long long)(worst_at / (NSEC_PER_SEC / 10) % 10), over,
	    LATE_LIMIT_MS);
	return (worst + MS - 1) / MS > 250 ? 250 : (int)((worst + MS - 1) / MS);
}

/* Grow the heap by heap_bytes, touch it, shrink it back. */
static int w_heap(uint64_t arg)
{
	unsigned long n = 0, nomem = 0;

	(void)arg;
	while (now_ns() < stall_end) {
		if (grow(heap_bytes, "heap")) {
			shrink(heap_bytes, "heap");
			n++;
		} else {
			nomem++;
		}
		sched_yield();
	}
	say("heap: %lu times +%lu MiB and back (%lu ENOMEM)", n,
	    heap_bytes / MIB, nomem);
	return 0;
}

/* brk(+8 GiB) on a small machine: must fail and leave the heap as it was. */
static int w_doomed(uint64_t arg)
{
	unsigned long n = 0;
	char *cur = sys_brk(NULL);

	(void)arg;
	while (now_ns() < stall_end) {
		char *r = sys_brk(cur + (8UL << 30));

		if (r != cur || sys_brk(NULL) != cur)
			fail("doomed: brk(+8 GiB) = %p, heap end %p, want %p", r,
			     sys_brk(NULL), cur);
		n++;
		sched_yield();
	}
	say("doomed: %lu failed brk(+8 GiB)", n);
	return 0;
}

/* A big heap, forked again and again (every page is copied). */
static int w_bigfork(uint64_t arg)
{
	unsigned long n = 0, nomem = 0;

	(void)arg;
	while (!grow(fork_bytes, "bigfork")) {
		if (now_ns() >= stall_end)
			fail("bigfork: no %lu MiB heap in the whole run",
			     fork_bytes / MIB);
		sched_yield();
	}
	while (now_ns() < stall_end) {
		pid_t pid = fork();
		int st = 0;

		if (pid == 0)
			_exit(5);
		if (pid < 0) {
			if (errno != ENOMEM && errno != EAGAIN)
				fail("bigfork: fork: %s", strerror(errno));
			nomem++;
		} else if (reap_busy(pid, &st) != pid || st != (5 << 8)) {
			fail("bigfork: child %d: %s", pid, status_text(st));
		} else {
			n++;
		}
		sched_yield();
	}
	say("bigfork: %lu forks of a %lu MiB heap (%lu ENOMEM)", n,
	    fork_bytes / MIB, nomem);
	return 0;
}

static int w_execloop(uint64_t arg)
{
	unsigned long n = 0, nomem = 0;

	(void)arg;
	while (now_ns() < stall_end) {
		pid_t pid = fork();
		int st = 0;

		if (pid == 0) {
			execve("true", true_argv, NULL);
			_exit(errno == ENOMEM ? 98 : 99);
		}
		if (pid < 0) {
			if (errno != ENOMEM && errno != EAGAIN)
				fail("exec: fork: %s", strerror(errno));
			nomem++;
		} else if (reap_busy(pid, &st) != pid) {
			fail("exec: waitpid: %s", strerror(errno));
		} else if (st == (98 << 8)) {
			nomem++;
		} else if (st != 0) {
			fail("exec: child %d: %s", pid, status_text(st));
		} else {
			n++;
		}
		sched_yield();
	}
	say("exec: %lu fork+execve (%lu ENOMEM)", n, nomem);
	return 0;
}

void stress_stall(int argc, char **argv)
{
	static const char *names[16];
	static pid_t pids[16];
	static int sts[16];
	uint64_t secs = argc > 2 ? strtoul(argv[2], NULL, 10) : 10;
	long dogs = argc > 3 ? atol(argv[3]) : 4;
	const char *workers = argc > 4 ? argv[4] : "hdfe";
	unsigned long cap = argc > 5 ? strtoul(argv[5], NULL, 10) * MIB : 32 * MIB;
	uint64_t before, free_bytes;
	int n = 0, worst = 0;

	if (dogs < 1 || dogs > 8)
		fail("1 to 8 watchdogs");
	if (strspn(workers, "hdfe-") != strlen(workers))
		fail("workers are letters of hdfe (or -: none)");
	note_known();
	before = free_frames();
	/* leave room: heap + 2 x fork heap (parent and child) + the rest */
	free_bytes = before * PAGE;
	heap_bytes = free_bytes / 4 < cap ? free_bytes / 4 : cap;
	fork_bytes = free_bytes / 6 < cap * 3 / 4 ? free_bytes / 6 : cap * 3 / 4;
	heap_bytes = (heap_bytes & ~(MIB - 1)) ?: MIB;
	fork_bytes = (fork_bytes & ~(MIB - 1)) ?: MIB;
	stall_end = now_ns() + secs * NSEC_PER_SEC;
	for (long i = 0; i < dogs; i++) {
		names[n] = "watchdog";
		pids[n++] = start_worker(w_watchdog, (uint64_t)i);
	}
	if (strchr(workers, 'h'))
		names[n] = "heap", pids[n++] = start_worker(w_heap, 0);
	if (strchr(workers, 'd'))
		names[n] = "doomed", pids[n++] = start_worker(w_doomed, 0);
	if (strchr(workers, 'f'))
		names[n] = "bigfork", pids[n++] = start_worker(w_bigfork, 0);
	if (strchr(workers, 'e'))
		names[n] = "exec", pids[n++] = start_worker(w_execloop, 0);
	reap_workers(pids, names, sts, n, stall_end + 15 * NSEC_PER_SEC);
	for (int i = 0; i < n; i++) {
		if (i < dogs) {
			if (!WIFEXITED(sts[i]))
				fail("watchdog %d: %s", i, status_text(sts[i]));
			if (WEXITSTATUS(sts[i]) > worst)
				worst = WEXITSTATUS(sts[i]);
		} else if (sts[i] != 0) {
			fail("worker %s: %s", names[i], status_text(sts[i]));
		}
	}
	if (worst > LATE_LIMIT_MS)
		fail("a timed wakeup came %s%d ms late (limit %d ms) beside "
		     "workers %s (heap %lu MiB, fork %lu MiB)",
		     worst >= 250 ? ">= " : "", worst, LATE_LIMIT_MS, workers,
		     heap_bytes / MIB, fork_bytes / MIB);
	check_clean(before);
	ok("%llu s, %ld watchdogs: worst wakeup %d ms late (limit %d); heap "
	   "%lu MiB, fork %lu MiB; every frame back", (unsigned long long)secs,
	   dogs, worst, LATE_LIMIT_MS, heap_bytes / MIB, fork_bytes / MIB);
}
