/*
 * smp.c (arch) - starting harts and sending IPIs through SBI.
 */
#include "arch/sbi.h"
#include "kernel/cpu.h"
#include "mm/memlayout.h"

extern char secondary_entry[];

/* Stacks for secondary harts, read by entry.S before anything else. */
uintptr_t secondary_stack[NCPU];

#define SBI_ERR_ALREADY_AVAILABLE (-6)

/* Start hart at secondary_entry on stack_top. Returns 0 if the hart is
 * (or already was, waiting in entry.S) on its way, or the SBI error. */
long arch_start_hart(int hart, uintptr_t stack_top)
{
	long err;

	__atomic_store_n(&secondary_stack[hart], stack_top, __ATOMIC_RELEASE);
	err = sbi_hart_start((unsigned long)hart, V2P(secondary_entry), 0);
	if (err == SBI_ERR_ALREADY_AVAILABLE)
		err = 0; /* it came in through _start and waits for its stack */
	return err;
}

void smp_send_ipi(int hart)
{
	sbi_send_ipi(1UL << hart, 0);
}
