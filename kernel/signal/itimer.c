/*
 * itimer.c - ITIMER_REAL: SIGALRM to a process when its timer expires
 * (setitimer, getitimer; glibc's alarm() is setitimer).
 *
 * Armed timers sit on one list sorted by deadline (time-counter units),
 * under itimer.lock. A kernel worker ("itimer") sleeps until the earliest deadline - the sleep timers wake
 * it on time, not at the next tick; init starts it at boot, or the
 * first setitimer if that failed) - sends SIGALRM to every process
 * whose deadline has passed, re-arms the periodic ones (the next
 * deadline keeps the phase: missed periods are skipped) and sleeps
 * again. Arming a timer earlier than the first wakes the worker.
 *
 * Locks: proc_lock -> itimer.lock -> siglock. The worker holds
 * proc_lock while it sends, and a process's last thread takes its timer
 * off the list under proc_lock (itimer_proc_exit_locked), so the worker
 * never sees a process that is gone. A timer survives execve and is not
 * inherited by fork, as Linux's.
 */
#include "arch/arch.h"
#include "kernel/clock.h"
#include "kernel/cpu.h"
#include "kernel/panic.h"
#include "proc/proc.h"
#include "signal/signal.h"
#include "uapi/errno.h"

static struct {
	struct spinlock lock;
	struct list_node armed;  /* [lock] proc_signal.itimer_link, by deadline */
	struct waitqueue wq;     /* the worker sleeps here (lock) */
	int started;             /* [atomic] 0 no worker, 1 starting/running */
} itimer = {
	.lock = SPINLOCK_INIT("itimer"),
	.armed = LIST_INIT(itimer.armed),
	.wq = { .lock = SPINLOCK_INIT("itimer.wq"),
		.waiters = LIST_INIT(itimer.wq.waiters) },
};

/* Put p on the list in deadline order; true if it is now first. */
static bool arm_locked(struct proc *p)
{
	struct list_node *it;

	list_for_each(it, &itimer.armed)
		if (list_entry(it, struct proc, sig.itimer_link)->sig.itimer_at >
		    p->sig.itimer_at)
			break;
	list_insert_between(&p->sig.itimer_link, it->prev, it);
	return itimer.armed.next == &p->sig.itimer_link;
}

static void disarm_locked(struct proc *p)
{
	if (p->sig.itimer_at) {
		list_remove(&p->sig.itimer_link);
		p->sig.itimer_at = 0;
	}
}

/* Send SIGALRM to every process whose deadline has passed. proc_lock
 * and itimer.lock held. */
static void expire_locked(uint64_t now)
{
	while (!list_empty(&itimer.armed)) {
		struct proc *p = list_entry(itimer.armed.next, struct proc,
					    sig.itimer_link);
		struct ksiginfo info = { .signo = SIGALRM, .code = SI_KERNEL };
		uint64_t period;

		if (p->sig.itimer_at > now)
			break;
		list_remove(&p->sig.itimer_link);
		period = clock_ns_to_counter(p->sig.itimer_interval);
		if (period) {
			uint64_t late = now - p->sig.itimer_at;

			/* the next deadline after now, in phase */
			p->sig.itimer_at += (late / period + 1) * period;
			arm_locked(p);
		} else {
			p->sig.itimer_at = 0;
		}
		signal_send_proc_locked(p, SIGALRM, &info);
	}
}

static int itimer_worker(void *unused)
{
	(void)unused;
	for (;;) {
		uint64_t next = UINT64_MAX;

		spin_lock(&proc_lock);
		spin_lock(&itimer.lock);
		expire_locked(arch_time_counter());
		spin_unlock(&proc_lock);
		if (!list_empty(&itimer.armed))
			next = list_entry(itimer.armed.next, struct proc,
					  sig.itimer_link)->sig.itimer_at;
		if (next == UINT64_MAX)
			wq_sleep(&itimer.wq, &itimer.lock);
		else
			wq_sleep_until(&itimer.wq, &itimer.lock, next);
		spin_unlock(&itimer.lock);
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

/* What is left of p's timer, in ns (0: disarmed). itimer.lock held. */
static uint64_t left_locked(struct proc *p, uint64_t now)
{
	if (!p->sig.itimer_at)
		return 0;
	if (p->sig.itimer_at <= now)
		return 1; /* due: the worker is on its way */
	return clock_counter_to_ns(p->sig.itimer_at - now);
}

long itimer_real_set(uint64_t value_ns, uint64_t interval_ns,
		     uint64_t *old_value_ns, uint64_t *old_interval_ns)
{
	struct proc *p = current()->proc;
	uint64_t now;
	bool first = false;

	if (value_ns && itimer_start())
		return -ENOMEM;
	spin_lock(&itimer.lock);
	now = arch_time_counter();
	*old_value_ns = left_locked(p, now);
	*old_interval_ns = p->sig.itimer_interval;
	disarm_locked(p);
	p->sig.itimer_interval = value_ns ? interval_ns : 0;
	if (value_ns) {
		p->sig.itimer_at = clock_deadline_ns(value_ns);
		first = arm_locked(p);
	}
	if (first)
		wq_wake_all(&itimer.wq);
	spin_unlock(&itimer.lock);
	return 0;
}

void itimer_real_get(uint64_t *value_ns, uint64_t *interval_ns)
{
	struct proc *p = current()->proc;

	spin_lock(&itimer.lock);
	*value_ns = left_locked(p, arch_time_counter());
	*interval_ns = p->sig.itimer_interval;
	spin_unlock(&itimer.lock);
}

void itimer_proc_exit_locked(struct proc *p)
{
	assert(spin_holding(&proc_lock));
	spin_lock(&itimer.lock);
	disarm_locked(p);
	spin_unlock(&itimer.lock);
}
