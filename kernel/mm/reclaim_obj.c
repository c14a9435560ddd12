/*
 * reclaim_obj.c - evicting a frame of a shared object (MAP_SHARED
 * memory) to swap, found through the object's list of regions (see
 * mm/vmo.h for the table entries that hold slots, mm/reclaim.h for the
 * policy's list and reclaim.c for private frames).
 *
 *   the frame (PG_OBJ): rmap_family is its object, rmap_va its index
 *   a reference to the object unless it is going       (vmo_tryget)
 *   lock the object's mutex with trylock               (never waits)
 *     │ its entry must still hold this frame
 *   each region in the object's list: its space with a reference, its
 *   mutex tried (`held`, the caller's, is locked already); where the
 *   region covers the index, does the entry at
 *       va = start + (idx - pgoff) * PAGE_SIZE
 *   map the frame?
 *   the frame's references: one per entry found, the object's and ours?
 *     │ no: a space we could not look in, or a fault under way, holds
 *     │ it: it stays
 *     │ the policy looks at A bits: one set -> clear them, shoot down,
 *     │ put the frame back (second chance)
 *   a slot; the entries cleared (a missing entry of a shared region
 *   faults to the object: no swap entry is needed), shot down, their
 *   references dropped; the object's entry marked as in I/O
 *   every lock let go; the frame written
 *   the object locked again (waiting is allowed now: vs -> vmo is the
 *   usual order); the slot takes the frame's place, whose last
 *   reference but ours goes: the frame is freed with ours. On a write
 *   error the frame stays in the object (the next fault maps it again)
 *   and the slot goes
 *
 * A frame no entry maps (its regions never touched it, or dropped it
 * with MADV_DONTNEED) goes the same way, with no entry to clear.
 *
 * Locks: the object's mutex, then the spaces' - against the usual order
 * (vs->lock -> vmo->lock), which is why they are only tried. No lock is
 * held across the disk write: with no entry mapping the frame and its
 * object's entry in I/O (faults and MADV_REMOVE wait for it, mm/vmo.c),
 * nothing can map the page or change it meanwhile. Lifetimes: while the
 * object is locked its regions stay in its list and their spaces'
 * structs stay valid (a space detaches its regions before it is freed);
 * our reference keeps the object, and its struct outlives every
 * reclaimer anyway (reclaim_free_later).
 *
 * Accounting: a shared page in swap is the object's (o->swapped), not
 * any process's: vs->swapped and the per-process swap counters leave it
 * out; the swap area's counters count it.
 */
#include "arch/arch.h"
#include "kernel/panic.h"
#include "mm/pmm.h"
#include "mm/reclaim.h"
#include "mm/swap.h"
#include "mm/vmo.h"
#include "mm/vmspace.h"

#define OBJ_MAX_SPACES 16  /* a frame of an object mapped in more stays */
#define OBJ_MAX_ENTRIES 16 /* or by more entries */

struct obj_space {
	struct vmspace *vs;
	bool ref;    /* we hold a reference (vmspace_tryget) */
	bool locked; /* we hold its mutex */
	int entries; /* entries found in it */
};

struct obj_entry {
	struct obj_space *sp;
	struct vmr *r;
	vaddr_t va;
	pte_t *slot;
	pte_t old;
};

struct obj_evict {
	struct vmo *o;
	uint64_t idx;
	struct page *pg;
	struct vmspace *held;
	struct obj_space spaces[OBJ_MAX_SPACES];
	struct obj_entry entries[OBJ_MAX_ENTRIES];
	int nspaces, nentries;
	int busy;   /* spaces we could not look in */
	bool young; /* an entry had A set */
	bool locked; /* a region covering it is locked (mlock) */
	bool o_locked; /* we hold the object's mutex */
};

/* Can we read sp's regions and page table? */
static bool space_usable(const struct obj_evict *ev, const struct obj_space *sp)
{
	return sp->locked || (sp->ref && sp->vs == ev->held);
}

/* vs's place in ev: the first time it comes up, a reference and its
 * mutex are tried. NULL if ev has no room for another space. */
static struct obj_space *space_get(struct obj_evict *ev, struct vmspace *vs)
{
	struct obj_space *sp;

	for (int i = 0; i < ev->nspaces; i++)
		if (ev->spaces[i].vs == vs)
			return &ev->spaces[i];
	if (ev->nspaces == OBJ_MAX_SPACES)
		return NULL;
	sp = &ev->spaces[ev->nspaces++];
	sp->vs = vs;
	sp->entries = 0;
	sp->ref = vmspace_tryget(vs); /* fails: it is being destroyed */
	sp->locked = sp->ref && vs != ev->held && mutex_trylock(&vs->lock);
	if (!space_usable(ev, sp))
		ev->busy++;
	return sp;
}

/* Find the entries that map the frame in every region of the object
 * whose space we can look in. 0, or -1: too many spaces or entries. */
static int entries_find(struct obj_evict *ev)
{
	paddr_t pa = page_to_pa(ev->pg);
	struct list_node *it;

	assert(mutex_holding(&ev->o->lock));
	list_for_each(it, &ev->o->regions) {
		struct vmr *r = list_entry(it, struct vmr, obj_link);
		struct obj_space *sp = space_get(ev, r->vs);
		struct obj_entry *e;
		vaddr_t va;
		pte_t *s;

		if (!sp)
			return -1;
		if (!space_usable(ev, sp))
			continue;
		/* its space is locked: the region holds still */
		if (ev->idx < r->pgoff ||
		    ev->idx - r->pgoff >= (r->end - r->start) / PAGE_SIZE)
			continue;
		ev->locked |= r->flags & VMR_F_LOCKED; /* mlock'ed there */
		va = r->start + (ev->idx - r->pgoff) * PAGE_SIZE;
		s = pt_slot(sp->vs->root, va, false);
		if (!s || !pte_valid(*s) || pte_frame(*s) != pa)
			continue;
		if (ev->nentries == OBJ_MAX_ENTRIES)
			return -1;
		e = &ev->entries[ev->nentries++];
		e->sp = sp;
		e->r = r;
		e->va = va;
		e->slot = s;
		e->old = *s;
		ev->young |= pte_young(*s);
		sp->entries++;
	}
	return 0;
}

/* Give back the locks of spaces that do not map the frame: a fault there
 * waits for the object, which stays locked. */
static void spaces_unlock_unused(struct obj_evict *ev)
{
	for (int i = 0; i < ev->nspaces; i++) {
		struct obj_space *sp = &ev->spaces[i];

		if (sp->locked && sp->entries == 0) {
			mutex_unlock(&sp->vs->lock);
			sp->locked = false;
		}
	}
}

/* Let go of every lock ev holds: the spaces' and the object's. */
static void ev_unlock(struct obj_evict *ev)
{
	for (int i = 0; i < ev->nspaces; i++)
		if (ev->spaces[i].locked) {
			mutex_unlock(&ev->spaces[i].vs->lock);
			ev->spaces[i].locked = false;
		}
	if (ev->o_locked) {
		mutex_unlock(&ev->o->lock);
		ev->o_locked = false;
	}
}

/* Write the frame to a new slot, which takes its place in the object;
 * its entries go. Every lock is let go. */
static enum evict_result obj_write_out(struct obj_evict *ev)
{
	uint64_t slot = swap_slot_alloc();
	int err;

	if (!slot)
		return EV_FAIL; /* swap is full */
	for (int i = 0; i < ev->nentries; i++) {
		struct obj_entry *e = &ev->entries[i];

		pt_slot_set(e->slot, 0);
		vmspace_shootdown(e->sp->vs, e->va, PAGE_SIZE);
	}
	for (int i = 0; i < ev->nentries; i++) {
		struct vmspace *vs = ev->entries[i].sp->vs;
		enum vmr_kind kind = ev->entries[i].r->kind;

		WRITE_ONCE(vs->pages[kind], vs->pages[kind] - 1);
		uframe_put(ev->pg); /* the entry's; the object's and ours stay */
	}
	vmo_shared_begin_out(ev->o, ev->idx);
	ev_unlock(ev);
	err = swap_write(slot, ev->pg);
	mutex_lock(&ev->o->lock);
	vmo_shared_end_out(ev->o, ev->idx, err ? 0 : slot);
	mutex_unlock(&ev->o->lock);
	if (err) {
		swap_put(slot);
		return EV_FAIL; /* the page stays, unmapped */
	}
	uframe_put(ev->pg); /* the object's; ours keeps it for now */
	return EV_DONE;
}

enum evict_result reclaim_evict_obj(struct page *pg, struct vmspace *held,
				    bool use_accessed)
{
	struct obj_evict ev;
	enum evict_result ret = EV_FAIL;

	assert(pg->flags & PG_OBJ);
	ev.o = pg->rmap_family;
	ev.idx = pg->rmap_va;
	ev.pg = pg;
	ev.held = held;
	ev.nspaces = ev.nentries = ev.busy = 0;
	ev.young = ev.locked = false;
	if (!vmo_tryget(ev.o))
		return EV_FAIL; /* going: its frames go with it */
	ev.o_locked = mutex_trylock(&ev.o->lock);
	if (!ev.o_locked) {
		vmo_put(ev.o);
		return EV_BUSY;
	}
	if (!vmo_shared_holds(ev.o, ev.idx, pg) || entries_find(&ev))
		goto out;
	if (ev.locked) {
		ret = EV_LOCKED;
		goto out;
	}
	spaces_unlock_unused(&ev);
	/* every reference but the object's and ours must be one of these
	 * entries (with their spaces and the object locked, none can come
	 * or go); else a space we could not look in maps it too */
	ret = ev.busy ? EV_BUSY : EV_FAIL;
	if (__atomic_load_n(&pg->refcount, __ATOMIC_ACQUIRE) !=
	    (uint32_t)ev.nentries + 2)
		goto out;
	if (use_accessed && ev.young) {
		/* used since the last look: a second chance, and a flush so
		 * that the next use sets A again */
		for (int i = 0; i < ev.nentries; i++) {
			struct obj_entry *e = &ev.entries[i];

			pt_slot_set(e->slot, pte_mkold(e->old));
			vmspace_shootdown(e->sp->vs, e->va, PAGE_SIZE);
		}
		ret = EV_ACCESSED;
		goto out;
	}
	ret = obj_write_out(&ev);
out:
	ev_unlock(&ev);
	/* the last references may destroy a space or the object, which
	 * takes their locks: ours are all given back */
	for (int i = 0; i < ev.nspaces; i++)
		if (ev.spaces[i].ref)
			vmspace_put(ev.spaces[i].vs);
	vmo_put(ev.o);
	return ret;
}
