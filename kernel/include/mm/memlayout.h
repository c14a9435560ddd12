/*
 * mm/memlayout.h - Kite's virtual address map (Sv39, 39-bit addresses).
 *
 *   0x0000_0000_0000_0000  user space (lower half, page 0 never mapped)
 *   0x0000_003f_ffff_ffff  end of the lower half
 *   0xffff_ffc0_0000_0000  DIRECTMAP_BASE: physical 0 (MMIO + RAM), RW, NX
 *   0xffff_ffd0_0000_0000  KSTACK_BASE: kernel stacks, 32 KiB slots, each a
 *                          16 KiB unmapped guard below a 16 KiB stack
 *   0xffff_ffff_8000_0000  KIMAGE_VBASE: the kernel image (physical 0x8000_0000)
 *
 * The upper half is the same in every address space: its second-level
 * tables are all allocated at boot and the root entries 256..511 are copied
 * into every new root, so a kernel mapping made later is seen everywhere.
 */
#ifndef KITE_MM_MEMLAYOUT_H
#define KITE_MM_MEMLAYOUT_H

#define PAGE_SHIFT 12
#define PAGE_SIZE (1UL << PAGE_SHIFT)
#define PAGE_MASK (PAGE_SIZE - 1)

#define USER_MIN 0x1000UL       /* page 0 is never mapped */
#define USER_TOP 0x4000000000UL /* end of the user half (Sv39 lower half) */

#define DIRECTMAP_BASE 0xffffffc000000000UL
#define DIRECTMAP_SIZE (64UL << 30)
#define KSTACK_BASE 0xffffffd000000000UL
#define KSTACK_SLOT_SHIFT 15 /* 32 KiB slots: guard in the low half */
#define KSTACK_SLOT_SIZE (1UL << KSTACK_SLOT_SHIFT)
#define KSTACK_SLOTS 4096
#define KIMAGE_VBASE 0xffffffff80000000UL
#define KIMAGE_PBASE 0x80000000UL
#define KIMAGE_OFFSET (KIMAGE_VBASE - KIMAGE_PBASE)
#define KERNEL_LOAD_PA 0x80200000UL

#ifndef __ASSEMBLER__
#include "kernel/types.h"

/* Physical to direct-map virtual, and back. */
static inline void *P2V(paddr_t pa)
{
	return (void *)(pa + DIRECTMAP_BASE);
}

static inline paddr_t V2P(const void *va)
{
	uintptr_t v = (uintptr_t)va;

	if (v >= KIMAGE_VBASE)
		return v - KIMAGE_OFFSET;
	return v - DIRECTMAP_BASE;
}

static inline bool va_is_directmap(uintptr_t v)
{
	return v >= DIRECTMAP_BASE && v < DIRECTMAP_BASE + DIRECTMAP_SIZE;
}

static inline bool va_is_kstack(uintptr_t v)
{
	return v >= KSTACK_BASE &&
	       v < KSTACK_BASE + (uintptr_t)KSTACK_SLOTS * KSTACK_SLOT_SIZE;
}
#endif

#endif
