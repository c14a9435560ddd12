/*
 * tests/host/test_heap.c - the intrusive binary min-heap (kernel/lib/heap.c)
 * and the pass arithmetic of the stride scheduler (sched/stride.h).
 *
 * Covers: a seeded random run of insert/remove/pop/update against a
 * reference (the set of queued items, scanned for the minimum) checking
 * peek, pop order, size, the heap order and every node's index after each
 * step; a full heap (-ENOSPC, nothing changed); ties; removing the last
 * item, the root, a middle one and one whose replacement must sift up;
 * heap_update both ways; the asserts on misuse; pass_before() around the
 * 32-bit boundaries; and a stride scheduler simulated over a heap ordered
 * by pass_before() with passes that wrap, whose picks must follow the true
 * (64-bit) passes and be shared in proportion to the priorities.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "lib/heap.h"
#include "sched/stride.h"
#include "uapi/errno.h"

/* xorshift64*: a fixed sequence whatever the C library. */
static uint64_t rng_state;

static void rng_seed(uint64_t s)
{
	rng_state = s ? s : 1;
}

static uint64_t rng(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dULL;
}

static unsigned rng_below(uint64_t n)
{
	return (unsigned)(rng() % n);
}

/* REQUIRE() evaluates its condition twice: for calls with side effects. */
#define REQUIRE_EQ(expr, want)                              \
	do {                                                \
		if ((long)(expr) != (long)(want)) {         \
			CHECK(!#expr " == " #want);         \
			return;                             \
		}                                           \
	} while (0)

struct item {
	struct heap_node node;
	unsigned key;
	int id;
};

static bool item_less(const struct heap_node *a, const struct heap_node *b)
{
	return container_of(a, struct item, node)->key <
	       container_of(b, struct item, node)->key;
}

static unsigned key_of(const struct heap_node *n)
{
	return container_of(n, struct item, node)->key;
}

/* The heap order holds and every item's index is its slot. */
static bool heap_valid(const struct heap *h)
{
	if (h->size > h->capacity)
		return false;
	for (size_t i = 0; i < h->size; i++) {
		if (h->items[i] == NULL || h->items[i]->index != i)
			return false;
		if (i > 0 && h->less(h->items[i], h->items[(i - 1) / 2]))
			return false;
	}
	return true;
}

static void items_init(struct item *it, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		heap_node_init(&it[i].node);
		it[i].key = 0;
		it[i].id = (int)i;
	}
}

TEST(empty)
{
	struct heap_node *storage[4];
	struct heap h;
	struct item a;

	memset(storage, 0xa5, sizeof(storage)); /* the heap may not trust it */
	heap_init(&h, storage, 4, item_less);
	CHECK(h.size == 0 && h.capacity == 4);
	CHECK(heap_peek(&h) == NULL);
	CHECK(heap_pop(&h) == NULL);
	items_init(&a, 1);
	CHECK(!heap_node_queued(&a.node));
	CHECK(heap_insert(&h, &a.node) == 0);
	CHECK(heap_node_queued(&a.node) && a.node.index == 0);
	CHECK(heap_peek(&h) == &a.node && h.size == 1);
	CHECK(heap_pop(&h) == &a.node);
	CHECK(a.node.index == HEAP_NONE && h.size == 0);
	CHECK(heap_pop(&h) == NULL);

	/* capacity 0: always full */
	heap_init(&h, NULL, 0, item_less);
	CHECK(heap_insert(&h, &a.node) == -ENOSPC);
	CHECK(a.node.index == HEAP_NONE);
}

TEST(sorted_output)
{
	enum { N = 500 };
	struct heap_node *storage[N];
	struct item it[N];
	struct heap h;
	unsigned prev = 0;

	rng_seed(11);
	heap_init(&h, storage, N, item_less);
	items_init(it, N);
	for (int i = 0; i < N; i++) {
		it[i].key = rng_below(100000);
		REQUIRE_EQ(heap_insert(&h, &it[i].node), 0);
	}
	CHECK(heap_valid(&h));
	for (int i = 0; i < N; i++) {
		struct heap_node *n = heap_pop(&h);

		REQUIRE(n != NULL);
		CHECK(key_of(n) >= prev);
		CHECK(n->index == HEAP_NONE);
		prev = key_of(n);
		CHECK(h.size == (size_t)(N - 1 - i));
	}
	CHECK(heap_pop(&h) == NULL);
}

TEST(full)
{
	enum { N = 16 };
	struct heap_node *storage[N];
	struct item it[N + 2];
	struct heap h;

	heap_init(&h, storage, N, item_less);
	items_init(it, N + 2);
	for (int i = 0; i < N; i++) {
		it[i].key = (unsigned)(N - i);
		REQUIRE_EQ(heap_insert(&h, &it[i].node), 0);
	}
	it[N].key = 0; /* would become the root */
	CHECK(heap_insert(&h, &it[N].node) == -ENOSPC);
	CHECK(it[N].node.index == HEAP_NONE);
	CHECK(h.size == N && heap_valid(&h));
	CHECK(key_of(heap_peek(&h)) == 1);
	/* room again after one pop */
	CHECK(key_of(heap_pop(&h)) == 1);
	CHECK(heap_insert(&h, &it[N].node) == 0);
	CHECK(heap_peek(&h) == &it[N].node);
	CHECK(heap_insert(&h, &it[N + 1].node) == -ENOSPC);
	CHECK(h.size == N && heap_valid(&h));
}

TEST(ties)
{
	enum { N = 200 };
	struct heap_node *storage[N];
	struct item it[N];
	bool seen[N] = { false };
	struct heap h;
	unsigned prev = 0;

	rng_seed(12);
	heap_init(&h, storage, N, item_less);
	items_init(it, N);
	/* half the items share key 5, the rest take keys 0..9 */
	for (int i = 0; i < N; i++) {
		it[i].key = i % 2 ? 5 : rng_below(10);
		REQUIRE_EQ(heap_insert(&h, &it[i].node), 0);
		CHECK(heap_valid(&h));
	}
	for (int i = 0; i < N; i++) {
		struct heap_node *n = heap_pop(&h);
		struct item *x;

		REQUIRE(n != NULL);
		x = container_of(n, struct item, node);
		CHECK(!seen[x->id]);
		seen[x->id] = true;
		CHECK(x->key >= prev);
		prev = x->key;
		CHECK(heap_valid(&h));
	}

	/* all equal: every pop and removal keeps a valid heap */
	items_init(it, N);
	for (int i = 0; i < N; i++)
		REQUIRE_EQ(heap_insert(&h, &it[i].node), 0);
	for (int i = 0; i < N; i += 3) {
		heap_remove(&h, &it[i].node);
		CHECK(heap_valid(&h));
	}
	while (heap_pop(&h))
		CHECK(heap_valid(&h));
	for (int i = 0; i < N; i++)
		CHECK(it[i].node.index == HEAP_NONE);
}

TEST(remove_positions)
{
	static const unsigned keys[] = { 1, 10, 2, 11, 12, 3, 4 };
	enum { N = ARRAY_SIZE(keys) };
	struct heap_node *storage[N];
	struct item it[N];
	struct heap h;

	heap_init(&h, storage, N, item_less);
	items_init(it, N);
	/* inserted in this order the array is exactly keys[] */
	for (size_t i = 0; i < N; i++) {
		it[i].key = keys[i];
		REQUIRE_EQ(heap_insert(&h, &it[i].node), 0);
	}
	for (size_t i = 0; i < N; i++)
		REQUIRE(storage[i] == &it[i].node);

	/* the last item: nothing moves */
	heap_remove(&h, &it[6].node);
	CHECK(it[6].node.index == HEAP_NONE && h.size == 6);
	for (size_t i = 0; i < 6; i++)
		CHECK(storage[i] == &it[i].node);
	CHECK(heap_valid(&h));
	REQUIRE_EQ(heap_insert(&h, &it[6].node), 0);
	CHECK(storage[6] == &it[6].node);

	/* 11 under 10: the last item (4) fills the hole and must sift up */
	heap_remove(&h, &it[3].node);
	CHECK(it[3].node.index == HEAP_NONE && h.size == 6);
	CHECK(heap_valid(&h));
	CHECK(storage[1] == &it[6].node && it[6].node.index == 1);
	CHECK(storage[3] == &it[1].node && it[1].node.index == 3);

	/* a middle item whose replacement sifts down */
	heap_remove(&h, &it[6].node); /* 4 at slot 1; last is 3 */
	CHECK(heap_valid(&h));
	CHECK(storage[1] == &it[5].node); /* 3 stays above 10 and 12 */

	/* the root */
	heap_remove(&h, &it[0].node);
	CHECK(it[0].node.index == HEAP_NONE);
	CHECK(heap_valid(&h));
	CHECK(key_of(heap_peek(&h)) == 2);
	CHECK(h.size == 4);
	CHECK(key_of(heap_pop(&h)) == 2);
	CHECK(key_of(heap_pop(&h)) == 3);
	CHECK(key_of(heap_pop(&h)) == 10);
	CHECK(key_of(heap_pop(&h)) == 12);
	CHECK(h.size == 0);
	/* only item: root and last at once */
	REQUIRE_EQ(heap_insert(&h, &it[4].node), 0);
	heap_remove(&h, &it[4].node);
	CHECK(h.size == 0 && it[4].node.index == HEAP_NONE);
	CHECK(heap_peek(&h) == NULL);
}

TEST(update)
{
	enum { N = 63 };
	struct heap_node *storage[N];
	struct item it[N];
	struct heap h;
	struct item *x;

	heap_init(&h, storage, N, item_less);
	items_init(it, N);
	for (int i = 0; i < N; i++) {
		it[i].key = 100 + (unsigned)i;
		REQUIRE_EQ(heap_insert(&h, &it[i].node), 0);
	}
	/* a leaf becomes the minimum: up to the root */
	x = container_of(storage[N - 1], struct item, node);
	x->key = 1;
	heap_update(&h, &x->node);
	CHECK(heap_peek(&h) == &x->node && x->node.index == 0);
	CHECK(heap_valid(&h));
	/* the root becomes the maximum: down to a leaf */
	x->key = 1000;
	heap_update(&h, &x->node);
	CHECK(x->node.index >= N / 2);
	CHECK(heap_valid(&h));
	CHECK(key_of(heap_peek(&h)) == 100);
	/* unchanged key: nothing moves */
	{
		size_t idx = it[30].node.index;

		heap_update(&h, &it[30].node);
		CHECK(it[30].node.index == idx);
	}
	/* a middle one both ways */
	x = container_of(storage[5], struct item, node);
	x->key = 0;
	heap_update(&h, &x->node);
	CHECK(heap_peek(&h) == &x->node && heap_valid(&h));
	x->key = 150;
	heap_update(&h, &x->node);
	CHECK(heap_valid(&h));
	for (unsigned prev = 0; h.size;) {
		unsigned k = key_of(heap_pop(&h));

		CHECK(k >= prev);
		prev = k;
	}
}

TEST(misuse_asserts)
{
	struct heap_node *storage[8], *storage2[8];
	struct heap h, h2;
	struct item it[5];

	heap_init(&h, storage, 8, item_less);
	heap_init(&h2, storage2, 8, item_less);
	items_init(it, 5);
	for (int i = 0; i < 3; i++) {
		it[i].key = (unsigned)i;
		REQUIRE_EQ(heap_insert(&h, &it[i].node), 0);
	}
	REQUIRE_EQ(heap_insert(&h2, &it[3].node), 0);
	CHECK(it[3].node.index == 0); /* an index that is valid in h too */

	/* already queued, here or elsewhere */
	CHECK(PANICS(heap_insert(&h, &it[1].node)));
	CHECK(PANICS(heap_insert(&h, &it[3].node)));
	/* it[4] is in no heap */
	CHECK(PANICS(heap_remove(&h, &it[4].node)));
	CHECK(PANICS(heap_update(&h, &it[4].node)));
	/* queued in the other heap */
	CHECK(PANICS(heap_remove(&h, &it[3].node)));
	CHECK(PANICS(heap_update(&h, &it[3].node)));
	/* index past the other heap's size */
	CHECK(PANICS(heap_remove(&h2, &it[2].node)));
	CHECK(PANICS(heap_update(&h2, &it[2].node)));
	/* nothing changed */
	CHECK(h.size == 3 && h2.size == 1 && heap_valid(&h) && heap_valid(&h2));
	for (int i = 0; i < 3; i++)
		CHECK(storage[i] == &it[i].node && it[i].node.index == (size_t)i);
	CHECK(storage2[0] == &it[3].node && it[4].node.index == HEAP_NONE);
}

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

static int ref_min(const struct ref *r, const struct item *it)
{
	int best = -1;

	for (size_t i = 0; i < r->count; i++)
		if (best < 0 || it[r->ids[i]].key < it[best].key)
			best = r->ids[i];
	return best;
}

TEST(random_ops)
{
	enum { CAP = 1000, POOL = 1200, NOPS = 200000 };
	static struct heap_node *storage[CAP];
	static struct item it[POOL];
	static int ids[POOL], pos[POOL];
	struct ref r = { ids, pos, 0 };
	struct heap h;
	unsigned long nospc = 0, empty = 0, ops[4] = { 0 };

	rng_seed(0x6865617021ULL);
	heap_init(&h, storage, CAP, item_less);
	items_init(it, POOL);
	for (int i = 0; i < POOL; i++)
		r.pos[i] = -1;
	for (int op = 0; op < NOPS; op++) {
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
			it[i].key = rng_below(2000); /* plenty of ties */
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

			m = ref_min(&r, it);
			n = heap_pop(&h);
			if (m < 0) {
				REQUIRE(n == NULL);
				empty++;
			} else {
				REQUIRE(n != NULL);
				REQUIRE(key_of(n) == it[m].key);
				REQUIRE(n->index == HEAP_NONE);
				m = container_of(n, struct item, node)->id;
				REQUIRE(r.pos[m] >= 0);
				ref_del(&r, m);
			}
			ops[1]++;
		} else if (u < grow + 20) {
			if (r.count) {
				m = r.ids[rng_below(r.count)];
				it[m].key = rng_below(2000);
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
		m = ref_min(&r, it);
		if (m < 0)
			REQUIRE(heap_peek(&h) == NULL);
		else
			REQUIRE(heap_peek(&h) && key_of(heap_peek(&h)) == it[m].key);
		/* order, every queued item's index; the rest unqueued */
		REQUIRE(heap_valid(&h));
		if (op % 64 == 0)
			for (int i = 0; i < POOL; i++)
				REQUIRE((r.pos[i] >= 0) == heap_node_queued(&it[i].node));
	}
	CHECK(nospc > 0 && empty > 0);
	for (int k = 0; k < 4; k++)
		CHECK(ops[k] > NOPS / 20);
	/* drain in order */
	for (unsigned prev = 0; h.size;) {
		unsigned k = key_of(heap_pop(&h));

		CHECK(k >= prev);
		prev = k;
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
	}
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

static bool sthread_less(const struct heap_node *a, const struct heap_node *b)
{
	const struct sthread *x = container_of(a, struct sthread, node);
	const struct sthread *y = container_of(b, struct sthread, node);

	if (x->pass != y->pass)
		return pass_before(x->pass, y->pass);
	return x->id < y->id;
}

TEST(stride_wrap)
{
	enum { NT = 9, ROUNDS = 20000 };
	struct heap_node *storage[NT];
	struct sthread t[NT];
	struct heap h;
	unsigned long total = 0, wraps = 0;
	int prio_sum = 0;

	heap_init(&h, storage, NT, sthread_less);
	for (int i = 0; i < NT; i++) {
		heap_node_init(&t[i].node);
		t[i].prio = i + 2; /* 2..10 */
		t[i].id = i;
		/* 0xffffff00 .. 0x100 apart: the last one starts at 0 */
		t[i].truepass = 0xffffff00ULL + 0x20ULL * (uint64_t)i;
		t[i].pass = (uint32_t)t[i].truepass;
		t[i].picks = 0;
		prio_sum += t[i].prio;
		REQUIRE_EQ(heap_insert(&h, &t[i].node), 0);
	}
	CHECK(t[NT - 1].pass == 0);
	CHECK(container_of(heap_peek(&h), struct sthread, node) == &t[0]);

	for (unsigned long n = 0; n < (unsigned long)ROUNDS * prio_sum; n++) {
		struct sthread *want = NULL, *got;
		uint32_t before = 0;

		/* the reference: smallest true pass, ties by id */
		for (int i = 0; i < NT; i++)
			if (!want || t[i].truepass < want->truepass ||
			    (t[i].truepass == want->truepass &&
			     t[i].id < want->id))
				want = &t[i];
		if (n % 2 == 0) {
			/* pop, run a tick, reinsert */
			got = container_of(heap_pop(&h), struct sthread, node);
			REQUIRE(got == want);
			before = got->pass;
			got->pass += stride_of(got->prio);
			got->truepass += stride_of(got->prio);
			REQUIRE_EQ(heap_insert(&h, &got->node), 0);
		} else {
			/* run the root in place and fix the heap */
			got = container_of(heap_peek(&h), struct sthread, node);
			REQUIRE(got == want);
			before = got->pass;
			got->pass += stride_of(got->prio);
			got->truepass += stride_of(got->prio);
			heap_update(&h, &got->node);
		}
		if (got->pass < before)
			wraps++;
		REQUIRE(got->pass == (uint32_t)got->truepass);
		got->picks++;
		total++;
		REQUIRE(h.size == NT);
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

int main(void)
{
	CHECK_MAIN_BEGIN("heap");
	RUN(empty);
	RUN(sorted_output);
	RUN(full);
	RUN(ties);
	RUN(remove_positions);
	RUN(update);
	RUN(misuse_asserts);
	RUN(random_ops);
	RUN(pass_overflow);
	RUN(stride_wrap);
	CHECK_MAIN_END();
}
