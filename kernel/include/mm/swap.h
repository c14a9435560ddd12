/*
 * mm/swap.h - the swap area: pages of user memory kept on a disk.
 *
 * The area is the disk that blk_swap_device() names, cut into page-sized
 * slots (slot 0 unused). A page is swapped out by replacing every entry
 * that maps it with a swap entry (V clear, the slot number inside,
 * arch/pte.h), shooting it down, writing the frame to the slot and
 * freeing the frame; a fault on such an entry reads the slot into a new
 * frame (swap_in) and maps it again. Each swap entry holds a reference to
 * its slot (fork adds one), so a slot is free once no entry holds it. A
 * page of shared memory goes to a slot that its object's table holds
 * instead, and its page-table entries are just cleared (mm/vmo.h).
 *
 * Locks: the slot table has a spinlock of its own, held only for the
 * bookkeeping; the disk I/O sleeps with the caller's address-space mutex
 * held and no spinlock.
 */
#ifndef KITE_MM_SWAP_H
#define KITE_MM_SWAP_H

#include "kernel/types.h"

struct page;
struct vmspace;

/* Find the swap disk and set up its slots (boot, after the disks are
 * probed). Without a disk there is no swap and swap_out fails. */
void swap_init(void);
/* Is there a swap area? Has it a free slot now? */
bool swap_enabled(void);
bool swap_has_room(void);
/* Swap out the page mapped at va in vs (vs->lock held): a private frame
 * that only this entry maps. 0; -ENOENT (nothing mapped there), -EBUSY
 * (not a page that can go: shared, or mapped more than once, or from
 * the kernel image), -ENOSPC (swap is full or absent), -EIO (the write
 * failed: the page stays where it was). Sleeps for the write. */
int swap_out(struct vmspace *vs, vaddr_t va);
/* A free slot with one reference, or 0 if swap is full or absent. */
uint64_t swap_slot_alloc(void);
/* Write frame pg to slot. 0 or -EIO. Sleeps. */
int swap_write(uint64_t slot, struct page *pg);
/* Read slot into frame pg. 0 or -EIO. Sleeps. */
int swap_in(uint64_t slot, struct page *pg);
/* One more / one less reference to a slot (the last frees it). */
bool swap_dup(uint64_t slot);
void swap_put(uint64_t slot);

struct swap_stats {
	uint64_t total, used;    /* slots (pages) */
	uint64_t outs, ins;      /* pages written, pages read back */
	uint64_t write_errors, read_errors;
};
void swap_get_stats(struct swap_stats *st);

#endif
