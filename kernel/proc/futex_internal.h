/*
 * futex_internal.h - what futex.c (the table, keys, WAIT and WAKE) and
 * futex_ops.c (REQUEUE, WAKE_OP, deadlines, the dispatch) share: the
 * key, bucket and waiter structures and the helpers on them. futex.c's
 * header comment has the model and the locks.
 */
#ifndef KITE_PROC_FUTEX_INTERNAL_H
#define KITE_PROC_FUTEX_INTERNAL_H

#include "kernel/spinlock.h"
#include "kernel/types.h"
#include "lib/list.h"
#include "sched/sched.h"

struct vmspace;

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


/* The bucket of key k. */
struct futex_bucket *futex_bucket_of(const struct futex_key *k);
bool futex_key_eq(const struct futex_key *a, const struct futex_key *b);
/* Drop the reference a shared key holds (may sleep: no spinlock). */
void futex_key_put(struct futex_key *k);
/* A user word's address: aligned (-EINVAL) and in the user half
 * (-EFAULT). */
int futex_addr_check(uint64_t uaddr);
/* The key of the word at uaddr (vs->lock held unless priv): 0, -EFAULT. */
int futex_key_locked(struct vmspace *vs, uint64_t uaddr, bool priv,
	       struct futex_key *k);
/* The word's kernel address if its page is present and allows the
 * access now, else NULL; vs->lock held. */
uint32_t *futex_word_peek(struct vmspace *vs, uint64_t uaddr, bool write);
/* Take q off bucket b (locked) and wake its thread. */
void futex_q_wake(struct futex_bucket *b, struct futex_q *q);
/* FUTEX_WAIT(_BITSET) until deadline (time counter, UINT64_MAX: none). */
int futex_wait(struct vmspace *vs, uint64_t uaddr, uint32_t val,
	       uint64_t deadline, uint32_t bitset, bool priv);
/* Two buckets locked and unlocked together (the same one once). */
void futex_buckets_lock(struct futex_bucket *a, struct futex_bucket *b);
void futex_buckets_unlock(struct futex_bucket *a, struct futex_bucket *b);

#endif
