/*
 * Host shim of kernel/spinlock.h: the host tests are single-threaded, so
 * a lock only records that it is held, and the checks of the real one
 * (recursive acquire, release by a non-holder) still panic.
 */
#ifndef KITE_KERNEL_SPINLOCK_H
#define KITE_KERNEL_SPINLOCK_H

#include "kernel/panic.h"
#include "kernel/types.h"

struct spinlock {
	int locked;
	const char *name;
};

#define SPINLOCK_INIT(n) { 0, (n) }

static inline void spin_init(struct spinlock *lk, const char *name)
{
	lk->locked = 0;
	lk->name = name;
}

static inline void spin_lock(struct spinlock *lk)
{
	if (lk->locked)
		panic("spinlock %s: recursive acquire", lk->name);
	lk->locked = 1;
}

static inline void spin_unlock(struct spinlock *lk)
{
	if (!lk->locked)
		panic("spinlock %s: release of a free lock", lk->name);
	lk->locked = 0;
}

static inline bool spin_holding(struct spinlock *lk)
{
	return lk->locked;
}

#endif
