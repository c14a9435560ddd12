/*
 * bench.c - micro-benchmarks of the hot paths (boot argument "bench").
 *
 * Each benchmark runs its operation ITERS times, BENCH_REPS times over,
 * and prints one line per repetition:
 *
 *   bench <name> iters=<n> instret=<instructions> ticks=<time counter>
 *
 * tools/bench.py boots Kite twice on one hart: under -icount shift=0,
 * where rdinstret counts guest instructions exactly (its figure), and
 * plainly, for time (the median of the repetitions). Then Kite powers off.
 */
#include "arch/arch.h"
#include "dev/power.h"
#include "kernel/clock.h"
#include "kernel/cpu.h"
#include "kernel/log.h"
#include "lib/printf.h"
#include "mm/kmalloc.h"
#include "mm/pmm.h"
#include "mm/swap.h"
#include "mm/vmspace.h"
#include "uapi/kite.h"
#include "proc/proc.h"
#include "sched/stride.h"

#define BENCH_REPS 5

struct sample {
	uint64_t instret, ticks;
};

static struct sample sample_now(void)
{
	return (struct sample){ arch_instret(), arch_time_counter() };
}

static void report(const char *name, uint64_t iters, struct sample a,
		   struct sample b)
{
	kprintf("bench %s iters=%lu instret=%lu ticks=%lu\n", name,
		(unsigned long)iters, (unsigned long)(b.instret - a.instret),
		(unsigned long)(b.ticks - a.ticks));
}

/* ---- context switch: two threads on one hart yield to each other ---- */

#define SWITCH_ITERS 20000

static struct sample switch_start, switch_end;

static int yielder(void *arg)
{
	bool first = arg != NULL;

	if (first)
		switch_start = sample_now();
	for (int i = 0; i < SWITCH_ITERS; i++)
		sched_yield();
	if (!first)
		switch_end = sample_now();
	return 0;
}

static void bench_switch(void)
{
	uint64_t here = 1UL << cpuid();
	int a = kernel_thread_mask(yielder, (void *)1, "yield-a", here);
	int b = kernel_thread_mask(yielder, NULL, "yield-b", here);

	proc_wait(a, NULL, 0);
	proc_wait(b, NULL, 0);
	/* each of the 2 * ITERS yields switches once */
	report("context_switch", 2 * SWITCH_ITERS, switch_start, switch_end);
}

/* ---- pick_next + enqueue with n runnable threads, per class ---- */

static struct thread *dummies;

static void bench_pick(const char *cls_name, int n)
{
	const struct sched_class *cls = sched_find_class(cls_name);
	static struct runqueue rq;
	static uint64_t storage[HEAP_STORAGE(1024) / 8];
	const int iters = 20000;
	struct sample a, b;
	char name[40];

	spin_init(&rq.lock, "bench.rq");
	list_init(&rq.rr_queue);
	heap_init(&rq.stride_heap, storage, 1024);
	rq.nr_queued = 0;
	rq.curr = NULL;
	rq.idle = NULL;
	for (int i = 0; i < n; i++) {
		list_init(&dummies[i].se.rr_link);
		heap_node_init(&dummies[i].se.heap_node);
		dummies[i].se.prio = 2 + i % 30;
		dummies[i].se.pass = (uint32_t)i * 977;
		cls->enqueue(&rq, &dummies[i], ENQ_NEW);
	}
	a = sample_now();
	for (int i = 0; i < iters; i++) {
		struct thread *t = cls->pick_next(&rq);

		t->se.pass += stride_of(t->se.prio); /* as if it ran a tick */
		cls->enqueue(&rq, t, ENQ_PREEMPT);
	}
	b = sample_now();
	while (cls->pick_next(&rq))
		;
	ksnprintf(name, sizeof(name), "pick_next_%s_%d", cls_name, n);
	report(name, iters, a, b);
}

/* ---- kernel thread: create, run, exit, reap ---- */

static int nothing(void *arg)
{
	(void)arg;
	return 0;
}

static void bench_thread_lifecycle(void)
{
	const int iters = 2000;
	uint64_t here = 1UL << cpuid();
	struct sample a = sample_now(), b;

	for (int i = 0; i < iters; i++)
		proc_wait(kernel_thread_mask(nothing, NULL, "nothing", here), NULL, 0);
	b = sample_now();
	report("kthread_create_exit_wait", iters, a, b);
}

/* ---- allocators ---- */

static void bench_alloc(void)
{
	const int iters = 20000;
	struct sample a, b;

	a = sample_now();
	for (int i = 0; i < iters; i++)
		kfree(kmalloc(64));
	b = sample_now();
	report("kmalloc_kfree_64", iters, a, b);
	a = sample_now();
	for (int i = 0; i < iters; i++)
		pmm_free_pages(pmm_alloc_pages(0, 0), 0);
	b = sample_now();
	report("page_alloc_free", iters, a, b);
}

/* ---- swap: a private page written out to the disk and read back ---- */

#define SWAP_BENCH_PAGES 256

static void bench_swap(void)
{
	struct vmspace *vs;
	struct sample a, b;
	long at;

	if (!swap_enabled())
		return;
	vs = vmspace_create();
	if (!vs || vmspace_init_layout(vs, 0x100000, 8UL << 20))
		goto out;
	at = vm_mmap(vs, 0, SWAP_BENCH_PAGES * PAGE_SIZE, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS, RLIM_INF);
	if (at <= 0)
		goto out;
	for (int i = 0; i < SWAP_BENCH_PAGES; i++)
		vm_fault(vs, at + i * PAGE_SIZE, VM_WRITE);
	mutex_lock(&vs->lock);
	a = sample_now();
	for (int i = 0; i < SWAP_BENCH_PAGES; i++) {
		swap_out(vs, at + i * PAGE_SIZE);
		vm_fault_locked(vs, at + i * PAGE_SIZE, VM_READ, NULL);
	}
	b = sample_now();
	mutex_unlock(&vs->lock);
	report("swap_out_in_page", SWAP_BENCH_PAGES, a, b);
out:
	if (vs)
		vmspace_put(vs);
}

int bench_main(void *unused)
{
	(void)unused;
	dummies = kzalloc(1000 * sizeof(*dummies));
	if (!dummies)
		power_off(1);
	kprintf("bench: timebase=%lu harts=%d\n", (unsigned long)clock_timebase,
		ncpu_online);
	for (int rep = 0; rep < BENCH_REPS; rep++) {
		bench_switch();
		bench_pick("rr", 2);
		bench_pick("rr", 100);
		bench_pick("rr", 1000);
		bench_pick("stride", 2);
		bench_pick("stride", 100);
		bench_pick("stride", 1000);
		bench_thread_lifecycle();
		bench_alloc();
		bench_swap();
	}
	kprintf("bench: done\n");
	power_off(0);
}
