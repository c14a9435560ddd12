/*
 * mm/kvm.h - the kernel's address space and kernel stacks.
 */
#ifndef KITE_MM_KVM_H
#define KITE_MM_KVM_H

#include "kernel/types.h"

struct fdt_info;

/* Build the kernel page table (direct map of RAM, MMIO, the image with
 * per-section permissions, the kernel half preallocated) and switch the
 * boot hart to it. */
void kvm_init(const struct fdt_info *fi);
/* Switch the calling hart to the kernel page table. */
void kvm_switch_hart(void);
/* Physical address of the kernel root table (read by entry.S). */
extern uint64_t kvm_root_pa;

/* A 16 KiB kernel stack with an unmapped guard below; returns its top
 * (initial sp), or 0 when out of memory or stack slots. */
uintptr_t kstack_alloc(void);
void kstack_free(uintptr_t top);
/* If sp lies in a mapped kernel stack, set [*lo, *hi) to that stack. */
bool kstack_bounds(uintptr_t sp, uintptr_t *lo, uintptr_t *hi);
/* Stacks handed out and not yet freed. */
unsigned kstack_count(void);
/* Frames of the stacks kept for reuse. */
uint64_t kstack_cached_frames(void);
/* Unmap the stacks kept for reuse and free their frames. */
void kstack_cache_drain(void);

#endif
