/*
 * swaptests.c - swapping under memory pressure: working sets larger than
 * the memory user pages may hold come back whole.
 *
 * Run it with a cap and a swap disk (make test does, with usermem=16M and
 * the default 64 MiB disk, under each replacement policy):
 *
 *   tools/run.py --bootargs "usermem=16M swap=clock" -- swaptests
 *
 * The working sets are private memory, or shared (MAP_SHARED, written
 * and read by a parent and its child at once: shared_3x).
 *
 * Every page of a working set carries its own pattern (its number and
 * the pass that wrote it in every word), so a page that comes back from
 * the wrong slot, or half written, or not at all, is caught. Each test
 * fails if the machine has no cap or no swap (it would not test
 * anything), if no page was swapped out and back, and, as every test of
 * the shared driver, if a frame or a swap slot is missing at the end
 * (the driver brings its own pages back from swap before it counts).
 */
/* the shared driver has helpers these tests do not need */
#pragma GCC diagnostic ignored "-Wunused-function"
#include "kite.h"
#include "usertests.h"

#define WORDS (PAGE / 8)

static struct kite_meminfo mem(void)
{
	struct kite_meminfo m;

	CHECK(kite_meminfo(&m) == 0, "kite_meminfo: %s", strerror(errno));
	return m;
}

/* Pages in the cap; the test cannot run without a cap and a swap area. */
static uint64_t cap_pages(void)
{
	struct kite_meminfo m = mem();

	CHECK(m.user_cap != ~0ULL, "no usermem= cap: boot with usermem=16M");
	CHECK(m.swap_total > 0, "no swap disk (SWAP=0?)");
	return m.user_cap;
}

static void fill(uint64_t *p, uint64_t page, uint64_t pass)
{
	for (uint64_t k = 0; k < WORDS; k++)
		p[k] = page << 32 | pass << 24 | k;
}

/* Page `page` holds what pass `pass` wrote. */
static void check_page(const uint64_t *p, uint64_t page, uint64_t pass)
{
	for (uint64_t k = 0; k < WORDS; k++)
		if (p[k] != (page << 32 | pass << 24 | k))
			fail("page %lu word %lu: 0x%lx, want 0x%lx (pass %lu)",
			     (unsigned long)page, (unsigned long)k,
			     (unsigned long)p[k],
			     (unsigned long)(page << 32 | pass << 24 | k),
			     (unsigned long)pass);
}

static char *map(uint64_t pages)
{
	char *p = mmap(NULL, pages * PAGE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	CHECK(p != MAP_FAILED, "mmap of %lu pages: %s", (unsigned long)pages,
	      strerror(errno));
	return p;
}

/* Write n pages, then read them back forwards, backwards and with a
 * stride (rewriting as it goes), checking each. */
static void workset(char *base, uint64_t n)
{
	for (uint64_t i = 0; i < n; i++)
		fill((uint64_t *)(base + i * PAGE), i, 1);
	for (uint64_t i = 0; i < n; i++)
		check_page((uint64_t *)(base + i * PAGE), i, 1);
	for (uint64_t i = n; i-- > 0;)
		check_page((uint64_t *)(base + i * PAGE), i, 1);
	for (uint64_t s = 0; s < 7; s++)
		for (uint64_t i = s; i < n; i += 7) {
			check_page((uint64_t *)(base + i * PAGE), i, 1);
			fill((uint64_t *)(base + i * PAGE), i, 2);
		}
	for (uint64_t i = 0; i < n; i++)
		check_page((uint64_t *)(base + i * PAGE), i, 2);
}

/* Three times the cap, in one process: passes in several orders. */
static void t_workset_3x(void)
{
	uint64_t n = 3 * cap_pages();
	struct kite_meminfo m0 = mem(), m1;
	char *p = map(n);

	workset(p, n);
	m1 = mem();
	CHECK(m1.swap_outs - m0.swap_outs >= n, "%lu pages swapped out for "
	      "%lu pages thrice the cap", (unsigned long)(m1.swap_outs - m0.swap_outs),
	      (unsigned long)n);
	CHECK(m1.swap_ins > m0.swap_ins, "nothing swapped back in");
	EQ(munmap(p, n * PAGE), 0);
	pass_note("%lu pages, %lu out, %lu in", (unsigned long)n,
		  (unsigned long)(m1.swap_outs - m0.swap_outs),
		  (unsigned long)(m1.swap_ins - m0.swap_ins));
}

/* Pages of [p, p + n pages) in memory, as mincore says. */
static uint64_t in_memory(const char *p, uint64_t n)
{
	static unsigned char vec[4096];
	uint64_t count = 0;

	CHECK(n <= sizeof(vec), "in_memory: %lu pages", (unsigned long)n);
	EQ(syscall3(SYS_mincore, p, n * PAGE, vec), 0);
	for (uint64_t i = 0; i < n; i++)
		count += vec[i] & 1;
	return count;
}

static void check_pass1(uint64_t *p, uint64_t page, uint64_t pass)
{
	check_page(p, page, pass);
}

/* fn(page, its number, pass 1) for each of n pages at base. */
static void pages_do(char *base, uint64_t n,
		     void (*fn)(uint64_t *, uint64_t, uint64_t))
{
	for (uint64_t i = 0; i < n; i++)
		fn((uint64_t *)(base + i * PAGE), i, 1);
}

/* Locked memory (mlock, private and shared) stays in memory while a
 * working set twice the cap goes through swap beside it; once unlocked,
 * its pages go to swap like any others. */
static void t_mlock_stays(void)
{
	uint64_t cap = cap_pages(), nl = cap / 4, ns = cap / 8, n = 2 * cap;
	char *locked = map(nl), *work = map(n);
	char *shared = mmap(NULL, ns * PAGE, PROT_READ | PROT_WRITE,
			    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	struct kite_meminfo m0, m1;

	CHECK(shared != MAP_FAILED, "mmap shared: %s", strerror(errno));
	pages_do(locked, nl, fill);
	pages_do(shared, ns, fill);
	EQ(syscall2(SYS_mlock, locked, nl * PAGE), 0);
	EQ(syscall2(SYS_mlock, shared, ns * PAGE), 0);
	m0 = mem();
	workset(work, n);
	m1 = mem();
	CHECK(m1.swap_outs - m0.swap_outs >= n / 2, "only %lu pages swapped out",
	      (unsigned long)(m1.swap_outs - m0.swap_outs));
	EQ(in_memory(locked, nl), nl);
	EQ(in_memory(shared, ns), ns);
	pages_do(locked, nl, check_pass1);
	pages_do(shared, ns, check_pass1);
	/* unlocked: the next pass may take them */
	EQ(syscall2(SYS_munlock, locked, nl * PAGE), 0);
	EQ(syscall2(SYS_munlock, shared, ns * PAGE), 0);
	workset(work, n);
	CHECK(in_memory(locked, nl) < nl, "all %lu unlocked pages still in memory",
	      (unsigned long)nl);
	pages_do(locked, nl, check_pass1);
	pages_do(shared, ns, check_pass1);
	EQ(munmap(work, n * PAGE), 0);
	EQ(munmap(locked, nl * PAGE), 0);
	EQ(munmap(shared, ns * PAGE), 0);
	pass_note("%lu locked pages stayed while %lu went out",
		  (unsigned long)(nl + ns), (unsigned long)(m1.swap_outs - m0.swap_outs));
}

static char *shared_base;
static uint64_t shared_n;

static void child_workset(void)
{
	/* the child sees pass 1 (copy-on-write and swap together), then
	 * writes pass 3 over every page: its own copies */
	for (uint64_t i = 0; i < shared_n; i++)
		check_page((uint64_t *)(shared_base + i * PAGE), i, 1);
	for (uint64_t i = 0; i < shared_n; i++)
		fill((uint64_t *)(shared_base + i * PAGE), i, 3);
	for (uint64_t i = shared_n; i-- > 0;)
		check_page((uint64_t *)(shared_base + i * PAGE), i, 3);
}

/* Twice the cap, then fork: the child reads the parent's pages (some
 * swapped, some copy-on-write) and writes its own; the parent's stay. */
static void t_fork_swap(void)
{
	uint64_t n = 2 * cap_pages();
	int st;

	shared_n = n;
	shared_base = map(n);
	for (uint64_t i = 0; i < n; i++)
		fill((uint64_t *)(shared_base + i * PAGE), i, 1);
	st = sub(child_workset, 600000);
	CHECK(st == 0, "the child: status 0x%x", st);
	for (uint64_t i = 0; i < n; i++)
		check_page((uint64_t *)(shared_base + i * PAGE), i, 1);
	EQ(munmap(shared_base, n * PAGE), 0);
}

static void one_of_many(void)
{
	uint64_t n = cap_pages();
	char *p = map(n);

	workset(p, n);
}

/* Three processes at once, each with a working set as large as the cap. */
static void t_many(void)
{
	int pids[3], st;

	for (int i = 0; i < 3; i++) {
		pids[i] = fork();
		CHECK(pids[i] >= 0, "fork: %s", strerror(errno));
		if (pids[i] == 0) {
			one_of_many();
			exit(0);
		}
	}
	for (int i = 0; i < 3; i++) {
		EQ(waitpid(pids[i], &st, 0), pids[i]);
		CHECK(st == 0, "worker %d: status 0x%x", i, st);
	}
}

/* A child that swaps for ever. */
static void thrash(void)
{
	uint64_t n = 2 * cap_pages();
	char *p = map(n);

	for (uint64_t pass = 1;; pass = pass % 200 + 1)
		for (uint64_t i = 0; i < n; i++)
			fill((uint64_t *)(p + i * PAGE), i, pass);
}

/* Processes killed while their pages are on their way to or from the
 * disk: each goes at once, and (the driver checks) every frame and
 * slot comes back. */
static void t_kill_while_swapping(void)
{
	struct kite_meminfo m0 = mem();
	uint64_t seed = 0x9e3779b97f4a7c15ULL;

	cap_pages();
	for (int round = 0; round < 6; round++) {
		pid_t pid = fork();
		int st;
		uint64_t t0;

		CHECK(pid >= 0, "fork: %s", strerror(errno));
		if (pid == 0) {
			thrash();
			exit(0);
		}
		seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
		sleep_ms(100 + (long)(seed >> 33) % 400);
		t0 = now_ms();
		EQ(kill(pid, SIGKILL), 0);
		EQ(waitpid(pid, &st, 0), pid);
		CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL,
		      "round %d: status 0x%x", round, st);
		CHECK(now_ms() - t0 < 5000, "round %d: the kill took %lu ms",
		      round, (unsigned long)(now_ms() - t0));
	}
	CHECK(mem().swap_outs > m0.swap_outs, "the children never swapped");
}

static void hog(void)
{
	/* more than the cap and all of swap together */
	struct kite_meminfo m = mem();
	uint64_t n = m.user_cap + m.swap_total + 1024;
	char *p = mmap(NULL, n * PAGE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	if (p == MAP_FAILED)
		exit(3);
	for (uint64_t i = 0; i < n; i++)
		p[i * PAGE] = 1;
	exit(4); /* touched it all: nothing stopped it */
}

/* Memory and swap both full: the OOM killer takes the hog, the others
 * carry on, and the machine recovers (swap is empty again). */
static void t_oom_swap_full(void)
{
	struct kite_meminfo m0 = mem();
	int st;

	cap_pages();
	st = sub(hog, 300000);
	CHECK(st != -1, "the hog still ran after 300 s");
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL, "the hog: status "
	      "0x%x, want SIGKILL (3: mmap failed, 4: it touched it all)", st);
	CHECK(mem().swap_used <= m0.swap_used + 64, "swap still holds %lu "
	      "pages after the hog went", (unsigned long)(mem().swap_used -
							  m0.swap_used));
	/* and it still works */
	t_workset_3x();
}

/* ---- shared memory ------------------------------------------------------ */

static char *sh_base;               /* MAP_SHARED: the working set */
static uint64_t sh_n;
static volatile uint64_t *sh_stage; /* MAP_SHARED: [0] parent, [1] child */
static char *sh_priv;               /* private: copy-on-write across the fork */
static uint64_t sh_npriv;
static pid_t sh_parent, sh_child;

static uint64_t *sh_page(uint64_t i)
{
	return (uint64_t *)(sh_base + i * PAGE);
}

static uint64_t *priv_page(uint64_t i)
{
	return (uint64_t *)(sh_priv + i * PAGE);
}

/* Side me has finished stage; wait until the other side has too (it
 * must still be there: a parent or child that fails ends this one). */
static void stage_sync(int me, uint64_t stage)
{
	uint64_t t0 = now_ms();
	int st;

	__atomic_store_n(&sh_stage[me], stage, __ATOMIC_SEQ_CST);
	while (__atomic_load_n(&sh_stage[!me], __ATOMIC_SEQ_CST) < stage) {
		if (me == 0 && waitpid(sh_child, &st, WNOHANG) == sh_child) {
			if (WIFEXITED(st) && WEXITSTATUS(st) == 1)
				exit(1); /* it said why */
			fail("the child ended in stage %lu: status 0x%x",
			     (unsigned long)stage, st);
		}
		CHECK(me == 0 || getppid() == sh_parent, "the parent went");
		CHECK(now_ms() - t0 < 250000, "stage %lu: waited 250 s",
		      (unsigned long)stage);
		sleep_ms(2);
	}
}

/*
 * One side of shared_3x: me 0 (the parent) has the lower half of the
 * shared pages, 1 (the child) the upper. Stage 1: write its half, read it
 * backwards, then strided (rewriting it as pass 2); the child checks the
 * private pages and writes its own copies (pass 5), the parent's stay
 * pass 1. Stage 2: the other's half, strided: each page holds pass 2 and
 * gets pass 3. Stage 3: both read every page forwards at once (so one
 * often faults on a page the other is reading in, or that is being
 * written out: it waits for that I/O), and the private pages hold what
 * each side left there.
 */
static void shared_side(int me)
{
	uint64_t half = sh_n / 2;
	uint64_t lo = me ? half : 0, hi = me ? sh_n : half;
	uint64_t olo = me ? 0 : half, ohi = me ? half : sh_n;

	for (uint64_t i = lo; i < hi; i++)
		fill(sh_page(i), i, 1);
	for (uint64_t i = hi; i-- > lo;)
		check_page(sh_page(i), i, 1);
	for (uint64_t s = 0; s < 7; s++)
		for (uint64_t i = lo + s; i < hi; i += 7) {
			check_page(sh_page(i), i, 1);
			fill(sh_page(i), i, 2);
		}
	for (uint64_t i = 0; i < sh_npriv; i++) {
		check_page(priv_page(i), i, 1);
		if (me)
			fill(priv_page(i), i, 5);
	}
	stage_sync(me, 1);
	for (uint64_t s = 0; s < 7; s++)
		for (uint64_t i = olo + s; i < ohi; i += 7) {
			check_page(sh_page(i), i, 2);
			fill(sh_page(i), i, 3);
		}
	stage_sync(me, 2);
	for (uint64_t i = 0; i < sh_n; i++)
		check_page(sh_page(i), i, 3);
	for (uint64_t i = 0; i < sh_npriv; i++)
		check_page(priv_page(i), i, me ? 5 : 1);
}

/* A MAP_SHARED working set three times the cap, written and read by a
 * parent and its child at once (each its own half, then the other's),
 * beside private pages they share copy-on-write; the shared pages go to
 * swap and come back whole on either side, and every slot they held is
 * free after munmap (the object's slots are no process's: the driver
 * counts them at the end, when every process's swapped pages are back). */
static void t_shared_3x(void)
{
	struct kite_meminfo m0 = mem(), m1;
	int st;

	sh_n = 3 * cap_pages();
	sh_npriv = cap_pages() / 4;
	sh_base = mmap(NULL, sh_n * PAGE, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	sh_stage = mmap(NULL, PAGE, PROT_READ | PROT_WRITE,
			MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	CHECK(sh_base != MAP_FAILED && sh_stage != MAP_FAILED,
	      "mmap MAP_SHARED: %s", strerror(errno));
	sh_priv = map(sh_npriv);
	for (uint64_t i = 0; i < sh_npriv; i++)
		fill(priv_page(i), i, 1);
	sh_parent = getpid();
	sh_child = fork();
	CHECK(sh_child >= 0, "fork: %s", strerror(errno));
	if (sh_child == 0) {
		shared_side(1);
		exit(0);
	}
	shared_side(0);
	EQ(waitpid(sh_child, &st, 0), sh_child);
	if (WIFEXITED(st) && WEXITSTATUS(st) == 1)
		exit(1); /* the child printed why */
	CHECK(st == 0, "the child: status 0x%x", st);
	for (uint64_t i = 0; i < sh_n; i += 7) /* the child's writes outlive it */
		check_page(sh_page(i), i, 3);
	m1 = mem();
	CHECK(m1.swap_outs - m0.swap_outs >= sh_n, "%lu pages swapped out for "
	      "%lu shared pages thrice the cap",
	      (unsigned long)(m1.swap_outs - m0.swap_outs), (unsigned long)sh_n);
	CHECK(m1.swap_ins > m0.swap_ins, "nothing swapped back in");
	EQ(munmap(sh_base, sh_n * PAGE), 0);
	EQ(munmap((void *)sh_stage, PAGE), 0);
	EQ(munmap(sh_priv, sh_npriv * PAGE), 0);
	pass_note("%lu shared pages, %lu out, %lu in", (unsigned long)sh_n,
		  (unsigned long)(m1.swap_outs - m0.swap_outs),
		  (unsigned long)(m1.swap_ins - m0.swap_ins));
}

static const struct test tests[] = {
	T(workset_3x), T(fork_swap), T(many), T(kill_while_swapping),
	T(oom_swap_full), T(shared_3x), T(mlock_stays),
};

int main(int argc, char **argv)
{
	return tests_main("swaptests", tests, ARRAY_SIZE(tests), argc, argv);
}
