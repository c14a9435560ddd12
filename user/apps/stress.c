/*
 * stress.c - stress tests for races and latencies that the ordinary
 * tests (usertests, fuzz) are too gentle to find.
 *
 *	stress ps [SECONDS]             (default 20)
 *	stress kill [ROUNDS [SEED [KINDS]]]  (default 200 rounds, seed 1,
 *	                                all kinds: snlwr)
 *	stress stall [SECONDS [WATCHDOGS [WORKERS [MIB]]]]
 *	                                (default 10 s, 4 watchdogs, hdfe)
 *	stress sleep
 *
 * Each prints "stress NAME: ok (details)" and exits 0, or prints
 * "stress NAME: FAIL: why" and exits 1. Workers print a line of counts
 * ("stress NAME: ..."), and ps and stall say "N s" every 5 s, which
 * shows when a hung kernel stopped.
 *
 * ps     Processes loop fork+exit, fork+execve(true) (two each, the
 *        children with a 2 MiB heap) and spawn+wait while two others loop
 *        kite_procs and kite_meminfo, which look at every process's
 *        address space while it is being replaced or freed. Afterwards
 *        every child is reaped and every frame is back.
 * kill   A child (s) spins in user mode, (n) naps, or spins and then
 *        (l) sleeps 10 s, (w) waits for a grandchild or (r) reads the
 *        console, and is killed with SIGKILL or SIGTERM: after a random
 *        0-5 ms, or aimed at the moment it makes its blocking call (see
 *        kill_round). Every kill must land: the child is reaped within
 *        KILL_BOUND_MS, killed by that signal (the test stops at the
 *        fifth that does not). Then no process of ours is left and every
 *        frame is back. (From the shell, a reading victim may take a
 *        typed line.)
 * stall  Watchdogs sleep 2-5 ms again and again and measure how late
 *        each wakeup is while workers run: h grows the heap by up to
 *        32 MiB, touches it and shrinks it; d asks for an 8 GiB heap,
 *        which must fail; f forks a process with a heap of up to 24 MiB;
 *        e loops fork+execve. A wakeup more than 20 ms late fails. The
 *        workers never sleep (see reap_busy). MIB caps the heap sizes
 *        (1: next to nothing, to see the noise).
 *        Under plain QEMU the host's scheduling adds its own lateness
 *        (tens of ms on a busy host); tests/run.py runs it on one hart
 *        under -icount, where time is counted in guest instructions.
 * sleep  nanosleep's argument checks: out-of-range values are EINVAL,
 *        and huge ones (1844674407 s, INT64_MAX s) sleep, not return.
 *
 * User-mode spinning reads the time counter (rdtime) rather than the
 * clock: a system call would give the kernel a chance to see a kill.
 */
#include "kite.h"
#include "uapi/syscall.h"

#define MS 1000000ULL /* ns */
#define MIB (1UL << 20)
#define PAGE 4096UL
#define MAX_PROCS 256

static const char *test = "?";

static __attribute__((format(printf, 1, 2))) void say(const char *fmt, ...)
{
	char text[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	printf("stress %s: %s\n", test, text);
}

static __attribute__((noreturn, format(printf, 2, 3)))
void finish(int code, const char *fmt, ...)
{
	char text[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	printf(code ? "stress %s: FAIL: %s\n" : "stress %s: ok (%s)\n", test,
	       text);
	exit(code);
}
#define ok(...) finish(0, __VA_ARGS__)
#define fail(...) finish(1, __VA_ARGS__)

/* ---- time -------------------------------------------------------------- */

static uint64_t now_ns(void) { return monotonic_ns(); }

static void sleep_ns(uint64_t ns)
{
	struct timespec ts = { (time_t)(ns / NSEC_PER_SEC),
			       (long)(ns % NSEC_PER_SEC) };

	nanosleep(&ts, NULL);
}

static inline uint64_t rdtime(void)
{
	uint64_t t;

	__asm__ volatile("rdtime %0" : "=r"(t));
	return t;
}

static uint64_t ticks_per_ms; /* of rdtime, from calibrate() */

static void calibrate(void)
{
	uint64_t n0 = now_ns(), r0 = rdtime(), n1, r1;

	sleep_ns(20 * MS);
	n1 = now_ns();
	r1 = rdtime();
	ticks_per_ms = (r1 - r0) * MS / (n1 - n0 ? n1 - n0 : 1);
	if (ticks_per_ms == 0)
		fail("rdtime does not advance");
}

/* Burn time in user mode, with no system call: until rdtime reaches
 * when, or for us microseconds. */
static void spin_until(uint64_t when)
{
	while (rdtime() < when)
		__asm__ volatile("" ::: "memory");
}

static void spin_us(uint64_t us)
{
	spin_until(rdtime() + us * ticks_per_ms / 1000);
}

/* ---- random numbers (xorshift64) --------------------------------------- */

static uint64_t seed_state = 1;

static uint64_t rnd(void)
{
	seed_state ^= seed_state << 13;
	seed_state ^= seed_state >> 7;
	seed_state ^= seed_state << 17;
	return seed_state;
}

static void seed(uint64_t s)
{
	seed_state = s ? s : 0x5eed;
	for (int i = 0; i < 4; i++)
		rnd();
}

/* ---- processes and frames ---------------------------------------------- */

static struct kite_procinfo procs[MAX_PROCS];
static pid_t known[64]; /* user processes that existed before the test */
static int nknown;

static uint64_t free_frames(void)
{
	struct kite_meminfo mi;

	if (kite_meminfo(&mi) < 0)
		fail("kite_meminfo: %s", strerror(errno));
	return mi.free;
}

/* Remember the user processes there are now (the shell, us). */
static void note_known(void)
{
	long n = kite_procs(procs, MAX_PROCS);

	if (n < 0)
		fail("kite_procs: %s", strerror(errno));
	for (long i = 0; i < n && i < MAX_PROCS && nknown < 64; i++)
		if (!(procs[i].flags & 1))
			known[nknown++] = procs[i].pid;
}

/* A user process that was not there before (or NULL if none): our
 * children and grandchildren should all be gone. */
static const struct kite_procinfo *stray(void)
{
	long n = kite_procs(procs, MAX_PROCS);

	if (n < 0)
		fail("kite_procs: %s", strerror(errno));
	for (long i = 0; i < n && i < MAX_PROCS; i++) {
		int k = 0;

		if (procs[i].flags & 1)
			continue;
		while (k < nknown && known[k] != procs[i].pid)
			k++;
		if (k == nknown)
			return &procs[i];
	}
	return NULL;
}

/* After the children are reaped: no child left, none of our processes
 * left (grandchildren are init's to reap), and free frames back to
 * before. Reaping is asynchronous, so allow up to 2 s to settle. */
static void check_clean(uint64_t before)
{
	static const char *const states[] = { "new", "ready", "running",
					      "sleeping", "zombie" };
	uint64_t end = now_ns() + 2000 * MS, now_free = 0;
	const struct kite_procinfo *left;

	if (waitpid(-1, NULL, WNOHANG) != -1 || errno != ECHILD)
		fail("a child is left unreaped");
	do {
		now_free = free_frames();
		left = stray();
		if (now_free == before && !left)
			return;
		sleep_ns(10 * MS);
	} while (now_ns() < end);
	if (left)
		fail("pid %d (%.15s, %s, parent %d) is still there 2 s after "
		     "the end", left->pid, left->name,
		     left->state >= 0 && left->state <= 4 ? states[left->state]
		     : "?", left->ppid);
	fail("free frames %llu, %llu before: %lld not back after 2 s",
	     (unsigned long long)now_free, (unsigned long long)before,
	     (long long)before - (long long)now_free);
}

/* Wait for pid at most ms; its status in *st. Returns the ns it took, or
 * -1 if it still runs. */
static int64_t reap_within(pid_t pid, uint64_t ms, int *st)
{
	uint64_t t0 = now_ns();
	pid_t r;

	while ((r = waitpid(pid, st, WNOHANG)) == 0) {
		if (now_ns() - t0 > ms * MS)
			return -1;
		sleep_ns(MS / 2);
	}
	if (r != pid)
		fail("waitpid(%d) = %d: %s", pid, r, strerror(errno));
	return (int64_t)(now_ns() - t0);
}

static const char *status_text(int st)
{
	static char buf[48];

	if (WIFSIGNALED(st))
		snprintf(buf, sizeof(buf), "killed by signal %d", WTERMSIG(st));
	else
		snprintf(buf, sizeof(buf), "exit %d", WEXITSTATUS(st));
	return buf;
}

/* Fork a worker running fn(arg) and exiting with what it returns. */
static pid_t start(int (*fn)(uint64_t), uint64_t arg)
{
	pid_t pid = fork();

	if (pid == 0)
		exit(fn(arg));
	if (pid < 0)
		fail("fork: %s", strerror(errno));
	return pid;
}

/* Wait for the n workers in pids until deadline (ns), which is 15 s
 * after they should have ended; each one's status goes to sts[i]. */
static void reap_workers(pid_t *pids, const char *const *names, int *sts,
			int n, uint64_t deadline)
{
	uint64_t t0 = now_ns(), next = t0 + 5 * NSEC_PER_SEC;
	int left = n, bad = 0;

	while (left > 0) {
		int st;
		pid_t r = waitpid(-1, &st, WNOHANG);

		if (r < 0)
			fail("waitpid: %s", strerror(errno));
		if (r == 0) {
			if (now_ns() > deadline)
				break;
			if (now_ns() >= next) { /* shows when a hang began */
				say("%llu s", (unsigned long long)
				    ((next - t0) / NSEC_PER_SEC));
				next += 5 * NSEC_PER_SEC;
			}
			sleep_ns(20 * MS);
			continue;
		}
		for (int i = 0; i < n; i++)
			if (pids[i] == r) {
				pids[i] = 0;
				sts[i] = st;
				left--;
			}
	}
	for (int i = 0; i < n; i++)
		if (pids[i]) {
			say("worker %s (pid %d) still running: hung?", names[i],
			    pids[i]);
			bad++;
		}
	if (bad)
		fail("%d of %d workers still running 15 s after their end: "
		     "the kernel hung?", bad, n);
}

/* ---- ps: the process table while processes come and go ---------------- */

static char *const true_argv[] = { "true", NULL };

#define PS_HEAP (2 * MIB) /* the heap a child grows before it goes */

static int w_fork(uint64_t end)
{
	unsigned long n = 0;

	while (now_ns() < end) {
		pid_t pid = fork();
		int st = 0;

		if (pid == 0) {
			sbrk(PS_HEAP); /* more to free: a longer exit */
			_exit(7);
		}
		if (pid < 0)
			fail("forker: fork: %s", strerror(errno));
		if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) ||
		    WEXITSTATUS(st) != 7)
			fail("forker: child %d: %s", pid, status_text(st));
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
		int st = 0;

		if (pid == 0) {
			sbrk(PS_HEAP); /* more for execve to free */
			execve("true", true_argv, NULL);
			_exit(99);
		}
		if (pid < 0)
			fail("execer: fork: %s", strerror(errno));
		if (waitpid(pid, &st, 0) != pid || st != 0)
			fail("execer: child %d: %s", pid, status_text(st));
		n++;
	}
	say("%lu fork+execve", n);
	return 0;
}

static int w_spawn(uint64_t end)
{
	unsigned long n = 0;

	while (now_ns() < end) {
		pid_t pid = spawn("true", true_argv, NULL);
		int st = 0;

		if (pid < 0)
			fail("spawner: spawn: %s", strerror(errno));
		if (waitpid(pid, &st, 0) != pid || st != 0)
			fail("spawner: child %d: %s", pid, status_text(st));
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

static void t_ps(int argc, char **argv)
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
		pids[i] = start(fns[i], end);
	reap_workers(pids, names, sts, n, end + 15 * NSEC_PER_SEC);
	for (int i = 0; i < n; i++)
		if (sts[i] != 0)
			fail("worker %s: %s", names[i], status_text(sts[i]));
	check_clean(before);
	ok("%llu s, %d workers, every child reaped, every frame back",
	   (unsigned long long)secs, n);
}

/* ---- kill: every kill lands, whatever the child is doing --------------- */

/* A kill lands at the victim's next trap (a timer tick at most 10 ms
 * away) or wakes it: the bound leaves room for a busy host stalling QEMU
 * for hundreds of ms. A lost kill costs it, so the test stops at the
 * fifth. */
#define KILL_BOUND_MS 1000
#define KILL_MAX_LOST 5

enum { K_SPIN, K_NAPS, K_SLEEP, K_WAIT, K_READ, NKINDS };
static const char kind_letters[] = "snlwr"; /* as in the enum */
static const char *const kind_names[NKINDS] = {
	"spin", "naps", "spin+sleep10s", "spin+wait4", "spin+read",
};

/* A grandchild for K_WAIT: sleeps until its parent is gone (30 s at
 * most). The parent may be killed before we first run: it says its pid. */
static void grandchild(pid_t parent)
{
	for (int i = 0; i < 6000 && getppid() == parent; i++)
		sleep_ns(5 * MS);
	_exit(0);
}

/* What a child does until it is killed; exit 3 means it got through.
 * The blocking kinds spin in user mode until rdtime reaches block_at. */
static __attribute__((noreturn)) void victim(int kind, uint64_t block_at,
					     uint64_t s)
{
	pid_t g, me;
	char c;

	seed(s);
	switch (kind) {
	case K_SPIN:
		for (;;)
			__asm__ volatile("" ::: "memory");
	case K_NAPS:
		for (;;) {
			spin_us(rnd() % 300);
			sleep_ns(MS / 4 + rnd() % MS);
		}
	case K_SLEEP:
		spin_until(block_at);
		sleep_ns(10 * NSEC_PER_SEC);
		break;
	case K_WAIT:
		me = getpid();
		g = fork();
		if (g == 0)
			grandchild(me);
		if (g < 0)
			_exit(4);
		spin_until(block_at);
		wait4(g, NULL, 0, NULL);
		break;
	case K_READ:
		spin_until(block_at);
		read(0, &c, 1);
		break;
	}
	_exit(3);
}

/*
 * One round: fork a victim of the given kind and kill it. Three in four
 * rounds of the blocking kinds are aimed: the victim makes its blocking
 * call at a moment chosen before the fork, -20..+100 us after our timer
 * is due to wake us for the kill (on one hart that wakeup is the only
 * way to interrupt the victim just as it enters the kernel; the spread
 * covers the cost of our own nanosleep call and TCG's jitter).
 * The others kill after a random 0-5 ms (sleeping or spinning) while the
 * victim spins a random 0-5 ms. Returns how long after the kill the
 * victim was reaped, or -1 if it was not within KILL_BOUND_MS (then *why says
 * what the round did).
 */
static int64_t kill_round(long r, int kind, int sig, char *why, size_t len)
{
	uint64_t t0 = rdtime(), us = ticks_per_ms / 1000;
	bool aimed = kind >= K_SLEEP && rnd() % 4, sleepy = rnd() & 1;
	uint64_t k = 1 + rnd() % 3, delay = rnd() % 5001;
	int64_t off = (int64_t)(rnd() % 121) - 20;
	uint64_t call_at = t0 + 2 * ticks_per_ms, block_at, cs = rnd();
	int64_t took;
	pid_t pid;
	int st;

	block_at = aimed ? call_at + k * ticks_per_ms + (uint64_t)off * us
			 : t0 + (rnd() % 5001) * us;
	pid = fork();
	if (pid == 0)
		victim(kind, block_at, cs);
	if (pid < 0)
		fail("round %ld: fork: %s", r, strerror(errno));
	if (aimed) {
		spin_until(call_at);
		sleep_ns(k * MS);
	} else if (sleepy) {
		sleep_ns(delay * 1000);
	} else {
		spin_us(delay);
	}
	if (kill(pid, sig) != 0)
		fail("round %ld: kill(%d, %d): %s", r, pid, sig, strerror(errno));
	took = reap_within(pid, KILL_BOUND_MS, &st);
	if (took < 0) {
		if (aimed)
			snprintf(why, len, "round %ld, pid %d (%s, signal %d, "
				 "aimed: block at %+lld us from our wakeup)", r,
				 pid, kind_names[kind], sig, (long long)off);
		else
			snprintf(why, len, "round %ld, pid %d (%s, signal %d "
				 "%llu us after the fork, %s; block at %llu us)",
				 r, pid, kind_names[kind], sig,
				 (unsigned long long)delay,
				 sleepy ? "sleeping" : "spinning",
				 (unsigned long long)((block_at - t0) / us));
		return -1;
	}
	if (!WIFSIGNALED(st) || WTERMSIG(st) != sig)
		fail("round %ld: child %d (%s) %s, not killed by signal %d", r,
		     pid, kind_names[kind], status_text(st), sig);
	return took;
}

static void t_kill(int argc, char **argv)
{
	long rounds = argc > 2 ? atol(argv[2]) : 200;
	uint64_t s = argc > 3 ? strtoull(argv[3], NULL, 0) : 1;
	const char *kinds = argc > 4 ? argv[4] : kind_letters;
	int64_t worst = 0, worst_kind[NKINDS] = { 0 };
	int lost = 0, lost_kind[NKINDS] = { 0 }, count[NKINDS] = { 0 };
	char first[200] = "", why[200];
	uint64_t before, t_start = now_ns();
	long r;

	if (!*kinds || strspn(kinds, kind_letters) != strlen(kinds))
		fail("kinds are letters of %s", kind_letters);
	seed(s);
	calibrate();
	note_known();
	before = free_frames();
	for (r = 0; r < rounds && lost < KILL_MAX_LOST; r++) {
		int kind = (int)(strchr(kind_letters,
				       kinds[rnd() % strlen(kinds)]) - kind_letters);
		int sig = rnd() & 1 ? SIGKILL : SIGTERM;
		int64_t took = kill_round(r, kind, sig, why, sizeof(why));

		count[kind]++;
		if (took < 0) {
			if (!lost++)
				memcpy(first, why, sizeof(first));
			lost_kind[kind]++;
			continue;
		}
		if (took > worst)
			worst = took;
		if (took > worst_kind[kind])
			worst_kind[kind] = took;
	}
	if (lost) {
		char per[160];
		int len = 0;

		for (int k = 0; k < NKINDS; k++)
			len += snprintf(per + len, sizeof(per) - len, "%s%s %d/%d",
					k ? ", " : "", kind_names[k],
					lost_kind[k], count[k]);
		fail("%d kills lost in %ld rounds of %ld (not reaped %d ms later; "
		     "per kind: %s); first: %s", lost, r, rounds,
		     KILL_BOUND_MS, per, first);
	}
	check_clean(before);
	ok("%ld kills landed in %llu.%llu s; worst %llu.%03llu ms after the kill "
	   "(spin %llu, naps %llu, sleep %llu, wait4 %llu, read %llu us); "
	   "every frame back", rounds,
	   (unsigned long long)((now_ns() - t_start) / NSEC_PER_SEC),
	   (unsigned long long)((now_ns() - t_start) / (NSEC_PER_SEC / 10) % 10),
	   (unsigned long long)(worst / 1000000),
	   (unsigned long long)(worst / 1000 % 1000),
	   (unsigned long long)(worst_kind[0] / 1000),
	   (unsigned long long)(worst_kind[1] / 1000),
	   (unsigned long long)(worst_kind[2] / 1000),
	   (unsigned long long)(worst_kind[3] / 1000),
	   (unsigned long long)(worst_kind[4] / 1000));
}

/* ---- stall: timed wakeups stay on time while memory is busy ------------- */

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

static void t_stall(int argc, char **argv)
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
		pids[n++] = start(w_watchdog, (uint64_t)i);
	}
	if (strchr(workers, 'h'))
		names[n] = "heap", pids[n++] = start(w_heap, 0);
	if (strchr(workers, 'd'))
		names[n] = "doomed", pids[n++] = start(w_doomed, 0);
	if (strchr(workers, 'f'))
		names[n] = "bigfork", pids[n++] = start(w_bigfork, 0);
	if (strchr(workers, 'e'))
		names[n] = "exec", pids[n++] = start(w_execloop, 0);
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

/* ---- sleep: nanosleep's argument checks ---------------------------------- */

static int nanosleep_raw(int64_t sec, int64_t nsec)
{
	struct kite_timespec ts = { sec, nsec };

	return (int)syscall2(SYS_nanosleep, &ts, NULL);
}

/* Sleeps of hundreds of years, some just past where a conversion to
 * milliseconds, to timer ticks or to nanoseconds overflows 64 bits. */
static const struct { int64_t sec, nsec; } huge[] = {
	{ 1844674407, 0 }, { 1844674407, 371000000 },
	{ 1844674407, 500000000 }, { 1844674407, 999999999 },
	{ 4294967296, 0 }, { 18446744073, 0 }, { 9223372036, 854775807 },
	{ 18446744073709551, 0 }, { INT64_MAX / 1000, 0 }, { INT64_MAX, 0 },
	{ INT64_MAX, 999999999 },
};

static void t_sleep(void)
{
	static const struct { int64_t sec, nsec; } bad[] = {
		{ -1, 0 }, { 0, -1 }, { 0, 1000000000 }, { INT64_MIN, 0 },
		{ 0, INT64_MAX }, { 0, INT64_MIN }, { 1, 1000000000 },
		{ -1844674407, 0 }, { INT64_MAX, -1 },
	};
	pid_t kids[ARRAY_SIZE(huge)];
	char woke[400];
	int st, early = 0, len = 0, left = ARRAY_SIZE(huge);
	uint64_t t0;

	for (unsigned i = 0; i < ARRAY_SIZE(bad); i++) {
		long r = nanosleep_raw(bad[i].sec, bad[i].nsec);

		if (r != -EINVAL)
			fail("nanosleep({%lld, %lld}) = %ld, want -EINVAL (%d)",
			     (long long)bad[i].sec, (long long)bad[i].nsec, r,
			     -EINVAL);
	}
	if (syscall2(SYS_nanosleep, NULL, NULL) != -EFAULT)
		fail("nanosleep(NULL) is not -EFAULT");
	t0 = now_ns();
	if (nanosleep_raw(0, 30 * MS) != 0 || now_ns() - t0 < 30 * MS)
		fail("nanosleep(30 ms) slept %llu us", (unsigned long long)
		     (now_ns() - t0) / 1000);
	/* each huge sleeper must still be asleep 300 ms later */
	t0 = now_ns();
	for (unsigned i = 0; i < ARRAY_SIZE(huge); i++) {
		kids[i] = fork();
		if (kids[i] == 0) {
			long r = nanosleep_raw(huge[i].sec, huge[i].nsec);

			_exit(r == 0 ? 0 : r < 0 && r > -100 ? (int)(100 - r) : 99);
		}
		if (kids[i] < 0)
			fail("fork: %s", strerror(errno));
	}
	while (left && now_ns() - t0 < 300 * MS) {
		for (unsigned i = 0; i < ARRAY_SIZE(huge); i++) {
			pid_t r = kids[i] ? waitpid(kids[i], &st, WNOHANG) : 0;

			if (r == 0)
				continue;
			if (r != kids[i])
				fail("waitpid(%d) = %d: %s", kids[i], r,
				     strerror(errno));
			kids[i] = 0;
			left--;
			if (!early++)
				len = snprintf(woke, sizeof(woke), "nanosleep "
					       "returned (want: still asleep "
					       "after 300 ms) for");
			if (len < (int)sizeof(woke))
				len += snprintf(woke + len, sizeof(woke) - len,
						"%s {%lld, %lld} within %llu ms%s%s",
						early > 1 ? ";" : "",
						(long long)huge[i].sec,
						(long long)huge[i].nsec,
						(unsigned long long)
						((now_ns() - t0) / MS + 1),
						st ? ", " : "",
						st ? status_text(st) : "");
		}
		sleep_ns(MS);
	}
	for (unsigned i = 0; i < ARRAY_SIZE(huge); i++) {
		if (!kids[i])
			continue;
		if (kill(kids[i], SIGKILL) != 0)
			fail("kill(%d): %s", kids[i], strerror(errno));
		if (reap_within(kids[i], 500, &st) < 0)
			fail("nanosleep({%lld, %lld}): not killed within 500 ms",
			     (long long)huge[i].sec, (long long)huge[i].nsec);
		if (!WIFSIGNALED(st) || WTERMSIG(st) != SIGKILL)
			fail("sleeper %d: %s, want killed by signal 9", kids[i],
			     status_text(st));
	}
	if (early)
		fail("%d of %u: %s", early, (unsigned)ARRAY_SIZE(huge), woke);
	ok("%u EINVAL cases; %u huge sleeps still asleep after 300 ms, then "
	   "killed", (unsigned)ARRAY_SIZE(bad), (unsigned)ARRAY_SIZE(huge));
}

int main(int argc, char **argv)
{
	if (argc < 2)
		goto usage;
	test = argv[1];
	if (!strcmp(test, "ps"))
		t_ps(argc, argv);
	else if (!strcmp(test, "kill"))
		t_kill(argc, argv);
	else if (!strcmp(test, "stall"))
		t_stall(argc, argv);
	else if (!strcmp(test, "sleep"))
		t_sleep();
usage:
	fprintf(stderr, "usage: stress ps [SECONDS] | kill [ROUNDS [SEED "
		"[KINDS]]] | stall [SECONDS [WATCHDOGS [WORKERS [MIB]]]] | "
		"sleep\n");
	return 2;
}
