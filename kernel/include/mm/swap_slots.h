/*
 * mm/swap_slots.h - the slots of a swap area: which are free, and how
 * many page-table entries (or shared objects) refer to each.
 *
 * A swap area is an array of page-sized slots on a disk. A page that is
 * swapped out lives in one slot; every swapped-out PTE that holds the
 * slot's number counts one reference (fork copies such a PTE and adds
 * one), and the slot is free again when the last reference goes. Slot 0
 * is never handed out, so 0 can mean "no slot".
 *
 * Pure bookkeeping (no locks, no I/O), host-tested: the caller (swap.c)
 * serialises calls with its lock. Allocation is next-fit from where the
 * last one ended, so slots are handed out in runs (the disk sees
 * neighbouring pages in neighbouring slots).
 */
#ifndef KITE_MM_SWAP_SLOTS_H
#define KITE_MM_SWAP_SLOTS_H

#include "kernel/types.h"

#define SWAP_SLOT_REF_MAX 0xffffu /* references one slot can count */

struct swap_slots {
	uint32_t n;       /* slots, slot 0 included (never used) */
	uint32_t used;    /* slots with a reference */
	uint32_t next;    /* where the next search starts */
	uint16_t *ref;    /* ref[i]: references of slot i (0: free) */
};

/* Set up n slots over ref[0..n) (zeroed here). n >= 2. */
void swap_slots_init(struct swap_slots *s, uint16_t *ref, uint32_t n);
/* A free slot with one reference, or 0 if every slot is taken. */
uint32_t swap_slots_alloc(struct swap_slots *s);
/* One more reference to a used slot; false (nothing changed) if it
 * already holds SWAP_SLOT_REF_MAX. */
bool swap_slots_dup(struct swap_slots *s, uint32_t slot);
/* One reference less; true if that freed the slot. */
bool swap_slots_put(struct swap_slots *s, uint32_t slot);
/* References of a slot (0: free). */
uint32_t swap_slots_refs(const struct swap_slots *s, uint32_t slot);

#endif
