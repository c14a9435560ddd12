/*
 * vmo.c - user frames and memory objects (see mm/vmo.h for the model,
 * the counts and the locks).
 *
 * A shared object's table entry is one word (struct page is 8-aligned,
 * so the low bits of a frame's address are free for tags):
 *
 *   0                 nothing yet (or removed): a fault makes a zeroed frame
 *   struct page *     the frame, held with a reference
 *   struct page * | 2 the frame, on its way to or from the disk: nobody
 *                     may use or change the entry but the thread doing
 *                     the I/O, which has let the object's lock go; others
 *                     wait for it (shared_wait_io)
 *   slot << 1 | 1     the page is in that swap slot, whose reference the
 *                     entry holds; a fault reads it back
 *
 *   empty ──fault──> frame ──reclaim_obj.c──> frame|2 ──write──> slot
 *                      ▲    (entries cleared)      │ write error     │
 *                      ├───────────────────────────┘                 │
 *                      │       read      fault: a new frame          │
 *                      └─────────────── frame|2 <────────────────────┘
 *                                         │ read error: slot again
 *
 * The disk I/O runs with the object unlocked, so other pages of the
 * object can be faulted in and evicted meanwhile (a fault that holds
 * the lock across a read would stall every process that maps the
 * object, and its reclaimers, for the whole read).
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

#define ENT_SLOT 1UL
#define ENT_IO 2UL

static inline bool ent_is_slot(uintptr_t e)
{
	return e & ENT_SLOT;
}

static inline bool ent_in_io(uintptr_t e)
{
	return (e & (ENT_SLOT | ENT_IO)) == ENT_IO;
}

static inline uint64_t ent_slot(uintptr_t e)
{
	return e >> 1;
}

static inline struct page *ent_page(uintptr_t e)
{
	return (struct page *)(e & ~ENT_IO);
}

static inline uintptr_t ent_of_slot(uint64_t slot)
{
	return (uintptr_t)(slot << 1 | ENT_SLOT);
}

static inline uintptr_t ent_of_page(const struct page *pg)
{
	return (uintptr_t)pg;
}

static inline uintptr_t ent_of_io(const struct page *pg)
{
	return (uintptr_t)pg | ENT_IO;
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
		if (pg->flags & (PG_LRU | PG_MLOCKED))
			reclaim_untrack(pg); /* off the list, no stale flag */
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
	spin_init(&o->io_lock, "vmo io");
	wq_init(&o->io_wait, "vmo io");
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

/* The entry of page idx, or NULL if its leaf was never made; o->lock
 * held (or the object is the caller's alone). */
static uintptr_t *shared_ent(struct vmo *o, uint64_t idx)
{
	uintptr_t *leaf;

	assert(o->type == VMO_SHARED && idx < o->npages);
	leaf = o->dir[idx >> VMO_DIR_SHIFT];
	return leaf ? &leaf[idx & (DIR_LEAF - 1)] : NULL;
}

/* An entry is in I/O: let the object go until some I/O on it ends, then
 * lock it again (the caller looks at its entry afresh). o->lock held. */
static void shared_wait_io(struct vmo *o)
{
	uint64_t seq = o->io_seq; /* changes only with o->lock held too */

	mutex_unlock(&o->lock);
	spin_lock(&o->io_lock);
	while (o->io_seq == seq) /* the disk ends it: a kill need not */
		wq_sleep_uninterruptible(&o->io_wait, &o->io_lock);
	spin_unlock(&o->io_lock);
	mutex_lock(&o->lock);
}

/* An entry's I/O has ended (its new value is in place): wake the
 * waiters. o->lock held. */
static void shared_io_done(struct vmo *o)
{
	assert(mutex_holding(&o->lock));
	spin_lock(&o->io_lock);
	o->io_seq++;
	spin_unlock(&o->io_lock);
	wq_wake_all(&o->io_wait);
}

/* Entry *e, in use, becomes empty: its frame or slot is put. */
static void ent_drop(struct vmo *o, uintptr_t *e)
{
	assert(!ent_in_io(*e));
	if (ent_is_slot(*e)) {
		swap_put(ent_slot(*e));
		o->swapped--;
	} else {
		uframe_put(ent_page(*e));
		o->resident--;
	}
	*e = 0;
}

void vmo_shared_zero(struct vmo *o, uint64_t first, uint64_t n)
{
	uint64_t end = MIN(first + n, o->npages);

	assert(o->type == VMO_SHARED);
	mutex_lock(&o->lock);
	for (uint64_t i = first; i < end; i++) {
		uintptr_t *e = shared_ent(o, i);

		if (!e) { /* no leaf: nothing up to its end */
			i = ALIGN_DOWN(i, DIR_LEAF) + DIR_LEAF - 1;
			continue;
		}
		while (ent_in_io(*e))
			shared_wait_io(o);
		/* a frame stays and reads zero; a slot goes (a fault then
		 * makes a zeroed frame) */
		if (ent_is_slot(*e))
			ent_drop(o, e);
		else if (*e)
			page_zero(page_to_va(ent_page(*e)));
	}
	mutex_unlock(&o->lock);
}

void vmo_put(struct vmo *o)
{
	uint32_t old = __atomic_fetch_sub(&o->refs, 1, __ATOMIC_ACQ_REL);
	uint64_t nleaves = (o->npages + DIR_LEAF - 1) >> VMO_DIR_SHIFT;

	assert(old > 0);
	if (old != 1)
		return;
	if (o->type != VMO_SHARED) {
		kfree(o);
		return;
	}
	/* the last reference: no region maps it, no I/O runs (a fault's
	 * region or a reclaimer's reference would keep it) and no
	 * reclaimer will look (vmo_tryget fails); one may still hold a
	 * frame whose reverse map points here, so the struct goes through
	 * the reclaimers' gc */
	assert(list_empty(&o->regions));
	for (uint64_t l = 0; l < nleaves; l++) {
		uintptr_t *leaf = o->dir[l];

		for (uint64_t i = 0; leaf && i < DIR_LEAF; i++)
			if (leaf[i])
				ent_drop(o, &leaf[i]);
		if (leaf)
			pmm_free_page(leaf);
	}
	assert(o->resident == 0 && o->swapped == 0);
	kfree(o->dir);
	reclaim_free_later(&o->dead, o);
}

/* Entry e of page idx holds a slot: read it into a new frame, which
 * takes the slot's place. The entry is in I/O while the object is let
 * go for the read. 0, -ENOMEM or -EIO (the slot stays). */
static int shared_swapin(struct vmo *o, uint64_t idx, uintptr_t *e)
{
	struct page *pg = uframe_alloc(false);
	uint64_t slot = ent_slot(*e);
	int err;

	if (!pg)
		return -ENOMEM;
	*e = ent_of_io(pg);
	mutex_unlock(&o->lock);
	err = swap_in(slot, pg);
	mutex_lock(&o->lock);
	assert(*e == ent_of_io(pg)); /* nobody else changes it */
	if (err) {
		*e = ent_of_slot(slot);
		shared_io_done(o);
		uframe_put(pg);
		return -EIO;
	}
	*e = ent_of_page(pg);
	swap_put(slot);
	o->swapped--;
	o->resident++;
	reclaim_track_obj(pg, o, idx);
	shared_io_done(o);
	return 0;
}

/* vmo_shared_page, or with make false vmo_shared_find. */
static int shared_get(struct vmo *o, uint64_t idx, bool make,
		      struct page **out)
{
	uintptr_t *leaf, *e;
	struct page *pg;
	int err = -ENOMEM;

	assert(o->type == VMO_SHARED && idx < o->npages);
	mutex_lock(&o->lock);
	leaf = o->dir[idx >> VMO_DIR_SHIFT];
	if (!leaf && !make) {
		*out = NULL;
		err = 0;
		goto out;
	}
	if (!leaf) {
		leaf = pmm_alloc_page(PMM_ZERO);
		if (!leaf)
			goto out;
		o->dir[idx >> VMO_DIR_SHIFT] = leaf;
	}
	e = &leaf[idx & (DIR_LEAF - 1)]; /* leaves stay while o lives */
	for (;;) {
		if (ent_in_io(*e)) {
			shared_wait_io(o);
		} else if (ent_is_slot(*e)) {
			err = shared_swapin(o, idx, e);
			if (err)
				goto out;
		} else {
			break;
		}
	}
	if (!*e && !make) {
		*out = NULL; /* never written: zero */
		err = 0;
		goto out;
	}
	if (!*e) {
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

int vmo_shared_page(struct vmo *o, uint64_t idx, struct page **out)
{
	return shared_get(o, idx, true, out);
}

int vmo_shared_find(struct vmo *o, uint64_t idx, struct page **out)
{
	return shared_get(o, idx, false, out);
}

bool vmo_shared_resident(struct vmo *o, uint64_t idx)
{
	uintptr_t *e;
	bool in;

	mutex_lock(&o->lock);
	e = shared_ent(o, idx);
	in = e && *e && !ent_is_slot(*e);
	mutex_unlock(&o->lock);
	return in;
}

bool vmo_shared_holds(struct vmo *o, uint64_t idx, const struct page *pg)
{
	uintptr_t *e;

	assert(mutex_holding(&o->lock));
	e = shared_ent(o, idx);
	return e && *e == ent_of_page(pg);
}

void vmo_shared_begin_out(struct vmo *o, uint64_t idx)
{
	uintptr_t *e;

	assert(mutex_holding(&o->lock));
	e = shared_ent(o, idx);
	assert(e && *e && !ent_is_slot(*e) && !ent_in_io(*e));
	*e |= ENT_IO;
}

void vmo_shared_end_out(struct vmo *o, uint64_t idx, uint64_t slot)
{
	uintptr_t *e;

	assert(mutex_holding(&o->lock));
	e = shared_ent(o, idx);
	assert(e && ent_in_io(*e));
	if (slot) {
		*e = ent_of_slot(slot);
		o->resident--;
		o->swapped++;
	} else {
		*e = ent_of_page(ent_page(*e));
	}
	shared_io_done(o);
}
