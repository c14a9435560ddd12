/*
 * kill.c - stress kill [ROUNDS [SEED [KINDS]]]: every kill lands,
 * whatever the child is doing (default 200 rounds, seed 1, all kinds).
 *
 * A child (s) spins in user mode, (n) naps, or spins and then (l) sleeps
 * 10 s, (w) waits for a grandchild or (r) reads the console, and is
 * killed with SIGKILL or SIGTERM: after a random 0-5 ms, or aimed at the
 * moment it makes its blocking call (see kill_round). Every kill must
 * land: the child is reaped within KILL_BOUND_MS, killed by that signal
 * (the test stops at the fifth that does not). Then no process of ours
 * is left and every frame is back. (From the shell, a reading victim may
 * take a typed line.)
 */
#include "stress.h"

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

void stress_kill(int argc, char **argv)
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
