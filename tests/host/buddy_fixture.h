/*
 * tests/host/buddy_fixture.h - zones for the buddy tests: a struct page
 * array over a chosen pfn range (one aligned max-order block, several, or
 * a "holey" zone with reserved gaps), a full consistency check of the free
 * lists and counters, and helpers to allocate everything and shuffle.
 * Static helpers; included by test_buddy.c only.
 */
#ifndef KITE_TEST_BUDDY_FIXTURE_H
#define KITE_TEST_BUDDY_FIXTURE_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "mm/buddy.h"

#define BASE 0x80000UL /* 2 GiB: aligned to the max order */
#define MAX_BLOCK (1UL << BUDDY_MAX_ORDER)

/* xorshift64*: a fixed sequence whatever the C library. */

/* An order in [0, BUDDY_MAX_ORDER], biased towards the small ones. */
static unsigned rng_order(void)
{
	unsigned a = rng_below(BUDDY_MAX_ORDER + 1);
	unsigned b = rng_below(BUDDY_MAX_ORDER + 1);

	return MIN(a, b);
}

/* A zone plus the page array behind it; pages[] has `pad` spare entries
 * on each side so that pages outside the zone exist. */
struct fixture {
	struct buddy_zone z;
	struct page *array;
	uint64_t pad;
	bool *reserved; /* frames never added, by index in the zone */
	uint8_t *used;  /* scratch bitmap, by index in the zone */
};

static void fx_init(struct fixture *fx, uint64_t base_pfn, uint64_t npages)
{
	fx->pad = 64;
	fx->array = calloc(npages + 2 * fx->pad, sizeof(struct page));
	fx->reserved = calloc(npages, sizeof(bool));
	fx->used = calloc(npages, 1);
	if (!fx->array || !fx->reserved || !fx->used) {
		perror("calloc");
		exit(2);
	}
	for (uint64_t i = 0; i < npages + 2 * fx->pad; i++)
		list_init(&fx->array[i].link);
	buddy_init(&fx->z, fx->array + fx->pad, base_pfn, npages);
	for (uint64_t i = 0; i < npages; i++)
		fx->reserved[i] = true;
}

/* Add [base + off, base + off + n). */
static void fx_add(struct fixture *fx, uint64_t off, uint64_t n)
{
	buddy_add_range(&fx->z, fx->z.base_pfn + off, n);
	for (uint64_t i = off; i < off + n; i++)
		fx->reserved[i] = false;
}

static void fx_destroy(struct fixture *fx)
{
	free(fx->array);
	free(fx->reserved);
	free(fx->used);
}

/* A zone of one max-order block at BASE. */
static void fx_simple(struct fixture *fx)
{
	fx_init(fx, BASE, MAX_BLOCK);
	fx_add(fx, 0, MAX_BLOCK);
}

/*
 * An unaligned base pfn, an odd size and reserved gaps:
 *   [0, 5) [7, 300) [301, 777) [800, 2000) [2003, 3001) added,
 *   5-6, 300, 777-799, 2000-2002 and 3001-3016 reserved.
 */
#define HOLEY_BASE (BASE + 3)
#define HOLEY_NPAGES 3017UL
#define HOLEY_MANAGED (5UL + 293 + 476 + 1200 + 998)

static void fx_holey(struct fixture *fx)
{
	fx_init(fx, HOLEY_BASE, HOLEY_NPAGES);
	fx_add(fx, 0, 5);
	fx_add(fx, 800, 1200); /* out of order on purpose */
	fx_add(fx, 7, 293);
	fx_add(fx, 301, 476);
	fx_add(fx, 2003, 998);
}

/*
 * Walk the free lists: each entry is a PG_FREE head of its list's order,
 * naturally aligned, inside the zone, covering no reserved frame and not
 * overlapping another free block; the counters match the lists.
 */
static bool zone_consistent(struct fixture *fx)
{
	struct buddy_zone *z = &fx->z;
	uint64_t free_pages = 0;
	bool ok = true;

	memset(fx->used, 0, z->npages);
	for (unsigned k = 0; k <= BUDDY_MAX_ORDER; k++) {
		struct list_node *it;
		uint64_t n = 0;

		list_for_each(it, &z->free[k]) {
			struct page *p = list_entry(it, struct page, link);
			uint64_t pfn, idx;

			if (p < z->pages || p >= z->pages + z->npages)
				return false;
			pfn = buddy_pfn(z, p);
			idx = pfn - z->base_pfn;
			if (p->flags != PG_FREE || p->order != k ||
			    !IS_ALIGNED(pfn, 1UL << k) ||
			    idx + (1UL << k) > z->npages)
				return false;
			for (uint64_t i = idx; i < idx + (1UL << k); i++) {
				if (fx->used[i] || fx->reserved[i])
					ok = false;
				fx->used[i] = 1;
			}
			n++;
			free_pages += 1UL << k;
		}
		if (n != z->nfree_blocks[k])
			ok = false;
	}
	return ok && free_pages == z->free_pages && !z->lock.locked;
}

/* Allocate everything: random orders while they succeed, then order 0. */
struct block {
	struct page *p;
	unsigned order;
};

static size_t alloc_all(struct fixture *fx, struct block *b, size_t max)
{
	size_t n = 0;
	int misses = 0;

	while (n < max && misses < 20) {
		unsigned k = rng_order();
		struct page *p = buddy_alloc(&fx->z, k);

		if (!p) {
			misses++;
			continue;
		}
		b[n].p = p;
		b[n].order = k;
		n++;
	}
	while (n < max) {
		struct page *p = buddy_alloc(&fx->z, 0);

		if (!p)
			break;
		b[n].p = p;
		b[n].order = 0;
		n++;
	}
	return n;
}

static void shuffle(struct block *b, size_t n)
{
	for (size_t i = n; i > 1; i--) {
		size_t j = rng_below(i);
		struct block t = b[i - 1];

		b[i - 1] = b[j];
		b[j] = t;
	}
}

#endif
