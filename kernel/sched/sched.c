/*
 * sched.c - per-hart run queues, switching, wakeup, ticks, balancing.
 *
 * schedule() runs on the current thread's stack with interrupts off:
 * it takes this hart's rq->lock, re-queues the current thread if it is
 * still RUNNING (preempted or yielding), asks the class for the next one
 * and switch_to()s it with the lock held. The thread that switches in
 * releases the lock in sched_finish_switch(), clears the previous
 * thread's on_cpu (from then on another hart may run it) and frees it
 * if it was a zombie. A hart about to run a thread whose on_cpu is still
 * set (it was woken or stolen while finishing its switch elsewhere)
 * waits the few instructions until it clears.
 *
 * Wakeup: sched_wakeup() moves SLEEPING -> RUNNABLE with a compare-and-
 * swap, so a thread is queued by exactly one waker, and queues it on its
 * last hart (or an idle one), kicking that hart with an IPI.
 *
 * Capacity: the stride class keeps each hart's runnable threads in a
 * heap of fixed storage, so every thread is counted when it is made
 * (sched_reserve_thread) and, when there are more threads than the heaps
 * can hold, every hart's heap moves to storage twice as big, allocated
 * before any lock is taken (and back to a smaller one once most threads
 * are gone). So no run queue is ever full, however many threads there
 * are, and making a thread fails with -ENOMEM instead.
 *
 * Balancing: on every tick and whenever it is idle, a hart asks the
 * class whether another hart's queue has a thread it should take
 * (RR: the queue is longer by two; stride: its front pass is behind
 * ours) and moves one, taking the two rq locks lowest hart first.
 */
#include "arch/arch.h"
#include "kernel/bootargs.h"
#include "kernel/cpu.h"
#include "kernel/log.h"
#include "kernel/panic.h"
#include "lib/string.h"
#include "mm/kmalloc.h"
#include "mm/memlayout.h"
#include "mm/vmspace.h"
#include "proc/proc.h"
#include "sched/stride.h"
#include "trace/trace.h"
#include "uapi/errno.h"

struct runqueue runqueues[NCPU];
int rr_slice_ticks = 5;

extern const struct sched_class __sched_class_start[], __sched_class_end[];
static const struct sched_class *active_class; /* [atomic] */
static struct spinlock class_switch_lock = SPINLOCK_INIT("sched.class");
/* Run-queue heap capacity: grow_lock -> rq locks */
#define RQ_CAPACITY_MIN 64
static struct spinlock grow_lock = SPINLOCK_INIT("sched.grow");
static size_t rq_capacity;  /* [grow_lock to change; atomic reads] room
			     * in each rq's heap */
/* the heaps' storage at their smallest: static, so that shrinking back
 * to it gives every frame of the larger storage back */
static uint64_t rq_min_storage[NCPU][HEAP_STORAGE(RQ_CAPACITY_MIN) / 8];
static uint64_t nr_threads; /* [atomic] threads that may be queued */
static struct thread idle_threads[NCPU];

static inline struct runqueue *this_rq(void)
{
	return &runqueues[cpuid()];
}

const struct sched_class *sched_find_class(const char *name)
{
	const struct sched_class *c;

	/* the linker gathers every class into one array */
	// cppcheck-suppress comparePointers
	for (c = __sched_class_start; c < __sched_class_end; c++)
		if (strcmp(c->name, name) == 0)
			return c;
	return NULL;
}

void sched_init(void)
{
	char name[16] = "rr";

	bootarg_get("sched", name, sizeof(name));
	active_class = sched_find_class(name);
	if (!active_class) {
		log_warn("sched: unknown class '%s', using rr", name);
		active_class = sched_find_class("rr");
	}
	assert(active_class);
	rr_slice_ticks = (int)bootarg_long("slice", 5);
	if (rr_slice_ticks < 1)
		rr_slice_ticks = 1;
	sleep_timers_init();
	rq_capacity = RQ_CAPACITY_MIN;
	for (int h = 0; h < NCPU; h++) {
		struct runqueue *rq = &runqueues[h];

		spin_init(&rq->lock, "rq");
		rq->hart = h;
		rq->class = active_class;
		list_init(&rq->rr_queue);
		heap_init(&rq->stride_heap, rq_min_storage[h], RQ_CAPACITY_MIN);
	}
	log_info("sched: class %s, RR slice %d ticks", active_class->name,
		 rr_slice_ticks);
}

/* Move every run queue's heap to storage for cap threads. grow_lock
 * held; storage[] holds the new storage and gets the old. */
static void rq_move(size_t cap, void *storage[NCPU])
{
	for (int h = 0; h < NCPU; h++) {
		struct runqueue *rq = &runqueues[h];

		spin_lock(&rq->lock);
		storage[h] = heap_resize(&rq->stride_heap, storage[h], cap);
		spin_unlock(&rq->lock);
	}
	__atomic_store_n(&rq_capacity, cap, __ATOMIC_SEQ_CST);
}

/* Storage for cap threads on every hart (the static one at the smallest
 * size); false if memory ran out (nothing is kept then). */
static bool rq_storage_alloc(size_t cap, void *storage[NCPU])
{
	for (int h = 0; h < NCPU; h++) {
		storage[h] = cap == RQ_CAPACITY_MIN ? rq_min_storage[h]
						    : kmalloc(HEAP_STORAGE(cap));
		if (!storage[h]) {
			while (--h >= 0)
				if (storage[h] != rq_min_storage[h])
					kfree(storage[h]);
			return false;
		}
	}
	return true;
}

static void rq_storage_free(void *storage[NCPU])
{
	for (int h = 0; h < NCPU; h++)
		if (storage[h] != rq_min_storage[h])
			kfree(storage[h]);
}

/* Grow every heap to room for at least want threads. */
static int rq_grow(uint64_t want)
{
	void *storage[NCPU];
	size_t cap = MAX((size_t)want, 2 * READ_ONCE(rq_capacity));

	if (!rq_storage_alloc(cap, storage))
		return -ENOMEM;
	spin_lock(&grow_lock);
	if (cap > rq_capacity)
		rq_move(cap, storage);
	spin_unlock(&grow_lock);
	rq_storage_free(storage); /* the old, or the new if not needed */
	return 0;
}

/*
 * Shrink every heap to cap, if the threads still fit with room to spare.
 * The smaller capacity is published first and the thread count read
 * after it (both sequentially consistent, as a reservation's increment
 * and read are): a reservation either sees the new capacity (and, if it
 * does not fit, waits for grow_lock and grows) or is seen here, and then
 * the shrink is called off.
 */
static void rq_shrink(size_t cap)
{
	void *storage[NCPU];
	size_t old;

	if (!rq_storage_alloc(cap, storage))
		return;
	spin_lock(&grow_lock);
	old = rq_capacity;
	if (cap < old) {
		__atomic_store_n(&rq_capacity, cap, __ATOMIC_SEQ_CST);
		if (2 * __atomic_load_n(&nr_threads, __ATOMIC_SEQ_CST) <= cap)
			rq_move(cap, storage);
		else
			__atomic_store_n(&rq_capacity, old, __ATOMIC_SEQ_CST);
	}
	spin_unlock(&grow_lock);
	rq_storage_free(storage);
}

int sched_reserve_thread(void)
{
	uint64_t n = __atomic_add_fetch(&nr_threads, 1, __ATOMIC_SEQ_CST);
	size_t cap = __atomic_load_n(&rq_capacity, __ATOMIC_SEQ_CST);

	if (likely(n <= cap)) {
		/* far fewer threads than room (after a crowd has gone):
		 * give the memory back, keeping room for as many again */
		if (unlikely(cap > RQ_CAPACITY_MIN && 4 * n < cap))
			rq_shrink(2 * n <= RQ_CAPACITY_MIN ? RQ_CAPACITY_MIN
							   : 2 * n);
		return 0;
	}
	while (__atomic_load_n(&nr_threads, __ATOMIC_SEQ_CST) >
	       __atomic_load_n(&rq_capacity, __ATOMIC_SEQ_CST)) {
		if (rq_grow(__atomic_load_n(&nr_threads, __ATOMIC_SEQ_CST))) {
			__atomic_sub_fetch(&nr_threads, 1, __ATOMIC_SEQ_CST);
			return -ENOMEM;
		}
	}
	return 0;
}

void sched_unreserve_thread(void)
{
	__atomic_sub_fetch(&nr_threads, 1, __ATOMIC_SEQ_CST);
}

void sched_init_hart(void)
{
	struct cpu *c = mycpu();
	struct runqueue *rq = this_rq();
	struct thread *idle = &idle_threads[c->id];

	memset(idle, 0, sizeof(*idle));
	idle->tid = 0;
	idle->state = T_RUNNING;
	idle->proc = &kernel_proc;
	kstrlcpy(idle->name, "idle", sizeof(idle->name));
	idle->kstack = c->kstack_top;
	idle->on_cpu = true;
	idle->cpu = (int)c->id;
	idle->allowed = 1UL << c->id;
	idle->se.prio = PRIO_DEFAULT;
	idle->se.on_rq = -1;
	heap_node_init(&idle->se.heap_node);
	list_init(&idle->se.rr_link);
	list_init(&idle->wq_link);
	list_init(&idle->timer_link);
	list_init(&idle->proc_link);
	spin_lock(&rq->lock);
	rq->idle = idle;
	rq->curr = idle;
	spin_unlock(&rq->lock);
	c->curr = idle;
	c->vm = NULL; /* the kernel's page table */
}

const char *sched_class_name(void)
{
	return READ_ONCE(active_class)->name;
}

/* Ask rq's hart to reschedule soon: IPI it if it is another hart. */
static void rq_kick(struct runqueue *rq)
{
	struct thread *curr = rq->curr;

	assert(spin_holding(&rq->lock));
	if (!curr)
		return;
	if (curr == rq->idle)
		WRITE_ONCE(curr->need_resched, true);
	if (READ_ONCE(curr->need_resched) && rq->hart != cpuid())
		smp_send_ipi(rq->hart);
}

static int thread_load(const struct runqueue *rq)
{
	return READ_ONCE(rq->nr_queued) + (READ_ONCE(rq->curr) != rq->idle);
}

/*
 * The hart a thread should join, among those it may use:
 *  1. its last hart, if that hart is idle (a wakeup finds it warm);
 *  2. any idle hart;
 *  3. a new thread: the creating hart (as fork does; balancing spreads
 *     the work later), a woken one: its last hart;
 *  4. the least loaded hart.
 * Keeping work local when every hart is busy avoids an IPI and a remote
 * queue for each creation and wakeup.
 */
static struct runqueue *select_rq(struct thread *t, bool is_new)
{
	struct runqueue *best = NULL;
	uint64_t ok = READ_ONCE(online_mask) & READ_ONCE(t->allowed);
	int here = cpuid();

	if (t->cpu >= 0 && (ok & (1UL << t->cpu)) &&
	    thread_load(&runqueues[t->cpu]) == 0)
		return &runqueues[t->cpu];
	for (int h = 0; h < NCPU; h++)
		if ((ok & (1UL << h)) && runqueues[h].idle &&
		    thread_load(&runqueues[h]) == 0)
			return &runqueues[h];
	if (is_new && (ok & (1UL << here)))
		return &runqueues[here];
	if (!is_new && t->cpu >= 0 && (ok & (1UL << t->cpu)))
		return &runqueues[t->cpu];
	for (int h = 0; h < NCPU; h++) {
		struct runqueue *rq = &runqueues[h];

		if (!(ok & (1UL << h)) || !rq->idle)
			continue;
		if (!best || thread_load(rq) < thread_load(best))
			best = rq;
	}
	if (!best)
		panic("sched: thread %d may run on no online hart (mask %lx)",
		      t->tid, (unsigned long)t->allowed);
	return best;
}

/* Queue t (RUNNABLE, on no queue) on rq, or on another hart if its
 * allowed harts changed since rq was chosen: read under the rq lock, the
 * mask is the one sched_set_allowed published before it looked at rq. */
static void sched_enqueue_on(struct runqueue *rq, struct thread *t, int flags)
{
	spin_lock(&rq->lock);
	while (!(READ_ONCE(t->allowed) & (1UL << rq->hart))) {
		spin_unlock(&rq->lock);
		rq = select_rq(t, false);
		spin_lock(&rq->lock);
	}
	t->cpu = rq->hart;
	rq->class->enqueue(rq, t, flags);
	t->se.on_rq = rq->hart;
	rq_kick(rq);
	spin_unlock(&rq->lock);
}

void sched_start(struct thread *t)
{
	thread_set_state(t, T_RUNNABLE);
	sched_enqueue_on(select_rq(t, true), t, ENQ_NEW);
}

bool sched_wakeup(struct thread *t)
{
	enum thread_state expect = T_SLEEPING;

	if (!__atomic_compare_exchange_n(&t->state, &expect, T_RUNNABLE, false,
					 __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
		return false;
	trace_wakeup(t);
	sched_enqueue_on(select_rq(t, false), t, ENQ_WAKEUP);
	return true;
}

void sched_kick_thread(struct thread *t)
{
	int h = READ_ONCE(t->cpu);

	if (h >= 0 && h != cpuid())
		smp_send_ipi(h);
}

bool sched_sleep_cancel(struct thread *t, bool intr)
{
	enum thread_state expect = T_SLEEPING;

	/* pairs with the fence in proc_kill_locked: either we see the kill
	 * here, or the killer sees us SLEEPING and wakes us */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (!(intr ? thread_interrupted(t) : thread_killed(t)))
		return false;
	return __atomic_compare_exchange_n(&t->state, &expect, T_RUNNING, false,
					   __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE);
}

void schedule(void)
{
	struct cpu *c = mycpu();
	struct runqueue *rq = this_rq();
	struct thread *prev = c->curr, *next;
	bool intena = c->intena;

	if (arch_intr_get() || c->noff != 1)
		panic("schedule: needs interrupts off and exactly one push_off "
		      "(noff=%d): a spinlock held while sleeping?", c->noff);
	trace_schedule(prev);
	spin_lock(&rq->lock);
	WRITE_ONCE(prev->need_resched, false);
	if (prev->state == T_RUNNING && prev != rq->idle) {
		thread_set_state(prev, T_RUNNABLE);
		if (READ_ONCE(prev->allowed) & (1UL << rq->hart)) {
			rq->class->enqueue(rq, prev, ENQ_PREEMPT);
			prev->se.on_rq = rq->hart;
		} else {
			/* its harts changed: it goes to one of them once it
			 * is off ours (sched_finish_switch) */
			rq->migrate = prev;
		}
	}
	next = rq->class->pick_next(rq);
	if (next)
		next->se.on_rq = -1;
	else
		next = rq->idle;
	if (next == prev) {
		thread_set_state(prev, T_RUNNING);
		spin_unlock(&rq->lock);
		c->intena = intena;
		return;
	}
	/* woken or stolen while still switching out on another hart */
	while (__atomic_load_n(&next->on_cpu, __ATOMIC_ACQUIRE))
		arch_cpu_relax();
	thread_set_state(next, T_RUNNING);
	next->cpu = rq->hart;
	next->on_cpu = true;
	next->runs++;
	rq->curr = next;
	rq->prev = prev;
	rq->nr_switches++;
	trace_switch(prev, next);
	c->curr = next;
	if (next->proc->vm != c->vm)
		vmspace_switch(next->proc->vm);
	/* user threads carry their floating-point registers with them */
	if (prev->proc->vm || next->proc->vm)
		arch_fp_switch(prev->proc->vm ? prev->fp : NULL,
			       next->proc->vm ? next->fp : NULL);
	switch_to(&prev->ctx, &next->ctx);
	/* back in prev, maybe on another hart */
	sched_finish_switch();
	mycpu()->intena = intena;
}

void sched_finish_switch(void)
{
	struct runqueue *rq = this_rq();
	struct thread *prev = rq->prev, *dead = NULL, *move = rq->migrate;

	rq->prev = NULL;
	rq->migrate = NULL;
	if (prev->state == T_ZOMBIE)
		dead = prev;
	__atomic_store_n(&prev->on_cpu, false, __ATOMIC_RELEASE);
	spin_unlock(&rq->lock);
	if (dead)
		thread_reap_zombie(dead);
	if (move)
		sched_enqueue_on(select_rq(move, false), move, ENQ_MIGRATE);
}

void sched_yield(void)
{
	struct runqueue *rq;

	push_off();
	rq = this_rq();
	spin_lock(&rq->lock);
	if (rq->curr != rq->idle)
		rq->class->yield(rq, rq->curr);
	spin_unlock(&rq->lock);
	schedule();
	pop_off();
}

/* Move one thread to dst from the busiest hart the class would take
 * one from. Interrupts off, dst's lock not held. */
static void sched_balance(struct runqueue *dst)
{
	const struct sched_class *cls = READ_ONCE(dst->class);
	uint64_t online = READ_ONCE(online_mask);
	struct runqueue *src = NULL, *first, *second;
	struct thread *t = NULL;

	for (int h = 0; h < NCPU; h++) {
		struct runqueue *rq = &runqueues[h];

		if (rq == dst || !(online & (1UL << h)) || !rq->idle ||
		    !cls->want_steal(rq, dst))
			continue;
		if (!src || READ_ONCE(rq->nr_queued) > READ_ONCE(src->nr_queued))
			src = rq;
	}
	if (!src)
		return;
	first = src->hart < dst->hart ? src : dst;
	second = src->hart < dst->hart ? dst : src;
	spin_lock(&first->lock);
	spin_lock(&second->lock);
	if (src->class == dst->class)
		t = src->class->steal(src, dst); /* rechecks under the locks */
	if (t) {
		t->cpu = dst->hart;
		dst->class->enqueue(dst, t, ENQ_MIGRATE);
		t->se.on_rq = dst->hart;
		rq_kick(dst);
	}
	spin_unlock(&second->lock);
	spin_unlock(&first->lock);
}

void sched_tick(unsigned n)
{
	struct runqueue *rq = this_rq();
	struct thread *curr;

	if (!rq->idle)
		return; /* scheduling not started on this hart */
	spin_lock(&rq->lock);
	curr = rq->curr;
	if (curr == rq->idle) {
		rq->idle_ticks += n;
	} else {
		rq->busy_ticks += n;
		curr->ticks += n;
		rq->class->tick(rq, curr, n);
	}
	spin_unlock(&rq->lock);
	sleep_timers_expire(rq->hart);
	sched_balance(rq);
}

void sched_preempt_point(void)
{
	struct cpu *c = mycpu();

	if (!c->curr || !READ_ONCE(c->curr->need_resched))
		return;
	push_off();
	schedule();
	pop_off();
}

void sched_idle_loop(void)
{
	struct runqueue *rq = this_rq();

	for (;;) {
		arch_intr_off();
		cpu_irqoff_mark();
		if (READ_ONCE(rq->nr_queued) == 0)
			sched_balance(rq);
		if (READ_ONCE(rq->nr_queued) > 0 ||
		    READ_ONCE(rq->idle->need_resched)) {
			push_off();
			schedule();
			pop_off();
		} else {
			/* wakes on a pending interrupt even with SIE off */
			arch_wait_for_interrupt();
		}
		arch_intr_on();
	}
}

int sched_set_class(const char *name)
{
	const struct sched_class *to = sched_find_class(name);

	if (!to)
		return -EINVAL;
	spin_lock(&class_switch_lock);
	for (int h = 0; h < NCPU; h++) {
		struct runqueue *rq = &runqueues[h];
		const struct sched_class *from;
		struct thread *t;

		spin_lock(&rq->lock);
		from = rq->class;
		/* the classes keep disjoint queues (list vs heap), so
		 * threads can move one by one */
		while (from != to && (t = from->pick_next(rq)) != NULL)
			to->enqueue(rq, t, ENQ_MIGRATE);
		rq->class = to;
		spin_unlock(&rq->lock);
	}
	WRITE_ONCE(active_class, to);
	spin_unlock(&class_switch_lock);
	return 0;
}

void sched_set_allowed(struct thread *t, uint64_t mask)
{
	uint64_t online = READ_ONCE(online_mask);
	bool moved = false;

	assert(spin_holding(&proc_lock) && (mask & online));
	/* published first: every enqueue, steal and switch-out that takes
	 * a run-queue lock after ours below sees it */
	__atomic_store_n(&t->allowed, mask, __ATOMIC_SEQ_CST);
	for (int h = 0; h < NCPU; h++) {
		struct runqueue *rq = &runqueues[h];

		if (!(online & (1UL << h)) || (mask & (1UL << h)) || !rq->idle)
			continue;
		spin_lock(&rq->lock);
		if (t->se.on_rq == h) {
			/* queued here: to an allowed hart now */
			rq->class->dequeue(rq, t);
			t->se.on_rq = -1;
			moved = true;
		} else if (rq->curr == t) {
			/* running here: it moves at its next switch */
			WRITE_ONCE(t->need_resched, true);
			if (h != (int)cpuid())
				smp_send_ipi(h);
		}
		spin_unlock(&rq->lock);
		if (moved) {
			sched_enqueue_on(select_rq(t, false), t, ENQ_MIGRATE);
			moved = false;
		}
	}
}

void sched_leave_disallowed(void)
{
	struct thread *me = current();

	for (;;) {
		push_off();
		if (READ_ONCE(me->allowed) & (1UL << cpuid())) {
			pop_off();
			return;
		}
		schedule(); /* queues us on an allowed hart */
		pop_off();
	}
}

int sched_set_priority(struct thread *t, int prio)
{
	if (prio < PRIO_MIN || prio > PRIO_MAX)
		return -EINVAL;
	WRITE_ONCE(t->se.prio, prio);
	return prio;
}
