/*
 * lib/heap.h - an intrusive 4-ary min-heap (pure; host-tested).
 *
 * Objects embed a struct heap_node; the heap keeps an array of node
 * pointers (and a copy of their keys) in caller-provided storage of
 * HEAP_STORAGE(capacity) bytes, and each node remembers its index,
 * so removing an arbitrary node or fixing it after its key changed is
 * O(log n). Each node carries its key, a 32-bit sequence number: a comes
 * before b when (int32_t)(a - b) < 0, which is plain ascending order for
 * keys less than 2^31 apart and keeps working when keys wrap around (the
 * stride scheduler's passes). Comparing keys inline, with no callback,
 * keeps each level of a sift to a handful of instructions. No locking:
 * the owner of the heap says which lock guards it.
 */
#ifndef KITE_LIB_HEAP_H
#define KITE_LIB_HEAP_H

#include "kernel/types.h"

#define HEAP_NONE ((size_t)-1) /* index of a node in no heap */

struct heap_node {
	size_t index; /* position in the heap's array, or HEAP_NONE */
	uint32_t key; /* set before heap_insert; heap_update after a change */
};

struct heap {
	struct heap_node **items; /* capacity node pointers */
	uint32_t *keys;           /* keys[i] == items[i]->key */
	size_t size;
	size_t capacity;
};

/* Bytes of storage a heap of capacity nodes needs. */
#define HEAP_STORAGE(capacity) \
	((capacity) * (sizeof(struct heap_node *) + sizeof(uint32_t)))

/* The heap order: a before b, across the 32-bit wrap. */
static inline bool heap_key_before(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) < 0;
}

static inline void heap_node_init(struct heap_node *n)
{
	n->index = HEAP_NONE;
}

static inline bool heap_node_queued(const struct heap_node *n)
{
	return n->index != HEAP_NONE;
}

/* An empty heap in storage (HEAP_STORAGE(capacity) bytes, 8-aligned). */
void heap_init(struct heap *h, void *storage, size_t capacity);
/* Move the heap into new storage of capacity nodes (>= its size), in the
 * same order; returns the old storage, for the caller to free. */
void *heap_resize(struct heap *h, void *storage, size_t capacity);
/* Add n (not in any heap). Returns 0, or -ENOSPC when full. */
int heap_insert(struct heap *h, struct heap_node *n);
/* The minimum, or NULL if empty; it stays in the heap. */
static inline struct heap_node *heap_peek(const struct heap *h)
{
	return h->size ? h->items[0] : NULL;
}
/* Remove and return the minimum, or NULL if empty. */
struct heap_node *heap_pop(struct heap *h);
/* Remove n, which must be in h. */
void heap_remove(struct heap *h, struct heap_node *n);
/* Restore the order after n's key changed (n in h). */
void heap_update(struct heap *h, struct heap_node *n);

#endif
