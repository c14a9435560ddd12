/*
 * cap/slots.h - a process's slot table (ChCore's slot_table): which
 * kernel objects it may use, and with which rights.
 *
 * A slot holds a pointer to an object (what the pointer is, and its
 * reference count, is the caller's business: cap/cap.h), the rights the
 * holder has on it (KITE_CAP_* bits of uapi/kite.h) and a generation.
 * User space names a slot by a handle:
 *
 *     handle = generation << CAP_INDEX_BITS | index      (always >= 0)
 *
 * Freeing a slot bumps its generation, so a handle of a freed capability
 * never matches again, even once the index holds something new: it is
 * -EBADF, never the new object with the old rights. A fresh table's
 * generations are 0, so slots 0 and 1 (the process and its vmspace) are
 * the handles 0 and 1.
 *
 * States of a slot:   free(gen g) --alloc--> used(gen g) --free--> free(g+1)
 *
 * The table starts with SLOTS_INIT slots and doubles up to SLOTS_MAX.
 * Allocation takes the lowest free index (as file descriptors do); when
 * every slot is used it answers -ENOSPC if the table may still grow and
 * -EMFILE at SLOTS_MAX. Growing needs memory, which the caller allocates
 * (without its lock held) and hands over with slots_grow.
 *
 * Pure bookkeeping, host-tested (tests/host/test_cap_slots.c): no locks,
 * no allocation, no reference counts. The caller (cap/cap.c) serialises
 * calls on a table with the table's lock.
 */
#ifndef KITE_CAP_SLOTS_H
#define KITE_CAP_SLOTS_H

#include "kernel/types.h"
#include "uapi/kite.h"

#define SLOTS_INIT 16         /* slots of a new table */
#define SLOTS_MAX 1024        /* a table never grows past this */
#define CAP_INDEX_BITS 16     /* handle bits that hold the index */
#define CAP_INDEX_MASK ((1L << CAP_INDEX_BITS) - 1)
#define CAP_GEN_BITS 32       /* handle bits above them: the generation */

struct cap_slot {
	void *obj;        /* NULL: free */
	uint32_t gen;     /* bumped by every free */
	uint16_t rights;  /* KITE_CAP_* while used */
	uint16_t flags;   /* the caller's (cap.h CAP_SLOT_*) while used */
};

struct slot_table {
	struct cap_slot *slot; /* slot[0..size) */
	uint32_t size;         /* SLOTS_INIT .. SLOTS_MAX */
	uint32_t used;         /* slots holding an object */
	uint32_t first_free;   /* no free slot below it */
};

/* Set t up over array[0..size) (every slot free, generation 0). */
void slots_init(struct slot_table *t, struct cap_slot *array, uint32_t size);
/* Put obj (not NULL) with rights and flags in the lowest free slot:
 * its handle, or -ENOSPC (full, may grow), -EMFILE (full at SLOTS_MAX),
 * -EINVAL (rights not KITE_CAP_* bits). */
long slots_alloc(struct slot_table *t, void *obj, uint32_t rights,
		 uint32_t flags);
/* Put obj in slot index (free, below size): for the slots a process
 * starts with. Returns its handle. */
long slots_install(struct slot_table *t, uint32_t index, void *obj,
		   uint32_t rights, uint32_t flags);
/* Replace the object of used slot index by obj (same generation and
 * rights: exec's new vmspace in slot 1); returns the old object. */
void *slots_replace(struct slot_table *t, uint32_t index, void *obj);
/* The size the table may grow to next, or 0 at SLOTS_MAX. */
uint32_t slots_grow_size(const struct slot_table *t);
/* Move t onto bigger[0..size) (size > t->size, the rest of it is
 * cleared here); returns the old array for the caller to free. */
struct cap_slot *slots_grow(struct slot_table *t, struct cap_slot *bigger,
			    uint32_t size);
/* The used slot handle names, or NULL (malformed, out of range, free,
 * or of another generation: freed since). */
struct cap_slot *slots_get(const struct slot_table *t, long handle);
/* The slot at index (used or not) and the handle of a used one. */
long slots_handle(const struct slot_table *t, uint32_t index);
/* Free the slot handle names: its object, or NULL (-EBADF for the
 * caller) if handle names no used slot. *old (if not NULL) gets the
 * slot as it was. */
void *slots_free(struct slot_table *t, long handle, struct cap_slot *old);
/* Free slot index if it is used (the exit path walks every index): its
 * object or NULL. */
void *slots_free_index(struct slot_table *t, uint32_t index,
		       struct cap_slot *old);
/* May a capability with rights have be copied with rights want? 0,
 * -EPERM (have lacks KITE_CAP_COPY, or want asks for a right have
 * lacks) or -EINVAL (want has bits that are no right). */
int slots_copy_check(uint32_t have, uint32_t want);
/* Copy the capability handle names in src into dst (which may be src)
 * with rights want (a subset of its own): the new handle in dst, or
 * -EBADF, the errors of slots_copy_check, -ENOSPC or -EMFILE. The
 * object is now in two slots: the caller takes a reference for it. */
long slots_copy(const struct slot_table *src, long handle, uint32_t want,
		struct slot_table *dst);

#endif
