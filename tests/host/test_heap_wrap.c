/*
 * tests/host/test_heap_wrap.c - the heap against a reference model under
 * seeded random operations (also with keys across the 32-bit wrap and
 * across 2^31), pass_before() around the 32-bit boundaries, and a stride
 * scheduler simulated over a heap keyed by passes that wrap, whose picks
 * must follow the true (64-bit) passes and be shared in proportion to the
 * priorities. Run from test_heap.c's main.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "heap_items.h"

/*
 * The reference: the ids of the queued items in a dense array (any order),
 * with each item's position in it, scanned for the smallest key.
 */
struct ref {
	int *ids;
	int *pos; /* by id: position in ids[], or -1 */
	size_t count;
};

static void ref_add(struct ref *r, int id)
{
	r->pos[id] = (int)r->count;
	r->ids[r->count++] = id;
}

static void ref_del(struct ref *r, int id)
{
	int p = r->pos[id];

	r->ids[p] = r->ids[--r->count];
	r->pos[r->ids[p]] = p;
	r->pos[id] = -1;
}

/* The earliest queued key, all keys being in [base, base + 2^31): their
 * offsets from base order them, wrap or not, independently of
 * heap_key_before(). */
static int ref_min(const struct ref *r, const struct item *it, uint32_t base)
{
	int best = -1;

	for (size_t i = 0; i < r->count; i++)
		if (best < 0 || it[r->ids[i]].node.key - base <
					it[best].node.key - base)
			best = r->ids[i];
	return best;
}

/*
 * Random inserts, pops, updates and removals against the reference,
 * with keys base + [0, 2000): plenty of ties, all within 2^31 of each
 * other, so heap_key_before() is a total order on them even when base
 * puts them across the 32-bit wrap or the sign boundary.
 */
static void random_run(const char *check_test, uint64_t seed, uint32_t base,
		       int nops)
{
	enum { CAP = 1000, POOL = 1200, KEYS = 2000 };
	static struct item it[POOL];
	static int ids[POOL], pos[POOL];
	struct ref r = { ids, pos, 0 };
	static uint64_t storage[STORAGE_WORDS(CAP)];
	struct heap h;
	unsigned long nospc = 0, empty = 0, ops[4] = { 0 };

	rng_seed(seed);
	heap_init(&h, storage, CAP);
	items_init(it, POOL);
	for (int i = 0; i < POOL; i++)
		r.pos[i] = -1;
	for (int op = 0; op < nops; op++) {
		/* alternate phases that fill the heap and drain it */
		unsigned grow = (op / 10000) % 2 ? 30 : 70;
		unsigned u = rng_below(100);
		int m;

		if (u < grow) {
			/* insert an item not queued (one always exists) */
			int i;

			do
				i = (int)rng_below(POOL);
			while (r.pos[i] >= 0);
			it[i].node.key = base + rng_below(KEYS);
			if (r.count == CAP) {
				REQUIRE_EQ(heap_insert(&h, &it[i].node), -ENOSPC);
				REQUIRE(it[i].node.index == HEAP_NONE);
				nospc++;
			} else {
				REQUIRE_EQ(heap_insert(&h, &it[i].node), 0);
				ref_add(&r, i);
			}
			ops[0]++;
		} else if (u < grow + 10) {
			struct heap_node *n;

			m = ref_min(&r, it, base);
			n = heap_pop(&h);
			if (m < 0) {
				REQUIRE(n == NULL);
				empty++;
			} else {
				REQUIRE(n != NULL);
				REQUIRE(key_of(n) == it[m].node.key);
				REQUIRE(n->index == HEAP_NONE);
				m = id_of(n);
				REQUIRE(r.pos[m] >= 0);
				ref_del(&r, m);
			}
			ops[1]++;
		} else if (u < grow + 20) {
			if (r.count) {
				m = r.ids[rng_below(r.count)];
				it[m].node.key = base + rng_below(KEYS);
				heap_update(&h, &it[m].node);
			}
			ops[2]++;
		} else {
			if (r.count) {
				m = r.ids[rng_below(r.count)];
				heap_remove(&h, &it[m].node);
				REQUIRE(it[m].node.index == HEAP_NONE);
				ref_del(&r, m);
			}
			ops[3]++;
		}
		REQUIRE(h.size == r.count);
		m = ref_min(&r, it, base);
		if (m < 0)
			REQUIRE(heap_peek(&h) == NULL);
		else
			REQUIRE(heap_peek(&h) &&
				key_of(heap_peek(&h)) == it[m].node.key);
		/* order, every queued item's index and key copy; the rest
		 * unqueued */
		REQUIRE(heap_valid(&h));
		if (op % 64 == 0)
			for (int i = 0; i < POOL; i++)
				REQUIRE((r.pos[i] >= 0) ==
					heap_node_queued(&it[i].node));
	}
	CHECK(nospc > 0 && empty > 0);
	for (int k = 0; k < 4; k++)
		CHECK(ops[k] > (unsigned long)nops / 20);
	/* drain in order */
	for (uint32_t prev = base; h.size;) {
		uint32_t k = key_of(heap_pop(&h));

		CHECK(k - base >= prev - base && k - base < KEYS);
		CHECK(!heap_key_before(k, prev));
		prev = k;
	}
}

TEST(random_ops)
{
	random_run(check_test, 0x6865617021ULL, 0, 200000);
}

/* The same with keys across the 32-bit wrap and across 2^31. */
TEST(random_ops_wrap)
{
	random_run(check_test, 0x77726170ULL, 0xffffffffU - 1000, 60000);
	random_run(check_test, 0x7369676eULL, 0x7fffffffU - 1000, 60000);
}

/* A lump of late ticks adds at most STRIDE_CHARGE_MAX to a pass, so a
 * pass that was the smallest stays comparable with every other one. */
TEST(stride_charge_capped)
{
	CHECK(stride_charge(PRIO_DEFAULT, 1) == BIG_STRIDE / PRIO_DEFAULT);
	CHECK(stride_charge(PRIO_MIN, 1) == BIG_STRIDE / 2);
	CHECK(stride_charge(PRIO_MIN, 2) == BIG_STRIDE);
	CHECK(stride_charge(PRIO_MIN, 4) == STRIDE_CHARGE_MAX);
	CHECK(stride_charge(PRIO_MIN, 0xffffffffU) == STRIDE_CHARGE_MAX);
	CHECK(stride_charge(PRIO_MAX, 5) == 5 * (BIG_STRIDE / PRIO_MAX));
	for (unsigned n = 1; n < 100; n++) {
		uint32_t lo = 0x7ffffff0U, hi = lo + stride_charge(PRIO_MIN, n);

		/* the charged pass still comes after the one it passed */
		CHECK(pass_before(lo, hi));
		/* and after a fresh thread's minimum plus one stride */
		CHECK(!pass_before(hi + BIG_STRIDE / 2, lo));
	}
}

TEST(pass_overflow)
{
	static const uint32_t edges[] = { 0, 1, 0x7ffffffe, 0x7fffffff,
					  0x80000000, 0x80000001, 0xfffffffe,
					  0xffffffff };

	/* a pass is never before itself */
	for (size_t i = 0; i < ARRAY_SIZE(edges); i++)
		CHECK(!pass_before(edges[i], edges[i]));
	/* across the wrap */
	CHECK(pass_before(0xffffffff, 0));
	CHECK(!pass_before(0, 0xffffffff));
	CHECK(pass_before(0xffffff00, 0x100));
	CHECK(!pass_before(0x100, 0xffffff00));
	/* across the sign boundary */
	CHECK(pass_before(0x7fffffff, 0x80000000));
	CHECK(!pass_before(0x80000000, 0x7fffffff));
	/* the largest distance that still compares: 2^31 - 1 */
	CHECK(pass_before(0, 0x7fffffff));
	CHECK(!pass_before(0x7fffffff, 0));
	CHECK(pass_before(0x80000000, 0xffffffff));
	CHECK(!pass_before(0xffffffff, 0x80000000));
	CHECK(pass_before(0x80000001, 0));
	CHECK(!pass_before(0, 0x80000001));
	/* exactly 2^31 apart the comparison is ambiguous (both "before"):
	 * outside the window stride.h promises */
	CHECK(pass_before(0, 0x80000000) && pass_before(0x80000000, 0));
	/* pass_max across the wrap */
	CHECK(pass_max(0xfffffff0, 0x10) == 0x10);
	CHECK(pass_max(0x10, 0xfffffff0) == 0x10);
	CHECK(pass_max(0x7fffffff, 0x80000000) == 0x80000000);
	CHECK(pass_max(5, 5) == 5);
	/* random pairs inside the window, from every edge */
	rng_seed(13);
	for (int i = 0; i < 100000; i++) {
		uint32_t a = i < 8000 ? edges[i % ARRAY_SIZE(edges)] +
					       (uint32_t)rng_below(3) - 1 :
					(uint32_t)rng();
		uint32_t d = 1 + (uint32_t)rng_below(0x7fffffffU);

		CHECK(pass_before(a, a + d));
		CHECK(!pass_before(a + d, a));
		CHECK(pass_max(a, a + d) == a + d);
		/* the heap's order is the scheduler's, for any pair */
		CHECK(heap_key_before(a, a + d) && !heap_key_before(a + d, a));
		{
			uint32_t b = (uint32_t)rng();

			CHECK(heap_key_before(a, b) == pass_before(a, b));
			CHECK(heap_key_before(b, a) == pass_before(b, a));
		}
	}
	for (size_t i = 0; i < ARRAY_SIZE(edges); i++)
		for (size_t j = 0; j < ARRAY_SIZE(edges); j++)
			CHECK(heap_key_before(edges[i], edges[j]) ==
			      pass_before(edges[i], edges[j]));
	/* strides stay within the window */
	CHECK(stride_of(PRIO_MIN) == BIG_STRIDE / 2);
	CHECK(stride_of(PRIO_MIN) < 0x80000000U);
	CHECK(stride_of(PRIO_MAX) > 0);
}

/* A simulated thread of the stride scheduler. */
struct sthread {
	struct heap_node node;
	uint32_t pass;     /* what the scheduler sees: wraps */
	uint64_t truepass; /* the same, never wrapping */
	int prio;
	int id;
	unsigned long picks;
};

TEST(stride_wrap)
{
	enum { NT = 9, ROUNDS = 20000 };
	uint64_t storage[STORAGE_WORDS(NT)];
	struct sthread t[NT];
	struct heap h;
	unsigned long total = 0, wraps = 0;
	int prio_sum = 0;

	heap_init(&h, storage, NT);
	for (int i = 0; i < NT; i++) {
		heap_node_init(&t[i].node);
		t[i].prio = i + 2; /* 2..10 */
		t[i].id = i;
		/* 0xffffff00 .. 0x100 apart: the last one starts at 0 */
		t[i].truepass = 0xffffff00ULL + 0x20ULL * (uint64_t)i;
		t[i].pass = (uint32_t)t[i].truepass;
		t[i].node.key = t[i].pass;
		t[i].picks = 0;
		prio_sum += t[i].prio;
		REQUIRE_EQ(heap_insert(&h, &t[i].node), 0);
	}
	CHECK(t[NT - 1].pass == 0);
	CHECK(container_of(heap_peek(&h), struct sthread, node) == &t[0]);

	for (unsigned long n = 0; n < (unsigned long)ROUNDS * prio_sum; n++) {
		struct sthread *want = NULL, *got;
		uint32_t before = 0;

		/* the reference: smallest true pass (the heap breaks ties
		 * any way it likes: any of the tied threads will do) */
		for (int i = 0; i < NT; i++)
			if (!want || t[i].truepass < want->truepass ||
			    (t[i].truepass == want->truepass &&
			     t[i].id < want->id))
				want = &t[i];
		if (n % 2 == 0) {
			/* pop, run a tick, reinsert */
			got = container_of(heap_pop(&h), struct sthread, node);
			REQUIRE(got->truepass == want->truepass);
			before = got->pass;
			got->pass += stride_of(got->prio);
			got->truepass += stride_of(got->prio);
			got->node.key = got->pass;
			REQUIRE_EQ(heap_insert(&h, &got->node), 0);
		} else {
			/* run the root in place and fix the heap */
			got = container_of(heap_peek(&h), struct sthread, node);
			REQUIRE(got->truepass == want->truepass);
			before = got->pass;
			got->pass += stride_of(got->prio);
			got->truepass += stride_of(got->prio);
			got->node.key = got->pass;
			heap_update(&h, &got->node);
		}
		if (got->pass < before)
			wraps++;
		REQUIRE(got->pass == (uint32_t)got->truepass);
		got->picks++;
		total++;
		REQUIRE(h.size == NT);
		if (n % 256 == 0)
			REQUIRE(heap_valid(&h));
	}
	CHECK(heap_valid(&h));
	CHECK(wraps > 1000); /* the passes wrapped many times */
	/* share of picks = prio / prio_sum, within 1% */
	for (int i = 0; i < NT; i++) {
		double want = (double)total * t[i].prio / prio_sum;
		double got = (double)t[i].picks;

		CHECK(got > want * 0.99 && got < want * 1.01);
	}
	/* and the passes stayed within one stride of each other */
	for (int i = 0; i < NT; i++)
		for (int j = 0; j < NT; j++)
			CHECK(t[i].truepass < t[j].truepass + BIG_STRIDE / 2 + 1);
}

void heap_wrap_tests(void)
{
	RUN(random_ops);
	RUN(random_ops_wrap);
	RUN(pass_overflow);
	RUN(stride_charge_capped);
	RUN(stride_wrap);
}
