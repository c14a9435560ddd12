/*
 * lib/heap.h - an intrusive binary min-heap (pure; host-tested).
 *
 * Objects embed a struct heap_node; the heap keeps an array of node
 * pointers in caller-provided storage and each node remembers its index,
 * so removing an arbitrary node or fixing it after its key changed is
 * O(log n). The order is given by a less() function over nodes. No
 * locking: the owner of the heap says which lock guards it.
 */
#ifndef KITE_LIB_HEAP_H
#define KITE_LIB_HEAP_H

#include "kernel/types.h"

#define HEAP_NONE ((size_t)-1) /* index of a node in no heap */

struct heap_node {
	size_t index; /* position in the heap's array, or HEAP_NONE */
};

typedef bool (*heap_less_fn)(const struct heap_node *a,
			     const struct heap_node *b);

struct heap {
	struct heap_node **items; /* storage, capacity entries */
	size_t size;
	size_t capacity;
	heap_less_fn less;
};

static inline void heap_node_init(struct heap_node *n)
{
	n->index = HEAP_NONE;
}

static inline bool heap_node_queued(const struct heap_node *n)
{
	return n->index != HEAP_NONE;
}

void heap_init(struct heap *h, struct heap_node **storage, size_t capacity,
	       heap_less_fn less);
/* Add n (not in any heap). Returns 0, or -ENOSPC when full. */
int heap_insert(struct heap *h, struct heap_node *n);
/* The minimum, or NULL if empty; it stays in the heap. */
struct heap_node *heap_peek(const struct heap *h);
/* Remove and return the minimum, or NULL if empty. */
struct heap_node *heap_pop(struct heap *h);
/* Remove n, which must be in h. */
void heap_remove(struct heap *h, struct heap_node *n);
/* Restore the order after n's key changed (n in h). */
void heap_update(struct heap *h, struct heap_node *n);

#endif
