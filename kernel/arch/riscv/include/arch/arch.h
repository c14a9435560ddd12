/*
 * arch/arch.h - what the portable kernel may ask of the CPU.
 *
 * Interrupt enable/disable, the current hart's struct cpu (kept in tp),
 * waiting for an interrupt, the time counter, TLB maintenance and the
 * frame pointer for backtraces. Everything here is cheap and inline.
 */
#ifndef KITE_ARCH_ARCH_H
#define KITE_ARCH_ARCH_H

#include "arch/csr.h"
#include "kernel/types.h"

struct cpu;

static inline bool arch_intr_get(void)
{
	unsigned long s;

	__asm__ volatile("csrr %0, sstatus" : "=r"(s));
	return (s & SSTATUS_SIE) != 0;
}

static inline void arch_intr_on(void)
{
	__asm__ volatile("csrsi sstatus, %0" ::"i"(SSTATUS_SIE) : "memory");
}

static inline void arch_intr_off(void)
{
	__asm__ volatile("csrci sstatus, %0" ::"i"(SSTATUS_SIE) : "memory");
}

/* Wait for an interrupt; it wakes even with sstatus.SIE clear. */
static inline void arch_wait_for_interrupt(void)
{
	__asm__ volatile("wfi" ::: "memory");
}

static inline struct cpu *arch_mycpu(void)
{
	struct cpu *c;

	__asm__ volatile("mv %0, tp" : "=r"(c));
	return c;
}

static inline void arch_set_mycpu(struct cpu *c)
{
	__asm__ volatile("mv tp, %0" ::"r"(c) : "memory");
}

static inline uint64_t arch_time_counter(void)
{
	uint64_t t;

	__asm__ volatile("rdtime %0" : "=r"(t));
	return t;
}

static inline uintptr_t arch_frame_pointer(void)
{
	return (uintptr_t)__builtin_frame_address(0);
}

static inline void arch_cpu_relax(void)
{
	__asm__ volatile("nop" ::: "memory");
}

/* Flush this hart's TLB for one page, or for everything. */
void arch_tlb_flush_page(uintptr_t va);
void arch_tlb_flush_all(void);
/* Flush [va, va+size) on every online hart (SBI remote fence). */
void arch_tlb_shootdown(uintptr_t va, size_t size);
/* Flush [va, va+size) on the harts in mask (bit h: hart h), this one
 * included if it is there; returns when all have flushed. Interrupts off. */
void arch_tlb_shootdown_mask(uint64_t mask, uintptr_t va, size_t size);
/* Flush [va, va+size) from this hart's TLB only (a leaf gained rights). */
void arch_tlb_flush_local(uintptr_t va, size_t size);

/* Install root page table (physical address) on this hart. */
void arch_set_pagetable(uint64_t root_pa);
/* For tests only: load (or store 0 to) the word at user address va from
 * the kernel, with sstatus.SUM set just for that access. A fault there
 * is a kernel fault. */
uint64_t arch_user_probe(uintptr_t va, bool write);

#define ARCH_FP_WORDS 33 /* f0..f31 and fcsr */

/* Switch the floating-point registers: save them into prev (if not NULL
 * and changed), then load next, or turn the unit off when next is NULL
 * (kernel threads). Interrupts off. */
void arch_fp_switch(uint64_t *prev, const uint64_t *next);
/* Save this hart's floating-point registers into area if they changed
 * (before fork copies them). */
void arch_fp_save(uint64_t *area);

/* Start hart at the secondary entry point with stack_top (SBI HSM):
 * 0 or the firmware's error. */
long arch_start_hart(int hart, uintptr_t stack_top);

/* Ask the firmware to power off (failure status if status != 0). */
void arch_firmware_power_off(int status);

struct context;
/* Save the callee-saved registers in old, load new, continue as new. */
void switch_to(struct context *old, struct context *new_ctx);
/* Where a new thread's context starts (s1 = the thread). */
void thread_trampoline(void);

/* Read the retired-instruction counter (exact only under -icount). */
static inline uint64_t arch_instret(void)
{
	uint64_t n;

	__asm__ volatile("rdinstret %0" : "=r"(n));
	return n;
}

/* Run fn(arg) on a fresh stack; fn never returns. */
__attribute__((noreturn)) void arch_call_on_stack(uintptr_t sp_top,
						  void (*fn)(void *), void *arg);

#endif
