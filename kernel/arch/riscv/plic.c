/*
 * plic.c - the platform-level interrupt controller of QEMU virt.
 *
 * Each hart has an S-mode context (number 2*hart+1) with an enable bitmap,
 * a priority threshold and a claim/complete register. Every registered
 * source gets priority 1 and thresholds are 0, so any enabled source
 * interrupts. The handler table (a function and its argument per source,
 * so one driver serves several devices) is written at boot, before
 * interrupts are on, and only read afterwards.
 */
#include "arch/irq.h"
#include "dev/platform.h"
#include "kernel/cpu.h"
#include "kernel/log.h"
#include "kernel/panic.h"
#include "mm/memlayout.h"

#define PLIC_REG(off) ((volatile uint32_t *)((char *)P2V(PLIC_PA) + (off)))
#define PLIC_PRIORITY(irq) PLIC_REG((irq) * 4)
#define PLIC_SENABLE(hart, irq) \
	PLIC_REG(0x2080 + (hart) * 0x100 + ((irq) / 32) * 4)
#define PLIC_STHRESHOLD(hart) PLIC_REG(0x201000 + (hart) * 0x2000)
#define PLIC_SCLAIM(hart) PLIC_REG(0x201004 + (hart) * 0x2000)

static struct {
	void (*fn)(void *arg);
	void *arg;
} irq_handlers[IRQ_MAX]; /* [boot] */

void plic_init(void)
{
	log_debug("plic: at %p", (void *)PLIC_PA);
}

void plic_init_hart(void)
{
	*PLIC_STHRESHOLD(cpuid()) = 0;
}

void irq_register(int irq, void (*handler)(void *arg), void *arg)
{
	assert(irq > 0 && irq < IRQ_MAX && !irq_handlers[irq].fn);
	irq_handlers[irq].fn = handler;
	irq_handlers[irq].arg = arg;
	*PLIC_PRIORITY(irq) = 1;
}

void irq_enable_on_hart(int irq, int hart)
{
	assert(irq > 0 && irq < IRQ_MAX);
	*PLIC_SENABLE(hart, irq) |= 1U << (irq % 32);
}

void plic_interrupt(void)
{
	uint32_t irq;

	while ((irq = *PLIC_SCLAIM(cpuid())) != 0) {
		if (irq < IRQ_MAX && irq_handlers[irq].fn)
			irq_handlers[irq].fn(irq_handlers[irq].arg);
		else
			log_warn("plic: spurious irq %u on hart %d", irq, cpuid());
		*PLIC_SCLAIM(cpuid()) = irq;
	}
}
