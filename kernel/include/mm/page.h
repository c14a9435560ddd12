/*
 * mm/page.h - struct page: one per physical frame.
 *
 * The array of struct page covers all RAM (pmm_init places it after the
 * kernel image). A block of 2^order frames is described by its first
 * ("head") page. Locks: free-list links, PG_FREE, PG_ALLOC and order are
 * guarded by the buddy zone lock; slab fields by the kmalloc class lock
 * of the slab; page-table fields as the page-table code says; refcount
 * is atomic. A free frame in a hart's cache (pmm.c) is PG_ALLOC with
 * refcount 0, on that cache's list.
 */
#ifndef KITE_MM_PAGE_H
#define KITE_MM_PAGE_H

#include "kernel/types.h"
#include "lib/list.h"

#define PG_FREE 0x01     /* head of a free buddy block */
#define PG_ALLOC 0x02    /* head of an allocated block */
#define PG_RESERVED 0x04 /* never given to the allocator (firmware, kernel) */
#define PG_SLAB 0x08     /* a kmalloc slab page */
#define PG_LARGE 0x10    /* head of a large kmalloc allocation */
#define PG_USER 0x20     /* counted as user memory */
#define PG_LRU 0x40      /* [lru lock] on the replacement policy's list */
#define PG_OBJ 0x80      /* a shared object's frame: rmap_family is the
			  * struct vmo, rmap_va the page index [set
			  * before the frame is tracked; cleared when it
			  * is freed] */
#define PG_MLOCKED 0x100 /* [lru lock] off the list because a locked
			  * region maps it (mlock): munlock puts it back */

struct page {
	struct list_node link; /* [zone lock] free list, [class lock] slab
				* list, or [lru lock] the replacement
				* policy's list (a user frame, PG_LRU) */
	uint32_t refcount;     /* [atomic] users of the frame; for a user
				* frame its map count: page-table entries
				* mapping it plus a shared object holding
				* it (mm/vmo.h) */
	uint16_t flags;        /* PG_*: see above */
	uint8_t order;         /* [zone lock] order of the block at its head */
	union {
		struct { /* a kmalloc slab */
			uint8_t slab_class;  /* [class lock] kmalloc size class */
			uint16_t slab_inuse; /* [class lock] objects handed out */
			void *slab_free;     /* [class lock] first free object */
		};
		struct { /* a user frame that may be swapped (reclaim.c) */
			void *rmap_family;  /* the struct vm_family whose
					     * spaces may map it, or with
					     * PG_OBJ the struct vmo holding
					     * it; NULL: not reclaimable [set
					     * before it is mapped; the
					     * owner's vs lock, or the
					     * object's lock] */
			uint64_t rmap_va;   /* where they map it, or with
					     * PG_OBJ its index in the
					     * object [same] */
			uint64_t lru_stamp; /* [lru lock] the policy's */
		};
		struct { /* a page-table page (the owner of the table's
			  * address space serialises changes) */
			uint16_t pt_used;   /* valid entries in this table */
			uint64_t pt_tables; /* root: table pages of its user
					     * half, the root included [atomic] */
		};
	};
};

#endif
