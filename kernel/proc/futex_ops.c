/*
 * futex_ops.c - the futex operations that touch two words or a clock:
 * FUTEX_REQUEUE and FUTEX_CMP_REQUEUE, FUTEX_WAKE_OP, the deadlines of
 * timed waits, and futex(2)'s dispatch (futex_op). The table, its keys
 * and locks, and WAIT/WAKE are in futex.c, whose header comment has the
 * model; futex_internal.h is what the two files share.
 *
 * Locks: as futex.c - vmspace (mutex) -> the two buckets, lowest address
 * first (buckets_lock) -> waiter wait queues -> run queues.
 */
#include "arch/arch.h"
#include "kernel/clock.h"
#include "kernel/cpu.h"
#include "kernel/panic.h"
#include "mm/memlayout.h"
#include "mm/vmo.h"
#include "mm/vmspace.h"
#include "proc/futex.h"
#include "proc/proc.h"
#include "futex_internal.h"
#include "uapi/errno.h"
#include "uapi/kite.h"

/*
 * FUTEX_REQUEUE / FUTEX_CMP_REQUEUE (cmpval not NULL): wake up to
 * nr_wake waiters of uaddr, then move up to nr_requeue of the rest to
 * uaddr2's key, without waking them. Each moved waiter takes a
 * reference to its new key's object; the references to the old one are
 * dropped after the buckets are let go. How many were woken or moved,
 * or -EAGAIN (CMP_REQUEUE: the word was not *cmpval), -EINVAL, -EFAULT.
 */
static int futex_requeue(struct vmspace *vs, uint64_t uaddr, uint64_t uaddr2,
			 int nr_wake, int nr_requeue, const uint32_t *cmpval,
			 bool priv)
{
	struct futex_key k1 = { 0 }, k2 = { 0 };
	struct futex_bucket *b1, *b2;
	struct list_node *it, *next;
	uint32_t cur = 0;
	int done = 0, moved = 0, err;

	if (nr_wake < 0 || nr_requeue < 0)
		return -EINVAL;
	err = futex_addr_check(uaddr);
	if (!err)
		err = futex_addr_check(uaddr2);
	if (err)
		return err;
	for (;;) {
		uint32_t *w = NULL;

		mutex_lock(&vs->lock);
		err = futex_key_locked(vs, uaddr, priv, &k1);
		if (!err) {
			err = futex_key_locked(vs, uaddr2, priv, &k2);
			if (err)
				futex_key_put(&k1);
		}
		if (err) {
			mutex_unlock(&vs->lock);
			return err;
		}
		b1 = futex_bucket_of(&k1);
		b2 = futex_bucket_of(&k2);
		futex_buckets_lock(b1, b2);
		if (!cmpval)
			break;
		w = futex_word_peek(vs, uaddr, false);
		if (w) {
			/* now: the page may go once the space is unlocked */
			cur = __atomic_load_n(w, __ATOMIC_ACQUIRE);
			break;
		}
		futex_buckets_unlock(b1, b2);
		err = vm_fault_locked(vs, uaddr, VM_READ, NULL);
		mutex_unlock(&vs->lock);
		futex_key_put(&k1);
		futex_key_put(&k2);
		if (err != VMF_OK)
			return -EFAULT;
	}
	mutex_unlock(&vs->lock);
	if (cmpval && cur != *cmpval) {
		err = -EAGAIN;
		goto out;
	}
	for (it = b1->waiters.next; it != &b1->waiters; it = next) {
		struct futex_q *q = list_entry(it, struct futex_q, link);

		next = it->next;
		if (!futex_key_eq(&q->key, &k1))
			continue;
		if (done < nr_wake) {
			futex_q_wake(b1, q);
		} else if (done - nr_wake < nr_requeue) {
			list_remove(&q->link);
			list_push_back(&b2->waiters, &q->link);
			q->bucket = b2;
			q->key = k2;
			if (k2.kind == FK_SHARED)
				vmo_get((struct vmo *)k2.obj);
			moved++;
		} else {
			break;
		}
		done++;
	}
	err = done;
out:
	futex_buckets_unlock(b1, b2);
	/* the moved waiters' references to the old key go now, unlocked */
	for (; moved > 0; moved--)
		if (k1.kind == FK_SHARED)
			vmo_put((struct vmo *)k1.obj);
	futex_key_put(&k1);
	futex_key_put(&k2);
	return err;
}

/* FUTEX_WAKE_OP's operation on the old value: the new value, or false
 * for an unknown operation. */
static bool wake_op_apply(uint32_t encoded, uint32_t old, uint32_t *val)
{
	int op = (encoded >> 28) & 7;
	int32_t arg = (int32_t)(encoded << 8) >> 20; /* bits 12..23, signed */

	if (encoded & ((uint32_t)FUTEX_OP_OPARG_SHIFT << 28))
		arg = (int32_t)(1U << (arg & 31)); /* as Linux: 0..31 */
	switch (op) {
	case FUTEX_OP_SET: *val = (uint32_t)arg; return true;
	case FUTEX_OP_ADD: *val = old + (uint32_t)arg; return true;
	case FUTEX_OP_OR: *val = old | (uint32_t)arg; return true;
	case FUTEX_OP_ANDN: *val = old & ~(uint32_t)arg; return true;
	case FUTEX_OP_XOR: *val = old ^ (uint32_t)arg; return true;
	}
	return false;
}

/* FUTEX_WAKE_OP's comparison of the old value: 1 true, 0 false, -ENOSYS
 * for an unknown one. */
static int wake_op_cmp(uint32_t encoded, uint32_t old)
{
	int32_t arg = (int32_t)(encoded << 20) >> 20; /* bits 0..11, signed */
	int32_t v = (int32_t)old;

	switch ((encoded >> 24) & 15) {
	case FUTEX_OP_CMP_EQ: return v == arg;
	case FUTEX_OP_CMP_NE: return v != arg;
	case FUTEX_OP_CMP_LT: return v < arg;
	case FUTEX_OP_CMP_LE: return v <= arg;
	case FUTEX_OP_CMP_GT: return v > arg;
	case FUTEX_OP_CMP_GE: return v >= arg;
	}
	return -ENOSYS;
}

/* Wake up to n (at least one, as Linux) waiters of key k in b (locked),
 * whatever their bitset. How many. */
static int wake_key_locked(struct futex_bucket *b, const struct futex_key *k,
			   int n)
{
	struct list_node *it, *next;
	int woken = 0;

	for (it = b->waiters.next; it != &b->waiters; it = next) {
		struct futex_q *q = list_entry(it, struct futex_q, link);

		next = it->next;
		if (!futex_key_eq(&q->key, k))
			continue;
		futex_q_wake(b, q);
		if (++woken >= n)
			break;
	}
	return woken;
}

/*
 * FUTEX_WAKE_OP: atomically apply the operation encoded in op to the
 * word at uaddr2, wake up to nr_wake waiters of uaddr, and if the old
 * value of uaddr2 passes the encoded comparison, up to nr_wake2 of
 * uaddr2 too. How many woke, or -ENOSYS (unknown operation or
 * comparison), -EINVAL, -EFAULT (uaddr2 cannot be written).
 */
static int futex_wake_op(struct vmspace *vs, uint64_t uaddr, uint64_t uaddr2,
			 int nr_wake, int nr_wake2, uint32_t op, bool priv)
{
	struct futex_key k1 = { 0 }, k2 = { 0 };
	struct futex_bucket *b1, *b2;
	uint32_t *w, old, val;
	int woken, cmp, err = futex_addr_check(uaddr);

	if (!err)
		err = futex_addr_check(uaddr2);
	if (err)
		return err;
	for (;;) {
		mutex_lock(&vs->lock);
		err = futex_key_locked(vs, uaddr, priv, &k1);
		if (!err) {
			err = futex_key_locked(vs, uaddr2, priv, &k2);
			if (err)
				futex_key_put(&k1);
		}
		if (err) {
			mutex_unlock(&vs->lock);
			return err;
		}
		b1 = futex_bucket_of(&k1);
		b2 = futex_bucket_of(&k2);
		futex_buckets_lock(b1, b2);
		w = futex_word_peek(vs, uaddr2, true);
		if (w)
			break;
		futex_buckets_unlock(b1, b2);
		err = vm_fault_locked(vs, uaddr2, VM_WRITE, NULL);
		mutex_unlock(&vs->lock);
		futex_key_put(&k1);
		futex_key_put(&k2);
		if (err != VMF_OK)
			return -EFAULT;
	}
	old = __atomic_load_n(w, __ATOMIC_RELAXED);
	do {
		if (!wake_op_apply(op, old, &val))
			break;
	} while (!__atomic_compare_exchange_n(w, &old, val, false,
					      __ATOMIC_SEQ_CST, __ATOMIC_RELAXED));
	mutex_unlock(&vs->lock);
	cmp = wake_op_apply(op, old, &val) ? wake_op_cmp(op, old) : -ENOSYS;
	if (cmp < 0) {
		woken = cmp;
	} else {
		woken = wake_key_locked(b1, &k1, nr_wake);
		if (cmp)
			woken += wake_key_locked(b2, &k2, nr_wake2);
	}
	futex_buckets_unlock(b1, b2);
	futex_key_put(&k1);
	futex_key_put(&k2);
	return woken;
}

/* Time counter value for ns nanoseconds from now, rounded up (never
 * early), saturating at UINT64_MAX. */
static uint64_t counter_after(uint64_t now, uint64_t ns)
{
	uint64_t c = clock_ns_to_counter(ns);

	if (c != UINT64_MAX && clock_counter_to_ns(c) < ns)
		c++;
	return c > UINT64_MAX - now ? UINT64_MAX : now + c;
}

/* The deadline of a futex wait from the user's timespec at utime (0:
 * none): relative on CLOCK_MONOTONIC for FUTEX_WAIT, absolute on
 * CLOCK_MONOTONIC or (realtime) CLOCK_REALTIME for FUTEX_WAIT_BITSET. */
static int futex_deadline(uint64_t utime, bool absolute, bool realtime,
			  uint64_t *deadline)
{
	struct kite_timespec ts;
	uint64_t ns, now = arch_time_counter();

	*deadline = UINT64_MAX;
	if (!utime)
		return 0;
	if (copy_from_user(current()->proc->vm, &ts, utime, sizeof(ts)))
		return -EFAULT;
	if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= (int64_t)NSEC_PER_SEC)
		return -EINVAL;
	if ((uint64_t)ts.tv_sec > (UINT64_MAX - NSEC_PER_SEC) / NSEC_PER_SEC)
		return 0; /* so far off it is never */
	ns = (uint64_t)ts.tv_sec * NSEC_PER_SEC + (uint64_t)ts.tv_nsec;
	if (!absolute) {
		*deadline = counter_after(now, ns);
	} else if (realtime) {
		uint64_t wall = clock_realtime_ns();

		*deadline = ns <= wall ? now : counter_after(now, ns - wall);
	} else {
		uint64_t mono = clock_counter_to_ns(now);

		*deadline = ns <= mono ? now : counter_after(now, ns - mono);
	}
	return 0;
}

long futex_op(uint64_t uaddr, int op, uint32_t val, uint64_t utime,
	      uint64_t uaddr2, uint32_t val3)
{
	struct vmspace *vs = current()->proc->vm;
	int cmd = op & FUTEX_CMD_MASK;
	bool priv = op & FUTEX_PRIVATE_FLAG, realtime = op & FUTEX_CLOCK_REALTIME;
	uint64_t deadline;
	int err;

	/* as Linux: the realtime clock only where a deadline is absolute */
	if (realtime && cmd != FUTEX_WAIT_BITSET &&
	    cmd != FUTEX_WAIT_REQUEUE_PI && cmd != FUTEX_LOCK_PI2)
		return -ENOSYS;
	switch (cmd) {
	case FUTEX_WAIT:
	case FUTEX_WAIT_BITSET:
		err = futex_deadline(utime, cmd == FUTEX_WAIT_BITSET, realtime,
				     &deadline);
		if (err)
			return err;
		if (cmd == FUTEX_WAIT)
			val3 = FUTEX_BITSET_MATCH_ANY;
		if (!val3)
			return -EINVAL;
		return futex_wait(vs, uaddr, val, deadline, val3, priv);
	case FUTEX_WAKE:
		return futex_wake(vs, uaddr, (int)val, priv, FUTEX_BITSET_MATCH_ANY);
	case FUTEX_WAKE_BITSET:
		return futex_wake(vs, uaddr, (int)val, priv, val3);
	case FUTEX_REQUEUE:
		return futex_requeue(vs, uaddr, uaddr2, (int)val, (int)(uint32_t)utime,
				     NULL, priv);
	case FUTEX_CMP_REQUEUE:
		return futex_requeue(vs, uaddr, uaddr2, (int)val, (int)(uint32_t)utime,
				     &val3, priv);
	case FUTEX_WAKE_OP:
		return futex_wake_op(vs, uaddr, uaddr2, (int)val,
				     (int)(uint32_t)utime, val3, priv);
	default:
		/* FUTEX_FD (gone from Linux too) and the priority-inheritance
		 * operations: not in Kite */
		return -ENOSYS;
	}
}
