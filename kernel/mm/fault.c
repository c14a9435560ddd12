/*
 * fault.c - the page-fault path: one entry, vm_fault(), for user traps
 * and for the kernel's user-access helpers.
 *
 *   fault at va ──> region containing va? ── no ──> a grows-down region
 *        │                                          just above? grow it
 *        │                                          (RLIMIT_STACK, guard
 *        ▼                                          gap) or fail
 *   access allowed by the region? ── no ──> VMF_ACCESS
 *        ▼
 *   leaf present? ── yes ─> allows it already: set A/D (hardware that
 *        │                  faults for them), done
 *        │                  a write to a read-only leaf: shared region:
 *        │                  make it writable; private: take the frame
 *        │                  over if no one else holds it, else copy it
 *        ▼ no
 *   commit by object:  anonymous  read: the zero frame, read-only
 *                                 write: a fresh zeroed frame
 *                      image      a whole aligned page: the image's own
 *                                 frame, read-only; else a filled copy
 *                      shared     the object's frame (made on first use,
 *                                 or read back if it went to swap)
 *                      a PMO,     read: the object's frame (or the zero
 *                      private    frame), read-only; write: a copy
 *
 * Everything runs under vs->lock (a mutex): faults may allocate, zero and
 * copy, and read swap. When no frame can be had, frames are swapped out
 * (reclaim_frames); if none can go now (the spaces that map them are in
 * faults of their own) the fault waits a moment and tries again - a user
 * fault (vm_fault) with its space unlocked, so that the others can evict
 * frames it maps too (shared memory). Then the OOM policy gets memory
 * back (proc/oom.c; it may sleep, the lock still held, which keeps the
 * caller's view of the regions valid) and the fault is tried again.
 *
 * A/D: leaves start without them; QEMU sets them during its walk. If a
 * fault arrives for a leaf that already allows the access, the hardware
 * wants software to set them: pt_mark_accessed() does.
 */
#include "arch/arch.h"
#include "kernel/cpu.h"
#include "kernel/panic.h"
#include "lib/printf.h"
#include "mm/pmm.h"
#include "mm/reclaim.h"
#include "mm/swap.h"
#include "mm/vmo.h"
#include "mm/vmspace.h"
#include "proc/oom.h"
#include "proc/proc.h"
#include "sched/sched.h"
#include "signal/signal.h"
#include "uapi/errno.h"
#include "uapi/kite.h"
#include "trace/trace.h"

#define VMF_NOFRAME (-1) /* internal: no frame; get memory back, retry */
#define RECLAIM_BATCH 32 /* frames a fault short of one swaps out */
#define RECLAIM_WAITS 2000 /* 1 ms each, when every candidate is busy */
/* A fault below the stack limit this far under sp is a stack access;
 * further down it is a wild pointer ("no mapping"). */
#define STACK_SLACK (64 * 1024)

static bool prot_allows(unsigned prot, unsigned access)
{
	if (prot & VM_WRITE)
		prot |= VM_READ; /* W implies R on RISC-V */
	return (access & (VM_READ | VM_WRITE | VM_EXEC) & ~prot) == 0;
}

static void count_fault(bool copied)
{
	struct proc *p = current()->proc;

	__atomic_add_fetch(&p->faults, 1, __ATOMIC_RELAXED);
	__atomic_add_fetch(&mycpu()->faults, 1, __ATOMIC_RELAXED);
	if (copied)
		__atomic_add_fetch(&p->cow_copies, 1, __ATOMIC_RELAXED);
}

/* va lies in no region: grow the grows-down region above it down to va,
 * if limits allow. */
static int stack_grow(struct vmspace *vs, vaddr_t va, struct vmr **rp)
{
	struct vmr *s = vmr_after(vs, va), *below;
	vaddr_t page = ALIGN_DOWN(va, PAGE_SIZE);

	if (!s || !(s->flags & VMR_F_GROWSDOWN) || va >= s->start)
		return VMF_NOMAP;
	if (s->end - page > proc_rlimit(RLIMIT_STACK) ||
	    vs->vsz + (s->start - page) > proc_rlimit(RLIMIT_AS))
		return VMF_STACK_LIMIT;
	below = vmr_prev(vs, s);
	if (page < USER_MIN || (below && page < below->end + STACK_GUARD_GAP))
		return VMF_STACK_GAP;
	WRITE_ONCE(vs->vsz, vs->vsz + (s->start - page));
	s->start = page;
	trace_fault(va, 0, KITE_TRACE_PF_GROW);
	*rp = s;
	return VMF_OK;
}

/* A private region over a frame table (a PMO mapped copy-on-write, see
 * cap/pmo.c): a read maps the object's frame read-only (the zero frame
 * for a page it never had); a write gets a copy of the region's own. */
static int fault_private_obj(struct vmspace *vs, struct vmr *r, vaddr_t page,
			     uint64_t idx, bool write, paddr_t *pa)
{
	struct page *pg, *copy;
	int err = vmo_shared_find(r->obj, idx, &pg);

	if (err)
		return err == -EIO ? VMF_IO : VMF_NOFRAME;
	if (!write) {
		*pa = pg ? page_to_pa(pg) : zero_frame_pa(); /* pg's ref: ours */
		return VMF_OK;
	}
	copy = uframe_alloc(false);
	if (!copy) {
		if (pg)
			uframe_put(pg);
		return VMF_NOFRAME;
	}
	if (pg) {
		page_copy(page_to_va(copy), page_to_va(pg));
		uframe_put(pg);
	} else {
		page_zero(page_to_va(copy));
	}
	reclaim_track(copy, vs, page); /* a private page: swappable */
	*pa = page_to_pa(copy);
	return VMF_OK;
}

/* Nothing is mapped at page (slot empty): commit it as r's object says. */
static int fault_missing(struct vmspace *vs, struct vmr *r, vaddr_t page,
			 pte_t *slot, unsigned access, paddr_t *pa_out)
{
	uint64_t idx = r->pgoff + (page - r->start) / PAGE_SIZE;
	bool write = access & VM_WRITE;
	unsigned prot = r->prot;
	struct page *pg;
	paddr_t pa;

	if (r->obj && r->obj->type == VMO_SHARED && !(r->flags & VMR_F_SHARED)) {
		int err = fault_private_obj(vs, r, page, idx, write, &pa);

		if (err)
			return err;
		if (!write)
			prot &= ~VM_WRITE; /* copy on write */
	} else if (r->obj && r->obj->type == VMO_SHARED) {
		/* the object's frame, read back from swap if it is there */
		int err = vmo_shared_page(r->obj, idx, &pg);

		if (err)
			return err == -EIO ? VMF_IO : VMF_NOFRAME;
		pa = page_to_pa(pg);
	} else if (!write && r->obj && (pa = vmo_image_frame(r->obj, idx))) {
		prot &= ~VM_WRITE; /* the app's own page: copy on write */
	} else if (!write && !r->obj) {
		pa = zero_frame_pa(); /* untouched memory reads as zero */
		prot &= ~VM_WRITE;
	} else {
		pg = uframe_alloc(false);
		if (!pg)
			return VMF_NOFRAME;
		if (r->obj)
			vmo_image_fill(r->obj, idx, page_to_va(pg));
		else
			page_zero(page_to_va(pg));
		pa = page_to_pa(pg);
		reclaim_track(pg, vs, page); /* a private page: swappable */
	}
	pt_slot_set(slot, pte_make(pa, prot | VM_USER));
	WRITE_ONCE(vs->pages[r->kind], vs->pages[r->kind] + 1);
	trace_fault(page, access, r->obj ? KITE_TRACE_PF_FILL : KITE_TRACE_PF_ZERO);
	count_fault(false);
	*pa_out = pa;
	return VMF_OK;
}

/* The page's entry e holds a swap slot: read it back into a frame of its
 * own and map it (sleeping for the disk; the space stays locked). Every
 * entry that holds the slot gets its own copy, so the page is private
 * and may be mapped with all of the region's rights. */
static int fault_swapin(struct vmspace *vs, struct vmr *r, vaddr_t pg_va,
			pte_t *slot, pte_t e, paddr_t *pa_out)
{
	uint64_t s = pte_swap_slot(e);
	struct page *pg = uframe_alloc(false);

	if (!pg)
		return VMF_NOFRAME;
	if (swap_in(s, pg)) {
		uframe_put(pg);
		return VMF_IO;
	}
	reclaim_track(pg, vs, ALIGN_DOWN(pg_va, PAGE_SIZE));
	pt_slot_set(slot, pte_make(page_to_pa(pg), r->prot | VM_USER));
	swap_put(s);
	WRITE_ONCE(vs->pages[r->kind], vs->pages[r->kind] + 1);
	WRITE_ONCE(vs->swapped, vs->swapped - 1);
	__atomic_add_fetch(&vs->swap_ins, 1, __ATOMIC_RELAXED);
	trace_fault(pg_va, 0, KITE_TRACE_PF_SWAPIN);
	count_fault(false);
	*pa_out = page_to_pa(pg);
	return VMF_OK;
}

/* A write to page, whose leaf e maps it read-only although r allows
 * writing (or the loader writes): make it writable, taking the frame
 * over or copying it. */
static int fault_write(struct vmspace *vs, struct vmr *r, vaddr_t page,
		       pte_t *slot, pte_t e, paddr_t *pa_out)
{
	paddr_t pa = pte_frame(e);
	struct page *old = pa_to_page(pa), *pg;
	bool counted;

	if ((r->flags & VMR_F_SHARED) || (old && uframe_exclusive(old))) {
		/* shared memory, or a private page no one else holds */
		pt_slot_set(slot, pte_mkaccessed(pte_make(pa, r->prot | VM_USER),
						 true));
		arch_tlb_flush_local(page, PAGE_SIZE);
		trace_fault(page, VM_WRITE, KITE_TRACE_PF_REUSE);
		count_fault(false);
		*pa_out = pa;
		return VMF_OK;
	}
	pg = uframe_alloc(false);
	if (!pg)
		return VMF_NOFRAME;
	if (pa == zero_frame_pa())
		page_zero(page_to_va(pg));
	else
		page_copy(page_to_va(pg), P2V(pa));
	reclaim_track(pg, vs, page);
	pt_slot_set(slot, pte_make(page_to_pa(pg), r->prot | VM_USER));
	/* every hart must drop the old frame before it goes */
	vmspace_shootdown(vs, page, PAGE_SIZE);
	counted = old && !(old->flags & PG_RESERVED);
	if (old)
		uframe_put(old);
	trace_fault(page, VM_WRITE, KITE_TRACE_PF_COW);
	count_fault(counted);
	*pa_out = page_to_pa(pg);
	return VMF_OK;
}

static int fault_once(struct vmspace *vs, vaddr_t va, unsigned access,
		      paddr_t *pa_out)
{
	vaddr_t page = ALIGN_DOWN(va, PAGE_SIZE);
	bool force = access & VM_FORCE, write = access & VM_WRITE;
	struct vmr *r;
	pte_t *slot, e;
	int err;

	if (va < USER_MIN || va >= USER_TOP)
		return VMF_NOMAP;
	r = vmr_find(vs, va);
	if (!r) {
		err = stack_grow(vs, va, &r);
		if (err)
			return err;
	}
	if (!force && !prot_allows(r->prot, access))
		return VMF_ACCESS;
	slot = pt_slot(vs->root, page, true);
	if (!slot)
		return VMF_NOFRAME; /* no page-table page */
	e = *slot;
	if (pte_is_swap(e))
		return fault_swapin(vs, r, page, slot, e, pa_out);
	if (!pte_valid(e))
		return fault_missing(vs, r, page, slot, access, pa_out);
	*pa_out = pte_frame(e);
	if (force) {
		struct page *pg = pa_to_page(pte_frame(e));

		/* the loader writes through the direct map: the frame just
		 * has to be this space's own */
		if (!write || (r->flags & VMR_F_SHARED) ||
		    (pg && uframe_exclusive(pg)))
			return VMF_OK;
		return fault_write(vs, r, page, slot, e, pa_out);
	}
	if (pte_user_allows(e, access)) {
		/* another thread served it, or the hardware wants A/D set */
		pt_slot_set(slot, pte_mkaccessed(e, write));
	} else if (write && pte_user_allows(e, access & ~VM_WRITE)) {
		return fault_write(vs, r, page, slot, e, pa_out);
	} else {
		/* a leaf the region's protection has outgrown */
		pt_protect_range(vs->root, page, page + PAGE_SIZE, r->prot,
				 !(r->flags & VMR_F_SHARED));
		if (write && !pte_user_allows(*slot, VM_WRITE))
			return fault_write(vs, r, page, slot, *slot, pa_out);
	}
	arch_tlb_flush_local(page, PAGE_SIZE);
	return VMF_OK;
}

/* vm_fault_locked; unlock: vs->lock may be let go while the fault waits
 * for others to make room (a user fault, which holds nothing else and
 * looks at its region afresh on every try). */
static int fault_serve(struct vmspace *vs, vaddr_t va, unsigned access,
		       paddr_t *pa, bool unlock)
{
	paddr_t dummy;
	int busy_waits = 0;

	assert(mutex_holding(&vs->lock));
	for (;;) {
		int err = fault_once(vs, va, access, pa ? pa : &dummy);
		bool retry;

		if (err != VMF_NOFRAME)
			return err;
		/* no frame: swap some out (ours too: we hold our lock) -
		 * unless frames are free after all (a failure injected by
		 * failalloc=, or others freed some meanwhile) */
		if (pmm_user_available() >= RECLAIM_BATCH)
			continue;
		if (reclaim_frames(RECLAIM_BATCH, vs))
			continue;
		/* none could go now: other spaces may be busy (in their own
		 * faults and I/O); while swap has room, give them a moment -
		 * unlocked if we may, so that they can evict frames we map
		 * too (shared memory, copy-on-write): two faults that each
		 * keep their space locked while they wait for the other's
		 * frames would wait for ever */
		if (swap_has_room() && busy_waits++ < RECLAIM_WAITS) {
			int killed;

			if (unlock)
				mutex_unlock(&vs->lock);
			killed = sleep_ms(1);
			if (unlock)
				mutex_lock(&vs->lock);
			if (killed)
				return VMF_OOM;
			continue;
		}
		/* wait for memory with the space still locked, so callers'
		 * regions stay as they were; the victim's exit needs no lock
		 * of ours (if the victim is us, we return at once) */
		retry = oom_reclaim_wait();
		if (!retry)
			return VMF_OOM;
	}
}

int vm_fault_locked(struct vmspace *vs, vaddr_t va, unsigned access,
		    paddr_t *pa)
{
	return fault_serve(vs, va, access, pa, false);
}

int vm_fault(struct vmspace *vs, vaddr_t va, unsigned access)
{
	int err;

	mutex_lock(&vs->lock);
	err = fault_serve(vs, va, access, NULL, true);
	mutex_unlock(&vs->lock);
	return err;
}

const char *vm_fault_reason(int err, unsigned access, char *buf, size_t len)
{
	uint64_t lim;

	switch (err) {
	case VMF_NOMAP:
		return "no mapping";
	case VMF_ACCESS:
		if (access & VM_WRITE)
			return "write to a read-only mapping";
		if (access & VM_EXEC)
			return "execution of a non-executable mapping";
		return "read of a PROT_NONE mapping";
	case VMF_STACK_LIMIT:
		lim = proc_rlimit(RLIMIT_STACK);
		if (lim >= (1UL << 20) && !(lim & ((1UL << 20) - 1)))
			ksnprintf(buf, len, "stack limit of %lu MiB exceeded",
				  (unsigned long)(lim >> 20));
		else
			ksnprintf(buf, len, "stack limit of %lu KiB exceeded",
				  (unsigned long)(lim >> 10));
		return buf;
	case VMF_STACK_GAP:
		return "stack ran into the mapping below it";
	case VMF_OOM:
		return "out of memory";
	case VMF_IO:
		return "swap read error";
	}
	return "unknown";
}

void vm_user_fault(vaddr_t va, unsigned access, vaddr_t pc, vaddr_t sp)
{
	struct proc *p = current()->proc;
	char buf[48];
	int err;

	assert(p->vm);
	err = vm_fault(p->vm, va, access);
	if (err == VMF_OK)
		return;
	if (err == VMF_OOM) { /* the OOM policy chose us (and said so), or
			       * a kill came while we waited for memory */
		if (thread_killed(current()))
			thread_exit_killed();
		proc_exit_wstatus(W_EXITCODE(0, SIGKILL));
	}
	trace_fault(va, access, err == VMF_IO ? KITE_TRACE_PF_BUS : KITE_TRACE_PF_SEGV);
	if (err == VMF_STACK_LIMIT && va + STACK_SLACK < sp)
		err = VMF_NOMAP; /* far below the stack: a wild pointer */
	/* a signal the thread's handler may catch; without one the
	 * process ends with this message (signal_fault) */
	if (err == VMF_IO) /* as Linux: the page is lost, SIGBUS */
		signal_fault("bus error", vm_fault_reason(err, access, buf,
							  sizeof(buf)),
			     SIGBUS, BUS_ADRERR, va, pc);
	else
		signal_fault("segmentation fault",
			     vm_fault_reason(err, access, buf, sizeof(buf)),
			     SIGSEGV, err == VMF_ACCESS ? SEGV_ACCERR : SEGV_MAPERR,
			     va, pc);
}
