/*
 * tests/host/test_buddy.c - the buddy allocator (kernel/mm/buddy.c) over a
 * calloc'd struct page array; no real memory is touched, buddy only deals
 * in pfns.
 *
 * Covers: splitting (one order-0 allocation from a single max-order block
 * leaves one free block per lower order), coalescing back to the initial
 * block structure after frees in random order, exhaustion and orders that
 * are too big, natural alignment of every block, no frame handed out twice,
 * reserved gaps (unaligned base, odd sizes, several buddy_add_range calls)
 * never handed out, the panics on double free, wrong order, tail page,
 * reserved page, page outside the zone and a frame added twice, merges
 * that stop at the zone's edges, and a seeded random alloc/free stress
 * run checking the free-page accounting and the free lists' consistency.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "mm/buddy.h"
#include "buddy_fixture.h"

TEST(init_state)
{
	struct fixture fx;

	fx_init(&fx, BASE, MAX_BLOCK);
	CHECK(fx.z.free_pages == 0 && fx.z.managed_pages == 0);
	CHECK(buddy_alloc(&fx.z, 0) == NULL);
	for (uint64_t i = 0; i < MAX_BLOCK; i++)
		CHECK(fx.z.pages[i].flags == PG_RESERVED);
	fx_add(&fx, 0, MAX_BLOCK);
	CHECK(fx.z.free_pages == MAX_BLOCK && fx.z.managed_pages == MAX_BLOCK);
	CHECK(fx.z.nfree_blocks[BUDDY_MAX_ORDER] == 1);
	for (unsigned k = 0; k < BUDDY_MAX_ORDER; k++)
		CHECK(fx.z.nfree_blocks[k] == 0);
	CHECK(buddy_free_pages(&fx.z) == MAX_BLOCK);
	CHECK(zone_consistent(&fx));
	fx_destroy(&fx);
}

TEST(split)
{
	struct fixture fx;
	struct page *p;

	fx_simple(&fx);
	p = buddy_alloc(&fx.z, 0);
	REQUIRE(p != NULL);
	CHECK(buddy_pfn(&fx.z, p) == BASE);
	CHECK(p->flags == PG_ALLOC && p->order == 0 && p->refcount == 1);
	CHECK(fx.z.free_pages == MAX_BLOCK - 1);
	CHECK(fx.z.nfree_blocks[BUDDY_MAX_ORDER] == 0);
	for (unsigned k = 0; k < BUDDY_MAX_ORDER; k++) {
		CHECK(fx.z.nfree_blocks[k] == 1);
		/* the upper half at each level: pfn BASE + 2^k */
		CHECK(fx.z.pages[1UL << k].flags == PG_FREE);
		CHECK(fx.z.pages[1UL << k].order == k);
	}
	CHECK(zone_consistent(&fx));

	buddy_free(&fx.z, p, 0);
	CHECK(fx.z.free_pages == MAX_BLOCK);
	CHECK(fx.z.nfree_blocks[BUDDY_MAX_ORDER] == 1);
	for (unsigned k = 0; k < BUDDY_MAX_ORDER; k++)
		CHECK(fx.z.nfree_blocks[k] == 0);
	CHECK(zone_consistent(&fx));
	fx_destroy(&fx);
}

/* Allocate everything, free in random order, compare with the start. */
static void coalesce_run(const char *check_test, struct fixture *fx,
			 bool order0_only)
{
	uint64_t nfree0[BUDDY_MAX_ORDER + 1];
	uint64_t free0 = fx->z.free_pages;
	size_t max = fx->z.managed_pages;
	struct block *b = calloc(max, sizeof(*b));
	size_t n = 0;

	REQUIRE(b != NULL);
	memcpy(nfree0, fx->z.nfree_blocks, sizeof(nfree0));
	if (order0_only) {
		struct page *p;

		while (n < max && (p = buddy_alloc(&fx->z, 0)) != NULL) {
			b[n].p = p;
			b[n].order = 0;
			n++;
		}
	} else {
		n = alloc_all(fx, b, max);
	}
	CHECK(fx->z.free_pages == 0);
	for (unsigned k = 0; k <= BUDDY_MAX_ORDER; k++)
		CHECK(fx->z.nfree_blocks[k] == 0);
	shuffle(b, n);
	for (size_t i = 0; i < n; i++)
		buddy_free(&fx->z, b[i].p, b[i].order);
	CHECK(fx->z.free_pages == free0);
	CHECK(memcmp(nfree0, fx->z.nfree_blocks, sizeof(nfree0)) == 0);
	CHECK(zone_consistent(fx));
	free(b);
}

TEST(coalesce)
{
	struct fixture fx;

	rng_seed(1);
	fx_init(&fx, BASE, 4 * MAX_BLOCK);
	fx_add(&fx, 0, 4 * MAX_BLOCK);
	CHECK(fx.z.nfree_blocks[BUDDY_MAX_ORDER] == 4);
	coalesce_run(check_test, &fx, true);
	coalesce_run(check_test, &fx, false);
	CHECK(fx.z.nfree_blocks[BUDDY_MAX_ORDER] == 4);
	fx_destroy(&fx);

	fx_holey(&fx);
	CHECK(zone_consistent(&fx));
	coalesce_run(check_test, &fx, true);
	coalesce_run(check_test, &fx, false);
	fx_destroy(&fx);
}

/* Adjacent ranges added separately merge into one block. */
TEST(add_range_merges)
{
	struct fixture fx;

	fx_init(&fx, BASE, MAX_BLOCK);
	fx_add(&fx, 512, 512);
	fx_add(&fx, 0, 1);
	fx_add(&fx, 2, 510);
	fx_add(&fx, 1, 1);
	CHECK(fx.z.free_pages == MAX_BLOCK);
	CHECK(fx.z.nfree_blocks[BUDDY_MAX_ORDER] == 1);
	for (unsigned k = 0; k < BUDDY_MAX_ORDER; k++)
		CHECK(fx.z.nfree_blocks[k] == 0);
	CHECK(zone_consistent(&fx));
	fx_destroy(&fx);
}

TEST(exhaustion)
{
	struct fixture fx;
	uint64_t count = 0;
	struct page *p, *big;

	fx_holey(&fx);
	CHECK(fx.z.managed_pages == HOLEY_MANAGED);
	CHECK(fx.z.free_pages == HOLEY_MANAGED);
	while (buddy_alloc(&fx.z, 0))
		count++;
	CHECK(count == HOLEY_MANAGED);
	CHECK(fx.z.free_pages == 0);
	for (unsigned k = 0; k <= BUDDY_MAX_ORDER; k++)
		CHECK(buddy_alloc(&fx.z, k) == NULL);
	fx_destroy(&fx);

	/* orders beyond the maximum, even with memory free */
	fx_simple(&fx);
	CHECK(buddy_alloc(&fx.z, BUDDY_MAX_ORDER + 1) == NULL);
	CHECK(buddy_alloc(&fx.z, 63) == NULL);
	CHECK(buddy_alloc(&fx.z, ~0u) == NULL);
	CHECK(fx.z.free_pages == MAX_BLOCK && !fx.z.lock.locked);

	/* larger than any free block: NULL; smaller ones still work */
	p = buddy_alloc(&fx.z, 0);
	REQUIRE(p != NULL);
	CHECK(buddy_alloc(&fx.z, BUDDY_MAX_ORDER) == NULL);
	for (unsigned k = BUDDY_MAX_ORDER; k-- > 0;) {
		big = buddy_alloc(&fx.z, k);
		CHECK(big != NULL);
		CHECK(buddy_alloc(&fx.z, k) == NULL); /* only one was left */
	}
	CHECK(fx.z.free_pages == 0);
	CHECK(buddy_alloc(&fx.z, 0) == NULL);
	fx_destroy(&fx);

	/* holey zone: the largest block is bounded by the gaps */
	fx_init(&fx, BASE, 64);
	fx_add(&fx, 0, 7);   /* 4 + 2 + 1 */
	fx_add(&fx, 9, 7);   /* 1 + 2 + 4 */
	fx_add(&fx, 16, 15); /* 8 + 4 + 2 + 1 */
	CHECK(buddy_alloc(&fx.z, 4) == NULL);
	CHECK(buddy_alloc(&fx.z, 3) != NULL);
	CHECK(buddy_alloc(&fx.z, 3) == NULL);
	CHECK(buddy_alloc(&fx.z, 2) != NULL);
	CHECK(buddy_alloc(&fx.z, 2) != NULL);
	CHECK(buddy_alloc(&fx.z, 2) != NULL);
	CHECK(buddy_alloc(&fx.z, 2) == NULL);
	CHECK(fx.z.free_pages == 29 - 8 - 12);
	fx_destroy(&fx);
}

TEST(alignment)
{
	struct fixture fx;

	rng_seed(2);
	for (int round = 0; round < 2; round++) {
		size_t n;
		struct block *b;

		if (round == 0)
			fx_simple(&fx);
		else
			fx_holey(&fx);
		b = calloc(fx.z.managed_pages, sizeof(*b));
		REQUIRE(b != NULL);
		n = alloc_all(&fx, b, fx.z.managed_pages);
		for (size_t i = 0; i < n; i++) {
			uint64_t pfn = buddy_pfn(&fx.z, b[i].p);

			CHECK(IS_ALIGNED(pfn, 1UL << b[i].order));
			CHECK(b[i].p->flags == PG_ALLOC);
			CHECK(b[i].p->order == b[i].order);
			CHECK(b[i].p->refcount == 1);
		}
		free(b);
		fx_destroy(&fx);
	}

	/* every order, explicitly, in a fresh zone */
	fx_init(&fx, BASE, 4 * MAX_BLOCK);
	fx_add(&fx, 0, 4 * MAX_BLOCK);
	for (unsigned k = 0; k <= BUDDY_MAX_ORDER; k++) {
		struct page *p = buddy_alloc(&fx.z, k);

		REQUIRE(p != NULL);
		CHECK(IS_ALIGNED(buddy_pfn(&fx.z, p), 1UL << k));
	}
	fx_destroy(&fx);
}

/* Mark every frame handed out: none twice, none reserved, all counted. */
static void no_overlap_run(const char *check_test, struct fixture *fx)
{
	struct block *b = calloc(fx->z.managed_pages, sizeof(*b));
	size_t n, frames = 0;

	REQUIRE(b != NULL);
	n = alloc_all(fx, b, fx->z.managed_pages);
	memset(fx->used, 0, fx->z.npages);
	for (size_t i = 0; i < n; i++) {
		uint64_t idx = (uint64_t)(b[i].p - fx->z.pages);

		REQUIRE(idx + (1UL << b[i].order) <= fx->z.npages);
		for (uint64_t j = idx; j < idx + (1UL << b[i].order); j++) {
			CHECK(!fx->used[j]);
			CHECK(!fx->reserved[j]);
			fx->used[j] = 1;
			frames++;
		}
	}
	CHECK(frames == fx->z.managed_pages);
	CHECK(fx->z.free_pages == 0);
	free(b);
}

TEST(no_overlap)
{
	struct fixture fx;

	rng_seed(3);
	fx_init(&fx, BASE, 4 * MAX_BLOCK);
	fx_add(&fx, 0, 4 * MAX_BLOCK);
	no_overlap_run(check_test, &fx);
	fx_destroy(&fx);
	fx_holey(&fx);
	no_overlap_run(check_test, &fx);
	fx_destroy(&fx);
}

TEST(reserved_gaps)
{
	struct fixture fx;
	struct page *p;

	fx_holey(&fx);
	while ((p = buddy_alloc(&fx.z, 0)) != NULL)
		CHECK(!fx.reserved[p - fx.z.pages]);
	for (uint64_t i = 0; i < HOLEY_NPAGES; i++)
		if (fx.reserved[i])
			CHECK(fx.z.pages[i].flags == PG_RESERVED);
	fx_destroy(&fx);
}

TEST(double_free)
{
	struct fixture fx;
	struct page *p, *q;

	fx_simple(&fx);
	p = buddy_alloc(&fx.z, 2);
	REQUIRE(p != NULL);
	buddy_free(&fx.z, p, 2);
	/* p is the head of the merged block again (PG_FREE) */
	CHECK(PANICS(buddy_free(&fx.z, p, 2)));
	CHECK(strstr(check_panic_msg, "double free") != NULL);
	fx.z.lock.locked = 0;
	CHECK(fx.z.free_pages == MAX_BLOCK);
	CHECK(zone_consistent(&fx));

	/* q merges into its lower buddy and is no head at all afterwards */
	p = buddy_alloc(&fx.z, 0);
	q = buddy_alloc(&fx.z, 0);
	REQUIRE(p && q && q == p + 1);
	buddy_free(&fx.z, q, 0);
	buddy_free(&fx.z, p, 0);
	CHECK(PANICS(buddy_free(&fx.z, q, 0)));
	fx.z.lock.locked = 0;
	CHECK(PANICS(buddy_free(&fx.z, p, 0)));
	fx.z.lock.locked = 0;
	CHECK(fx.z.free_pages == MAX_BLOCK);
	CHECK(fx.z.nfree_blocks[BUDDY_MAX_ORDER] == 1);
	CHECK(zone_consistent(&fx));

	/* a free block's head that was never allocated */
	p = buddy_alloc(&fx.z, 0);
	REQUIRE(p != NULL);
	CHECK(PANICS(buddy_free(&fx.z, p + 1, 0)));
	fx.z.lock.locked = 0;
	buddy_free(&fx.z, p, 0);
	CHECK(zone_consistent(&fx));
	fx_destroy(&fx);
}

TEST(wrong_order)
{
	struct fixture fx;
	struct page *p;

	fx_simple(&fx);
	p = buddy_alloc(&fx.z, 3);
	REQUIRE(p != NULL);
	CHECK(PANICS(buddy_free(&fx.z, p, 2)));
	fx.z.lock.locked = 0;
	CHECK(PANICS(buddy_free(&fx.z, p, 4)));
	fx.z.lock.locked = 0;
	CHECK(PANICS(buddy_free(&fx.z, p, 0)));
	fx.z.lock.locked = 0;
	CHECK(fx.z.free_pages == MAX_BLOCK - 8);
	CHECK(p->flags == PG_ALLOC && p->order == 3);
	buddy_free(&fx.z, p, 3);
	CHECK(fx.z.free_pages == MAX_BLOCK);
	CHECK(fx.z.nfree_blocks[BUDDY_MAX_ORDER] == 1);
	CHECK(zone_consistent(&fx));
	fx_destroy(&fx);
}

TEST(tail_page)
{
	struct fixture fx;
	struct page *p;

	fx_simple(&fx);
	p = buddy_alloc(&fx.z, 3);
	REQUIRE(p != NULL);
	for (int i = 1; i < 8; i++) {
		CHECK(PANICS(buddy_free(&fx.z, p + i, 0)));
		fx.z.lock.locked = 0;
		CHECK(PANICS(buddy_free(&fx.z, p + i, 3)));
		fx.z.lock.locked = 0;
	}
	CHECK(fx.z.free_pages == MAX_BLOCK - 8);
	buddy_free(&fx.z, p, 3);
	CHECK(fx.z.nfree_blocks[BUDDY_MAX_ORDER] == 1);
	CHECK(zone_consistent(&fx));
	fx_destroy(&fx);
}

TEST(reserved_page)
{
	struct fixture fx;
	uint64_t free0;

	fx_holey(&fx);
	free0 = fx.z.free_pages;
	for (uint64_t i = 0; i < HOLEY_NPAGES; i++) {
		if (!fx.reserved[i])
			continue;
		CHECK(PANICS(buddy_free(&fx.z, &fx.z.pages[i], 0)));
		fx.z.lock.locked = 0;
	}
	CHECK(fx.z.free_pages == free0);
	CHECK(zone_consistent(&fx));
	fx_destroy(&fx);
}

TEST(outside_zone)
{
	struct fixture fx;
	struct page *below, *above;

	fx_simple(&fx);
	below = fx.array;                       /* pad entries before the zone */
	above = fx.z.pages + fx.z.npages;       /* just past the end */
	below->flags = PG_ALLOC;                /* looks allocated */
	above->flags = PG_ALLOC;
	CHECK(PANICS(buddy_free(&fx.z, below, 0)));
	fx.z.lock.locked = 0;
	CHECK(PANICS(buddy_free(&fx.z, fx.z.pages - 1, 0)));
	fx.z.lock.locked = 0;
	CHECK(PANICS(buddy_free(&fx.z, above, 0)));
	fx.z.lock.locked = 0;
	CHECK(PANICS(buddy_free(&fx.z, above + 3, 0)));
	fx.z.lock.locked = 0;
	CHECK(fx.z.free_pages == MAX_BLOCK);
	CHECK(zone_consistent(&fx));
	fx_destroy(&fx);
}

/*
 * Merging stops at the zone's edges even when the struct pages just
 * outside the zone look like free blocks of the right order (in the
 * kernel, whatever lies next to the page array).
 */
TEST(zone_edges)
{
	struct fixture fx;
	struct page *lo, *hi, *below, *above;

	/* [BASE+16, BASE+48): two order-4 blocks, buddies outside */
	fx_init(&fx, BASE + 16, 32);
	below = fx.z.pages - 16; /* pfn BASE */
	above = fx.z.pages + 32; /* pfn BASE + 48 */
	below->flags = above->flags = PG_FREE;
	below->order = above->order = 4;
	fx_add(&fx, 0, 32);
	CHECK(fx.z.nfree_blocks[4] == 2 && fx.z.nfree_blocks[5] == 0);
	lo = buddy_alloc(&fx.z, 4);
	hi = buddy_alloc(&fx.z, 4);
	REQUIRE(lo && hi);
	buddy_free(&fx.z, lo, 4);
	buddy_free(&fx.z, hi, 4);
	CHECK(fx.z.free_pages == 32);
	CHECK(fx.z.nfree_blocks[4] == 2 && fx.z.nfree_blocks[5] == 0);
	CHECK(below->flags == PG_FREE && above->flags == PG_FREE);
	CHECK(list_empty(&below->link) && list_empty(&above->link));
	CHECK(zone_consistent(&fx));
	fx_destroy(&fx);
}

TEST(add_twice)
{
	struct fixture fx;

	fx_holey(&fx);
	CHECK(PANICS(buddy_add_range(&fx.z, HOLEY_BASE + 10, 1)));
	fx.z.lock.locked = 0;
	fx_destroy(&fx);
}

TEST(stress)
{
	enum { NOPS = 20000 };
	struct fixture fx;
	struct block *live;
	size_t nlive = 0;
	uint64_t expect_free, nfree0[BUDDY_MAX_ORDER + 1];
	unsigned long allocs = 0, fails = 0;

	rng_seed(0x6b697465);
	fx_holey(&fx);
	memcpy(nfree0, fx.z.nfree_blocks, sizeof(nfree0));
	expect_free = fx.z.free_pages;
	live = calloc(fx.z.managed_pages, sizeof(*live));
	REQUIRE(live != NULL);
	for (int op = 0; op < NOPS; op++) {
		/* mostly allocate in the first half, mostly free later */
		unsigned bias = op < NOPS / 2 ? 60 : 40;

		if (nlive == 0 || rng_below(100) < bias) {
			unsigned k = rng_order();
			struct page *p = buddy_alloc(&fx.z, k);

			if (p) {
				REQUIRE(IS_ALIGNED(buddy_pfn(&fx.z, p), 1UL << k));
				live[nlive].p = p;
				live[nlive].order = k;
				nlive++;
				expect_free -= 1UL << k;
				allocs++;
			} else {
				/* only when no block of order >= k is free */
				for (unsigned j = k; j <= BUDDY_MAX_ORDER; j++)
					CHECK(fx.z.nfree_blocks[j] == 0);
				fails++;
			}
		} else {
			size_t i = rng_below(nlive);

			buddy_free(&fx.z, live[i].p, live[i].order);
			expect_free += 1UL << live[i].order;
			live[i] = live[--nlive];
		}
		REQUIRE(fx.z.free_pages == expect_free);
		if (op % 1000 == 0) {
			REQUIRE(zone_consistent(&fx));
			/* live blocks lie on frames no free block covers */
			for (size_t i = 0; i < nlive; i++) {
				uint64_t idx = (uint64_t)(live[i].p - fx.z.pages);

				for (uint64_t j = idx;
				     j < idx + (1UL << live[i].order); j++) {
					CHECK(!fx.used[j]);
					fx.used[j] = 1;
				}
			}
		}
	}
	CHECK(allocs > NOPS / 4 && fails > 0);
	shuffle(live, nlive);
	while (nlive > 0) {
		nlive--;
		buddy_free(&fx.z, live[nlive].p, live[nlive].order);
	}
	CHECK(fx.z.free_pages == HOLEY_MANAGED);
	CHECK(memcmp(nfree0, fx.z.nfree_blocks, sizeof(nfree0)) == 0);
	CHECK(zone_consistent(&fx));
	free(live);
	fx_destroy(&fx);
}

int main(void)
{
	CHECK_MAIN_BEGIN("buddy");
	RUN(init_state);
	RUN(split);
	RUN(coalesce);
	RUN(add_range_merges);
	RUN(exhaustion);
	RUN(alignment);
	RUN(no_overlap);
	RUN(reserved_gaps);
	RUN(double_free);
	RUN(wrong_order);
	RUN(tail_page);
	RUN(reserved_page);
	RUN(outside_zone);
	RUN(zone_edges);
	RUN(add_twice);
	RUN(stress);
	CHECK_MAIN_END();
}
