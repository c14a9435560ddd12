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
/* Fault every page of [start, end) in (MAP_POPULATE, mlock); false if
 * one could not be. */
bool vm_populate_locked(struct vmspace *vs, vaddr_t start, vaddr_t end,
			unsigned access);
/* Apply fn to every region piece of [start, end), isolating it first. As
 * Linux does, the walk stops at the first hole with -ENOMEM (pieces
 * before it keep the change) when stop_at_hole, else it goes on and
 * -ENOMEM is returned at the end. fn returns 0 or an error that stops. */
long vm_for_each_piece(struct vmspace *vs, vaddr_t start, vaddr_t end,
		       bool stop_at_hole,
		       long (*fn)(struct vmspace *, struct vmr *, void *),
		       void *arg);
/* Merge the regions of [start, end) and their neighbours where alike. */
void vm_merge_range(struct vmspace *vs, vaddr_t start, vaddr_t end);
/* Remove every region piece of [start, end) and its pages. -ENOMEM (a
 * split failed; nothing was removed). */
int vm_unmap_locked(struct vmspace *vs, vaddr_t start, vaddr_t end);

#endif
