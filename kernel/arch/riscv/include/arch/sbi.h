/*
 * arch/sbi.h - calls into OpenSBI (SBI v0.2+ extensions).
 *
 * Each returns the SBI error (0 = success, negative = SBI_ERR_*).
 */
#ifndef KITE_ARCH_SBI_H
#define KITE_ARCH_SBI_H

#include "kernel/types.h"

long sbi_set_timer(uint64_t stime);
long sbi_send_ipi(unsigned long hart_mask, unsigned long hart_mask_base);
long sbi_hart_start(unsigned long hartid, unsigned long start_pa,
		    unsigned long opaque);
long sbi_remote_sfence_vma(unsigned long hart_mask, unsigned long base,
			   unsigned long start, unsigned long size);
long sbi_system_reset(uint32_t type, uint32_t reason);
void sbi_console_putchar(int c); /* legacy, for the earliest messages */

#endif
