/*
 * rounds.h - no leak: a thousand children built by hand and ended every
 * way there is (run to the end, never started, killed while running),
 * and after them every kernel object and every frame is back; random
 * capability calls from four processes at once, with only documented
 * errors and every object back after them.
 */
#ifndef KITE_CAPTESTS_ROUNDS_H
#define KITE_CAPTESTS_ROUNDS_H

#include "ct.h"

#define ROUNDS 1000

/* One child of "true" built, then ended as way says. */
static void round_once(int way)
{
	char *argv[] = { "true", NULL };
	struct capload c;
	int st;

	build(&c, "true", argv);
	switch (way) {
	case 0: /* never started: its capabilities go, it ends, we reap */
		capload_abort(&c);
		return;
	case 1: /* killed as soon as it runs */
		EQ(capload_start(&c, 0), 0);
		EQ(kill(c.pid, SIGKILL), 0);
		st = reap(c.pid);
		CHECK((WIFEXITED(st) && WEXITSTATUS(st) == 0) ||
		      (WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL),
		      "killed true: status 0x%x", st);
		break;
	default: /* runs to its end */
		EQ(capload_start(&c, 0), 0);
		reap_code(c.pid, 0, "true");
	}
	capload_release(&c);
}

static void t_rounds(void)
{
	struct kite_capstats s0;
	uint64_t f0;

	round_once(2); /* the first: whatever stays cached, stays */
	kite_prefault_self();
	s0 = capstats();
	f0 = free_frames();
	for (int i = 0; i < ROUNDS; i++)
		round_once(i % 4 == 0 ? 0 : i % 4 == 1 ? 1 : 2);
	same_objects(&s0, "after 1000 rounds");
	CHECK(free_frames() == f0, "%ld frames fewer after %d rounds",
	      (long)(f0 - free_frames()), ROUNDS);
	pass_note("%d children built by hand", ROUNDS);
}

#define RANDOM_WORKERS 4
#define RANDOM_STEPS 5000
#define RANDOM_HANDLES 48

/* Is err one a capability call may give? */
static bool documented(int err)
{
	return err == EBADF || err == EPERM || err == EINVAL || err == EFAULT ||
	       err == ENOMEM || err == EMFILE || err == EEXIST || err == ESRCH ||
	       err == EAGAIN;
}

static uint64_t rnd_state;
static uint64_t rnd(void)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 7;
	rnd_state ^= rnd_state << 17;
	return rnd_state;
}

/* A handle: one we were given (maybe freed since), or any number. */
static cap_t any_handle(const cap_t *h, int n)
{
	switch (rnd() % 4) {
	case 0: return (cap_t)(rnd() % 8);
	case 1: return (cap_t)rnd();
	default: return n ? h[rnd() % (uint64_t)n] : 0;
	}
}

/* One worker: RANDOM_STEPS random capability calls on its own table
 * (and children it makes and abandons); exit 0, or 3 with a message
 * after an error no call should give. */
static void random_worker(int seed)
{
	static char buf[2 * PAGE];
	struct kite_capproc info;
	cap_t h[RANDOM_HANDLES];
	int n = 0;

	rnd_state = 0x9e3779b97f4a7c15ULL * (uint64_t)(seed + 1);
	for (int step = 0; step < RANDOM_STEPS; step++) {
		cap_t a = any_handle(h, n), b = any_handle(h, n);
		size_t len = 1 + rnd() % (4 * PAGE);
		long r = 0, at;
		int err;

		switch (rnd() % 8) {
		case 0:
			r = pmo_create(1 + rnd() % (4 * PAGE), 1 + (int)(rnd() % 3));
			break;
		case 1:
			r = cap_copy(rnd() % 2 ? CAP_SELF : a, b, (unsigned)(rnd() % 0x40));
			break;
		case 2:
			r = cap_free(a);
			break;
		case 3:
			r = cap_query(a);
			break;
		case 4:
			r = pmo_read(a, rnd() % (4 * PAGE), buf, rnd() % sizeof(buf));
			break;
		case 5:
			r = pmo_write(a, rnd() % (4 * PAGE), buf, rnd() % sizeof(buf));
			break;
		case 6:
			at = pmo_map(rnd() % 2 ? CAP_VMSPACE : b, a, 0, len,
				     (int)(rnd() % 8));
			if (at > 0)
				munmap((void *)at, len);
			r = at;
			break;
		default:
			r = cap_group_create("ct_random", &info);
			err = errno;
			if (r >= 0) {
				cap_free(r); /* abandoned: it ends */
				/* reaped now: a crowd of threads would grow the
				 * run queues (sched.c) past the frames check */
				waitpid(info.pid, NULL, 0);
			}
			errno = err;
		}
		if (r < 0 && !documented(errno)) {
			printf("random worker %d step %d: %s\n", seed, step,
			       strerror(errno));
			exit(3);
		}
		if (r >= 0 && n < RANDOM_HANDLES && rnd() % 2)
			h[n++] = r; /* (not always a handle: any number will do) */
	}
	while (wait(NULL) > 0)
		;
	exit(0);
}

/* Random capability calls from four processes at once: only the
 * documented errors, and every object back when they are gone. */
static void t_random(void)
{
	struct kite_capstats s0 = capstats();
	pid_t pids[RANDOM_WORKERS];

	for (int i = 0; i < RANDOM_WORKERS; i++) {
		pids[i] = fork();
		CHECK(pids[i] >= 0, "fork: %s", strerror(errno));
		if (pids[i] == 0)
			random_worker(i);
	}
	for (int i = 0; i < RANDOM_WORKERS; i++)
		reap_code(pids[i], 0, "random worker");
	same_objects(&s0, "after the random workers");
}

#endif
