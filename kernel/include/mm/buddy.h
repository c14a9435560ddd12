/*
 * mm/buddy.h - a binary buddy allocator over an array of struct page.
 *
 * Pure (no address translation), so it is unit-tested on the host. A
 * zone covers frames [base_pfn, base_pfn + npages); every frame starts
 * reserved and buddy_add_range() hands ranges to it at boot. Blocks are
 * naturally aligned in pfn space, so a block's buddy is pfn ^ (1 << order).
 * Lock: zone->lock guards the free lists, counters and the PG_FREE,
 * PG_ALLOC and order fields of the zone's pages.
 */
#ifndef KITE_MM_BUDDY_H
#define KITE_MM_BUDDY_H

#include "kernel/spinlock.h"
#include "mm/page.h"

#define BUDDY_MAX_ORDER 10 /* largest block: 2^10 frames = 4 MiB */

struct buddy_zone {
	struct spinlock lock;
	struct page *pages;                          /* [const] pages[i] is base_pfn + i */
	uint64_t base_pfn;                           /* [const] */
	uint64_t npages;                             /* [const] */
	struct list_node free[BUDDY_MAX_ORDER + 1];  /* [lock] free blocks by order */
	uint64_t nfree_blocks[BUDDY_MAX_ORDER + 1];  /* [lock] */
	uint64_t free_pages;                         /* [lock; racy reads] */
	uint64_t managed_pages;                      /* [lock] ever added */
};

/* Set up a zone; all its frames start reserved (flags = PG_RESERVED). */
void buddy_init(struct buddy_zone *z, struct page *pages, uint64_t base_pfn,
		uint64_t npages);
/* Give frames [pfn, pfn+n) to the allocator (boot only). */
void buddy_add_range(struct buddy_zone *z, uint64_t pfn, uint64_t n);
/* A block of 2^order frames (head page, PG_ALLOC, refcount 1), or NULL. */
struct page *buddy_alloc(struct buddy_zone *z, unsigned order);
/* Up to n single frames (as buddy_alloc(z, 0) gives them) onto the list
 * out, under one acquisition of the lock; returns how many. */
unsigned buddy_alloc_bulk(struct buddy_zone *z, unsigned n,
			  struct list_node *out);
/* Free a block from buddy_alloc with the same order. Double frees,
 * wrong orders and foreign pages panic. */
void buddy_free(struct buddy_zone *z, struct page *p, unsigned order);
/* Free frames now (a racy read of one aligned word: a value it had). */
static inline uint64_t buddy_free_pages(const struct buddy_zone *z)
{
	return READ_ONCE(z->free_pages);
}

static inline uint64_t buddy_pfn(const struct buddy_zone *z,
				 const struct page *p)
{
	return z->base_pfn + (uint64_t)(p - z->pages);
}

#endif
