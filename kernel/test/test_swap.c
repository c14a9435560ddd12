/*
 * test_swap.c - in-kernel tests of the swap area: pages written out to
 * the disk and faulted back with their contents, swap entries across
 * fork (both sides read the page back, the slot goes when both have),
 * what cannot be swapped (shared, copy-on-write, unmapped), and slots
 * and frames back to baseline after munmap and exit.
 *
 * With no disk attached they print "blk: no disk, test skipped" (the
 * harness fails a run that attached one and still sees that line).
 */
#include "dev/blk.h"
#include "kernel/ktest.h"
#include "kernel/log.h"
#include "mm/pmm.h"
#include "mm/swap.h"
#include "mm/vmo.h"
#include "mm/vmspace.h"
#include "uapi/errno.h"
#include "uapi/kite.h"

#define NPAGES 16

static uint64_t frames_held(void)
{
	struct pmm_stats st;

	pmm_get_stats(&st);
	return st.user + pt_table_pages();
}

static uint64_t slots_used(void)
{
	struct swap_stats st;

	swap_get_stats(&st);
	return st.used;
}

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
	/* shared memory stays in memory (its frames are the object's) */
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
