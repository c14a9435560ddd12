/*
 * test_blk.c - in-kernel tests of the virtio-blk driver on the swap disk.
 *
 * blk_whole_device writes a pattern over every sector in 1 MiB requests
 * and reads it all back, checking every word of every sector, and prints
 * the throughput. blk_concurrent runs threads on every hart, each writing
 * and reading back random ranges of its own part of the disk, first with
 * the whole queue, then with room for only two requests, so that
 * requesters must sleep for room. blk_kill_waits kills a thread in the
 * middle of its I/O: its requests still finish, whole. blk_bad_requests
 * checks what is refused (-EINVAL, with no I/O at all) and
 * blk_device_errors what the device itself fails (-EIO).
 *
 * With no disk attached (QEMU without SWAP, or SWAP=0) each test prints
 * "blk: no disk, test skipped" and passes; the test harness fails a run
 * that attached a disk and still sees that line.
 */
#include "dev/blk.h"
#include "dev/platform.h"
#include "kernel/clock.h"
#include "kernel/cpu.h"
#include "kernel/ktest.h"
#include "kernel/log.h"
#include "lib/string.h"
#include "mm/pmm.h"
#include "proc/proc.h"
#include "sched/sched.h"
#include "uapi/errno.h"

#define WORDS_PER_SECTOR (BLK_SECTOR_SIZE / sizeof(uint64_t))
#define WHOLE_ORDER 8          /* 1 MiB buffer for the whole-device pass */
#define CONC_THREADS 8
#define CONC_ROUNDS 24
#define CONC_ORDER 4           /* 64 KiB: the largest random request */
#define CONC_MAX_SECTORS ((PAGE_SIZE << CONC_ORDER) / BLK_SECTOR_SIZE)
#define SQUEEZE_LIMIT 2        /* requests in flight in the squeezed phase */
#define KILL_ROUNDS 32
#define KILL_MAX_ROUNDS 4096    /* the kill never came: give up */
#define LATENCY_REQUESTS 256   /* one-page requests timed one by one */
#define PAGE_SECTORS (PAGE_SIZE / BLK_SECTOR_SIZE)
#define KILL_AFTER_MS 5
#define RAW_BAD_TYPE 0x77      /* no such virtio-blk request type */

static struct blkdev *test_disk(void)
{
	struct blkdev *d = blk_swap_device();

	if (!d)
		kprintf("blk: no disk, test skipped\n");
	return d;
}

static uint64_t pattern(uint64_t sector, unsigned word, uint64_t seed)
{
	return (sector * 0x9e3779b97f4a7c15ULL) ^ seed ^ ((uint64_t)word << 52) ^
	       word;
}

static void fill(uint64_t *buf, uint64_t sector, size_t n, uint64_t seed)
{
	for (size_t s = 0; s < n; s++)
		for (unsigned w = 0; w < WORDS_PER_SECTOR; w++)
			buf[s * WORDS_PER_SECTOR + w] = pattern(sector + s, w, seed);
}

/* The first sector of buf (holding n sectors from sector) that differs
 * from the pattern, or UINT64_MAX if all match. */
static uint64_t first_bad(const uint64_t *buf, uint64_t sector, size_t n,
			  uint64_t seed)
{
	for (size_t s = 0; s < n; s++)
		for (unsigned w = 0; w < WORDS_PER_SECTOR; w++)
			if (buf[s * WORDS_PER_SECTOR + w] !=
			    pattern(sector + s, w, seed))
				return sector + s;
	return UINT64_MAX;
}

static uint64_t rate_mib_s(uint64_t bytes, uint64_t ns)
{
	return ns ? bytes * NSEC_PER_SEC / MiB / ns : 0;
}

KTEST(blk_whole_device)
{
	struct blkdev *d = test_disk();
	const size_t chunk = (PAGE_SIZE << WHOLE_ORDER) / BLK_SECTOR_SIZE;
	uint64_t sectors, seed = clock_monotonic_ns() | 1, t0, t_write, t_read;
	uint64_t bad = UINT64_MAX, s;
	struct page *pg;
	uint64_t *buf;
	int err = 0;

	if (!d)
		return 0;
	sectors = blk_sectors(d);
	KT_ASSERT(sectors > 0);
	pg = pmm_alloc_pages(WHOLE_ORDER, 0);
	KT_ASSERT(pg != NULL);
	buf = page_to_va(pg);
	t0 = clock_monotonic_ns();
	for (s = 0; s < sectors && !err; s += chunk) {
		size_t n = MIN(chunk, sectors - s);

		fill(buf, s, n, seed);
		err = blk_write(d, s, buf, n);
	}
	t_write = clock_monotonic_ns() - t0;
	t0 = clock_monotonic_ns();
	for (s = 0; s < sectors && !err && bad == UINT64_MAX; s += chunk) {
		size_t n = MIN(chunk, sectors - s);

		memset(buf, 0xa5, n * BLK_SECTOR_SIZE);
		err = blk_read(d, s, buf, n);
		if (!err)
			bad = first_bad(buf, s, n, seed);
	}
	t_read = clock_monotonic_ns() - t0;
	pmm_free_pages(pg, WHOLE_ORDER);
	KT_ASSERTF(err == 0, "I/O near sector %lu failed: %d", (unsigned long)s, err);
	KT_ASSERTF(bad == UINT64_MAX, "sector %lu read back wrong",
		   (unsigned long)bad);
	kprintf("blk: %lu MiB in %lu KiB requests: written in %lu ms (%lu MiB/s, "
		"pattern included), read and checked in %lu ms (%lu MiB/s)\n",
		(unsigned long)(sectors * BLK_SECTOR_SIZE / MiB),
		(unsigned long)(chunk * BLK_SECTOR_SIZE / KiB),
		(unsigned long)(t_write / 1000000),
		(unsigned long)rate_mib_s(sectors * BLK_SECTOR_SIZE, t_write),
		(unsigned long)(t_read / 1000000),
		(unsigned long)rate_mib_s(sectors * BLK_SECTOR_SIZE, t_read));
	return 0;
}

struct worker {
	struct blkdev *d;
	uint64_t first, count; /* its part of the disk */
	uint64_t rng;
	int rounds;
	uint64_t harts;        /* harts it ran on */
	uint64_t bad;          /* first wrong sector, UINT64_MAX if none */
	int err;
	uint64_t *out, *in;    /* CONC_ORDER blocks */
};

static struct worker workers[CONC_THREADS];

static uint64_t next_rand(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

/* Write a random range of the worker's part and read it back: false
 * once something went wrong (w->err, w->bad). */
static bool worker_round(struct worker *w)
{
	size_t n = 1 + next_rand(&w->rng) % CONC_MAX_SECTORS;
	uint64_t s = w->first + next_rand(&w->rng) % (w->count - n + 1);
	uint64_t seed = next_rand(&w->rng);

	fill(w->out, s, n, seed);
	w->err = blk_write(w->d, s, w->out, n);
	w->harts |= 1UL << cpuid();
	if (w->err)
		return false;
	memset(w->in, 0, n * BLK_SECTOR_SIZE);
	w->err = blk_read(w->d, s, w->in, n);
	w->harts |= 1UL << cpuid();
	if (!w->err)
		w->bad = first_bad(w->in, s, n, seed);
	return !w->err && w->bad == UINT64_MAX;
}

static int worker_main(void *arg)
{
	struct worker *w = arg;

	for (int r = 0; r < w->rounds && worker_round(w); r++)
		;
	return 0;
}

/* Rounds until killed, then w->rounds more: every one must succeed.
 * w->rounds becomes the number done after the kill. */
static int victim_main(void *arg)
{
	struct worker *w = arg;
	int after = 0;

	for (int r = 0; r < KILL_MAX_ROUNDS && after < w->rounds; r++) {
		if (!worker_round(w))
			break;
		if (proc_killed(current()->proc))
			after++;
	}
	w->rounds = after;
	return 0;
}

/* Run the workers on every hart at once; 0 or why not. */
static int run_workers(struct blkdev *d, int rounds, uint64_t *harts)
{
	uint64_t part = blk_sectors(d) / CONC_THREADS;
	int pids[CONC_THREADS];

	*harts = 0;
	for (int i = 0; i < CONC_THREADS; i++) {
		struct worker *w = &workers[i];

		w->d = d;
		w->first = part * (uint64_t)i;
		w->count = part;
		w->rng = clock_monotonic_ns() * 2654435761ULL + (uint64_t)i + 1;
		w->rounds = rounds;
		w->harts = 0;
		w->bad = UINT64_MAX;
		w->err = 0;
	}
	for (int i = 0; i < CONC_THREADS; i++) {
		pids[i] = kernel_thread(worker_main, &workers[i], "blkworker");
		if (pids[i] < 0)
			return ktest_fail(__FILE__, __LINE__, "thread: %d", pids[i]);
	}
	for (int i = 0; i < CONC_THREADS; i++)
		proc_wait(pids[i], NULL, 0);
	for (int i = 0; i < CONC_THREADS; i++) {
		struct worker *w = &workers[i];

		*harts |= w->harts;
		if (w->err)
			return ktest_fail(__FILE__, __LINE__, "worker %d: I/O error %d",
					  i, w->err);
		if (w->bad != UINT64_MAX)
			return ktest_fail(__FILE__, __LINE__,
					  "worker %d: sector %lu read back wrong", i,
					  (unsigned long)w->bad);
	}
	return 0;
}

static int count_harts(uint64_t mask)
{
	return __builtin_popcountl(mask);
}

KTEST(blk_concurrent)
{
	struct blkdev *d = test_disk();
	struct blk_stats before = { 0 }, full = { 0 }, squeezed = { 0 };
	struct page *pages[2 * CONC_THREADS] = { 0 };
	uint64_t harts_full = 0, harts_sq = 0, t_full = 0;
	unsigned was;
	int err = 0;

	if (!d)
		return 0;
	KT_ASSERT(blk_sectors(d) / CONC_THREADS > CONC_MAX_SECTORS);
	for (int i = 0; i < 2 * CONC_THREADS && !err; i++) {
		pages[i] = pmm_alloc_pages(CONC_ORDER, 0);
		err = pages[i] ? 0 : -ENOMEM;
	}
	if (!err) {
		for (int i = 0; i < CONC_THREADS; i++) {
			workers[i].out = page_to_va(pages[2 * i]);
			workers[i].in = page_to_va(pages[2 * i + 1]);
		}
		blk_get_stats(d, &before);
		blk_test_limit(d, 0); /* the whole queue; max_inflight reset */
		t_full = clock_monotonic_ns();
		err = run_workers(d, CONC_ROUNDS, &harts_full);
		t_full = clock_monotonic_ns() - t_full;
		blk_get_stats(d, &full);
	}
	if (!err) {
		was = blk_test_limit(d, SQUEEZE_LIMIT);
		err = run_workers(d, CONC_ROUNDS, &harts_sq);
		blk_get_stats(d, &squeezed);
		blk_test_limit(d, was);
	}
	for (int i = 0; i < 2 * CONC_THREADS; i++)
		if (pages[i])
			pmm_free_pages(pages[i], CONC_ORDER);
	KT_ASSERTF(err == 0, "setting up: %d", err);
	kprintf("blk: %d threads on %d harts: %lu requests of 0.5-32 KiB in "
		"%lu ms, at most %u of %u in flight; limited to %d: %lu waits "
		"for room, at most %u in flight\n",
		CONC_THREADS, count_harts(harts_full | harts_sq),
		(unsigned long)(full.reads + full.writes - before.reads -
				before.writes),
		(unsigned long)(t_full / 1000000), full.max_inflight,
		full.limit, SQUEEZE_LIMIT,
		(unsigned long)(squeezed.queue_waits - full.queue_waits),
		squeezed.max_inflight);
	KT_ASSERT(full.reads - before.reads >= CONC_THREADS * CONC_ROUNDS);
	KT_ASSERT(full.writes - before.writes >= CONC_THREADS * CONC_ROUNDS);
	KT_ASSERTF(full.max_inflight >= 2, "never two requests in flight");
	KT_ASSERTF(squeezed.max_inflight == SQUEEZE_LIMIT,
		   "%u in flight with a limit of %d", squeezed.max_inflight,
		   SQUEEZE_LIMIT);
	KT_ASSERTF(squeezed.queue_waits > full.queue_waits,
		   "nobody waited for room with a limit of %d", SQUEEZE_LIMIT);
	KT_ASSERT(squeezed.errors == before.errors && squeezed.inflight == 0);
	KT_ASSERTF(ncpu_online == 1 || count_harts(harts_full | harts_sq) >= 2,
		   "the workers ran on one hart only");
	return 0;
}

/* A thread killed while it waits for the disk still gets every request
 * done, and whole, and so do the requests it makes afterwards (kernel
 * threads go on after a kill): the kill does not end the sleeps. */
KTEST(blk_kill_waits)
{
	struct blkdev *d = test_disk();
	struct page *pg[2];
	struct worker *w = &workers[0];
	struct proc *p;
	int pid;

	if (!d)
		return 0;
	pg[0] = pmm_alloc_pages(CONC_ORDER, 0);
	pg[1] = pmm_alloc_pages(CONC_ORDER, 0);
	if (!pg[0] || !pg[1]) {
		for (int i = 0; i < 2; i++)
			if (pg[i])
				pmm_free_pages(pg[i], CONC_ORDER);
		return ktest_fail(__FILE__, __LINE__, "no memory");
	}
	w->d = d;
	w->first = 0;
	w->count = blk_sectors(d);
	w->rng = clock_monotonic_ns() | 1;
	w->rounds = KILL_ROUNDS;
	w->bad = UINT64_MAX;
	w->err = 0;
	w->out = page_to_va(pg[0]);
	w->in = page_to_va(pg[1]);
	pid = kernel_thread(victim_main, w, "blkvictim");
	if (pid > 0) {
		sleep_ms(KILL_AFTER_MS);
		spin_lock(&proc_lock);
		p = proc_lookup_locked(pid);
		if (p && p->state == P_ALIVE)
			proc_kill_locked(p, SIGKILL); /* past kill(2)'s checks */
		spin_unlock(&proc_lock);
		proc_wait(pid, NULL, 0);
	}
	pmm_free_pages(pg[0], CONC_ORDER);
	pmm_free_pages(pg[1], CONC_ORDER);
	KT_ASSERTF(pid > 0, "thread: %d", pid);
	KT_ASSERTF(w->err == 0, "a killed requester got %d", w->err);
	KT_ASSERTF(w->bad == UINT64_MAX, "sector %lu read back wrong",
		   (unsigned long)w->bad);
	KT_ASSERTF(w->rounds == KILL_ROUNDS, "%d rounds after the kill",
		   w->rounds);
	return 0;
}

/* One page at a time, one thread: what swapping a page out or in costs
 * (printed; nothing is asserted about time). */
KTEST(blk_page_latency)
{
	struct blkdev *d = test_disk();
	uint64_t t0, t_write, t_read;
	struct page *pg;
	void *buf;
	int err = 0;

	if (!d)
		return 0;
	KT_ASSERT(blk_sectors(d) >= LATENCY_REQUESTS * PAGE_SECTORS);
	pg = pmm_alloc_pages(0, 0);
	KT_ASSERT(pg != NULL);
	buf = page_to_va(pg);
	fill(buf, 0, PAGE_SECTORS, 7);
	t0 = clock_monotonic_ns();
	for (int i = 0; i < LATENCY_REQUESTS && !err; i++)
		err = blk_write(d, (uint64_t)i * PAGE_SECTORS, buf, PAGE_SECTORS);
	t_write = clock_monotonic_ns() - t0;
	t0 = clock_monotonic_ns();
	for (int i = 0; i < LATENCY_REQUESTS && !err; i++)
		err = blk_read(d, (uint64_t)i * PAGE_SECTORS, buf, PAGE_SECTORS);
	t_read = clock_monotonic_ns() - t0;
	pmm_free_pages(pg, 0);
	KT_ASSERTF(err == 0, "I/O error %d", err);
	kprintf("blk: one 4 KiB request at a time: write %lu us, read %lu us\n",
		(unsigned long)(t_write / LATENCY_REQUESTS / 1000),
		(unsigned long)(t_read / LATENCY_REQUESTS / 1000));
	return 0;
}

/* What is refused is refused before any I/O. */
KTEST(blk_bad_requests)
{
	struct blkdev *d = test_disk();
	char on_stack[2 * BLK_SECTOR_SIZE];
	struct blk_stats before, after;
	struct page *pg;
	uint64_t *buf, last;
	char *aligned_stack;
	int bad[12], i = 0, err;

	if (!d)
		return 0;
	last = blk_sectors(d) - 1;
	pg = pmm_alloc_pages(0, 0);
	KT_ASSERT(pg != NULL);
	buf = page_to_va(pg);
	aligned_stack = (char *)ALIGN_UP((uintptr_t)on_stack, BLK_SECTOR_SIZE);
	blk_get_stats(d, &before);
	bad[i++] = blk_read(NULL, 0, buf, 1);
	bad[i++] = blk_read(d, 0, buf, 0);                 /* zero length */
	bad[i++] = blk_write(d, 0, buf, 0);
	bad[i++] = blk_read(d, last + 1, buf, 1);          /* past the end */
	bad[i++] = blk_write(d, last, buf, 2);             /* runs past it */
	bad[i++] = blk_read(d, UINT64_MAX, buf, 2);        /* wraps around */
	bad[i++] = blk_read(d, 0, (char *)buf + 1, 1);     /* misaligned */
	bad[i++] = blk_write(d, 0, (char *)buf + 256, 1);
	bad[i++] = blk_read(d, 0, aligned_stack, 1);       /* a kernel stack */
	bad[i++] = blk_read(d, 0, (void *)0x10000, 1);     /* user address */
	bad[i++] = blk_read(d, 0, P2V(UART0_PA), 1);       /* not RAM */
	bad[i++] = blk_read(d, 0, buf, SIZE_MAX);          /* absurd length */
	blk_get_stats(d, &after);
	for (int k = 0; k < i; k++)
		if (bad[k] != -EINVAL) {
			pmm_free_pages(pg, 0);
			return ktest_fail(__FILE__, __LINE__,
					  "bad request %d returned %d", k, bad[k]);
		}
	/* the very last sector is fine */
	fill(buf, last, 1, 42);
	err = blk_write(d, last, buf, 1);
	memset(buf, 0, BLK_SECTOR_SIZE);
	if (!err)
		err = blk_read(d, last, buf, 1);
	last = err ? 0 : first_bad(buf, last, 1, 42);
	pmm_free_pages(pg, 0);
	KT_ASSERTF(after.reads == before.reads && after.writes == before.writes,
		   "refused requests reached the device");
	KT_ASSERTF(err == 0, "the last sector: %d", err);
	KT_ASSERT(last == UINT64_MAX);
	return 0;
}

/* Errors the device reports come back as -EIO, and the disk goes on. */
KTEST(blk_device_errors)
{
	struct blkdev *d = test_disk();
	struct blk_stats before, after;
	struct page *pg;
	void *buf;
	int beyond, unsupported, fine;

	if (!d)
		return 0;
	pg = pmm_alloc_pages(0, 0);
	KT_ASSERT(pg != NULL);
	buf = page_to_va(pg);
	blk_get_stats(d, &before);
	beyond = blk_test_raw(d, 0 /* read */, blk_sectors(d), buf, 1);
	unsupported = blk_test_raw(d, RAW_BAD_TYPE, 0, buf, 1);
	fine = blk_read(d, 0, buf, 1);
	blk_get_stats(d, &after);
	pmm_free_pages(pg, 0);
	KT_ASSERTF(beyond == -EIO, "a read past the end gave %d", beyond);
	KT_ASSERTF(unsupported == -EIO, "an unknown request gave %d", unsupported);
	KT_ASSERTF(fine == 0, "a read after the errors gave %d", fine);
	KT_ASSERT(after.errors == before.errors + 2);
	return 0;
}
