/*
 * test_swap.c - in-kernel tests of the swap area: pages written out to
 * the disk and faulted back with their contents, swap entries across
 * fork (both sides read the page back, the slot goes when both have),
 * what swap_out refuses (shared, copy-on-write, unmapped), shared memory
 * mapped in two spaces evicted by the reclaimer through its object and
 * read back by either, and slots and frames back to baseline after
 * munmap and exit.
 *
 * With no disk attached they print "blk: no disk, test skipped" (the
 * harness fails a run that attached one and still sees that line).
 */
#include "dev/blk.h"
#include "kernel/ktest.h"
#include "kernel/log.h"
#include "mm/pmm.h"
#include "mm/reclaim.h"
#include "mm/swap.h"
#include "mm/vmo.h"
#include "mm/vmspace.h"
#include "uapi/errno.h"
#include "uapi/kite.h"
#include "test_mm.h"

#define NPAGES 16

static bool have_swap(void)
{
	if (!swap_enabled())
		kprintf("blk: no disk, test skipped\n");
	return swap_enabled();
}

/* A space with NPAGES private pages at *at, page i filled with words
 * (i << 32 | word index). */
static struct vmspace *space_with_pages(long *at)
{
	struct vmspace *vs = vmspace_create();

	if (!vs || vmspace_init_layout(vs, 0x100000, 8UL << 20))
		return vs;
	*at = vm_mmap(vs, 0, NPAGES * PAGE_SIZE, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, RLIM_INF);
	for (int i = 0; *at > 0 && i < NPAGES; i++) {
		paddr_t pa;
		uint64_t *w;

		mutex_lock(&vs->lock);
		if (vm_fault_locked(vs, *at + i * PAGE_SIZE, VM_WRITE, &pa) == VMF_OK) {
			w = P2V(ALIGN_DOWN(pa, PAGE_SIZE));
			for (int k = 0; k < (int)(PAGE_SIZE / 8); k++)
				w[k] = (uint64_t)i << 32 | (uint64_t)k;
		}
		mutex_unlock(&vs->lock);
	}
	return vs;
}

/* Does page i of vs at `at` hold its pattern (faulting it in)? */
static bool page_ok(struct vmspace *vs, long at, int i)
{
	paddr_t pa;
	const uint64_t *w;
	bool ok = true;

	mutex_lock(&vs->lock);
	if (vm_fault_locked(vs, at + i * PAGE_SIZE, VM_READ, &pa) != VMF_OK) {
		mutex_unlock(&vs->lock);
		return false;
	}
	w = P2V(ALIGN_DOWN(pa, PAGE_SIZE));
	for (int k = 0; k < (int)(PAGE_SIZE / 8) && ok; k++)
		ok = w[k] == ((uint64_t)i << 32 | (uint64_t)k);
	mutex_unlock(&vs->lock);
	return ok;
}

static int out(struct vmspace *vs, vaddr_t va)
{
	int err;

	mutex_lock(&vs->lock);
	err = swap_out(vs, va);
	mutex_unlock(&vs->lock);
	return err;
}

/* Out and back: the frames go, the slots hold the pages, a fault reads
 * each back whole; munmap of swapped pages frees their slots. */
KTEST(swap_out_and_in)
{
	uint64_t held, slots0 = slots_used();
	struct vmspace *vs;
	long at = 0;

	if (!have_swap())
		return 0;
	held = frames_held();
	vs = space_with_pages(&at);
	KT_ASSERT(vs && at > 0);
	for (int i = 0; i < NPAGES; i++)
		KT_ASSERT(out(vs, at + i * PAGE_SIZE) == 0);
	KT_ASSERT(vs->swapped == NPAGES && vs->pages[VMR_ANON] == 0);
	KT_ASSERT(slots_used() == slots0 + NPAGES);
	KT_ASSERT(out(vs, at) == -ENOENT); /* nothing resident there now */
	for (int i = 0; i < NPAGES; i += 2) /* every other page comes back */
		KT_ASSERTF(page_ok(vs, at, i), "page %d", i);
	KT_ASSERT(vs->swapped == NPAGES / 2);
	KT_ASSERT(slots_used() == slots0 + NPAGES / 2);
	/* munmap frees the rest: frames and slots */
	KT_ASSERT(vm_munmap(vs, at, NPAGES * PAGE_SIZE) == 0);
	KT_ASSERT(vs->swapped == 0 && slots_used() == slots0);
	vmspace_put(vs);
	KT_ASSERTF(frames_held() == held, "%ld frames not back",
		   (long)(frames_held() - held));
	return 0;
}

/* A swapped page survives fork: parent and child both read it back, the
 * slot is shared until both have; pages mapped twice (copy-on-write) or
 * shared memory are not swapped at all. */
KTEST(swap_fork)
{
	uint64_t held, slots0 = slots_used();
	struct vmspace *vs, *kid;
	long at = 0, shm;

	if (!have_swap())
		return 0;
	held = frames_held();
	vs = space_with_pages(&at);
	KT_ASSERT(vs && at > 0);
	KT_ASSERT(out(vs, at) == 0 && out(vs, at + PAGE_SIZE) == 0);
	kid = vmspace_fork(vs);
	KT_ASSERT(kid != NULL);
	KT_ASSERT(kid->swapped == 2 && slots_used() == slots0 + 2);
	/* resident pages are now copy-on-write: mapped twice, not swappable */
	KT_ASSERT(out(vs, at + 2 * PAGE_SIZE) == -EBUSY);
	KT_ASSERT(page_ok(kid, at, 0) && page_ok(kid, at, 1));
	KT_ASSERT(slots_used() == slots0 + 2); /* the parent still holds them */
	KT_ASSERT(page_ok(vs, at, 0));
	KT_ASSERT(slots_used() == slots0 + 1);
	vmspace_put(kid); /* the other page the child had read back goes */
	KT_ASSERT(page_ok(vs, at, 1) && slots_used() == slots0);
	KT_ASSERT(page_ok(vs, at, 2));
	/* swap_out leaves shared memory alone (its frames are the
	 * object's: the reclaimer takes them through it, below) */
	shm = vm_mmap(vs, 0, PAGE_SIZE, PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_ANONYMOUS, RLIM_INF);
	KT_ASSERT(shm > 0 && vm_fault(vs, shm, VM_WRITE) == VMF_OK);
	KT_ASSERT(out(vs, shm) == -EBUSY);
	/* an exit with pages out frees their slots */
	KT_ASSERT(out(vs, at + 5 * PAGE_SIZE) == 0);
	KT_ASSERT(slots_used() == slots0 + 1);
	vmspace_put(vs);
	KT_ASSERT(slots_used() == slots0);
	KT_ASSERTF(frames_held() == held, "%ld frames not back",
		   (long)(frames_held() - held));
	return 0;
}

/* Write page i of the shared mapping at `at` in vs: (i << 32 | word) + salt. */
static bool shared_fill(struct vmspace *vs, long at, int i, uint64_t salt)
{
	paddr_t pa;
	uint64_t *w;

	mutex_lock(&vs->lock);
	if (vm_fault_locked(vs, at + i * PAGE_SIZE, VM_WRITE, &pa) != VMF_OK) {
		mutex_unlock(&vs->lock);
		return false;
	}
	w = P2V(ALIGN_DOWN(pa, PAGE_SIZE));
	for (int k = 0; k < (int)(PAGE_SIZE / 8); k++)
		w[k] = ((uint64_t)i << 32 | (uint64_t)k) + salt;
	mutex_unlock(&vs->lock);
	return true;
}

/* Does page i at `at` in vs hold shared_fill's words with salt (faulting
 * it in)? */
static bool shared_ok(struct vmspace *vs, long at, int i, uint64_t salt)
{
	paddr_t pa;
	const uint64_t *w;
	bool ok = true;

	mutex_lock(&vs->lock);
	if (vm_fault_locked(vs, at + i * PAGE_SIZE, VM_READ, &pa) != VMF_OK) {
		mutex_unlock(&vs->lock);
		return false;
	}
	w = P2V(ALIGN_DOWN(pa, PAGE_SIZE));
	for (int k = 0; k < (int)(PAGE_SIZE / 8) && ok; k++)
		ok = w[k] == ((uint64_t)i << 32 | (uint64_t)k) + salt;
	mutex_unlock(&vs->lock);
	return ok;
}

/* Does page i at `at` in vs read zero (faulting it in)? */
static bool shared_zero(struct vmspace *vs, long at, int i)
{
	paddr_t pa;
	const uint64_t *w;
	bool ok = true;

	mutex_lock(&vs->lock);
	if (vm_fault_locked(vs, at + i * PAGE_SIZE, VM_READ, &pa) != VMF_OK) {
		mutex_unlock(&vs->lock);
		return false;
	}
	w = P2V(ALIGN_DOWN(pa, PAGE_SIZE));
	for (int k = 0; k < (int)(PAGE_SIZE / 8) && ok; k++)
		ok = w[k] == 0;
	mutex_unlock(&vs->lock);
	return ok;
}

/* Is anything mapped at va in vs? */
static bool mapped(struct vmspace *vs, vaddr_t va)
{
	pte_t *s;
	bool m;

	mutex_lock(&vs->lock);
	s = pt_slot(vs->root, va, false);
	m = s && pte_valid(*s);
	mutex_unlock(&vs->lock);
	return m;
}

/* Reclaim until o has every page in swap (a clock hand may pass each
 * frame once first); held: the caller's locked space, or NULL. */
static void evict_object(struct vmo *o, struct vmspace *held)
{
	for (int round = 0; round < 16 && READ_ONCE(o->swapped) < o->npages;
	     round++)
		reclaim_frames(NPAGES, held);
}

static uint64_t user_frames(void)
{
	struct pmm_stats st;

	pmm_get_stats(&st);
	return st.user;
}

/* MAP_SHARED memory mapped in two spaces (fork): the reclaimer evicts
 * its frames through the object (every entry goes, the object's table
 * holds slots, the processes' own swap counts do not change), either
 * space, or a fork made meanwhile, reads each page back whole, writes
 * stay shared; split and moved regions are found too; MADV_REMOVE frees
 * a slot; exit frees the rest. */
KTEST(swap_shared)
{
	uint64_t held, slots0 = slots_used(), users, shared0;
	struct vmspace *vs, *kid, *gkid;
	struct vmo *o;
	long at, moved;

	if (!have_swap())
		return 0;
	held = frames_held();
	shared0 = uframe_shared_count();
	vs = vmspace_create();
	KT_ASSERT(vs && vmspace_init_layout(vs, 0x100000, 8UL << 20) == 0);
	at = vm_mmap(vs, 0, NPAGES * PAGE_SIZE, PROT_READ | PROT_WRITE,
		     MAP_SHARED | MAP_ANONYMOUS, RLIM_INF);
	KT_ASSERT(at > 0);
	for (int i = 0; i < NPAGES; i++)
		KT_ASSERT(shared_fill(vs, at, i, 0));
	kid = vmspace_fork(vs);
	KT_ASSERT(kid != NULL);
	for (int i = 0; i < NPAGES; i += 2) /* the child maps half */
		KT_ASSERTF(shared_ok(kid, at, i, 0), "page %d", i);
	mutex_lock(&vs->lock);
	o = vmr_find(vs, at)->obj;
	mutex_unlock(&vs->lock);
	KT_ASSERT(o->resident == NPAGES && o->swapped == 0);
	/* out: every entry in both spaces goes, the slots are the object's */
	users = user_frames();
	evict_object(o, NULL);
	KT_ASSERTF(o->swapped == NPAGES && o->resident == 0,
		   "%lu of %d pages swapped", (unsigned long)o->swapped, NPAGES);
	KT_ASSERT(slots_used() == slots0 + NPAGES);
	KT_ASSERT(user_frames() + NPAGES <= users);
	/* the shared frames went: the count of frames held twice follows
	 * (the stacks' pages are the spaces' own) */
	KT_ASSERTF(uframe_shared_count() == shared0, "%lu shared frames, "
		   "%lu before", (unsigned long)uframe_shared_count(),
		   (unsigned long)shared0);
	for (int i = 0; i < NPAGES; i++)
		KT_ASSERTF(!mapped(vs, at + i * PAGE_SIZE) &&
			   !mapped(kid, at + i * PAGE_SIZE), "page %d mapped", i);
	KT_ASSERT(vs->pages[VMR_SHARED] == 0 && kid->pages[VMR_SHARED] == 0);
	KT_ASSERT(vs->swapped == 0 && kid->swapped == 0);
	/* a fork now copies no entry: its faults go to the object too */
	gkid = vmspace_fork(kid);
	KT_ASSERT(gkid && gkid->swapped == 0 && shared_ok(gkid, at, 4, 0));
	vmspace_put(gkid);
	KT_ASSERT(o->swapped == NPAGES - 1 && slots_used() == slots0 + NPAGES - 1);
	/* back: the child reads the odd pages, the parent all of them */
	for (int i = 1; i < NPAGES; i += 2)
		KT_ASSERTF(shared_ok(kid, at, i, 0), "child, page %d", i);
	for (int i = 0; i < NPAGES; i++)
		KT_ASSERTF(shared_ok(vs, at, i, 0), "parent, page %d", i);
	KT_ASSERT(o->swapped == 0 && o->resident == NPAGES);
	KT_ASSERT(slots_used() == slots0);
	/* still one page for both: the child writes, the parent reads */
	KT_ASSERT(shared_fill(kid, at, 3, 7) && shared_ok(vs, at, 3, 7));
	/* the child moves its region (mremap) and splits it (mprotect of a
	 * page): every piece is found, the parent evicting with its own
	 * space locked */
	moved = vm_mremap(kid, at, NPAGES * PAGE_SIZE, NPAGES * PAGE_SIZE,
			  MREMAP_MAYMOVE | MREMAP_FIXED, at + 64 * PAGE_SIZE,
			  RLIM_INF);
	KT_ASSERT(moved == at + 64 * (long)PAGE_SIZE);
	KT_ASSERT(vm_mprotect(kid, moved + 2 * PAGE_SIZE, PAGE_SIZE, PROT_READ) == 0);
	for (int i = 0; i < NPAGES; i++) /* the pages it read back moved */
		KT_ASSERTF(mapped(kid, moved + i * PAGE_SIZE) == (i % 2 == 1),
			   "page %d", i);
	mutex_lock(&vs->lock);
	evict_object(o, vs);
	mutex_unlock(&vs->lock);
	KT_ASSERT(o->swapped == NPAGES && slots_used() == slots0 + NPAGES);
	for (int i = 0; i < NPAGES; i++)
		KT_ASSERTF(!mapped(kid, moved + i * PAGE_SIZE), "page %d", i);
	KT_ASSERT(shared_ok(kid, moved, 3, 7) && shared_ok(kid, moved, 2, 0));
	/* MADV_REMOVE: a page in swap gives its slot back and reads zero */
	KT_ASSERT(vm_madvise(vs, at + 5 * PAGE_SIZE, PAGE_SIZE, MADV_REMOVE) == 0);
	KT_ASSERT(slots_used() == slots0 + NPAGES - 3);
	KT_ASSERT(shared_zero(vs, at, 5));
	/* exits free the slots and frames */
	vmspace_put(kid);
	KT_ASSERT(slots_used() == slots0 + NPAGES - 3);
	vmspace_put(vs);
	KT_ASSERT(slots_used() == slots0);
	KT_ASSERT(uframe_shared_count() == shared0);
	KT_ASSERTF(frames_held() == held, "%ld frames not back",
		   (long)(frames_held() - held));
	return 0;
}
