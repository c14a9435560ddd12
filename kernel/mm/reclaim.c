/*
 * reclaim.c - getting frames back: the reverse map by families of
 * address spaces, the policy's list of reclaimable frames, and evicting
 * a frame to swap from every entry that maps it (see mm/reclaim.h).
 *
 * Evicting a frame (try_evict):
 *
 *   take the frame off the list, with a reference   (lru lock)
 *     │ no reference left: it is being freed, skip it
 *   the spaces of its family, each with a reference  (family lock)
 *   lock each space's mutex with trylock             (never waits: the
 *     │ busy: put it back                             caller may hold one)
 *   find the entries at rmap_va that map the frame; all of them?
 *     │ one lies in a locked region (mlock): the frame leaves the list
 *     │ for good (PG_MLOCKED) until munlock puts it back (vmlock.c)
 *     │ the policy looks at A bits: one set -> clear them, shoot down,
 *     │ put the frame back (second chance)
 *   a slot with a reference per entry; entries -> swap entries; shoot
 *   down; write the frame; on error restore the entries
 *   drop the entries' references: the frame is freed with ours
 *
 * A shared object's frame (PG_OBJ) is found through its object instead
 * (reclaim_obj.c); try_evict hands it over.
 *
 * Locks: lru_lock (a spinlock) guards the policy's list and PG_LRU and is
 * held only for list work; a family's lock only while its list is read.
 * Address-space mutexes are only tried, so a faulting thread that holds
 * its own can reclaim without deadlock.
 */
#include "arch/arch.h"
#include "kernel/bootargs.h"
#include "kernel/log.h"
#include "kernel/panic.h"
#include "lib/string.h"
#include "mm/kmalloc.h"
#include "mm/pmm.h"
#include "mm/reclaim.h"
#include "mm/swap.h"
#include "mm/vmo.h"
#include "mm/vmspace.h"
#include "uapi/errno.h"

#define EVICT_MAX_SPACES 16 /* a frame mapped in more spaces stays */
#define SCAN_PER_FRAME 4    /* frames looked at per frame wanted */
#define BUSY_RUN_MAX 64     /* busy frames in a row that end a scan: their
			     * spaces are in faults or I/O; come back later */

extern const struct swap_policy __swap_policy_start[], __swap_policy_end[];

static struct spinlock lru_lock = SPINLOCK_INIT("lru");
/* the reclaimable frames, in the order the policy keeps (head: next) */
static struct list_node lru_queue = LIST_INIT(lru_queue); /* [lru_lock] */
static const struct swap_policy *policy;    /* [lru_lock; atomic reads] */
static uint64_t nr_scanned, nr_evicted, nr_referenced, nr_busy; /* [atomic] */
static uint64_t nr_direct, nr_aged;                              /* [atomic] */
static uint64_t nr_lru; /* [lru_lock; racy reads] frames on the list */
/* A reclaimer may hold a frame whose family (or shared object) goes
 * meanwhile (its last space exits while the frame, held by the reclaimer
 * alone, lives on): they are freed only when no reclaimer runs. */
static struct spinlock family_gc_lock = SPINLOCK_INIT("vm family gc");
static unsigned reclaimers;                /* [family_gc_lock] */
static struct list_node dead_families = LIST_INIT(dead_families); /* [same] */

static const struct swap_policy *policy_find(const char *name)
{
	const struct swap_policy *p = __swap_policy_start;

	// cppcheck-suppress comparePointers
	for (; p < __swap_policy_end; p++)
		if (strcmp(p->name, name) == 0)
			return p;
	return NULL;
}

void reclaim_init(void)
{
	char name[16] = "clock";

	bootarg_get("swap", name, sizeof(name));
	policy = policy_find(name);
	if (!policy) {
		log_warn("reclaim: no policy \"%s\" (swap=clock|lru|fifo): clock", name);
		policy = policy_find("clock");
	}
	assert(policy);
	log_info("reclaim: page replacement by %s", policy->name);
}

const char *reclaim_policy_name(void)
{
	return READ_ONCE(policy)->name;
}

int reclaim_set_policy(const char *name)
{
	const struct swap_policy *next = policy_find(name);

	if (!next)
		return -EINVAL;
	/* the queue stays as it is: its order is every policy's start */
	spin_lock(&lru_lock);
	WRITE_ONCE(policy, next);
	spin_unlock(&lru_lock);
	return 0;
}

const struct swap_policy *reclaim_policy_find(const char *name)
{
	return name ? policy_find(name) : READ_ONCE(policy);
}

/* ---- families ------------------------------------------------------------ */

struct vm_family *family_create(struct vmspace *vs)
{
	struct vm_family *f = kmalloc(sizeof(*f));

	if (!f)
		return NULL;
	spin_init(&f->lock, "vm family");
	list_init(&f->spaces);
	f->refs = 1;
	list_push_back(&f->spaces, &vs->family_link);
	return f;
}

void family_join(struct vm_family *f, struct vmspace *vs)
{
	__atomic_add_fetch(&f->refs, 1, __ATOMIC_RELAXED);
	spin_lock(&f->lock);
	list_push_back(&f->spaces, &vs->family_link);
	spin_unlock(&f->lock);
}

void family_leave(struct vm_family *f, struct vmspace *vs)
{
	spin_lock(&f->lock);
	list_remove(&vs->family_link);
	spin_unlock(&f->lock);
	if (__atomic_sub_fetch(&f->refs, 1, __ATOMIC_ACQ_REL) != 0)
		return;
	reclaim_free_later(&f->dead, f); /* empty */
}

void reclaim_free_later(struct reclaim_dead *d, void *mem)
{
	bool now;

	/* free it, or leave it to the last reclaimer running */
	spin_lock(&family_gc_lock);
	now = reclaimers == 0;
	if (!now) {
		d->mem = mem;
		list_push_back(&dead_families, &d->link);
	}
	spin_unlock(&family_gc_lock);
	if (now)
		kfree(mem);
}

static void reclaimer_enter(void)
{
	spin_lock(&family_gc_lock);
	reclaimers++;
	spin_unlock(&family_gc_lock);
}

static void reclaimer_leave(void)
{
	struct list_node dead, *n;

	list_init(&dead);
	spin_lock(&family_gc_lock);
	if (--reclaimers == 0)
		while ((n = list_pop_front(&dead_families)) != NULL)
			list_push_back(&dead, n);
	spin_unlock(&family_gc_lock);
	while ((n = list_pop_front(&dead)) != NULL)
		kfree(list_entry(n, struct reclaim_dead, link)->mem);
}

/* ---- the list -------------------------------------------------------------- */

static void lru_add(struct page *pg)
{
	spin_lock(&lru_lock);
	policy->add(&lru_queue, pg);
	pg->flags |= PG_LRU;
	nr_lru++;
	spin_unlock(&lru_lock);
}

void reclaim_track(struct page *pg, struct vmspace *vs, vaddr_t va)
{
	pg->rmap_family = vs->family;
	pg->rmap_va = va;
	lru_add(pg);
}

void reclaim_track_obj(struct page *pg, struct vmo *o, uint64_t idx)
{
	assert(!(pg->flags & (PG_LRU | PG_OBJ)));
	pg->flags |= PG_OBJ; /* nobody else knows the frame yet */
	pg->rmap_family = o;
	pg->rmap_va = idx;
	lru_add(pg);
}

void reclaim_untrack(struct page *pg)
{
	spin_lock(&lru_lock);
	if (pg->flags & PG_LRU) {
		policy->remove(&lru_queue, pg);
		pg->flags &= ~PG_LRU;
		nr_lru--;
	}
	pg->flags &= ~PG_MLOCKED;
	spin_unlock(&lru_lock);
}

void reclaim_unlock_frame(struct page *pg)
{
	spin_lock(&lru_lock);
	if (pg->flags & PG_MLOCKED) {
		pg->flags &= ~PG_MLOCKED;
		policy->add(&lru_queue, pg);
		pg->flags |= PG_LRU;
		nr_lru++;
	}
	spin_unlock(&lru_lock);
}

/* A reference to pg unless it has none left (it is being freed). */
static bool frame_get_unless_zero(struct page *pg)
{
	uint32_t n = __atomic_load_n(&pg->refcount, __ATOMIC_RELAXED);

	while (n)
		if (__atomic_compare_exchange_n(&pg->refcount, &n, n + 1, false,
						__ATOMIC_ACQUIRE, __ATOMIC_RELAXED)) {
			/* as uframe_get: the count of frames held twice
			 * follows, since uframe_put undoes it */
			if (n == 1)
				uframe_shared_add(1);
			return true;
		}
	return false;
}

/* ---- evicting one frame ------------------------------------------------------ */

struct mapping {
	struct vmspace *vs;
	bool locked;
	pte_t *slot;
	pte_t old;
};

/* The spaces of f, each with a reference, into m; how many (-1: too
 * many). */
static int family_spaces(struct vm_family *f, struct mapping *m)
{
	struct list_node *it;
	int n = 0;

	spin_lock(&f->lock);
	list_for_each(it, &f->spaces) {
		struct vmspace *vs = list_entry(it, struct vmspace, family_link);

		if (n == EVICT_MAX_SPACES) {
			n = -1 - n; /* give the ones taken back */
			break;
		}
		if (vmspace_tryget(vs)) {
			m[n].vs = vs;
			m[n].locked = false;
			m[n].slot = NULL;
			n++;
		}
	}
	spin_unlock(&f->lock);
	return n;
}

/* Write pg to a new slot and replace its n entries in m by the slot. */
static enum evict_result write_out(struct page *pg, vaddr_t va,
				   struct mapping *m, int n)
{
	uint64_t slot = swap_slot_alloc();
	int i;

	if (!slot)
		return EV_FAIL; /* swap is full */
	for (i = 1; i < n; i++)
		if (!swap_dup(slot)) {
			while (i--)
				swap_put(slot);
			return EV_FAIL;
		}
	for (i = 0; i < n; i++) {
		pt_slot_set(m[i].slot, pte_make_swap(slot));
		vmspace_shootdown(m[i].vs, va, PAGE_SIZE);
	}
	if (swap_write(slot, pg)) {
		for (i = 0; i < n; i++) {
			pt_slot_set(m[i].slot, m[i].old);
			swap_put(slot);
		}
		return EV_FAIL;
	}
	for (i = 0; i < n; i++) {
		struct vmspace *vs = m[i].vs;
		struct vmr *r = vmr_find(vs, va);

		if (r)
			WRITE_ONCE(vs->pages[r->kind], vs->pages[r->kind] - 1);
		WRITE_ONCE(vs->swapped, vs->swapped + 1);
		__atomic_add_fetch(&vs->swap_outs, 1, __ATOMIC_RELAXED);
		uframe_put(pg); /* the entry's reference; ours keeps it */
	}
	return EV_DONE;
}

/* Try to evict pg, on which the caller holds a reference. */
static enum evict_result try_evict(struct page *pg, struct vmspace *held,
				   bool use_accessed)
{
	struct vm_family *f = pg->rmap_family;
	vaddr_t va = pg->rmap_va;
	struct mapping m[EVICT_MAX_SPACES], found[EVICT_MAX_SPACES];
	enum evict_result ret = EV_BUSY;
	int n, nfound = 0, busy = 0;
	bool young = false, locked = false;

	if (pg->flags & PG_OBJ)
		return reclaim_evict_obj(pg, held, use_accessed);
	if (!f)
		return EV_FAIL;
	n = family_spaces(f, m);
	if (n < 0) {
		n = -1 - n;
		ret = EV_FAIL;
		goto out;
	}
	/* look in every space we can lock; keep the locks of those that
	 * map the frame */
	for (int i = 0; i < n; i++) {
		pte_t *s;

		if (m[i].vs != held && !mutex_trylock(&m[i].vs->lock)) {
			busy++;
			continue;
		}
		m[i].locked = m[i].vs != held;
		s = pt_slot(m[i].vs->root, va, false);
		if (s && pte_valid(*s) && pte_frame(*s) == page_to_pa(pg)) {
			struct vmr *r = vmr_find(m[i].vs, va);

			locked |= r && (r->flags & VMR_F_LOCKED);
			found[nfound] = m[i];
			found[nfound].slot = s;
			found[nfound].old = *s;
			young |= pte_young(*s);
			nfound++;
		} else if (m[i].locked) {
			mutex_unlock(&m[i].vs->lock);
			m[i].locked = false;
		}
	}
	/* every reference but ours is one of these entries (with their
	 * spaces locked, no entry can come or go); else a busy space may
	 * map it too */
	ret = busy ? EV_BUSY : EV_FAIL;
	if (locked) {
		ret = EV_LOCKED; /* off the list until munlock */
		goto out;
	}
	if (!nfound ||
	    __atomic_load_n(&pg->refcount, __ATOMIC_ACQUIRE) != (uint32_t)nfound + 1)
		goto out;
	if (use_accessed && young) {
		/* used since the last look: a second chance, and a flush so
		 * that the next use sets A again */
		for (int i = 0; i < nfound; i++) {
			pt_slot_set(found[i].slot, pte_mkold(found[i].old));
			vmspace_shootdown(found[i].vs, va, PAGE_SIZE);
		}
		ret = EV_ACCESSED;
		goto out;
	}
	ret = write_out(pg, va, found, nfound);
out:
	for (int i = 0; i < n; i++) {
		if (m[i].locked)
			mutex_unlock(&m[i].vs->lock);
		vmspace_put(m[i].vs);
	}
	return ret;
}

/* A frame tried and staying goes back: a used one to wherever the
 * policy puts it (put_back), a busy one aside into *busy, to return to
 * the head with the others at the end of the scan - its space was only
 * locked for a moment (often by a fault reading swap), which says
 * nothing about its age, so it keeps its place. lru_lock held. */
static void frame_stays(struct page *pg, enum evict_result r,
			struct list_node *busy)
{
	if (__atomic_load_n(&pg->refcount, __ATOMIC_RELAXED) <= 1)
		return; /* ours is the last reference: it goes */
	if (r == EV_LOCKED) {
		pg->flags |= PG_MLOCKED; /* munlock puts it back */
		return;
	}
	if (r == EV_BUSY)
		list_push_back(busy, &pg->link);
	else
		policy->put_back(&lru_queue, pg, r == EV_ACCESSED);
	pg->flags |= PG_LRU;
	nr_lru++;
}

unsigned reclaim_frames(unsigned want, struct vmspace *held)
{
	/* a clock hand may have to pass every frame once, clearing bits,
	 * before it finds one to take */
	uint64_t budget = want * SCAN_PER_FRAME + 2 * READ_ONCE(nr_lru) + 32;
	struct list_node busy = LIST_INIT(busy); /* [lru_lock] */
	unsigned done = 0, busy_run = 0;

	if (!swap_enabled())
		return 0;
	reclaimer_enter();
	while (done < want && budget-- && busy_run < BUSY_RUN_MAX) {
		const struct swap_policy *p;
		enum evict_result r;
		struct page *pg;

		spin_lock(&lru_lock);
		p = policy;
		pg = p->next(&lru_queue);
		if (!pg) {
			spin_unlock(&lru_lock);
			break;
		}
		p->remove(&lru_queue, pg);
		pg->flags &= ~PG_LRU;
		nr_lru--;
		if (!frame_get_unless_zero(pg)) {
			spin_unlock(&lru_lock); /* being freed: let it go */
			continue;
		}
		spin_unlock(&lru_lock);
		__atomic_add_fetch(&nr_scanned, 1, __ATOMIC_RELAXED);
		if (held) { /* a fault's direct reclaim */
			__atomic_add_fetch(&nr_direct, 1, __ATOMIC_RELAXED);
			__atomic_add_fetch(&held->reclaim_scans, 1,
					   __ATOMIC_RELAXED);
		}
		r = try_evict(pg, held, p->uses_accessed);
		busy_run = r == EV_BUSY ? busy_run + 1 : 0;
		if (r == EV_DONE) {
			done++;
			__atomic_add_fetch(&nr_evicted, 1, __ATOMIC_RELAXED);
		} else {
			__atomic_add_fetch(r == EV_ACCESSED ? &nr_referenced
							     : &nr_busy,
					   1, __ATOMIC_RELAXED);
			spin_lock(&lru_lock);
			frame_stays(pg, r, &busy);
			spin_unlock(&lru_lock);
		}
		uframe_put(pg); /* ours: frees it if it was written out */
	}
	/* the busy frames return to the head, in the order they had */
	spin_lock(&lru_lock);
	while (!list_empty(&busy)) {
		struct list_node *n = busy.prev;

		list_remove(n);
		list_push_front(&lru_queue, n);
	}
	spin_unlock(&lru_lock);
	reclaimer_leave();
	return done;
}

void reclaim_get_stats(struct reclaim_stats *st)
{
	st->scanned = __atomic_load_n(&nr_scanned, __ATOMIC_RELAXED);
	st->evicted = __atomic_load_n(&nr_evicted, __ATOMIC_RELAXED);
	st->referenced = __atomic_load_n(&nr_referenced, __ATOMIC_RELAXED);
	st->busy = __atomic_load_n(&nr_busy, __ATOMIC_RELAXED);
	st->direct = __atomic_load_n(&nr_direct, __ATOMIC_RELAXED);
	st->aged = __atomic_load_n(&nr_aged, __ATOMIC_RELAXED);
	st->queued = READ_ONCE(nr_lru);
}

long reclaim_queue_pos(const struct page *pg)
{
	struct list_node *it;
	long i = 0, at = -1;

	spin_lock(&lru_lock);
	list_for_each(it, &lru_queue) {
		if (list_entry(it, struct page, link) == pg) {
			at = i;
			break;
		}
		i++;
	}
	spin_unlock(&lru_lock);
	return at;
}

/* ---- aging (for policies with a touched method) ------------------------ */

#define AGE_BATCH 32 /* young frames handed to the policy under one lock */

struct age_batch {
	const struct swap_policy *p;
	struct page *pg[AGE_BATCH];
	int n;
	uint64_t young;
};

static void age_flush(struct age_batch *b)
{
	spin_lock(&lru_lock);
	if (policy == b->p) /* not switched meanwhile */
		for (int i = 0; i < b->n; i++)
			if (b->pg[i]->flags & PG_LRU)
				b->p->touched(&lru_queue, b->pg[i]);
	spin_unlock(&lru_lock);
	b->n = 0;
}

static void age_young(paddr_t pa, void *arg)
{
	struct age_batch *b = arg;
	struct page *pg = pa_to_page(pa);

	b->young++;
	if (!pg || !(pg->flags & PG_USER))
		return; /* the zero frame, an app's page in the kernel image */
	b->pg[b->n++] = pg;
	if (b->n == AGE_BATCH)
		age_flush(b);
}

uint64_t reclaim_age_space(struct vmspace *vs)
{
	struct age_batch b = { .p = READ_ONCE(policy) };

	if (!b.p->touched || !mutex_trylock(&vs->lock))
		return 0; /* busy: its frames keep their places this time */
	/* its entries hold its frames while we look: none can be freed */
	pt_age_range(vs->root, USER_MIN, USER_TOP, age_young, &b);
	if (b.n)
		age_flush(&b);
	if (b.young)
		vmspace_shootdown(vs, USER_MIN, USER_TOP - USER_MIN);
	mutex_unlock(&vs->lock);
	__atomic_add_fetch(&nr_aged, b.young, __ATOMIC_RELAXED);
	return b.young;
}
