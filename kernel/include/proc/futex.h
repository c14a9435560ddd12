/*
 * proc/futex.h - fast user-space locking: the futex(2) wait table.
 *
 * A futex is a 32-bit word of user memory. FUTEX_WAIT sleeps while the
 * word holds an expected value; FUTEX_WAKE wakes sleepers on the same
 * word. proc/futex.c has the table, its keys and its locks.
 */
#ifndef KITE_PROC_FUTEX_H
#define KITE_PROC_FUTEX_H

#include "kernel/types.h"

struct vmspace;

/* Boot: the empty table. */
void futex_init(void);
/* futex(uaddr, op, val, timeout or val2, uaddr2, val3) for the calling
 * thread's process: Linux's results and errors. */
long futex_op(uint64_t uaddr, int op, uint32_t val, uint64_t utime,
	      uint64_t uaddr2, uint32_t val3);
/* Wake up to n waiters (n < 1 counts as 1, as Linux's FUTEX_WAKE) of the
 * futex at uaddr in vs whose bitset shares a bit with bitset; priv: the
 * key is (vs, uaddr) whatever the memory (FUTEX_PRIVATE_FLAG). How many
 * woke, or -EINVAL, -EFAULT. May sleep (vs->lock). */
int futex_wake(struct vmspace *vs, uint64_t uaddr, int n, bool priv,
	       uint32_t bitset);
/* The aligned 32-bit word at uaddr in vs, faulted in if needed: 0 or
 * -EFAULT. */
int futex_get_user(struct vmspace *vs, uint64_t uaddr, uint32_t *val);
/* Atomically: if the word at uaddr is expect, make it val. *found gets
 * what was there (so it worked iff *found == expect). 0 or -EFAULT. */
int futex_cmpxchg_user(struct vmspace *vs, uint64_t uaddr, uint32_t expect,
		       uint32_t val, uint32_t *found);

#endif
