/*
 * kernel/clock.h - time: ticks, the monotonic clock and wall-clock time.
 *
 * The monotonic clock counts the platform time counter (rdtime, the
 * device tree's timebase-frequency, 10 MHz on QEMU virt) since boot. Wall
 * time comes from the goldfish RTC. Every hart takes HZ timer interrupts
 * a second (boot argument hz=, default 100).
 */
#ifndef KITE_KERNEL_CLOCK_H
#define KITE_KERNEL_CLOCK_H

#include "kernel/types.h"

#define NSEC_PER_SEC 1000000000ULL

extern unsigned clock_hz;       /* [boot] ticks per second */
extern uint64_t clock_timebase; /* [boot] time counter frequency */

void clock_init(uint64_t timebase, unsigned hz);
/* Start the tick on the calling hart. */
void clock_start_hart(void);
/* A timer interrupt on this hart at time `now` (from the arch code):
 * a tick if one is due, expired sleeps, then re-arm. */
void clock_interrupt(uint64_t now);
/* Make sure this hart's timer fires by `when` (interrupts off). */
void clock_arm_deadline(uint64_t when);
/* n tick periods passed on this hart (usually 1; more if the interrupt
 * came late). */
void clock_tick(unsigned n);
/* Nanoseconds since boot. */
uint64_t clock_monotonic_ns(void);
/* Nanoseconds since the Unix epoch, from the RTC. */
uint64_t clock_realtime_ns(void);
/* Nanoseconds to time-counter ticks, saturating at UINT64_MAX. */
uint64_t clock_ns_to_counter(uint64_t ns);
/* The time counter ns nanoseconds from now, saturating at UINT64_MAX
 * ("never"). */
uint64_t clock_deadline_ns(uint64_t ns);
/* Convert time counter ticks to nanoseconds without overflow. */
uint64_t clock_counter_to_ns(uint64_t count);

#endif
