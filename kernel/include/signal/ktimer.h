/*
 * signal/ktimer.h - the timers that send signals: one sorted list of
 * armed timers and one kernel worker (itimer.c), shared by ITIMER_REAL
 * (itimer.c) and the POSIX timers (ptimer.c).
 *
 * A struct ktimer is armed when it is on the list: `at` is its deadline
 * in time-counter units. The worker ("itimer") sleeps until the first
 * deadline (the per-hart sleep timers wake it on time), takes each
 * timer that is due off the list and calls its fire function, which
 * sends its signal and may arm it again. Arming a timer ahead of the
 * first wakes the worker.
 *
 * Locks: proc_lock -> ktimer_lock -> siglock -> waitqueue locks. The
 * worker holds proc_lock and ktimer_lock while it fires, so a process's
 * last thread, which disarms its timers under proc_lock
 * (itimer_proc_exit_locked), never races with a fire.
 */
#ifndef KITE_SIGNAL_KTIMER_H
#define KITE_SIGNAL_KTIMER_H

#include "kernel/spinlock.h"
#include "kernel/types.h"
#include "lib/list.h"

struct proc;
struct ktimer;
struct sigqueue;

/* A due timer k, off the list: send, re-arm (ktimer_arm_locked) or not.
 * now: the time counter. proc_lock and ktimer_lock held. */
typedef void (*ktimer_fire_fn)(struct ktimer *k, uint64_t now);

struct ktimer {
	struct list_node link;   /* [ktimer_lock] on the armed list */
	uint64_t at;             /* [ktimer_lock] the deadline (time counter)
				  * while armed; 0: not on the list */
	ktimer_fire_fn fire;     /* [const] */
	struct proc *proc;       /* [const] whose timer */
};

extern struct spinlock ktimer_lock;

/* k as a disarmed timer of p that calls fire. */
void ktimer_init(struct ktimer *k, struct proc *p, ktimer_fire_fn fire);
/* Arm k (disarmed) for deadline at (time counter, > 0). ktimer_lock
 * held. */
void ktimer_arm_locked(struct ktimer *k, uint64_t at);
/* Take k off the list if it is on it. ktimer_lock held. */
void ktimer_disarm_locked(struct ktimer *k);
/* The next deadline of a periodic timer that was due at `at`, after
 * now, in phase (missed periods skipped); *missed: how many periods
 * passed after the one at `at` (NULL: not wanted). period in counter
 * units, > 0. */
uint64_t ktimer_next(uint64_t at, uint64_t period, uint64_t now,
		     uint64_t *missed);
/* A queue entry for a real-time timer signal, from the worker's pool;
 * NULL if it is empty (the fire must leave its timer due: the worker
 * refills the pool and fires it again). ktimer_lock held. */
struct sigqueue *ktimer_sigqueue_locked(void);

#endif
