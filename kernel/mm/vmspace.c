/*
 * vmspace.c - user address spaces (see mm/vmspace.h for the model).
 *
 * Frames of user pages are allocated with PMM_USER, so the pmm's user
 * counter says how much memory processes hold, and every one is freed
 * when its region is unmapped or the space destroyed.
 *
 * User access goes through the page tables rather than through the user
 * mapping: each page is looked up (mapped? user? readable/writable?) and
 * copied through the kernel's direct map. Nothing faults, sstatus.SUM is
 * never needed, and a bad pointer is just -EFAULT.
 */
#include "arch/arch.h"
#include "kernel/panic.h"
#include "lib/string.h"
#include "mm/kmalloc.h"
#include "mm/memlayout.h"
#include "mm/pmm.h"
#include "mm/vmspace.h"
#include "uapi/errno.h"

struct vmspace *vmspace_create(void)
{
	struct vmspace *vs = kzalloc(sizeof(*vs));

	if (!vs)
		return NULL;
	vs->root = pt_create();
	if (!vs->root) {
		kfree(vs);
		return NULL;
	}
	spin_init(&vs->lock, "vmspace");
	list_init(&vs->regions);
	return vs;
}

/* Unmap and free the frames of [start, end). */
static void unmap_free(struct vmspace *vs, vaddr_t start, vaddr_t end)
{
	for (vaddr_t va = start; va < end; va += PAGE_SIZE) {
		paddr_t pa;

		if (pt_walk(vs->root, va, &pa, NULL)) {
			pt_clear(vs->root, va, PAGE_SIZE);
			pmm_free_pages(pa_to_page(pa), 0);
		}
	}
}

void vmspace_destroy(struct vmspace *vs)
{
	while (!list_empty(&vs->regions)) {
		struct vmr *r = list_entry(list_pop_front(&vs->regions),
					   struct vmr, link);

		unmap_free(vs, r->start, r->end);
		kfree(r);
	}
	/* no hart runs on this root any more: a local flush is enough for
	 * the entries this hart may hold */
	arch_tlb_flush_all();
	pt_destroy(vs->root);
	kfree(vs);
}

/* Map fresh zeroed frames at [start, end). Locked. */
static int map_fresh(struct vmspace *vs, vaddr_t start, vaddr_t end,
		     unsigned prot)
{
	for (vaddr_t va = start; va < end; va += PAGE_SIZE) {
		struct page *p = pmm_alloc_pages(0, PMM_USER | PMM_ZERO);

		if (!p || pt_map(vs->root, va, page_to_pa(p), PAGE_SIZE, prot)) {
			if (p)
				pmm_free_pages(p, 0);
			unmap_free(vs, start, va);
			return -ENOMEM;
		}
	}
	return 0;
}

/* First region that ends after va, or the list head. Locked. */
static struct list_node *region_after(struct vmspace *vs, vaddr_t va)
{
	struct list_node *it;

	list_for_each(it, &vs->regions)
		if (list_entry(it, struct vmr, link)->end > va)
			break;
	return it;
}

int vmspace_map(struct vmspace *vs, vaddr_t start, vaddr_t end, unsigned prot,
		enum vmr_kind kind)
{
	struct vmr *r;
	struct list_node *next;
	int err;

	if (start >= end || end > USER_TOP || start < PAGE_SIZE ||
	    !IS_ALIGNED(start | end, PAGE_SIZE))
		return -EINVAL;
	r = kmalloc(sizeof(*r));
	if (!r)
		return -ENOMEM;
	spin_lock(&vs->lock);
	next = region_after(vs, start);
	if (next != &vs->regions &&
	    list_entry(next, struct vmr, link)->start < end) {
		err = -EEXIST;
		goto fail;
	}
	err = map_fresh(vs, start, end, prot | VM_USER);
	if (err)
		goto fail;
	r->start = start;
	r->end = end;
	r->prot = prot | VM_USER;
	r->kind = kind;
	list_insert_between(&r->link, next->prev, next);
	vs->pages[kind] += (end - start) / PAGE_SIZE;
	spin_unlock(&vs->lock);
	return 0;
fail:
	spin_unlock(&vs->lock);
	kfree(r);
	return err;
}

/*
 * Walk [va, va+n) page by page: for each piece call fn(kernel address,
 * offset into the buffer, length). Every page must be mapped with all of
 * the `need` bits. Locked. 0 or -EFAULT (before any piece is done only
 * if the range itself is bad; a copy may be partial otherwise).
 */
static int walk_user(struct vmspace *vs, vaddr_t va, size_t n, unsigned need,
		     void (*fn)(void *kva, size_t off, size_t len, void *arg),
		     void *arg)
{
	size_t done = 0;

	if (va + n < va || va + n > USER_TOP)
		return -EFAULT;
	while (done < n) {
		vaddr_t cur = va + done;
		size_t len = MIN(n - done, PAGE_SIZE - (cur & (PAGE_SIZE - 1)));
		paddr_t pa;
		unsigned prot;

		if (!pt_walk(vs->root, cur, &pa, &prot) || (prot & need) != need)
			return -EFAULT;
		fn(P2V(pa), done, len, arg);
		done += len;
	}
	return 0;
}

static void piece_in(void *kva, size_t off, size_t len, void *dst)
{
	memcpy((char *)dst + off, kva, len);
}

static void piece_out(void *kva, size_t off, size_t len, void *src)
{
	memcpy(kva, (const char *)src + off, len);
}

static void piece_none(void *kva, size_t off, size_t len, void *arg)
{
	(void)kva, (void)off, (void)len, (void)arg;
}

int access_ok(struct vmspace *vs, vaddr_t va, size_t n, bool write)
{
	int err;

	spin_lock(&vs->lock);
	err = walk_user(vs, va, n, VM_USER | (write ? VM_WRITE : VM_READ),
			piece_none, NULL);
	spin_unlock(&vs->lock);
	return err;
}

int vmspace_write(struct vmspace *vs, vaddr_t va, const void *src, size_t n)
{
	int err;

	spin_lock(&vs->lock);
	err = walk_user(vs, va, n, VM_USER, piece_out, (void *)src);
	spin_unlock(&vs->lock);
	return err;
}

int copy_from_user(struct vmspace *vs, void *dst, vaddr_t src, size_t n)
{
	int err;

	spin_lock(&vs->lock);
	err = walk_user(vs, src, n, VM_USER | VM_READ, piece_in, dst);
	spin_unlock(&vs->lock);
	return err;
}

int copy_to_user(struct vmspace *vs, vaddr_t dst, const void *src, size_t n)
{
	int err;

	spin_lock(&vs->lock);
	err = walk_user(vs, dst, n, VM_USER | VM_WRITE, piece_out, (void *)src);
	spin_unlock(&vs->lock);
	return err;
}

long strncpy_from_user(struct vmspace *vs, char *dst, vaddr_t src, size_t max)
{
	size_t i = 0;
	long ret = -ENAMETOOLONG;

	if (max == 0)
		return -ENAMETOOLONG;
	spin_lock(&vs->lock);
	while (i < max) {
		vaddr_t cur = src + i;
		size_t len = MIN(max - i, PAGE_SIZE - (cur & (PAGE_SIZE - 1)));
		paddr_t pa;
		unsigned prot;
		const char *k;

		if (cur < src || cur >= USER_TOP ||
		    !pt_walk(vs->root, cur, &pa, &prot) ||
		    (prot & (VM_USER | VM_READ)) != (VM_USER | VM_READ)) {
			ret = -EFAULT;
			break;
		}
		k = P2V(pa);
		for (size_t j = 0; j < len; j++, i++) {
			dst[i] = k[j];
			if (!k[j]) {
				ret = (long)i;
				goto out;
			}
		}
	}
out:
	spin_unlock(&vs->lock);
	if (ret < 0)
		dst[0] = '\0';
	return ret;
}

struct vmspace *vmspace_fork(struct vmspace *parent)
{
	struct vmspace *vs = vmspace_create();
	struct list_node *it;

	if (!vs)
		return NULL;
	spin_lock(&parent->lock);
	list_for_each(it, &parent->regions) {
		struct vmr *pr = list_entry(it, struct vmr, link);
		struct vmr *r = kmalloc(sizeof(*r));

		if (!r)
			goto fail;
		*r = *pr;
		list_push_back(&vs->regions, &r->link);
		for (vaddr_t va = pr->start; va < pr->end; va += PAGE_SIZE) {
			struct page *p = pmm_alloc_pages(0, PMM_USER);
			paddr_t src;

			if (!p)
				goto fail;
			if (!pt_walk(parent->root, va, &src, NULL))
				panic("vmspace_fork: hole in a region at %p", (void *)va);
			memcpy(page_to_va(p), P2V(src), PAGE_SIZE);
			if (pt_map(vs->root, va, page_to_pa(p), PAGE_SIZE, pr->prot)) {
				pmm_free_pages(p, 0);
				goto fail;
			}
		}
	}
	vs->heap_start = parent->heap_start;
	vs->brk = parent->brk;
	memcpy(vs->pages, parent->pages, sizeof(vs->pages));
	spin_unlock(&parent->lock);
	return vs;
fail:
	spin_unlock(&parent->lock);
	vmspace_destroy(vs); /* frees whatever was copied */
	return NULL;
}

int vmspace_init_heap(struct vmspace *vs, vaddr_t start)
{
	struct vmr *r = kmalloc(sizeof(*r));
	struct list_node *next;

	if (!r)
		return -ENOMEM;
	assert(IS_ALIGNED(start, PAGE_SIZE));
	spin_lock(&vs->lock);
	next = region_after(vs, start);
	r->start = r->end = start; /* empty until brk grows it */
	r->prot = VM_READ | VM_WRITE | VM_USER;
	r->kind = VMR_HEAP;
	list_insert_between(&r->link, next->prev, next);
	vs->heap_start = vs->brk = start;
	spin_unlock(&vs->lock);
	return 0;
}

/* The heap region, or NULL. Locked. */
static struct vmr *heap_region(struct vmspace *vs)
{
	struct list_node *it;

	list_for_each(it, &vs->regions) {
		struct vmr *r = list_entry(it, struct vmr, link);

		if (r->kind == VMR_HEAP)
			return r;
	}
	return NULL;
}

vaddr_t vmspace_brk(struct vmspace *vs, vaddr_t addr)
{
	vaddr_t ret;
	vaddr_t old_end, new_end;
	struct vmr *heap;

	spin_lock(&vs->lock);
	ret = vs->brk;
	if (addr == 0 || addr < vs->heap_start || addr >= USER_STACK_TOP - USER_STACK_SIZE)
		goto out;
	heap = heap_region(vs);
	old_end = ALIGN_UP(vs->brk, PAGE_SIZE);
	new_end = ALIGN_UP(addr, PAGE_SIZE);
	if (new_end > old_end) {
		struct list_node *next = region_after(vs, old_end);

		if (next != &vs->regions &&
		    list_entry(next, struct vmr, link)->start < new_end)
			goto out; /* would run into another region */
		if (map_fresh(vs, old_end, new_end, VM_READ | VM_WRITE | VM_USER))
			goto out;
	} else if (new_end < old_end) {
		unmap_free(vs, new_end, old_end);
		arch_tlb_shootdown(new_end, old_end - new_end);
	}
	vs->pages[VMR_HEAP] = (new_end - vs->heap_start) / PAGE_SIZE;
	if (heap)
		heap->end = new_end > heap->start ? new_end : heap->start;
	vs->brk = ret = addr;
out:
	spin_unlock(&vs->lock);
	return ret;
}

void vmspace_pages(struct vmspace *vs, uint64_t out[VMR_NKINDS])
{
	spin_lock(&vs->lock);
	memcpy(out, vs->pages, sizeof(vs->pages));
	spin_unlock(&vs->lock);
}
