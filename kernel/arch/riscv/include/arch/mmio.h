/*
 * arch/mmio.h - device register access and ordering with DMA.
 *
 * A device that reads and writes RAM by itself (DMA, a virtqueue) sees
 * the CPU's memory accesses and its register accesses as two streams;
 * RISC-V orders them only through fences that name I/O (the "io" in
 * fence iorw,iorw), which a plain C11 fence does not emit. So every
 * register access here is fenced on both sides: memory written before a
 * register write (a request, then its notification) reaches the device
 * first, and memory read after a register read (an interrupt status,
 * then the used ring) is not read early. The cost is a few cycles per
 * register access, which drivers make rarely.
 */
#ifndef KITE_ARCH_MMIO_H
#define KITE_ARCH_MMIO_H

#include "kernel/types.h"

/* Order every earlier memory and I/O access before every later one. */
static inline void arch_io_fence(void)
{
	__asm__ volatile("fence iorw, iorw" ::: "memory");
}

static inline uint32_t mmio_read32(const volatile void *addr)
{
	uint32_t v;

	arch_io_fence();
	v = *(const volatile uint32_t *)addr;
	arch_io_fence();
	return v;
}

static inline void mmio_write32(volatile void *addr, uint32_t v)
{
	arch_io_fence();
	*(volatile uint32_t *)addr = v;
	arch_io_fence();
}

#endif
