/*
 * clock.c - ticks, the monotonic clock and wall-clock time.
 *
 * The time counter (rdtime) is shared by all harts and starts near 0 at
 * reset, so "since boot" is the counter itself. Each hart counts its own
 * ticks in its struct cpu and then lets the scheduler charge the tick.
 */
#include "arch/arch.h"
#include "arch/timer.h"
#include "dev/power.h"
#include "kernel/clock.h"
#include "kernel/cpu.h"
#include "kernel/panic.h"
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
	arch_timer_start_hart(clock_timebase / clock_hz);
}

void clock_tick(void)
{
	struct cpu *c = mycpu();

	__atomic_store_n(&c->ticks, c->ticks + 1, __ATOMIC_RELAXED);
	sched_tick();
}

uint64_t clock_counter_to_ns(uint64_t count)
{
	return count / clock_timebase * NSEC_PER_SEC +
	       count % clock_timebase * NSEC_PER_SEC / clock_timebase;
}

uint64_t clock_monotonic_ns(void)
{
	return clock_counter_to_ns(arch_time_counter());
}

uint64_t clock_realtime_ns(void)
{
	return rtc_read_ns();
}
