/*
 * vmlock.c - memory locks and residency: Linux's mlock, mlock2, munlock,
 * mlockall and munlockall, and the two questions a program asks about a
 * range, mincore (which pages are in memory) and msync (write back:
 * anonymous memory has nowhere to go, so it only checks the range).
 *
 * A locked region carries VMR_F_LOCKED. Locking faults its pages in
 * (unless MLOCK_ONFAULT / MCL_ONFAULT: then they stay as they come);
 * the reclaimer, finding a frame that a locked region maps (reclaim.c,
 * reclaim_obj.c), takes it off the policy's list for good (PG_MLOCKED)
 * instead of writing it out, and munlock puts such frames back. Locks
 * are not inherited by fork (the child's regions lose the flag) and go
 * with the address space at execve. mlockall(MCL_FUTURE) makes every
 * later mapping locked (sys_mm.c: mmap, brk's new pages).
 *
 *   limits, as Linux's for an unprivileged process: RLIMIT_MEMLOCK 0
 *   is -EPERM; locking past it -ENOMEM (mlockall(MCL_CURRENT): the
 *   whole space past it); a mapping mlockall(MCL_FUTURE) would lock
 *   past it -EAGAIN.
 *
 * Locks: vs->lock (a sleeping mutex) while regions change and pages are
 * faulted in or looked at; it is let go before mincore's bytes are
 * copied out (copy_to_user takes it again).
 */
#include "kernel/panic.h"
#include "lib/string.h"
#include "mm/pagetable.h"
#include "mm/pmm.h"
#include "mm/reclaim.h"
#include "mm/vmmap.h"
#include "mm/vmo.h"
#include "mm/vmspace.h"
#include "uapi/errno.h"
#include "uapi/kite.h"

#define MINCORE_CHUNK 256 /* pages looked at per hold of vs->lock */

/* Bytes of locked regions in [start, end) (the whole space: 0, ~0). */
static uint64_t locked_bytes(struct vmspace *vs, vaddr_t start, vaddr_t end)
{
	uint64_t n = 0;

	assert(mutex_holding(&vs->lock));
	for (struct vmr *r = vmr_after(vs, start); r && r->start < end;
	     r = vmr_next(vs, r))
		if (r->flags & VMR_F_LOCKED)
			n += MIN(r->end, end) - MAX(r->start, start);
	return n;
}

struct lock_op {
	bool lock;     /* set VMR_F_LOCKED, else clear it */
	bool populate; /* fault the pages in */
	bool oom;      /* a page could not be faulted in */
};

/* Every mapped frame of [start, end) back on the reclaimer's list if it
 * was taken off as locked. */
static void frames_unlock(struct vmspace *vs, vaddr_t start, vaddr_t end)
{
	for (vaddr_t va = start; va < end; va += PAGE_SIZE) {
		pte_t *s = pt_slot(vs->root, va, false);

		if (s && pte_valid(*s) && pte_frame(*s) != zero_frame_pa())
			reclaim_unlock_frame(pa_to_page(pte_frame(*s)));
	}
}

static long lock_piece(struct vmspace *vs, struct vmr *r, void *arg)
{
	struct lock_op *op = arg;

	if (!op->lock) {
		if (r->flags & VMR_F_LOCKED) {
			r->flags &= ~VMR_F_LOCKED;
			frames_unlock(vs, r->start, r->end);
		}
		return 0;
	}
	r->flags |= VMR_F_LOCKED;
	/* as Linux: no page is made for PROT_NONE; writable private memory
	 * is faulted for writing, so copy-on-write is over */
	if (op->populate && r->prot &&
	    !vm_populate_locked(vs, r->start, r->end,
				(r->prot & VM_WRITE) ? VM_WRITE : VM_READ))
		op->oom = true;
	return 0;
}

/* [start, end) from a user's (addr, len), as Linux makes it: addr
 * rounded down, the length (with addr's offset) rounded up, modulo 2^64
 * (a length that rounds to 0 locks nothing). -EINVAL if the end wraps. */
static int lock_range(vaddr_t addr, size_t len, vaddr_t *start, vaddr_t *end)
{
	size_t span = (len + (addr & (PAGE_SIZE - 1)) + PAGE_SIZE - 1) &
		      ~(size_t)(PAGE_SIZE - 1);

	*start = ALIGN_DOWN(addr, PAGE_SIZE);
	*end = *start + span;
	return *end < *start ? -EINVAL : 0;
}

long vm_mlock(struct vmspace *vs, vaddr_t addr, size_t len, unsigned flags,
	      uint64_t limit)
{
	struct lock_op op = { true, !(flags & MLOCK_ONFAULT), false };
	vaddr_t start, end;
	long err;

	if (flags & ~(unsigned)MLOCK_ONFAULT)
		return -EINVAL;
	if (limit == 0)
		return -EPERM;
	if ((err = lock_range(addr, len, &start, &end)) || start == end)
		return err;
	mutex_lock(&vs->lock);
	if (locked_bytes(vs, 0, USER_TOP) - locked_bytes(vs, start, end) +
	    (end - start) > limit) {
		err = -ENOMEM;
		goto out;
	}
	err = vm_for_each_piece(vs, start, end, true, lock_piece, &op);
	vm_merge_range(vs, start, end);
	if (!err && op.oom)
		err = -EAGAIN; /* some pages could not be made */
out:
	mutex_unlock(&vs->lock);
	return err;
}

long vm_munlock(struct vmspace *vs, vaddr_t addr, size_t len)
{
	struct lock_op op = { false, false, false };
	vaddr_t start, end;
	long err;

	if ((err = lock_range(addr, len, &start, &end)) || start == end)
		return err;
	mutex_lock(&vs->lock);
	err = vm_for_each_piece(vs, start, end, true, lock_piece, &op);
	vm_merge_range(vs, start, end);
	mutex_unlock(&vs->lock);
	return err;
}

long vm_mlockall(struct vmspace *vs, unsigned flags, uint64_t limit)
{
	struct lock_op op = { true, !(flags & MCL_ONFAULT), false };
	long err = 0;

	if (!flags || (flags & ~(unsigned)(MCL_CURRENT | MCL_FUTURE | MCL_ONFAULT)) ||
	    flags == MCL_ONFAULT)
		return -EINVAL;
	if (limit == 0)
		return -EPERM;
	mutex_lock(&vs->lock);
	if ((flags & MCL_CURRENT) && vs->vsz > limit) {
		err = -ENOMEM;
		goto out;
	}
	WRITE_ONCE(vs->lock_future,
		   (flags & MCL_FUTURE) ? flags & (MCL_FUTURE | MCL_ONFAULT) : 0);
	if (flags & MCL_CURRENT) {
		err = vm_for_each_piece(vs, 0, USER_TOP, false, lock_piece, &op);
		if (err == -ENOMEM)
			err = 0; /* the holes between regions */
		vm_merge_range(vs, 0, USER_TOP);
		if (!err && op.oom)
			err = -EAGAIN;
	}
out:
	mutex_unlock(&vs->lock);
	return err;
}

long vm_munlockall(struct vmspace *vs)
{
	struct lock_op op = { false, false, false };

	mutex_lock(&vs->lock);
	WRITE_ONCE(vs->lock_future, 0);
	vm_for_each_piece(vs, 0, USER_TOP, false, lock_piece, &op);
	vm_merge_range(vs, 0, USER_TOP);
	mutex_unlock(&vs->lock);
	return 0;
}

/* msync(addr, len, flags): nothing to write back; Linux's checks of the
 * flags and the range, -EBUSY for MS_INVALIDATE of locked memory. */
long vm_msync(struct vmspace *vs, vaddr_t addr, size_t len, unsigned flags)
{
	vaddr_t end = addr + ALIGN_UP(len, PAGE_SIZE), at = addr;
	long err = 0;
	struct vmr *r;

	if (flags & ~(unsigned)(MS_ASYNC | MS_INVALIDATE | MS_SYNC))
		return -EINVAL;
	if (!IS_ALIGNED(addr, PAGE_SIZE))
		return -EINVAL;
	if ((flags & MS_ASYNC) && (flags & MS_SYNC))
		return -EINVAL;
	if (end < addr || (len && end == addr))
		return -ENOMEM;
	if (end == addr)
		return 0;
	mutex_lock(&vs->lock);
	for (r = vmr_after(vs, addr); r && r->start < end; r = vmr_next(vs, r)) {
		if (r->start > at)
			err = -ENOMEM; /* a hole: go on, as Linux */
		if ((flags & MS_INVALIDATE) && (r->flags & VMR_F_LOCKED)) {
			err = -EBUSY;
			break;
		}
		at = r->end;
	}
	if (!err && at < end)
		err = -ENOMEM;
	mutex_unlock(&vs->lock);
	return err;
}

/* Is the page at va of region r in memory? */
static uint8_t page_resident(struct vmspace *vs, struct vmr *r, vaddr_t va)
{
	pte_t *s = pt_slot(vs->root, va, false);

	if (s && pte_valid(*s))
		return 1;
	/* a shared page another process made is in memory too */
	if ((r->flags & VMR_F_SHARED) && r->obj)
		return vmo_shared_resident(r->obj,
					   r->pgoff + (va - r->start) / PAGE_SIZE);
	return 0;
}

/* mincore(addr, len, vec): a byte a page, 1 if it is in memory. */
long vm_mincore(struct vmspace *vs, vaddr_t addr, size_t len, uint64_t uvec)
{
	uint8_t buf[MINCORE_CHUNK];
	vaddr_t end = addr + ALIGN_UP(len, PAGE_SIZE);
	uint64_t done = 0;

	if (!IS_ALIGNED(addr, PAGE_SIZE))
		return -EINVAL;
	if (end < addr || end > USER_TOP || (len && end == addr))
		return -ENOMEM;
	if (uvec + (end - addr) / PAGE_SIZE < uvec ||
	    uvec + (end - addr) / PAGE_SIZE > USER_TOP)
		return -EFAULT; /* before the walk, as Linux */
	while (addr < end) {
		size_t n = MIN((end - addr) / PAGE_SIZE, (size_t)MINCORE_CHUNK);
		struct vmr *r;

		mutex_lock(&vs->lock);
		for (size_t i = 0; i < n; i++) {
			vaddr_t va = addr + i * PAGE_SIZE;

			r = vmr_find(vs, va);
			if (!r) {
				mutex_unlock(&vs->lock);
				return -ENOMEM;
			}
			buf[i] = page_resident(vs, r, va);
		}
		mutex_unlock(&vs->lock);
		if (copy_to_user(vs, uvec + done, buf, n))
			return -EFAULT;
		done += n;
		addr += n * PAGE_SIZE;
	}
	return 0;
}
