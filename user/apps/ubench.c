/*
 * ubench.c - user-level micro-benchmarks of Kite's hot paths.
 *
 * Each benchmark prints "bench <name> iters=<n> instret=<count>
 * ticks=<count>": retired instructions (exact only when QEMU runs with
 * -icount shift=0) and time-counter ticks, for the whole loop. The
 * instruction counter is the hart's, so it includes the kernel's work
 * and, in the ping-pong, the other process's. tools/bench.py runs this
 * on one hart and turns the lines into per-operation figures.
 *
 * Threads: a thread created and joined (thread_create/thread_join:
 * stack mapped, clone, exit, CLEARTID wake, stack unmapped); a futex
 * round trip between two threads of one process on the one hart (two
 * FUTEX_WAKEs, two FUTEX_WAITs, two switches). "ubench --cross" runs
 * only the round trip with the two threads pinned to harts 0 and 1
 * (sched_setaffinity): each wake is an IPI to the other hart, which
 * wakes from its idle loop (tools/bench.py boots it on 2 harts).
 * "ubench --traced" runs only getpid, as getpid_traced: tools/bench.py
 * boots it with tracing on (docs/TRACE.md), each call writing two records.
 *
 * The memory benchmarks: fork+exit+wait of a process with 16 MiB of
 * touched heap (with copy-on-write the pages are shared, not copied);
 * a page mapped (mmap) or added to the heap (brk) and touched; a
 * demand-zero fault; a copy-on-write fault (a forked child writes one
 * byte per page of a 4 MiB buffer its parent filled; the child reports).
 * A benchmark whose call the kernel lacks says so and prints no line.
 * The capability calls: a lookup (cap_query against getpid), a copy and
 * free, a child built by hand (capload) against spawn.
 *
 * Then the swap workload (a set three times a 2 MiB cap written and
 * read back) under each replacement policy. Last, heavy memory work (a doomed brk of 8 GiB, a 24 MiB heap grown,
 * touched, forked and shrunk, and an exec) and then, for each hart,
 * "irqoff hart=<h> ns=<n> pc=<kernel pc>": the longest stretch it spent
 * with interrupts off during the whole run and where it ended.
 */
#include "kite.h"

#define PAGE 4096L
#define MIB (1L << 20)

static inline uint64_t rdinstret(void)
{
	uint64_t n;

	__asm__ volatile("rdinstret %0" : "=r"(n));
	return n;
}

static inline uint64_t rdtime(void)
{
	uint64_t t;

	__asm__ volatile("rdtime %0" : "=r"(t));
	return t;
}

struct mark {
	uint64_t instret, ticks;
};

static struct mark mark(void)
{
	struct mark m = { rdinstret(), rdtime() };

	return m;
}

static void report(const char *name, long iters, struct mark a)
{
	struct mark b = mark();

	printf("bench %s iters=%ld instret=%lu ticks=%lu\n", name, iters,
	       (unsigned long)(b.instret - a.instret),
	       (unsigned long)(b.ticks - a.ticks));
}

static void bench_getpid(const char *name)
{
	const long n = 10000;
	struct mark a = mark();

	for (long i = 0; i < n; i++)
		getpid();
	report(name, n, a);
}

static void bench_fork(void)
{
	const long n = 200;
	struct mark a = mark();

	for (long i = 0; i < n; i++) {
		int pid = fork();

		if (pid == 0)
			_exit(0);
		waitpid(pid, NULL, 0);
	}
	report("fork_exit_wait", n, a);
}

static void bench_spawn(void)
{
	const long n = 200;
	char *argv[] = { "true", NULL };
	struct mark a = mark();

	for (long i = 0; i < n; i++)
		waitpid(spawn("true", argv, NULL), NULL, 0);
	report("spawn_wait", n, a);
}

static void bench_fork_exec(void)
{
	const long n = 200;
	char *argv[] = { "true", NULL };
	struct mark a = mark();

	for (long i = 0; i < n; i++) {
		int pid = fork();

		if (pid == 0) {
			execve("true", argv, NULL);
			_exit(127);
		}
		waitpid(pid, NULL, 0);
	}
	report("fork_execve_wait", n, a);
}

/* What a capability lookup adds to a call: cap_query (look the handle
 * up in the table under its lock, take and drop a reference to the
 * object) against getpid (no lookup); a capability copied into the
 * table and freed (the table written twice); and a child built by hand
 * through capabilities (capload: image PMO, a PMO per segment, the
 * stack) against spawn_wait's kernel-built one. */
static void bench_caps(void)
{
	const long n = 10000, builds = 200;
	char *argv[] = { "true", NULL };
	struct capload c;
	struct mark a;

	if (cap_query(CAP_SELF) < 0) {
		printf("ubench: no capability calls (%s)\n", strerror(errno));
		return;
	}
	a = mark();
	for (long i = 0; i < n; i++)
		cap_query(CAP_SELF);
	report("cap_query", n, a);
	a = mark();
	for (long i = 0; i < n; i++)
		cap_free(cap_copy(CAP_SELF, CAP_VMSPACE, KITE_CAP_MAP));
	report("cap_copy_free", n, a);
	a = mark();
	for (long i = 0; i < builds; i++) {
		if (capload_build(&c, "true", argv, NULL) || capload_start(&c, 0))
			break;
		waitpid(c.pid, NULL, 0);
		capload_release(&c);
	}
	report("capload_true_wait", builds, a);
}

/* Two processes on one hart yield to each other: one round trip is
 * two switches. */
static void bench_pingpong(void)
{
	const long n = 2000;
	int pid = fork();
	struct mark a;

	if (pid == 0) {
		for (long i = 0; i < n + 10; i++)
			sched_yield();
		_exit(0);
	}
	sched_yield(); /* let the child start */
	a = mark();
	for (long i = 0; i < n; i++)
		sched_yield();
	report("yield_pingpong", n, a);
	waitpid(pid, NULL, 0);
}

/* Grow the heap a page at a time and touch each page. */
static void bench_brk(void)
{
	const long n = 256;
	char *start = sbrk(0);
	struct mark a = mark();

	for (long i = 0; i < n; i++) {
		char *p = sbrk(4096);

		p[0] = 1;
		p[4095] = 1;
	}
	report("brk_grow_touch_page", n, a);
	brk(start);
}

/* Grow the heap by len and write every page; NULL if it cannot. */
static char *heap_touched(long len)
{
	char *p = sbrk(len);

	if (p == (void *)-1) {
		printf("ubench: no memory for %ld MiB of heap\n", len / MIB);
		return NULL;
	}
	for (long off = 0; off < len; off += PAGE)
		p[off] = 1;
	return p;
}

/* fork+exit+wait while the parent has 16 MiB of touched heap. */
static void bench_fork_16m(void)
{
	const long n = 20;
	char *start = sbrk(0);
	struct mark a;

	if (!heap_touched(16 * MIB))
		return;
	a = mark();
	for (long i = 0; i < n; i++) {
		int pid = fork();

		if (pid == 0)
			_exit(0);
		waitpid(pid, NULL, 0);
	}
	report("fork_16m_exit_wait", n, a);
	brk(start);
}

/* An anonymous page mapped and touched, per page (unmapped after). */
static void bench_mmap(void)
{
	enum { N = 256 };
	static char *pages[N];
	struct mark a = mark();

	for (long i = 0; i < N; i++) {
		char *p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (p == MAP_FAILED) {
			printf("ubench: mmap_touch_page: mmap: %s\n", strerror(errno));
			while (i > 0)
				munmap(pages[--i], PAGE);
			return;
		}
		p[0] = 1;
		p[PAGE - 1] = 1;
		pages[i] = p;
	}
	report("mmap_touch_page", N, a);
	for (long i = 0; i < N; i++)
		munmap(pages[i], PAGE);
}

/* A demand-zero fault: the first write to each page of a new 4 MiB
 * anonymous mapping. */
static void bench_fault_zero(void)
{
	const long len = 4 * MIB, n = len / PAGE;
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	struct mark a;

	if (p == MAP_FAILED) {
		printf("ubench: fault_zero: mmap: %s\n", strerror(errno));
		return;
	}
	a = mark();
	for (long off = 0; off < len; off += PAGE)
		p[off] = 1;
	report("fault_zero", n, a);
	munmap(p, len);
}

/* A copy-on-write fault: after a fork, the child's first write to each
 * page of a 4 MiB heap buffer the parent filled. */
static void bench_fault_cow(void)
{
	const long len = 4 * MIB, n = len / PAGE;
	char *start = sbrk(0), *p = heap_touched(len);
	struct mark a;
	int pid;

	if (!p)
		return;
	pid = fork();
	if (pid == 0) {
		a = mark();
		for (long off = 0; off < len; off += PAGE)
			p[off] = 2;
		report("fault_cow", n, a);
		_exit(0);
	}
	waitpid(pid, NULL, 0);
	brk(start);
}

/* The swap workload, once per replacement policy: with user memory
 * capped at 2 MiB more than in use (kite_usermem), a working set three
 * times that (1536 pages) written in order and read back in order; one
 * operation is one page of the set, written and read. Needs swap. */
static void bench_swap_workset(void)
{
	static const char *const policies[] = { "clock", "lru", "fifo" };
	const long n = 3 * 2 * MIB / PAGE;
	struct kite_meminfo m;
	struct kite_swapinfo s;
	uint64_t cap0;

	if (kite_swap(NULL, &s) < 0 || !s.total || kite_meminfo(&m) < 0) {
		printf("ubench: no swap: no swap_workset3x lines\n");
		return;
	}
	cap0 = m.user_cap;
	if (kite_usermem((m.user + 2 * MIB / PAGE) * PAGE) < 0)
		return;
	for (size_t k = 0; k < ARRAY_SIZE(policies); k++) {
		char name[32];
		struct mark a;
		volatile char *p;
		long bad = 0;

		kite_swap(policies[k], NULL);
		p = mmap(NULL, n * PAGE, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			break;
		a = mark();
		for (long i = 0; i < n; i++)
			p[i * PAGE] = (char)i;
		for (long i = 0; i < n; i++)
			bad += p[i * PAGE] != (char)i;
		snprintf(name, sizeof(name), "swap_workset3x_%s", policies[k]);
		if (!bad)
			report(name, n, a);
		else
			printf("ubench: %ld pages came back wrong\n", bad);
		munmap((void *)p, n * PAGE);
	}
	kite_usermem(cap0 == ~0ULL ? KITE_USERMEM_NONE : cap0 * PAGE);
	kite_swap(s.policy, NULL);
}

/* Memory work whose cost grows with the request: none of it may keep
 * interrupts off for long. */
static void heavy_memory_work(void)
{
	const long big = 24L << 20;
	char *start = sbrk(0), *p;
	char *argv[] = { "true", NULL };
	int pid;

	if (sbrk(8L << 30) != (void *)-1)
		printf("ubench: brk of 8 GiB succeeded?\n");
	p = sbrk(big);
	if (p == (void *)-1) {
		printf("ubench: no memory for %ld MiB\n", big >> 20);
		return;
	}
	for (long off = 0; off < big; off += 4096)
		p[off] = 1;
	pid = fork();
	if (pid == 0)
		_exit(p[big - 4096] == 1 ? 0 : 1);
	waitpid(pid, NULL, 0);
	brk(start);
	pid = fork();
	if (pid == 0) {
		execve("true", argv, NULL);
		_exit(127);
	}
	waitpid(pid, NULL, 0);
}

static void report_irqoff(void)
{
	struct kite_cpustat st[16];
	long n = kite_cpustat(st, 16, 0);

	for (long h = 0; h < n && h < 16; h++)
		if (st[h].online)
			printf("irqoff hart=%u ns=%lu pc=0x%lx lock=%s\n", st[h].hart,
			       (unsigned long)st[h].irqoff_max_ns,
			       (unsigned long)st[h].irqoff_max_pc,
			       st[h].irqoff_max_lock[0] ? st[h].irqoff_max_lock : "-");
}

/* ---- threads -------------------------------------------------------- */

static void *thread_nothing(void *arg)
{
	return arg;
}

/* A thread made and joined (its stack mapped, cloned, run, exited,
 * CLEARTID woken, the stack unmapped). */
static void bench_thread(void)
{
	const long n = 200;
	struct mark a = mark();

	for (long i = 0; i < n; i++) {
		thread_t t;

		if (thread_create(&t, thread_nothing, NULL) < 0) {
			printf("bench: thread_create: %s\n", strerror(errno));
			return;
		}
		thread_join(t, NULL);
	}
	report("thread_create_join", n, a);
}

static volatile uint32_t ping_word;

static bool cross; /* the round trip's threads on harts 0 and 1 */

/* Pin the calling thread to one hart; false if there is no such hart. */
static bool pin_to(int hart)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(hart, &set);
	return sched_setaffinity(0, sizeof(set), &set) == 0;
}

static void *ponger(void *arg)
{
	long n = (long)arg;

	if (cross && !pin_to(1)) {
		printf("bench: sched_setaffinity(hart 1): %s\n", strerror(errno));
		return NULL;
	}

	for (long i = 0; i < n; i++) {
		while (ping_word != 1)
			futex(&ping_word, FUTEX_WAIT | FUTEX_PRIVATE_FLAG, 0, NULL,
			      NULL, 0);
		ping_word = 0;
		futex(&ping_word, FUTEX_WAKE | FUTEX_PRIVATE_FLAG, 1, NULL, NULL, 0);
	}
	return NULL;
}

/* Two threads of one process on one hart hand a word back and forth:
 * a round trip is two FUTEX_WAKEs, two FUTEX_WAITs and two switches. */
static void bench_futex_pingpong(void)
{
	const long n = 2000;
	struct mark a;
	thread_t t;

	ping_word = 0;
	if (cross && !pin_to(0)) {
		printf("bench: sched_setaffinity(hart 0): %s\n", strerror(errno));
		return;
	}
	if (thread_create(&t, ponger, (void *)n) < 0)
		return;
	a = mark();
	for (long i = 0; i < n; i++) {
		ping_word = 1;
		futex(&ping_word, FUTEX_WAKE | FUTEX_PRIVATE_FLAG, 1, NULL, NULL, 0);
		while (ping_word != 0)
			futex(&ping_word, FUTEX_WAIT | FUTEX_PRIVATE_FLAG, 1, NULL,
			      NULL, 0);
	}
	report(cross ? "futex_roundtrip_2harts" : "futex_wake_wait_roundtrip",
	       n, a);
	thread_join(t, NULL);
}

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "--cross") == 0) {
		cross = true;
		bench_futex_pingpong();
		printf("bench: done\n");
		return 0;
	}
	if (argc > 1 && strcmp(argv[1], "--traced") == 0) {
		/* booted with "trace": each call writes two records */
		bench_getpid("getpid_traced");
		printf("bench: done\n");
		return 0;
	}
	bench_getpid("getpid");
	bench_caps();
	bench_fork();
	bench_spawn();
	bench_fork_exec();
	bench_pingpong();
	bench_thread();
	bench_futex_pingpong();
	bench_brk();
	bench_fork_16m();
	bench_mmap();
	bench_fault_zero();
	bench_fault_cow();
	bench_swap_workset();
	heavy_memory_work();
	report_irqoff();
	printf("bench: done\n");
	return 0;
}
