/*
 * cap.c - kernel objects and the calling process's slot table: lookup
 * with type and rights checks, allocation (growing the table), free,
 * copy into another process's table, query (see cap/cap.h for the model
 * and the locks, cap/slots.h for the table's bookkeeping).
 *
 * A lookup takes the table's lock only to read the slot and take a
 * reference to its object, so a capability freed by another thread
 * meanwhile leaves the caller with a valid object until it puts it. A
 * copy reads the source under its table's lock and writes the
 * destination under the other's, never both at once. Growing a table
 * allocates the bigger array with no lock held and installs it if the
 * table still needs it.
 *
 * Every slot of a table other than a process's own that names a process
 * counts in its cap_group's `outside`: when the last goes, a process
 * made by cap_group_create that was never started can never be, and
 * ends (cap_group.c).
 */
#include "cap/cap.h"
#include "kernel/panic.h"
#include "mm/kmalloc.h"
#include "mm/vmspace.h"
#include "proc/proc.h"
#include "uapi/errno.h"

static uint64_t live[KITE_CAP_NTYPES];    /* [atomic] objects by type */
static uint64_t created[KITE_CAP_NTYPES]; /* [atomic] */
static uint64_t slots_in_use;             /* [atomic] of every table */
static uint64_t tables_live;              /* [atomic] tables not dropped */

/* ---- objects -------------------------------------------------------------- */

void kobj_init(struct kobj *o, int type, void (*destroy)(struct kobj *))
{
	assert(type > 0 && type < KITE_CAP_NTYPES && destroy);
	o->type = type;
	o->refs = 1;
	o->destroy = destroy;
	__atomic_add_fetch(&live[type], 1, __ATOMIC_RELAXED);
	__atomic_add_fetch(&created[type], 1, __ATOMIC_RELAXED);
}

void kobj_get(struct kobj *o)
{
	uint32_t old = __atomic_fetch_add(&o->refs, 1, __ATOMIC_RELAXED);

	assert(old > 0);
}

void kobj_put(struct kobj *o)
{
	uint32_t old = __atomic_fetch_sub(&o->refs, 1, __ATOMIC_ACQ_REL);
	int type = o->type;

	assert(old > 0);
	if (old != 1)
		return;
	o->destroy(o);
	__atomic_sub_fetch(&live[type], 1, __ATOMIC_RELAXED);
}

void cap_get_stats(struct kite_capstats *st)
{
	for (int t = 0; t < KITE_CAP_NTYPES; t++) {
		st->live[t] = __atomic_load_n(&live[t], __ATOMIC_RELAXED);
		st->created[t] = __atomic_load_n(&created[t], __ATOMIC_RELAXED);
	}
	st->slots_used = __atomic_load_n(&slots_in_use, __ATOMIC_RELAXED);
	st->tables = __atomic_load_n(&tables_live, __ATOMIC_RELAXED);
}

/* ---- slots that name processes ------------------------------------------- */

/* obj entered / left a slot of holder's table. */
static void slot_taken(struct cap_group *holder, struct kobj *obj)
{
	__atomic_add_fetch(&slots_in_use, 1, __ATOMIC_RELAXED);
	if (obj->type == KITE_CAP_PROCESS && obj != &holder->obj)
		cap_group_outside_get(container_of(obj, struct cap_group, obj));
}

static void slot_dropped(struct cap_group *holder, struct kobj *obj)
{
	__atomic_sub_fetch(&slots_in_use, 1, __ATOMIC_RELAXED);
	if (obj->type == KITE_CAP_PROCESS && obj != &holder->obj)
		cap_group_outside_put(container_of(obj, struct cap_group, obj));
}

/* ---- the table ------------------------------------------------------------- */

struct cap_group *cap_mine(void)
{
	struct cap_group *cg = current()->proc->caps;

	assert(cg); /* every user process has one while it runs */
	return cg;
}

int cap_get(long handle, int type, uint32_t rights, struct kobj **out,
	    uint32_t *have)
{
	struct cap_group *cg = cap_mine();
	struct cap_slot *s;
	struct kobj *o;
	int err = 0;

	spin_lock(&cg->lock);
	s = slots_get(&cg->table, handle);
	if (!s) {
		err = -EBADF;
		goto out;
	}
	o = s->obj;
	if (type && o->type != type) {
		err = -EINVAL;
		goto out;
	}
	if ((s->rights & rights) != rights) {
		err = -EPERM;
		goto out;
	}
	kobj_get(o);
	*out = o;
	if (have)
		*have = s->rights;
out:
	spin_unlock(&cg->lock);
	return err;
}

int cap_table_init(struct cap_group *cg)
{
	struct cap_slot *arr = kmalloc(SLOTS_INIT * sizeof(*arr));

	if (!arr)
		return -ENOMEM;
	slots_init(&cg->table, arr, SLOTS_INIT);
	__atomic_add_fetch(&tables_live, 1, __ATOMIC_RELAXED);
	return 0;
}

long cap_install(struct cap_group *cg, uint32_t index, struct kobj *obj)
{
	long h;

	spin_lock(&cg->lock);
	h = slots_install(&cg->table, index, obj, KITE_CAP_ALL, 0);
	kobj_get(obj);
	spin_unlock(&cg->lock);
	slot_taken(cg, obj);
	return h;
}

void cap_free_reap(struct cap_group *holder, struct kobj *obj)
{
	struct kobj *o = NULL;

	spin_lock(&holder->lock);
	for (uint32_t i = 0; !holder->dead && i < holder->table.size; i++) {
		const struct cap_slot *s = &holder->table.slot[i];

		if (s->obj == obj && (s->flags & CAP_SLOT_REAP)) {
			o = slots_free_index(&holder->table, i, NULL);
			break;
		}
	}
	spin_unlock(&holder->lock);
	if (o) {
		slot_dropped(holder, o);
		kobj_put(o);
	}
}

/* Grow cg's table by a step: 0, -EMFILE (it may not), -ENOMEM. */
static int table_grow(struct cap_group *cg)
{
	struct cap_slot *bigger, *old = NULL;
	uint32_t size;

	spin_lock(&cg->lock);
	size = slots_grow_size(&cg->table);
	spin_unlock(&cg->lock);
	if (!size)
		return -EMFILE;
	bigger = kmalloc(size * sizeof(*bigger));
	if (!bigger)
		return -ENOMEM;
	spin_lock(&cg->lock);
	if (!cg->dead && cg->table.size < size)
		old = slots_grow(&cg->table, bigger, size);
	else
		old = bigger; /* grown meanwhile (or gone): not needed */
	spin_unlock(&cg->lock);
	kfree(old);
	return 0;
}

long cap_alloc(struct cap_group *cg, struct kobj *obj, uint32_t rights,
	       uint32_t flags)
{
	long h;

	for (;;) {
		spin_lock(&cg->lock);
		h = cg->dead ? -ESRCH : slots_alloc(&cg->table, obj, rights, flags);
		if (h >= 0)
			kobj_get(obj); /* the slot's */
		spin_unlock(&cg->lock);
		if (h != -ENOSPC)
			break;
		h = table_grow(cg);
		if (h)
			return h;
	}
	if (h >= 0)
		slot_taken(cg, obj);
	return h;
}

int cap_free(long handle)
{
	struct cap_group *cg = cap_mine();
	struct cap_slot *s;
	struct kobj *o;

	spin_lock(&cg->lock);
	s = slots_get(&cg->table, handle);
	if (s && (s - cg->table.slot) <= CAP_SLOT_VMSPACE) {
		spin_unlock(&cg->lock);
		return -EPERM; /* the process's own slots stay */
	}
	o = slots_free(&cg->table, handle, NULL);
	spin_unlock(&cg->lock);
	if (!o)
		return -EBADF;
	slot_dropped(cg, o);
	kobj_put(o);
	return 0;
}

long cap_copy(long dest, long handle, uint64_t rights)
{
	struct cap_group *mine = cap_mine(), *to;
	struct kobj *dobj, *o;
	uint32_t have;
	long h;

	h = cap_get(dest, KITE_CAP_PROCESS, KITE_CAP_WRITE, &dobj, NULL);
	if (h)
		return h;
	to = container_of(dobj, struct cap_group, obj);
	h = cap_get(handle, 0, 0, &o, &have);
	if (h)
		goto out;
	h = rights > KITE_CAP_ALL ? -EINVAL
				  : slots_copy_check(have, (uint32_t)rights);
	if (h) {
		kobj_put(o);
		goto out;
	}
	if (to == mine) {
		/* within one table: one lock, slots_copy */
		for (;;) {
			spin_lock(&mine->lock);
			h = slots_copy(&mine->table, handle, (uint32_t)rights,
				       &mine->table);
			if (h >= 0)
				kobj_get(o);
			spin_unlock(&mine->lock);
			if (h != -ENOSPC || (h = table_grow(mine)))
				break;
		}
		if (h >= 0)
			slot_taken(mine, o);
	} else {
		h = cap_alloc(to, o, (uint32_t)rights, 0);
	}
	kobj_put(o);
out:
	kobj_put(dobj);
	return h;
}

long cap_query(long handle)
{
	struct kobj *o;
	uint32_t rights;
	long q;
	int err = cap_get(handle, 0, 0, &o, &rights);

	if (err)
		return err;
	q = (long)rights | (long)o->type << 8;
	if (o->type == KITE_CAP_PMO)
		q |= (long)container_of(o, struct pmo, obj)->type << 16;
	kobj_put(o);
	return q;
}

/* Free every slot of cg's table and the table itself; nothing enters it
 * again. Its own process is exiting (or was never registered), so no
 * thread of it looks up capabilities any more. */
void cap_table_drop(struct cap_group *cg)
{
	struct cap_slot *arr;
	uint32_t size;

	spin_lock(&cg->lock);
	assert(!cg->dead);
	cg->dead = true; /* cap_alloc from others fails from now on */
	spin_unlock(&cg->lock);
	/* dead: nobody else changes the table now */
	size = cg->table.size;
	for (uint32_t i = 0; i < size; i++) {
		struct kobj *o = slots_free_index(&cg->table, i, NULL);

		if (o) {
			slot_dropped(cg, o);
			kobj_put(o);
		}
	}
	spin_lock(&cg->lock);
	arr = cg->table.slot;
	cg->table.slot = NULL;
	cg->table.size = 0;
	spin_unlock(&cg->lock);
	kfree(arr);
	__atomic_sub_fetch(&tables_live, 1, __ATOMIC_RELAXED);
}

long cap_name_from_user(uint64_t uname, char *name)
{
	long len = strncpy_from_user(current()->proc->vm, name, uname,
				     CAP_NAME_MAX);

	if (len == -ENAMETOOLONG || len == 0)
		return -EINVAL;
	return len < 0 ? len : 0;
}
