/*
 * timer.c - periodic timer interrupts through the SBI TIME extension.
 *
 * Each hart programs its own next deadline (cpu->next_timer). If a hart
 * falls behind (interrupts were off for long) the next deadline is set
 * from now rather than firing a burst of stale ticks.
 */
#include "arch/csr.h"
#include "arch/sbi.h"
#include "arch/timer.h"
#include "kernel/clock.h"
#include "kernel/cpu.h"

static uint64_t timer_interval; /* [boot] counter ticks between interrupts */

void arch_timer_start_hart(uint64_t interval)
{
	struct cpu *c = mycpu();

	timer_interval = interval;
	c->next_timer = rdtime() + interval;
	sbi_set_timer(c->next_timer);
}

void arch_timer_interrupt(void)
{
	struct cpu *c = mycpu();
	uint64_t now = rdtime();

	c->next_timer += timer_interval;
	if (c->next_timer <= now)
		c->next_timer = now + timer_interval;
	sbi_set_timer(c->next_timer);
	clock_tick();
}
