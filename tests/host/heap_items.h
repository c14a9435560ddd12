/*
 * tests/host/heap_items.h - what the heap tests share: an item type with
 * an id, heap storage of the exact size, and the full invariant check.
 * Static helpers; each test file includes it once.
 */
#ifndef KITE_TEST_HEAP_ITEMS_H
#define KITE_TEST_HEAP_ITEMS_H

#include <stdint.h>

#include "check.h"
#include "lib/heap.h"
#include "sched/stride.h"
#include "uapi/errno.h"

struct item {
	struct heap_node node; /* the key is node.key */
	int id;
};

/* Storage for a heap of n nodes: HEAP_STORAGE(n) bytes, 8-byte aligned;
 * exactly that for even n, so that the address sanitizer flags the heap
 * reaching past its storage. (Arrays, not malloc: REQUIRE() may leave a
 * test early.) */
#define STORAGE_WORDS(n) ((HEAP_STORAGE(n) + 7) / 8)

static inline uint32_t key_of(const struct heap_node *n)
{
	return n->key;
}

static inline int id_of(const struct heap_node *n)
{
	return container_of(n, struct item, node)->id;
}

/* The 4-ary heap order holds (no key before its parent's), every item's
 * index is its slot and every key copy matches its node's key. */
static inline bool heap_valid(const struct heap *h)
{
	if (h->size > h->capacity)
		return false;
	for (size_t i = 0; i < h->size; i++) {
		if (h->items[i] == NULL || h->items[i]->index != i)
			return false;
		if (h->keys[i] != h->items[i]->key)
			return false;
		if (i > 0 && heap_key_before(h->items[i]->key,
					     h->items[(i - 1) / 4]->key))
			return false;
	}
	return true;
}

static inline void items_init(struct item *it, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		heap_node_init(&it[i].node);
		it[i].node.key = 0;
		it[i].id = (int)i;
	}
}

/* The tests in test_heap_wrap.c. */
void heap_wrap_tests(void);

#endif
