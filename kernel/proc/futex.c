/*
 * futex.c - the futex wait table: keys, buckets, FUTEX_WAIT and
 * FUTEX_WAKE (and their bitset forms), and atomic access to user words.
 * futex_ops.c has REQUEUE, CMP_REQUEUE, WAKE_OP, the deadlines of timed
 * waits (relative or absolute, on CLOCK_MONOTONIC or CLOCK_REALTIME) and
 * futex(2)'s dispatch. The priority-inheritance operations are not in
 * Kite (-ENOSYS).
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
#include "signal/signal.h"
#include "futex_internal.h"
#include "uapi/errno.h"
#include "uapi/kite.h"

static struct futex_bucket buckets[FUTEX_BUCKETS];

void futex_init(void)
{
	for (int i = 0; i < FUTEX_BUCKETS; i++) {
		spin_init(&buckets[i].lock, "futex.bucket");
		list_init(&buckets[i].waiters);
	}
}

struct futex_bucket *futex_bucket_of(const struct futex_key *k)
{
	uint64_t h = (uint64_t)(uintptr_t)k->obj * 0x9e3779b97f4a7c15ULL;

	h = (h ^ k->off ^ k->kind) * 0xbf58476d1ce4e5b9ULL;
	return &buckets[h >> (64 - FUTEX_HASH_BITS)];
}

bool futex_key_eq(const struct futex_key *a, const struct futex_key *b)
{
	return a->obj == b->obj && a->off == b->off && a->kind == b->kind;
}

/* Drop the reference a shared key holds (may sleep: no spinlock). */
void futex_key_put(struct futex_key *k)
{
	if (k->kind == FK_SHARED)
		vmo_put((struct vmo *)k->obj);
	k->kind = FK_PRIVATE;
	k->obj = NULL;
}

/* A user word's address: aligned (-EINVAL) and in the user half
 * (-EFAULT), as Linux's get_futex_key checks. */
int futex_addr_check(uint64_t uaddr)
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
int futex_key_locked(struct vmspace *vs, uint64_t uaddr, bool priv,
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
uint32_t *futex_word_peek(struct vmspace *vs, uint64_t uaddr, bool write)
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
static uint32_t *futex_word_fault(struct vmspace *vs, uint64_t uaddr, bool write)
{
	uint32_t *w = futex_word_peek(vs, uaddr, write);

	if (!w && vm_fault_locked(vs, uaddr, write ? VM_WRITE : VM_READ,
				  NULL) == VMF_OK)
		w = futex_word_peek(vs, uaddr, write);
	return w;
}

int futex_get_user(struct vmspace *vs, uint64_t uaddr, uint32_t *val)
{
	uint32_t *w;
	int err = futex_addr_check(uaddr);

	if (err)
		return -EFAULT;
	mutex_lock(&vs->lock);
	w = futex_word_fault(vs, uaddr, false);
	if (w)
		*val = __atomic_load_n(w, __ATOMIC_ACQUIRE);
	mutex_unlock(&vs->lock);
	return w ? 0 : -EFAULT;
}

int futex_cmpxchg_user(struct vmspace *vs, uint64_t uaddr, uint32_t expect,
		       uint32_t val, uint32_t *found)
{
	uint32_t *w;

	if (futex_addr_check(uaddr))
		return -EFAULT;
	mutex_lock(&vs->lock);
	w = futex_word_fault(vs, uaddr, true);
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
void futex_q_wake(struct futex_bucket *b, struct futex_q *q)
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
 * kill or a signal. 0 (woken), -EAGAIN (the word was not val),
 * -ETIMEDOUT, -EINTR (a kill), -ERESTARTSYS / -ERESTARTNOHAND (a signal:
 * restarted or -EINTR, signal/deliver.c), -EFAULT, -EINVAL.
 */
int futex_wait(struct vmspace *vs, uint64_t uaddr, uint32_t val,
		      uint64_t deadline, uint32_t bitset, bool priv)
{
	struct futex_q q;
	struct futex_bucket *b;
	uint32_t *w, cur;
	int err = futex_addr_check(uaddr);

	if (err)
		return err;
	list_init(&q.link);
	q.bitset = bitset;
	q.woken = false;
	wq_init(&q.wq, "futex.q");
	for (;;) {
		mutex_lock(&vs->lock);
		err = futex_key_locked(vs, uaddr, priv, &q.key);
		if (err) {
			mutex_unlock(&vs->lock);
			return err;
		}
		b = futex_bucket_of(&q.key);
		spin_lock(&b->lock);
		w = futex_word_peek(vs, uaddr, false);
		if (w)
			break;
		/* not there now: fault it in without the spinlock, again */
		spin_unlock(&b->lock);
		err = vm_fault_locked(vs, uaddr, VM_READ, NULL);
		mutex_unlock(&vs->lock);
		futex_key_put(&q.key);
		if (err != VMF_OK)
			return -EFAULT;
	}
	cur = __atomic_load_n(w, __ATOMIC_ACQUIRE);
	mutex_unlock(&vs->lock); /* the bucket lock keeps wakers out */
	if (cur != val) {
		spin_unlock(&b->lock);
		futex_key_put(&q.key);
		return -EAGAIN;
	}
	q.bucket = b;
	list_push_back(&b->waiters, &q.link);
	for (;;) {
		int sleep_err = wq_sleep_until_intr(&q.wq, &b->lock, deadline);

		b = futex_q_relock(&q, b);
		if (q.woken) {
			err = 0;
			break;
		}
		if (sleep_err) {
			/* a signal: restarted under SA_RESTART, as Linux, but
			 * a timed wait is -EINTR once a handler runs */
			err = thread_killed(current()) ? -EINTR
			      : deadline == UINT64_MAX ? -ERESTARTSYS
						       : -ERESTARTNOHAND;
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
	futex_key_put(&q.key); /* the key of the bucket we ended in */
	return err;
}

/* The key for uaddr, taking vs->lock for a non-private one. */
static int futex_key_get(struct vmspace *vs, uint64_t uaddr, bool priv,
		   struct futex_key *k)
{
	int err = futex_addr_check(uaddr);

	if (err)
		return err;
	if (priv)
		return futex_key_locked(vs, uaddr, true, k);
	mutex_lock(&vs->lock);
	err = futex_key_locked(vs, uaddr, false, k);
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
	err = futex_key_get(vs, uaddr, priv, &key);
	if (err)
		return err;
	b = futex_bucket_of(&key);
	spin_lock(&b->lock);
	for (it = b->waiters.next; it != &b->waiters; it = next) {
		struct futex_q *q = list_entry(it, struct futex_q, link);

		next = it->next;
		if (!futex_key_eq(&q->key, &key) || !(q->bitset & bitset))
			continue;
		futex_q_wake(b, q);
		/* as Linux: n of 0 or less still wakes one */
		if (++woken >= n)
			break;
	}
	spin_unlock(&b->lock);
	futex_key_put(&key);
	return woken;
}

/* Lock two buckets (the same one once), lowest address first. */
void futex_buckets_lock(struct futex_bucket *a, struct futex_bucket *b)
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

void futex_buckets_unlock(struct futex_bucket *a, struct futex_bucket *b)
{
	if (a != b)
		spin_unlock(&b->lock);
	spin_unlock(&a->lock);
}

