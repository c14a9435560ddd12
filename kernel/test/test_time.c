/*
 * test_time.c - in-kernel tests of time: every hart takes timer ticks,
 * the monotonic clock moves forward, the RTC gives a plausible date,
 * and interrupt disabling nests.
 */
#include "arch/arch.h"
#include "kernel/clock.h"
#include "kernel/cpu.h"
#include "kernel/ktest.h"

#define WAIT_TICKS 5

static uint64_t tick_delta[NCPU]; /* written by each hart for itself */

/* Sleep (wfi) until WAIT_TICKS ticks' worth of time has passed, then
 * record how many ticks this hart actually took meanwhile. */
static void tick_probe(void *arg)
{
	struct cpu *c = mycpu();
	uint64_t t0 = __atomic_load_n(&c->ticks, __ATOMIC_RELAXED);
	uint64_t end = clock_monotonic_ns() + WAIT_TICKS * NSEC_PER_SEC / clock_hz;

	(void)arg;
	while (clock_monotonic_ns() < end)
		arch_wait_for_interrupt();
	tick_delta[c->id] = __atomic_load_n(&c->ticks, __ATOMIC_RELAXED) - t0;
}

KTEST(timer_ticks_every_hart)
{
	for (int h = 0; h < NCPU; h++)
		tick_delta[h] = 0;
	KT_ASSERT(smp_call_all(tick_probe, NULL) == 0);
	for (int h = 0; h < NCPU; h++) {
		if (!(online_mask & (1UL << h)))
			continue;
		KT_ASSERTF(tick_delta[h] >= WAIT_TICKS - 1,
			   "hart %d took %lu ticks in %d tick periods", h,
			   (unsigned long)tick_delta[h], WAIT_TICKS);
	}
	return 0;
}

KTEST(clock_monotonic)
{
	uint64_t a = clock_monotonic_ns(), b;

	for (int i = 0; i < 1000; i++) {
		b = clock_monotonic_ns();
		KT_ASSERT(b >= a);
		a = b;
	}
	KT_ASSERT(clock_counter_to_ns(clock_timebase) == NSEC_PER_SEC);
	KT_ASSERT(clock_counter_to_ns(3 * clock_timebase / 2) == 3 * NSEC_PER_SEC / 2);
	return 0;
}

KTEST(rtc_plausible)
{
	uint64_t t = clock_realtime_ns() / NSEC_PER_SEC;
	const uint64_t y2020 = 1577836800, y2100 = 4102444800;

	KT_ASSERTF(t > y2020 && t < y2100, "RTC says %lu s since 1970",
		   (unsigned long)t);
	return 0;
}

KTEST(push_pop_nesting)
{
	bool was = arch_intr_get();

	arch_intr_on();
	push_off();
	push_off();
	KT_ASSERT(!arch_intr_get() && mycpu()->noff == 2);
	pop_off();
	KT_ASSERT(!arch_intr_get());
	pop_off();
	KT_ASSERT(arch_intr_get() && mycpu()->noff == 0);
	/* off before the first push: stays off after the last pop */
	arch_intr_off();
	push_off();
	pop_off();
	KT_ASSERT(!arch_intr_get());
	if (was)
		arch_intr_on();
	return 0;
}
