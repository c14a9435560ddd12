/*
 * sync.h - the library's mutex and condition variable under load (8
 * threads on every hart), a producer/consumer, broadcast and timed
 * waits, the allowed harts (sched_setaffinity pins a thread: it then
 * runs only there), and robust futexes at a thread's exit.
 */
#ifndef KITE_THTESTS_SYNC_H
#define KITE_THTESTS_SYNC_H

#define COUNTER_THREADS 8
#define COUNTER_ITERS 20000L

static mutex_t counter_lock = MUTEX_INIT;
static long counter;             /* [counter_lock] */
static volatile uint64_t counter_harts;

static void *count_up(void *arg)
{
	(void)arg;
	for (long i = 0; i < COUNTER_ITERS; i++) {
		mutex_lock(&counter_lock);
		counter++;
		mutex_unlock(&counter_lock);
		if (i % 2000 == 0) {
			long n;
			struct kite_procinfo *e;

			mutex_lock(&counter_lock); /* the table is shared */
			n = table_read();
			e = table_tid(n, gettid());
			if (e && e->hart >= 0)
				__atomic_or_fetch(&counter_harts, 1UL << e->hart,
						  __ATOMIC_RELAXED);
			mutex_unlock(&counter_lock);
		}
	}
	return NULL;
}

static void t_mutex_counter(void)
{
	thread_t t[COUNTER_THREADS];
	int seen;

	counter = 0;
	counter_harts = 0;
	for (int i = 0; i < COUNTER_THREADS; i++)
		t[i] = spawn_thread(count_up, NULL);
	for (int i = 0; i < COUNTER_THREADS; i++)
		EQ(thread_join(t[i], NULL), 0);
	EQ(counter, COUNTER_THREADS * COUNTER_ITERS);
	seen = __builtin_popcountl(counter_harts);
	CHECK(harts <= 1 || seen > 1, "every thread ran on one hart (mask 0x%lx)",
	      (unsigned long)counter_harts);
	pass_note("%d threads on %d harts", COUNTER_THREADS, seen);
}

/* ---- producer/consumer ---------------------------------------------------- */

#define RING 4
#define PC_ITEMS 3000L

static mutex_t pc_lock = MUTEX_INIT;
static cond_t pc_not_full = COND_INIT, pc_not_empty = COND_INIT;
static long pc_ring[RING];
static int pc_head, pc_count;
static long pc_left, pc_sum, pc_taken;

static void *pc_producer(void *arg)
{
	(void)arg;
	for (long i = 1; i <= PC_ITEMS; i++) {
		mutex_lock(&pc_lock);
		while (pc_count == RING)
			cond_wait(&pc_not_full, &pc_lock);
		pc_ring[(pc_head + pc_count++) % RING] = i;
		cond_signal(&pc_not_empty);
		mutex_unlock(&pc_lock);
	}
	return NULL;
}

static void *pc_consumer(void *arg)
{
	(void)arg;
	mutex_lock(&pc_lock);
	for (;;) {
		while (pc_count == 0 && pc_left > 0)
			cond_wait(&pc_not_empty, &pc_lock);
		if (pc_left == 0)
			break;
		pc_sum += pc_ring[pc_head];
		pc_head = (pc_head + 1) % RING;
		pc_count--;
		pc_taken++;
		if (--pc_left == 0)
			cond_broadcast(&pc_not_empty);
		cond_signal(&pc_not_full);
	}
	mutex_unlock(&pc_lock);
	return NULL;
}

static void t_prodcons(void)
{
	thread_t t[6];

	pc_left = 3 * PC_ITEMS;
	for (int i = 0; i < 3; i++)
		t[i] = spawn_thread(pc_consumer, NULL);
	for (int i = 3; i < 6; i++)
		t[i] = spawn_thread(pc_producer, NULL);
	for (int i = 0; i < 6; i++)
		EQ(thread_join(t[i], NULL), 0);
	EQ(pc_taken, 3 * PC_ITEMS);
	EQ(pc_sum, 3 * (PC_ITEMS * (PC_ITEMS + 1) / 2));
}

/* broadcast wakes every waiter (one now, the others through the mutex
 * they are moved to); a timed wait gives up with ETIMEDOUT. */
static mutex_t bc_lock = MUTEX_INIT;
static cond_t bc_cond = COND_INIT;
static int bc_go, bc_awake;

static void *bc_waiter(void *arg)
{
	(void)arg;
	mutex_lock(&bc_lock);
	while (!bc_go)
		cond_wait(&bc_cond, &bc_lock);
	bc_awake++;
	mutex_unlock(&bc_lock);
	return NULL;
}

static void t_cond_broadcast(void)
{
	struct timespec until;
	thread_t t[5];
	uint64_t t0;

	for (int i = 0; i < 5; i++)
		t[i] = spawn_thread(bc_waiter, NULL);
	for (int i = 0; i < 5; i++)
		wait_asleep(t[i]->tid, "a cond waiter");
	mutex_lock(&bc_lock);
	bc_go = 1;
	cond_broadcast(&bc_cond);
	mutex_unlock(&bc_lock);
	for (int i = 0; i < 5; i++)
		EQ(thread_join(t[i], NULL), 0);
	EQ(bc_awake, 5);
	/* nobody signals: the wait times out, the mutex is ours again */
	clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_nsec += 30000000;
	if (until.tv_nsec >= 1000000000) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000;
	}
	t0 = now_ms();
	mutex_lock(&bc_lock);
	ERR(cond_timedwait(&bc_cond, &bc_lock, &until), ETIMEDOUT);
	CHECK(!mutex_trylock(&bc_lock), "the mutex is not held after the wait");
	mutex_unlock(&bc_lock);
	CHECK(now_ms() - t0 >= 29, "timed out after %lu ms",
	      (unsigned long)(now_ms() - t0));
}

/* ---- allowed harts ------------------------------------------------------ */

static volatile int pin_stop;
static volatile int pin_hart;

/* Spin, and (if told a hart) check each time round that the table
 * shows us there. */
static void *pinned_spinner(void *arg)
{
	cpu_set_t s;
	int h = (int)(long)arg, bad = 0;

	if (h >= 0) {
		CPU_ZERO(&s);
		CPU_SET(h, &s);
		EQ(sched_setaffinity(0, sizeof(s), &s), 0);
		for (int i = 0; i < 200; i++) {
			long n = table_read();
			struct kite_procinfo *e = table_tid(n, gettid());

			bad += !e || e->hart != h;
		}
		CHECK(!bad, "pinned to hart %d, but seen elsewhere %d times of 200",
		      h, bad);
	}
	while (!pin_stop)
		;
	return NULL;
}

static void t_affinity(void)
{
	cpu_set_t s, got;
	thread_t t;
	int n = online_harts(), last = n - 1;

	/* errors */
	CPU_ZERO(&s);
	ERR(sched_setaffinity(0, sizeof(s), &s), EINVAL); /* empty */
	CPU_SET(63, &s);
	ERR(sched_setaffinity(0, sizeof(s), &s), EINVAL); /* no online hart */
	ERR(sched_setaffinity(30000, sizeof(s), &s), ESRCH);
	ERR(sched_setaffinity(0, sizeof(s), NULL), EFAULT);
	ERR(sched_getaffinity(0, 4, &got), EINVAL);
	ERR(sched_getaffinity(0, 12, &got), EINVAL);
	ERR(sched_getaffinity(0, sizeof(got), NULL), EFAULT);
	EQ(syscall3(SYS_sched_getaffinity, 0, sizeof(got), &got), 8);
	ERR(sched_getaffinity(1, sizeof(got), &got), EINVAL); /* a kernel thread */
	/* each hart in turn: a thread pins itself there */
	for (int h = 0; h < n; h++) {
		pin_stop = 0;
		t = spawn_thread(pinned_spinner, (void *)(long)h);
		pin_stop = 1;
		EQ(thread_join(t, NULL), 0);
	}
	/* pinning another thread, running: it moves and stays */
	pin_stop = 0;
	t = spawn_thread(pinned_spinner, (void *)-1L);
	CPU_ZERO(&s);
	CPU_SET(last, &s);
	EQ(sched_setaffinity(t->tid, sizeof(s), &s), 0);
	EQ(sched_getaffinity(t->tid, sizeof(got), &got), 0);
	CHECK(CPU_COUNT(&got) == 1 && CPU_ISSET(last, &got), "its mask: 0x%lx",
	      (unsigned long)got.bits[0]);
	sleep_ms(30); /* a switch or two later it is there */
	for (int i = 0; i < 100; i++) {
		long k = table_read();
		struct kite_procinfo *e = table_tid(k, t->tid);

		CHECK(e && e->hart == last, "pinned to hart %d, seen on %d", last,
		      e ? e->hart : -1);
		sleep_ms(1);
	}
	pin_stop = 1;
	EQ(thread_join(t, NULL), 0);
	/* a new thread inherits its creator's mask */
	EQ(sched_setaffinity(0, sizeof(s), &s), 0);
	t = spawn_thread(sleep_in_futex, NULL);
	EQ(sched_getaffinity(t->tid, sizeof(got), &got), 0);
	CHECK(CPU_ISSET(last, &got) && CPU_COUNT(&got) == 1, "inherited 0x%lx",
	      (unsigned long)got.bits[0]);
}

/* ---- robust futexes ----------------------------------------------------- */

struct robust_head {
	void *next;      /* the first entry, or the head itself */
	long offset;     /* entry + offset: the lock word */
	void *pending;
};

static struct {
	void *next;
	volatile uint32_t lock;
} robust_entry;
static struct robust_head robust;

static void *die_holding(void *arg)
{
	(void)arg;
	robust.next = &robust_entry;
	robust.offset = offsetof(__typeof__(robust_entry), lock);
	robust.pending = NULL;
	robust_entry.next = &robust;
	robust_entry.lock = (uint32_t)gettid() | FUTEX_WAITERS;
	EQ(syscall2(SYS_set_robust_list, &robust, sizeof(robust)), 0);
	return NULL; /* exits holding the lock */
}

static void t_robust(void)
{
	thread_t t;
	uint32_t v;

	ERR(__syscall_ret(syscall2(SYS_set_robust_list, &robust, 23)), EINVAL);
	robust_entry.lock = 1; /* not 0, so the wait below can start */
	t = spawn_thread(die_holding, NULL);
	/* sleep on the word until the kernel wakes us at its exit */
	while (!((v = robust_entry.lock) & FUTEX_OWNER_DIED))
		sys_futex(&robust_entry.lock, FUTEX_WAIT, v, NULL, NULL, 0);
	EQ(thread_join(t, NULL), 0);
	EQ(robust_entry.lock, FUTEX_OWNER_DIED | FUTEX_WAITERS);
}

#endif
