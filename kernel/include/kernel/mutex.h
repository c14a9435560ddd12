/*
 * kernel/mutex.h - sleeping locks, for work too long for a spinlock.
 *
 * A mutex is held by a thread, not a hart: its holder runs with
 * interrupts on, may be preempted, may sleep (allocate, zero or copy
 * many pages, wait for a disk) and may hold it across a switch. A thread
 * that finds it taken sleeps on the mutex's wait queue instead of
 * spinning. Use it for address spaces and any other long work; keep
 * spinlocks for short critical sections.
 *
 * Rules: take a mutex only in thread context with no spinlock held (it
 * may sleep); never recursively; release it in the thread that took it.
 * mutex_lock is not ended by a kill: holders never wait for anything
 * unbounded while they hold one, so the wait is bounded too.
 *
 * State: m->state is 0 (free), 1 (held) or 2 (held, and a thread may be
 * asleep on m->wait); it changes only by atomic exchange, so taking and
 * releasing a free mutex touches no spinlock. Sleepers decide to sleep
 * under m->wait.lock, which the releaser of a contended mutex takes to
 * wake one.
 */
#ifndef KITE_KERNEL_MUTEX_H
#define KITE_KERNEL_MUTEX_H

#include "kernel/types.h"
#include "sched/sched.h"

struct thread;

struct mutex {
	struct waitqueue wait; /* sleepers (its lock: deciding to sleep) */
	uint32_t state;        /* [atomic] 0 free, 1 held, 2 held + sleepers */
	struct thread *owner;  /* [holder] written by the holder; compared
				* with current() only (holding, recursion) */
	const char *name;      /* [const] */
};

void mutex_init(struct mutex *m, const char *name);
/* Take m, sleeping while another thread holds it. */
void mutex_lock(struct mutex *m);
/* Take m if it is free: true if taken. Never sleeps. */
bool mutex_trylock(struct mutex *m);
/* Release m, which the calling thread holds; wake one sleeper. */
void mutex_unlock(struct mutex *m);
/* True if the calling thread holds m. */
bool mutex_holding(const struct mutex *m);

#endif
