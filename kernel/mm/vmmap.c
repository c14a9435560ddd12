/*
 * vmmap.c - changing an address space's regions: brk, mmap, munmap,
 * mprotect, madvise (and mremap, in vmremap.c), with Linux's semantics.
 *
 * Every operation on a range first "isolates" it: regions that straddle
 * its ends are split, so the range is made of whole regions; the
 * operation then changes, drops or advises those, and neighbours that
 * became alike (same protection, flags, kind, and object pages that
 * follow on) are merged again. A split needs memory, so an operation can
 * fail with -ENOMEM after a split without having changed anything a user
 * can see.
 *
 * Nothing is allocated for pages here: regions are made empty and
 * vm_fault() fills them. As Linux's default overcommit heuristic does, a
 * single private writable request larger than all of RAM fails at once
 * (unless MAP_NORESERVE); smaller ones succeed and the OOM policy deals
 * with memory that runs out on touch.
 *
 * All functions take vs->lock themselves.
 */
#include "kernel/panic.h"
#include "lib/string.h"
#include "mm/kmalloc.h"
#include "mm/pmm.h"
#include "mm/vmo.h"
#include "mm/vmspace.h"
#include "mm/vmmap.h"
#include "uapi/errno.h"
#include "uapi/kite.h"

unsigned vm_prot_from_uapi(unsigned prot)
{
	return ((prot & PROT_READ) ? VM_READ : 0) |
	       ((prot & PROT_WRITE) ? VM_WRITE : 0) |
	       ((prot & PROT_EXEC) ? VM_EXEC : 0);
}

bool vm_fits_in_ram(uint64_t bytes)
{
	return bytes / PAGE_SIZE <= pmm_total();
}

/* ---- splitting, merging, removing ------------------------------------ */

/* Split r at `at` (inside it): r keeps [start, at), a new region gets
 * [at, end). -ENOMEM. */
static int vmr_split(struct vmspace *vs, struct vmr *r, vaddr_t at)
{
	struct vmr *n;

	assert(r->start < at && at < r->end && IS_ALIGNED(at, PAGE_SIZE));
	if (vs->nregions >= VM_MAX_REGIONS)
		return -ENOMEM;
	n = kmalloc(sizeof(*n));
	if (!n)
		return -ENOMEM;
	*n = *r;
	n->start = at;
	n->pgoff = r->pgoff + (at - r->start) / PAGE_SIZE;
	list_init(&n->obj_link); /* not r's: attached anew if shared */
	if (n->obj) {
		vmo_get(n->obj);
		vmo_attach(n);
	}
	r->end = at;
	list_insert_between(&n->link, &r->link, r->link.next);
	vs->nregions++;
	return 0;
}

/* Can b (right after a) join a? */
static bool vmr_mergeable(const struct vmr *a, const struct vmr *b)
{
	return a->end == b->start && a->prot == b->prot &&
	       a->flags == b->flags && a->kind == b->kind && a->obj == b->obj &&
	       (!a->obj || a->pgoff + (a->end - a->start) / PAGE_SIZE == b->pgoff) &&
	       !(a->flags & VMR_F_GROWSDOWN);
}

void vmr_free(struct vmspace *vs, struct vmr *r)
{
	list_remove(&r->link);
	vs->nregions--;
	if (vs->hint == r)
		vs->hint = NULL;
	if (r->obj) {
		vmo_detach(r);
		vmo_put(r->obj);
	}
	kfree(r);
}

void vmr_merge(struct vmspace *vs, struct vmr *r)
{
	struct vmr *prev = vmr_prev(vs, r);
	struct vmr *next = r->link.next == &vs->regions
				   ? NULL
				   : list_entry(r->link.next, struct vmr, link);

	if (next && vmr_mergeable(r, next)) {
		r->end = next->end;
		vmr_free(vs, next);
	}
	if (prev && vmr_mergeable(prev, r)) {
		prev->end = r->end;
		vmr_free(vs, r);
	}
}

int vmr_isolate(struct vmspace *vs, vaddr_t start, vaddr_t end)
{
	struct vmr *r = vmr_after(vs, start);
	int err;

	if (r && r->start < start && start < r->end) {
		err = vmr_split(vs, r, start);
		if (err)
			return err;
	}
	r = vmr_after(vs, end);
	if (r && r->start < end && end < r->end)
		return vmr_split(vs, r, end);
	return 0;
}

/* The region after r, or NULL. */
struct vmr *vmr_next(struct vmspace *vs, struct vmr *r)
{
	return r->link.next == &vs->regions
		       ? NULL
		       : list_entry(r->link.next, struct vmr, link);
}

int vm_unmap_locked(struct vmspace *vs, vaddr_t start, vaddr_t end)
{
	struct vmr *r;
	int err = vmr_isolate(vs, start, end);

	if (err)
		return err;
	for (r = vmr_after(vs, start); r && r->start < end;) {
		struct vmr *next = vmr_next(vs, r);

		vmr_unmap_pages(vs, r, r->start, r->end);
		WRITE_ONCE(vs->vsz, vs->vsz - (r->end - r->start));
		vmr_free(vs, r);
		r = next;
	}
	return 0;
}

/* Bytes of [start, end) that regions cover. */
static uint64_t covered(struct vmspace *vs, vaddr_t start, vaddr_t end)
{
	uint64_t n = 0;

	for (struct vmr *r = vmr_after(vs, start); r && r->start < end;
	     r = vmr_next(vs, r))
		n += MIN(r->end, end) - MAX(r->start, start);
	return n;
}

static bool range_free(struct vmspace *vs, vaddr_t start, vaddr_t end)
{
	struct vmr *r = vmr_after(vs, start);

	return !r || r->start >= end;
}

/* ---- brk ---------------------------------------------------------------- */

vaddr_t vmspace_brk(struct vmspace *vs, vaddr_t addr, uint64_t as_limit)
{
	vaddr_t ret, old_end, new_end;
	struct vmr *heap;

	mutex_lock(&vs->lock);
	ret = vs->brk;
	if (addr == 0 || addr < vs->heap_start || addr > vs->heap_limit)
		goto out;
	old_end = ALIGN_UP(vs->brk, PAGE_SIZE);
	new_end = ALIGN_UP(addr, PAGE_SIZE);
	if (new_end > old_end) {
		uint64_t grow = new_end - old_end;

		/* as Linux: a page of room must stay before the next region */
		if (!range_free(vs, old_end, new_end + PAGE_SIZE) ||
		    vs->vsz + grow > as_limit || !vm_fits_in_ram(grow))
			goto out;
		heap = old_end > vs->heap_start ? vmr_find(vs, old_end - 1) : NULL;
		if (heap && heap->kind == VMR_HEAP && heap->end == old_end) {
			heap->end = new_end;
			WRITE_ONCE(vs->vsz, vs->vsz + grow);
		} else if (vmr_insert(vs, old_end, new_end, VM_READ | VM_WRITE,
				      VMR_HEAP, 0, NULL, NULL)) {
			goto out;
		}
	} else if (new_end < old_end) {
		if (vm_unmap_locked(vs, new_end, old_end))
			goto out;
	}
	vs->brk = ret = addr;
out:
	mutex_unlock(&vs->lock);
	return ret;
}

/* ---- mmap, munmap --------------------------------------------------------- */

vaddr_t vm_find_area(struct vmspace *vs, vaddr_t hint, size_t size)
{
	struct list_node *it;
	vaddr_t top = vs->mmap_base;

	hint = ALIGN_DOWN(hint, PAGE_SIZE); /* as Linux: the hint's page */
	if (hint >= USER_MIN && hint + size > hint && hint + size <= USER_TOP &&
	    range_free(vs, hint, hint + size))
		return hint;
	for (it = vs->regions.prev;; it = it->prev) {
		struct vmr *r = it == &vs->regions
					? NULL
					: list_entry(it, struct vmr, link);
		vaddr_t lo = r ? r->end : USER_MIN;

		if (lo < top && top - lo >= size)
			return top - size;
		if (!r)
			return 0;
		top = MIN(top, r->start);
	}
}

bool vm_populate_locked(struct vmspace *vs, vaddr_t start, vaddr_t end,
			unsigned access)
{
	for (vaddr_t va = start; va < end; va += PAGE_SIZE)
		if (vm_fault_locked(vs, va, access, NULL) != VMF_OK)
			return false;
	return true;
}

long vm_mmap(struct vmspace *vs, vaddr_t addr, size_t len, unsigned prot,
	     unsigned flags, uint64_t as_limit)
{
	bool shared = (flags & MAP_TYPE) != MAP_PRIVATE;
	bool fixed = flags & (MAP_FIXED | MAP_FIXED_NOREPLACE);
	size_t size = ALIGN_UP(len, PAGE_SIZE);
	unsigned vprot = vm_prot_from_uapi(prot);
	struct vmo *obj = NULL;
	struct vmr *r;
	vaddr_t start;
	long err;

	if (size == 0 || size > USER_TOP)
		return -ENOMEM;
	if (!(flags & MAP_NORESERVE) && (shared || (vprot & VM_WRITE)) &&
	    !vm_fits_in_ram(size))
		return -ENOMEM;
	if (shared) {
		obj = vmo_create_shared(size / PAGE_SIZE);
		if (!obj)
			return -ENOMEM;
	}
	mutex_lock(&vs->lock);
	err = -ENOMEM;
	if (fixed) {
		start = addr;
		if (start + size > USER_TOP || start + size < start)
			goto fail;
		if (start < USER_MIN) {
			err = -EPERM; /* below mmap_min_addr */
			goto fail;
		}
		if ((flags & MAP_FIXED_NOREPLACE) && !(flags & MAP_FIXED) &&
		    !range_free(vs, start, start + size)) {
			err = -EEXIST;
			goto fail;
		}
		if (vs->vsz - covered(vs, start, start + size) + size > as_limit)
			goto fail;
		err = vm_unmap_locked(vs, start, start + size);
		if (err)
			goto fail;
	} else {
		start = vm_find_area(vs, addr, size);
		if (!start || vs->vsz + size > as_limit)
			goto fail;
	}
	err = vmr_insert(vs, start, start + size, vprot,
			 shared ? VMR_SHARED : VMR_ANON,
			 (shared ? VMR_F_SHARED : 0) |
				 ((flags & MAP_GROWSDOWN) ? VMR_F_GROWSDOWN : 0),
			 obj, &r);
	if (err)
		goto fail;
	vmr_merge(vs, r);
	if (flags & MAP_POPULATE)
		vm_populate_locked(vs, start, start + size,
			 (vprot & VM_WRITE) ? VM_WRITE : VM_READ);
	mutex_unlock(&vs->lock);
	return (long)start;
fail:
	mutex_unlock(&vs->lock);
	if (obj)
		vmo_put(obj);
	return err;
}

long vm_munmap(struct vmspace *vs, vaddr_t addr, size_t len)
{
	size_t size = ALIGN_UP(len, PAGE_SIZE);
	long err;

	if (!IS_ALIGNED(addr, PAGE_SIZE) || len == 0 || size == 0 ||
	    addr + size < addr || addr + size > USER_TOP)
		return -EINVAL;
	mutex_lock(&vs->lock);
	err = vm_unmap_locked(vs, addr, addr + size);
	mutex_unlock(&vs->lock);
	return err;
}

/* ---- mprotect, madvise ----------------------------------------------------- */

/* Each region piece of a range in turn (mm/vmmap.h). */
long vm_for_each_piece(struct vmspace *vs, vaddr_t start, vaddr_t end,
		       bool stop_at_hole,
		       long (*fn)(struct vmspace *, struct vmr *, void *),
		       void *arg)
{
	vaddr_t at = start;
	long hole = 0, err;
	struct vmr *r;

	err = vmr_isolate(vs, start, end);
	if (err)
		return err;
	for (r = vmr_after(vs, start); r && r->start < end;) {
		struct vmr *next = vmr_next(vs, r);

		if (r->start > at) {
			hole = -ENOMEM;
			if (stop_at_hole)
				return hole;
		}
		at = r->end;
		err = fn(vs, r, arg);
		if (err)
			return err;
		r = next;
	}
	return at < end ? -ENOMEM : hole;
}

static long protect_piece(struct vmspace *vs, struct vmr *r, void *arg)
{
	unsigned prot = *(unsigned *)arg;

	r->prot = prot;
	pt_protect_range(vs->root, r->start, r->end, prot,
			 !(r->flags & VMR_F_SHARED));
	vmspace_shootdown(vs, r->start, r->end - r->start);
	return 0;
}

void vm_merge_range(struct vmspace *vs, vaddr_t start, vaddr_t end)
{
	struct vmr *r, *n;

	for (r = vmr_after(vs, start ? start - 1 : 0); r && r->start <= end;
	     r = vmr_next(vs, r))
		while ((n = vmr_next(vs, r)) && n->start <= end &&
		       vmr_mergeable(r, n)) {
			r->end = n->end;
			vmr_free(vs, n);
		}
}

long vm_mprotect(struct vmspace *vs, vaddr_t addr, size_t len, unsigned prot)
{
	size_t size = ALIGN_UP(len, PAGE_SIZE);
	unsigned vprot = vm_prot_from_uapi(prot);
	vaddr_t start = addr, end;
	struct vmr *r;
	long err;

	if (!IS_ALIGNED(addr, PAGE_SIZE) ||
	    (prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC | PROT_GROWSDOWN |
		      PROT_GROWSUP)) ||
	    (prot & PROT_GROWSDOWN && prot & PROT_GROWSUP))
		return -EINVAL;
	if (len == 0)
		return 0;
	end = start + size;
	if (size == 0 || end <= start)
		return -ENOMEM;
	mutex_lock(&vs->lock);
	r = vmr_after(vs, start);
	err = -ENOMEM;
	if (!r || r->start >= end)
		goto out;
	if (prot & PROT_GROWSDOWN) {
		err = -EINVAL;
		if (!(r->flags & VMR_F_GROWSDOWN) || r->start >= end)
			goto out;
		start = r->start; /* to the bottom of the grows-down region */
	} else if (prot & PROT_GROWSUP) {
		err = -EINVAL; /* no region grows up */
		goto out;
	} else if (r->start > start) {
		goto out;
	}
	err = vm_for_each_piece(vs, start, end, true, protect_piece, &vprot);
	vm_merge_range(vs, start, end);
out:
	mutex_unlock(&vs->lock);
	return err;
}

struct advice {
	int advice;
};

static long advise_piece(struct vmspace *vs, struct vmr *r, void *arg)
{
	int advice = ((struct advice *)arg)->advice;
	bool shared = r->flags & VMR_F_SHARED;

	switch (advice) {
	case MADV_DONTNEED:
		if (r->flags & VMR_F_LOCKED)
			return -EINVAL; /* as Linux: locked pages stay */
		/* private pages go: they read back as zero (or the app's
		 * bytes); shared ones stay in their object */
		vmr_unmap_pages(vs, r, r->start, r->end);
		return 0;
	case MADV_REMOVE:
		if (!shared)
			return -EINVAL;
		/* a hole in the object: every space that maps it reads zero
		 * there from now on */
		vmo_shared_zero(r->obj, r->pgoff, (r->end - r->start) / PAGE_SIZE);
		return 0;
	case MADV_FREE:
		/* private anonymous pages only; they may keep their data
		 * until reclaimed, which (without swap) is never */
		return shared || r->obj || (r->flags & VMR_F_LOCKED) ? -EINVAL : 0;
	case MADV_DONTFORK:
		r->flags |= VMR_F_DONTFORK;
		return 0;
	case MADV_DOFORK:
		r->flags &= ~VMR_F_DONTFORK;
		return 0;
	case MADV_WIPEONFORK:
		if (shared || r->obj)
			return -EINVAL; /* private anonymous memory only */
		r->flags |= VMR_F_WIPEONFORK;
		return 0;
	case MADV_KEEPONFORK:
		r->flags &= ~VMR_F_WIPEONFORK;
		return 0;
	case MADV_POPULATE_READ:
	case MADV_POPULATE_WRITE:
		return vm_populate_locked(vs, r->start, r->end,
				advice == MADV_POPULATE_WRITE ? VM_WRITE : VM_READ)
			       ? 0
			       : -EFAULT;
	default: /* hints: accepted, nothing to do */
		return 0;
	}
}

bool vm_advice_known(int advice)
{
	switch (advice) {
	case MADV_NORMAL: case MADV_RANDOM: case MADV_SEQUENTIAL:
	case MADV_WILLNEED: case MADV_DONTNEED: case MADV_FREE:
	case MADV_REMOVE: case MADV_DONTFORK: case MADV_DOFORK:
	case MADV_DONTDUMP: case MADV_DODUMP: case MADV_WIPEONFORK:
	case MADV_KEEPONFORK: case MADV_COLD: case MADV_PAGEOUT:
	case MADV_POPULATE_READ: case MADV_POPULATE_WRITE:
		return true;
	}
	return false;
}

long vm_madvise(struct vmspace *vs, vaddr_t addr, size_t len, int advice)
{
	size_t size = ALIGN_UP(len, PAGE_SIZE);
	struct advice a = { advice };
	long err;

	if (!IS_ALIGNED(addr, PAGE_SIZE) || !vm_advice_known(advice) ||
	    (len && !size) || addr + size < addr)
		return -EINVAL;
	if (size == 0)
		return 0;
	mutex_lock(&vs->lock);
	err = vm_for_each_piece(vs, addr, addr + size, false, advise_piece, &a);
	vm_merge_range(vs, addr, addr + size);
	mutex_unlock(&vs->lock);
	return err;
}
