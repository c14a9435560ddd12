/*
 * thread.c - threads (thread_create/join), mutexes and condition
 * variables on clone and futex; the affinity calls. <thread.h> has the
 * model.
 *
 * A thread's stack mapping, lowest address first:
 *
 *   [guard page, PROT_NONE][stack ... grows down][struct uthread]
 *                                                 ^ tp, CLEARTID word
 *
 * The clone is done by thread_clone_asm (below): the new thread comes
 * back from the ecall on its own stack, where no C frame of the caller
 * exists, so it calls thread_start at once and never returns.
 */
#include "kite.h"

#define GUARD_SIZE 4096UL
#define THREAD_FLAGS (CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | \
		      CLONE_THREAD | CLONE_SYSVSEM | CLONE_SETTLS |         \
		      CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID)
#define MUTEX_FREE 0
#define MUTEX_HELD 1
#define MUTEX_WAITED 2

/* long thread_clone_asm(flags, stack, ptid, tls, ctid, start): clone;
 * the child calls start(tp) on its new stack. */
long thread_clone_asm(unsigned long flags, void *stack, volatile int *ptid,
		      void *tls, volatile int *ctid, void (*start)(void *));
__asm__(
	".section .text.thread_clone_asm, \"ax\", @progbits\n"
	".globl thread_clone_asm\n"
	"thread_clone_asm:\n"
	"	mv t0, a5\n"
	"	li a7, 220\n" /* SYS_clone */
	"	ecall\n"
	"	bnez a0, 1f\n"
	/* the child: sp and tp are its own now; no frame to return to */
	"	mv fp, zero\n"
	"	mv ra, zero\n"
	"	mv a0, tp\n"
	"	jalr t0\n"
	"	unimp\n"
	"1:	ret\n"
	".previous\n");

long futex(volatile uint32_t *uaddr, int op, uint32_t val,
	   const struct timespec *timeout, volatile uint32_t *uaddr2,
	   uint32_t val3)
{
	return __syscall_ret(syscall6(SYS_futex, (long)uaddr, op, val,
				      (long)timeout, (long)uaddr2, val3));
}

pid_t set_tid_address(volatile int *tidptr)
{
	return (pid_t)syscall1(SYS_set_tid_address, tidptr);
}

int tkill(pid_t tid, int sig)
{
	return __syscall_ret(syscall2(SYS_tkill, tid, sig));
}

int tgkill(pid_t tgid, pid_t tid, int sig)
{
	return __syscall_ret(syscall3(SYS_tgkill, tgid, tid, sig));
}

int sched_setaffinity(pid_t tid, size_t len, const cpu_set_t *mask)
{
	return __syscall_ret(syscall3(SYS_sched_setaffinity, tid, len, mask));
}

int sched_getaffinity(pid_t tid, size_t len, cpu_set_t *mask)
{
	long r = __syscall_ret(syscall3(SYS_sched_getaffinity, tid, len, mask));

	if (r < 0)
		return -1;
	/* the kernel wrote r bytes: the rest is none of its harts */
	for (size_t i = (size_t)r; i < len; i++)
		((uint8_t *)mask)[i] = 0;
	return 0;
}

int CPU_COUNT(const cpu_set_t *s)
{
	int n = 0;

	for (int i = 0; i < CPU_SETSIZE / 64; i++)
		n += __builtin_popcountl(s->bits[i]);
	return n;
}

/* ---- threads ----------------------------------------------------------- */

thread_t thread_self(void)
{
	thread_t self;

	__asm__("mv %0, tp" : "=r"(self));
	return self;
}

static __attribute__((noreturn)) void thread_start(void *tcb)
{
	struct uthread *self = tcb;

	thread_exit(self->fn(self->arg));
}

void thread_exit(void *ret)
{
	struct uthread *self = thread_self();

	if (self)
		self->ret = ret;
	exit_thread(0); /* the kernel zeroes self->tid and wakes a joiner */
}

int thread_create(thread_t *out, void *(*fn)(void *), void *arg)
{
	size_t len = THREAD_STACK_SIZE + GUARD_SIZE;
	char *map = mmap(NULL, len, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
	struct uthread *t;
	long tid;

	if (map == MAP_FAILED)
		return -1;
	if (mprotect(map, GUARD_SIZE, PROT_NONE) < 0) {
		munmap(map, len);
		return -1;
	}
	t = (struct uthread *)((uintptr_t)(map + len - sizeof(*t)) & ~15UL);
	t->self = t;
	t->err = 0;
	t->tid = 0;
	t->fn = fn;
	t->arg = arg;
	t->ret = NULL;
	t->map = map;
	t->map_len = len;
	/* the stack starts below the control block, 16-byte aligned */
	tid = thread_clone_asm(THREAD_FLAGS, t, &t->tid, t, &t->tid,
			       thread_start);
	if (SYSCALL_IS_ERR(tid)) {
		munmap(map, len);
		errno = (int)-tid;
		return -1;
	}
	*out = t;
	return 0;
}

int thread_join(thread_t t, void **ret)
{
	int tid;

	if (!t || t->self != t) {
		errno = EINVAL;
		return -1;
	}
	if (t == thread_self()) {
		errno = EDEADLK;
		return -1;
	}
	/* CLEARTID: the kernel zeroes the word when the thread is gone and
	 * wakes it without FUTEX_PRIVATE_FLAG, so the wait is not private
	 * either (as glibc's pthread_join) */
	while ((tid = __atomic_load_n(&t->tid, __ATOMIC_ACQUIRE)) != 0)
		futex((volatile uint32_t *)&t->tid, FUTEX_WAIT, (uint32_t)tid,
		      NULL, NULL, 0);
	if (ret)
		*ret = t->ret;
	munmap(t->map, t->map_len);
	return 0;
}

/* ---- mutexes ----------------------------------------------------------- */

static uint32_t swap(volatile uint32_t *w, uint32_t v)
{
	return __atomic_exchange_n(w, v, __ATOMIC_ACQUIRE);
}

static void futex_wait_private(volatile uint32_t *w, uint32_t v,
			       const struct timespec *abstime)
{
	if (abstime)
		futex(w, FUTEX_WAIT_BITSET | FUTEX_PRIVATE_FLAG, v, abstime, NULL,
		      FUTEX_BITSET_MATCH_ANY);
	else
		futex(w, FUTEX_WAIT | FUTEX_PRIVATE_FLAG, v, NULL, NULL, 0);
}

void mutex_init(mutex_t *m)
{
	m->v = MUTEX_FREE;
}

bool mutex_trylock(mutex_t *m)
{
	uint32_t free = MUTEX_FREE;

	return __atomic_compare_exchange_n(&m->v, &free, MUTEX_HELD, false,
					   __ATOMIC_ACQUIRE, __ATOMIC_RELAXED);
}

void mutex_lock(mutex_t *m)
{
	uint32_t c = MUTEX_FREE;

	if (__atomic_compare_exchange_n(&m->v, &c, MUTEX_HELD, false,
					__ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
		return;
	/* held: say so (2) and sleep until it was free when we swapped */
	if (c != MUTEX_WAITED)
		c = swap(&m->v, MUTEX_WAITED);
	while (c != MUTEX_FREE) {
		futex_wait_private(&m->v, MUTEX_WAITED, NULL);
		c = swap(&m->v, MUTEX_WAITED);
	}
}

void mutex_unlock(mutex_t *m)
{
	if (__atomic_fetch_sub(&m->v, 1, __ATOMIC_RELEASE) != MUTEX_HELD) {
		/* it was 2: someone may sleep on it */
		__atomic_store_n(&m->v, MUTEX_FREE, __ATOMIC_RELEASE);
		futex(&m->v, FUTEX_WAKE | FUTEX_PRIVATE_FLAG, 1, NULL, NULL, 0);
	}
}

/* ---- condition variables ---------------------------------------------- */

void cond_init(cond_t *c)
{
	c->seq = 0;
	c->m = NULL;
}

/* Wait on c's sequence number seq, then take m as contended (waiters
 * may have been moved onto its word by a broadcast). */
static void cond_sleep(cond_t *c, mutex_t *m, uint32_t seq,
		       const struct timespec *abstime)
{
	futex_wait_private(&c->seq, seq, abstime);
	while (swap(&m->v, MUTEX_WAITED) != MUTEX_FREE)
		futex_wait_private(&m->v, MUTEX_WAITED, NULL);
}

void cond_wait(cond_t *c, mutex_t *m)
{
	uint32_t seq = __atomic_load_n(&c->seq, __ATOMIC_ACQUIRE);

	c->m = m;
	mutex_unlock(m);
	cond_sleep(c, m, seq, NULL);
}

int cond_timedwait(cond_t *c, mutex_t *m, const struct timespec *abstime)
{
	uint32_t seq = __atomic_load_n(&c->seq, __ATOMIC_ACQUIRE);
	struct timespec now;

	c->m = m;
	mutex_unlock(m);
	cond_sleep(c, m, seq, abstime);
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (__atomic_load_n(&c->seq, __ATOMIC_ACQUIRE) == seq &&
	    (now.tv_sec > abstime->tv_sec ||
	     (now.tv_sec == abstime->tv_sec && now.tv_nsec >= abstime->tv_nsec))) {
		errno = ETIMEDOUT;
		return -1;
	}
	return 0;
}

void cond_signal(cond_t *c)
{
	__atomic_add_fetch(&c->seq, 1, __ATOMIC_RELEASE);
	futex(&c->seq, FUTEX_WAKE | FUTEX_PRIVATE_FLAG, 1, NULL, NULL, 0);
}

void cond_broadcast(cond_t *c)
{
	uint32_t seq = __atomic_add_fetch(&c->seq, 1, __ATOMIC_RELEASE);
	mutex_t *m = c->m;

	/* one wakes; the rest move to the mutex's word and wake one by one
	 * as it is unlocked. If seq changed meanwhile (-EAGAIN), a later
	 * signal or broadcast handles the waiters: wake them all. */
	if (!m || futex(&c->seq, FUTEX_CMP_REQUEUE | FUTEX_PRIVATE_FLAG, 1,
			(const struct timespec *)(uintptr_t)INT32_MAX, &m->v,
			seq) < 0)
		futex(&c->seq, FUTEX_WAKE | FUTEX_PRIVATE_FLAG, INT32_MAX, NULL,
		      NULL, 0);
}
