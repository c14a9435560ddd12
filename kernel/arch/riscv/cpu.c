/*
 * cpu.c - per-hart CPU control: page-table base, TLB maintenance, the
 * trap vector and the counters user mode may read.
 */
#include "arch/arch.h"
#include "arch/csr.h"
#include "arch/sbi.h"
#include "kernel/cpu.h"

extern char trap_vector[];

void arch_tlb_flush_page(uintptr_t va)
{
	sfence_vma_page(va);
}

void arch_tlb_flush_all(void)
{
	sfence_vma_all();
}

void arch_tlb_shootdown(uintptr_t va, size_t size)
{
	uint64_t others = READ_ONCE(online_mask) & ~(1UL << cpuid());

	if (size >= 64 * 4096)
		sfence_vma_all();
	else
		for (size_t off = 0; off < size; off += 4096)
			sfence_vma_page(va + off);
	if (others)
		sbi_remote_sfence_vma(others, 0, va, size);
}

void arch_set_pagetable(uint64_t root_pa)
{
	sfence_vma_all();
	csr_write(satp, SATP_SV39 | (root_pa >> 12));
	sfence_vma_all();
}

/* Point stvec at the trap vector and enable this hart's interrupt
 * sources: software (IPI), timer and external (PLIC). */
void arch_trap_init_hart(void)
{
	csr_write(stvec, (uintptr_t)trap_vector);
	csr_write(sscratch, 0);
	csr_set(sie, SIE_SSIE | SIE_STIE | SIE_SEIE);
	/* let user mode read cycle, time and instret (benchmarks) */
	csr_write(scounteren, 7);
}

void arch_ipi_clear(void)
{
	csr_clear(sip, SIP_SSIP);
}

void arch_fp_save_regs(uint64_t *area);
void arch_fp_load_regs(const uint64_t *area);

void arch_fp_switch(uint64_t *prev, const uint64_t *next)
{
	unsigned long fs = csr_read(sstatus) & SSTATUS_FS;

	if (prev && fs == SSTATUS_FS_DIRTY)
		arch_fp_save_regs(prev);
	if (next) {
		/* the unit must be on to load it */
		csr_set(sstatus, SSTATUS_FS_DIRTY);
		arch_fp_load_regs(next);
		csr_clear(sstatus, SSTATUS_FS);
		csr_set(sstatus, SSTATUS_FS_CLEAN);
	} else if (fs != SSTATUS_FS_OFF) {
		csr_clear(sstatus, SSTATUS_FS); /* kernel threads: off */
	}
}

void arch_fp_save(uint64_t *area)
{
	if ((csr_read(sstatus) & SSTATUS_FS) == SSTATUS_FS_DIRTY) {
		arch_fp_save_regs(area);
		csr_clear(sstatus, SSTATUS_FS);
		csr_set(sstatus, SSTATUS_FS_CLEAN);
	}
}

void arch_firmware_power_off(int status)
{
	sbi_system_reset(0 /* shutdown */, status ? 1 /* failure */ : 0);
}
