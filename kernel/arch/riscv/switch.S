/*
 * switch.S - switching kernel threads.
 *
 * switch_to(old, new) saves ra, sp and s0..s11 (the registers a C call
 * must preserve) into old and loads them from new; "returning" then
 * continues wherever new last called switch_to, or in thread_trampoline
 * for a thread that never ran. Caller-saved registers need no saving: the
 * compiler already assumes a call clobbers them. tp is not switched: it
 * names the hart, not the thread.
 */
	.section .text
	.globl switch_to
switch_to:
	sd	ra, 0(a0)
	sd	sp, 8(a0)
	sd	s0, 16(a0)
	sd	s1, 24(a0)
	sd	s2, 32(a0)
	sd	s3, 40(a0)
	sd	s4, 48(a0)
	sd	s5, 56(a0)
	sd	s6, 64(a0)
	sd	s7, 72(a0)
	sd	s8, 80(a0)
	sd	s9, 88(a0)
	sd	s10, 96(a0)
	sd	s11, 104(a0)

	ld	ra, 0(a1)
	ld	sp, 8(a1)
	ld	s0, 16(a1)
	ld	s1, 24(a1)
	ld	s2, 32(a1)
	ld	s3, 40(a1)
	ld	s4, 48(a1)
	ld	s5, 56(a1)
	ld	s6, 64(a1)
	ld	s7, 72(a1)
	ld	s8, 80(a1)
	ld	s9, 88(a1)
	ld	s10, 96(a1)
	ld	s11, 104(a1)
	ret

	/* First run of a thread: s1 = its struct thread. */
	.globl thread_trampoline
thread_trampoline:
	mv	a0, s1
	mv	s0, zero	/* end of the frame-pointer chain */
	call	thread_start
1:	j	1b
