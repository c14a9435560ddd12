/*
 * crt0.S - where every Kite user program starts.
 *
 * The kernel enters _start with sp pointing at
 *
 *	argc, argv[0..argc-1], NULL, envp[...], NULL, auxv pairs, AT_NULL
 *
 * (sp 16-byte aligned; a0 = argc and a1 = argv as well, but only the
 * stack is relied on, as on Linux). _start clears fp and ra so that
 * backtraces end here, points gp at __global_pointer$ (user.ld) for
 * linker relaxation, saves envp in environ, clears tp (the first thread
 * has no control block: <thread.h>) and runs
 *
 *	exit(main(argc, argv, envp));
 */
	.section .text.entry, "ax", @progbits
	.globl _start
	.type _start, @function
_start:
	.cfi_startproc
	.cfi_undefined ra
	mv	fp, zero
	mv	ra, zero
	.option push
	.option norelax
	lla	gp, __global_pointer$
	.option pop

	ld	a0, 0(sp)		/* argc */
	addi	a1, sp, 8		/* argv */
	slli	t0, a0, 3
	add	a2, a1, t0
	addi	a2, a2, 8		/* envp = argv + argc + 1 */
	sd	a2, environ, t0
	mv	tp, zero		/* the first thread: no control block */

	call	main
	call	exit
1:	unimp				/* exit does not return */
	j	1b
	.cfi_endproc
	.size _start, . - _start

	.section .bss.environ, "aw", @nobits
	.balign 8
	.globl environ
	.type environ, @object
environ:
	.zero 8
	.size environ, 8
