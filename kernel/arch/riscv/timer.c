/*
 * timer.c - the per-hart timer interrupt (SBI TIME extension).
 *
 * The hardware gives each hart one compare value; clock.c decides what
 * it should be (the next periodic tick or an earlier sleep deadline) and
 * this file only arms it and forwards the interrupt.
 */
#include "arch/csr.h"
#include "arch/sbi.h"
#include "arch/timer.h"
#include "kernel/clock.h"
#include "kernel/cpu.h"

void arch_timer_arm(uint64_t when)
{
	mycpu()->timer_armed = when;
	sbi_set_timer(when);
}

void arch_timer_interrupt(void)
{
	clock_interrupt(rdtime());
}
