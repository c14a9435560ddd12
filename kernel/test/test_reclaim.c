/*
 * test_reclaim.c - in-kernel tests of the replacement policies and the
 * reclaim thread: the policies run on paper (Belady's anomaly under
 * FIFO and not under LRU, second chances under clock, bad input), LRU's
 * aging walk ordering real frames by use, and the reclaim thread
 * bringing a space over a lowered usermem cap back under it, with every
 * frame and slot back at the end.
 */
#include "kernel/ktest.h"
#include "kernel/log.h"
#include "lib/string.h"
#include "mm/pmm.h"
#include "mm/reclaim.h"
#include "mm/swap.h"
#include "mm/vmspace.h"
#include "sched/sched.h"
#include "uapi/errno.h"
#include "uapi/kite.h"
#include "test_mm.h"

/* Belady's reference string */
static const uint32_t belady[] = { 1, 2, 3, 4, 1, 2, 5, 1, 2, 3, 4, 5 };
#define NBELADY (sizeof(belady) / sizeof(belady[0]))

static uint64_t sim_faults(const char *policy, const uint32_t *refs, size_t n,
			   unsigned frames)
{
	struct swap_sim_result r;

	if (swap_simulate(reclaim_policy_find(policy), refs, n, frames, &r))
		return ~0UL;
	return r.faults;
}

KTEST(policy_belady_anomaly)
{
	/* FIFO: more frames, more faults; LRU: a stack algorithm, never */
	KT_ASSERT(sim_faults("fifo", belady, NBELADY, 3) == 9);
	KT_ASSERT(sim_faults("fifo", belady, NBELADY, 4) == 10);
	KT_ASSERT(sim_faults("lru", belady, NBELADY, 3) == 10);
	KT_ASSERT(sim_faults("lru", belady, NBELADY, 4) == 8);
	for (unsigned f = 1; f < 6; f++)
		KT_ASSERTF(sim_faults("lru", belady, NBELADY, f + 1) <=
				   sim_faults("lru", belady, NBELADY, f),
			   "lru with %u frames", f);
	/* all of it fits: one fault per page */
	KT_ASSERT(sim_faults("clock", belady, NBELADY, 5) == 5);
	return 0;
}

KTEST(policy_sim_workloads)
{
	uint32_t loop[40], hot[64];
	struct swap_sim_result r;

	/* a loop over one page more than fits: every policy faults on
	 * every reference (LRU's worst case) */
	for (int i = 0; i < 40; i++)
		loop[i] = (uint32_t)(i % 5);
	KT_ASSERT(sim_faults("lru", loop, 40, 4) == 40);
	KT_ASSERT(sim_faults("fifo", loop, 40, 4) == 40);
	/* one hot page among cold ones: clock and LRU keep it, FIFO
	 * pushes it out every time its turn comes */
	for (int i = 0; i < 64; i++)
		hot[i] = i % 2 ? 0 : (uint32_t)(1 + i / 2);
	KT_ASSERT(sim_faults("lru", hot, 64, 3) == 33);
	KT_ASSERT(sim_faults("clock", hot, 64, 3) == 33);
	KT_ASSERT(sim_faults("fifo", hot, 64, 3) > 33);
	KT_ASSERT(swap_simulate(reclaim_policy_find("clock"), hot, 64, 3, &r) == 0);
	KT_ASSERT(r.chances > 0 && r.evictions == r.faults - 3);
	/* bad input */
	KT_ASSERT(swap_simulate(NULL, hot, 64, 3, &r) == -EINVAL);
	KT_ASSERT(swap_simulate(reclaim_policy_find("lru"), hot, 64, 0, &r) == -EINVAL);
	hot[3] = SWAP_SIM_PAGES;
	KT_ASSERT(swap_simulate(reclaim_policy_find("lru"), hot, 64, 3, &r) == -EINVAL);
	KT_ASSERT(swap_simulate(reclaim_policy_find("lru"), hot, 0, 3, &r) == 0 &&
		  r.faults == 0);
	return 0;
}

#define NPAGES 16

/* A space with n private pages written at *at, page i's first word i. */
static struct vmspace *space_with(long n, long *at, struct page **frames)
{
	struct vmspace *vs = vmspace_create();

	if (!vs || vmspace_init_layout(vs, 0x100000, 8UL << 20))
		return vs;
	*at = vm_mmap(vs, 0, n * PAGE_SIZE, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, RLIM_INF);
	for (long i = 0; *at > 0 && i < n; i++) {
		paddr_t pa = 0;

		mutex_lock(&vs->lock);
		if (vm_fault_locked(vs, *at + i * PAGE_SIZE, VM_WRITE, &pa) == VMF_OK)
			*(uint64_t *)P2V(ALIGN_DOWN(pa, PAGE_SIZE)) = (uint64_t)i;
		mutex_unlock(&vs->lock);
		if (frames)
			frames[i] = pa ? pa_to_page(ALIGN_DOWN(pa, PAGE_SIZE)) : NULL;
	}
	return vs;
}

/* Page i's first word, faulting it back. */
static bool page_ok(struct vmspace *vs, long at, long i)
{
	paddr_t pa;
	bool ok;

	mutex_lock(&vs->lock);
	ok = vm_fault_locked(vs, at + i * PAGE_SIZE, VM_READ, &pa) == VMF_OK &&
	     *(uint64_t *)P2V(ALIGN_DOWN(pa, PAGE_SIZE)) == (uint64_t)i;
	mutex_unlock(&vs->lock);
	return ok;
}

/* LRU's aging walk: frames seen used move behind those not used, in
 * the queue order reclaim takes them. */
KTEST(lru_aging_orders_by_use)
{
	char was[16];
	struct page *f[NPAGES];
	struct vmspace *vs;
	uint64_t held = frames_held();
	long at = 0, last_cold = -1, first_hot = -1;
	int err = 0;

	kstrlcpy(was, reclaim_policy_name(), sizeof(was));
	KT_ASSERT(reclaim_set_policy("lru") == 0);
	vs = space_with(NPAGES, &at, f);
	KT_ASSERT(vs && at > 0);
	reclaim_age_space(vs); /* a clean start: every A bit clear */
	/* the even pages are used (as the hardware would mark them) */
	mutex_lock(&vs->lock);
	for (int i = 0; i < NPAGES; i += 2)
		pt_mark_accessed(vs->root, at + i * PAGE_SIZE, false);
	mutex_unlock(&vs->lock);
	if (reclaim_age_space(vs) != NPAGES / 2)
		err = ktest_fail(__FILE__, __LINE__, "aging saw the wrong count");
	for (int i = 0; i < NPAGES && !err; i++) {
		long pos = reclaim_queue_pos(f[i]);

		if (pos < 0)
			err = ktest_fail(__FILE__, __LINE__, "page %d not queued", i);
		else if (i % 2)
			last_cold = MAX(last_cold, pos);
		else if (first_hot < 0 || pos < first_hot)
			first_hot = pos;
	}
	if (!err && last_cold >= first_hot)
		err = ktest_fail(__FILE__, __LINE__,
				 "a used page (at %ld) would go before an unused "
				 "one (at %ld)", first_hot, last_cold);
	vmspace_put(vs);
	reclaim_set_policy(was);
	KT_ASSERTF(frames_held() == held, "%ld frames not back",
		   (long)(frames_held() - held));
	return err;
}

/* Lower the cap under a space's pages: the reclaim thread (kicked by
 * the cap change) swaps until the watermark holds; the pages come back
 * whole; frames and slots return to baseline. */
KTEST(reclaimd_meets_lowered_cap)
{
	uint64_t held, slots0, cap0 = pmm_user_cap(), low, high, rounds0;
	struct pmm_stats st;
	struct vmspace *vs;
	long at = 0, n = 512;
	int err = 0, waited = 0;

	if (!swap_enabled()) {
		kprintf("blk: no disk, test skipped\n");
		return 0;
	}
	held = frames_held();
	slots0 = slots_used();
	rounds0 = reclaimd_rounds();
	vs = space_with(n, &at, NULL);
	KT_ASSERT(vs && at > 0);
	pmm_get_stats(&st);
	/* room for all but a quarter of the space's pages */
	KT_ASSERT(pmm_set_user_cap(st.user - n / 4) == 0);
	reclaimd_cap_changed();
	reclaimd_watermarks(&low, &high);
	while (pmm_user_available() < high && waited++ < 2000)
		sleep_ms(1);
	if (pmm_user_available() < high)
		err = ktest_fail(__FILE__, __LINE__, "%lu frames available after "
				 "2 s, want %lu", (unsigned long)pmm_user_available(),
				 (unsigned long)high);
	if (!err && reclaimd_rounds() == rounds0)
		err = ktest_fail(__FILE__, __LINE__, "the thread never ran");
	if (!err && vs->swapped < (uint64_t)n / 4)
		err = ktest_fail(__FILE__, __LINE__, "only %lu pages swapped",
				 (unsigned long)vs->swapped);
	pmm_set_user_cap(cap0);
	reclaimd_cap_changed();
	for (long i = 0; i < n && !err; i++)
		if (!page_ok(vs, at, i))
			err = ktest_fail(__FILE__, __LINE__, "page %ld lost", i);
	vmspace_put(vs);
	KT_ASSERT(slots_used() == slots0);
	KT_ASSERTF(frames_held() == held, "%ld frames not back",
		   (long)(frames_held() - held));
	return err;
}
