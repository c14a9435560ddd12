/*
 * ptimer.c - POSIX timers: timer_create, timer_settime, timer_gettime,
 * timer_getoverrun and timer_delete (docs/SIGNALS.md), on the timer
 * worker and armed list of itimer.c (signal/ktimer.h).
 *
 * A process has up to PTIMER_MAX timers, in a table indexed by timer id
 * (the lowest free id, from 0, as Linux's ids start; allocated with the
 * first timer). A timer measures CLOCK_REALTIME (and TAI),
 * CLOCK_MONOTONIC or CLOCK_BOOTTIME (one clock on Kite), or the CPU time
 * of the process or of one of its threads (in whole ticks: the worker
 * looks at such a timer every tick while it is armed), and notifies by
 * SIGEV_SIGNAL (its signal to the process), SIGEV_THREAD_ID (to one of
 * its threads: glibc's SIGEV_THREAD helper), or SIGEV_NONE (nothing:
 * timer_gettime only).
 *
 * States of a timer with a signal:
 *
 *   disarmed ──settime──> armed (on the list, k.at = expires)
 *      ▲                    │ due: the worker fires it
 *      │ one shot           ▼
 *      └─── delivered <── parked (queued: its signal, si_code SI_TIMER,
 *             │            waits to be taken; off the list)
 *             └ periodic: armed again at the next period after now; the
 *               periods that passed meanwhile are the signal's overrun
 *
 * So a timer has at most one signal pending, as on Linux, and a blocked
 * or slow signal costs the worker nothing. The thread that takes the
 * signal (delivery or sigtimedwait: ptimer_delivered) sets si_overrun
 * and arms the timer again. A signal that is dropped (ignored, or a
 * standard signal already pending) leaves the timer armed for its next
 * period, at least a tick ahead. settime and delete start a new
 * "arming" (seq): a signal of an older one still pending is delivered,
 * overrun 0, and changes nothing.
 *
 * Locks: the table and every field of the timers but the [const] ones
 * are under ktimer_lock (proc_lock -> ktimer_lock -> siglock); the
 * worker fires with proc_lock and ktimer_lock held, and the calls take
 * proc_lock too where a CPU clock is read (its thread list). Timers go at execve
 * (ptimer_free_all) and when the process is reaped; its last thread
 * takes them off the list first (ptimer_proc_exit_locked).
 */
#include "arch/arch.h"
#include "kernel/clock.h"
#include "kernel/cpu.h"
#include "kernel/panic.h"
#include "lib/string.h"
#include "mm/kmalloc.h"
#include "mm/vmspace.h"
#include "proc/proc.h"
#include "signal/ktimer.h"
#include "signal/signal.h"
#include "syscall/syscall.h"
#include "uapi/errno.h"
#include "uapi/kite.h"
#include "uapi/linux.h"

#define PTIMER_MAX 64 /* timers per process (Linux: as many as
		       * RLIMIT_SIGPENDING); one more is -EAGAIN */

/* struct sigevent's notify values (SIGEV_THREAD_ID is or'ed with
 * SIGEV_SIGNAL, 0) */
#define SIGEV_SIGNAL 0
#define SIGEV_NONE 1
#define SIGEV_THREAD 2
#define SIGEV_THREAD_ID 4

/* struct sigevent (64 bytes) */
struct kite_sigevent {
	uint64_t value;   /* sigev_value */
	int32_t signo;
	int32_t notify;
	int32_t tid;      /* SIGEV_THREAD_ID */
	int32_t pad[11];
};

struct kite_itimerspec {
	struct kite_timespec interval, value;
};

struct ptimer {
	struct ktimer k;       /* on the armed list while armed */
	int id;                /* [const] */
	int clock;             /* [const] CLOCK_REALTIME, CLOCK_MONOTONIC,
				* CLOCK_PROCESS_CPUTIME_ID (the process's
				* CPU time) or CLOCK_THREAD_CPUTIME_ID
				* (thread cpu_tid's) */
	int cpu_tid;           /* [const] */
	int notify;            /* [const] SIGEV_SIGNAL, _NONE, _THREAD_ID */
	int signo;             /* [const] */
	int tid;               /* [const] SIGEV_THREAD_ID's thread */
	uint64_t value;        /* [const] si_value */
	uint64_t expires;      /* [ktimer_lock] the deadline, armed or parked,
				* in the timer's units: the time counter, or
				* ns of CPU time; 0: disarmed */
	uint64_t interval;     /* [ktimer_lock] period (the same units), 0:
				* one shot */
	uint64_t interval_ns;  /* [ktimer_lock] the same as it was given */
	uint64_t seq;          /* [ktimer_lock] this arming's number, never
				* 0 (a forged SI_TIMER has 0) */
	bool queued;           /* [ktimer_lock] parked: its signal waits */
	int overrun_last;      /* [ktimer_lock] timer_getoverrun */
};

static struct vmspace *uvm(void)
{
	return current()->proc->vm;
}

static uint64_t seq_next; /* [ktimer_lock] */

static struct kite_timespec ts_of_ns(uint64_t ns)
{
	struct kite_timespec ts = { (int64_t)(ns / NSEC_PER_SEC),
				    (int64_t)(ns % NSEC_PER_SEC) };
	return ts;
}

static uint64_t tick_counter(void)
{
	return clock_ns_to_counter(NSEC_PER_SEC / clock_hz);
}

static bool ptimer_cpu(const struct ptimer *pt)
{
	return pt->clock == CLOCK_PROCESS_CPUTIME_ID ||
	       pt->clock == CLOCK_THREAD_CPUTIME_ID;
}

/* Now in pt's units: the time counter, or the CPU time (ns, whole
 * ticks) of its process or thread; false if that thread is gone.
 * proc_lock held (the thread list). */
static bool ptimer_now_locked(const struct ptimer *pt, uint64_t *now)
{
	struct proc *p = pt->k.proc;
	struct list_node *it;
	struct thread *t;
	uint64_t ticks;

	assert(spin_holding(&proc_lock));
	if (!ptimer_cpu(pt)) {
		*now = arch_time_counter();
		return true;
	}
	if (pt->clock == CLOCK_THREAD_CPUTIME_ID) {
		t = thread_lookup_locked(pt->cpu_tid);
		if (!t || t->proc != p)
			return false;
		ticks = READ_ONCE(t->ticks);
	} else {
		ticks = __atomic_load_n(&p->ticks, __ATOMIC_RELAXED);
		list_for_each(it, &p->threads)
			ticks += READ_ONCE(list_entry(it, struct thread, proc_link)->ticks);
	}
	*now = ticks * (NSEC_PER_SEC / clock_hz);
	return true;
}

/* pt (with a deadline) on the list for its next look: at its deadline,
 * or, on a CPU clock, at the next tick (CPU time moves at ticks only:
 * the worker polls it). ktimer_lock held. */
static void ptimer_arm_locked(struct ptimer *pt)
{
	ktimer_arm_locked(&pt->k, ptimer_cpu(pt) ? arch_time_counter() + tick_counter()
						 : pt->expires);
}

/* ---- firing ---- */

/* The worker: t is due. Send its signal and park it, or (dropped) arm
 * it for its next period. proc_lock and ktimer_lock held. */
static void ptimer_fire(struct ktimer *k, uint64_t when)
{
	struct ptimer *pt = container_of(k, struct ptimer, k);
	uint64_t now;
	struct proc *p = k->proc;
	struct ksiginfo info = { .signo = pt->signo, .code = SI_TIMER,
				 .pid = pt->id, .addr = pt->value,
				 .utime = pt->seq };
	struct thread *t = NULL;
	struct sigqueue *q = NULL;
	int r = 0;

	k->at = 0;
	if (!ptimer_now_locked(pt, &now)) {
		pt->expires = 0; /* its thread is gone: the timer stops */
		return;
	}
	if (now < pt->expires) { /* a CPU clock short of its deadline */
		ptimer_arm_locked(pt);
		return;
	}
	if (pt->signo >= SIGRTMIN_KERNEL && !(q = ktimer_sigqueue_locked())) {
		ktimer_arm_locked(k, when); /* fired again after a refill */
		return;
	}
	if (pt->notify == SIGEV_THREAD_ID) {
		t = thread_lookup_locked(pt->tid);
		if (!t || t->proc != p)
			t = NULL; /* the thread is gone: nobody to tell */
	}
	if (pt->notify != SIGEV_THREAD_ID || t)
		r = signal_send_queued_locked(p, t, pt->signo, &info, q);
	else
		kfree(q);
	if (r > 0) {
		pt->queued = true; /* parked until it is taken */
		return;
	}
	if (!pt->interval) {
		pt->expires = 0;
		return;
	}
	pt->expires = ktimer_next(pt->expires, pt->interval,
				  ptimer_cpu(pt) ? now : now + tick_counter(), NULL);
	ptimer_arm_locked(pt);
}

void ptimer_delivered(struct ksiginfo *info)
{
	struct proc *p = current()->proc;
	struct ptimer *pt;
	uint64_t missed = 0, now;

	assert(info->code == SI_TIMER);
	spin_lock(&proc_lock); /* a CPU clock's time */
	spin_lock(&ktimer_lock);
	/* a kernel one: status (si_overrun) 0 until set here */
	if (info->utime == 0 || info->pid < 0 || info->pid >= PTIMER_MAX ||
	    !p->sig.ptimers || !(pt = p->sig.ptimers[info->pid]) ||
	    pt->seq != info->utime || !pt->queued)
		goto out; /* forged, or of a timer since set again or gone */
	pt->queued = false;
	if (pt->interval && ptimer_now_locked(pt, &now)) {
		pt->expires = ktimer_next(pt->expires, pt->interval, now, &missed);
		ptimer_arm_locked(pt);
	} else {
		pt->expires = 0;
	}
	pt->overrun_last = missed > INT32_MAX ? INT32_MAX : (int)missed;
	info->status = pt->overrun_last;
out:
	spin_unlock(&ktimer_lock);
	spin_unlock(&proc_lock);
}

/* ---- the table ---- */

void ptimer_proc_exit_locked(struct proc *p)
{
	assert(spin_holding(&ktimer_lock));
	if (!p->sig.ptimers)
		return;
	for (int i = 0; i < PTIMER_MAX; i++)
		if (p->sig.ptimers[i])
			ktimer_disarm_locked(&p->sig.ptimers[i]->k);
}

void ptimer_free_all(struct proc *p)
{
	struct ptimer **table;

	spin_lock(&ktimer_lock);
	table = p->sig.ptimers;
	p->sig.ptimers = NULL;
	if (table)
		for (int i = 0; i < PTIMER_MAX; i++)
			if (table[i])
				ktimer_disarm_locked(&table[i]->k);
	spin_unlock(&ktimer_lock);
	if (!table)
		return;
	for (int i = 0; i < PTIMER_MAX; i++)
		kfree(table[i]);
	kfree(table);
}

/* The caller's timer id, or NULL. ktimer_lock held. */
static struct ptimer *ptimer_find_locked(int64_t id)
{
	struct ptimer **table = current()->proc->sig.ptimers;

	if (id < 0 || id >= PTIMER_MAX || !table)
		return NULL;
	return table[id];
}

/* The event of timer_create (NULL: SIGALRM to the process, with the
 * id as its value), checked as Linux's good_sigevent. */
static int event_check(struct ptimer *pt, uint64_t uevent)
{
	struct kite_sigevent ev;
	struct thread *t;

	if (!uevent) { /* its value: the id (timer_create) */
		pt->notify = SIGEV_SIGNAL;
		pt->signo = SIGALRM;
		return 0;
	}
	if (copy_from_user(uvm(), &ev, uevent, sizeof(ev)))
		return -EFAULT;
	switch (ev.notify) {
	case SIGEV_SIGNAL | SIGEV_THREAD_ID:
		spin_lock(&proc_lock);
		t = thread_lookup_locked(ev.tid);
		t = t && t->proc == current()->proc ? t : NULL;
		spin_unlock(&proc_lock);
		if (!t)
			return -EINVAL;
		/* fall through */
	case SIGEV_SIGNAL:
	case SIGEV_THREAD: /* glibc makes its threads; to the kernel, a signal */
		if (ev.signo <= 0 || ev.signo > SIGRTMAX_KERNEL)
			return -EINVAL;
		/* fall through */
	case SIGEV_NONE:
		break;
	default:
		return -EINVAL;
	}
	pt->notify = ev.notify == SIGEV_THREAD ? SIGEV_SIGNAL : ev.notify;
	pt->signo = ev.signo;
	pt->tid = ev.tid;
	pt->value = ev.value;
	return 0;
}

/* The clock a timer measures: *clock and, for a thread's CPU clock,
 * *tid. CPU clocks: the caller's process (CLOCK_PROCESS_CPUTIME_ID, or
 * the CPU clock id of pid 0 or its own pid) or one of its threads
 * (CLOCK_THREAD_CPUTIME_ID: the caller); another process's is -EINVAL
 * (Linux allows it). The clocks Linux cannot time: -EOPNOTSUPP; the
 * rest -EINVAL. */
static int timer_clock(int64_t clk, int *clock, int *tid)
{
	struct thread *me = current(), *t;
	int64_t pid;
	int err = 0;

	switch (clk) {
	case CLOCK_REALTIME:
	case CLOCK_TAI:
		*clock = CLOCK_REALTIME;
		return 0;
	case CLOCK_MONOTONIC:
	case CLOCK_BOOTTIME:
		*clock = CLOCK_MONOTONIC;
		return 0;
	case CLOCK_PROCESS_CPUTIME_ID:
		*clock = CLOCK_PROCESS_CPUTIME_ID;
		return 0;
	case CLOCK_THREAD_CPUTIME_ID:
		*clock = CLOCK_THREAD_CPUTIME_ID;
		*tid = me->tid;
		return 0;
	case CLOCK_MONOTONIC_RAW:
	case CLOCK_REALTIME_COARSE:
	case CLOCK_MONOTONIC_COARSE:
		return -EOPNOTSUPP;
	}
	if (clk >= 0 || CPUCLOCK_TYPE(clk) >= CPUCLOCK_TYPE_MAX)
		return -EINVAL;
	pid = (~clk) >> 3; /* CPUCLOCK_PID, without shifting a negative value */
	if (!CPUCLOCK_PERTHREAD(clk)) {
		if (pid != 0 && pid != me->proc->pid)
			return -EINVAL;
		*clock = CLOCK_PROCESS_CPUTIME_ID;
		return 0;
	}
	*clock = CLOCK_THREAD_CPUTIME_ID;
	*tid = pid == 0 ? me->tid : (int)pid;
	if (pid < 0 || pid > INT32_MAX)
		return -EINVAL;
	spin_lock(&proc_lock);
	t = thread_lookup_locked(*tid);
	if (!t || t->proc != me->proc)
		err = -EINVAL;
	spin_unlock(&proc_lock);
	return err;
}

/* timer_create(clock, sevp, timerid): a disarmed timer; its id to
 * *timerid. -EAGAIN past PTIMER_MAX timers (or out of memory). */
SYSCALL(timer_create)
{
	struct proc *p = current()->proc;
	struct ptimer *pt = kzalloc(sizeof(*pt)), **table = NULL;
	int clock, tid = 0, id, err;

	if (!pt)
		return -EAGAIN;
	err = timer_clock((int32_t)tf->a0, &clock, &tid);
	if (!err)
		err = event_check(pt, tf->a1);
	if (err)
		goto fail;
	if (!p->sig.ptimers && !(table = kzalloc(PTIMER_MAX * sizeof(*table)))) {
		err = -EAGAIN;
		goto fail;
	}
	ktimer_init(&pt->k, p, ptimer_fire);
	pt->clock = clock;
	pt->cpu_tid = tid;
	spin_lock(&ktimer_lock);
	if (!p->sig.ptimers) {
		p->sig.ptimers = table;
		table = NULL;
	}
	for (id = 0; id < PTIMER_MAX && p->sig.ptimers[id]; id++)
		;
	if (id < PTIMER_MAX) {
		pt->id = id;
		if (!tf->a1)
			pt->value = (uint64_t)id; /* the default event's value */
		p->sig.ptimers[id] = pt;
	}
	spin_unlock(&ktimer_lock);
	kfree(table);
	if (id == PTIMER_MAX) {
		err = -EAGAIN;
		goto fail;
	}
	if (!copy_to_user(uvm(), tf->a2, &id, sizeof(id)))
		return 0;
	err = -EFAULT;
	spin_lock(&ktimer_lock);
	if (p->sig.ptimers[id] == pt) { /* (another thread may have deleted it) */
		ktimer_disarm_locked(&pt->k);
		p->sig.ptimers[id] = NULL;
	} else {
		pt = NULL;
	}
	spin_unlock(&ktimer_lock);
fail:
	kfree(pt);
	return err;
}

/* What is left of pt and its period, as timer_gettime says it.
 * ktimer_lock held. */
static void ptimer_get_locked(struct ptimer *pt, struct kite_itimerspec *cur)
{
	uint64_t now, at = pt->expires, left = 0;

	if (!ptimer_now_locked(pt, &now))
		at = 0; /* its thread is gone */
	/* a parked or SIGEV_NONE periodic timer is past `expires`: its
	 * next period is what is left */
	if (at && at <= now && pt->interval)
		at = ktimer_next(at, pt->interval, now, NULL);
	if (at > now)
		left = ptimer_cpu(pt) ? at - now : clock_counter_to_ns(at - now);
	else if (at && pt->notify != SIGEV_NONE && !pt->queued)
		left = 1; /* due: the worker is on its way */
	*cur = (struct kite_itimerspec){ ts_of_ns(pt->interval_ns),
					 ts_of_ns(left) };
}

/* timer_settime(id, flags, new, old): arm (it_value > 0: relative, or
 * the clock's time with TIMER_ABSTIME; a time past fires at once) or
 * disarm (0) the timer; old (if not NULL) gets what timer_gettime said
 * before. A signal of the old arming still pending is not taken back
 * (it comes, with overrun 0); the overrun count starts again. */
SYSCALL(timer_settime)
{
	struct kite_itimerspec nv, ov;
	uint64_t value, interval, now_ns, real_ns, mono_ns, deadline = 0;
	struct ptimer *pt;
	int err;

	if (!tf->a2)
		return -EINVAL;
	if (copy_from_user(uvm(), &nv, tf->a2, sizeof(nv)))
		return -EFAULT;
	if ((err = timespec_to_ns(&nv.value, &value)) ||
	    (err = timespec_to_ns(&nv.interval, &interval)))
		return err;
	if (value && itimer_start())
		return -ENOMEM;
	/* the clocks are read without the lock (the RTC) */
	real_ns = clock_realtime_ns();
	mono_ns = clock_monotonic_ns();
	spin_lock(&proc_lock); /* a CPU clock's time */
	spin_lock(&ktimer_lock);
	pt = ptimer_find_locked((int32_t)tf->a0);
	err = !pt ? -EINVAL : ptimer_cpu(pt) && !ptimer_now_locked(pt, &now_ns) ? -ESRCH : 0;
	if (err) {
		spin_unlock(&ktimer_lock);
		spin_unlock(&proc_lock);
		return err;
	}
	if (ptimer_cpu(pt)) { /* in ns of CPU time */
		if (value)
			deadline = (tf->a1 & TIMER_ABSTIME) ? value
				: now_ns + MIN(value, UINT64_MAX - now_ns);
	} else {
		now_ns = pt->clock == CLOCK_REALTIME ? real_ns : mono_ns;
		if (value && (tf->a1 & TIMER_ABSTIME))
			deadline = value > now_ns ? clock_deadline_ns(value - now_ns)
						  : arch_time_counter();
		else if (value)
			deadline = clock_deadline_ns(value);
	}
	ptimer_get_locked(pt, &ov);
	ktimer_disarm_locked(&pt->k);
	pt->queued = false;
	pt->seq = ++seq_next;
	pt->overrun_last = 0;
	pt->expires = deadline;
	pt->interval = !value ? 0 : ptimer_cpu(pt) ? interval : clock_ns_to_counter(interval);
	pt->interval_ns = value ? interval : 0;
	if (pt->interval == 0 && pt->interval_ns)
		pt->interval = 1; /* below the counter's period: as fast as it goes */
	if (deadline && pt->notify != SIGEV_NONE)
		ptimer_arm_locked(pt);
	spin_unlock(&ktimer_lock);
	spin_unlock(&proc_lock);
	if (tf->a3 && copy_to_user(uvm(), tf->a3, &ov, sizeof(ov)))
		return -EFAULT;
	return 0;
}

/* timer_gettime(id, cur): the time to the next expiry (0: disarmed) and
 * the period. */
SYSCALL(timer_gettime)
{
	struct kite_itimerspec cur;
	struct ptimer *pt;

	spin_lock(&proc_lock); /* a CPU clock's time */
	spin_lock(&ktimer_lock);
	pt = ptimer_find_locked((int32_t)tf->a0);
	if (pt)
		ptimer_get_locked(pt, &cur);
	spin_unlock(&ktimer_lock);
	spin_unlock(&proc_lock);
	if (!pt)
		return -EINVAL;
	return copy_to_user(uvm(), tf->a1, &cur, sizeof(cur));
}

/* timer_getoverrun(id): the overrun count of the timer's last signal
 * taken (expirations that signal stood for, beyond the first). */
SYSCALL(timer_getoverrun)
{
	struct ptimer *pt;
	int n = 0;

	spin_lock(&ktimer_lock);
	pt = ptimer_find_locked((int32_t)tf->a0);
	if (pt)
		n = pt->overrun_last;
	spin_unlock(&ktimer_lock);
	return pt ? n : -EINVAL;
}

/* timer_delete(id): disarmed and gone; its id is free again. */
SYSCALL(timer_delete)
{
	struct proc *p = current()->proc;
	struct ptimer *pt;

	spin_lock(&ktimer_lock);
	pt = ptimer_find_locked((int32_t)tf->a0);
	if (pt) {
		ktimer_disarm_locked(&pt->k);
		p->sig.ptimers[pt->id] = NULL;
	}
	spin_unlock(&ktimer_lock);
	if (!pt)
		return -EINVAL;
	kfree(pt);
	return 0;
}
