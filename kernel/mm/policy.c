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
 *   lru     least recently used, approximated by access time: every
 *           AGE_PERIOD_MS the reclaim thread walks the page tables and
 *           moves each frame used since the last walk (A set; cleared
 *           as it goes) to the young end, so the queue is ordered by the
 *           walk in which a frame was last seen used; the frame at the
 *           old end goes (unless used since the last walk: then it moves
 *           to the young end too). Exact LRU would need a trap on every
 *           access; this costs one walk of every user page table per
 *           period while memory is short (reclaimd.c).
 *
 * All three keep the reclaimer's one queue (the caller holds its lock):
 * the head is the next frame to look at (the oldest, or where the hand
 * points) and the tail the youngest; a frame that stays goes to the
 * tail. The policies differ only in which methods they have and whether
 * the reclaimer looks at A bits for them - the whole difference between
 * FIFO, second chance and LRU is when a frame moves to the young end.
 */
#include "kernel/clock.h"
#include "lib/list.h"
#include "mm/page.h"
#include "mm/reclaim.h"

/* ---- the queue operations the policies share -------------------------- */

static void queue_add_young(struct list_node *q, struct page *pg)
{
	list_push_back(q, &pg->link);
}

static void queue_remove(struct list_node *q, struct page *pg)
{
	(void)q;
	list_remove(&pg->link);
}

static struct page *queue_oldest(struct list_node *q)
{
	return list_empty(q) ? NULL : list_entry(q->next, struct page, link);
}

/* tried and staying (used, or busy): the hand moves past it */
static void queue_put_back(struct list_node *q, struct page *pg,
			   bool accessed)
{
	(void)accessed;
	list_push_back(q, &pg->link);
}

/* ---- the policies --------------------------------------------------------- */

SWAP_POLICY(swap_fifo) = {
	.name = "fifo",
	.about = "first in, first out: the oldest frame goes, used or not",
	.uses_accessed = false,
	.add = queue_add_young,
	.remove = queue_remove,
	.next = queue_oldest,
	.put_back = queue_put_back,
	.touched = NULL,
};

SWAP_POLICY(swap_clock) = {
	.name = "clock",
	.about = "second chance: a frame used since the hand last passed stays",
	.uses_accessed = true,
	.add = queue_add_young,
	.remove = queue_remove,
	.next = queue_oldest,
	.put_back = queue_put_back,
	.touched = NULL,
};

/* seen used by an aging walk: to the young end, with the time */
static void lru_touched(struct list_node *q, struct page *pg)
{
	list_remove(&pg->link);
	list_push_back(q, &pg->link);
	pg->lru_stamp = clock_monotonic_ns();
}

static void lru_add(struct list_node *q, struct page *pg)
{
	queue_add_young(q, pg);
	pg->lru_stamp = clock_monotonic_ns();
}

SWAP_POLICY(swap_lru) = {
	.name = "lru",
	.about = "least recently used, by access times sampled from A bits",
	.uses_accessed = true,
	.add = lru_add,
	.remove = queue_remove,
	.next = queue_oldest,
	.put_back = queue_put_back,
	.touched = lru_touched,
};
