/*
 * clock.c - ticks, the monotonic clock and wall-clock time.
 *
 * The time counter (rdtime) is shared by all harts and starts near 0 at
 * reset, so "since boot" is the counter itself. Each hart's timer fires
 * for the next periodic tick (HZ a second) or, if earlier, the first
 * deadline of a thread sleeping there, so a sleep ends on time rather
 * than at the next tick. A tick is counted in the hart's struct cpu and
 * charged by the scheduler.
 */
#include "arch/arch.h"
#include "arch/timer.h"
#include "dev/power.h"
#include "kernel/clock.h"
#include "kernel/cpu.h"
#include "kernel/panic.h"
#include "kernel/random.h"
#include "sched/sched.h"

unsigned clock_hz = HZ_DEFAULT;
uint64_t clock_timebase = 10000000;

void clock_init(uint64_t timebase, unsigned hz)
{
	if (timebase)
		clock_timebase = timebase;
	if (hz >= 1 && hz <= 10000)
		clock_hz = hz;
}

void clock_start_hart(void)
{
	struct cpu *c = mycpu();

	c->next_timer = arch_time_counter() + clock_timebase / clock_hz;
	arch_timer_arm(c->next_timer);
}

void clock_interrupt(uint64_t now)
{
	struct cpu *c = mycpu();
	uint64_t interval = clock_timebase / clock_hz, next;

	random_add_entropy(now); /* its low bits: when the interrupt came */
	if (now >= c->next_timer) {
		/* a late interrupt (interrupts were off, or the host did not
		 * run this hart) still accounts for all the time that passed */
		uint64_t n = 1 + (now - c->next_timer) / interval;

		c->next_timer += n * interval;
		if (n > 1)
			__atomic_store_n(&c->late_ticks, c->late_ticks + n - 1,
					 __ATOMIC_RELAXED);
		clock_tick((unsigned)n);
	} else {
		sleep_timers_expire(cpuid()); /* an early sleep deadline */
	}
	next = sleep_timers_next(cpuid());
	arch_timer_arm(next < c->next_timer ? next : c->next_timer);
}

void clock_arm_deadline(uint64_t when)
{
	if (when < mycpu()->timer_armed)
		arch_timer_arm(when);
}

void clock_tick(unsigned n)
{
	struct cpu *c = mycpu();

	__atomic_store_n(&c->ticks, c->ticks + n, __ATOMIC_RELAXED);
	sched_tick(n);
}

uint64_t clock_counter_to_ns(uint64_t count)
{
	return count / clock_timebase * NSEC_PER_SEC +
	       count % clock_timebase * NSEC_PER_SEC / clock_timebase;
}

uint64_t clock_ns_to_counter(uint64_t ns)
{
	uint64_t whole = ns / NSEC_PER_SEC, part = ns % NSEC_PER_SEC;

	if (whole > (UINT64_MAX - clock_timebase) / clock_timebase)
		return UINT64_MAX;
	/* part * timebase < 1e9 * timebase: fits for any timebase < 18 GHz */
	return whole * clock_timebase + part * clock_timebase / NSEC_PER_SEC;
}

uint64_t clock_deadline_ns(uint64_t ns)
{
	uint64_t now = arch_time_counter(), d = clock_ns_to_counter(ns);

	return d > UINT64_MAX - now ? UINT64_MAX : now + d;
}

uint64_t clock_monotonic_ns(void)
{
	return clock_counter_to_ns(arch_time_counter());
}

uint64_t clock_realtime_ns(void)
{
	return rtc_read_ns();
}
