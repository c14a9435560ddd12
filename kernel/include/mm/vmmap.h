/*
 * mm/vmmap.h - helpers that the region operations (vmmap.c, vmremap.c)
 * and the memory system calls share. All need vs->lock held unless said.
 */
#ifndef KITE_MM_VMMAP_H
#define KITE_MM_VMMAP_H

#include "mm/vmspace.h"

/* PROT_* bits to VM_* bits. */
unsigned vm_prot_from_uapi(unsigned prot);
/* Linux's overcommit guess: a request is refused if it alone is larger
 * than all of RAM. (No lock needed.) */
bool vm_fits_in_ram(uint64_t bytes);
/* Is advice one madvise knows? (No lock needed.) */
bool vm_advice_known(int advice);
/* Split the regions that straddle start or end. -ENOMEM. */
int vmr_isolate(struct vmspace *vs, vaddr_t start, vaddr_t end);
/* Unlink r (its pages gone, its bytes off vs->vsz) and free it. */
void vmr_free(struct vmspace *vs, struct vmr *r);
/* Join r with its neighbours where they are alike (r may be freed). */
void vmr_merge(struct vmspace *vs, struct vmr *r);
/* The region after r, or NULL. */
struct vmr *vmr_next(struct vmspace *vs, struct vmr *r);
/* A free, page-aligned range of size bytes: the hint (rounded up) if it
 * is free, else the highest gap below mmap_base. 0 if there is none. */
vaddr_t vm_find_area(struct vmspace *vs, vaddr_t hint, size_t size);
/* Remove every region piece of [start, end) and its pages. -ENOMEM (a
 * split failed; nothing was removed). */
int vm_unmap_locked(struct vmspace *vs, vaddr_t start, vaddr_t end);

#endif
