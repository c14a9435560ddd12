/*
 * main.c - the stress app: stress tests for races and latencies that the
 * ordinary tests (usertests, fuzz) are too gentle to find. This file has
 * the command line and the helpers that the tests share (stress.h).
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
 * ps     (ps.c) the process table while processes fork, exec and exit.
 * kill   (kill.c) every kill lands, whatever the victim is doing.
 * stall  (stall.c) timed wakeups stay on time while other processes
 *        grow, fork and exec big address spaces.
 * sleep  (sleep.c) nanosleep's argument checks and limits.
 * The comment at the top of each file says what its test does; stress.h
 * says what they share.
 */
#include "stress.h"

/* ---- how a test ends --------------------------------------------------- */

static const char *test = "?"; /* argv[1] */

void say(const char *fmt, ...)
{
	char text[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	printf("stress %s: %s\n", test, text);
}

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

/* ---- time -------------------------------------------------------------- */

void sleep_ns(uint64_t ns)
{
	struct timespec ts = { (time_t)(ns / NSEC_PER_SEC),
			       (long)(ns % NSEC_PER_SEC) };

	nanosleep(&ts, NULL);
}

uint64_t ticks_per_ms; /* of rdtime, from calibrate() */

void calibrate(void)
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
void spin_until(uint64_t when)
{
	while (rdtime() < when)
		__asm__ volatile("" ::: "memory");
}

void spin_us(uint64_t us)
{
	spin_until(rdtime() + us * ticks_per_ms / 1000);
}

/* ---- random numbers (xorshift64) --------------------------------------- */

static uint64_t seed_state = 1;

uint64_t rnd(void)
{
	seed_state ^= seed_state << 13;
	seed_state ^= seed_state >> 7;
	seed_state ^= seed_state << 17;
	return seed_state;
}

void seed(uint64_t s)
{
	seed_state = s ? s : 0x5eed;
	for (int i = 0; i < 4; i++)
		rnd();
}

/* ---- processes and frames ---------------------------------------------- */

struct kite_procinfo procs[MAX_PROCS];
static pid_t known[64]; /* user processes that existed before the test */
static int nknown;

/* what ps and stall execve and spawn: the app that exits 0 at once */
char *const true_argv[] = { "true", NULL };

uint64_t free_frames(void)
{
	struct kite_meminfo mi;
	static bool prefaulted;

	if (!prefaulted) { /* our own first touches are not a leak */
		prefaulted = true;
		kite_prefault_self();
	}
	if (kite_meminfo(&mi) < 0)
		fail("kite_meminfo: %s", strerror(errno));
	return mi.free;
}

/* Remember the user processes there are now (the shell, us). */
void note_known(void)
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
void check_clean(uint64_t before)
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
int64_t reap_within(pid_t pid, uint64_t ms, int *st)
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

const char *status_text(int st)
{
	static char buf[48];

	if (WIFSIGNALED(st))
		snprintf(buf, sizeof(buf), "killed by signal %d", WTERMSIG(st));
	else
		snprintf(buf, sizeof(buf), "exit %d", WEXITSTATUS(st));
	return buf;
}

/* Fork a worker running fn(arg) and exiting with what it returns. */
pid_t start_worker(int (*fn)(uint64_t), uint64_t arg)
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
void reap_workers(pid_t *pids, const char *const *names, int *sts, int n,
		  uint64_t deadline)
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

/* ---- the command line -------------------------------------------------- */

int main(int argc, char **argv)
{
	if (argc < 2)
		goto usage;
	test = argv[1];
	if (!strcmp(test, "ps"))
		stress_ps(argc, argv);
	else if (!strcmp(test, "kill"))
		stress_kill(argc, argv);
	else if (!strcmp(test, "stall"))
		stress_stall(argc, argv);
	else if (!strcmp(test, "sleep"))
		stress_sleep();
usage:
	fprintf(stderr, "usage: stress ps [SECONDS] | kill [ROUNDS [SEED "
		"[KINDS]]] | stall [SECONDS [WATCHDOGS [WORKERS [MIB]]]] | "
		"sleep\n");
	return 2;
}
