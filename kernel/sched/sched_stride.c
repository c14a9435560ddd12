/*
 * sched_stride.c - stride scheduling: CPU time in proportion to priority.
 *
 * Every thread has a pass; each tick it runs adds BIG_STRIDE / priority
 * to it, and a hart runs the thread with the smallest pass (a 4-ary
 * heap, lib/heap.c: O(log n)). Over time each thread's ticks / priority
 * evens out, so a thread of priority 10 gets twice the CPU of one of
 * priority 5.
 * A thread that arrives or wakes starts no earlier than the queue's
 * current minimum pass, so sleeping never earns credit.
 *
 * Across harts: pass is one global measure, and balancing lets a hart
 * take another hart's front thread whenever that thread's pass is behind
 * the hart's own smallest, so the harts together keep running the
 * smallest passes. All methods run with rq->lock held.
 */
#include "kernel/panic.h"
#include "proc/proc.h"
#include "sched/stride.h"

#define se_of(n) container_of(n, struct sched_entity, heap_node)
#define thread_of_se(e) container_of(e, struct thread, se)

/* The smallest pass on rq (queue front or the running thread); *valid
 * is false when rq has neither. */
static uint32_t rq_min_pass(const struct runqueue *rq, bool *valid)
{
	const struct thread *curr = READ_ONCE(rq->curr);
	bool have_curr = curr && curr != rq->idle;
	bool have_queue = READ_ONCE(rq->nr_queued) > 0;
	uint32_t qmin = READ_ONCE(rq->min_pass);

	*valid = have_curr || have_queue;
	if (have_curr && have_queue)
		return pass_before(curr->se.pass, qmin) ? curr->se.pass : qmin;
	return have_curr ? curr->se.pass : qmin;
}

static void update_min_hint(struct runqueue *rq)
{
	struct heap_node *n = heap_peek(&rq->stride_heap);

	if (n)
		WRITE_ONCE(rq->min_pass, se_of(n)->pass);
}

static void stride_enqueue(struct runqueue *rq, struct thread *t, int flags)
{
	bool valid;
	uint32_t floor = rq_min_pass(rq, &valid);

	if ((flags & (ENQ_NEW | ENQ_WAKEUP)) && valid)
		t->se.pass = pass_max(t->se.pass, floor);
	t->se.heap_node.key = t->se.pass; /* pass does not change while queued */
	if (heap_insert(&rq->stride_heap, &t->se.heap_node) != 0)
		panic("stride: run queue of hart %d is full (a thread was "
		      "not counted by sched_reserve_thread)", rq->hart);
	rq->nr_queued++;
	update_min_hint(rq);
	if (rq->curr && rq->curr != rq->idle &&
	    pass_before(t->se.pass, rq->curr->se.pass))
		WRITE_ONCE(rq->curr->need_resched, true);
}

static void stride_dequeue(struct runqueue *rq, struct thread *t)
{
	heap_remove(&rq->stride_heap, &t->se.heap_node);
	rq->nr_queued--;
	update_min_hint(rq);
}

static struct thread *stride_pick_next(struct runqueue *rq)
{
	struct heap_node *n = heap_pop(&rq->stride_heap);

	if (!n)
		return NULL;
	rq->nr_queued--;
	update_min_hint(rq);
	return thread_of_se(se_of(n));
}

static void stride_tick(struct runqueue *rq, struct thread *curr,
			unsigned ticks)
{
	struct heap_node *n;

	curr->se.pass += stride_charge(READ_ONCE(curr->se.prio), ticks);
	n = heap_peek(&rq->stride_heap);
	if (n && pass_before(se_of(n)->pass, curr->se.pass))
		WRITE_ONCE(curr->need_resched, true);
}

static void stride_yield(struct runqueue *rq, struct thread *curr)
{
	(void)rq;
	(void)curr; /* re-queued with its pass: runs again if still smallest */
}

/* Take src's front thread if it is behind everything dst has. */
static bool stride_want_steal(const struct runqueue *src,
			      const struct runqueue *dst)
{
	bool dst_valid;
	uint32_t dst_min;

	if (READ_ONCE(src->nr_queued) == 0)
		return false;
	dst_min = rq_min_pass(dst, &dst_valid);
	return !dst_valid || pass_before(READ_ONCE(src->min_pass), dst_min);
}

static struct thread *stride_steal(struct runqueue *src, struct runqueue *dst)
{
	struct heap_node *n = heap_peek(&src->stride_heap);
	struct thread *t;

	if (!n || !stride_want_steal(src, dst))
		return NULL;
	t = thread_of_se(se_of(n));
	if (!(t->allowed & (1UL << dst->hart)))
		return NULL;
	stride_dequeue(src, t);
	return t;
}

SCHED_CLASS(sched_stride) = {
	.name = "stride",
	.enqueue = stride_enqueue,
	.dequeue = stride_dequeue,
	.pick_next = stride_pick_next,
	.tick = stride_tick,
	.yield = stride_yield,
	.want_steal = stride_want_steal,
	.steal = stride_steal,
};
