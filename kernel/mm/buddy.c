/*
 * buddy.c - binary buddy allocator.
 *
 * Model: free blocks of 2^k frames sit on free[k], linked through their
 * head page, which carries PG_FREE and order k. Allocation takes the
 * smallest free block of order >= k and splits it, returning the upper
 * halves to lower lists. Freeing merges with the buddy (pfn ^ 2^k) while
 * the buddy is a free block of the same order inside the zone, so memory
 * always coalesces back into the largest aligned blocks.
 *
 * Allocated heads carry PG_ALLOC and their order; freeing a page without
 * PG_ALLOC (a tail page, a free block, a reserved frame) or with another
 * order is a kernel bug and panics.
 */
#include "kernel/panic.h"
#include "mm/buddy.h"

void buddy_init(struct buddy_zone *z, struct page *pages, uint64_t base_pfn,
		uint64_t npages)
{
	spin_init(&z->lock, "buddy");
	z->pages = pages;
	z->base_pfn = base_pfn;
	z->npages = npages;
	z->free_pages = 0;
	z->managed_pages = 0;
	for (unsigned k = 0; k <= BUDDY_MAX_ORDER; k++) {
		list_init(&z->free[k]);
		z->nfree_blocks[k] = 0;
	}
	for (uint64_t i = 0; i < npages; i++) {
		list_init(&pages[i].link);
		pages[i].refcount = 0;
		pages[i].flags = PG_RESERVED;
		pages[i].order = 0;
		pages[i].slab_class = 0;
		pages[i].slab_inuse = 0;
		pages[i].slab_free = NULL;
	}
}

static void free_list_add(struct buddy_zone *z, struct page *p, unsigned k)
{
	p->flags = PG_FREE;
	p->order = (uint8_t)k;
	list_push_front(&z->free[k], &p->link);
	z->nfree_blocks[k]++;
}

static void free_list_del(struct buddy_zone *z, struct page *p, unsigned k)
{
	list_remove(&p->link);
	p->flags = 0;
	z->nfree_blocks[k]--;
}

/* Put block (pfn, order k) back, merging with free buddies. Zone lock held. */
static void buddy_merge_locked(struct buddy_zone *z, uint64_t pfn, unsigned k)
{
	while (k < BUDDY_MAX_ORDER) {
		uint64_t buddy = pfn ^ (1UL << k);
		struct page *b;

		if (buddy < z->base_pfn || buddy + (1UL << k) > z->base_pfn + z->npages)
			break;
		b = &z->pages[buddy - z->base_pfn];
		if (!(b->flags & PG_FREE) || b->order != k)
			break;
		free_list_del(z, b, k);
		pfn &= ~(1UL << k);
		k++;
	}
	free_list_add(z, &z->pages[pfn - z->base_pfn], k);
}

void buddy_add_range(struct buddy_zone *z, uint64_t pfn, uint64_t n)
{
	uint64_t end = pfn + n;

	assert(pfn >= z->base_pfn && end <= z->base_pfn + z->npages);
	spin_lock(&z->lock);
	while (pfn < end) {
		unsigned k = 0;

		/* largest aligned block that fits */
		while (k < BUDDY_MAX_ORDER && !(pfn & (1UL << k)) &&
		       pfn + (2UL << k) <= end)
			k++;
		for (uint64_t i = 0; i < (1UL << k); i++) {
			struct page *p = &z->pages[pfn - z->base_pfn + i];

			if (!(p->flags & PG_RESERVED))
				panic("buddy: frame %lx added twice",
				      (unsigned long)(pfn + i));
			p->flags = 0;
		}
		z->free_pages += 1UL << k;
		z->managed_pages += 1UL << k;
		buddy_merge_locked(z, pfn, k);
		pfn += 1UL << k;
	}
	spin_unlock(&z->lock);
}

/* One order-0 block, the zone locked. */
static struct page *alloc_one_locked(struct buddy_zone *z)
{
	struct page *p;
	unsigned k;

	for (k = 0; k <= BUDDY_MAX_ORDER; k++)
		if (!list_empty(&z->free[k]))
			break;
	if (k > BUDDY_MAX_ORDER)
		return NULL;
	p = list_entry(z->free[k].next, struct page, link);
	free_list_del(z, p, k);
	while (k > 0) {
		k--;
		free_list_add(z, p + (1UL << k), k);
	}
	p->flags = PG_ALLOC;
	p->order = 0;
	p->refcount = 1;
	z->free_pages--;
	return p;
}

unsigned buddy_alloc_bulk(struct buddy_zone *z, unsigned n,
			  struct list_node *out)
{
	unsigned got = 0;

	spin_lock(&z->lock);
	for (; got < n; got++) {
		struct page *p = alloc_one_locked(z);

		if (!p)
			break;
		list_push_back(out, &p->link);
	}
	spin_unlock(&z->lock);
	return got;
}

struct page *buddy_alloc(struct buddy_zone *z, unsigned order)
{
	struct page *p = NULL;
	unsigned k;

	if (order > BUDDY_MAX_ORDER)
		return NULL;
	spin_lock(&z->lock);
	for (k = order; k <= BUDDY_MAX_ORDER; k++)
		if (!list_empty(&z->free[k]))
			break;
	if (k <= BUDDY_MAX_ORDER) {
		p = list_entry(z->free[k].next, struct page, link);
		free_list_del(z, p, k);
		/* split: hand the upper halves back */
		while (k > order) {
			k--;
			free_list_add(z, p + (1UL << k), k);
		}
		p->flags = PG_ALLOC;
		p->order = (uint8_t)order;
		p->refcount = 1;
		z->free_pages -= 1UL << order;
	}
	spin_unlock(&z->lock);
	return p;
}

void buddy_free(struct buddy_zone *z, struct page *p, unsigned order)
{
	uint64_t pfn;

	if (p < z->pages || p >= z->pages + z->npages)
		panic("buddy: free of a page outside the zone");
	pfn = buddy_pfn(z, p);
	spin_lock(&z->lock);
	if (p->flags & PG_FREE)
		panic("buddy: double free of frame %lx", (unsigned long)pfn);
	if (!(p->flags & PG_ALLOC))
		panic("buddy: free of frame %lx, which is not an allocated block",
		      (unsigned long)pfn);
	if (p->order != order)
		panic("buddy: frame %lx freed with order %u, allocated with %u",
		      (unsigned long)pfn, order, p->order);
	p->flags = 0;
	p->refcount = 0;
	p->slab_class = 0;
	p->slab_inuse = 0;
	p->slab_free = NULL;
	z->free_pages += 1UL << order;
	buddy_merge_locked(z, pfn, order);
	spin_unlock(&z->lock);
}

