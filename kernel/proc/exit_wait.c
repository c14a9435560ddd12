/*
 * exit_wait.c - threads and processes end, the parent collects the status.
 *
 * A thread exits (thread_exit_common): it does what its user memory
 * needs (robust futexes, CLEARTID: thread.c), moves its hart to the
 * kernel's page table, and leaves its process's thread list under
 * proc_lock. The last thread to leave hands the children to init and
 * takes the address space with it; every thread marks itself ZOMBIE and
 * switches away for good. The next thread on that hart
 * (sched_finish_switch) frees the thread's stack and struct; the last
 * of them to be reaped only then makes the process a ZOMBIE and wakes
 * its parent. So a zombie holds nothing but its pid, name and status, and
 * when wait returns every frame of the child is back.
 *
 * A group end (exit_group, kill, a fatal fault, the OOM killer:
 * proc_group_end_locked) records the process's status once and sets
 * proc->killed; every thread is woken from its sleep or interrupted and
 * exits at its next kernel exit point (arch_return_to_user), so the
 * last one out makes the process a zombie with that status.
 *
 * proc_wait: scans the caller's children under proc_lock; reaps a zombie
 * (frees its pid and struct), reports a stop or continue (WUNTRACED,
 * WCONTINUED: proc->sig.report), or sleeps on its own child_exit queue.
 * Statuses use the Linux wait encoding (exit code << 8, signal, core bit
 * 0x80, 0x7f | sig << 8 stopped, 0xffff continued).
 *
 * SIGCHLD: when the last thread of a process is reaped, its parent gets
 * its exit signal (signal_notify_parent_locked); a parent that ignores
 * SIGCHLD (or set SA_NOCLDWAIT) has its children reaped as soon as they
 * are zombies (autoreap_locked), so its own wait4 finds no child
 * (-ECHILD).
 */
#include "cap/cap.h"
#include "dev/console.h"
#include "file/file.h"
#include "kernel/cpu.h"
#include "kernel/log.h"
#include "mm/memlayout.h"
#include "mm/vmspace.h"
#include "kernel/panic.h"
#include "proc/clone.h"
#include "proc/proc.h"
#include "signal/signal.h"
#include "uapi/errno.h"
#include "trace/trace.h"


/* Move p's children to init; wake init if one is already a zombie. */
static void reparent_children_locked(struct proc *p)
{
	bool zombie = false;

	while (!list_empty(&p->children)) {
		struct proc *c = list_entry(list_pop_front(&p->children),
					    struct proc, sibling);

		c->parent = init_proc;
		list_push_back(&init_proc->children, &c->sibling);
		zombie |= c->state == P_ZOMBIE;
		if (c->pdeath_signal && c->state == P_ALIVE)
			signal_send_proc_locked(c, c->pdeath_signal, NULL);
	}
	if (zombie)
		wq_wake_all(&init_proc->child_exit);
}

void proc_exit(int code)
{
	proc_exit_wstatus(W_EXITCODE(code, 0));
}

/*
 * The calling thread leaves p. The last thread to leave takes the
 * address space from p (under proc_lock, so ps never sees a space that is
 * going) and only then drops the reference. Every thread first moves
 * its hart to the kernel's page table, with interrupts off until it
 * has left the list (the scheduler would install p->vm again), so the
 * space goes only when no hart has it installed.
 */
static __attribute__((noreturn)) void thread_exit_common(void)
{
	struct thread *t = current();
	struct proc *p = t->proc;
	struct vmspace *vm = NULL;
	bool last = false;

	assert(p != &kernel_proc);
	if (p == init_proc)
		panic("init exited with status %d", p->exit_status);
	if (p->vm)
		thread_exit_user(t); /* may sleep: user memory */
	push_off(); /* stay off from here to the switch */
	vmspace_switch(NULL);
	spin_lock(&proc_lock);
	list_remove(&t->proc_link);
	thread_unlist_tid_locked(t);
	p->nthreads--;
	__atomic_add_fetch(&p->ticks, t->ticks, __ATOMIC_RELAXED);
	if (p->nthreads == 0) {
		last = true;
		reparent_children_locked(p);
		itimer_proc_exit_locked(p);
		vm = p->vm;
		p->vm = NULL;
		/* the group's last process: Ctrl-C must not reach the
		 * pgid once it is reused */
		if (!(p->flags & PF_KERNEL) && !proc_pgrp_alive_locked(p->pgid, p))
			console_pgrp_ended_locked(p->pgid);
		/* Linux lets TIOCSPGRP name a pid that leads no group */
		if (!(p->flags & PF_KERNEL) && p->pgid != p->pid &&
		    !proc_pgrp_alive_locked(p->pid, p))
			console_pgrp_ended_locked(p->pid);
	} else if (p->exec_thread && p->nthreads == 1) {
		wq_wake_all(&p->threads_gone); /* execve waits for us all */
	}
	spin_unlock(&proc_lock);
	if (last && p->files) {
		/* its descriptors close before the parent hears: a pipe's
		 * other end sees EOF or EPIPE now */
		pop_off();
		fdtable_proc_exit(p);
		push_off();
	}
	if (vm) {
		pop_off();
		proc_vfork_release(p); /* a vfork parent goes on */
		vmspace_release(vm); /* its memory is back before the parent hears */
		cap_group_exit(p); /* the last thread: its capabilities go */
		push_off();
	}
	trace_exit(t, vm || (p->flags & PF_KERNEL));
	thread_set_state(t, T_ZOMBIE);
	schedule();
	panic("zombie thread %d ran again", t->tid);
}

void proc_exit_wstatus(int wstatus)
{
	struct proc *p = current()->proc;

	if (p == init_proc)
		panic("init exited with status %d", wstatus);
	spin_lock(&proc_lock);
	proc_group_end_locked(p, wstatus, (wstatus & 0x7f) ? wstatus & 0x7f
							   : SIGKILL);
	spin_unlock(&proc_lock);
	thread_exit_common();
}

void thread_exit(int code)
{
	struct thread *t = current();
	struct proc *p = t->proc;

	spin_lock(&proc_lock);
	/* as Linux: a process whose threads all exit one by one ends with
	 * its first thread's code */
	if (!p->group_exit && t->tid == p->pid)
		p->exit_status = W_EXITCODE(code, 0);
	spin_unlock(&proc_lock);
	thread_exit_common();
}

void thread_exit_killed(void)
{
	thread_exit_common();
}

/* A stop or continue of child c that wait4 with options reports, or 0. */
static int wait_report_locked(struct proc *c, int options)
{
	int code = c->sig.report_code;

	if ((code == CLD_STOPPED && (options & WUNTRACED)) ||
	    (code == CLD_CONTINUED && (options & WCONTINUED)))
		return c->sig.report;
	return 0;
}

int proc_wait(int pid, int *status, int options)
{
	struct proc *me = current()->proc;

	spin_lock(&proc_lock);
	for (;;) {
		struct list_node *it;
		bool have = false;
		int err;

		list_for_each(it, &me->children) {
			struct proc *c = list_entry(it, struct proc, sibling);
			int cpid = c->pid, report;

			if ((pid > 0 && cpid != pid) ||
			    (pid < -1 && c->pgid != -pid))
				continue;
			have = true;
			if (c->state != P_ZOMBIE) {
				report = wait_report_locked(c, options);
				if (!report)
					continue;
				c->sig.report = c->sig.report_code = 0;
				spin_unlock(&proc_lock);
				if (status)
					*status = report;
				return cpid;
			}
			if (status)
				*status = c->exit_status;
			__atomic_add_fetch(&me->cticks, c->ticks + c->cticks,
					   __ATOMIC_RELAXED);
			trace_wait(c);
			proc_unregister_locked(c);
			spin_unlock(&proc_lock);
			cap_proc_release(me, c); /* and our capability to it */
			proc_free(c);
			return cpid;
		}
		if (!have && !(options & WAIT_FOREVER)) {
			spin_unlock(&proc_lock);
			return -ECHILD;
		}
		if (options & WNOHANG) {
			spin_unlock(&proc_lock);
			return 0;
		}
		err = (options & WAIT_SIGNALS)
			      ? wq_sleep_intr(&me->child_exit, &proc_lock)
			      : wq_sleep(&me->child_exit, &proc_lock);
		if (err) {
			spin_unlock(&proc_lock);
			/* a handled signal: restarted under SA_RESTART */
			return thread_killed(current()) ? -EINTR : -ERESTARTSYS;
		}
	}
}

void proc_fault(const char *what, const char *why, int sig, uint64_t addr,
		uint64_t pc)
{
	struct proc *p = current()->proc;

	kprintf("pid %d (%s): %s at 0x%lx pc=0x%lx%s%s%s\n", p->pid, p->name,
		what, (unsigned long)addr, (unsigned long)pc, why ? " (" : "",
		why ? why : "", why ? ")" : "");
	proc_exit_wstatus(sig_death_status(sig));
}

void proc_group_end_locked(struct proc *p, int wstatus, int sig)
{
	struct list_node *it;
	int none = 0;

	assert(spin_holding(&proc_lock) && sig);
	if (!p->group_exit) {
		p->group_exit = true;
		p->exit_status = wstatus;
	}
	if (!__atomic_compare_exchange_n(&p->killed, &none, sig, false,
					 __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
		return; /* already ending */
	/* pairs with sched_sleep_cancel: a thread that becomes SLEEPING
	 * after our load of its state sees the kill there */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	list_for_each(it, &p->threads) {
		struct thread *t = list_entry(it, struct thread, proc_link);

		/* asleep: wake it; running on another hart (maybe in user
		 * mode): interrupt it, so it sees the kill now, not at its
		 * next tick; runnable: it sees the kill on its way out */
		if (!sched_wakeup(t) && READ_ONCE(t->on_cpu))
			sched_kick_thread(t);
	}
}

void proc_kill_locked(struct proc *p, int sig)
{
	trace_kill(p, sig);
	proc_group_end_locked(p, W_EXITCODE(0, sig), sig);
}

int proc_kill(int pid, int sig)
{
	return signal_kill(pid, sig);
}

/*
 * The threads of a process may be reaped in any order (each by the next
 * thread on its own hart), so it is the last one reaped - not the last
 * one to exit - that makes the process a zombie: until then the parent
 * cannot free the struct proc under a thread that still points at it.
 */
/*
 * The parent reaps its children automatically (SIGCHLD ignored, or
 * SA_NOCLDWAIT): zombie p goes now, as proc_wait would reap it - its
 * pid, its struct, and the parent's reaping capability to it. The
 * parent is alive (it still has p as a child, so its last thread has
 * not left), and so is its capability table, which we hold a reference
 * to while proc_lock is let go. proc_lock held; released.
 */
static void autoreap_locked(struct proc *p)
{
	struct proc *parent = p->parent;
	struct cap_group *pcg = parent->caps, *cg = p->caps;

	if (pcg)
		kobj_get(&pcg->obj);
	__atomic_add_fetch(&parent->cticks, p->ticks + p->cticks,
			   __ATOMIC_RELAXED);
	proc_unregister_locked(p);
	wq_wake_all(&parent->child_exit); /* its wait4 may have no child now */
	spin_unlock(&proc_lock);
	if (pcg) {
		if (cg)
			cap_free_reap(pcg, &cg->obj);
		kobj_put(&pcg->obj);
	}
	cap_proc_release(NULL, p);
	proc_free(p);
}

/* SIGCHLD's si_code and si_status for a wait status. */
static int exit_code_why(int wstatus)
{
	if (!(wstatus & 0x7f))
		return CLD_EXITED;
	return (wstatus & WCOREFLAG) ? CLD_DUMPED : CLD_KILLED;
}

static int exit_code_status(int wstatus)
{
	return (wstatus & 0x7f) ? wstatus & 0x7f : WEXITSTATUS(wstatus);
}

void thread_reap_zombie(struct thread *t)
{
	struct proc *p = t->proc;
	bool last;

	assert(t->state == T_ZOMBIE);
	spin_lock(&proc_lock);
	last = thread_release_tid_locked(t);
	spin_unlock(&proc_lock);
	thread_free(t);
	if (!last)
		return;
	spin_lock(&proc_lock);
	p->state = P_ZOMBIE;
	if (!(p->flags & PF_KERNEL) && p->parent != init_proc &&
	    signal_notify_parent_locked(p, exit_code_why(p->exit_status),
					exit_code_status(p->exit_status))) {
		autoreap_locked(p); /* unlocks proc_lock */
		return;
	}
	wq_wake_all(&p->parent->child_exit);
	spin_unlock(&proc_lock);
}
