/*
 * swap.c - the swap area: slots on the swap disk, and moving one page
 * out to its slot and back (see mm/swap.h for the model and the locks).
 *
 *   resident leaf ──swap_out──> swap entry (slot n) ──fault──> resident
 *        │  1. a free slot                   │  1. a new frame
 *        │  2. the entry becomes the slot's  │  2. read slot n into it
 *        │     swap entry; shoot it down     │  3. map it; drop the
 *        │  3. write the frame to slot n     │     entry's slot reference
 *        │  4. free the frame                │
 *        └─ the write fails: the entry maps the frame again, the slot
 *           goes back (the page stays in memory)
 *
 * The page cannot change between steps 2 and 3 of swap_out: no entry
 * maps it any more and the caller holds the address space's mutex, which
 * every fault and user copy takes.
 */
#include "dev/blk.h"
#include "kernel/log.h"
#include "kernel/panic.h"
#include "kernel/spinlock.h"
#include "mm/kmalloc.h"
#include "mm/pmm.h"
#include "mm/swap.h"
#include "mm/swap_slots.h"
#include "mm/vmo.h"
#include "mm/vmspace.h"
#include "uapi/errno.h"
#include "trace/trace.h"

#define SECTORS_PER_PAGE (PAGE_SIZE / BLK_SECTOR_SIZE)

static struct blkdev *swap_dev;             /* [const after boot] */
static struct spinlock slots_lock = SPINLOCK_INIT("swap slots");
static struct swap_slots slots;             /* [slots_lock] */
static uint64_t nr_outs, nr_ins;            /* [atomic] */
static uint64_t nr_write_errors, nr_read_errors; /* [atomic] */

void swap_init(void)
{
	struct blkdev *dev = blk_swap_device();
	uint64_t n;
	uint16_t *ref;

	if (!dev) {
		log_info("swap: no disk, no swap");
		return;
	}
	n = MIN(blk_sectors(dev) / SECTORS_PER_PAGE, (uint64_t)0xffffffffu);
	if (n < 2) {
		log_warn("swap: the disk holds no whole page: no swap");
		return;
	}
	ref = kmalloc(n * sizeof(*ref));
	if (!ref) {
		log_warn("swap: no memory for %lu slots: no swap", (unsigned long)n);
		return;
	}
	swap_slots_init(&slots, ref, (uint32_t)n);
	swap_dev = dev;
	log_info("swap: %lu KiB on the disk (%lu pages)",
		 (unsigned long)((n - 1) * (PAGE_SIZE >> 10)), (unsigned long)(n - 1));
}

bool swap_enabled(void)
{
	return swap_dev != NULL;
}

bool swap_has_room(void)
{
	return swap_dev && READ_ONCE(slots.used) < slots.n - 1;
}

uint64_t swap_slot_alloc(void)
{
	uint64_t slot;

	if (!swap_dev)
		return 0;
	spin_lock(&slots_lock);
	slot = swap_slots_alloc(&slots);
	spin_unlock(&slots_lock);
	return slot;
}

int swap_write(uint64_t slot, struct page *pg)
{
	assert(swap_dev);
	if (blk_write(swap_dev, slot * SECTORS_PER_PAGE, page_to_va(pg),
		      SECTORS_PER_PAGE)) {
		__atomic_add_fetch(&nr_write_errors, 1, __ATOMIC_RELAXED);
		return -EIO;
	}
	__atomic_add_fetch(&nr_outs, 1, __ATOMIC_RELAXED);
	return 0;
}

bool swap_dup(uint64_t slot)
{
	bool ok;

	spin_lock(&slots_lock);
	ok = swap_slots_dup(&slots, (uint32_t)slot);
	spin_unlock(&slots_lock);
	return ok;
}

bool pt_swap_dup(uint64_t slot)
{
	return swap_dup(slot);
}

void swap_put(uint64_t slot)
{
	spin_lock(&slots_lock);
	swap_slots_put(&slots, (uint32_t)slot);
	spin_unlock(&slots_lock);
}

int swap_out(struct vmspace *vs, vaddr_t va)
{
	pte_t *slotp, e;
	struct vmr *r;
	struct page *pg;
	uint64_t slot;

	assert(mutex_holding(&vs->lock) && IS_ALIGNED(va, PAGE_SIZE));
	slotp = pt_slot(vs->root, va, false);
	if (!slotp || !pte_valid(e = *slotp))
		return -ENOENT;
	r = vmr_find(vs, va);
	pg = pa_to_page(pte_frame(e));
	if (!r || (r->flags & VMR_F_SHARED) || !pg || !uframe_exclusive(pg))
		return -EBUSY;
	if (!(slot = swap_slot_alloc()))
		return -ENOSPC;
	pt_slot_set(slotp, pte_make_swap(slot));
	vmspace_shootdown(vs, va, PAGE_SIZE);
	if (swap_write(slot, pg)) {
		pt_slot_set(slotp, e); /* the page stays */
		swap_put(slot);
		return -EIO;
	}
	WRITE_ONCE(vs->pages[r->kind], vs->pages[r->kind] - 1);
	WRITE_ONCE(vs->swapped, vs->swapped + 1);
	__atomic_add_fetch(&vs->swap_outs, 1, __ATOMIC_RELAXED);
	trace_swap_out(va, slot);
	uframe_put(pg);
	return 0;
}

int swap_in(uint64_t slot, struct page *pg)
{
	assert(swap_dev);
	if (blk_read(swap_dev, slot * SECTORS_PER_PAGE, page_to_va(pg),
		     SECTORS_PER_PAGE)) {
		__atomic_add_fetch(&nr_read_errors, 1, __ATOMIC_RELAXED);
		return -EIO;
	}
	__atomic_add_fetch(&nr_ins, 1, __ATOMIC_RELAXED);
	trace_swap_in(slot);
	return 0;
}

void swap_get_stats(struct swap_stats *st)
{
	spin_lock(&slots_lock);
	st->total = swap_dev ? slots.n - 1 : 0;
	st->used = swap_dev ? slots.used : 0;
	spin_unlock(&slots_lock);
	st->outs = __atomic_load_n(&nr_outs, __ATOMIC_RELAXED);
	st->ins = __atomic_load_n(&nr_ins, __ATOMIC_RELAXED);
	st->write_errors = __atomic_load_n(&nr_write_errors, __ATOMIC_RELAXED);
	st->read_errors = __atomic_load_n(&nr_read_errors, __ATOMIC_RELAXED);
}
