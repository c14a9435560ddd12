/*
 * setjmp.S - setjmp and longjmp: the registers a call keeps (ra, sp,
 * s0..s11) saved in a jmp_buf and put back. Kite's user programs use no
 * floating point registers across calls (rv64imac), so none are kept.
 * sigsetjmp/siglongjmp are in signal.c, on top of these.
 */
	.section .text.setjmp, "ax", @progbits
	.globl setjmp
	.type setjmp, @function
setjmp:
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
	li	a0, 0
	ret
	.size setjmp, . - setjmp

	.globl longjmp
	.type longjmp, @function
longjmp:
	ld	ra, 0(a0)
	ld	sp, 8(a0)
	ld	s0, 16(a0)
	ld	s1, 24(a0)
	ld	s2, 32(a0)
	ld	s3, 40(a0)
	ld	s4, 48(a0)
	ld	s5, 56(a0)
	ld	s6, 64(a0)
	ld	s7, 72(a0)
	ld	s8, 80(a0)
	ld	s9, 88(a0)
	ld	s10, 96(a0)
	ld	s11, 104(a0)
	seqz	a0, a1		/* longjmp(env, 0) returns 1 */
	add	a0, a0, a1
	ret
	.size longjmp, . - longjmp

/* sigsetjmp(env, savemask): savemask in env[14], and if nonzero the
 * mask (rt_sigprocmask(SIG_BLOCK, NULL, &env[15], 8)) in env[15]; then
 * setjmp with the caller's ra, so that a jump returns to the caller. */
	.globl sigsetjmp
	.type sigsetjmp, @function
sigsetjmp:
	mv	t0, a0
	sd	a1, 112(t0)
	beqz	a1, 1f
	li	a0, 0			/* SIG_BLOCK */
	li	a1, 0			/* no new set: just read the mask */
	addi	a2, t0, 120
	li	a3, 8
	li	a7, 135			/* SYS_rt_sigprocmask */
	ecall
1:	mv	a0, t0
	j	setjmp
	.size sigsetjmp, . - sigsetjmp
