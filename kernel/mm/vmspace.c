/*
 * vmspace.c - user address spaces (see mm/vmspace.h for the model, the
 * lifetime rule and the locks).
 *
 * Frames of user pages are allocated with PMM_USER, so the pmm's user
 * counter says how much memory processes hold, and every one is freed
 * when its region is unmapped or the space destroyed: always after the
 * TLB shootdown of the range on every hart in vs->active, never before,
 * so no hart can still reach a frame through a stale entry once it is
 * reused. Page-table pages that an unmap leaves empty go the same way.
 *
 * Requests that cannot succeed fail before they take anything: a brk or
 * fork needing more frames than are free, or a brk past the address-space
 * limit, returns at once instead of taking every free frame first (and
 * making a bystander's allocation fail meanwhile).
 */
#include "arch/arch.h"
#include "kernel/cpu.h"
#include "kernel/panic.h"
#include "lib/string.h"
#include "mm/kmalloc.h"
#include "mm/memlayout.h"
#include "mm/pmm.h"
#include "mm/vmspace.h"
#include "uapi/errno.h"

/* Frames a mapping of n pages may need beyond the pages themselves:
 * a leaf table per 512 pages and the tables above (an estimate for the
 * fail-fast checks, not a reservation). */
#define TABLES_FOR(n) ((n) / 512 + 3)

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
	mutex_init(&vs->lock, "vmspace");
	vs->refs = 1;
	list_init(&vs->regions);
	return vs;
}

void vmspace_switch(struct vmspace *next)
{
	struct cpu *c = mycpu();
	struct vmspace *prev = c->vm;
	uint64_t bit = 1UL << c->id;

	assert(!arch_intr_get());
	if (prev == next)
		return;
	/* set our bit before the first walk of next's tables: a shooter
	 * that clears an entry and then misses the bit has its change
	 * seen by every walk we make after this */
	if (next)
		__atomic_fetch_or(&next->active, bit, __ATOMIC_SEQ_CST);
	c->vm = next;
	arch_set_pagetable(V2P(next ? next->root : kernel_root));
	/* the switch flushed every entry of prev on this hart */
	if (prev)
		__atomic_fetch_and(&prev->active, ~bit, __ATOMIC_SEQ_CST);
}

/* Flush [va, va+size) of vs from every hart that has it installed. */
static void vmspace_shootdown(struct vmspace *vs, vaddr_t va, size_t size)
{
	uint64_t mask;

	push_off(); /* the mask and our hart id must agree */
	__atomic_thread_fence(__ATOMIC_SEQ_CST); /* the cleared entries first */
	mask = __atomic_load_n(&vs->active, __ATOMIC_SEQ_CST);
	if (mask)
		arch_tlb_shootdown_mask(mask, va, size);
	pop_off();
}

/* Unmap [start, end) and free its frames and emptied tables, a batch at
 * a time: clear, shoot down, then free. vs->lock held. */
static void unmap_range(struct vmspace *vs, vaddr_t start, vaddr_t end)
{
	struct pt_gather g;

	while (start < end) {
		vaddr_t next;

		pt_gather_init(&g);
		next = pt_clear_range(vs->root, start, end, &g);
		vmspace_shootdown(vs, start, next - start);
		for (int i = 0; i < g.nframes; i++)
			pmm_free_pages(pa_to_page(g.frames[i]), 0);
		pt_gather_free_tables(&g);
		start = next;
	}
}

static void vmspace_destroy(struct vmspace *vs)
{
	/* the last reference is gone, and nobody drops one while its
	 * hart still has the space installed */
	assert(__atomic_load_n(&vs->active, __ATOMIC_SEQ_CST) == 0);
	mutex_lock(&vs->lock);
	while (!list_empty(&vs->regions)) {
		struct vmr *r = list_entry(list_pop_front(&vs->regions),
					   struct vmr, link);

		unmap_range(vs, r->start, r->end);
		kfree(r);
	}
	mutex_unlock(&vs->lock);
	pt_destroy(vs->root);
	kfree(vs);
}

void vmspace_get(struct vmspace *vs)
{
	uint32_t old = __atomic_fetch_add(&vs->refs, 1, __ATOMIC_RELAXED);

	assert(old > 0);
}

void vmspace_put(struct vmspace *vs)
{
	uint32_t old = __atomic_fetch_sub(&vs->refs, 1, __ATOMIC_ACQ_REL);

	assert(old > 0);
	if (old == 1)
		vmspace_destroy(vs);
}

/* Map fresh zeroed frames at [start, end). vs->lock held. */
static int map_fresh(struct vmspace *vs, vaddr_t start, vaddr_t end,
		     unsigned prot)
{
	for (vaddr_t va = start; va < end; va += PAGE_SIZE) {
		struct page *p = pmm_alloc_pages(0, PMM_USER | PMM_ZERO);

		if (!p || pt_map(vs->root, va, page_to_pa(p), PAGE_SIZE, prot)) {
			if (p)
				pmm_free_pages(p, 0);
			unmap_range(vs, start, va);
			return -ENOMEM;
		}
	}
	return 0;
}

/* First region that ends after va, or the list head. vs->lock held. */
static struct list_node *region_after(struct vmspace *vs, vaddr_t va)
{
	struct list_node *it;

	list_for_each(it, &vs->regions)
		if (list_entry(it, struct vmr, link)->end > va)
			break;
	return it;
}

/* Pages mapped in all, vs->lock held (or a racy estimate without). */
static uint64_t pages_total(const struct vmspace *vs)
{
	uint64_t n = 0;

	for (int k = 0; k < VMR_NKINDS; k++)
		n += READ_ONCE(vs->pages[k]);
	return n;
}

/* Could n more pages (and their tables) come from free memory now? */
static bool frames_available(uint64_t n)
{
	return n + TABLES_FOR(n) <= pmm_free_count();
}

int vmspace_map(struct vmspace *vs, vaddr_t start, vaddr_t end, unsigned prot,
		enum vmr_kind kind)
{
	struct vmr *r;
	struct list_node *next;
	int err;

	if (start >= end || end > USER_TOP || start < USER_MIN ||
	    !IS_ALIGNED(start | end, PAGE_SIZE))
		return -EINVAL;
	r = kmalloc(sizeof(*r));
	if (!r)
		return -ENOMEM;
	mutex_lock(&vs->lock);
	next = region_after(vs, start);
	if (next != &vs->regions &&
	    list_entry(next, struct vmr, link)->start < end) {
		err = -EEXIST;
		goto fail;
	}
	err = -ENOMEM;
	if (!frames_available((end - start) / PAGE_SIZE))
		goto fail;
	err = map_fresh(vs, start, end, prot | VM_USER);
	if (err)
		goto fail;
	r->start = start;
	r->end = end;
	r->prot = prot | VM_USER;
	r->kind = kind;
	list_insert_between(&r->link, next->prev, next);
	WRITE_ONCE(vs->pages[kind], vs->pages[kind] + (end - start) / PAGE_SIZE);
	mutex_unlock(&vs->lock);
	return 0;
fail:
	mutex_unlock(&vs->lock);
	kfree(r);
	return err;
}

/* Copy the frames of region pr of parent into vs. Both locked (vs is
 * new and private). */
static int copy_region(struct vmspace *vs, struct vmspace *parent,
		       const struct vmr *pr)
{
	for (vaddr_t va = pr->start; va < pr->end; va += PAGE_SIZE) {
		struct page *p;
		paddr_t src;

		if (!pt_walk(parent->root, va, &src, NULL))
			continue; /* an empty heap region */
		p = pmm_alloc_pages(0, PMM_USER);
		if (!p)
			return -ENOMEM;
		memcpy(page_to_va(p), P2V(src), PAGE_SIZE);
		if (pt_map(vs->root, va, page_to_pa(p), PAGE_SIZE, pr->prot)) {
			pmm_free_pages(p, 0);
			return -ENOMEM;
		}
	}
	return 0;
}

struct vmspace *vmspace_fork(struct vmspace *parent)
{
	struct vmspace *vs;
	struct list_node *it;

	if (!frames_available(pages_total(parent)))
		return NULL; /* fail fast: the copy cannot fit */
	vs = vmspace_create();
	if (!vs)
		return NULL;
	mutex_lock(&parent->lock);
	list_for_each(it, &parent->regions) {
		struct vmr *pr = list_entry(it, struct vmr, link);
		struct vmr *r = kmalloc(sizeof(*r));

		if (!r)
			goto fail;
		*r = *pr;
		list_push_back(&vs->regions, &r->link);
		if (copy_region(vs, parent, pr))
			goto fail;
	}
	vs->heap_start = parent->heap_start;
	vs->brk = parent->brk;
	vs->heap_limit = parent->heap_limit;
	memcpy(vs->pages, parent->pages, sizeof(vs->pages));
	mutex_unlock(&parent->lock);
	return vs;
fail:
	mutex_unlock(&parent->lock);
	vmspace_put(vs); /* frees whatever was copied */
	return NULL;
}

int vmspace_init_heap(struct vmspace *vs, vaddr_t start, uint64_t stack_reserve)
{
	struct vmr *r = kmalloc(sizeof(*r));
	struct list_node *next;
	uint64_t reserve = MIN(MAX(stack_reserve, (uint64_t)USER_STACK_SIZE),
			       USER_TOP / 4);

	if (!r)
		return -ENOMEM;
	assert(IS_ALIGNED(start, PAGE_SIZE));
	mutex_lock(&vs->lock);
	next = region_after(vs, start);
	r->start = r->end = start; /* empty until brk grows it */
	r->prot = VM_READ | VM_WRITE | VM_USER;
	r->kind = VMR_HEAP;
	list_insert_between(&r->link, next->prev, next);
	vs->heap_start = vs->brk = start;
	vs->heap_limit = ALIGN_DOWN(USER_STACK_TOP - reserve - STACK_GUARD_GAP,
				    PAGE_SIZE);
	mutex_unlock(&vs->lock);
	return 0;
}

/* The heap region, or NULL. vs->lock held. */
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

/* Grow the heap from old_end to new_end; 0 or an error. vs->lock held. */
static int heap_grow(struct vmspace *vs, vaddr_t old_end, vaddr_t new_end,
		     uint64_t as_limit)
{
	struct list_node *next = region_after(vs, old_end);
	uint64_t n = (new_end - old_end) / PAGE_SIZE;

	if (next != &vs->regions &&
	    list_entry(next, struct vmr, link)->start < new_end)
		return -ENOMEM; /* would run into another region */
	if (as_limit != RLIM_INF &&
	    (pages_total(vs) + n) * PAGE_SIZE > as_limit)
		return -ENOMEM;
	if (!frames_available(n))
		return -ENOMEM;
	return map_fresh(vs, old_end, new_end, VM_READ | VM_WRITE | VM_USER);
}

vaddr_t vmspace_brk(struct vmspace *vs, vaddr_t addr, uint64_t as_limit)
{
	vaddr_t ret;
	vaddr_t old_end, new_end;
	struct vmr *heap;

	mutex_lock(&vs->lock);
	ret = vs->brk;
	if (addr == 0 || addr < vs->heap_start || addr > vs->heap_limit)
		goto out;
	heap = heap_region(vs);
	old_end = ALIGN_UP(vs->brk, PAGE_SIZE);
	new_end = ALIGN_UP(addr, PAGE_SIZE);
	if (new_end > old_end) {
		if (heap_grow(vs, old_end, new_end, as_limit))
			goto out;
	} else if (new_end < old_end) {
		unmap_range(vs, new_end, old_end);
	}
	WRITE_ONCE(vs->pages[VMR_HEAP], (new_end - vs->heap_start) / PAGE_SIZE);
	if (heap)
		heap->end = new_end > heap->start ? new_end : heap->start;
	vs->brk = ret = addr;
out:
	mutex_unlock(&vs->lock);
	return ret;
}

void vmspace_pages(struct vmspace *vs, uint64_t out[VMR_NKINDS],
		   uint64_t *tables)
{
	for (int k = 0; k < VMR_NKINDS; k++)
		out[k] = READ_ONCE(vs->pages[k]);
	*tables = pt_nr_tables(vs->root);
}

uint64_t vmspace_size(struct vmspace *vs)
{
	return pages_total(vs) * PAGE_SIZE;
}
