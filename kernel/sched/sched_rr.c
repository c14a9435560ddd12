/*
 * sched_rr.c - round robin: a FIFO queue and a time slice.
 *
 * A thread runs for rr_slice_ticks timer ticks (boot argument slice=,
 * default 5) and then goes to the back of its hart's queue. A thread
 * that wakes goes to the front and asks for the CPU at the next tick or
 * interrupt, so sleepers (the console, a timer) respond at once instead
 * of waiting a whole round behind CPU-bound threads. All methods run
 * with rq->lock held.
 */
#include "proc/proc.h"

static void rr_enqueue(struct runqueue *rq, struct thread *t, int flags)
{
	if (flags & ENQ_WAKEUP) {
		list_push_front(&rq->rr_queue, &t->se.rr_link);
		if (rq->curr && rq->curr != rq->idle)
			WRITE_ONCE(rq->curr->need_resched, true);
	} else {
		list_push_back(&rq->rr_queue, &t->se.rr_link);
	}
	rq->nr_queued++;
}

static void rr_dequeue(struct runqueue *rq, struct thread *t)
{
	list_remove(&t->se.rr_link);
	rq->nr_queued--;
}

static struct thread *rr_pick_next(struct runqueue *rq)
{
	struct list_node *n = list_pop_front(&rq->rr_queue);
	struct thread *t;

	if (!n)
		return NULL;
	rq->nr_queued--;
	t = list_entry(n, struct thread, se.rr_link);
	t->se.slice_left = rr_slice_ticks;
	return t;
}

static void rr_tick(struct runqueue *rq, struct thread *curr, unsigned n)
{
	curr->se.slice_left -= (int)n;
	if (curr->se.slice_left > 0)
		return;
	if (rq->nr_queued > 0)
		WRITE_ONCE(curr->need_resched, true);
	else
		curr->se.slice_left = rr_slice_ticks; /* alone: keep going */
}

static void rr_yield(struct runqueue *rq, struct thread *curr)
{
	(void)rq;
	curr->se.slice_left = 0;
}

static int rr_load(const struct runqueue *rq)
{
	return READ_ONCE(rq->nr_queued) + (READ_ONCE(rq->curr) != rq->idle);
}

/* Even out the number of threads: take one when src has two more. */
static bool rr_want_steal(const struct runqueue *src, const struct runqueue *dst)
{
	return READ_ONCE(src->nr_queued) > 0 && rr_load(src) > rr_load(dst) + 1;
}

static struct thread *rr_steal(struct runqueue *src, struct runqueue *dst)
{
	struct list_node *it;

	if (!(src->nr_queued > 0 && rr_load(src) > rr_load(dst) + 1))
		return NULL;
	/* from the back: the thread that would wait longest here */
	for (it = src->rr_queue.prev; it != &src->rr_queue; it = it->prev) {
		struct thread *t = list_entry(it, struct thread, se.rr_link);

		if (t->allowed & (1UL << dst->hart)) {
			rr_dequeue(src, t);
			t->se.slice_left = rr_slice_ticks;
			return t;
		}
	}
	return NULL;
}

SCHED_CLASS(sched_rr) = {
	.name = "rr",
	.enqueue = rr_enqueue,
	.dequeue = rr_dequeue,
	.pick_next = rr_pick_next,
	.tick = rr_tick,
	.yield = rr_yield,
	.want_steal = rr_want_steal,
	.steal = rr_steal,
};
