/*
 * sched/stride.h - pass arithmetic of the stride scheduler (pure).
 *
 * A thread's pass grows by BIG_STRIDE / priority for every tick it runs;
 * the scheduler runs the smallest pass. Passes are 32-bit and wrap, so
 * they are compared by signed difference: that is exact as long as any
 * two live passes differ by less than 2^31. A running thread is
 * preempted once its pass passes the smallest queued one, and threads
 * that wake or arrive start at the current minimum, so a pass gets at
 * most one charge ahead. A charge is one tick's stride (at most
 * BIG_STRIDE / 2, priority >= 2), or n strides when n late ticks come at
 * once (sched_tick(n)), but never more than STRIDE_CHARGE_MAX
 * (stride_charge): a lump of 4 ticks at priority 2 would reach 2^31 and
 * make that thread sort before everyone. So two live passes stay less
 * than BIG_STRIDE + BIG_STRIDE / 2 < 2^31 apart. (The thread's ticks,
 * what times() reports, are still charged in full.)
 */
#ifndef KITE_SCHED_STRIDE_H
#define KITE_SCHED_STRIDE_H

#include "kernel/types.h"

#define BIG_STRIDE (1U << 30)
#define PRIO_MIN 2
#define PRIO_DEFAULT 16
#define PRIO_MAX 1024
#define STRIDE_CHARGE_MAX BIG_STRIDE /* the most one charge adds to a pass */

/* True if pass a comes before pass b, across the wrap. */
static inline bool pass_before(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) < 0;
}

static inline uint32_t pass_max(uint32_t a, uint32_t b)
{
	return pass_before(a, b) ? b : a;
}

static inline uint32_t stride_of(int prio)
{
	return BIG_STRIDE / (uint32_t)prio;
}

/* What ticks ticks at priority prio add to a pass: their strides, at
 * most STRIDE_CHARGE_MAX. */
static inline uint32_t stride_charge(int prio, unsigned ticks)
{
	uint64_t c = (uint64_t)ticks * stride_of(prio);

	return c > STRIDE_CHARGE_MAX ? STRIDE_CHARGE_MAX : (uint32_t)c;
}

#endif
