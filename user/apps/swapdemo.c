/*
 * swapdemo.c - the page-replacement policies side by side: the same
 * workloads under clock, lru and fifo, with the faults, swap-ins and
 * swap-outs each one took, in one table.
 *
 *	swapdemo [-m SIZE] [-n] [POLICY...]
 *
 * -m SIZE   memory for the workloads (default 1M; 1M to 64M): for the
 *           demo, user memory is capped at what is in use now plus SIZE
 *           (as the boot argument usermem= would), and the cap there was
 *           before is put back at the end. Needs a swap disk.
 * -n        only the reference string on paper (no swap needed)
 * POLICY    the policies to compare (default: clock lru fifo)
 *
 * Each workload runs in a fresh child, sized by the frames R it can
 * fill (the cap, less what is in use, less the reclaim thread's low
 * watermark). It first writes every page once, in order (not counted),
 * then reads:
 *
 *   sequential  2 passes over 2R pages in order
 *   random      8R references among 2R pages, 80% of them to a hot
 *               fifth of the pages (one seed for every policy)
 *   loop        4 passes over R + R/4 pages in order: a working set just
 *               larger than memory, the case that defeats LRU
 *   belady      the reference string 1 2 3 4 1 2 5 1 2 3 4 5 run on paper
 *               (kite_swapsim: the policy's own code on a memory of 3,
 *               then 4 frames): FIFO takes more faults with more frames
 *
 * The counts are the child's own (kite_procs: faults, swap_ins,
 * swap_outs), taken before and after the workload. What to watch for:
 * sequential and loop fault on nearly every page under every policy (no
 * policy can keep a set larger than memory; LRU is no better than FIFO
 * on a loop); random is where use information pays: clock and lru keep
 * the hot pages, fifo throws them out in turn; belady shows the anomaly
 * for fifo (and clock, which degenerates to FIFO when every page is
 * used) and not for lru. Timings vary with the host.
 */
#include "kite.h"

#define PAGE 4096UL
#define MAX_POLICIES 8
#define NPROCS 128

struct result {
	uint64_t pages, refs;
	uint64_t faults, ins, outs, ms;
	int ok; /* 1 once the child filled it in */
};

static const uint32_t belady[] = { 1, 2, 3, 4, 1, 2, 5, 1, 2, 3, 4, 5 };

/* this process's paging counters */
static void my_counters(uint64_t *faults, uint64_t *ins, uint64_t *outs)
{
	static struct kite_procinfo procs[NPROCS];
	long n = kite_procs(procs, NPROCS);
	pid_t me = getpid();

	*faults = *ins = *outs = 0;
	for (long i = 0; i < n && i < NPROCS; i++)
		if (procs[i].pid == me) {
			*faults = procs[i].faults;
			*ins = procs[i].swap_ins;
			*outs = procs[i].swap_outs;
			return;
		}
}

/* Frames a workload may fill now: within the cap, less the reclaim
 * thread's low watermark, which it keeps free. */
static uint64_t frames_room(void)
{
	struct kite_meminfo m;
	struct kite_swapinfo s;

	if (kite_meminfo(&m) < 0 || kite_swap(NULL, &s) < 0 ||
	    m.user_cap == ~0ULL || m.user + s.low + 16 >= m.user_cap)
		return 16;
	return m.user_cap - m.user - s.low;
}

static uint64_t rng;

static uint64_t next_random(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* Run workload w in this (child) process; fill r and exit. */
static void run_workload(const char *w, struct result *r)
{
	uint64_t room = frames_room(), n, f0, i0, o0, t0, sum = 0;
	volatile uint64_t *p;
	const uint64_t words = PAGE / 8;

	n = !strcmp(w, "loop") ? room + room / 4 : 2 * room;
	p = mmap(NULL, n * PAGE, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		exit(2);
	/* setup, not counted: every page written once, in order */
	for (uint64_t i = 0; i < n; i++)
		p[i * words] = i;
	my_counters(&f0, &i0, &o0);
	t0 = monotonic_ns();
	r->pages = n;
	if (!strcmp(w, "sequential")) {
		for (int pass = 0; pass < 2; pass++)
			for (uint64_t i = 0; i < n; i++)
				sum += p[i * words] - i;
		r->refs = 2 * n;
	} else if (!strcmp(w, "random")) {
		/* 80% of the references go to a fifth of the pages */
		uint64_t hot = n / 5;

		rng = 88172645463325252ULL; /* the same string every time */
		for (uint64_t k = 0; k < 4 * n; k++) {
			uint64_t x = next_random();
			uint64_t i = x % 5 ? (x >> 8) % hot : hot + (x >> 8) % (n - hot);

			sum += p[i * words] - i;
		}
		r->refs = 4 * n;
	} else {
		for (int pass = 0; pass < 4; pass++)
			for (uint64_t i = 0; i < n; i++)
				sum += p[i * words] - i;
		r->refs = 4 * n;
	}
	if (sum)
		exit(3); /* a page came back wrong */
	r->ms = (monotonic_ns() - t0) / 1000000;
	my_counters(&r->faults, &r->ins, &r->outs);
	r->faults -= f0;
	r->ins -= i0;
	r->outs -= o0;
	r->ok = 1;
	exit(0);
}

/* One workload under one policy, in a child; 0 or -1. */
static int measure(const char *policy, const char *w, struct result *shared)
{
	int status;
	pid_t pid;

	if (kite_swap(policy, NULL) < 0) {
		printf("swapdemo: policy %s: %s\n", policy, strerror(errno));
		return -1;
	}
	memset(shared, 0, sizeof(*shared));
	pid = fork();
	if (pid < 0) {
		perror("swapdemo: fork");
		return -1;
	}
	if (pid == 0)
		run_workload(w, shared);
	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) ||
	    WEXITSTATUS(status) != 0 || !shared->ok) {
		printf("swapdemo: %s under %s failed (status 0x%x)\n", w, policy,
		       status);
		return -1;
	}
	return 0;
}

static void usage(void)
{
	fprintf(stderr, "usage: swapdemo [-m SIZE] [-n] [POLICY...]\n"
			"  -m SIZE  memory for the workloads, 1M..64M (default 1M)\n"
			"  -n       only Belady's string, on paper\n"
			"  POLICY   clock, lru, fifo (default: all three)\n");
	exit(2);
}

static uint64_t parse_mib(const char *s)
{
	char *end;
	unsigned long v = strtoul(s, &end, 10);

	if (end == s || (*end && strcmp(end, "M") && strcmp(end, "m")))
		return 0;
	return v;
}

static void print_belady(const char **pol, int npol)
{
	printf("\nbelady, on paper: 1 2 3 4 1 2 5 1 2 3 4 5\n");
	printf("  %-8s %16s %16s\n", "policy", "faults, 3 frames",
	       "faults, 4 frames");
	for (int i = 0; i < npol; i++) {
		struct kite_swapsim a, b;

		if (kite_swapsim(pol[i], belady, ARRAY_SIZE(belady), 3, &a) < 0 ||
		    kite_swapsim(pol[i], belady, ARRAY_SIZE(belady), 4, &b) < 0) {
			printf("  %-8s %s\n", pol[i], strerror(errno));
			continue;
		}
		printf("  %-8s %16lu %16lu%s\n", pol[i], (unsigned long)a.faults,
		       (unsigned long)b.faults,
		       b.faults > a.faults ? "   more frames, more faults: "
					     "Belady's anomaly" : "");
	}
}

int main(int argc, char **argv)
{
	static const char *const workloads[] = { "sequential", "random", "loop" };
	const char *pol[MAX_POLICIES] = { "clock", "lru", "fifo" };
	int npol = 3, given = 0, rc = 0, paper = 0;
	uint64_t mib = 1, cap0;
	struct kite_swapinfo s0;
	struct kite_meminfo m;
	struct result *shared;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-m") && i + 1 < argc) {
			mib = parse_mib(argv[++i]);
			if (mib < 1 || mib > 64)
				usage();
		} else if (!strcmp(argv[i], "-n")) {
			paper = 1;
		} else if (argv[i][0] == '-' || given == MAX_POLICIES) {
			usage();
		} else {
			pol[given++] = argv[i];
		}
	}
	if (given)
		npol = given;
	if (kite_swap(NULL, &s0) < 0 || kite_meminfo(&m) < 0) {
		perror("swapdemo");
		return 1;
	}
	for (int i = 0; i < npol; i++)
		if (kite_swapsim(pol[i], belady, 1, 1, &(struct kite_swapsim){ 0 }) < 0) {
			printf("swapdemo: %s: no such policy\n", pol[i]);
			return 2;
		}
	if (paper) {
		print_belady(pol, npol);
		return 0;
	}
	if (!s0.total) {
		puts("swapdemo: no swap disk (start Kite with SWAP=64M, the "
		     "default); -n shows the part on paper");
		return 1;
	}
	shared = mmap(NULL, PAGE, PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (shared == MAP_FAILED) {
		perror("swapdemo: mmap");
		return 1;
	}
	cap0 = m.user_cap;
	if (kite_usermem((m.user + mib * 256) * PAGE) < 0) {
		printf("swapdemo: cannot cap user memory: %s\n", strerror(errno));
		return 1;
	}
	printf("swapdemo: user memory capped at %lu KiB (%lu MiB more than in "
	       "use) for the demo; swap %lu KiB\n",
	       (unsigned long)(m.user + mib * 256) * 4, (unsigned long)mib,
	       (unsigned long)s0.total * 4);
	printf("%-10s %6s %6s  %-6s %7s %9s %9s %7s\n", "workload", "pages",
	       "refs", "policy", "faults", "swap-ins", "swap-outs", "ms");
	for (size_t w = 0; w < ARRAY_SIZE(workloads) && !rc; w++)
		for (int i = 0; i < npol && !rc; i++) {
			if (measure(pol[i], workloads[w], shared) < 0) {
				rc = 1;
				break;
			}
			if (i == 0)
				printf("%-10s %6lu %6lu", workloads[w],
				       (unsigned long)shared->pages,
				       (unsigned long)shared->refs);
			else
				printf("%-10s %6s %6s", "", "", "");
			printf("  %-6s %7lu %9lu %9lu %7lu\n", pol[i],
			       (unsigned long)shared->faults,
			       (unsigned long)shared->ins,
			       (unsigned long)shared->outs,
			       (unsigned long)shared->ms);
		}
	kite_usermem(cap0 == ~0ULL ? KITE_USERMEM_NONE : cap0 * PAGE);
	kite_swap(s0.policy, NULL);
	print_belady(pol, npol);
	return rc;
}
