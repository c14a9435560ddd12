/*
 * arch/timer.h - the per-hart timer interrupt (SBI TIME extension).
 */
#ifndef KITE_ARCH_TIMER_H
#define KITE_ARCH_TIMER_H

#include "kernel/types.h"

/* Start periodic interrupts on this hart every interval counter ticks. */
void arch_timer_start_hart(uint64_t interval);
/* Called from the trap handler on a timer interrupt: re-arms the timer
 * and calls clock_tick(). */
void arch_timer_interrupt(void);

#endif
