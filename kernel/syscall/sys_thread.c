/*
 * sys_thread.c - system calls of threads: set_tid_address, futex, the
 * robust list, tkill/tgkill and the allowed harts (sched_setaffinity /
 * sched_getaffinity). clone, exit and exit_group are in sys_proc.c.
 *
 * Arguments and errors are Linux's (man 2 of each call). A tid names
 * one thread of any process; 0 is the caller.
 */
#include "kernel/cpu.h"
#include "lib/string.h"
#include "mm/vmspace.h"
#include "proc/futex.h"
#include "proc/proc.h"
#include "signal/signal.h"
#include "syscall/syscall.h"
#include "uapi/errno.h"

#define ROBUST_HEAD_SIZE 24 /* struct robust_list_head: next, offset, pending */
#define CPUMASK_BYTES 8     /* Kite's mask: one 64-bit word (NCPU <= 64) */

static struct vmspace *uvm(void)
{
	return current()->proc->vm;
}

/* set_tid_address(tidptr): the word zeroed and woken at exit; returns
 * the caller's tid. */
SYSCALL(set_tid_address)
{
	current()->clear_child_tid = tf->a0;
	return current()->tid;
}

/* futex(uaddr, op, val, timeout | val2, uaddr2, val3) */
SYSCALL(futex)
{
	return futex_op(tf->a0, (int)tf->a1, (uint32_t)tf->a2, tf->a3, tf->a4,
			(uint32_t)tf->a5);
}

/* set_robust_list(head, len): only the size Linux knows is accepted;
 * the list is walked at exit (thread.c). */
SYSCALL(set_robust_list)
{
	if (tf->a1 != ROBUST_HEAD_SIZE)
		return -EINVAL;
	current()->robust_list = tf->a0;
	return 0;
}

/* get_robust_list(tid, head_ptr, len_ptr): the caller's own (tid 0 or
 * its own tid) or another thread's of its process. */
SYSCALL(get_robust_list)
{
	int tid = (int)(int64_t)tf->a0;
	uint64_t head, len = ROBUST_HEAD_SIZE;
	struct thread *t;

	spin_lock(&proc_lock);
	t = tid ? thread_lookup_locked(tid) : current();
	if (!t || t->proc != current()->proc) {
		spin_unlock(&proc_lock);
		return tid < 0 ? -EINVAL : -ESRCH;
	}
	head = READ_ONCE(t->robust_list);
	spin_unlock(&proc_lock);
	if (copy_to_user(uvm(), tf->a1, &head, sizeof(head)) ||
	    copy_to_user(uvm(), tf->a2, &len, sizeof(len)))
		return -EFAULT;
	return 0;
}

/* tkill(tid, sig), tgkill(tgid, tid, sig): a signal to one thread
 * (signal/signal.c; SIGKILL still ends its whole process). */
SYSCALL(tkill)
{
	return signal_tkill(0, (int)(int64_t)tf->a0, (int)(int64_t)tf->a1);
}

SYSCALL(tgkill)
{
	int tgid = (int)(int64_t)tf->a0;

	if (tgid <= 0)
		return -EINVAL;
	return signal_tkill(tgid, (int)(int64_t)tf->a1, (int)(int64_t)tf->a2);
}

/* The thread tid names for the affinity calls (0: the caller): a user
 * thread (-ESRCH, or -EINVAL for a kernel thread, whose harts are the
 * kernel's). proc_lock held. */
static long affinity_target_locked(int tid, struct thread **out)
{
	struct thread *t = tid == 0 ? current()
		: tid > 0 ? thread_lookup_locked(tid) : NULL;

	if (!t)
		return -ESRCH;
	if (t->proc->flags & PF_KERNEL)
		return -EINVAL;
	*out = t;
	return 0;
}

/* sched_setaffinity(tid, len, mask): the bytes past Kite's 8 are
 * ignored, a shorter mask is zero-extended (as Linux); harts that are
 * not online are dropped, and none left is -EINVAL. */
SYSCALL(sched_setaffinity)
{
	uint64_t mask = 0, online = READ_ONCE(online_mask);
	size_t len = MIN((size_t)tf->a1, (size_t)CPUMASK_BYTES);
	struct thread *t;
	long err;

	if (copy_from_user(uvm(), &mask, tf->a2, len))
		return -EFAULT;
	mask &= online;
	spin_lock(&proc_lock);
	/* as Linux: no such thread before an empty mask */
	err = affinity_target_locked((int)(int64_t)tf->a0, &t);
	if (!err && !mask)
		err = -EINVAL;
	if (!err)
		sched_set_allowed(t, mask);
	spin_unlock(&proc_lock);
	if (!err && t == current())
		sched_leave_disallowed();
	return err;
}

/* sched_getaffinity(tid, len, mask): len must hold Kite's mask and be a
 * multiple of a long (-EINVAL); returns the bytes written (8): the
 * allowed harts that are online. */
SYSCALL(sched_getaffinity)
{
	uint64_t mask = 0;
	size_t len = (size_t)tf->a1;
	struct thread *t;
	long err;

	if (len < CPUMASK_BYTES || (len & (sizeof(long) - 1)))
		return -EINVAL;
	spin_lock(&proc_lock);
	err = affinity_target_locked((int)(int64_t)tf->a0, &t);
	if (!err)
		mask = READ_ONCE(t->allowed) & READ_ONCE(online_mask);
	spin_unlock(&proc_lock);
	if (err)
		return err;
	if (copy_to_user(uvm(), tf->a2, &mask, CPUMASK_BYTES))
		return -EFAULT;
	return CPUMASK_BYTES;
}
