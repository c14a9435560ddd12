/*
 * lib/heap.c - an intrusive binary min-heap.
 *
 * Model: items[0..size) is an implicit binary tree, the children of slot
 * i being 2i+1 and 2i+2. Invariants: no item is less than its parent (so
 * items[0] is a minimum), and every queued node's index is its slot,
 * items[n->index] == n; a node in no heap has index HEAP_NONE. Every move
 * of a pointer inside the array goes through place(), which keeps the
 * index in step. Removal fills the hole with the last item and sifts that
 * one up or down, whichever restores the order.
 *
 * Misuse (inserting a queued node, removing or updating a node that is not
 * in this heap) is a kernel bug and fails an assert.
 */
#include "kernel/types.h"
#include "kernel/panic.h"
#include "lib/heap.h"
#include "uapi/errno.h"

/* Put n into slot i and record it there. */
static inline void place(struct heap *h, size_t i, struct heap_node *n)
{
	h->items[i] = n;
	n->index = i;
}

/* True if n is queued in h (and not merely in some heap). */
static inline bool in_heap(const struct heap *h, const struct heap_node *n)
{
	return n->index < h->size && h->items[n->index] == n;
}

/* Move n, at slot i, towards the root while it is less than its parent. */
static void sift_up(struct heap *h, size_t i)
{
	struct heap_node *n = h->items[i];

	while (i > 0) {
		size_t parent = (i - 1) / 2;

		if (!h->less(n, h->items[parent]))
			break;
		place(h, i, h->items[parent]);
		i = parent;
	}
	place(h, i, n);
}

/* Move n, at slot i, towards the leaves while a child is less than it. */
static void sift_down(struct heap *h, size_t i)
{
	struct heap_node *n = h->items[i];

	for (;;) {
		size_t child = 2 * i + 1;

		if (child >= h->size)
			break;
		if (child + 1 < h->size &&
		    h->less(h->items[child + 1], h->items[child]))
			child++;
		if (!h->less(h->items[child], n))
			break;
		place(h, i, h->items[child]);
		i = child;
	}
	place(h, i, n);
}

/* Start an empty heap over storage[capacity], ordered by less. */
void heap_init(struct heap *h, struct heap_node **storage, size_t capacity,
	       heap_less_fn less)
{
	assert(less != NULL);
	assert(storage != NULL || capacity == 0);
	h->items = storage;
	h->size = 0;
	h->capacity = capacity;
	h->less = less;
}

/* Add n at the bottom and sift it up; -ENOSPC when full. */
int heap_insert(struct heap *h, struct heap_node *n)
{
	assert(!heap_node_queued(n));
	if (h->size == h->capacity)
		return -ENOSPC;
	place(h, h->size, n);
	h->size++;
	sift_up(h, n->index);
	return 0;
}

/* The root, or NULL if the heap is empty. */
struct heap_node *heap_peek(const struct heap *h)
{
	return h->size ? h->items[0] : NULL;
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

/* Fill n's slot with the last item, sift that one into place. */
void heap_remove(struct heap *h, struct heap_node *n)
{
	size_t i = n->index;
	struct heap_node *last;

	assert(in_heap(h, n));
	h->size--;
	last = h->items[h->size];
	h->items[h->size] = NULL;
	n->index = HEAP_NONE;
	if (last == n)
		return;
	place(h, i, last);
	if (i > 0 && h->less(last, h->items[(i - 1) / 2]))
		sift_up(h, i);
	else
		sift_down(h, i);
}

/* Sift n up if it now beats its parent, otherwise down. */
void heap_update(struct heap *h, struct heap_node *n)
{
	size_t i = n->index;

	assert(in_heap(h, n));
	if (i > 0 && h->less(n, h->items[(i - 1) / 2]))
		sift_up(h, i);
	else
		sift_down(h, i);
}
