/*
 * vmremap.c - mremap: shrink a mapping, grow it in place, or move it
 * (pages and all) to a new address, as Linux does.
 *
 * A move never copies a page: the leaves are carried over to the new
 * range (the page tables for it are made first, so nothing can fail
 * half-way), the old leaves are cleared and shot down, and the frames
 * keep their counts. Growing a mapping backed by a shared object past
 * the object's size is not supported (-ENOMEM); anonymous and image
 * mappings grow with zero pages. MREMAP_DONTUNMAP moves the pages and
 * leaves the old range mapped but empty (it reads zero, or the app's
 * bytes again for an image mapping).
 */
#include "kernel/panic.h"
#include "mm/pmm.h"
#include "mm/reclaim.h"
#include "mm/vmmap.h"
#include "mm/vmo.h"
#include "mm/vmspace.h"
#include "uapi/errno.h"
#include "uapi/kite.h"

/* Move the entries of [from, from+len) to [to, to+len), resident or
 * swapped out, as they are; the page tables for the target exist. */
static void move_leaves(struct vmspace *vs, vaddr_t from, vaddr_t to,
			size_t len)
{
	struct pt_gather g;
	vaddr_t at = from, end = from + len;

	for (size_t off = 0; off < len; off += PAGE_SIZE) {
		pte_t *src = pt_slot(vs->root, from + off, false), *dst;

		if (!src || !*src)
			continue;
		dst = pt_slot(vs->root, to + off, true);
		assert(dst && !*dst);
		if (pte_valid(*src)) {
			struct page *pg = pa_to_page(pte_frame(*src));

			/* the reverse map follows a frame only this entry
			 * maps; a copy-on-write one shared with another
			 * space at the old address is left unfound, and so
			 * stays in memory */
			if (pg && pg->refcount == 1 && pg->rmap_family == vs->family)
				pg->rmap_va = to + off;
		}
		pt_slot_set(dst, *src);
	}
	while (at < end) { /* clear the old entries; frames and slots moved */
		vaddr_t next;

		pt_gather_init(&g);
		next = pt_clear_range(vs->root, at, end, &g);
		vmspace_shootdown(vs, at, next - at);
		pt_gather_free_tables(&g);
		at = next;
	}
}

/* Can r span new_size bytes from its start without running past its
 * object? */
static bool can_grow(const struct vmr *r, size_t new_size)
{
	return !r->obj || r->obj->type != VMO_SHARED ||
	       r->pgoff + new_size / PAGE_SIZE <= r->obj->npages;
}

/* Move [old, old+old_size) of region r (isolated: r is exactly that) to
 * [to, to+new_size); the target range is free. keep: r stays, empty
 * (MREMAP_DONTUNMAP). */
static long move_region(struct vmspace *vs, struct vmr *r, vaddr_t to,
			size_t old_size, size_t new_size, bool keep)
{
	struct vmr *n;
	long err;

	if (pt_prealloc(vs->root, to, MIN(old_size, new_size)))
		return -ENOMEM;
	err = vmr_insert(vs, to, to + new_size, r->prot, r->kind, r->flags,
			 r->obj, &n);
	if (err)
		return err;
	if (r->obj)
		vmo_get(r->obj);
	n->pgoff = r->pgoff;
	move_leaves(vs, r->start, to, MIN(old_size, new_size));
	if (keep) {
		vmr_merge(vs, n);
		return (long)to;
	}
	/* r's pages are in n now: what is left of r goes */
	if (new_size < old_size)
		vmr_unmap_pages(vs, r, r->start + new_size, r->end);
	WRITE_ONCE(vs->vsz, vs->vsz - old_size);
	vmr_free(vs, r);
	vmr_merge(vs, n);
	return (long)to;
}

long vm_mremap(struct vmspace *vs, vaddr_t old, size_t old_len,
	       size_t new_len, unsigned flags, vaddr_t new_addr,
	       uint64_t as_limit)
{
	size_t old_size = ALIGN_UP(old_len, PAGE_SIZE);
	size_t new_size = ALIGN_UP(new_len, PAGE_SIZE);
	bool keep = flags & MREMAP_DONTUNMAP;
	struct vmr *r;
	long ret;

	if ((flags & ~(MREMAP_MAYMOVE | MREMAP_FIXED | MREMAP_DONTUNMAP)) ||
	    ((flags & (MREMAP_FIXED | MREMAP_DONTUNMAP)) &&
	     !(flags & MREMAP_MAYMOVE)) ||
	    ((flags & MREMAP_DONTUNMAP) && old_len != new_len) ||
	    !IS_ALIGNED(old, PAGE_SIZE) || new_size == 0 || old_size == 0 ||
	    (new_len && !new_size) || (old_len && !old_size))
		return -EINVAL;
	if (old + old_size < old || old + old_size > USER_TOP ||
	    new_size > USER_TOP)
		return -EFAULT;
	if (flags & MREMAP_FIXED) {
		if (!IS_ALIGNED(new_addr, PAGE_SIZE) ||
		    new_addr + new_size < new_addr || new_addr + new_size > USER_TOP)
			return -EINVAL;
		if (new_addr < old + old_size && old < new_addr + new_size)
			return -EINVAL; /* overlap */
	}
	mutex_lock(&vs->lock);
	r = vmr_find(vs, old);
	ret = -EFAULT;
	if (!r || old + old_size > r->end)
		goto out;
	if (flags & MREMAP_FIXED) {
		ret = -ENOMEM;
		if (!can_grow(r, old - r->start + new_size) ||
		    vs->vsz - (keep ? 0 : old_size) + new_size > as_limit)
			goto out;
		ret = vm_unmap_locked(vs, new_addr, new_addr + new_size);
		if (!ret)
			ret = vmr_isolate(vs, old, old + old_size);
		if (!ret)
			ret = move_region(vs, vmr_find(vs, old), new_addr,
					  old_size, new_size, keep);
		goto out;
	}
	if (keep) {
		vaddr_t to = vm_find_area(vs, 0, new_size);

		ret = -ENOMEM;
		if (to && vs->vsz + new_size <= as_limit)
			ret = vmr_isolate(vs, old, old + old_size);
		if (!ret)
			ret = move_region(vs, vmr_find(vs, old), to, old_size,
					  new_size, true);
		goto out;
	}
	if (new_size <= old_size) {
		ret = vm_unmap_locked(vs, old + new_size, old + old_size);
		if (!ret)
			ret = (long)old;
		goto out;
	}
	ret = -ENOMEM;
	if (!can_grow(r, old - r->start + new_size) ||
	    vs->vsz + (new_size - old_size) > as_limit)
		goto out;
	if (old + old_size == r->end &&
	    (vmr_next(vs, r) == NULL ||
	     vmr_next(vs, r)->start >= old + new_size) &&
	    old + new_size <= USER_TOP && !(r->flags & VMR_F_GROWSDOWN)) {
		/* grow in place */
		WRITE_ONCE(vs->vsz, vs->vsz + (new_size - old_size));
		r->end = old + new_size;
		ret = (long)old;
		goto out;
	}
	if (flags & MREMAP_MAYMOVE) {
		vaddr_t to = vm_find_area(vs, 0, new_size);

		ret = to ? vmr_isolate(vs, old, old + old_size) : -ENOMEM;
		if (!ret)
			ret = move_region(vs, vmr_find(vs, old), to, old_size,
					  new_size, false);
	}
out:
	mutex_unlock(&vs->lock);
	return ret;
}
