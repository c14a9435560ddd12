/*
 * fp.S - saving and restoring a user thread's floating-point registers.
 *
 * The kernel itself is built without floating point, so f0..f31 and fcsr
 * only ever hold user values; they are switched with the thread (see
 * arch_fp_switch in cpu.c). Area layout: f0..f31, then fcsr (33 words).
 */
	.option push
	.option arch, +d

	.section .text
	.globl arch_fp_save_regs
arch_fp_save_regs:
	.irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	fsd	f\n, \n*8(a0)
	.endr
	frcsr	t0
	sd	t0, 32*8(a0)
	ret

	.globl arch_fp_load_regs
arch_fp_load_regs:
	.irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	fld	f\n, \n*8(a0)
	.endr
	ld	t0, 32*8(a0)
	fscsr	t0
	ret

	.option pop
