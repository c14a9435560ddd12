/*
 * swaptests.c - swapping under memory pressure: working sets larger than
 * the memory user pages may hold come back whole.
 *
 * Run it with a cap and a swap disk (make test does, with usermem=16M and
 * the default 64 MiB disk, under each replacement policy):
 *
 *   tools/run.py --bootargs "usermem=16M swap=clock" -- swaptests
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

static const struct test tests[] = {
	T(workset_3x), T(fork_swap), T(many), T(kill_while_swapping),
	T(oom_swap_full),
};

int main(int argc, char **argv)
{
	return tests_main("swaptests", tests, ARRAY_SIZE(tests), argc, argv);
}
