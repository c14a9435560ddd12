/*
 * tests/host/test_kmalloc.c - the kernel heap (kernel/mm/kmalloc.c) over
 * the real buddy allocator and a fake pmm (fake_pmm.c: a 16 MiB arena).
 *
 * Covers: every size 1..4096 and some large ones (5000, 8192, 100000,
 * 4 MiB) give memory that can be filled, lies in the arena, is aligned to
 * its class (small) or a page (large) and overlaps no other live
 * allocation; kmalloc(0) is NULL and kfree(NULL) a no-op; the size-class
 * boundaries (17 and 32 share a class) through kmalloc_get_stats; kzalloc
 * zeroes; live data that looks like a free object is not a double free;
 * a seeded random alloc/free stress run with pattern fills checked before
 * every free; memory returning to the baseline once everything is freed
 * (minus at most one cached slab per class); the panics on double free,
 * pointers into the middle of an object or of a large allocation and
 * pointers kmalloc never returned; too-large sizes and exhausted memory
 * giving NULL.
 *
 * Every test starts from a fresh zone and fresh classes (setup()), so a
 * test that catches a panic thrown with a class lock held (double free)
 * calls setup() again before using the heap.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "mm/buddy.h"
#include "mm/kmalloc.h"
#include "mm/memlayout.h"
#include "mm/pmm.h"

/* fake_pmm.c */
void fake_pmm_init(void);
uint64_t fake_pmm_free_pages(void);
uint64_t fake_pmm_total_pages(void);
void *fake_pmm_arena(void);

#define ARENA_SIZE (16 * MiB)
#define MAX_LARGE (PAGE_SIZE << BUDDY_MAX_ORDER) /* 4 MiB */
#define FREE_MAGIC 0x6b6974656672ee00UL /* kmalloc.c's free-object mark */

static int global_object;

/* Fresh zone, fresh classes; returns the free frame count. */
static uint64_t setup(void)
{
	fake_pmm_init();
	kmalloc_init();
	return fake_pmm_free_pages();
}

/* The bytes kmalloc really reserves for a request of size bytes. */
static size_t extent(size_t size)
{
	size_t s = size <= KMALLOC_MAX_SMALL ? KMALLOC_MIN_SIZE : PAGE_SIZE;

	while (s < size)
		s <<= 1;
	return s;
}

static size_t alignment(size_t size)
{
	return MIN(extent(size), PAGE_SIZE);
}

/* The class index of a small size, as the stats count it. */
static int class_of(size_t size)
{
	int c = 0;

	while (((size_t)KMALLOC_MIN_SIZE << c) < size)
		c++;
	return c;
}

struct alloc {
	unsigned char *p;
	size_t size;
	unsigned char pat;
};

static unsigned char pattern(const struct alloc *a, size_t i)
{
	return (unsigned char)(a->pat + i * 7);
}

static void fill(struct alloc *a)
{
	for (size_t i = 0; i < a->size; i++)
		a->p[i] = pattern(a, i);
}

static bool intact(const struct alloc *a)
{
	for (size_t i = 0; i < a->size; i++)
		if (a->p[i] != pattern(a, i))
			return false;
	return true;
}

static bool in_arena(const void *p, size_t size)
{
	uintptr_t a = (uintptr_t)fake_pmm_arena(), v = (uintptr_t)p;

	return v >= a && v + size <= a + ARENA_SIZE;
}

static int cmp_alloc(const void *x, const void *y)
{
	const struct alloc *a = x, *b = y;

	return a->p < b->p ? -1 : a->p > b->p;
}

/* No two of the n live allocations share a byte of their extents. */
static bool disjoint(struct alloc *a, size_t n)
{
	qsort(a, n, sizeof(*a), cmp_alloc);
	for (size_t i = 1; i < n; i++)
		if (a[i - 1].p + extent(a[i - 1].size) > a[i].p)
			return false;
	return true;
}

/* Everything freed: nothing in use, at most one cached slab per class,
 * and every other frame back in the zone. */
static void check_baseline(const char *check_test, uint64_t free0)
{
	struct kmalloc_stats st;
	uint64_t cached = 0;

	kmalloc_get_stats(&st);
	for (int c = 0; c < KMALLOC_NCLASSES; c++) {
		CHECK(st.inuse[c] == 0);
		CHECK(st.slabs[c] <= 1);
		cached += st.slabs[c];
	}
	CHECK(st.large_pages == 0);
	CHECK(fake_pmm_free_pages() == free0 - cached);
}

static void shuffle(struct alloc *a, size_t n)
{
	for (size_t i = n; i > 1; i--) {
		size_t j = rng_below(i);
		struct alloc t = a[i - 1];

		a[i - 1] = a[j];
		a[j] = t;
	}
}

TEST(zero_and_null)
{
	uint64_t free0 = setup();

	CHECK(kmalloc(0) == NULL);
	CHECK(kzalloc(0) == NULL);
	kfree(NULL);
	CHECK(fake_pmm_free_pages() == free0);
	check_baseline(check_test, free0);
}

TEST(all_sizes)
{
	static const size_t large[] = { MAX_LARGE, 100000, 8192, 5000 };
	enum { NSMALL = 4096, N = NSMALL + ARRAY_SIZE(large) };
	struct alloc *a = calloc(N, sizeof(*a));
	uint64_t free0 = setup(), large_pages = 0;
	struct kmalloc_stats st;
	size_t n = 0;

	REQUIRE(a != NULL);
	rng_seed(11);
	/* the big ones first, while the zone has a free 4 MiB block */
	for (size_t i = 0; i < ARRAY_SIZE(large); i++, n++) {
		a[n].size = large[i];
		large_pages += extent(large[i]) / PAGE_SIZE;
	}
	for (size_t s = 1; s <= NSMALL; s++, n++) {
		a[n].size = s;
		if (s > KMALLOC_MAX_SMALL)
			large_pages++;
	}
	for (size_t i = 0; i < n; i++) {
		a[i].p = kmalloc(a[i].size);
		REQUIRE(a[i].p != NULL);
		CHECK(in_arena(a[i].p, extent(a[i].size)));
		CHECK(IS_ALIGNED((uintptr_t)a[i].p, alignment(a[i].size)));
		a[i].pat = (unsigned char)rng();
		fill(&a[i]);
	}
	kmalloc_get_stats(&st);
	CHECK(st.large_pages == large_pages);
	for (int c = 0; c < KMALLOC_NCLASSES; c++) {
		size_t lo = c ? ((size_t)KMALLOC_MIN_SIZE << (c - 1)) + 1 : 1;
		size_t hi = (size_t)KMALLOC_MIN_SIZE << c;

		CHECK(st.inuse[c] == hi - lo + 1);
	}
	for (size_t i = 0; i < n; i++)
		CHECK(intact(&a[i]));
	CHECK(disjoint(a, n));
	shuffle(a, n);
	for (size_t i = 0; i < n; i++) {
		CHECK(intact(&a[i]));
		kfree(a[i].p);
	}
	check_baseline(check_test, free0);
	free(a);
}

TEST(size_classes)
{
	static const struct {
		size_t size;
		int cls; /* -1: large */
	} table[] = {
		{ 1, 0 },    { 16, 0 },   { 17, 1 },    { 32, 1 },
		{ 33, 2 },   { 64, 2 },   { 65, 3 },    { 128, 3 },
		{ 129, 4 },  { 256, 4 },  { 257, 5 },   { 512, 5 },
		{ 513, 6 },  { 1024, 6 }, { 1025, 7 },  { 2048, 7 },
		{ 2049, -1 }, { 4096, -1 },
	};
	struct kmalloc_stats before, after;
	uint64_t free0 = setup();
	void *p, *q;

	/* the example from the brief: 17 and 32 share a class */
	p = kmalloc(17);
	q = kmalloc(32);
	REQUIRE(p && q);
	kmalloc_get_stats(&after);
	CHECK(after.inuse[1] == 2 && after.slabs[1] == 1);
	CHECK(((uintptr_t)p & ~PAGE_MASK) == ((uintptr_t)q & ~PAGE_MASK));
	kfree(p);
	kfree(q);

	for (size_t i = 0; i < ARRAY_SIZE(table); i++) {
		kmalloc_get_stats(&before);
		p = kmalloc(table[i].size);
		REQUIRE(p != NULL);
		kmalloc_get_stats(&after);
		for (int c = 0; c < KMALLOC_NCLASSES; c++)
			CHECK(after.inuse[c] - before.inuse[c] ==
			      (c == table[i].cls));
		CHECK(after.large_pages - before.large_pages ==
		      (table[i].cls < 0));
		if (table[i].cls >= 0)
			CHECK(class_of(table[i].size) == table[i].cls);
		kfree(p);
	}
	check_baseline(check_test, free0);
}

TEST(kzalloc_zeroes)
{
	static const size_t sizes[] = { 1, 24, 100, 2048, 3000, 70000 };
	uint64_t free0 = setup();

	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
		/* dirty the memory kzalloc is about to hand out again */
		unsigned char *p = kmalloc(sizes[i]), *q;

		REQUIRE(p != NULL);
		memset(p, 0xee, sizes[i]);
		kfree(p);
		q = kzalloc(sizes[i]);
		REQUIRE(q != NULL);
		for (size_t j = 0; j < sizes[i]; j++)
			if (q[j] != 0) {
				CHECK(q[j] == 0);
				break;
			}
		kfree(q);
	}
	check_baseline(check_test, free0);
}

/* Live data that happens to look like a free object is still freed. */
TEST(magic_lookalike)
{
	uint64_t free0 = setup();
	uint64_t *a = kmalloc(16), *b = kmalloc(16);

	REQUIRE(a && b);
	a[0] = 0;
	a[1] = FREE_MAGIC;
	b[0] = (uint64_t)(uintptr_t)a;
	b[1] = FREE_MAGIC;
	kfree(a);
	kfree(b);
	check_baseline(check_test, free0);
}

/* Many slabs of one class, freed in random order, drain to <= 1 slab. */
TEST(slabs_return)
{
	enum { N = 3000 };
	static void *p[N];
	uint64_t free0 = setup();
	struct kmalloc_stats st;

	rng_seed(5);
	for (int i = 0; i < N; i++) {
		p[i] = kmalloc(64);
		REQUIRE(p[i] != NULL);
	}
	kmalloc_get_stats(&st);
	CHECK(st.inuse[2] == N);
	CHECK(st.slabs[2] == (N + 63) / 64);
	CHECK(fake_pmm_free_pages() == free0 - st.slabs[2]);
	for (int i = N; i > 1; i--) {
		int j = (int)rng_below((size_t)i);
		void *t = p[i - 1];

		p[i - 1] = p[j];
		p[j] = t;
	}
	for (int i = 0; i < N; i++)
		kfree(p[i]);
	check_baseline(check_test, free0);
}

TEST(stress)
{
	enum { NOPS = 20000, MAXLIVE = 2000 };
	struct alloc *live = calloc(MAXLIVE, sizeof(*live));
	uint64_t free0 = setup(), inuse[KMALLOC_NCLASSES] = { 0 };
	uint64_t large_pages = 0;
	struct kmalloc_stats st;
	size_t nlive = 0;

	REQUIRE(live != NULL);
	rng_seed(0x6b697465);
	for (int op = 0; op < NOPS; op++) {
		if (nlive < MAXLIVE && (nlive == 0 || rng_below(100) < 55)) {
			struct alloc *a = &live[nlive];
			unsigned r = (unsigned)rng_below(100);

			if (r < 70)
				a->size = 1 + rng_below(256);
			else if (r < 95)
				a->size = 1 + rng_below(KMALLOC_MAX_SMALL);
			else
				a->size = 1 + rng_below(40000);
			a->p = kmalloc(a->size);
			REQUIRE(a->p != NULL);
			REQUIRE(IS_ALIGNED((uintptr_t)a->p, alignment(a->size)));
			REQUIRE(in_arena(a->p, extent(a->size)));
			a->pat = (unsigned char)rng();
			fill(a);
			if (a->size <= KMALLOC_MAX_SMALL)
				inuse[class_of(a->size)]++;
			else
				large_pages += extent(a->size) / PAGE_SIZE;
			nlive++;
		} else {
			size_t i = rng_below(nlive);
			struct alloc *a = &live[i];

			REQUIRE(intact(a));
			kfree(a->p);
			if (a->size <= KMALLOC_MAX_SMALL)
				inuse[class_of(a->size)]--;
			else
				large_pages -= extent(a->size) / PAGE_SIZE;
			*a = live[--nlive];
		}
		if (op % 1000 == 999) {
			uint64_t slab_pages = 0;

			kmalloc_get_stats(&st);
			for (int c = 0; c < KMALLOC_NCLASSES; c++) {
				CHECK(st.inuse[c] == inuse[c]);
				slab_pages += st.slabs[c];
			}
			CHECK(st.large_pages == large_pages);
			CHECK(fake_pmm_free_pages() ==
			      free0 - slab_pages - large_pages);
			for (size_t i = 0; i < nlive; i++)
				REQUIRE(intact(&live[i]));
			REQUIRE(disjoint(live, nlive));
		}
	}
	while (nlive > 0) {
		nlive--;
		CHECK(intact(&live[nlive]));
		kfree(live[nlive].p);
	}
	check_baseline(check_test, free0);
	free(live);
}

TEST(too_large)
{
	uint64_t free0 = setup();
	void *big[8];
	int n = 0;

	CHECK(kmalloc(MAX_LARGE + 1) == NULL);
	CHECK(kmalloc(2 * MAX_LARGE) == NULL);
	CHECK(kmalloc(SIZE_MAX / 2) == NULL);
	CHECK(kmalloc(SIZE_MAX / 2 + 2) == NULL);
	CHECK(kmalloc(SIZE_MAX) == NULL);
	CHECK(kzalloc(SIZE_MAX) == NULL);
	CHECK(fake_pmm_free_pages() == free0);

	/* the arena holds exactly four 4 MiB blocks */
	while (n < 8 && (big[n] = kmalloc(MAX_LARGE)) != NULL)
		n++;
	CHECK(n == (int)(ARENA_SIZE / MAX_LARGE));
	CHECK(fake_pmm_free_pages() == 0);
	CHECK(kmalloc(1) == NULL);
	CHECK(kmalloc(5000) == NULL);
	while (n > 0)
		kfree(big[--n]);
	check_baseline(check_test, free0);
}

/* Small objects until memory runs out: NULL, then all of it comes back. */
TEST(exhaustion)
{
	size_t max = ARENA_SIZE / 512, n = 0;
	void **p = calloc(max + 1, sizeof(*p));
	uint64_t free0 = setup();

	REQUIRE(p != NULL);
	while (n <= max && (p[n] = kmalloc(512)) != NULL)
		n++;
	CHECK(n == max);
	CHECK(fake_pmm_free_pages() == 0);
	CHECK(kmalloc(512) == NULL);
	CHECK(kmalloc(8192) == NULL);
	while (n > 0)
		kfree(p[--n]);
	check_baseline(check_test, free0);
	free(p);
}

TEST(double_free)
{
	void *p, *q;

	/* slab still in use by another object */
	setup();
	p = kmalloc(64);
	q = kmalloc(64);
	REQUIRE(p && q);
	kfree(p);
	CHECK(PANICS(kfree(p)));
	CHECK(strstr(check_panic_msg, "double free") != NULL);
	setup(); /* the panic left the class lock held */

	/* slab empty but kept as the class's only partial slab */
	p = kmalloc(16);
	REQUIRE(p != NULL);
	kfree(p);
	CHECK(PANICS(kfree(p)));
	CHECK(strstr(check_panic_msg, "double free") != NULL);
	setup();

	/* slab empty and already given back to the buddy allocator */
	{
		enum { PER_SLAB = PAGE_SIZE / 128 };
		void *o[PER_SLAB + 1];
		uint64_t free0 = fake_pmm_free_pages();

		for (int i = 0; i <= PER_SLAB; i++) {
			o[i] = kmalloc(128);
			REQUIRE(o[i] != NULL);
		}
		/* o[PER_SLAB] is alone in the second slab; with the first
		 * slab partial too, emptying the second one frees it */
		kfree(o[0]);
		kfree(o[PER_SLAB]);
		CHECK(fake_pmm_free_pages() == free0 - 1);
		CHECK(PANICS(kfree(o[PER_SLAB])));
		for (int i = 1; i < PER_SLAB; i++)
			kfree(o[i]);
		check_baseline(check_test, free0);
	}

	/* large allocation freed twice */
	setup();
	p = kmalloc(3 * PAGE_SIZE);
	REQUIRE(p != NULL);
	kfree(p);
	CHECK(PANICS(kfree(p)));
}

TEST(middle_of_object)
{
	uint64_t free0 = setup();
	char *p = kmalloc(64), *q = kmalloc(16), *r = kmalloc(2048);

	REQUIRE(p && q && r);
	CHECK(PANICS(kfree(p + 1)));
	CHECK(PANICS(kfree(p + 32)));
	CHECK(PANICS(kfree(p + 63)));
	CHECK(PANICS(kfree(q + 8)));
	CHECK(PANICS(kfree(r + 1024)));
	/* nothing changed: the real frees still work */
	kfree(p);
	kfree(q);
	kfree(r);
	check_baseline(check_test, free0);
}

TEST(inside_large)
{
	uint64_t free0 = setup();
	char *p = kmalloc(3 * PAGE_SIZE); /* an order-2 block */

	REQUIRE(p != NULL);
	CHECK(PANICS(kfree(p + 1)));
	CHECK(PANICS(kfree(p + 16)));
	CHECK(PANICS(kfree(p + PAGE_SIZE)));
	CHECK(PANICS(kfree(p + 2 * PAGE_SIZE + 100)));
	CHECK(PANICS(kfree(p + 4 * PAGE_SIZE - 1)));
	kfree(p);
	check_baseline(check_test, free0);
}

TEST(not_heap)
{
	uint64_t free0 = setup();
	int local = 0;
	void *m = malloc(64);
	void *page = pmm_alloc_page(0);
	char *arena = fake_pmm_arena();

	REQUIRE(m && page);
	CHECK(PANICS(kfree(&local)));
	CHECK(PANICS(kfree(&global_object)));
	CHECK(PANICS(kfree(m)));
	CHECK(PANICS(kfree((void *)check_baseline)));
	CHECK(PANICS(kfree((void *)((uintptr_t)arena - PAGE_SIZE))));
	CHECK(PANICS(kfree((void *)((uintptr_t)arena + ARENA_SIZE))));
	/* a frame from the pmm, not from kmalloc */
	CHECK(PANICS(kfree(page)));
	/* a free frame in the arena */
	CHECK(PANICS(kfree(arena + ARENA_SIZE - PAGE_SIZE)));
	pmm_free_page(page);
	free(m);
	check_baseline(check_test, free0);
	(void)local;
}

int main(void)
{
	CHECK_MAIN_BEGIN("kmalloc");
	RUN(zero_and_null);
	RUN(all_sizes);
	RUN(size_classes);
	RUN(kzalloc_zeroes);
	RUN(magic_lookalike);
	RUN(slabs_return);
	RUN(stress);
	RUN(too_large);
	RUN(exhaustion);
	RUN(double_free);
	RUN(middle_of_object);
	RUN(inside_large);
	RUN(not_heap);
	CHECK_MAIN_END();
}
