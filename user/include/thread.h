/*
 * thread.h - threads, and the mutex and condition variable they share,
 * on Linux's clone and futex calls.
 *
 * thread_create() maps a stack (THREAD_STACK_SIZE, a PROT_NONE guard
 * page below it) with the thread's control block (struct uthread) at
 * its top, and clones with the flags glibc's pthread_create uses:
 * CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD |
 * CLONE_SYSVSEM | CLONE_SETTLS | CLONE_PARENT_SETTID |
 * CLONE_CHILD_CLEARTID. tp points at the control block (errno lives
 * there); the kernel writes the tid into it before the thread runs,
 * and zeroes it and futex-wakes it when the thread exits, which is what
 * thread_join() waits for before it unmaps the stack.
 *
 * mutex_t: 0 free, 1 held, 2 held and maybe waited for (a FUTEX_WAIT on
 * the word); unlocking a 2 wakes one waiter. cond_t: a sequence number
 * that signal and broadcast bump; a waiter sleeps while it is the value
 * it read before letting the mutex go, so no signal is lost. broadcast
 * wakes one waiter and moves the others onto the mutex's word
 * (FUTEX_CMP_REQUEUE), so they do not all rush for the mutex at once.
 * The mutex's and condition variable's futexes are FUTEX_PRIVATE_FLAG
 * (the threads of one process); the join waits without it, since the
 * kernel's CLEARTID wake is not private.
 */
#ifndef KITE_USER_THREAD_H
#define KITE_USER_THREAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "sys/types.h"

struct timespec;

#define THREAD_STACK_SIZE (64 * 1024)

/* A thread's control block: tp points at it. */
struct uthread {
	struct uthread *self;
	int err;               /* its errno */
	volatile int tid;      /* set before it runs; 0 once it has exited */
	void *(*fn)(void *);
	void *arg;
	void *ret;             /* fn's result, or thread_exit's */
	void *map;             /* its stack mapping (thread_join unmaps it) */
	size_t map_len;
};
typedef struct uthread *thread_t;

/* Start fn(arg) in a new thread of this process: 0 and *out, or -1 with
 * errno (ENOMEM, EAGAIN). */
int thread_create(thread_t *out, void *(*fn)(void *), void *arg);
/* Wait until t has exited (its CLEARTID word is 0), store what it
 * returned in *ret if ret is not NULL, and free its stack. 0, or -1 with
 * errno EDEADLK (t is the caller) or EINVAL. */
int thread_join(thread_t t, void **ret);
/* End the calling thread (created by thread_create) with result ret. */
__attribute__((noreturn)) void thread_exit(void *ret);
/* The calling thread's control block (NULL for the first thread). */
thread_t thread_self(void);

/* futex(2): the raw call, -1 and errno on failure. */
long futex(volatile uint32_t *uaddr, int op, uint32_t val,
	   const struct timespec *timeout, volatile uint32_t *uaddr2,
	   uint32_t val3);
/* set_tid_address(2): the caller's tid. */
pid_t set_tid_address(volatile int *tidptr);
/* tkill(2), tgkill(2): a signal to one thread (<signal.h>). */
int tkill(pid_t tid, int sig);
int tgkill(pid_t tgid, pid_t tid, int sig);

typedef struct {
	volatile uint32_t v; /* 0 free, 1 held, 2 held and maybe waited for */
} mutex_t;
#define MUTEX_INIT { 0 }

void mutex_init(mutex_t *m);
void mutex_lock(mutex_t *m);
/* Take m if it is free: true if taken. */
bool mutex_trylock(mutex_t *m);
void mutex_unlock(mutex_t *m);

typedef struct {
	volatile uint32_t seq; /* bumped by every signal and broadcast */
	mutex_t *m;            /* the mutex waiters use (for broadcast) */
} cond_t;
#define COND_INIT { 0, NULL }

void cond_init(cond_t *c);
/* Let m go, sleep until signalled (or spuriously), take m again. */
void cond_wait(cond_t *c, mutex_t *m);
/* The same, giving up at the CLOCK_MONOTONIC time abstime: 0, or -1 with
 * errno ETIMEDOUT (m is held again either way). */
int cond_timedwait(cond_t *c, mutex_t *m, const struct timespec *abstime);
void cond_signal(cond_t *c);
void cond_broadcast(cond_t *c);

#endif
