/*
 * arch/irq.h - external interrupts through the PLIC.
 *
 * A driver registers a handler for its PLIC source number and enables it
 * for the harts that should take it. Handlers run with interrupts off.
 */
#ifndef KITE_ARCH_IRQ_H
#define KITE_ARCH_IRQ_H

#include "kernel/types.h"

#define IRQ_MAX 64

void plic_init(void);
/* Route irq to this hart's S-mode context and set its threshold to 0. */
void plic_init_hart(void);
/* Call handler(arg) for each interrupt of source irq (boot only). */
void irq_register(int irq, void (*handler)(void *arg), void *arg);
/* Enable irq on hart (call on each hart that should take it). */
void irq_enable_on_hart(int irq, int hart);
/* Claim, dispatch and complete pending external interrupts. */
void plic_interrupt(void);

/* Set up stvec and interrupt enables on this hart. */
void arch_trap_init_hart(void);
void arch_ipi_clear(void);

#endif
