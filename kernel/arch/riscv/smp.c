/*
 * smp.c (arch) - starting harts and sending IPIs through SBI.
 */
#include "arch/sbi.h"
#include "kernel/cpu.h"
#include "mm/memlayout.h"

extern char secondary_entry[];

/* Start hart at secondary_entry with sp = stack_top. Returns SBI error. */
long arch_start_hart(int hart, uintptr_t stack_top)
{
	return sbi_hart_start((unsigned long)hart, V2P(secondary_entry),
			      stack_top);
}

void smp_send_ipi(int hart)
{
	sbi_send_ipi(1UL << hart, 0);
}
