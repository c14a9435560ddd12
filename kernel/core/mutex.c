/*
 * mutex.c - sleeping locks (see kernel/mutex.h for the rules).
 *
 * The state (locked, owner) lives under the spinlock of the mutex's own
 * wait queue, so "find it taken, go to sleep" is one step under that
 * lock and an unlock cannot slip between them (wq_sleep joins the queue
 * before it lets the lock go). An unlock wakes one sleeper, which tries
 * again; a thread that comes along meanwhile may take the mutex first
 * (no hand-off), which keeps the fast path to one spinlock round trip.
 */
#include "kernel/cpu.h"
#include "kernel/mutex.h"
#include "kernel/panic.h"
#include "proc/proc.h"

void mutex_init(struct mutex *m, const char *name)
{
	wq_init(&m->wait, name);
	m->locked = false;
	m->owner = NULL;
	m->name = name;
}

void mutex_lock(struct mutex *m)
{
	struct thread *me = current();

	if (READ_ONCE(m->owner) == me)
		panic("mutex %s: recursive lock by thread %d", m->name, me->tid);
	spin_lock(&m->wait.lock);
	while (m->locked)
		wq_sleep_nokill(&m->wait);
	m->locked = true;
	m->owner = me;
	spin_unlock(&m->wait.lock);
}

bool mutex_trylock(struct mutex *m)
{
	bool got = false;

	spin_lock(&m->wait.lock);
	if (!m->locked) {
		m->locked = true;
		m->owner = current();
		got = true;
	}
	spin_unlock(&m->wait.lock);
	return got;
}

void mutex_unlock(struct mutex *m)
{
	spin_lock(&m->wait.lock);
	if (!m->locked || m->owner != current())
		panic("mutex %s: unlocked by thread %d, which does not hold it",
		      m->name, current()->tid);
	m->locked = false;
	m->owner = NULL;
	wq_wake_one_locked(&m->wait);
	spin_unlock(&m->wait.lock);
}

bool mutex_holding(const struct mutex *m)
{
	return READ_ONCE(m->owner) == current();
}
