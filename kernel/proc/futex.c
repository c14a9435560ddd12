/*
 * futex.c - the futex wait table (futex(2): WAIT, WAKE, the bitset forms,
 * REQUEUE, CMP_REQUEUE and WAKE_OP; timeouts relative or absolute, on
 * CLOCK_MONOTONIC or CLOCK_REALTIME). The priority-inheritance
 * operations are not here (-ENOSYS).
 *
 * Keys. A waiter is filed under a key that names the word for everyone
 * who can reach it:
 *   - private memory (FUTEX_PRIVATE_FLAG, and any futex in memory that
 *     is not MAP_SHARED): (address space, user address). Threads of one
 *     process, and processes sharing a space through CLONE_VM, meet.
 *     As in Linux, the two are kept apart (the key's kind): a wake
 *     without FUTEX_PRIVATE_FLAG does not wake a private waiter, and
 *     the reverse.
 *   - MAP_SHARED memory: (memory object, byte offset in it), whatever
 *     address each process maps it at. Not the physical address: a
 *     shared object's frames can be swapped out and come back in another
 *     frame (mm/vmo.h), so a frame is no stable name for a word, while
 *     the object and offset are. A queued waiter holds a reference to
 *     the object, so the key cannot be reused while it waits.
 *
 * Table. FUTEX_BUCKETS buckets, each a spinlock and a list of waiters
 * (struct futex_q, on the waiter's stack), hashed by key. A waiter
 * sleeps on a wait queue of its own inside its futex_q, with its
 * bucket's lock as the condition lock (wq_sleep_until), so the wake,
 * the timer and a kill are the three ways out.
 *
 * No lost wakeup. FUTEX_WAIT takes the bucket lock before it reads the
 * user word and queues itself before it lets the lock go; FUTEX_WAKE
 * takes the same lock, so a waker that changed the word before waking
 * either finds the waiter queued or made the waiter see the new value
 * (-EAGAIN). The word is read under the spinlock without faulting: the
 * address space's mutex is held (so its page tables and frames cannot
 * change) and the page is looked up in the table; if it is not present
 * and readable, the bucket lock is let go, the page faulted in (which
 * may sleep), and everything done again.
 *
 * States of a waiter (struct futex_q):
 *
 *   queued ──(FUTEX_WAKE: off the list, woken = true)──► returns 0
 *     │ │
 *     │ └──(timer, kill: takes itself off)──► -ETIMEDOUT / -EINTR
 *     └──(REQUEUE: moved to another key and bucket; still queued)
 *
 * Locks: vmspace (mutex, to read user words and find the object behind
 * shared memory) -> futex bucket (spin) -> the waiter's wait queue ->
 * run queue. Two buckets (REQUEUE) are taken lowest address first. A
 * futex_q's link, key, bucket and woken are guarded by its bucket's lock
 * (both buckets' to move it); a woken waiter may find itself in another
 * bucket than it slept in, and so takes q->bucket again (futex_q_relock).
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
#include "uapi/errno.h"
#include "uapi/kite.h"

#define FUTEX_HASH_BITS 8
#define FUTEX_BUCKETS (1 << FUTEX_HASH_BITS)

/* What a key's obj is. As Linux, a non-private futex in private memory
 * is keyed apart from a private one at the same address: a FUTEX_WAKE
 * without FUTEX_PRIVATE_FLAG wakes no FUTEX_PRIVATE_FLAG waiter. */
enum futex_key_kind {
	FK_PRIVATE, /* FUTEX_PRIVATE_FLAG: obj the vmspace, off the address */
	FK_SPACE,   /* not private, private memory: the same, apart */
	FK_SHARED,  /* MAP_SHARED memory: obj the vmo, off the byte offset;
		     * the key holds a reference to the vmo */
};

struct futex_key {
	const void *obj; /* the vmspace, or the struct vmo */
	uint64_t off;    /* the user address, or the byte offset in obj */
	enum futex_key_kind kind;
};

struct futex_bucket {
	struct spinlock lock;
	struct list_node waiters; /* [lock] struct futex_q, oldest first */
};

struct futex_q {
	struct list_node link;        /* [bucket lock] in bucket->waiters */
	struct futex_key key;         /* [bucket lock; both to change] */
	struct futex_bucket *bucket;  /* [bucket lock; both to change] */
	uint32_t bitset;              /* [const] */
	bool woken;                   /* [bucket lock] a wake took it off */
	struct waitqueue wq;          /* its thread sleeps here */
};

static struct futex_bucket buckets[FUTEX_BUCKETS];

void futex_init(void)
{
	for (int i = 0; i < FUTEX_BUCKETS; i++) {
		spin_init(&buckets[i].lock, "futex.bucket");
		list_init(&buckets[i].waiters);
	}
}

static struct futex_bucket *bucket_of(const struct futex_key *k)
{
	uint64_t h = (uint64_t)(uintptr_t)k->obj * 0x9e3779b97f4a7c15ULL;

	h = (h ^ k->off ^ k->kind) * 0xbf58476d1ce4e5b9ULL;
	return &buckets[h >> (64 - FUTEX_HASH_BITS)];
}

static bool key_eq(const struct futex_key *a, const struct futex_key *b)
{
	return a->obj == b->obj && a->off == b->off && a->kind == b->kind;
}

/* Drop the reference a shared key holds (may sleep: no spinlock). */
static void key_put(struct futex_key *k)
{
	if (k->kind == FK_SHARED)
		vmo_put((struct vmo *)k->obj);
	k->kind = FK_PRIVATE;
	k->obj = NULL;
}

/* A user word's address: aligned (-EINVAL) and in the user half
 * (-EFAULT), as Linux's get_futex_key checks. */
static int addr_check(uint64_t uaddr)
{
	if (uaddr & 3)
		return -EINVAL;
	if (uaddr >= USER_TOP - 3)
		return -EFAULT;
	return 0;
}

/*
 * The key of the word at uaddr (checked). A private key needs nothing
 * from the space. Otherwise (vs->lock held) the region decides: in
 * MAP_SHARED memory the key is the object and offset, with a reference;
 * elsewhere the space and address. A region that cannot be read, or
 * none, is -EFAULT.
 */
static int key_locked(struct vmspace *vs, uint64_t uaddr, bool priv,
		      struct futex_key *k)
{
	struct vmr *r;

	k->obj = vs;
	k->off = uaddr;
	k->kind = FK_PRIVATE;
	if (priv)
		return 0;
	k->kind = FK_SPACE;
	assert(mutex_holding(&vs->lock));
	r = vmr_find(vs, uaddr);
	if (!r || !(r->prot & VM_READ))
		return -EFAULT;
	if ((r->flags & VMR_F_SHARED) && r->obj) {
		k->obj = r->obj;
		k->off = (r->pgoff << PAGE_SHIFT) + (uaddr - r->start);
		k->kind = FK_SHARED;
		vmo_get(r->obj);
	}
	return 0;
}

/* The word at uaddr if its page is present and readable (writable if
 * write) now, without faulting: its kernel address, or NULL. vs->lock
 * held, so the page stays while it is held. */
static uint32_t *word_peek(struct vmspace *vs, uint64_t uaddr, bool write)
{
	unsigned prot, need = VM_USER | VM_READ | (write ? VM_WRITE : 0);
	paddr_t pa;

	assert(mutex_holding(&vs->lock));
	if (!pt_walk(vs->root, uaddr, &pa, &prot) || (prot & need) != need)
		return NULL;
	return (uint32_t *)P2V(pa);
}

/* The word at uaddr, faulted in for the access if needed (vs->lock
 * held): its kernel address, or NULL if no region allows the access. */
static uint32_t *word_fault(struct vmspace *vs, uint64_t uaddr, bool write)
{
	uint32_t *w = word_peek(vs, uaddr, write);

	if (!w && vm_fault_locked(vs, uaddr, write ? VM_WRITE : VM_READ,
				  NULL) == VMF_OK)
		w = word_peek(vs, uaddr, write);
	return w;
}

int futex_get_user(struct vmspace *vs, uint64_t uaddr, uint32_t *val)
{
	uint32_t *w;
	int err = addr_check(uaddr);

	if (err)
		return -EFAULT;
	mutex_lock(&vs->lock);
	w = word_fault(vs, uaddr, false);
	if (w)
		*val = __atomic_load_n(w, __ATOMIC_ACQUIRE);
	mutex_unlock(&vs->lock);
	return w ? 0 : -EFAULT;
}

int futex_cmpxchg_user(struct vmspace *vs, uint64_t uaddr, uint32_t expect,
		       uint32_t val, uint32_t *found)
{
	uint32_t *w;

	if (addr_check(uaddr))
		return -EFAULT;
	mutex_lock(&vs->lock);
	w = word_fault(vs, uaddr, true);
	if (w) {
		*found = expect;
		__atomic_compare_exchange_n(w, found, val, false,
					    __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
	}
	mutex_unlock(&vs->lock);
	return w ? 0 : -EFAULT;
}

/* Holding b->lock, where q slept: make sure we hold the lock of the
 * bucket q is in now (a requeue may have moved it). Returns it. */
static struct futex_bucket *futex_q_relock(struct futex_q *q,
					   struct futex_bucket *b)
{
	/* q->bucket changes only under both its old and new bucket's
	 * locks, so while we hold q's bucket it stays */
	while (q->bucket != b) {
		struct futex_bucket *nb = q->bucket;

		spin_unlock(&b->lock);
		b = nb;
		spin_lock(&b->lock);
	}
	return b;
}

/* Take q off its bucket and wake its thread. b->lock held. */
static void futex_q_wake(struct futex_bucket *b, struct futex_q *q)
{
	assert(spin_holding(&b->lock) && q->bucket == b);
	list_remove(&q->link);
	q->woken = true;
	/* q lives on the waiter's stack until it sees woken under b->lock:
	 * nothing of it is touched after we let b go */
	wq_wake_one(&q->wq);
}

/*
 * FUTEX_WAIT(_BITSET): sleep while the word at uaddr is val, until a wake
 * that matches bitset, deadline (time counter; UINT64_MAX: none) or a
 * kill. 0 (woken), -EAGAIN (the word was not val), -ETIMEDOUT, -EINTR,
 * -EFAULT, -EINVAL.
 */
static int futex_wait(struct vmspace *vs, uint64_t uaddr, uint32_t val,
		      uint64_t deadline, uint32_t bitset, bool priv)
{
	struct futex_q q;
	struct futex_bucket *b;
	uint32_t *w, cur;
	int err = addr_check(uaddr);

	if (err)
		return err;
	list_init(&q.link);
	q.bitset = bitset;
	q.woken = false;
	wq_init(&q.wq, "futex.q");
	for (;;) {
		mutex_lock(&vs->lock);
		err = key_locked(vs, uaddr, priv, &q.key);
		if (err) {
			mutex_unlock(&vs->lock);
			return err;
		}
		b = bucket_of(&q.key);
		spin_lock(&b->lock);
		w = word_peek(vs, uaddr, false);
		if (w)
			break;
		/* not there now: fault it in without the spinlock, again */
		spin_unlock(&b->lock);
		err = vm_fault_locked(vs, uaddr, VM_READ, NULL);
		mutex_unlock(&vs->lock);
		key_put(&q.key);
		if (err != VMF_OK)
			return -EFAULT;
	}
	cur = __atomic_load_n(w, __ATOMIC_ACQUIRE);
	mutex_unlock(&vs->lock); /* the bucket lock keeps wakers out */
	if (cur != val) {
		spin_unlock(&b->lock);
		key_put(&q.key);
		return -EAGAIN;
	}
	q.bucket = b;
	list_push_back(&b->waiters, &q.link);
	for (;;) {
		int sleep_err = wq_sleep_until(&q.wq, &b->lock, deadline);

		b = futex_q_relock(&q, b);
		if (q.woken) {
			err = 0;
			break;
		}
		if (sleep_err) {
			err = -EINTR;
			break;
		}
		if (deadline != UINT64_MAX && arch_time_counter() >= deadline) {
			err = -ETIMEDOUT;
			break;
		}
		/* woken by nothing we know of: sleep again */
	}
	if (!q.woken)
		list_remove(&q.link);
	spin_unlock(&b->lock);
	key_put(&q.key); /* the key of the bucket we ended in */
	return err;
}

/* The key for uaddr, taking vs->lock for a non-private one. */
static int key_get(struct vmspace *vs, uint64_t uaddr, bool priv,
		   struct futex_key *k)
{
	int err = addr_check(uaddr);

	if (err)
		return err;
	if (priv)
		return key_locked(vs, uaddr, true, k);
	mutex_lock(&vs->lock);
	err = key_locked(vs, uaddr, false, k);
	mutex_unlock(&vs->lock);
	return err;
}

int futex_wake(struct vmspace *vs, uint64_t uaddr, int n, bool priv,
	       uint32_t bitset)
{
	struct futex_key key;
	struct futex_bucket *b;
	struct list_node *it, *next;
	int woken = 0, err;

	if (!bitset)
		return -EINVAL;
	err = key_get(vs, uaddr, priv, &key);
	if (err)
		return err;
	b = bucket_of(&key);
	spin_lock(&b->lock);
	for (it = b->waiters.next; it != &b->waiters; it = next) {
		struct futex_q *q = list_entry(it, struct futex_q, link);

		next = it->next;
		if (!key_eq(&q->key, &key) || !(q->bitset & bitset))
			continue;
		futex_q_wake(b, q);
		/* as Linux: n of 0 or less still wakes one */
		if (++woken >= n)
			break;
	}
	spin_unlock(&b->lock);
	key_put(&key);
	return woken;
}

/* Lock two buckets (the same one once), lowest address first. */
static void buckets_lock(struct futex_bucket *a, struct futex_bucket *b)
{
	if (a == b) {
		spin_lock(&a->lock);
	} else if (a < b) {
		spin_lock(&a->lock);
		spin_lock(&b->lock);
	} else {
		spin_lock(&b->lock);
		spin_lock(&a->lock);
	}
}

static void buckets_unlock(struct futex_bucket *a, struct futex_bucket *b)
{
	if (a != b)
		spin_unlock(&b->lock);
	spin_unlock(&a->lock);
}

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
	err = addr_check(uaddr);
	if (!err)
		err = addr_check(uaddr2);
	if (err)
		return err;
	for (;;) {
		uint32_t *w = NULL;

		mutex_lock(&vs->lock);
		err = key_locked(vs, uaddr, priv, &k1);
		if (!err) {
			err = key_locked(vs, uaddr2, priv, &k2);
			if (err)
				key_put(&k1);
		}
		if (err) {
			mutex_unlock(&vs->lock);
			return err;
		}
		b1 = bucket_of(&k1);
		b2 = bucket_of(&k2);
		buckets_lock(b1, b2);
		if (!cmpval)
			break;
		w = word_peek(vs, uaddr, false);
		if (w) {
			/* now: the page may go once the space is unlocked */
			cur = __atomic_load_n(w, __ATOMIC_ACQUIRE);
			break;
		}
		buckets_unlock(b1, b2);
		err = vm_fault_locked(vs, uaddr, VM_READ, NULL);
		mutex_unlock(&vs->lock);
		key_put(&k1);
		key_put(&k2);
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
		if (!key_eq(&q->key, &k1))
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
	buckets_unlock(b1, b2);
	/* the moved waiters' references to the old key go now, unlocked */
	for (; moved > 0; moved--)
		if (k1.kind == FK_SHARED)
			vmo_put((struct vmo *)k1.obj);
	key_put(&k1);
	key_put(&k2);
	return err;
}

/* FUTEX_WAKE_OP's operation on the old value: the new value, or false
 * for an unknown operation. */
static bool wake_op_apply(uint32_t encoded, uint32_t old, uint32_t *val)
{
	int op = (encoded >> 28) & 7;
	int32_t arg = (int32_t)(encoded << 8) >> 20; /* bits 12..23, signed */

	if (encoded & (FUTEX_OP_OPARG_SHIFT << 28))
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
		if (!key_eq(&q->key, k))
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
	int woken, cmp, err = addr_check(uaddr);

	if (!err)
		err = addr_check(uaddr2);
	if (err)
		return err;
	for (;;) {
		mutex_lock(&vs->lock);
		err = key_locked(vs, uaddr, priv, &k1);
		if (!err) {
			err = key_locked(vs, uaddr2, priv, &k2);
			if (err)
				key_put(&k1);
		}
		if (err) {
			mutex_unlock(&vs->lock);
			return err;
		}
		b1 = bucket_of(&k1);
		b2 = bucket_of(&k2);
		buckets_lock(b1, b2);
		w = word_peek(vs, uaddr2, true);
		if (w)
			break;
		buckets_unlock(b1, b2);
		err = vm_fault_locked(vs, uaddr2, VM_WRITE, NULL);
		mutex_unlock(&vs->lock);
		key_put(&k1);
		key_put(&k2);
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
	buckets_unlock(b1, b2);
	key_put(&k1);
	key_put(&k2);
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
