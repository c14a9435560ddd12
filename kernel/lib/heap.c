/*
 * lib/heap.c - an intrusive 4-ary min-heap with its keys kept in line.
 *
 * Model: items[0..size) is an implicit 4-ary tree, the children of slot i
 * being 4i+1 .. 4i+4, and keys[i] is items[i]->key, copied so that
 * choosing among four children reads four neighbouring words instead of
 * four nodes. A 4-ary tree is half as deep as a binary one, so an
 * operation on 1000 items walks 5 levels, not 10: this keeps the stride
 * scheduler's pick almost flat in the number of runnable threads.
 *
 * Invariants: no key is before its parent's (so slot 0 holds a minimum);
 * every queued node's index is its slot (items[n->index] == n) and a node
 * in no heap has index HEAP_NONE. Every move inside the arrays goes
 * through place(), which keeps the index and the key copy in step.
 *
 * Misuse (inserting a queued node, removing or updating a node that is
 * not in this heap) is a kernel bug and fails an assert.
 */
#include "kernel/panic.h"
#include "kernel/types.h"
#include "lib/heap.h"
#include "uapi/errno.h"

#define ARITY 4

/* Put n into slot i and record it there. */
static inline void place(struct heap *h, size_t i, struct heap_node *n)
{
	h->items[i] = n;
	h->keys[i] = n->key;
	n->index = i;
}

/* True if n is queued in h (and not merely in some heap). */
static inline bool in_heap(const struct heap *h, const struct heap_node *n)
{
	return n->index < h->size && h->items[n->index] == n;
}

/* Slot of the earliest key among the children of slot i, or 0 if i
 * has no children. */
static inline size_t earliest_child(const struct heap *h, size_t i)
{
	size_t first = ARITY * i + 1, best = first;
	const uint32_t *k = h->keys;

	if (first + ARITY <= h->size) { /* a full group: no bound checks */
		uint32_t bk = k[first];

		if (heap_key_before(k[first + 1], bk))
			bk = k[best = first + 1];
		if (heap_key_before(k[first + 2], bk))
			bk = k[best = first + 2];
		if (heap_key_before(k[first + 3], bk))
			best = first + 3;
		return best;
	}
	if (first >= h->size)
		return 0;
	for (size_t c = first + 1; c < h->size; c++)
		if (heap_key_before(k[c], k[best]))
			best = c;
	return best;
}

/* Move n, at slot i, towards the root while it is before its parent. */
static void sift_up(struct heap *h, size_t i)
{
	struct heap_node *n = h->items[i];
	uint32_t key = n->key;

	while (i > 0) {
		size_t parent = (i - 1) / ARITY;

		if (!heap_key_before(key, h->keys[parent]))
			break;
		place(h, i, h->items[parent]);
		i = parent;
	}
	place(h, i, n);
}

/* Move n, at slot i, towards the leaves while a child is before it. */
static void sift_down(struct heap *h, size_t i)
{
	struct heap_node *n = h->items[i];
	size_t child;

	while ((child = earliest_child(h, i)) != 0 &&
	       heap_key_before(h->keys[child], n->key)) {
		place(h, i, h->items[child]);
		i = child;
	}
	place(h, i, n);
}

void heap_init(struct heap *h, void *storage, size_t capacity)
{
	assert(storage != NULL || capacity == 0);
	h->items = storage;
	h->keys = storage ? (uint32_t *)(h->items + capacity) : NULL;
	h->size = 0;
	h->capacity = capacity;
}

void *heap_resize(struct heap *h, void *storage, size_t capacity)
{
	void *old = h->items;
	struct heap_node **items = storage;
	uint32_t *keys = (uint32_t *)(items + capacity);

	assert(storage != NULL && capacity >= h->size);
	/* the order and every node's index stay as they are */
	for (size_t i = 0; i < h->size; i++) {
		items[i] = h->items[i];
		keys[i] = h->keys[i];
	}
	h->items = items;
	h->keys = keys;
	h->capacity = capacity;
	return old;
}

/* Add n at the bottom and sift it up; -ENOSPC when full. */
int heap_insert(struct heap *h, struct heap_node *n)
{
	assert(!heap_node_queued(n));
	if (h->size == h->capacity)
		return -ENOSPC;
	place(h, h->size++, n);
	sift_up(h, n->index);
	return 0;
}

/* Take out the root, or NULL if the heap is empty. */
struct heap_node *heap_pop(struct heap *h)
{
	struct heap_node *n;

	if (h->size == 0)
		return NULL;
	n = h->items[0];
	heap_remove(h, n);
	return n;
}

/*
 * Take n out. The hole it leaves first sinks to a leaf, each level
 * pulling up the earliest child; the last item then fills the hole and
 * sifts up, which is usually at once, since the last item tends to be
 * one of the latest keys. That saves the comparisons against the moving
 * item that the textbook "last item to the hole, sift down" makes.
 */
void heap_remove(struct heap *h, struct heap_node *n)
{
	size_t i = n->index, child;
	struct heap_node *last;

	assert(in_heap(h, n));
	last = h->items[--h->size];
	h->items[h->size] = NULL;
	n->index = HEAP_NONE;
	if (last == n)
		return;
	while ((child = earliest_child(h, i)) != 0) {
		place(h, i, h->items[child]);
		i = child;
	}
	place(h, i, last);
	sift_up(h, i);
}

/* Sift n up if it now beats its parent, otherwise down (both end with
 * place(), which refreshes the key copy). */
void heap_update(struct heap *h, struct heap_node *n)
{
	size_t i = n->index;

	assert(in_heap(h, n));
	if (i > 0 && heap_key_before(n->key, h->keys[(i - 1) / ARITY]))
		sift_up(h, i);
	else
		sift_down(h, i);
}
