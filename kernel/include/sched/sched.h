/*
 * sched/sched.h - scheduling: per-hart run queues, classes, sleep/wakeup.
 *
 * Every hart has a run queue holding the runnable threads that are not
 * running (the running one is rq->curr). A scheduling class (RR, stride)
 * orders the queue; the active class is chosen with boot argument
 * sched=rr|stride and can be changed at run time.
 *
 * Locks: rq->lock guards the queue, rq->curr and the sched_entity of
 * every thread on the queue. It is held across switch_to and released by
 * the thread that switches in (sched_finish_switch). Two run-queue locks
 * are taken together only by balancing, lowest hart id first. Order:
 * proc_lock -> waitqueue locks -> rq locks, and sleep-timer lock -> rq
 * locks.
 */
#ifndef KITE_SCHED_SCHED_H
#define KITE_SCHED_SCHED_H

#include "kernel/param.h"
#include "kernel/spinlock.h"
#include "kernel/types.h"
#include "lib/heap.h"
#include "lib/list.h"

struct thread;
struct runqueue;

/* enqueue flags: why a thread joins a queue */
#define ENQ_NEW 0x1     /* just created */
#define ENQ_WAKEUP 0x2  /* woke from sleep */
#define ENQ_PREEMPT 0x4 /* was running: slice over or yield */
#define ENQ_MIGRATE 0x8 /* moved from another hart */

struct sched_entity {
	struct list_node rr_link;   /* [rq lock] RR queue */
	struct heap_node heap_node; /* [rq lock] stride heap */
	uint32_t pass;              /* [rq lock; racy reads: ps] stride pass */
	int prio;                   /* [atomic] >= 2, read by stride at each charge */
	int slice_left;             /* [rq lock] RR ticks left in the slice */
	int on_rq;                  /* [that rq's lock] the hart whose queue
				     * holds it, or -1: written only under
				     * that queue's lock, so a reader holding
				     * a queue's lock sees its own hart here
				     * only if the thread is on it */
};

/*
 * A scheduling class. Every method runs with rq->lock held and
 * interrupts off; none may sleep or take another run-queue lock.
 */
struct sched_class {
	const char *name;
	/* Add t (RUNNABLE, not queued) to rq; flags say why (ENQ_*). */
	void (*enqueue)(struct runqueue *rq, struct thread *t, int flags);
	/* Remove t, which is on rq's queue. */
	void (*dequeue)(struct runqueue *rq, struct thread *t);
	/* Remove and return the thread to run next, or NULL if none. */
	struct thread *(*pick_next)(struct runqueue *rq);
	/* n timer ticks charged to curr (not idle): set curr->need_resched
	 * when it should give way. */
	void (*tick)(struct runqueue *rq, struct thread *curr, unsigned n);
	/* curr calls sched_yield(); it will be re-enqueued (ENQ_PREEMPT). */
	void (*yield)(struct runqueue *rq, struct thread *curr);
	/* Balancing: would dst gain by taking a thread from src? Reads only
	 * racy hints (no locks); steal() decides under both locks. */
	bool (*want_steal)(const struct runqueue *src, const struct runqueue *dst);
	/* With both locks held: remove and return a thread of src's queue
	 * that should move to dst (and may run there), or NULL. */
	struct thread *(*steal)(struct runqueue *src, struct runqueue *dst);
};

#define SCHED_CLASS(var) \
	const struct sched_class var __attribute__((used, section(".sched_class"), aligned(8)))

struct runqueue {
	struct spinlock lock;
	int hart;                        /* [const] */
	const struct sched_class *class; /* [lock] */
	struct thread *curr;             /* [lock] running thread */
	struct thread *idle;             /* [const] this hart's idle thread */
	struct thread *prev;             /* [lock] thread switched away from */
	struct thread *migrate;          /* [lock] prev, to be queued on a hart
					  * it may run on once it is off ours */
	int nr_queued;                   /* [lock; racy reads as a hint] */
	struct list_node rr_queue;       /* [lock] RR: FIFO */
	struct heap stride_heap;         /* [lock] stride: min pass first */
	uint32_t min_pass;               /* [lock] stride: pass of the queue's front */
	uint64_t busy_ticks, idle_ticks; /* [lock] ticks by who was running */
	uint64_t nr_switches;            /* [lock] */
};

extern struct runqueue runqueues[NCPU];
extern int rr_slice_ticks; /* boot argument slice= */

/* Boot: set up every run queue and the class from bootargs. */
void sched_init(void);
/* Make the calling boot context this hart's idle thread. */
void sched_init_hart(void);
/* The idle loop: run whatever is runnable, otherwise wfi. Never returns. */
__attribute__((noreturn)) void sched_idle_loop(void);

/* Give up the CPU: requires interrupts off and exactly one push_off.
 * The current thread is re-queued only if it is still RUNNING. */
void schedule(void);
/* Called by a new thread, and after every switch_to, on the new stack. */
void sched_finish_switch(void);
/* Let another runnable thread run. */
void sched_yield(void);
/* Count a thread about to be made, so every run queue has room for it
 * (growing them if needed): 0 or -ENOMEM. sched_unreserve_thread when
 * it is freed. Thread context, no spinlock held. */
int sched_reserve_thread(void);
void sched_unreserve_thread(void);
/* Queue a new thread (UNINIT) on the least loaded hart it may use. */
void sched_start(struct thread *t);
/* SLEEPING -> RUNNABLE and queue it; false if t was not asleep. */
bool sched_wakeup(struct thread *t);
/* Interrupt the hart t runs on (if another), so that it notices a kill
 * or another request at once. Interrupts off. */
void sched_kick_thread(struct thread *t);
/* t, the current thread, has just become SLEEPING (interrupts off, no
 * lock held): if its process has a kill pending (or, intr, a signal it
 * may take: thread_interrupted), make it RUNNING again and return true
 * (the caller must not schedule); false if there is none, or a waker
 * has already queued it (the caller must schedule). */
bool sched_sleep_cancel(struct thread *t, bool intr);
/* n timer ticks on this hart (interrupts off). */
void sched_tick(unsigned n);
/* After a trap: switch if the current thread was asked to. */
void sched_preempt_point(void);

/* A registered class by name, or NULL. */
const struct sched_class *sched_find_class(const char *name);
/* The active class, by name; sched_set_class switches every hart. */
const char *sched_class_name(void);
int sched_set_class(const char *name);
/* Set a thread's stride priority (PRIO_MIN..PRIO_MAX); returns prio or
 * -EINVAL. Takes effect from the thread's next charged tick. */
int sched_set_priority(struct thread *t, int prio);
/* Restrict t to the harts in mask (some of them online): a thread
 * queued on another hart moves at once, one running there is asked to
 * switch and moves when it does (the caller itself: before this
 * returns). proc_lock held (it keeps t alive and serialises setters);
 * the caller, if it is t, must then call sched_leave_disallowed(). */
void sched_set_allowed(struct thread *t, uint64_t mask);
/* The calling thread moves off this hart if it may no longer run here. */
void sched_leave_disallowed(void);

/* Wait queues: sleep with a lock held, no lost wakeups. */
struct waitqueue {
	struct spinlock lock;
	struct list_node waiters; /* [lock] sleeping threads, FIFO */
};

void wq_init(struct waitqueue *wq, const char *name);
/* Sleep on wq until woken or killed. lk, the lock of the condition the
 * caller waits for, is held on entry (it is the only spinlock held),
 * released while asleep and held again on return. 0, or -EINTR if the
 * process has a kill pending (then it may not have slept at all). */
int wq_sleep(struct waitqueue *wq, struct spinlock *lk);
/* Sleep on wq with wq->lock held, and a kill does not end it (mutexes:
 * their holders never wait for long). */
void wq_sleep_nokill(struct waitqueue *wq);
/* Sleep on wq like wq_sleep (lk held, released while asleep, held again
 * on return), but a kill does not end the wait: for waits that cannot be
 * abandoned, such as a disk request whose buffer the device is using.
 * A kill may still wake the sleeper early, so the caller rechecks its
 * condition in a loop, as with every wait queue. */
void wq_sleep_uninterruptible(struct waitqueue *wq, struct spinlock *lk);
/* wq_sleep that also ends when the time counter reaches deadline: 0
 * (woken, or the time came: the caller checks which it wants), or
 * -EINTR if the process has a kill pending. */
int wq_sleep_until(struct waitqueue *wq, struct spinlock *lk,
		   uint64_t deadline);
/* The same two ended also by a signal the thread may take (system
 * calls' waits: they return -EINTR, or restart, docs/SIGNALS.md). */
int wq_sleep_intr(struct waitqueue *wq, struct spinlock *lk);
int wq_sleep_until_intr(struct waitqueue *wq, struct spinlock *lk,
			uint64_t deadline);
/* Wake every sleeper / the first sleeper; returns how many woke. */
int wq_wake_all(struct waitqueue *wq);
int wq_wake_one(struct waitqueue *wq);
/* wq_wake_one with wq->lock held. */
int wq_wake_one_locked(struct waitqueue *wq);

/* Sleep until the time counter reaches deadline (UINT64_MAX: until
 * killed), with no spinning: woken by this hart's timer at the deadline.
 * 0, or -EINTR if a kill ended it early. */
int sleep_until(uint64_t deadline);
/* sleep_until ended also by a signal the thread may take. */
int sleep_until_intr(uint64_t deadline);
/* The same for ms milliseconds from now (saturating: never wraps). */
int sleep_ms(uint64_t ms);
void sleep_timers_init(void);
/* Earliest sleep deadline on hart, or UINT64_MAX. */
uint64_t sleep_timers_next(int hart);
/* Called from sched_tick: wake sleepers whose deadline has passed. */
void sleep_timers_expire(int hart);

#endif
