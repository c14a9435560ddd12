/*
 * rounds.h - no leak: a thousand children built by hand and ended every
 * way there is (run to the end, never started, killed while running),
 * and after them every kernel object and every frame is back.
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

#endif
