/*
 * capmsg.h - the page capspawn -s shares with its child (capmsg.c,
 * capspawn.c, captests.c): a SHARED PMO mapped at the same address in
 * both, named to the child by argv[1]. seq moves ASKED (the parent's
 * message is there) -> REPLIED (the child's reply is there) -> DONE
 * (the parent has read it), each store a release and each look an
 * acquire, so the text written before a store is seen after it.
 */
#ifndef KITE_CAPMSG_H
#define KITE_CAPMSG_H

#include <stdint.h>

#define CAPMSG_ASKED 1
#define CAPMSG_REPLIED 2
#define CAPMSG_DONE 3
#define CAPMSG_WAIT_MS 10000 /* either side gives up after this */
#define CAPMSG_BYTES 4096    /* the PMO: one page */

struct capmsg {
	uint32_t seq;
	uint32_t pad;
	char text[128];  /* the parent's message */
	char reply[256]; /* the child's reply */
};

static inline uint32_t capmsg_seq(const struct capmsg *m)
{
	return __atomic_load_n(&m->seq, __ATOMIC_ACQUIRE);
}

static inline void capmsg_set(struct capmsg *m, uint32_t seq)
{
	__atomic_store_n(&m->seq, seq, __ATOMIC_RELEASE);
}

/* Wait (yielding) until m->seq is seq, at most CAPMSG_WAIT_MS: true if
 * it came. */
static inline bool capmsg_wait(const struct capmsg *m, uint32_t seq)
{
	uint64_t end = monotonic_ns() + CAPMSG_WAIT_MS * 1000000ULL;

	while (capmsg_seq(m) != seq)
		if (monotonic_ns() > end || sched_yield() < 0)
			return false;
	return true;
}

#endif
