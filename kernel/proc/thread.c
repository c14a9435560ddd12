/*
 * thread.c - more than one thread in a process: clone(CLONE_THREAD),
 * what a thread's exit does to user memory, and execve's ending of the
 * other threads.
 *
 * A new thread shares its process's address space, pid, children and
 * limits; it gets its own tid (from the pid allocator: proc_add_thread),
 * kernel stack, registers (the caller's, with a0 = 0, its own stack and
 * tp), floating-point registers (the caller's), priority and allowed
 * harts (the caller's). It is in the process's thread list from
 * proc_add_thread until it exits.
 *
 * A thread's life (docs/THREADS.md has the picture):
 *
 *   clone ──► UNINIT ──► RUNNABLE ⇄ RUNNING ⇄ SLEEPING
 *                                      │
 *        exit ─────────────────────────┤ thread_exit: only this one
 *        exit_group, kill, fault ──────┤ proc_group_end_locked: every
 *          (proc->killed)              │ thread leaves at its next kernel
 *        another thread's execve ──────┤ exit point (thread->killed: only
 *          (thread->killed)            │ the others)
 *                                      ▼
 *   robust futexes, CLEARTID word zeroed and woken (thread_exit_user)
 *   off the thread list; the last one out takes the address space
 *   ZOMBIE ──► reaped by the next thread on its hart: tid freed; the
 *              last one's reaping makes the process a ZOMBIE for wait4
 *
 * Locks: proc_lock guards the thread list, nthreads, exec_thread and the
 * tids; thread->killed is an atomic set under proc_lock, read by its
 * thread's sleeps and kernel exits (thread_killed).
 */
#include "arch/arch.h"
#include "arch/trap.h"
#include "arch/trapframe.h"
#include "kernel/cpu.h"
#include "kernel/panic.h"
#include "lib/string.h"
#include "mm/vmspace.h"
#include "proc/clone.h"
#include "proc/futex.h"
#include "proc/proc.h"
#include "signal/signal.h"
#include "uapi/errno.h"
#include "trace/trace.h"

int thread_user_entry(void *unused)
{
	(void)unused;
	arch_return_to_user(current()->tf);
	return 0; /* not reached */
}

int thread_clone(const struct trapframe *tf, const struct clone_args *a)
{
	struct thread *me = current(), *t;
	struct proc *p = me->proc;
	uint32_t tid;
	int ret;

	assert(a->flags & CLONE_THREAD);
	t = thread_alloc(p, thread_user_entry, NULL);
	if (!t)
		return -ENOMEM;
	*t->tf = *tf;
	t->tf->a0 = 0; /* the new thread sees clone() return 0 */
	if (a->stack)
		t->tf->sp = a->stack;
	if (a->flags & CLONE_SETTLS)
		t->tf->tp = a->tls;
	push_off();
	arch_fp_save(me->fp); /* the same floating-point registers */
	pop_off();
	memcpy(t->fp, me->fp, sizeof(t->fp));
	t->se.prio = READ_ONCE(me->se.prio);
	t->policy = thread_policy_inherit(me);
	t->timer_slack_ns = me->timer_slack_ns;
	t->allowed = READ_ONCE(me->allowed);
	kstrlcpy(t->name, me->name, sizeof(t->name));
	if (a->flags & CLONE_CHILD_CLEARTID)
		t->clear_child_tid = a->child_tid;
	signal_thread_init(t, me, false); /* the mask; no altstack (CLONE_VM) */
	ret = proc_add_thread(p, t);
	if (ret < 0) {
		thread_free(t);
		return ret;
	}
	/* before it runs: glibc's new thread reads its tid from there */
	tid = (uint32_t)ret;
	if (a->flags & CLONE_PARENT_SETTID)
		(void)copy_to_user(p->vm, a->parent_tid, &tid, sizeof(tid));
	if (a->flags & CLONE_CHILD_SETTID)
		(void)copy_to_user(p->vm, a->child_tid, &tid, sizeof(tid));
	trace_fork(t, KITE_TRACE_FORK_THREAD);
	sched_start(t);
	return ret;
}

/* One entry of a robust list: the futex word at uaddr, if t owns it,
 * gets FUTEX_OWNER_DIED and a waiter is woken. */
static void robust_entry(struct vmspace *vm, struct thread *t, uint64_t uaddr)
{
	uint32_t cur, next, found;

	for (int tries = 0;; tries++) {
		if (tries == 16 || futex_get_user(vm, uaddr, &cur) ||
		    (cur & FUTEX_TID_MASK) != (uint32_t)t->tid)
			return;
		next = (cur & FUTEX_WAITERS) | FUTEX_OWNER_DIED;
		if (futex_cmpxchg_user(vm, uaddr, cur, next, &found))
			return; /* a bad address: give up, as Linux does */
		if (found == cur)
			break; /* else the word changed under us: again */
	}
	if (cur & FUTEX_WAITERS)
		futex_wake(vm, uaddr, 1, false, FUTEX_BITSET_MATCH_ANY);
}

/*
 * The robust list (set_robust_list): struct robust_list_head { next,
 * futex_offset, list_op_pending } in user memory; each entry's futex
 * word is at entry + futex_offset. At most ROBUST_LIST_LIMIT entries,
 * so a circular list cannot keep the exit going.
 */
static void robust_list_walk(struct vmspace *vm, struct thread *t)
{
	uint64_t head = t->robust_list, entry, pending;
	int64_t offset;

	t->robust_list = 0;
	if (copy_from_user(vm, &entry, head, sizeof(entry)) ||
	    copy_from_user(vm, &offset, head + 8, sizeof(offset)) ||
	    copy_from_user(vm, &pending, head + 16, sizeof(pending)))
		return;
	for (int n = 0; entry != head && n < ROBUST_LIST_LIMIT; n++) {
		uint64_t next;

		if (copy_from_user(vm, &next, entry, sizeof(next)))
			return;
		/* the pending one is done last, as Linux does */
		if (entry != pending)
			robust_entry(vm, t, entry + (uint64_t)offset);
		entry = next;
	}
	if (pending)
		robust_entry(vm, t, pending + (uint64_t)offset);
}

void thread_exit_user(struct thread *t)
{
	struct vmspace *vm = t->proc->vm;
	uint64_t ctid = t->clear_child_tid;
	uint32_t zero = 0;

	assert(t == current() && vm);
	if (t->robust_list)
		robust_list_walk(vm, t);
	t->clear_child_tid = 0;
	/* a joiner waits on the word (non-private, as Linux wakes it) */
	if (ctid && !copy_to_user(vm, ctid, &zero, sizeof(zero)))
		futex_wake(vm, ctid, 1, false, FUTEX_BITSET_MATCH_ANY);
}

int proc_exec_single(void)
{
	struct thread *me = current();
	struct proc *p = me->proc;
	struct list_node *it;
	int err = 0;

	spin_lock(&proc_lock);
	if (thread_killed(me) || p->exec_thread) {
		err = -EINTR; /* the group, or another execve, ends us */
		goto out;
	}
	if (p->nthreads > 1) {
		p->exec_thread = me;
		list_for_each(it, &p->threads) {
			struct thread *t = list_entry(it, struct thread, proc_link);

			if (t == me)
				continue;
			__atomic_store_n(&t->killed, 1, __ATOMIC_SEQ_CST);
			/* pairs with sched_sleep_cancel, as a kill does */
			__atomic_thread_fence(__ATOMIC_SEQ_CST);
			if (!sched_wakeup(t) && READ_ONCE(t->on_cpu))
				sched_kick_thread(t);
		}
		/* the last of them to leave wakes us (thread_exit_common) */
		while (p->nthreads > 1 && !err)
			err = wq_sleep(&p->threads_gone, &proc_lock);
		p->exec_thread = NULL;
		if (err)
			goto out; /* the whole group is ending */
	}
	thread_take_pid_locked(me);
out:
	spin_unlock(&proc_lock);
	return err;
}
