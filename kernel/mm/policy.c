/*
 * policy.c - the page-replacement policies (struct swap_policy,
 * mm/reclaim.h): which frame of user memory goes to swap next.
 *
 *   fifo    the frame that came in first goes first, used or not.
 *   clock   the frames stand in a ring; the hand looks at the frame it
 *           points to: if its accessed bit is set (it was used since the
 *           hand last passed), the bit is cleared and the frame stays -
 *           a second chance - else it goes. An approximation of LRU that
 *           costs one look at the page-table entries per frame passed.
 *
 * Both keep one list in the lru lock's care: the head is the next frame
 * to look at (the oldest, or where the hand points), and a frame that
 * stays goes to the tail (the hand moves past it). The policy does not
 * read A bits itself: the reclaimer does when the policy says
 * uses_accessed, and reports what it saw through put_back.
 */
#include "kernel/spinlock.h"
#include "lib/list.h"
#include "mm/page.h"
#include "mm/reclaim.h"

/* ---- fifo -------------------------------------------------------------- */

static struct list_node fifo_list = LIST_INIT(fifo_list); /* [lru lock] */

static void fifo_add(struct page *pg)
{
	list_push_back(&fifo_list, &pg->link);
}

static void fifo_remove(struct page *pg)
{
	list_remove(&pg->link);
}

static struct page *fifo_next(void)
{
	return list_empty(&fifo_list)
		       ? NULL
		       : list_entry(fifo_list.next, struct page, link);
}

/* tried but busy: it keeps its place in the queue's order as well as it
 * can, at the end */
static void fifo_put_back(struct page *pg, bool accessed)
{
	(void)accessed;
	list_push_back(&fifo_list, &pg->link);
}

SWAP_POLICY(swap_fifo) = {
	.name = "fifo",
	.about = "first in, first out: the oldest frame goes",
	.uses_accessed = false,
	.add = fifo_add,
	.remove = fifo_remove,
	.next = fifo_next,
	.put_back = fifo_put_back,
};

/* ---- clock --------------------------------------------------------------- */

static struct list_node clock_ring = LIST_INIT(clock_ring); /* [lru lock] */

static void clock_add(struct page *pg)
{
	list_push_back(&clock_ring, &pg->link); /* just behind the hand */
}

static void clock_remove(struct page *pg)
{
	list_remove(&pg->link);
}

static struct page *clock_next(void)
{
	return list_empty(&clock_ring)
		       ? NULL
		       : list_entry(clock_ring.next, struct page, link);
}

/* the hand passes it: used frames had their bit cleared (second chance) */
static void clock_put_back(struct page *pg, bool accessed)
{
	(void)accessed;
	list_push_back(&clock_ring, &pg->link);
}

SWAP_POLICY(swap_clock) = {
	.name = "clock",
	.about = "second chance: a frame used since the hand last passed stays",
	.uses_accessed = true,
	.add = clock_add,
	.remove = clock_remove,
	.next = clock_next,
	.put_back = clock_put_back,
};
