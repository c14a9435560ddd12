/*
 * slots.c - the slot table's bookkeeping (see cap/slots.h for the model:
 * handles, generations, growth). Pure: no locks, no allocation, no
 * reference counts; the caller holds the table's lock.
 */
#include "cap/slots.h"
#include "kernel/panic.h"
#include "uapi/errno.h"

static long handle_of(uint32_t index, uint32_t gen)
{
	return (long)((uint64_t)gen << CAP_INDEX_BITS | index);
}

void slots_init(struct slot_table *t, struct cap_slot *array, uint32_t size)
{
	assert(size >= 2 && size <= SLOTS_MAX);
	t->slot = array;
	t->size = size;
	t->used = 0;
	t->first_free = 0;
	for (uint32_t i = 0; i < size; i++)
		array[i] = (struct cap_slot){ 0 };
}

/* The lowest free index at or above from, or size if none. */
static uint32_t next_free(const struct slot_table *t, uint32_t from)
{
	while (from < t->size && t->slot[from].obj)
		from++;
	return from;
}

long slots_install(struct slot_table *t, uint32_t index, void *obj,
		   uint32_t rights, uint32_t flags)
{
	struct cap_slot *s;

	assert(obj && index < t->size && !t->slot[index].obj);
	assert(!(rights & ~KITE_CAP_ALL));
	s = &t->slot[index];
	s->obj = obj;
	s->rights = (uint16_t)rights;
	s->flags = (uint16_t)flags;
	t->used++;
	if (index == t->first_free)
		t->first_free = next_free(t, index + 1);
	return handle_of(index, s->gen);
}

long slots_alloc(struct slot_table *t, void *obj, uint32_t rights,
		 uint32_t flags)
{
	assert(obj);
	if (rights & ~KITE_CAP_ALL)
		return -EINVAL;
	if (t->used == t->size)
		return t->size < SLOTS_MAX ? -ENOSPC : -EMFILE;
	/* used < size: first_free is a free slot */
	return slots_install(t, t->first_free, obj, rights, flags);
}

void *slots_replace(struct slot_table *t, uint32_t index, void *obj)
{
	void *old;

	assert(obj && index < t->size && t->slot[index].obj);
	old = t->slot[index].obj;
	t->slot[index].obj = obj;
	return old;
}

uint32_t slots_grow_size(const struct slot_table *t)
{
	if (t->size >= SLOTS_MAX)
		return 0;
	return MIN(t->size * 2, (uint32_t)SLOTS_MAX);
}

struct cap_slot *slots_grow(struct slot_table *t, struct cap_slot *bigger,
			    uint32_t size)
{
	struct cap_slot *old = t->slot;

	assert(size > t->size && size <= SLOTS_MAX);
	for (uint32_t i = 0; i < size; i++)
		bigger[i] = i < t->size ? old[i] : (struct cap_slot){ 0 };
	t->slot = bigger;
	t->size = size; /* a full table's first_free is the first new slot */
	return old;
}

struct cap_slot *slots_get(const struct slot_table *t, long handle)
{
	uint64_t h = (uint64_t)handle;
	uint32_t index = (uint32_t)(h & CAP_INDEX_MASK);
	struct cap_slot *s;

	if (handle < 0 || (h >> (CAP_INDEX_BITS + CAP_GEN_BITS)) || index >= t->size)
		return NULL;
	s = &t->slot[index];
	if (!s->obj || s->gen != (uint32_t)(h >> CAP_INDEX_BITS))
		return NULL;
	return s;
}

long slots_handle(const struct slot_table *t, uint32_t index)
{
	assert(index < t->size && t->slot[index].obj);
	return handle_of(index, t->slot[index].gen);
}

void *slots_free_index(struct slot_table *t, uint32_t index,
		       struct cap_slot *old)
{
	struct cap_slot *s;
	void *obj;

	assert(index < t->size);
	s = &t->slot[index];
	obj = s->obj;
	if (!obj)
		return NULL;
	if (old)
		*old = *s;
	s->obj = NULL;
	s->rights = 0;
	s->flags = 0;
	s->gen++; /* every handle of it is stale from now on */
	t->used--;
	if (index < t->first_free)
		t->first_free = index;
	return obj;
}

void *slots_free(struct slot_table *t, long handle, struct cap_slot *old)
{
	struct cap_slot *s = slots_get(t, handle);

	if (!s)
		return NULL;
	return slots_free_index(t, (uint32_t)(s - t->slot), old);
}

int slots_copy_check(uint32_t have, uint32_t want)
{
	if (want & ~KITE_CAP_ALL)
		return -EINVAL;
	if (!(have & KITE_CAP_COPY) || (want & ~have))
		return -EPERM; /* rights are only ever reduced */
	return 0;
}

long slots_copy(const struct slot_table *src, long handle, uint32_t want,
		struct slot_table *dst)
{
	struct cap_slot *s = slots_get(src, handle);
	int err;

	if (!s)
		return -EBADF;
	err = slots_copy_check(s->rights, want);
	if (err)
		return err;
	/* flags stay with the slot they were set on */
	return slots_alloc(dst, s->obj, want, 0);
}
