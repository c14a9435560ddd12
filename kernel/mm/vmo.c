/*
 * vmo.c - user frames and memory objects (see mm/vmo.h for the model,
 * the counts and the locks).
 *
 * A shared object's table entry is one word:
 *
 *   0                 nothing yet (or removed): a fault makes a zeroed frame
 *   struct page *     bit 0 clear: the frame, held with a reference
 *   slot << 1 | 1     bit 0 set: the page is in that swap slot, whose
 *                     reference the entry holds; a fault reads it back
 */
#include "kernel/panic.h"
#include "lib/string.h"
#include "mm/kmalloc.h"
#include "mm/pmm.h"
#include "mm/reclaim.h"
#include "mm/swap.h"
#include "mm/vmo.h"
#include "mm/vmspace.h"
#include "uapi/errno.h"

#define DIR_LEAF (1UL << VMO_DIR_SHIFT)

static inline bool ent_is_slot(uintptr_t e)
{
	return e & 1;
}

static inline uint64_t ent_slot(uintptr_t e)
{
	return e >> 1;
}

static inline struct page *ent_page(uintptr_t e)
{
	return (struct page *)e;
}

static inline uintptr_t ent_of_slot(uint64_t slot)
{
	return (uintptr_t)(slot << 1 | 1);
}

static inline uintptr_t ent_of_page(const struct page *pg)
{
	return (uintptr_t)pg;
}

static uint64_t nr_shared;  /* [atomic] counted frames with refcount >= 2 */
static char zero_page[PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));

/* ---- user frames ------------------------------------------------------ */

struct page *uframe_alloc(bool zero)
{
	struct page *pg = pmm_alloc_pages(0, PMM_USER);

	if (!pg)
		return NULL;
	pg->rmap_family = NULL; /* not reclaimable until tracked */
	if (zero)
		page_zero(page_to_va(pg));
	return pg;
}

void uframe_get(struct page *pg)
{
	if (pg->flags & PG_RESERVED)
		return;
	if (__atomic_fetch_add(&pg->refcount, 1, __ATOMIC_RELAXED) == 1)
		__atomic_add_fetch(&nr_shared, 1, __ATOMIC_RELAXED);
}

void uframe_put(struct page *pg)
{
	uint32_t old;

	if (pg->flags & PG_RESERVED)
		return;
	old = __atomic_fetch_sub(&pg->refcount, 1, __ATOMIC_ACQ_REL);
	assert(old > 0);
	if (old == 2) {
		__atomic_sub_fetch(&nr_shared, 1, __ATOMIC_RELAXED);
	} else if (old == 1) {
		if (pg->flags & PG_LRU)
			reclaim_untrack(pg);
		pmm_free_pages(pg, 0);
	}
}

void uframe_shared_add(uint64_t n)
{
	__atomic_add_fetch(&nr_shared, n, __ATOMIC_RELAXED);
}

uint64_t uframe_shared_count(void)
{
	return __atomic_load_n(&nr_shared, __ATOMIC_RELAXED);
}

paddr_t zero_frame_pa(void)
{
	return V2P(zero_page);
}

void page_zero(void *dst)
{
	uint64_t *d = dst, *end = d + PAGE_SIZE / 8;

	for (; d < end; d += 16) {
		d[0] = 0, d[1] = 0, d[2] = 0, d[3] = 0;
		d[4] = 0, d[5] = 0, d[6] = 0, d[7] = 0;
		d[8] = 0, d[9] = 0, d[10] = 0, d[11] = 0;
		d[12] = 0, d[13] = 0, d[14] = 0, d[15] = 0;
	}
}

void page_copy(void *dst, const void *src)
{
	uint64_t *d = dst, *end = d + PAGE_SIZE / 8;
	const uint64_t *s = src;

	for (; d < end; d += 8, s += 8) {
		uint64_t a = s[0], b = s[1], c = s[2], e = s[3];
		uint64_t f = s[4], g = s[5], h = s[6], k = s[7];

		d[0] = a, d[1] = b, d[2] = c, d[3] = e;
		d[4] = f, d[5] = g, d[6] = h, d[7] = k;
	}
}

/* ---- memory objects --------------------------------------------------- */

static struct vmo *vmo_alloc(enum vmo_type type, uint64_t npages)
{
	struct vmo *o = kzalloc(sizeof(*o));

	if (!o)
		return NULL;
	o->type = type;
	o->refs = 1;
	o->npages = npages;
	mutex_init(&o->lock, "vmo");
	list_init(&o->regions);
	return o;
}

struct vmo *vmo_create_image(const uint8_t *base, uint64_t lo, uint64_t hi,
			     uint64_t npages)
{
	struct vmo *o = vmo_alloc(VMO_IMAGE, npages);

	if (!o)
		return NULL;
	o->base = base;
	o->lo = lo;
	o->hi = hi;
	o->direct = lo == 0 && IS_ALIGNED((uintptr_t)base, PAGE_SIZE);
	return o;
}

void vmo_image_fill(const struct vmo *o, uint64_t idx, void *dst)
{
	uint64_t first = idx * PAGE_SIZE, last = first + PAGE_SIZE;
	uint64_t from = MAX(first, o->lo), to = MIN(last, o->hi);

	assert(o->type == VMO_IMAGE);
	if (from >= to) { /* bss, or past the object (mremap grew it) */
		page_zero(dst);
		return;
	}
	if (from == first && to == last && IS_ALIGNED((uintptr_t)(o->base + from), 8)) {
		page_copy(dst, o->base + from);
		return;
	}
	memset(dst, 0, from - first);
	memcpy((char *)dst + (from - first), o->base + from, to - from);
	memset((char *)dst + (to - first), 0, last - to);
}

paddr_t vmo_image_frame(const struct vmo *o, uint64_t idx)
{
	assert(o->type == VMO_IMAGE);
	if (!o->direct || (idx + 1) * PAGE_SIZE > o->hi)
		return 0;
	return V2P(o->base + idx * PAGE_SIZE);
}

struct vmo *vmo_create_shared(uint64_t npages)
{
	struct vmo *o;
	uint64_t nleaves = (npages + DIR_LEAF - 1) >> VMO_DIR_SHIFT;

	if (npages == 0 || npages > VMO_MAX_PAGES)
		return NULL;
	o = vmo_alloc(VMO_SHARED, npages);
	if (!o)
		return NULL;
	o->dir = kzalloc(nleaves * sizeof(*o->dir));
	if (!o->dir) {
		kfree(o);
		return NULL;
	}
	return o;
}

void vmo_get(struct vmo *o)
{
	uint32_t old = __atomic_fetch_add(&o->refs, 1, __ATOMIC_RELAXED);

	assert(old > 0);
}

bool vmo_tryget(struct vmo *o)
{
	uint32_t n = __atomic_load_n(&o->refs, __ATOMIC_RELAXED);

	while (n)
		if (__atomic_compare_exchange_n(&o->refs, &n, n + 1, false,
						__ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
			return true;
	return false;
}

static bool vmo_is_shared(const struct vmo *o)
{
	return o && o->type == VMO_SHARED;
}

void vmo_attach(struct vmr *r)
{
	struct vmo *o = r->obj;

	if (!vmo_is_shared(o))
		return;
	assert(r->vs && mutex_holding(&r->vs->lock));
	mutex_lock(&o->lock);
	list_push_back(&o->regions, &r->obj_link);
	mutex_unlock(&o->lock);
}

void vmo_detach(struct vmr *r)
{
	struct vmo *o = r->obj;

	if (!vmo_is_shared(o))
		return;
	mutex_lock(&o->lock);
	list_remove(&r->obj_link);
	mutex_unlock(&o->lock);
}

/* Call fn on every entry in use of the shared object in [first,
 * first+n); o->lock held (or the object is the caller's alone). */
static void shared_each(struct vmo *o, uint64_t first, uint64_t n,
			void (*fn)(struct vmo *, uintptr_t *))
{
	uint64_t end = MIN(first + n, o->npages);

	for (uint64_t i = first; i < end;) {
		uintptr_t *leaf = o->dir[i >> VMO_DIR_SHIFT];
		uint64_t leaf_end = MIN(ALIGN_DOWN(i, DIR_LEAF) + DIR_LEAF, end);

		for (; leaf && i < leaf_end; i++)
			if (leaf[i & (DIR_LEAF - 1)])
				fn(o, &leaf[i & (DIR_LEAF - 1)]);
		i = leaf_end;
	}
}

/* Entry *e, in use, becomes empty: its frame or slot is put. */
static void ent_drop(struct vmo *o, uintptr_t *e)
{
	if (ent_is_slot(*e)) {
		swap_put(ent_slot(*e));
		o->swapped--;
	} else {
		uframe_put(ent_page(*e));
		o->resident--;
	}
	*e = 0;
}

/* MADV_REMOVE: a frame stays and is zeroed; a slot goes (the page then
 * reads zero: a fault makes a zeroed frame). */
static void ent_zero(struct vmo *o, uintptr_t *e)
{
	if (ent_is_slot(*e))
		ent_drop(o, e);
	else
		page_zero(page_to_va(ent_page(*e)));
}

void vmo_shared_zero(struct vmo *o, uint64_t first, uint64_t n)
{
	assert(o->type == VMO_SHARED);
	mutex_lock(&o->lock);
	shared_each(o, first, n, ent_zero);
	mutex_unlock(&o->lock);
}

void vmo_put(struct vmo *o)
{
	uint32_t old = __atomic_fetch_sub(&o->refs, 1, __ATOMIC_ACQ_REL);

	assert(old > 0);
	if (old != 1)
		return;
	if (o->type != VMO_SHARED) {
		kfree(o);
		return;
	}
	/* the last reference: no region maps it and no reclaimer will
	 * look (vmo_tryget fails), but one may still hold a frame whose
	 * reverse map points here, so the struct goes through the gc */
	assert(list_empty(&o->regions));
	shared_each(o, 0, o->npages, ent_drop);
	assert(o->resident == 0 && o->swapped == 0);
	for (uint64_t i = 0; i < (o->npages + DIR_LEAF - 1) >> VMO_DIR_SHIFT; i++)
		if (o->dir[i])
			pmm_free_page(o->dir[i]);
	kfree(o->dir);
	reclaim_free_later(&o->dead, o);
}

/* Entry e of page idx holds a slot: read it into a new frame, which
 * takes the slot's place. 0, -ENOMEM or -EIO (the slot stays). */
static int shared_swapin(struct vmo *o, uint64_t idx, uintptr_t *e)
{
	struct page *pg = uframe_alloc(false);
	uint64_t slot = ent_slot(*e);

	if (!pg)
		return -ENOMEM;
	if (swap_in(slot, pg)) {
		uframe_put(pg);
		return -EIO;
	}
	swap_put(slot);
	o->swapped--;
	*e = ent_of_page(pg);
	o->resident++;
	reclaim_track_obj(pg, o, idx);
	return 0;
}

int vmo_shared_page(struct vmo *o, uint64_t idx, struct page **out)
{
	uintptr_t *leaf, *e;
	struct page *pg;
	int err = -ENOMEM;

	assert(o->type == VMO_SHARED && idx < o->npages);
	mutex_lock(&o->lock);
	leaf = o->dir[idx >> VMO_DIR_SHIFT];
	if (!leaf) {
		leaf = pmm_alloc_page(PMM_ZERO);
		if (!leaf)
			goto out;
		o->dir[idx >> VMO_DIR_SHIFT] = leaf;
	}
	e = &leaf[idx & (DIR_LEAF - 1)];
	if (ent_is_slot(*e)) {
		err = shared_swapin(o, idx, e);
		if (err)
			goto out;
	} else if (!*e) {
		pg = uframe_alloc(true);
		if (!pg)
			goto out;
		*e = ent_of_page(pg);
		o->resident++;
		reclaim_track_obj(pg, o, idx);
	}
	pg = ent_page(*e);
	uframe_get(pg); /* the caller's mapping */
	*out = pg;
	err = 0;
out:
	mutex_unlock(&o->lock);
	return err;
}

/* The entry of page idx, whose leaf exists; o->lock held. */
static uintptr_t *shared_ent(struct vmo *o, uint64_t idx)
{
	uintptr_t *leaf;

	assert(o->type == VMO_SHARED && idx < o->npages &&
	       mutex_holding(&o->lock));
	leaf = o->dir[idx >> VMO_DIR_SHIFT];
	return leaf ? &leaf[idx & (DIR_LEAF - 1)] : NULL;
}

bool vmo_shared_holds(struct vmo *o, uint64_t idx, const struct page *pg)
{
	uintptr_t *e = shared_ent(o, idx);

	return e && *e == ent_of_page(pg);
}

void vmo_shared_set_slot(struct vmo *o, uint64_t idx, uint64_t slot)
{
	uintptr_t *e = shared_ent(o, idx);

	assert(e && *e && !ent_is_slot(*e) && slot);
	*e = ent_of_slot(slot);
	o->resident--;
	o->swapped++;
}
