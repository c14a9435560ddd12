/*
 * vmspace.c - user address spaces: life cycle, copy-on-write fork, the
 * layout exec builds, and accounting (see mm/vmspace.h for the model,
 * the lifetime rule and the locks).
 *
 * Frames leave a space only through vmr_unmap_pages() and the
 * destruction of the space: leaves are cleared first, the range is shot
 * down on every hart in vs->active, and only then are the frames put
 * (freed when no other mapping or object holds them), so no hart can
 * reach a frame through a stale TLB entry once it is reused. Page-table
 * pages that an unmap leaves empty go the same way.
 */
#include "arch/arch.h"
#include "kernel/cpu.h"
#include "kernel/panic.h"
#include "lib/string.h"
#include "mm/kmalloc.h"
#include "mm/memlayout.h"
#include "mm/pmm.h"
#include "mm/reclaim.h"
#include "mm/swap.h"
#include "mm/vmo.h"
#include "mm/vmspace.h"
#include "uapi/errno.h"
#include "uapi/kite.h"

/* Every space, for walks over all of them (aging). */
static struct spinlock spaces_lock = SPINLOCK_INIT("vmspaces");
static struct list_node all_spaces = LIST_INIT(all_spaces); /* [spaces_lock] */

static void spaces_link(struct vmspace *vs)
{
	spin_lock(&spaces_lock);
	list_push_back(&all_spaces, &vs->all_link);
	spin_unlock(&spaces_lock);
}

static void spaces_unlink(struct vmspace *vs)
{
	spin_lock(&spaces_lock);
	list_remove(&vs->all_link);
	spin_unlock(&spaces_lock);
}

/* A space with no regions and no family yet, or NULL. */
static struct vmspace *vmspace_alloc(void)
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
	vs->users = 1;
	list_init(&vs->regions);
	return vs;
}

struct vmspace *vmspace_create(void)
{
	struct vmspace *vs = vmspace_alloc();

	if (!vs)
		return NULL;
	vs->family = family_create(vs); /* a new image: a family of one */
	if (!vs->family) {
		pt_destroy(vs->root);
		kfree(vs);
		return NULL;
	}
	spaces_link(vs);
	return vs;
}

/* A space for a fork: it joins its parent's family. */
static struct vmspace *vmspace_create_child(struct vmspace *parent)
{
	struct vmspace *vs = vmspace_alloc();

	if (!vs)
		return NULL;
	vs->family = parent->family;
	family_join(vs->family, vs);
	spaces_link(vs);
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

void vmspace_shootdown(struct vmspace *vs, vaddr_t va, size_t size)
{
	uint64_t mask;

	push_off(); /* the mask and our hart id must agree */
	__atomic_thread_fence(__ATOMIC_SEQ_CST); /* the cleared entries first */
	mask = __atomic_load_n(&vs->active, __ATOMIC_SEQ_CST);
	if (mask)
		arch_tlb_shootdown_mask(mask, va, size);
	pop_off();
}

void vmr_unmap_pages(struct vmspace *vs, struct vmr *r, vaddr_t start,
		     vaddr_t end)
{
	struct pt_gather g;

	assert(mutex_holding(&vs->lock) && r->start <= start && end <= r->end);
	while (start < end) {
		vaddr_t next;

		pt_gather_init(&g);
		next = pt_clear_range(vs->root, start, end, &g);
		if (g.nframes)
			vmspace_shootdown(vs, start, next - start);
		for (int i = 0; i < g.nframes; i++)
			uframe_put(pa_to_page(g.frames[i]));
		for (int i = 0; i < g.nslots; i++)
			swap_put(g.slots[i]);
		pt_gather_free_tables(&g);
		WRITE_ONCE(vs->pages[r->kind], vs->pages[r->kind] - g.nframes);
		WRITE_ONCE(vs->swapped, vs->swapped - g.nslots);
		start = next;
	}
}

/* Unmap every region of vs (lock held): frames, slots and objects go. */
static void vmspace_empty(struct vmspace *vs)
{
	assert(mutex_holding(&vs->lock));
	while (!list_empty(&vs->regions)) {
		struct vmr *r = list_entry(list_pop_front(&vs->regions),
					   struct vmr, link);

		vmr_unmap_pages(vs, r, r->start, r->end);
		if (r->obj) {
			vmo_detach(r);
			vmo_put(r->obj);
		}
		kfree(r);
	}
	vs->hint = NULL;
	vs->nregions = 0;
	vs->vsz = 0;
}

void vmspace_release(struct vmspace *vs)
{
	if (__atomic_sub_fetch(&vs->users, 1, __ATOMIC_ACQ_REL) == 0) {
		mutex_lock(&vs->lock);
		vmspace_empty(vs);
		mutex_unlock(&vs->lock);
	}
	vmspace_put(vs);
}

void vmspace_share(struct vmspace *vs)
{
	uint32_t old = __atomic_fetch_add(&vs->users, 1, __ATOMIC_RELAXED);

	assert(old > 0);
	vmspace_get(vs);
}

void vmspace_for_each(void (*fn)(struct vmspace *vs, void *arg), void *arg)
{
	struct vmspace *prev = NULL;
	struct list_node *it;

	spin_lock(&spaces_lock);
	for (it = all_spaces.next; it != &all_spaces; it = it->next) {
		struct vmspace *vs = list_entry(it, struct vmspace, all_link);

		if (!vmspace_tryget(vs))
			continue; /* going: its node stays until it is gone */
		spin_unlock(&spaces_lock);
		if (prev)
			vmspace_put(prev);
		fn(vs, arg);
		prev = vs; /* our reference keeps it, and so it, listed */
		spin_lock(&spaces_lock);
	}
	spin_unlock(&spaces_lock);
	if (prev)
		vmspace_put(prev);
}

static void vmspace_destroy(struct vmspace *vs)
{
	/* the last reference is gone, and nobody drops one while its
	 * hart still has the space installed */
	assert(__atomic_load_n(&vs->active, __ATOMIC_SEQ_CST) == 0);
	mutex_lock(&vs->lock);
	vmspace_empty(vs);
	/* every leaf lies in a region: none may be left */
	if (pt_count_range(vs->root, USER_MIN, USER_TOP))
		panic("vmspace: %lu leaves outside every region",
		      (unsigned long)pt_count_range(vs->root, USER_MIN, USER_TOP));
	mutex_unlock(&vs->lock);
	family_leave(vs->family, vs);
	spaces_unlink(vs);
	pt_destroy(vs->root);
	kfree(vs);
}

void vmspace_get(struct vmspace *vs)
{
	uint32_t old = __atomic_fetch_add(&vs->refs, 1, __ATOMIC_RELAXED);

	assert(old > 0);
}

bool vmspace_tryget(struct vmspace *vs)
{
	uint32_t n = __atomic_load_n(&vs->refs, __ATOMIC_RELAXED);

	while (n)
		if (__atomic_compare_exchange_n(&vs->refs, &n, n + 1, false,
						__ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
			return true;
	return false;
}

void vmspace_put(struct vmspace *vs)
{
	uint32_t old = __atomic_fetch_sub(&vs->refs, 1, __ATOMIC_ACQ_REL);

	assert(old > 0);
	if (old == 1)
		vmspace_destroy(vs);
}

/* ---- the region list --------------------------------------------------- */

struct vmr *vmr_after(struct vmspace *vs, vaddr_t va)
{
	struct list_node *it;
	struct vmr *h = vs->hint;

	/* the hint answers most faults: va inside it, or just below the
	 * one region above */
	if (h && h->start <= va && va < h->end)
		return h;
	list_for_each(it, &vs->regions) {
		struct vmr *r = list_entry(it, struct vmr, link);

		if (r->end > va)
			return r;
	}
	return NULL;
}

struct vmr *vmr_find(struct vmspace *vs, vaddr_t va)
{
	struct vmr *r = vmr_after(vs, va);

	if (!r || r->start > va)
		return NULL;
	vs->hint = r;
	return r;
}

struct vmr *vmr_prev(struct vmspace *vs, struct vmr *r)
{
	return r->link.prev == &vs->regions
		       ? NULL
		       : list_entry(r->link.prev, struct vmr, link);
}

/* ---- fork --------------------------------------------------------------- */

/* Give child a copy of region pr of parent; both locked. */
static int fork_region(struct vmspace *vs, struct vmspace *parent,
		       const struct vmr *pr, uint64_t *dup)
{
	struct vmr *r = kmalloc(sizeof(*r));
	long n = 0;

	if (!r)
		return -ENOMEM;
	*r = *pr;
	r->vs = vs;
	r->flags &= ~VMR_F_LOCKED; /* locks are not inherited (Linux) */
	list_init(&r->obj_link); /* not the parent's: attached anew if shared */
	if (r->obj) {
		vmo_get(r->obj);
		vmo_attach(r);
	}
	list_push_back(&vs->regions, &r->link);
	vs->nregions++;
	vs->vsz += r->end - r->start;
	if (!(pr->flags & VMR_F_WIPEONFORK)) {
		uint64_t d = 0, sw = 0;

		n = pt_fork_range(vs->root, parent->root, pr->start, pr->end,
				  pr->flags & VMR_F_SHARED, &d, &sw);
		*dup += d;
		vs->swapped += sw;
		if (n < 0)
			return (int)n;
		vs->pages[pr->kind] += (uint64_t)n;
	}
	return 0;
}

struct vmspace *vmspace_fork(struct vmspace *parent)
{
	struct vmspace *vs = vmspace_create_child(parent);
	struct list_node *it;
	uint64_t dup = 0;
	int err = 0;

	if (!vs)
		return NULL;
	mutex_lock(&parent->lock);
	/* the child is in the family already: a reclaimer may look at it,
	 * so its tables are written with its lock held */
	mutex_lock(&vs->lock);
	list_for_each(it, &parent->regions) {
		struct vmr *pr = list_entry(it, struct vmr, link);

		if (pr->flags & VMR_F_DONTFORK)
			continue;
		err = fork_region(vs, parent, pr, &dup);
		if (err)
			break;
	}
	uframe_shared_add(dup);
	/* the parent's private pages lost W: no hart may keep writing them
	 * through an old entry */
	vmspace_shootdown(parent, 0, USER_TOP);
	vs->heap_start = parent->heap_start;
	vs->brk = parent->brk;
	vs->heap_limit = parent->heap_limit;
	vs->mmap_base = parent->mmap_base;
	mutex_unlock(&vs->lock);
	mutex_unlock(&parent->lock);
	if (err) {
		vmspace_put(vs); /* puts whatever it took */
		return NULL;
	}
	return vs;
}

/* ---- exec's layout ------------------------------------------------------ */

int vmr_insert(struct vmspace *vs, vaddr_t start, vaddr_t end, unsigned prot,
	       enum vmr_kind kind, unsigned flags, struct vmo *obj,
	       struct vmr **out)
{
	struct vmr *next = vmr_after(vs, start), *r;

	assert(mutex_holding(&vs->lock));
	if (start >= end || start < USER_MIN || end > USER_TOP ||
	    !IS_ALIGNED(start | end, PAGE_SIZE))
		return -EINVAL;
	if (next && next->start < end)
		return -EEXIST;
	if (vs->nregions >= VM_MAX_REGIONS)
		return -ENOMEM;
	r = kmalloc(sizeof(*r)); /* every field is set below (mmap's path) */
	if (!r)
		return -ENOMEM;
	r->start = start;
	r->end = end;
	r->prot = prot;
	r->kind = kind;
	r->flags = flags;
	r->obj = obj;
	r->pgoff = 0;
	r->vs = vs;
	list_init(&r->obj_link);
	vmo_attach(r);
	list_insert_between(&r->link, next ? next->link.prev : vs->regions.prev,
			    next ? &next->link : &vs->regions);
	vs->nregions++;
	WRITE_ONCE(vs->vsz, vs->vsz + (end - start));
	if (out)
		*out = r;
	return 0;
}

int vmspace_map_image(struct vmspace *vs, vaddr_t start, vaddr_t end,
		      unsigned prot, enum vmr_kind kind, const uint8_t *base,
		      uint64_t lo, uint64_t hi)
{
	struct vmo *o = vmo_create_image(base, lo, hi, (end - start) / PAGE_SIZE);
	int err;

	if (!o)
		return -ENOMEM;
	mutex_lock(&vs->lock);
	err = vmr_insert(vs, start, end, prot, kind, 0, o, NULL);
	mutex_unlock(&vs->lock);
	if (err)
		vmo_put(o);
	return err;
}

void vmspace_set_layout(struct vmspace *vs, vaddr_t heap_start,
			uint64_t stack_limit)
{
	uint64_t room = MAX(stack_limit, (uint64_t)STACK_INIT_SIZE);
	uint64_t gap = MIN(MAX(room, MMAP_MIN_GAP), USER_TOP / 6 * 5);

	assert(mutex_holding(&vs->lock) && IS_ALIGNED(heap_start, PAGE_SIZE));
	room = MIN(room, USER_TOP / 4);
	vs->heap_start = vs->brk = heap_start;
	vs->heap_limit = ALIGN_DOWN(USER_STACK_TOP - room - STACK_GUARD_GAP,
				    PAGE_SIZE);
	vs->mmap_base = ALIGN_DOWN(USER_STACK_TOP - gap - STACK_GUARD_GAP,
				   PAGE_SIZE);
}

int vmspace_init_layout(struct vmspace *vs, vaddr_t heap_start,
			uint64_t stack_limit)
{
	int err;

	mutex_lock(&vs->lock);
	vmspace_set_layout(vs, heap_start, stack_limit);
	err = vmr_insert(vs, USER_STACK_TOP - STACK_INIT_SIZE, USER_STACK_TOP,
			 VM_READ | VM_WRITE, VMR_STACK, VMR_F_GROWSDOWN, NULL,
			 NULL);
	mutex_unlock(&vs->lock);
	return err;
}

/* ---- accounting ---------------------------------------------------------- */

void vmspace_pages(struct vmspace *vs, uint64_t out[VMR_NKINDS],
		   uint64_t *tables)
{
	for (int k = 0; k < VMR_NKINDS; k++)
		out[k] = READ_ONCE(vs->pages[k]);
	*tables = pt_nr_tables(vs->root);
}

uint64_t vmspace_rss(struct vmspace *vs)
{
	uint64_t n = 0;

	for (int k = 0; k < VMR_NKINDS; k++)
		n += READ_ONCE(vs->pages[k]);
	return n;
}

uint64_t vmspace_size(struct vmspace *vs)
{
	return READ_ONCE(vs->vsz);
}

static uint32_t prot_to_uapi(unsigned prot)
{
	return ((prot & VM_READ) ? PROT_READ : 0) |
	       ((prot & VM_WRITE) ? PROT_WRITE : 0) |
	       ((prot & VM_EXEC) ? PROT_EXEC : 0);
}

long vmspace_regions(struct vmspace *vs, size_t skip, struct kite_region *out,
		     size_t n)
{
	struct list_node *it;
	size_t i = 0;

	mutex_lock(&vs->lock);
	list_for_each(it, &vs->regions) {
		struct vmr *r = list_entry(it, struct vmr, link);

		if (i >= skip && i - skip < n) {
			struct kite_region *e = &out[i - skip];

			memset(e, 0, sizeof(*e));
			e->start = r->start;
			e->end = r->end;
			e->prot = prot_to_uapi(r->prot);
			e->kind = r->kind;
			e->flags = ((r->flags & VMR_F_SHARED) ? KITE_VMF_SHARED : 0) |
				   ((r->flags & VMR_F_GROWSDOWN) ? KITE_VMF_GROWSDOWN : 0) |
				   ((r->flags & VMR_F_LOCKED) ? KITE_VMF_LOCKED : 0);
			e->resident = pt_count_range(vs->root, r->start, r->end);
		}
		i++;
	}
	mutex_unlock(&vs->lock);
	return (long)i;
}
