/*
 * kernel/spinlock.h - spinlocks for short critical sections.
 *
 * Acquiring disables interrupts on this hart (push_off) so an interrupt
 * handler can never deadlock against the code it interrupted; releasing
 * restores them (pop_off). A hart that acquires a lock it holds, or
 * releases one it does not hold, is a kernel bug and panics naming the
 * lock. Never hold a spinlock across anything slow; the lock order is in
 * docs/LOCKING.md.
 */
#ifndef KITE_KERNEL_SPINLOCK_H
#define KITE_KERNEL_SPINLOCK_H

#include "kernel/types.h"

struct cpu;

struct spinlock {
	uint32_t locked;    /* 0 free, 1 held (amoswap) */
	struct cpu *owner;  /* holder, for holding() and error messages */
	const char *name;
};

#define SPINLOCK_INIT(n) { 0, NULL, (n) }

void spin_init(struct spinlock *lk, const char *name);
void spin_lock(struct spinlock *lk);
void spin_unlock(struct spinlock *lk);
/* True if this hart holds lk. Call with interrupts off for a stable answer. */
bool spin_holding(struct spinlock *lk);

#endif
