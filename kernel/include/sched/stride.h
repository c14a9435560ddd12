/*
 * sched/stride.h - pass arithmetic of the stride scheduler (pure).
 *
 * A thread's pass grows by BIG_STRIDE / priority for every tick it runs;
 * the scheduler runs the smallest pass. Passes are 32-bit and wrap, so
 * they are compared by signed difference: that is exact as long as any
 * two live passes differ by less than 2^31. A running thread is
 * preempted once its pass passes the smallest queued one, and threads
 * that wake or arrive start at the current minimum, so a pass gets at
 * most one charge ahead: one tick's stride (at most BIG_STRIDE / 2,
 * priority >= 2), or n strides when n late ticks are charged at once
 * (sched_tick(n)). A lump of 4 ticks at priority 2 already reaches 2^31,
 * and then that thread briefly sorts before the others.
 */
#ifndef KITE_SCHED_STRIDE_H
#define KITE_SCHED_STRIDE_H

#include "kernel/types.h"

#define BIG_STRIDE (1U << 30)
#define PRIO_MIN 2
#define PRIO_DEFAULT 16
#define PRIO_MAX 1024

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

#endif
