/*
 * mm/vmo.h - what user pages are made of: user frames and memory objects.
 *
 * User frames: every frame mapped into user space is either a counted
 * frame from the allocator (PMM_USER) or a reserved one that is never
 * freed (the shared zero page, an app's bytes in the kernel image). A
 * counted frame's struct page refcount is its map count: one for each
 * page-table entry that maps it plus one for a shared object that holds
 * it. It is freed when the count drops to zero; a private page whose
 * count is 1 belongs to one address space alone, so a write may take it
 * over instead of copying it. Frames whose count is 2 or more are
 * "shared" in the memory figures (each counted once).
 *
 * Memory objects (struct vmo) back the regions that are not plain
 * anonymous memory:
 *   VMO_IMAGE   an ELF segment: page i holds the segment's file bytes
 *               (zero past them). When the app's bytes are page-aligned
 *               in the kernel image, whole pages are mapped straight from
 *               there, read-only and shared by every process running the
 *               app; a write copies the page.
 *   VMO_SHARED  MAP_SHARED anonymous memory: a table of frames, filled
 *               with zeroed frames on first touch, the same frames in
 *               every address space that maps the object. A PMO
 *               (cap/pmo.c) is one too; a region may also map it
 *               privately (no VMR_F_SHARED): its frames read-only, a
 *               write copies the page into the region (fault.c).
 * Anonymous regions (heap, stack, private mmap) have no object: their
 * pages live only in the page tables, zero-filled on first touch.
 *
 * Swapping shared pages: an entry of a shared object's table is empty
 * (never touched, or removed), a frame (a struct page *, 8-aligned), or
 * a swap slot tagged in bit 0 (slot << 1 | 1) when the reclaimer wrote
 * the page out. Each frame the object holds is on the replacement
 * policy's list with the object and its index as reverse map (PG_OBJ,
 * mm/page.h); to find the entries that map it, the object keeps the list
 * of the regions that map it (struct vmr obj_link), each with its space.
 * The reclaimer (mm/reclaim_obj.c) clears those entries and puts the
 * slot in the table: page tables never hold swap entries for shared
 * memory, since a missing entry of a shared region faults to the object,
 * which reads the slot back into a new frame (vmo_shared_page). While a
 * page is on its way to or from the disk its entry is marked (vmo.c has
 * the states) and the object is unlocked; whoever needs that entry waits
 * for the I/O to end (io_wait).
 *
 * Locks and lifetimes: an object is reference-counted (refs: one per
 * region that points at it, atomic) and freed with its frames and slots
 * when the last region goes. A shared object's table, counts and region
 * list are guarded by its mutex (order: vs->lock -> vmo->lock -> buddy;
 * the reclaimer, holding vmo->lock, only tries vs locks); it is not
 * held across disk I/O. The reclaimer reaches an object through a frame
 * and takes a reference
 * with vmo_tryget, so a shared object's struct is freed only when no
 * reclaimer runs (reclaim_free_later). Image objects are immutable after
 * creation.
 */
#ifndef KITE_MM_VMO_H
#define KITE_MM_VMO_H

#include "kernel/mutex.h"
#include "kernel/spinlock.h"
#include "kernel/types.h"
#include "lib/list.h"
#include "mm/memlayout.h"
#include "mm/page.h"
#include "mm/reclaim.h"

struct vmr;

/* ---- user frames ------------------------------------------------------ */

/* A counted user frame with one reference, zeroed if zero; NULL when
 * memory is short. */
struct page *uframe_alloc(bool zero);
/* One more / one less reference; the last put frees the frame. Reserved
 * frames are not counted. */
void uframe_get(struct page *pg);
void uframe_put(struct page *pg);
/* Add n to the count of frames held more than once (fork's batch). */
void uframe_shared_add(uint64_t n);
/* Frames with two or more references now. */
uint64_t uframe_shared_count(void);
/* True if no one but the caller's one mapping holds pg. */
static inline bool uframe_exclusive(const struct page *pg)
{
	return !(pg->flags & PG_RESERVED) &&
	       __atomic_load_n(&pg->refcount, __ATOMIC_ACQUIRE) == 1;
}
/* The shared, always-zero frame (mapped read-only for read faults on
 * untouched anonymous memory). */
paddr_t zero_frame_pa(void);

/* Page operations, a word at a time and unrolled (the fault path's
 * zero-fill and copy-on-write). */
void page_zero(void *dst);
void page_copy(void *dst, const void *src);

/* ---- memory objects --------------------------------------------------- */

enum vmo_type { VMO_IMAGE, VMO_SHARED };

#define VMO_DIR_SHIFT 9 /* a frame table is a directory of 512-entry leaves */
#define VMO_MAX_PAGES (1UL << 24) /* 64 GiB of shared memory per object */

struct vmo {
	enum vmo_type type;    /* [const] */
	uint32_t refs;         /* [atomic] regions pointing here */
	uint64_t npages;       /* [const] size */
	/* VMO_IMAGE: byte x of the object is base[x] for lo <= x < hi,
	 * zero elsewhere */
	const uint8_t *base;   /* [const] */
	uint64_t lo, hi;       /* [const] */
	bool direct;           /* [const] base page-aligned, lo 0: whole
				* pages below hi can be mapped from base */
	/* VMO_SHARED */
	struct mutex lock;
	uintptr_t **dir;       /* [lock] leaves of 512 entries: 0, a frame
				* (struct page *) or a slot (slot << 1 | 1) */
	uint64_t resident;     /* [lock; racy single-word reads] frames held */
	uint64_t swapped;      /* [lock; racy single-word reads] pages in
				* swap slots */
	struct list_node regions; /* [lock] struct vmr (obj_link) mapping it */
	struct spinlock io_lock;  /* for waiting on io_seq */
	struct waitqueue io_wait; /* threads waiting for an entry's I/O */
	uint64_t io_seq;          /* [lock and io_lock] I/Os ended */
	struct reclaim_dead dead; /* freed through the reclaimers' gc */
};

/* An image object of npages whose bytes [lo, hi) are base[lo .. hi). */
struct vmo *vmo_create_image(const uint8_t *base, uint64_t lo, uint64_t hi,
			     uint64_t npages);
/* Fill dst with page idx of image object o. */
void vmo_image_fill(const struct vmo *o, uint64_t idx, void *dst);
/* The frame holding page idx of o if it can be mapped as it is (a whole
 * page of an aligned image), else 0. */
paddr_t vmo_image_frame(const struct vmo *o, uint64_t idx);
/* An empty shared object of npages (<= VMO_MAX_PAGES), or NULL. */
struct vmo *vmo_create_shared(uint64_t npages);
void vmo_get(struct vmo *o);
/* A reference unless the object is already going (refs 0): the
 * reclaimer, which finds objects through their frames. */
bool vmo_tryget(struct vmo *o);
/* Drop a reference; the last frees the object, puts its frames and
 * frees its swap slots. May sleep. */
void vmo_put(struct vmo *o);
/* r (its obj, vs and fields set; r->vs->lock held) now maps its object /
 * no longer does: it joins / leaves a shared object's list of regions.
 * Nothing to do for other objects or none. */
void vmo_attach(struct vmr *r);
void vmo_detach(struct vmr *r);
/* *out = the frame of shared page idx, with a reference for the
 * caller's mapping: a zeroed one is made on first use, and a page in
 * swap is read back (sleeping; the object is let go meanwhile). 0,
 * -ENOMEM (no frame) or -EIO (the swap read failed: the page stays in
 * its slot). */
int vmo_shared_page(struct vmo *o, uint64_t idx, struct page **out);
/* The same, but a page never made is not made: *out = NULL (it reads
 * as zero). For private mappings of the object and reads (cap/pmo.c). */
int vmo_shared_find(struct vmo *o, uint64_t idx, struct page **out);
/* Is shared page idx in memory (made, and not in swap)? For mincore. */
bool vmo_shared_resident(struct vmo *o, uint64_t idx);
/* Zero shared pages [first, first+n) of the object (MADV_REMOVE: the
 * frames stay, mapped wherever they are, and read zero; pages in swap
 * give their slots back and read zero from then on). */
void vmo_shared_zero(struct vmo *o, uint64_t first, uint64_t n);
/* For the reclaimer, o->lock held: does entry idx hold frame pg (and no
 * I/O)? The frame of entry idx goes out to the disk: until
 * vmo_shared_end_out nobody else uses or changes the entry (the object
 * may be unlocked meanwhile). It is out in slot (the caller then puts
 * the object's reference to the frame), or, slot 0, it stays. */
bool vmo_shared_holds(struct vmo *o, uint64_t idx, const struct page *pg);
void vmo_shared_begin_out(struct vmo *o, uint64_t idx);
void vmo_shared_end_out(struct vmo *o, uint64_t idx, uint64_t slot);

#endif
