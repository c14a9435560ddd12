/*
 * futex.h - futex(2) as Linux answers it: a changed value, timeouts
 * (relative and absolute, monotonic and realtime) within a tick, exact
 * wake counts, bitsets, requeue, WAKE_OP, shared memory between
 * processes, a ping-pong, and the errors of bad arguments.
 */
#ifndef KITE_THTESTS_FUTEX_H
#define KITE_THTESTS_FUTEX_H

static volatile uint32_t word_a, word_b;

static uint64_t mono_ns(void) { return monotonic_ns(); }

static void t_futex_eagain(void)
{
	uint64_t t0 = mono_ns();

	word_a = 1;
	ERR(sys_futex(&word_a, PRIV_WAIT, 2, NULL, NULL, 0), EAGAIN);
	ERR(sys_futex(&word_a, FUTEX_WAIT, 0, NULL, NULL, 0), EAGAIN);
	ERR(sys_futex(&word_a, FUTEX_WAIT_BITSET, 7, NULL, NULL, 1), EAGAIN);
	CHECK(mono_ns() - t0 < 5000000, "EAGAIN took %lu us",
	      (unsigned long)((mono_ns() - t0) / 1000));
}

/* A wait of ms that must end with ETIMEDOUT no earlier than ms and
 * within a tick after it. op's timeout is relative (FUTEX_WAIT) or
 * absolute on clock clk. */
static void timed_wait(int op, clockid_t clk, long ms)
{
	struct timespec ts, now;
	uint64_t t0, took;
	long r;

	word_a = 0;
	t0 = mono_ns(); /* before an absolute deadline is read off a clock */
	if (op == PRIV_WAIT) {
		ts.tv_sec = ms / 1000;
		ts.tv_nsec = (ms % 1000) * 1000000;
	} else {
		clock_gettime(clk, &now);
		ts.tv_sec = now.tv_sec + ms / 1000;
		ts.tv_nsec = now.tv_nsec + (ms % 1000) * 1000000;
		if (ts.tv_nsec >= 1000000000) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000;
		}
	}
	r = sys_futex(&word_a, op, 0, &ts, NULL, FUTEX_BITSET_MATCH_ANY);
	took = mono_ns() - t0;
	CHECK(r == -1 && errno == ETIMEDOUT, "op %d, %ld ms: %ld errno %d", op,
	      ms, r, errno);
	CHECK(took >= (uint64_t)ms * 1000000 - (clk == CLOCK_REALTIME ? 1000000 : 0),
	      "op %d: woke after %lu us of %ld ms", op,
	      (unsigned long)(took / 1000), ms);
	CHECK(took < (uint64_t)(ms + late_ms) * 1000000, "op %d: a %ld ms "
	      "timeout took %lu us (more than %ld ms late)", op, ms,
	      (unsigned long)(took / 1000), late_ms);
}

static void t_futex_timeout(void)
{
	struct timespec zero = { 0, 0 }, past = { 1, 0 };
	int bits = FUTEX_WAIT_BITSET | FUTEX_PRIVATE_FLAG;

	for (int i = 0; i < 3; i++) {
		timed_wait(PRIV_WAIT, CLOCK_MONOTONIC, 20 + 15 * i);
		timed_wait(bits, CLOCK_MONOTONIC, 20 + 15 * i);
		timed_wait(bits | FUTEX_CLOCK_REALTIME, CLOCK_REALTIME, 20 + 15 * i);
	}
	word_a = 0;
	ERR(sys_futex(&word_a, PRIV_WAIT, 0, &zero, NULL, 0), ETIMEDOUT);
	/* an absolute deadline long past: at once */
	ERR(sys_futex(&word_a, bits, 0, &past, NULL, ~0u), ETIMEDOUT);
	ERR(sys_futex(&word_a, bits | FUTEX_CLOCK_REALTIME, 0, &past, NULL, ~0u),
	    ETIMEDOUT);
}

/* Waiters that record what their wait returned. */
struct waiter {
	volatile uint32_t *word;
	uint32_t bitset;
	volatile long ret;
	volatile int woke;
	thread_t t;
};

static void *waiter_main(void *arg)
{
	struct waiter *w = arg;

	w->ret = sys_futex(w->word, FUTEX_WAIT_BITSET | FUTEX_PRIVATE_FLAG, 0,
			   NULL, NULL, w->bitset);
	w->woke = 1;
	return NULL;
}

static void start_waiters(struct waiter *w, int n, volatile uint32_t *word,
			  const uint32_t *bitsets)
{
	*word = 0;
	for (int i = 0; i < n; i++) {
		w[i].word = word;
		w[i].bitset = bitsets ? bitsets[i] : FUTEX_BITSET_MATCH_ANY;
		w[i].ret = -100;
		w[i].woke = 0;
		w[i].t = spawn_thread(waiter_main, &w[i]);
	}
	for (int i = 0; i < n; i++)
		wait_asleep(w[i].t->tid, "a waiter");
}

static int count_woken(struct waiter *w, int n)
{
	int k = 0;

	sleep_ms(20); /* let the woken ones run */
	for (int i = 0; i < n; i++)
		k += w[i].woke;
	return k;
}

static void join_waiters(struct waiter *w, int n)
{
	for (int i = 0; i < n; i++) {
		thread_join(w[i].t, NULL);
		CHECK(w[i].ret == 0, "waiter %d's wait returned %ld", i, w[i].ret);
	}
}

static void t_futex_wake_counts(void)
{
	struct waiter w[6];

	start_waiters(w, 6, &word_a, NULL);
	EQ(sys_futex(&word_a, PRIV_WAKE, 2, NULL, NULL, 0), 2);
	EQ(count_woken(w, 6), 2);
	/* as Linux: a count of 0 still wakes one */
	EQ(sys_futex(&word_a, PRIV_WAKE, 0, NULL, NULL, 0), 1);
	EQ(count_woken(w, 6), 3);
	EQ(sys_futex(&word_b, PRIV_WAKE, 10, NULL, NULL, 0), 0); /* other word */
	EQ(sys_futex(&word_a, FUTEX_WAKE, 10, NULL, NULL, 0), 0); /* not private */
	EQ(sys_futex(&word_a, PRIV_WAKE, INT32_MAX, NULL, NULL, 0), 3);
	EQ(sys_futex(&word_a, PRIV_WAKE, INT32_MAX, NULL, NULL, 0), 0);
	join_waiters(w, 6);
}

static void t_futex_bitset(void)
{
	static const uint32_t sets[4] = { 1, 2, 4, 8 };
	int wake = FUTEX_WAKE_BITSET | FUTEX_PRIVATE_FLAG;
	struct waiter w[4];

	start_waiters(w, 4, &word_a, sets);
	EQ(sys_futex(&word_a, wake, 10, NULL, NULL, 16), 0);
	EQ(sys_futex(&word_a, wake, 10, NULL, NULL, 1), 1);
	EQ(count_woken(w, 4), 1);
	CHECK(w[0].woke, "bitset 1 woke the wrong waiter");
	/* two match; a count of one wakes one of them */
	EQ(sys_futex(&word_a, wake, 1, NULL, NULL, 6), 1);
	EQ(count_woken(w, 4), 2);
	CHECK(w[1].woke != w[2].woke && !w[3].woke, "bitset 6 woke the wrong "
	      "waiter");
	EQ(sys_futex(&word_a, PRIV_WAKE, 10, NULL, NULL, 0), 2); /* any */
	join_waiters(w, 4);
}

static void t_futex_requeue(void)
{
	int cmp = FUTEX_CMP_REQUEUE | FUTEX_PRIVATE_FLAG;
	struct waiter w[5];

	start_waiters(w, 5, &word_a, NULL);
	word_b = 0;
	ERR(sys_futex(&word_a, cmp, 1, (void *)2, &word_b, 9), EAGAIN);
	ERR(sys_futex(&word_a, cmp, -1, (void *)2, &word_b, 0), EINVAL);
	/* one woken, two moved to b, two left on a */
	EQ(sys_futex(&word_a, cmp, 1, (void *)2, &word_b, 0), 3);
	EQ(count_woken(w, 5), 1);
	EQ(sys_futex(&word_b, PRIV_WAKE, 10, NULL, NULL, 0), 2);
	EQ(count_woken(w, 5), 3);
	EQ(sys_futex(&word_a, FUTEX_REQUEUE | FUTEX_PRIVATE_FLAG, 0, (void *)10,
		     &word_b, 0), 2); /* both moved (none woken: 0 is 0 here) */
	EQ(sys_futex(&word_b, PRIV_WAKE, 10, NULL, NULL, 0), 2);
	join_waiters(w, 5);
}

static void t_futex_wake_op(void)
{
	int op = FUTEX_WAKE_OP | FUTEX_PRIVATE_FLAG;
	struct waiter wa, wb;

	start_waiters(&wa, 1, &word_a, NULL);
	start_waiters(&wb, 1, &word_b, NULL);
	/* b = 5 if it was 1: it was 0, so only a's waiter wakes */
	EQ(sys_futex(&word_a, op, 1, (void *)1, &word_b,
		     FUTEX_OP(FUTEX_OP_SET, 5, FUTEX_OP_CMP_EQ, 1)), 1);
	EQ(word_b, 5);
	EQ(count_woken(&wb, 1), 0);
	/* b += 1 (it was 5 > 4): b's waiter too */
	EQ(sys_futex(&word_a, op, 1, (void *)1, &word_b,
		     FUTEX_OP(FUTEX_OP_ADD, 1, FUTEX_OP_CMP_GT, 4)), 1);
	EQ(word_b, 6);
	ERR(sys_futex(&word_a, op, 1, (void *)1, &word_b, 7u << 28), ENOSYS);
	join_waiters(&wa, 1);
	join_waiters(&wb, 1);
}

/* A non-private futex in MAP_SHARED memory joins two processes, even
 * at another address: the key is the object and offset. */
static void t_futex_shared(void)
{
	char *m = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	volatile uint32_t *w = (volatile uint32_t *)(m + PAGE + 64);
	char *to;
	pid_t pid;
	int st;

	CHECK(m != MAP_FAILED, "mmap: %s", strerror(errno));
	*w = 0;
	pid = fork();
	if (pid == 0) { /* a wake comes long before the timeout */
		struct timespec limit = { VICTIM_MS / 1000, 0 };

		_exit(sys_futex(w, FUTEX_WAIT, 0, &limit, NULL, 0) == 0 ? 0 : 10 + errno);
	}
	wait_asleep(pid, "the child");
	EQ(sys_futex(w, PRIV_WAKE, 1, NULL, NULL, 0), 0); /* private: not it */
	to = mmap(NULL, 2 * PAGE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(to != MAP_FAILED, "mmap: %s", strerror(errno));
	m = mremap(m, 2 * PAGE, 2 * PAGE, MREMAP_MAYMOVE | MREMAP_FIXED, to);
	CHECK(m == to, "mremap: %s", strerror(errno));
	w = (volatile uint32_t *)(m + PAGE + 64);
	EQ(sys_futex(w, FUTEX_WAKE, 1, NULL, NULL, 0), 1);
	EQ(waitpid(pid, &st, 0), pid);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "the child's wait: status 0x%x", st);
	munmap(m, 2 * PAGE);
}

/* Two threads hand a token back and forth through one word. */
static void *pong(void *arg)
{
	(void)arg;
	for (int i = 0; i < 1000; i++) {
		while (word_a != 1)
			sys_futex(&word_a, PRIV_WAIT, 0, NULL, NULL, 0);
		word_a = 0;
		sys_futex(&word_a, PRIV_WAKE, 1, NULL, NULL, 0);
	}
	return NULL;
}

static void t_futex_pingpong(void)
{
	thread_t t;

	word_a = 0;
	t = spawn_thread(pong, NULL);
	for (int i = 0; i < 1000; i++) {
		word_a = 1;
		sys_futex(&word_a, PRIV_WAKE, 1, NULL, NULL, 0);
		while (word_a != 0)
			sys_futex(&word_a, PRIV_WAIT, 1, NULL, NULL, 0);
	}
	EQ(thread_join(t, NULL), 0);
}

/* Bad arguments: Linux's errors (checked under qemu-riscv64 too, but
 * for a read-only page, which qemu-user refuses and Linux reads; and the
 * priority-inheritance operations, which Kite has not: -ENOSYS). */
static void t_futex_errors(void)
{
	struct timespec bad_ns = { 0, 1000000000 }, bad_sec = { -1, 0 };
	char *pn = mmap(NULL, PAGE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *ro = mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *gone = mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *odd = (char *)&word_a + 1;

	CHECK(pn != MAP_FAILED && ro != MAP_FAILED && gone != MAP_FAILED, "mmap");
	munmap(gone, PAGE);
	word_a = 5;
	ERR(sys_futex(odd, FUTEX_WAIT, 5, NULL, NULL, 0), EINVAL);
	ERR(sys_futex(odd, FUTEX_WAKE, 1, NULL, NULL, 0), EINVAL);
	ERR(sys_futex(NULL, FUTEX_WAIT, 5, NULL, NULL, 0), EFAULT);
	ERR(sys_futex(NULL, FUTEX_WAKE, 1, NULL, NULL, 0), EFAULT);
	EQ(sys_futex(NULL, PRIV_WAKE, 1, NULL, NULL, 0), 0); /* no lookup */
	ERR(sys_futex(KADDR, PRIV_WAKE, 1, NULL, NULL, 0), EFAULT);
	ERR(sys_futex(KADDR, PRIV_WAIT, 0, NULL, NULL, 0), EFAULT);
	ERR(sys_futex(&word_a, FUTEX_WAIT, 5, &bad_ns, NULL, 0), EINVAL);
	ERR(sys_futex(&word_a, FUTEX_WAIT, 4, &bad_sec, NULL, 0), EINVAL);
	ERR(sys_futex(&word_a, FUTEX_WAIT, 5, (void *)8, NULL, 0), EFAULT);
	ERR(sys_futex(&word_a, FUTEX_WAIT | FUTEX_CLOCK_REALTIME, 5, NULL, NULL, 0),
	    ENOSYS);
	ERR(sys_futex(&word_a, FUTEX_WAKE | FUTEX_CLOCK_REALTIME, 1, NULL, NULL, 0),
	    ENOSYS);
	ERR(sys_futex(&word_a, FUTEX_WAIT_BITSET, 5, NULL, NULL, 0), EINVAL);
	ERR(sys_futex(&word_a, FUTEX_WAKE_BITSET, 1, NULL, NULL, 0), EINVAL);
	ERR(sys_futex(&word_a, FUTEX_FD, 1, NULL, NULL, 0), ENOSYS);
	ERR(sys_futex(&word_a, FUTEX_LOCK_PI, 1, NULL, NULL, 0), ENOSYS);
	ERR(sys_futex(&word_a, 14, 1, NULL, NULL, 0), ENOSYS);
	ERR(sys_futex(&word_a, 99, 1, NULL, NULL, 0), ENOSYS);
	ERR(sys_futex(pn, FUTEX_WAIT, 0, NULL, NULL, 0), EFAULT);
	ERR(sys_futex(pn, FUTEX_WAKE, 1, NULL, NULL, 0), EFAULT);
	EQ(sys_futex(pn, PRIV_WAKE, 1, NULL, NULL, 0), 0);
	ERR(sys_futex(ro, FUTEX_WAIT, 1, NULL, NULL, 0), EAGAIN); /* reads 0 */
	EQ(sys_futex(ro, FUTEX_WAKE, 1, NULL, NULL, 0), 0);
	ERR(sys_futex(gone, FUTEX_WAKE, 1, NULL, NULL, 0), EFAULT);
	EQ(sys_futex(gone, PRIV_WAKE, 1, NULL, NULL, 0), 0);
	ERR(sys_futex(gone, FUTEX_WAIT, 0, NULL, NULL, 0), EFAULT);
	ERR(sys_futex(&word_a, FUTEX_REQUEUE, 1, (void *)-1L, &word_b, 0), EINVAL);
	ERR(sys_futex(&word_a, FUTEX_CMP_REQUEUE, 1, (void *)1, odd, 5), EINVAL);
	ERR(sys_futex(&word_a, FUTEX_WAKE_OP, 1, (void *)1, ro,
		      FUTEX_OP(FUTEX_OP_SET, 1, FUTEX_OP_CMP_EQ, 0)), EFAULT);
	munmap(pn, PAGE);
	munmap(ro, PAGE);
}

#endif
