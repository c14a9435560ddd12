/*
 * oom.c - the out-of-memory policy.
 *
 * Memory runs out on touch, not on request (regions are filled lazily),
 * so the page-fault path is where it shows: a fault that finds no free
 * frame calls oom_reclaim_wait(), its address space still locked (a
 * victim's exit needs only its own). If a
 * transient failure or another exit has left frames free, it simply
 * retries. Otherwise one process must go: the user process holding the
 * most resident pages and page tables (init only if it is the one
 * faulting) is killed with SIGKILL, unless a process chosen earlier is
 * still dying, in which case the fault waits for its memory instead of
 * choosing a second victim. A victim's memory can come back after it
 * has left the process list (frames it had in swap I/O return when the
 * write ends, on a slow disk long after), so no second victim is chosen
 * within OOM_GRACE_MS of the last kill either. The waiting is a killable
 * sleep, a few milliseconds at a time, bounded in all: a fault never
 * waits forever. If the faulting process is the choice, it ends itself.
 */
#include "kernel/clock.h"
#include "kernel/log.h"
#include "lib/printf.h"
#include "kernel/spinlock.h"
#include "lib/string.h"
#include "mm/pmm.h"
#include "proc/oom.h"
#include "proc/proc.h"
#include "sched/sched.h"

#define OOM_FREE_RETRY 8 /* free frames that make a retry worth it */
#define OOM_WAIT_MS 10   /* a victim's memory takes a moment to come back */
#define OOM_MAX_WAITS 500 /* give up after about five seconds */
#define OOM_GRACE_MS 1000 /* after a kill, time for its memory to return */

static uint64_t oom_last_kill_ns; /* [proc_lock] when the last victim went */
static bool oom_killed_once;      /* [proc_lock] */

/* May a fresh victim be chosen now? proc_lock held. */
static bool oom_grace_over_locked(void)
{
	assert(spin_holding(&proc_lock));
	return !oom_killed_once || clock_monotonic_ns() - oom_last_kill_ns >=
				   (uint64_t)OOM_GRACE_MS * 1000000;
}

bool oom_reclaim_wait(void)
{
	struct proc *me = current()->proc;

	for (int i = 0; i < OOM_MAX_WAITS; i++) {
		struct proc *v;
		uint64_t pages;
		char name[PROC_NAME_LEN];
		int pid = 0;
		bool fresh = false;

		if (pmm_user_available() >= OOM_FREE_RETRY)
			return true;
		if (thread_killed(current()))
			return false;
		spin_lock(&proc_lock);
		v = proc_oom_pick_locked(&pages);
		if (!v) {
			spin_unlock(&proc_lock);
			return false; /* nobody to take memory from */
		}
		/* else wait: v is dying, or the last victim's memory may
		 * still be on its way back */
		if (!proc_killed(v) && oom_grace_over_locked()) {
			proc_kill_locked(v, SIGKILL);
			oom_last_kill_ns = clock_monotonic_ns();
			oom_killed_once = true;
			fresh = true;
		}
		pid = v->pid;
		kstrlcpy(name, v->name, sizeof(name));
		spin_unlock(&proc_lock);
		if (fresh)
			kprintf("out of memory: killed pid %d (%s), %lu KiB\n", pid,
				name, (unsigned long)(pages * (PAGE_SIZE / 1024)));
		if (fresh && v == me)
			return false; /* we were the choice */
		if (sleep_ms(OOM_WAIT_MS))
			return false; /* killed while waiting */
	}
	return false;
}
