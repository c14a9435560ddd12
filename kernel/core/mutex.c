/*
 * mutex.c - sleeping locks (see kernel/mutex.h for the rules).
 *
 * The fast path is one compare-and-swap each way: 0 -> 1 to take a free
 * mutex, 1 -> 0 to release one that nobody waits for. A thread that finds
 * it held goes to the slow path: under m->wait.lock it swaps in 2 ("held,
 * with sleepers") and, unless that swap found it free, sleeps on m->wait,
 * having joined the queue before the lock is let go. The releaser swaps in
 * 0; if it took out a 2 it wakes one sleeper under the same lock, so a
 * sleeper either sees the mutex free or is woken: no lost wakeup. A woken
 * thread tries again (a newcomer may have taken the mutex first: no
 * hand-off), and takes it as 2, which at worst costs one needless wakeup.
 */
#include "kernel/cpu.h"
#include "kernel/mutex.h"
#include "kernel/panic.h"
#include "proc/proc.h"

#define MUTEX_FREE 0
#define MUTEX_HELD 1
#define MUTEX_CONTENDED 2

void mutex_init(struct mutex *m, const char *name)
{
	wq_init(&m->wait, name);
	m->state = MUTEX_FREE;
	m->owner = NULL;
	m->name = name;
}

void mutex_lock(struct mutex *m)
{
	struct thread *me = current();
	uint32_t expect = MUTEX_FREE;

	if (READ_ONCE(m->owner) == me)
		panic("mutex %s: recursive lock by thread %d", m->name, me->tid);
	if (!__atomic_compare_exchange_n(&m->state, &expect, MUTEX_HELD, false,
					 __ATOMIC_ACQUIRE, __ATOMIC_RELAXED)) {
		spin_lock(&m->wait.lock);
		while (__atomic_exchange_n(&m->state, MUTEX_CONTENDED,
					   __ATOMIC_ACQUIRE) != MUTEX_FREE)
			wq_sleep_nokill(&m->wait);
		spin_unlock(&m->wait.lock);
	}
	m->owner = me;
}

bool mutex_trylock(struct mutex *m)
{
	uint32_t expect = MUTEX_FREE;

	if (!__atomic_compare_exchange_n(&m->state, &expect, MUTEX_HELD, false,
					 __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
		return false;
	m->owner = current();
	return true;
}

void mutex_unlock(struct mutex *m)
{
	if (m->owner != current())
		panic("mutex %s: unlocked by thread %d, which does not hold it",
		      m->name, current()->tid);
	m->owner = NULL;
	if (__atomic_exchange_n(&m->state, MUTEX_FREE, __ATOMIC_RELEASE) ==
	    MUTEX_CONTENDED) {
		spin_lock(&m->wait.lock);
		wq_wake_one_locked(&m->wait);
		spin_unlock(&m->wait.lock);
	}
}

bool mutex_holding(const struct mutex *m)
{
	return READ_ONCE(m->owner) == current();
}
