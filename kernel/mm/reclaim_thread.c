/*
 * reclaim_thread.c - the reclaim thread ("reclaimd"): it keeps frames
 * for user pages available before faults run short, and ages frames for
 * policies that order them by use (lru).
 *
 *   available frames (free, within usermem=)
 *     │
 *     ├── high ──── the thread stops reclaiming here
 *     │
 *     ├── low ───── a user allocation that leaves fewer kicks the thread
 *     │             (pmm.c's low hook: one compare when not short)
 *     │
 *     └── 0 ─────── a fault finds no frame: it reclaims directly itself
 *                   (fault.c), and the OOM killer runs only when swap is
 *                   full too
 *
 * The marks follow the cap (or all of memory without one): low is 1/128
 * of it, at least LOW_MIN and at most LOW_MAX frames; high is twice low.
 * The thread sleeps until kicked, or for AGE_PERIOD_MS when the policy
 * ages and memory is not plentiful (available under AGE_FACTOR * high):
 * then each round first walks every address space's page table, moving
 * the frames used since the last walk to the young end of the queue.
 *
 * Locks: kick_wq's lock guards `kicked` and the sleep; reclaiming and
 * aging take what reclaim.c takes (never an address-space mutex by
 * waiting for it), so the thread cannot deadlock with a fault.
 */
#include "kernel/clock.h"
#include "kernel/log.h"
#include "kernel/panic.h"
#include "mm/pmm.h"
#include "mm/reclaim.h"
#include "mm/swap.h"
#include "mm/vmspace.h"
#include "proc/proc.h"
#include "sched/sched.h"

#define LOW_MIN 16          /* frames */
#define LOW_MAX 1024
#define RECLAIM_BATCH 32    /* frames asked of reclaim_frames at once */
#define AGE_PERIOD_MS 100   /* between aging walks while memory is short */
#define AGE_FACTOR 4        /* age below AGE_FACTOR * high available */
#define STUCK_WAIT_MS 10    /* nothing could go: let the others run */

static struct waitqueue kick_wq;
static bool kicked;             /* [kick_wq.lock; racy reads] */
static bool running;            /* [const after start] */
static uint64_t mark_low, mark_high; /* [atomic] frames */
static uint64_t nr_rounds;      /* [atomic] rounds the thread made */

void reclaimd_watermarks(uint64_t *low, uint64_t *high)
{
	*low = READ_ONCE(mark_low);
	*high = READ_ONCE(mark_high);
}

void reclaimd_cap_changed(void)
{
	uint64_t cap = pmm_user_cap();
	uint64_t base = cap != ~0UL ? cap : pmm_total();
	uint64_t low = MIN(MAX(base / 128, (uint64_t)LOW_MIN), (uint64_t)LOW_MAX);

	WRITE_ONCE(mark_low, low);
	WRITE_ONCE(mark_high, 2 * low);
	pmm_set_user_low(running ? low : 0, NULL);
	reclaimd_kick();
}

void reclaimd_kick(void)
{
	if (!running || READ_ONCE(kicked))
		return;
	spin_lock(&kick_wq.lock);
	kicked = true;
	wq_wake_one_locked(&kick_wq);
	spin_unlock(&kick_wq.lock);
}

static bool ages(void)
{
	const struct swap_policy *p = reclaim_policy_find(NULL);

	return p->touched &&
	       pmm_user_available() < AGE_FACTOR * READ_ONCE(mark_high);
}

/* Sleep until kicked, or the next aging walk is due. */
static void reclaimd_wait(void)
{
	uint64_t deadline = ages() ? clock_deadline_ns(AGE_PERIOD_MS * 1000000UL)
				   : UINT64_MAX;

	spin_lock(&kick_wq.lock);
	while (!kicked && arch_time_counter() < deadline)
		wq_sleep_until(&kick_wq, &kick_wq.lock, deadline);
	kicked = false;
	spin_unlock(&kick_wq.lock);
}

static void age_one(struct vmspace *vs, void *arg)
{
	(void)arg;
	reclaim_age_space(vs);
}

/* Reclaim until high frames are available, or nothing more can go. */
static void reclaimd_balance(void)
{
	while (pmm_user_available() < READ_ONCE(mark_high) && swap_has_room()) {
		if (reclaim_frames(RECLAIM_BATCH, NULL) == 0) {
			/* all busy or all used: back off, then look again */
			sleep_ms(STUCK_WAIT_MS);
			break;
		}
	}
}

static int reclaimd_main(void *arg)
{
	(void)arg;
	for (;;) {
		reclaimd_wait();
		__atomic_add_fetch(&nr_rounds, 1, __ATOMIC_RELAXED);
		if (ages())
			vmspace_for_each(age_one, NULL);
		reclaimd_balance();
	}
	return 0;
}

static void low_hook(void)
{
	reclaimd_kick();
}

void reclaimd_start(void)
{
	if (!swap_enabled())
		return; /* nothing to reclaim into */
	wq_init(&kick_wq, "reclaimd");
	if (kernel_worker(reclaimd_main, NULL, "reclaimd")) {
		log_warn("reclaim: no memory for the reclaim thread: faults "
			 "reclaim for themselves");
		return;
	}
	running = true;
	reclaimd_cap_changed();
	pmm_set_user_low(READ_ONCE(mark_low), low_hook);
	log_info("reclaim: reclaimd keeps %lu-%lu frames available",
		 (unsigned long)READ_ONCE(mark_low),
		 (unsigned long)READ_ONCE(mark_high));
}

uint64_t reclaimd_rounds(void)
{
	return __atomic_load_n(&nr_rounds, __ATOMIC_RELAXED);
}
