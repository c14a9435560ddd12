/*
 * cpu.c - per-hart CPU control: page-table base, TLB maintenance, the
 * trap vector and the counters user mode may read, the floating-point
 * registers, the timer (the hardware gives each hart one compare value;
 * clock.c decides what it should be), and starting harts and sending
 * IPIs through SBI.
 */
#include "arch/arch.h"
#include "arch/csr.h"
#include "arch/sbi.h"
#include "arch/timer.h"
#include "kernel/clock.h"
#include "kernel/cpu.h"
#include "mm/memlayout.h"
#include "trace/trace.h"

extern char trap_vector[];

void arch_tlb_flush_page(uintptr_t va)
{
	sfence_vma_page(va);
}

void arch_tlb_flush_all(void)
{
	sfence_vma_all();
}

/* Past this many pages one full flush beats flushing page by page. */
#define FLUSH_ALL_PAGES 64

void arch_tlb_flush_local(uintptr_t va, size_t size)
{
	if (size >= FLUSH_ALL_PAGES * PAGE_SIZE)
		sfence_vma_all();
	else
		for (size_t off = 0; off < size; off += PAGE_SIZE)
			sfence_vma_page(va + off);
}

void arch_tlb_shootdown_mask(uint64_t mask, uintptr_t va, size_t size)
{
	uint64_t me = 1UL << cpuid();

	if (mask & me)
		arch_tlb_flush_local(va, size);
	mask &= ~me & READ_ONCE(online_mask);
	if (mask)
		sbi_remote_sfence_vma(mask, 0, va, size);
}

void arch_tlb_shootdown(uintptr_t va, size_t size)
{
	push_off();
	arch_tlb_shootdown_mask(READ_ONCE(online_mask), va, size);
	pop_off();
}

void arch_set_pagetable(uint64_t root_pa)
{
	sfence_vma_all();
	csr_write(satp, SATP_SV39 | (root_pa >> 12));
	sfence_vma_all();
}

uint64_t arch_user_probe(uintptr_t va, bool write)
{
	volatile uint64_t *p = (volatile uint64_t *)va;
	uint64_t v = 0;

	csr_set(sstatus, SSTATUS_SUM);
	if (write)
		*p = 0;
	else
		v = *p;
	csr_clear(sstatus, SSTATUS_SUM);
	return v;
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

/* ---- timer ---- */

void arch_timer_arm(uint64_t when)
{
	mycpu()->timer_armed = when;
	sbi_set_timer(when);
}

void arch_timer_interrupt(void)
{
	clock_interrupt(rdtime());
}

/* ---- harts and IPIs ---- */

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
	trace_ipi_send(hart);
	sbi_send_ipi(1UL << hart, 0);
}
