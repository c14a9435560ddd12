/*
 * arch/trapframe.h - registers saved on a trap.
 *
 * Field order is x1..x31 and then the trap CSRs; vector.S stores register
 * xN at offset N*8, so do not reorder. Kernel traps keep the frame on the
 * interrupted stack; a user thread's frame sits at the top of its kernel
 * stack (thread->tf) and the kernel stack continues below it.
 */
#ifndef KITE_ARCH_TRAPFRAME_H
#define KITE_ARCH_TRAPFRAME_H

#define TF_SEPC (32 * 8)
#define TF_SSTATUS (33 * 8)
#define TF_SCAUSE (34 * 8)
#define TF_STVAL (35 * 8)
#define TF_KERNEL_TP (36 * 8)
#define TF_SIZE (38 * 8) /* a multiple of 16 */

#ifndef __ASSEMBLER__
#include "kernel/types.h"

struct trapframe {
	uint64_t zero; /* x0: slot kept so offsets are N*8 */
	uint64_t ra, sp, gp, tp;
	uint64_t t0, t1, t2;
	uint64_t s0, s1;
	uint64_t a0, a1, a2, a3, a4, a5, a6, a7;
	uint64_t s2, s3, s4, s5, s6, s7, s8, s9, s10, s11;
	uint64_t t3, t4, t5, t6;
	uint64_t sepc, sstatus, scause, stval;
	uint64_t kernel_tp; /* user traps: this hart's struct cpu, set on return */
	uint64_t orig_a0;   /* a system call's first argument (a0 gets the
			     * result): a restart puts it back */
};

_Static_assert(sizeof(struct trapframe) == TF_SIZE, "trapframe layout");
#endif

#endif
