/*
 * wait.c - wait queues and sleeping for a time.
 *
 * wq_sleep(wq, lk): the caller holds lk, the lock that guards the
 * condition it waits for. Joining the queue and becoming SLEEPING happen
 * before lk is released, so a waker, which changes the condition under
 * lk and then wakes the queue, cannot miss the sleeper. Interrupts stay
 * off from joining the queue to the switch.
 *
 * Timed sleep: each hart keeps a list of sleepers sorted by deadline
 * (time-counter units) under its timer lock, and arms its timer for the
 * earliest one (clock_arm_deadline), so a sleeper wakes at its deadline
 * give or take the interrupt latency, not at the next tick.
 *
 * Kills: every sleep but a mutex's and a disk request's
 * (wq_sleep_uninterruptible) can be ended by a kill - of the process
 * (every thread ends) or of the thread alone (another thread of its
 * process execs): thread_killed. kill wakes a
 * sleeper directly (sched_wakeup); the sleeper takes itself off its queue
 * or timer list and returns -EINTR. A kill that lands just before the
 * sleeper becomes SLEEPING finds nothing to wake, so the sleeper checks
 * for one after it has become SLEEPING (sched_sleep_cancel) and then
 * does not sleep at all: no window where a kill is lost.
 *
 * Signals: the _intr sleeps (a system call's waits: console read,
 * wait4, nanosleep, futex, sigsuspend) end also when a signal the
 * thread may take is pending (thread_interrupted: its sig.sigpend
 * word). The sleeper says so in sig.sleep_intr before it becomes
 * SLEEPING; a sender sets sigpend, then (a full fence between) reads
 * sleep_intr and wakes it - the same handshake as a kill's, so a signal
 * is not lost either. A sender may see a stale sleep_intr and wake a
 * killable sleep for nothing: every sleep rechecks its condition.
 */
#include "arch/arch.h"
#include "kernel/clock.h"
#include "kernel/cpu.h"
#include "kernel/panic.h"
#include "proc/proc.h"
#include "uapi/errno.h"

struct sleep_timers {
	struct spinlock lock;
	struct list_node sleepers; /* [lock] by wake_at, earliest first */
};

static struct sleep_timers timers[NCPU];

void sleep_timers_init(void)
{
	for (int h = 0; h < NCPU; h++) {
		spin_init(&timers[h].lock, "sleep.timers");
		list_init(&timers[h].sleepers);
	}
}

void wq_init(struct waitqueue *wq, const char *name)
{
	spin_init(&wq->lock, name);
	list_init(&wq->waiters);
}

/* Put t on this hart's timer list to be woken at deadline (interrupts
 * off; t is becoming SLEEPING). */
static void timer_join(struct thread *t, uint64_t deadline)
{
	struct sleep_timers *st = &timers[cpuid()];
	struct list_node *it;

	spin_lock(&st->lock);
	t->timer_hart = cpuid();
	t->wake_at = deadline;
	/* keep the list sorted: insert before the first later deadline */
	list_for_each(it, &st->sleepers)
		if (list_entry(it, struct thread, timer_link)->wake_at > deadline)
			break;
	list_insert_between(&t->timer_link, it->prev, it);
	spin_unlock(&st->lock);
}

/* Take t off its timer list if the timer has not fired (it woke early,
 * or never slept). */
static void timer_leave(struct thread *t)
{
	struct sleep_timers *st = &timers[t->timer_hart];

	spin_lock(&st->lock);
	if (t->timer_link.next != &t->timer_link)
		list_remove(&t->timer_link);
	spin_unlock(&st->lock);
}

/*
 * The one way a thread goes to sleep on a queue. The caller holds lk,
 * the lock of the condition it waits for (it may be wq's own lock).
 * Joining the queue and becoming SLEEPING happen before lk is released,
 * so a waker cannot miss us; after that a pending kill is checked once
 * more (sched_sleep_cancel), so a kill that came just before we became
 * SLEEPING, and so found nothing to wake, is not lost either.
 */
enum sleep_mode { SLEEP_NOKILL, SLEEP_KILLABLE, SLEEP_INTR };

/* Must a sleep of this mode end now? */
static bool sleep_ended(struct thread *t, enum sleep_mode mode)
{
	if (mode == SLEEP_INTR)
		return thread_interrupted(t);
	return mode == SLEEP_KILLABLE && thread_killed(t);
}

static int sleep_on(struct waitqueue *wq, struct spinlock *lk,
		    enum sleep_mode mode, uint64_t deadline)
{
	struct thread *t = current();
	bool own = lk == &wq->lock, timed = deadline != UINT64_MAX;
	int err = 0;

	assert(spin_holding(lk));
	push_off();
	if (!own)
		spin_lock(&wq->lock);
	WRITE_ONCE(t->sig.sleep_intr, mode == SLEEP_INTR);
	thread_set_state(t, T_SLEEPING);
	t->wq = wq;
	list_push_back(&wq->waiters, &t->wq_link);
	if (!own)
		spin_unlock(&wq->lock);
	/* with a deadline, the first of the queue's wake, the timer and a
	 * kill makes us RUNNABLE; the others find us so and do nothing */
	if (timed)
		timer_join(t, deadline);
	spin_unlock(lk);
	if (mode == SLEEP_NOKILL || !sched_sleep_cancel(t, mode == SLEEP_INTR)) {
		if (timed)
			clock_arm_deadline(deadline);
		schedule();
	}
	pop_off();
	if (timed)
		timer_leave(t);
	/* woken without the queue (kill, timer) or never slept: leave it */
	if (READ_ONCE(t->wq) == wq) {
		spin_lock(&wq->lock);
		if (t->wq == wq) {
			list_remove(&t->wq_link);
			t->wq = NULL;
		}
		spin_unlock(&wq->lock);
	}
	if (sleep_ended(t, mode))
		err = -EINTR;
	spin_lock(lk);
	return err;
}

int wq_sleep(struct waitqueue *wq, struct spinlock *lk)
{
	return sleep_on(wq, lk, SLEEP_KILLABLE, UINT64_MAX);
}

int wq_sleep_intr(struct waitqueue *wq, struct spinlock *lk)
{
	return sleep_on(wq, lk, SLEEP_INTR, UINT64_MAX);
}

void wq_sleep_nokill(struct waitqueue *wq)
{
	sleep_on(wq, &wq->lock, SLEEP_NOKILL, UINT64_MAX);
}

void wq_sleep_uninterruptible(struct waitqueue *wq, struct spinlock *lk)
{
	sleep_on(wq, lk, SLEEP_NOKILL, UINT64_MAX);
}

/* Wake up to max sleepers of wq, whose lock is held. */
static int wq_wake_locked(struct waitqueue *wq, int max)
{
	int n = 0;

	assert(spin_holding(&wq->lock));
	while (n < max && !list_empty(&wq->waiters)) {
		struct thread *t = list_entry(list_pop_front(&wq->waiters),
					      struct thread, wq_link);

		t->wq = NULL;
		if (sched_wakeup(t))
			n++;
	}
	return n;
}

static int wq_wake(struct waitqueue *wq, int max)
{
	int n;

	spin_lock(&wq->lock);
	n = wq_wake_locked(wq, max);
	spin_unlock(&wq->lock);
	return n;
}

int wq_wake_all(struct waitqueue *wq)
{
	return wq_wake(wq, 1 << 30);
}

int wq_wake_one(struct waitqueue *wq)
{
	return wq_wake(wq, 1);
}

int wq_wake_one_locked(struct waitqueue *wq)
{
	return wq_wake_locked(wq, 1);
}

/* Sleep until the time counter reaches deadline; a wake for nothing
 * (a stale sleep_intr seen by a sender) sleeps again. */
static int sleep_until_mode(uint64_t deadline, enum sleep_mode mode)
{
	struct thread *t = current();

	while (deadline > arch_time_counter()) {
		push_off();
		/* SLEEPING before the timer can see us: it wakes us by state */
		WRITE_ONCE(t->sig.sleep_intr, mode == SLEEP_INTR);
		thread_set_state(t, T_SLEEPING);
		timer_join(t, deadline);
		if (!sched_sleep_cancel(t, mode == SLEEP_INTR)) {
			clock_arm_deadline(deadline);
			schedule();
		}
		pop_off();
		timer_leave(t);
		if (sleep_ended(t, mode))
			return -EINTR;
	}
	return sleep_ended(t, mode) ? -EINTR : 0;
}

int sleep_until(uint64_t deadline)
{
	return sleep_until_mode(deadline, SLEEP_KILLABLE);
}

int sleep_until_intr(uint64_t deadline)
{
	return sleep_until_mode(deadline, SLEEP_INTR);
}

int wq_sleep_until(struct waitqueue *wq, struct spinlock *lk,
		   uint64_t deadline)
{
	assert(spin_holding(lk));
	if (deadline <= arch_time_counter())
		return thread_killed(current()) ? -EINTR : 0;
	return sleep_on(wq, lk, SLEEP_KILLABLE, deadline);
}

int wq_sleep_until_intr(struct waitqueue *wq, struct spinlock *lk,
			uint64_t deadline)
{
	assert(spin_holding(lk));
	if (deadline <= arch_time_counter())
		return thread_interrupted(current()) ? -EINTR : 0;
	return sleep_on(wq, lk, SLEEP_INTR, deadline);
}

int sleep_ms(uint64_t ms)
{
	return sleep_until(clock_deadline_ns(ms > UINT64_MAX / 1000000
						  ? UINT64_MAX : ms * 1000000));
}

uint64_t sleep_timers_next(int hart)
{
	struct sleep_timers *st = &timers[hart];
	uint64_t when = UINT64_MAX;

	spin_lock(&st->lock);
	if (!list_empty(&st->sleepers))
		when = list_entry(st->sleepers.next, struct thread,
				  timer_link)->wake_at;
	spin_unlock(&st->lock);
	return when;
}

void sleep_timers_expire(int hart)
{
	struct sleep_timers *st = &timers[hart];
	uint64_t now = arch_time_counter();

	/* wake under the lock: a sleeper woken early (kill) takes itself
	 * off this list under the same lock, so the two never race */
	spin_lock(&st->lock);
	while (!list_empty(&st->sleepers)) {
		struct thread *t = list_entry(st->sleepers.next, struct thread,
					      timer_link);

		if (t->wake_at > now)
			break;
		list_remove(&t->timer_link);
		sched_wakeup(t);
	}
	spin_unlock(&st->lock);
}
