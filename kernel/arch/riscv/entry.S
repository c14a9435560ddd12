/*
 * entry.S - the first instructions on every hart.
 *
 * OpenSBI enters in S-mode with the MMU off, a0 = hart id, a1 = DTB (boot
 * hart). Other harts start at secondary_entry and take their stack from
 * secondary_stack[], which the boot hart fills before starting them. Both paths
 * turn on paging with boot_pagetable, which maps the kernel image at its
 * physical address (so the next instruction still runs) and high, plus
 * the first 6 GiB of physical memory at DIRECTMAP_BASE; then they jump to
 * the high addresses and call C. kvm_init() later replaces this table
 * with one that has real permissions and no identity map.
 */
#include "mm/memlayout.h"
#include "kernel/param.h"
#include "arch/csr.h"

/* A 1 GiB leaf PTE: V R W A D (+X), physical address pa. */
#define GIGA_RW(pa) ((((pa) >> 12) << 10) | 0xc7)
#define GIGA_RWX(pa) ((((pa) >> 12) << 10) | 0xcf)

.macro enable_boot_paging
	la	t0, boot_pagetable	/* physical: pc is still physical */
	srli	t0, t0, 12
	li	t1, SATP_SV39
	or	t0, t0, t1
	sfence.vma
	csrw	satp, t0
	sfence.vma
.endm

.macro jump_high label
	la	t0, \label
	li	t1, KIMAGE_OFFSET
	add	t0, t0, t1
	jr	t0
.endm

	.section .text.entry, "ax"
	.globl _start
_start:
	csrw	sie, zero
	csrw	sscratch, zero
	/* Only the first hart here boots the kernel. Under load OpenSBI can
	 * send a hart that we started with sbi_hart_start here (with the
	 * boot arguments) instead of to secondary_entry: it joins as a
	 * secondary hart. */
	la	t0, boot_claimed
	li	t1, 1
	amoswap.w.aq t1, t1, (t0)
	bnez	t1, secondary_entry
	enable_boot_paging
	jump_high 1f
1:
	la	sp, boot_stack_top
	mv	s0, zero
	la	t0, __bss_start
	la	t1, __bss_end
2:	bgeu	t0, t1, 3f
	sd	zero, (t0)
	addi	t0, t0, 8
	j	2b
3:
	/* a0 = hart id, a1 = DTB physical address */
	call	kmain
4:	wfi
	j	4b

	/* Secondary harts, started by sbi_hart_start(hart, pa, 0); a0 = hart.
	 * The boot hart left the stack in secondary_stack[hart]. */
	.globl secondary_entry
secondary_entry:
	csrw	sie, zero
	csrw	sscratch, zero
	enable_boot_paging
	jump_high 1f
1:
	li	t0, NCPU
	bgeu	a0, t0, 3f		/* a hart Kite has no struct cpu for */
	la	t0, secondary_stack
	slli	t1, a0, 3
	add	t0, t0, t1
2:	ld	a1, (t0)		/* wait until the boot hart assigns it */
	beqz	a1, 2b
	/* the stack is in the kernel-stack area: kernel table first */
	la	t0, kvm_root_pa
	ld	t0, (t0)
	srli	t0, t0, 12
	li	t1, SATP_SV39
	or	t0, t0, t1
	csrw	satp, t0
	sfence.vma
	mv	sp, a1
	mv	s0, zero
	call	secondary_main
3:	wfi
	j	3b

	.section .data, "aw"
	.balign 4
boot_claimed:			/* in .data: the boot hart zeroes .bss */
	.word	0

	.section .data.pagetable, "aw"
	.balign 4096
	.globl boot_pagetable
boot_pagetable:
	.quad	0
	.quad	0
	.quad	GIGA_RWX(0x80000000)	/* identity: the next fetch after satp */
	.zero	8 * (256 - 3)
	.quad	GIGA_RW(0x00000000)	/* 256: direct map of physical 0..6 GiB */
	.quad	GIGA_RW(0x40000000)
	.quad	GIGA_RW(0x80000000)
	.quad	GIGA_RW(0xc0000000)
	.quad	GIGA_RW(0x100000000)
	.quad	GIGA_RW(0x140000000)
	.zero	8 * (510 - 262)
	.quad	GIGA_RWX(0x80000000)	/* 510: KIMAGE_VBASE */
	.quad	0

	.section .bss.stack, "aw", @nobits
	.balign 16
boot_stack:
	.space	16384
	.globl boot_stack_top
boot_stack_top:
