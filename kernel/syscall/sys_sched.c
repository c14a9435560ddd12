/*
 * sys_sched.c - Linux's scheduling-policy calls and getcpu, answered for
 * Kite's scheduler (docs/SCHED.md, "Linux's policy calls").
 *
 * Kite schedules every user thread in one class, chosen for the whole
 * machine (round robin or stride, `sched` in the shell); Linux's
 * policies are kept per thread (thread->policy) so that a program reads
 * back what it set, as Linux's rules allow an unprivileged process:
 *
 *   SCHED_OTHER, SCHED_BATCH, SCHED_IDLE   priority 0; settable, except
 *                                          leaving SCHED_IDLE (-EPERM:
 *                                          RLIMIT_NICE is 0)
 *   SCHED_FIFO, SCHED_RR                   priority 1..99: -EPERM
 *                                          (RLIMIT_RTPRIO is 0)
 *   SCHED_DEADLINE                         -EINVAL (sched_setattr's)
 *
 * They do not change how Kite runs the thread. SCHED_RESET_ON_FORK is
 * kept with the policy and not passed on: a child thread or process
 * made by fork or clone keeps the policy without it (Linux would turn a
 * real-time policy back into SCHED_OTHER, and no thread here has one).
 * A pid names a thread (0: the caller).
 *
 * Locks: thread->policy changes under proc_lock (which keeps the thread
 * alive while it is looked up); readers load the word.
 */
#include "kernel/clock.h"
#include "kernel/cpu.h"
#include "mm/vmspace.h"
#include "proc/proc.h"
#include "sched/sched.h"
#include "syscall/syscall.h"
#include "uapi/errno.h"
#include "uapi/linux.h"

#define RT_PRIO_MAX 99
#define RT_PRIO_MIN 1

static bool policy_valid(int policy)
{
	return policy == SCHED_OTHER || policy == SCHED_FIFO ||
	       policy == SCHED_RR || policy == SCHED_BATCH ||
	       policy == SCHED_IDLE || policy == SCHED_DEADLINE;
}

static bool policy_rt(int policy)
{
	return policy == SCHED_FIFO || policy == SCHED_RR;
}

/* The thread pid names (0: the caller), or NULL. proc_lock held. */
static struct thread *sched_target_locked(int pid)
{
	assert(spin_holding(&proc_lock));
	return pid == 0 ? current() : thread_lookup_locked(pid);
}

/* Is there a thread pid (0: the caller)? */
static bool sched_target_exists(int pid)
{
	bool found;

	spin_lock(&proc_lock);
	found = sched_target_locked(pid) != NULL;
	spin_unlock(&proc_lock);
	return found;
}

/* sched_setscheduler and sched_setparam (policy -1: keep it). */
static long set_policy(int64_t upid, int policy, uint64_t uparam)
{
	struct kite_sched_param param;
	int pid = (int)upid, reset = 0, cur;
	struct thread *t;
	long err = 0;

	if (!uparam || pid < 0)
		return -EINVAL;
	if (copy_from_user(current()->proc->vm, &param, uparam, sizeof(param)))
		return -EFAULT;
	if (policy != -1) {
		reset = policy & SCHED_RESET_ON_FORK;
		policy &= ~SCHED_RESET_ON_FORK;
		if (!policy_valid(policy))
			return -EINVAL;
	}
	spin_lock(&proc_lock);
	t = sched_target_locked(pid);
	if (!t) {
		err = -ESRCH;
		goto out;
	}
	cur = READ_ONCE(t->policy);
	if (policy == -1) {
		policy = cur & ~SCHED_RESET_ON_FORK;
		reset = cur & SCHED_RESET_ON_FORK;
	}
	if (param.sched_priority < 0 || param.sched_priority > RT_PRIO_MAX ||
	    policy == SCHED_DEADLINE ||
	    policy_rt(policy) != (param.sched_priority != 0)) {
		err = -EINVAL;
	} else if (policy_rt(policy) ||
		   ((cur & ~SCHED_RESET_ON_FORK) == SCHED_IDLE &&
		    policy != SCHED_IDLE)) {
		err = -EPERM; /* RLIMIT_RTPRIO and RLIMIT_NICE are 0 */
	} else {
		WRITE_ONCE(t->policy, policy | reset);
	}
out:
	spin_unlock(&proc_lock);
	return err;
}

/* sched_setscheduler(pid, policy, param) */
SYSCALL(sched_setscheduler)
{
	int policy = (int)tf->a1;

	if (policy < 0)
		return -EINVAL;
	return set_policy((int64_t)tf->a0, policy, tf->a2);
}

/* sched_setparam(pid, param): the priority, under the current policy */
SYSCALL(sched_setparam)
{
	return set_policy((int64_t)tf->a0, -1, tf->a1);
}

/* sched_getscheduler(pid): the policy, with SCHED_RESET_ON_FORK */
SYSCALL(sched_getscheduler)
{
	int pid = (int)tf->a0;
	struct thread *t;
	long ret;

	if (pid < 0)
		return -EINVAL;
	spin_lock(&proc_lock);
	t = sched_target_locked(pid);
	ret = t ? READ_ONCE(t->policy) : -ESRCH;
	spin_unlock(&proc_lock);
	return ret;
}

/* sched_getparam(pid, param): priority 0 (no thread may be real-time) */
SYSCALL(sched_getparam)
{
	struct kite_sched_param param = { 0 };
	int pid = (int)tf->a0;

	if (!tf->a1 || pid < 0)
		return -EINVAL;
	if (!sched_target_exists(pid))
		return -ESRCH;
	return copy_to_user(current()->proc->vm, tf->a1, &param, sizeof(param));
}

SYSCALL(sched_get_priority_max)
{
	int policy = (int)tf->a0;

	if (!policy_valid(policy))
		return -EINVAL;
	return policy_rt(policy) ? RT_PRIO_MAX : 0;
}

SYSCALL(sched_get_priority_min)
{
	int policy = (int)tf->a0;

	if (!policy_valid(policy))
		return -EINVAL;
	return policy_rt(policy) ? RT_PRIO_MIN : 0;
}

/* sched_rr_get_interval(pid, ts): the round-robin time slice (slice=
 * ticks), whatever the policy: every thread gets one. */
SYSCALL(sched_rr_get_interval)
{
	int pid = (int)tf->a0;
	struct kite_timespec ts;
	uint64_t ns;

	if (pid < 0)
		return -EINVAL;
	if (!sched_target_exists(pid))
		return -ESRCH;
	ns = (uint64_t)READ_ONCE(rr_slice_ticks) * NSEC_PER_SEC / clock_hz;
	ts.tv_sec = (int64_t)(ns / NSEC_PER_SEC);
	ts.tv_nsec = (int64_t)(ns % NSEC_PER_SEC);
	return copy_to_user(current()->proc->vm, tf->a1, &ts, sizeof(ts));
}

/* getcpu(cpu, node, cache): the hart the caller runs on (it may move
 * right after, as on Linux), node 0; either pointer may be NULL. */
SYSCALL(getcpu)
{
	struct vmspace *vm = current()->proc->vm;
	unsigned hart = (unsigned)READ_ONCE(current()->cpu), node = 0;

	if (tf->a0 && copy_to_user(vm, tf->a0, &hart, sizeof(hart)))
		return -EFAULT;
	if (tf->a1 && copy_to_user(vm, tf->a1, &node, sizeof(node)))
		return -EFAULT;
	return 0;
}
