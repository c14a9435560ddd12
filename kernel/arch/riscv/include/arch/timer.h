/*
 * arch/timer.h - the per-hart timer interrupt.
 */
#ifndef KITE_ARCH_TIMER_H
#define KITE_ARCH_TIMER_H

#include "kernel/types.h"

/* Interrupt this hart when the time counter reaches `when` (replaces
 * any earlier setting). */
void arch_timer_arm(uint64_t when);
/* From the trap handler: passes the interrupt to clock_interrupt(). */
void arch_timer_interrupt(void);

#endif
