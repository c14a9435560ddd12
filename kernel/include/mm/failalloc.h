/*
 * mm/failalloc.h - fault injection for the allocators.
 *
 * Boot argument failalloc=N[,SEED] (in the spirit of Linux's
 * fail_page_alloc and failslab): every frame allocation (pmm) and every
 * kmalloc made on behalf of a user process fails with probability 1/N,
 * the choice drawn from a hash of SEED and a global counter. Kernel
 * threads (init, workers, the in-kernel tests) are never failed, so the
 * machine boots and init keeps reaping: what is tested is that every
 * path a user program can drive takes an allocation failure cleanly,
 * with an error and nothing leaked.
 */
#ifndef KITE_MM_FAILALLOC_H
#define KITE_MM_FAILALLOC_H

#include "kernel/types.h"

#ifdef KITE_HOST_TEST
static inline bool failalloc_hit(void)
{
	return false;
}
#else
extern uint64_t failalloc_every; /* [boot] N, or 0: off */

/* Read the boot argument. */
void failalloc_init(void);
bool failalloc_roll(void);
/* Should this allocation fail? Nearly free when injection is off. */
static inline bool failalloc_hit(void)
{
	return unlikely(failalloc_every != 0) && failalloc_roll();
}
/* Allocations failed on purpose so far. */
uint64_t failalloc_count(void);
#endif

#endif
