/*
 * arch/csr.h - RISC-V supervisor CSRs and the few instructions Kite needs.
 *
 * Only code under kernel/arch/riscv/ uses what is here (arch/arch.h, whose
 * inline helpers need it, brings it along); the rest of the kernel calls
 * the arch_* helpers declared in arch/arch.h.
 */
#ifndef KITE_ARCH_CSR_H
#define KITE_ARCH_CSR_H

#define SSTATUS_SIE (1UL << 1)
#define SSTATUS_SPIE (1UL << 5)
#define SSTATUS_SPP (1UL << 8)
#define SSTATUS_SUM (1UL << 18)
#define SSTATUS_FS (3UL << 13)       /* floating-point unit state: */
#define SSTATUS_FS_OFF (0UL << 13)   /*   FP instructions trap */
#define SSTATUS_FS_CLEAN (2UL << 13) /*   registers match the saved copy */
#define SSTATUS_FS_DIRTY (3UL << 13) /*   registers changed since */

#define SIE_SSIE (1UL << 1)
#define SIE_STIE (1UL << 5)
#define SIE_SEIE (1UL << 9)
#define SIP_SSIP (1UL << 1)

#define SCAUSE_INTR (1UL << 63)
/* exception causes (scause without the interrupt bit) */
#define EXC_INST_MISALIGNED 0
#define EXC_INST_ACCESS 1
#define EXC_ILLEGAL_INST 2
#define EXC_BREAKPOINT 3
#define EXC_LOAD_MISALIGNED 4
#define EXC_LOAD_ACCESS 5
#define EXC_STORE_MISALIGNED 6
#define EXC_STORE_ACCESS 7
#define EXC_ECALL_U 8
#define EXC_ECALL_S 9
#define EXC_INST_PAGE_FAULT 12
#define EXC_LOAD_PAGE_FAULT 13
#define EXC_STORE_PAGE_FAULT 15
#define IRQ_S_SOFT 1
#define IRQ_S_TIMER 5
#define IRQ_S_EXT 9

#define SATP_SV39 (8UL << 60)

#ifndef __ASSEMBLER__
#include "kernel/types.h"

#define csr_read(csr)                                            \
	({                                                       \
		unsigned long v_;                                \
		__asm__ volatile("csrr %0, " #csr : "=r"(v_));   \
		v_;                                              \
	})
#define csr_write(csr, val) \
	__asm__ volatile("csrw " #csr ", %0" ::"rK"((unsigned long)(val)) : "memory")
#define csr_set(csr, bits) \
	__asm__ volatile("csrs " #csr ", %0" ::"rK"((unsigned long)(bits)) : "memory")
#define csr_clear(csr, bits) \
	__asm__ volatile("csrc " #csr ", %0" ::"rK"((unsigned long)(bits)) : "memory")

static inline void sfence_vma_all(void)
{
	__asm__ volatile("sfence.vma zero, zero" ::: "memory");
}

static inline void sfence_vma_page(uintptr_t va)
{
	__asm__ volatile("sfence.vma %0, zero" ::"r"(va) : "memory");
}

static inline uint64_t rdtime(void)
{
	uint64_t t;

	__asm__ volatile("rdtime %0" : "=r"(t));
	return t;
}
#endif

#ifndef __ASSEMBLER__
/* fp.S: store / load f0..f31 and fcsr (the unit must be on). */
void arch_fp_save_regs(uint64_t *area);
void arch_fp_load_regs(const uint64_t *area);
#endif

#endif
