/*
 * vector.S - the one trap vector (stvec, direct mode).
 *
 * sscratch is 0 whenever the hart runs the kernel and holds the current
 * thread's trap frame while it runs in user mode, so swapping it with sp
 * tells the two apart:
 *
 *  - kernel trap: save a struct trapframe on the interrupted stack and
 *    call kernel_trap(tf);
 *  - user trap: save every user register in the thread's trap frame (at
 *    the top of its kernel stack), load the hart's tp from the frame, and
 *    call user_trap(tf) on the kernel stack below the frame. user_return
 *    goes back the other way.
 *
 * Stack overflow check: kernel stacks live in 32 KiB slots whose low
 * 16 KiB is an unmapped guard, so a valid stack pointer has bit 14 set.
 * If the new frame would lie in a guard, the trap is taken on this hart's
 * emergency stack instead and kernel_stack_overflow() panics.
 *
 * tp (the hart's struct cpu) is saved for the panic dump but never
 * restored: a thread may resume on another hart than it trapped on.
 */
#include "mm/memlayout.h"
#include "arch/trapframe.h"
#include "kernel/cpu.h"

/* Store x3 and x5..x31 at N*8(base); x1, x2 and x4 are handled apart. */
.macro save_gprs base
	sd	x3, 3*8(\base)
	sd	x4, 4*8(\base)
	.irp n, 5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	sd	x\n, \n*8(\base)
	.endr
.endm

.macro save_csrs base
	csrr	t0, sepc
	sd	t0, TF_SEPC(\base)
	csrr	t0, sstatus
	sd	t0, TF_SSTATUS(\base)
	csrr	t0, scause
	sd	t0, TF_SCAUSE(\base)
	csrr	t0, stval
	sd	t0, TF_STVAL(\base)
.endm

	.section .text
	.balign 4
	.globl trap_vector
trap_vector:
	csrrw	sp, sscratch, sp
	bnez	sp, .Luser_trap
	csrrw	sp, sscratch, sp	/* kernel: sp back, sscratch 0 again */
	addi	sp, sp, -TF_SIZE
	csrw	sscratch, t0
	srli	t0, sp, KSTACK_SLOT_SHIFT - 1
	andi	t0, t0, 1
	beqz	t0, .Lkstack_overflow
	csrr	t0, sscratch
	csrw	sscratch, zero
	sd	x1, 1*8(sp)
	save_gprs sp
	addi	t0, sp, TF_SIZE
	sd	t0, 2*8(sp)
	save_csrs sp

	mv	a0, sp
	call	kernel_trap

	ld	t0, TF_SEPC(sp)
	csrw	sepc, t0
	ld	t0, TF_SSTATUS(sp)
	csrw	sstatus, t0
	ld	x1, 1*8(sp)
	ld	x3, 3*8(sp)
	.irp n, 5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	ld	x\n, \n*8(sp)
	.endr
	addi	sp, sp, TF_SIZE
	sret

.Lkstack_overflow:
	ld	t0, CPU_OFF_EMERG_SP(tp)
	addi	t0, t0, -TF_SIZE
	sd	x1, 1*8(t0)
	addi	x1, sp, TF_SIZE		/* the sp that overflowed */
	sd	x1, 2*8(t0)
	mv	sp, t0
	csrr	t0, sscratch
	csrw	sscratch, zero
	save_gprs sp
	save_csrs sp
	mv	a0, sp
	mv	s0, zero
	call	kernel_stack_overflow
1:	wfi
	j	1b

.Luser_trap:
	/* sp = trap frame, sscratch = user sp */
	sd	x1, 1*8(sp)
	save_gprs sp
	csrr	t0, sscratch
	sd	t0, 2*8(sp)
	csrw	sscratch, zero
	save_csrs sp
	ld	tp, TF_KERNEL_TP(sp)
	mv	a0, sp
	mv	s0, zero
	call	user_trap		/* returns through user_return */
1:	wfi
	j	1b

/* user_return(tf): leave for user mode with the registers in tf.
 * Interrupts must be off; sstatus.SPP must say user (set by the caller). */
	.globl user_return
user_return:
	sd	tp, TF_KERNEL_TP(a0)
	ld	t0, TF_SEPC(a0)
	csrw	sepc, t0
	ld	t0, TF_SSTATUS(a0)
	csrw	sstatus, t0
	csrw	sscratch, a0
	mv	sp, a0
	ld	x1, 1*8(sp)
	ld	x3, 3*8(sp)
	ld	x4, 4*8(sp)
	.irp n, 5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	ld	x\n, \n*8(sp)
	.endr
	ld	sp, 2*8(sp)
	sret

/* arch_call_on_stack(sp_top, fn, arg): run fn(arg) on a new stack. */
	.globl arch_call_on_stack
arch_call_on_stack:
	mv	sp, a0
	mv	t0, a1
	mv	a0, a2
	mv	ra, zero
	mv	s0, zero
	jr	t0
