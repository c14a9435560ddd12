/*
 * tests/host/test_heap.c - the intrusive 4-ary min-heap (kernel/lib/heap.c)
 * and the pass arithmetic of the stride scheduler (sched/stride.h).
 *
 * Here: every insertion order of up to 9 keys, with a
 * removal at every slot and an update to every rank for up to 7; a full
 * heap (-ENOSPC, nothing changed); ties; removing the last item, the
 * root, a middle one and one whose refill must move up; heap_update both
 * ways; the asserts on misuse. test_heap_wrap.c has the random runs
 * against a reference model, the wrap-around arithmetic and the stride
 * simulation.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "heap_items.h"

TEST(empty)
{
	uint64_t storage[STORAGE_WORDS(4)];
	struct heap h;
	struct item a;

	memset(storage, 0xa5, sizeof(storage)); /* the heap may not trust it */
	heap_init(&h, storage, 4);
	CHECK(h.size == 0 && h.capacity == 4);
	/* both arrays inside the storage, not overlapping */
	CHECK((void *)h.items == (void *)storage);
	CHECK((char *)h.keys >= (char *)(h.items + 4));
	CHECK((char *)(h.keys + 4) <= (char *)storage + HEAP_STORAGE(4));
	CHECK(heap_peek(&h) == NULL);
	CHECK(heap_pop(&h) == NULL);
	items_init(&a, 1);
	a.node.key = 42;
	CHECK(!heap_node_queued(&a.node));
	CHECK(heap_insert(&h, &a.node) == 0);
	CHECK(heap_node_queued(&a.node) && a.node.index == 0);
	CHECK(heap_peek(&h) == &a.node && h.size == 1);
	CHECK(h.keys[0] == 42 && heap_valid(&h));
	CHECK(heap_pop(&h) == &a.node);
	CHECK(a.node.index == HEAP_NONE && h.size == 0);
	CHECK(a.node.key == 42); /* the heap leaves the key alone */
	CHECK(heap_pop(&h) == NULL);

	/* capacity 0: always full */
	heap_init(&h, NULL, 0);
	CHECK(heap_insert(&h, &a.node) == -ENOSPC);
	CHECK(a.node.index == HEAP_NONE);
	CHECK(heap_peek(&h) == NULL && heap_pop(&h) == NULL);
}

TEST(sorted_output)
{
	enum { N = 500 };
	static uint64_t storage[STORAGE_WORDS(N)];
	struct item it[N];
	struct heap h;
	uint32_t prev = 0;

	rng_seed(11);
	heap_init(&h, storage, N);
	items_init(it, N);
	for (int i = 0; i < N; i++) {
		it[i].node.key = rng_below(100000);
		REQUIRE_EQ(heap_insert(&h, &it[i].node), 0);
	}
	CHECK(heap_valid(&h));
	for (int i = 0; i < N; i++) {
		struct heap_node *n = heap_pop(&h);

		REQUIRE(n != NULL);
		CHECK(key_of(n) >= prev && !heap_key_before(key_of(n), prev));
		CHECK(n->index == HEAP_NONE);
		prev = key_of(n);
		CHECK(h.size == (size_t)(N - 1 - i));
		CHECK(heap_valid(&h));
	}
	CHECK(heap_pop(&h) == NULL);
}

TEST(full)
{
	enum { N = 16 };
	uint64_t storage[STORAGE_WORDS(N)];
	struct item it[N + 2];
	struct heap h;

	heap_init(&h, storage, N);
	items_init(it, N + 2);
	for (int i = 0; i < N; i++) {
		it[i].node.key = (uint32_t)(N - i);
		REQUIRE_EQ(heap_insert(&h, &it[i].node), 0);
	}
	it[N].node.key = 0; /* would become the root */
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
	uint64_t storage[STORAGE_WORDS(N)];
	struct item it[N];
	bool seen[N] = { false };
	struct heap h;
	uint32_t prev = 0;

	rng_seed(12);
	heap_init(&h, storage, N);
	items_init(it, N);
	/* half the items share key 5, the rest take keys 0..9 */
	for (int i = 0; i < N; i++) {
		it[i].node.key = i % 2 ? 5 : rng_below(10);
		REQUIRE_EQ(heap_insert(&h, &it[i].node), 0);
		CHECK(heap_valid(&h));
	}
	for (int i = 0; i < N; i++) {
		struct heap_node *n = heap_pop(&h);
		int id;

		REQUIRE(n != NULL);
		id = id_of(n);
		CHECK(!seen[id]);
		seen[id] = true;
		CHECK(key_of(n) >= prev);
		prev = key_of(n);
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

/* The heap holds exactly it[ids[0]], it[ids[1]], ... slot by slot. */
static bool layout_is(const struct heap *h, const struct item *it,
		      const int *ids, size_t n)
{
	if (h->size != n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (h->items[i] != &it[ids[i]].node)
			return false;
	return true;
}

TEST(remove_positions)
{
	/*
	 * A valid 4-ary heap in level order (children of slot i at
	 * 4i+1..4i+4), so inserting in this order moves nothing:
	 *
	 *   slot 0:       1
	 *   slots 1-4:    10  2  7  30
	 *   slots 5-8:    14 12 11 13     (under 10: earliest third)
	 *   slots 9-12:    5  4  3  6     (under 2: earliest third)
	 *   slot 13:       8              (under 7; the last item)
	 */
	static const uint32_t keys[] = { 1,  10, 2, 7, 30, 14, 12,
					 11, 13, 5, 4, 3,  6,  8 };
	enum { N = ARRAY_SIZE(keys) };
	uint64_t storage[STORAGE_WORDS(N)];
	struct item it[N];
	struct heap h;
	int ids[N];

	heap_init(&h, storage, N);
	items_init(it, N);
	for (size_t i = 0; i < N; i++) {
		it[i].node.key = keys[i];
		REQUIRE_EQ(heap_insert(&h, &it[i].node), 0);
	}
	for (size_t i = 0; i < N; i++)
		ids[i] = (int)i;
	REQUIRE(layout_is(&h, it, ids, N) && heap_valid(&h));

	/* the last item: nothing moves */
	heap_remove(&h, &it[13].node);
	CHECK(it[13].node.index == HEAP_NONE && h.size == 13);
	CHECK(layout_is(&h, it, ids, 13));
	CHECK(heap_valid(&h));
	REQUIRE_EQ(heap_insert(&h, &it[13].node), 0);
	REQUIRE(layout_is(&h, it, ids, N));

	/*
	 * A middle item whose refill must move up: removing 10 (slot 1),
	 * the hole sinks to slot 7 (11 is the earliest of 14 12 11 13 and
	 * goes up); the last item, 8, fills slot 7 but is before its parent
	 * 11 there, so it moves up to slot 1 and 11 comes back to slot 7.
	 * (Measured against slot 3, the binary parent of 7, 8 would stay.)
	 */
	heap_remove(&h, &it[1].node);
	CHECK(it[1].node.index == HEAP_NONE && h.size == 13);
	CHECK(heap_valid(&h));
	CHECK(h.items[1] == &it[13].node && it[13].node.index == 1);
	CHECK(h.items[7] == &it[7].node && it[7].node.index == 7);
	{
		static const int want[] = { 0, 13, 2, 3, 4, 5, 6,
					    7, 8,  9, 10, 11, 12 };

		CHECK(layout_is(&h, it, want, ARRAY_SIZE(want)));
	}

	/*
	 * A middle item whose refill stays at the leaf, through a partial
	 * group: removing 2 (slot 2) leaves 12 items, so slot 2 has three
	 * children 5 4 3 (slots 9-11); 3 goes up, the hole stops at slot 11
	 * and the last item, 6, fills it under 3.
	 */
	heap_remove(&h, &it[2].node);
	CHECK(it[2].node.index == HEAP_NONE && h.size == 12);
	CHECK(heap_valid(&h));
	CHECK(h.items[2] == &it[11].node && h.items[11] == &it[12].node);
	{
		static const int want[] = { 0, 13, 11, 3, 4, 5,
					    6, 7,  8,  9, 10, 12 };

		CHECK(layout_is(&h, it, want, ARRAY_SIZE(want)));
	}

	/*
	 * The root: the hole sinks two levels, to slot 2 (3, the earliest
	 * of 8 3 7 30) and then to slot 10 (4, the earlier of 5 4 in the
	 * partial group 9-10); the last item, 6, fills slot 10 under 4.
	 */
	heap_remove(&h, &it[0].node);
	CHECK(it[0].node.index == HEAP_NONE && h.size == 11);
	CHECK(heap_valid(&h));
	CHECK(key_of(heap_peek(&h)) == 3);
	{
		static const int want[] = { 11, 13, 10, 3, 4, 5,
					    6,  7,  8,  9, 12 };

		CHECK(layout_is(&h, it, want, ARRAY_SIZE(want)));
	}
	{
		static const uint32_t rest[] = { 3,  4,  5,  6,  7, 8,
						 11, 12, 13, 14, 30 };

		for (size_t i = 0; i < ARRAY_SIZE(rest); i++) {
			struct heap_node *n = heap_pop(&h);

			REQUIRE(n != NULL);
			CHECK(key_of(n) == rest[i]);
			CHECK(heap_valid(&h));
		}
	}
	CHECK(h.size == 0);
	/* only item: root and last at once */
	REQUIRE_EQ(heap_insert(&h, &it[4].node), 0);
	heap_remove(&h, &it[4].node);
	CHECK(h.size == 0 && it[4].node.index == HEAP_NONE);
	CHECK(heap_peek(&h) == NULL);
}

/* Next permutation of p[0..n) in lexicographic order; false after the
 * last one. */
static bool next_perm(uint32_t *p, size_t n)
{
	size_t i, j;
	uint32_t t;

	if (n < 2)
		return false;
	for (i = n - 1; i > 0 && p[i - 1] >= p[i]; i--)
		;
	if (i == 0)
		return false;
	for (j = n - 1; p[j] <= p[i - 1]; j--)
		;
	t = p[i - 1], p[i - 1] = p[j], p[j] = t;
	for (j = n - 1; i < j; i++, j--)
		t = p[i], p[i] = p[j], p[j] = t;
	return true;
}

/* A fresh heap of it[0..n) with keys perm[], inserted in that order. */
static bool build(struct heap *h, void *storage, struct item *it,
		  const uint32_t *perm, size_t n)
{
	heap_init(h, storage, n);
	items_init(it, n);
	for (size_t i = 0; i < n; i++) {
		it[i].node.key = perm[i];
		if (heap_insert(h, &it[i].node) != 0)
			return false;
	}
	return heap_valid(h);
}

/* Pop everything: valid all along, and the keys are exactly those of
 * want[0..n), ascending. */
static bool drains_as(struct heap *h, const uint32_t *want, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct heap_node *n_ = heap_pop(h);

		if (!n_ || n_->key != want[i] || n_->index != HEAP_NONE ||
		    !heap_valid(h))
			return false;
	}
	return h->size == 0 && heap_pop(h) == NULL;
}

/*
 * Every insertion order of up to 9 distinct keys (a root, a full group
 * of four under it and up to four more under slot 1: full and partial
 * groups, the earliest child at every position) must drain in order; for
 * up to 7 keys, removing the node at each slot and moving each node's key
 * to each rank must too.
 */
TEST(exhaustive_small)
{
	enum { MAXN = 9, MAXN_EDIT = 7 };
	uint64_t storage[STORAGE_WORDS(MAXN)];
	struct item it[MAXN];
	struct heap h;
	unsigned long perms = 0;

	for (size_t n = 1; n <= MAXN; n++) {
		uint32_t perm[MAXN], sorted[MAXN], want[MAXN];

		for (size_t i = 0; i < n; i++)
			perm[i] = sorted[i] = 10 + 2 * (uint32_t)i;
		do {
			perms++;
			REQUIRE(build(&h, storage, it, perm, n));
			REQUIRE(drains_as(&h, sorted, n));
			if (n > MAXN_EDIT)
				continue;
			for (size_t s = 0; s < n; s++) {
				/* remove the node at slot s */
				struct heap_node *x;
				size_t k = 0;

				REQUIRE(build(&h, storage, it, perm, n));
				x = h.items[s];
				heap_remove(&h, x);
				REQUIRE(x->index == HEAP_NONE);
				REQUIRE(h.size == n - 1 && heap_valid(&h));
				for (size_t i = 0; i < n; i++)
					if (sorted[i] != x->key)
						want[k++] = sorted[i];
				REQUIRE(drains_as(&h, want, n - 1));

				/* give the node at slot s every new key between
				 * and around the others: 9, 11, ... 9 + 2n */
				for (size_t r = 0; r <= n; r++) {
					uint32_t nk = 9 + 2 * (uint32_t)r;

					REQUIRE(build(&h, storage, it, perm, n));
					x = h.items[s];
					/* the other keys and nk, ascending */
					k = 0;
					for (size_t i = 0; i < n; i++) {
						if (nk < sorted[i] &&
						    (i == 0 || nk > sorted[i - 1]))
							want[k++] = nk;
						if (sorted[i] != x->key)
							want[k++] = sorted[i];
					}
					if (k < n)
						want[k++] = nk; /* after all */
					x->key = nk;
					heap_update(&h, x);
					REQUIRE(h.size == n && heap_valid(&h));
					REQUIRE(h.items[x->index] == x);
					REQUIRE(drains_as(&h, want, n));
				}
			}
		} while (next_perm(perm, n));
	}
	CHECK(perms == 1 + 2 + 6 + 24 + 120 + 720 + 5040 + 40320 + 362880);
}

TEST(update)
{
	enum { N = 63 };
	uint64_t storage[STORAGE_WORDS(N)];
	struct item it[N];
	struct heap h;
	struct heap_node *x;

	heap_init(&h, storage, N);
	items_init(it, N);
	for (int i = 0; i < N; i++) {
		it[i].node.key = 100 + (uint32_t)i;
		REQUIRE_EQ(heap_insert(&h, &it[i].node), 0);
	}
	/* a leaf becomes the minimum: up to the root */
	x = h.items[N - 1];
	x->key = 1;
	heap_update(&h, x);
	CHECK(heap_peek(&h) == x && x->index == 0);
	CHECK(h.keys[0] == 1 && heap_valid(&h));
	/* the root becomes the maximum: down to a leaf */
	x->key = 1000;
	heap_update(&h, x);
	CHECK(4 * x->index + 1 >= N); /* no children: slot 16 or later */
	CHECK(h.keys[x->index] == 1000 && heap_valid(&h));
	CHECK(key_of(heap_peek(&h)) == 100);
	/* unchanged key: nothing moves */
	{
		size_t idx = it[30].node.index;

		heap_update(&h, &it[30].node);
		CHECK(it[30].node.index == idx && heap_valid(&h));
	}
	/* a middle one (in slot 5, under slot 1, over 21..24) both ways */
	x = h.items[5];
	x->key = 0;
	heap_update(&h, x);
	CHECK(heap_peek(&h) == x && heap_valid(&h));
	x->key = 150;
	heap_update(&h, x);
	CHECK(h.keys[x->index] == 150 && heap_valid(&h));
	for (uint32_t prev = 0; h.size;) {
		uint32_t k = key_of(heap_pop(&h));

		CHECK(k >= prev);
		prev = k;
		CHECK(heap_valid(&h));
	}
}

TEST(misuse_asserts)
{
	uint64_t storage[STORAGE_WORDS(8)], storage2[STORAGE_WORDS(8)];
	struct heap h, h2;
	struct item it[5];

	heap_init(&h, storage, 8);
	heap_init(&h2, storage2, 8);
	items_init(it, 5);
	for (int i = 0; i < 3; i++) {
		it[i].node.key = (uint32_t)i;
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
		CHECK(h.items[i] == &it[i].node && it[i].node.index == (size_t)i);
	CHECK(h2.items[0] == &it[3].node && it[4].node.index == HEAP_NONE);
}

/* Growing (and shrinking to the size) keeps every node, its index and
 * the order; the heap works on in the new storage. */
TEST(resize)
{
	uint64_t small[STORAGE_WORDS(4)], big[STORAGE_WORDS(16)],
		exact[STORAGE_WORDS(10)];
	struct heap h;
	struct item it[12];

	heap_init(&h, small, 4);
	items_init(it, 12);
	for (int i = 0; i < 4; i++) {
		it[i].node.key = (uint32_t)(40 - i);
		REQUIRE_EQ(heap_insert(&h, &it[i].node), 0);
	}
	CHECK(heap_insert(&h, &it[4].node) == -ENOSPC);
	CHECK(heap_resize(&h, big, 16) == (void *)small);
	CHECK(h.size == 4 && h.capacity == 16 && heap_valid(&h));
	for (int i = 4; i < 10; i++) {
		it[i].node.key = (uint32_t)(i * 7 % 11);
		REQUIRE_EQ(heap_insert(&h, &it[i].node), 0);
	}
	CHECK(heap_resize(&h, exact, 10) == (void *)big);
	CHECK(h.size == 10 && heap_valid(&h));
	CHECK(heap_insert(&h, &it[10].node) == -ENOSPC);
	CHECK(PANICS(heap_resize(&h, small, 4))); /* smaller than its size */
	for (uint32_t prev = 0, n = 0; n < 10; n++) {
		struct heap_node *m = heap_pop(&h);

		REQUIRE(m != NULL);
		CHECK(n == 0 || !heap_key_before(key_of(m), prev));
		prev = key_of(m);
	}
	CHECK(heap_pop(&h) == NULL);
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
	RUN(resize);
	RUN(exhaustive_small);
	heap_wrap_tests();
	CHECK_MAIN_END();
}
