/*
 * itimer.c - the timer worker, and ITIMER_REAL: SIGALRM to a process
 * when its timer expires (setitimer, getitimer; glibc's alarm() is
 * setitimer).
 *
 * Armed timers (struct ktimer, signal/ktimer.h: ITIMER_REAL here, the
 * POSIX timers of ptimer.c) sit on one list sorted by deadline
 * (time-counter units), under ktimer_lock. A kernel worker ("itimer")
 * sleeps until the earliest deadline - the sleep timers wake it on
 * time, not at the next tick; init starts it at boot, or the first
 * setitimer/timer_settime if that failed - takes every timer whose
 * deadline has passed off the list and fires it, and sleeps again.
 * Arming a timer earlier than the first wakes the worker.
 *
 * ITIMER_REAL fires SIGALRM (SI_KERNEL) and re-arms itself when it is
 * periodic (the next deadline keeps the phase: missed periods are
 * skipped).
 *
 * Locks: proc_lock -> ktimer_lock -> siglock. The worker holds
 * proc_lock while it fires, and a process's last thread takes its
 * timers off the list under proc_lock (itimer_proc_exit_locked), so the
 * worker never sees a process that is gone. ITIMER_REAL survives
 * execve and is not inherited by fork, as Linux's.
 */
#include "arch/arch.h"
#include "kernel/clock.h"
#include "kernel/cpu.h"
#include "kernel/panic.h"
#include "mm/kmalloc.h"
#include "proc/proc.h"
#include "signal/ktimer.h"
#include "signal/signal.h"
#include "uapi/errno.h"

struct spinlock ktimer_lock = SPINLOCK_INIT("itimer");

/* Queue entries the worker gets for real-time timer signals: it cannot
 * allocate while it holds the locks (kmalloc may sleep), so a round of
 * firing that needs them stops, the worker fills the pool, fires the
 * rest and frees what is left. */
#define POOL_MAX 16

static struct {
	struct list_node armed;  /* [ktimer_lock] struct ktimer, by deadline */
	struct waitqueue wq;     /* the worker sleeps here (ktimer_lock) */
	int started;             /* [atomic] 0 no worker, 1 starting/running */
	struct list_node pool;   /* [ktimer_lock] free struct sigqueue */
	int npool;               /* [ktimer_lock] how many */
	bool starved;            /* [ktimer_lock] a fire found the pool empty:
				  * refill, then fire again */
} itimer = {
	.armed = LIST_INIT(itimer.armed),
	.pool = LIST_INIT(itimer.pool),
	.wq = { .lock = SPINLOCK_INIT("itimer.wq"),
		.waiters = LIST_INIT(itimer.wq.waiters) },
};

void ktimer_init(struct ktimer *k, struct proc *p, ktimer_fire_fn fire)
{
	list_init(&k->link);
	k->at = 0;
	k->fire = fire;
	k->proc = p;
}

void ktimer_arm_locked(struct ktimer *k, uint64_t at)
{
	struct list_node *it;

	assert(spin_holding(&ktimer_lock) && !k->at && at);
	k->at = at;
	list_for_each(it, &itimer.armed)
		if (list_entry(it, struct ktimer, link)->at > at)
			break;
	list_insert_between(&k->link, it->prev, it);
	if (itimer.armed.next == &k->link)
		wq_wake_all(&itimer.wq); /* the worker sleeps for less */
}

void ktimer_disarm_locked(struct ktimer *k)
{
	assert(spin_holding(&ktimer_lock));
	if (k->at) {
		list_remove(&k->link);
		k->at = 0;
	}
}

uint64_t ktimer_next(uint64_t at, uint64_t period, uint64_t now,
		     uint64_t *missed)
{
	uint64_t n = now >= at ? (now - at) / period : 0;

	assert(period);
	if (missed)
		*missed = n;
	if (n + 1 > (UINT64_MAX - at) / period)
		return UINT64_MAX;
	return at + (n + 1) * period;
}

struct sigqueue *ktimer_sigqueue_locked(void)
{
	assert(spin_holding(&ktimer_lock));
	if (!itimer.npool) {
		itimer.starved = true;
		return NULL;
	}
	itimer.npool--;
	return list_entry(list_pop_front(&itimer.pool), struct sigqueue, link);
}

/* Fill the pool (no lock held); false if memory ran out. */
static bool pool_refill(void)
{
	for (;;) {
		struct sigqueue *q;

		spin_lock(&ktimer_lock);
		if (itimer.npool >= POOL_MAX) {
			spin_unlock(&ktimer_lock);
			return true;
		}
		spin_unlock(&ktimer_lock);
		q = kmalloc(sizeof(*q));
		if (!q)
			return false;
		spin_lock(&ktimer_lock);
		list_push_back(&itimer.pool, &q->link);
		itimer.npool++;
		spin_unlock(&ktimer_lock);
	}
}

/* Fire every timer whose deadline has passed (until the pool runs
 * out). proc_lock and ktimer_lock held. */
static void expire_locked(uint64_t now)
{
	while (!list_empty(&itimer.armed) && !itimer.starved) {
		struct ktimer *k = list_entry(itimer.armed.next, struct ktimer,
					      link);

		if (k->at > now)
			break;
		list_remove(&k->link);
		k->fire(k, now); /* may arm k again */
	}
}

/* Free what is left in the pool (no lock held): it is filled only for
 * a round that needs it, so nothing stays allocated while timers sleep. */
static void pool_drain(void)
{
	struct list_node spare = LIST_INIT(spare);

	spin_lock(&ktimer_lock);
	while (!list_empty(&itimer.pool))
		list_push_back(&spare, list_pop_front(&itimer.pool));
	itimer.npool = 0;
	spin_unlock(&ktimer_lock);
	while (!list_empty(&spare))
		kfree(list_entry(list_pop_front(&spare), struct sigqueue, link));
}

static int itimer_worker(void *unused)
{
	bool refill = false, fed = true;

	(void)unused;
	for (;;) {
		uint64_t next = UINT64_MAX;

		if (refill)
			fed = pool_refill();
		spin_lock(&proc_lock);
		spin_lock(&ktimer_lock);
		itimer.starved = false;
		expire_locked(arch_time_counter());
		spin_unlock(&proc_lock);
		if (itimer.starved && (!refill || fed)) {
			spin_unlock(&ktimer_lock);
			refill = true;
			continue; /* fill the pool and go on firing */
		}
		if (refill) {
			spin_unlock(&ktimer_lock);
			pool_drain();
			refill = false;
			spin_lock(&ktimer_lock);
		}
		if (itimer.starved) /* out of memory: try again in a tick */
			next = arch_time_counter() + clock_ns_to_counter(NSEC_PER_SEC / clock_hz);
		else if (!list_empty(&itimer.armed))
			next = list_entry(itimer.armed.next, struct ktimer,
					  link)->at;
		if (next == UINT64_MAX)
			wq_sleep(&itimer.wq, &ktimer_lock);
		else
			wq_sleep_until(&itimer.wq, &ktimer_lock, next);
		spin_unlock(&ktimer_lock);
	}
	return 0;
}

int itimer_start(void)
{
	int expect = 0;

	if (__atomic_load_n(&itimer.started, __ATOMIC_ACQUIRE) ||
	    !__atomic_compare_exchange_n(&itimer.started, &expect, 1, false,
					 __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
		return 0;
	if (kernel_worker(itimer_worker, NULL, "itimer")) {
		__atomic_store_n(&itimer.started, 0, __ATOMIC_RELEASE);
		return -ENOMEM;
	}
	return 0;
}

/* ---- ITIMER_REAL ---- */

/* SIGALRM, and the next period. */
static void itimer_real_fire(struct ktimer *k, uint64_t now)
{
	struct proc *p = k->proc;
	struct ksiginfo info = { .signo = SIGALRM, .code = SI_KERNEL };
	uint64_t period = clock_ns_to_counter(p->sig.itimer_interval);
	uint64_t at = k->at;

	k->at = 0;
	if (period)
		ktimer_arm_locked(k, ktimer_next(at, period, now, NULL));
	signal_send_proc_locked(p, SIGALRM, &info);
}

void itimer_proc_init(struct proc *p)
{
	ktimer_init(&p->sig.itimer, p, itimer_real_fire);
	p->sig.itimer_interval = 0;
}

/* What is left of p's timer, in ns (0: disarmed). ktimer_lock held. */
static uint64_t left_locked(struct proc *p, uint64_t now)
{
	uint64_t at = p->sig.itimer.at;

	if (!at)
		return 0;
	if (at <= now)
		return 1; /* due: the worker is on its way */
	return clock_counter_to_ns(at - now);
}

long itimer_real_set(uint64_t value_ns, uint64_t interval_ns,
		     uint64_t *old_value_ns, uint64_t *old_interval_ns)
{
	struct proc *p = current()->proc;
	uint64_t now;

	if (value_ns && itimer_start())
		return -ENOMEM;
	spin_lock(&ktimer_lock);
	now = arch_time_counter();
	*old_value_ns = left_locked(p, now);
	*old_interval_ns = p->sig.itimer_interval;
	ktimer_disarm_locked(&p->sig.itimer);
	p->sig.itimer_interval = value_ns ? interval_ns : 0;
	if (value_ns)
		ktimer_arm_locked(&p->sig.itimer, clock_deadline_ns(value_ns));
	spin_unlock(&ktimer_lock);
	return 0;
}

void itimer_real_get(uint64_t *value_ns, uint64_t *interval_ns)
{
	struct proc *p = current()->proc;

	spin_lock(&ktimer_lock);
	*value_ns = left_locked(p, arch_time_counter());
	*interval_ns = p->sig.itimer_interval;
	spin_unlock(&ktimer_lock);
}

void itimer_proc_exit_locked(struct proc *p)
{
	assert(spin_holding(&proc_lock));
	spin_lock(&ktimer_lock);
	ktimer_disarm_locked(&p->sig.itimer);
	ptimer_proc_exit_locked(p);
	spin_unlock(&ktimer_lock);
}
