/*
 * signal/signal.h - POSIX signals with Linux's semantics (docs/SIGNALS.md).
 *
 * State:
 *   struct sighand   the handlers (one struct kite_sigaction per signal)
 *                    and the lock of everything below; shared by the
 *                    threads of a process, and by processes made with
 *                    CLONE_SIGHAND; reference-counted.
 *   per process      proc->shared_pending: what kill() and the kernel
 *                    send to the process as a whole; the group stop.
 *   per thread       thread->sig.blocked (the mask), thread->sig.pending
 *                    (tkill, faults), the alternate stack, and the
 *                    sigpend word: "something may be deliverable", the
 *                    one word the way back to user mode tests.
 *
 * A pending set holds each standard signal (1..31) once, with its
 * siginfo kept in place (no allocation: interrupt handlers send
 * signals); real-time signals (32..64) queue, each with its own
 * siginfo, in a kmalloc'd list, as many as RLIMIT_SIGPENDING allows.
 *
 * Locks: sighand->lock (a spinlock, "siglock") guards the handlers,
 * every pending set and queue of the processes using it, each thread's
 * blocked mask (its owner reads its own without), the group-stop state
 * and the alternate stack's readers. Order: proc_lock -> siglock ->
 * waitqueue locks -> rq locks. Senders other than a fault hold
 * proc_lock (it keeps the target process, and its sighand pointer,
 * alive and fixed); proc->sighand changes only under proc_lock.
 * thread->sig.sigpend is atomic: set by senders (then the thread is
 * woken from an interruptible sleep or kicked), recomputed under
 * siglock by its own thread only.
 */
#ifndef KITE_SIGNAL_SIGNAL_H
#define KITE_SIGNAL_SIGNAL_H

#include "proc/proc.h"
#include "signal/sigset.h"
#include "signal/sigstate.h"

struct proc;
struct thread;
struct trapframe;

void sigpending_init(struct sigpending *sp);

/* ---- lifecycle (signal.c) ---- */
/* The state of a new process: a copy of the creator's handlers, or the
 * same ones (share: CLONE_SIGHAND); from_exec: a spawn's, whose caught
 * handlers go back to SIG_DFL as execve's do. 0 or -ENOMEM. */
int signal_proc_init(struct proc *p, struct proc *from, bool share,
		     bool from_exec);
/* The first user process: every action SIG_DFL. 0 or -ENOMEM. */
int signal_proc_init_default(struct proc *p);
/* A new thread t: an empty pending set, the creator's mask; the
 * alternate stack too if keep_altstack (fork without CLONE_VM). */
void signal_thread_init(struct thread *t, struct thread *from,
			bool keep_altstack);
/* p's last thread has left: drop its queued signals, its handlers and
 * its timer. */
void signal_proc_exit(struct proc *p);
/* A thread is freed: drop its queued signals. */
void signal_thread_exit(struct thread *t);
/* execve, before its point of no return: a sighand shared with another
 * process (CLONE_SIGHAND) gets a private copy in *fresh (NULL: not
 * shared). 0 or -ENOMEM. */
int signal_exec_prepare(struct sighand **fresh);
/* execve, after it: that copy installed, caught handlers back to SIG_DFL
 * (ignored ones stay; mask and pending signals stay), the alternate
 * stack gone. */
void signal_exec_commit(struct sighand *fresh);
/* execve failed before its point of no return: drop that copy. */
void signal_exec_abort(struct sighand *fresh);

/* ---- sending (signal.c; kill.c: the calls a user makes) ---- */
/* Send sig with info to process p (kill: any thread that does not
 * block it takes it). proc_lock held. 0, -EAGAIN (rt queue full for a
 * queued value). info NULL: SI_KERNEL. */
/* Send sig to p (t NULL) or its thread t, proc_lock held: takes p's
 * siglock, and tells p's parent if p continued. q: a real-time signal's
 * queue entry (taken, or freed), or NULL. */
int signal_send_locked(struct proc *p, struct thread *t, int sig,
		       const struct ksiginfo *info, struct sigqueue *q);
int signal_send_proc_locked(struct proc *p, int sig, const struct ksiginfo *info);
/* Send sig to thread t only (tkill, tgkill). proc_lock held. */
int signal_send_thread_locked(struct thread *t, int sig,
			      const struct ksiginfo *info);
/* kill(2): pid > 0, 0 (own group), -1 (everyone it may), < -1 (group
 * -pid). 0, -EINVAL, -ESRCH, -EPERM. */
int signal_kill(int pid, int sig);
/* The same to the group pgid with a kernel siginfo (console). */
int signal_kill_pgrp(int pgid, int sig);
/* tkill/tgkill (tgid 0: any process). */
int signal_tkill(int tgid, int tid, int sig);
/* rt_sigqueueinfo (tid 0) and rt_tgsigqueueinfo: sig with the caller's
 * siginfo u (its si_code, si_pid and si_value) to process pid or its
 * thread tid. -EPERM for a kernel si_code (>= 0, or SI_TKILL) to
 * another process; -EINVAL, -ESRCH, -EAGAIN (queue full). */
int signal_queueinfo(int pid, int tid, int sig, const struct kite_siginfo *u);
/* A user-mode fault in the calling thread: deliver sig (si_code code,
 * si_addr addr) to its handler if it has one it may run; otherwise say
 * what happened (what, why: proc_fault's message) and end the process
 * with sig. */
void signal_fault(const char *what, const char *why, int sig, int code,
		  uint64_t addr, uint64_t pc);
/* A child p changed state: tell its parent (SIGCHLD, or p's exit
 * signal, with why = CLD_*). Returns true if the parent reaps its
 * children automatically (SIGCHLD ignored or SA_NOCLDWAIT) and p,
 * exiting, is to go now. proc_lock held. */
bool signal_notify_parent_locked(struct proc *p, int why, int status);
/* Would sig to the calling thread be ignored or blocked (SIGTTIN and
 * SIGTTOU of a background reader or writer)? */
bool signal_ignored_or_blocked(int sig);

/* ---- the calling thread (signal.c) ---- */
/* Take the first pending signal of t (its own, then its process's)
 * outside blocked; 0 if none. siglock held. */
int signal_dequeue_locked(struct thread *t, uint64_t blocked,
			  struct ksiginfo *info);
/* Drop every pending sig of p (its action became "ignore"). siglock
 * held. */
void signal_drop_ignored_locked(struct proc *p, int sig);
/* The caller dequeued the stop signal sig (default action): stop the
 * group unless a SIGCONT came meanwhile; tell the parent. Returns
 * whether the group stopped. No lock held. */
int signal_stop_group(int sig);
/* Recompute the caller's sigpend under siglock. */
void signal_recalc_locked(struct thread *t);
/* The caller's mask becomes mask (SIGKILL and SIGSTOP dropped). */
void signal_set_blocked(uint64_t mask);
/* Delivery on the way back to user mode (deliver.c): handle pending
 * signals for the calling thread whose registers are tf - run default
 * actions, stop, or build a handler's frame - and restart or end an
 * interrupted system call. */
void signal_deliver(struct trapframe *tf);
/* rt_sigreturn, or a handler returning to SIGRETURN_ADDR: restore the
 * registers and mask from the frame at tf->sp. */
void signal_return(struct trapframe *tf);

/* The user's siginfo_t for what the kernel kept. */
void signal_siginfo_to_user(const struct ksiginfo *k, struct kite_siginfo *u);
/* The caller's alternate stack (deliver.c): is sp on it; stack_t as
 * sigaltstack reports it for sp; set it (0, -EPERM while on it, -EINVAL
 * bad flags, -ENOMEM smaller than MINSIGSTKSZ). [owner] */
bool signal_on_altstack(struct thread *t, uint64_t sp);
void signal_altstack_get(struct thread *t, uint64_t sp, struct kite_stack *ss);
int signal_altstack_set(struct thread *t, uint64_t sp,
			const struct kite_stack *ss);

/* A handler installed without a restorer returns here (riscv64 Linux
 * returns through its vDSO; Kite has none): the first address past the
 * user half, which is not a valid Sv39 address, so no user mapping can
 * ever cover it. Fetching it faults, and the trap path treats that
 * fault as rt_sigreturn (docs/SIGNALS.md). */
#define SIGRETURN_ADDR 0x4000000000UL

/* Kernel-only errors: a system call interrupted by a signal, to be
 * restarted or turned into -EINTR by delivery (Linux's numbers). */
#define ERESTARTSYS 512      /* restart if the handler has SA_RESTART */
#define ERESTARTNOINTR 513   /* always restart */
#define ERESTARTNOHAND 514   /* restart only if no handler runs */

/* ---- timers (itimer.c) ---- */
/* Start the timer worker (once; init does at boot). 0 or -ENOMEM. */
int itimer_start(void);
/* setitimer/getitimer ITIMER_REAL of the calling process, in ns (value
 * 0: disarmed). 0 or -ENOMEM (no timer thread). */
long itimer_real_set(uint64_t value_ns, uint64_t interval_ns,
		     uint64_t *old_value_ns, uint64_t *old_interval_ns);
void itimer_real_get(uint64_t *value_ns, uint64_t *interval_ns);
/* p's timer is disarmed (exit). proc_lock held. */
void itimer_proc_exit_locked(struct proc *p);

static inline bool signal_pending(struct thread *t)
{
	return __atomic_load_n(&t->sig.sigpend, __ATOMIC_ACQUIRE) != 0;
}

/* A system call returns a -ERESTART* code without having slept for a
 * signal of its own: make its thread look on the way out all the same,
 * so the code never reaches user mode (delivery restarts the call or
 * makes it -EINTR). Returns code. */
static inline long signal_restart_code(long code)
{
	__atomic_store_n(&current()->sig.sigpend, 1, __ATOMIC_RELEASE);
	return code;
}

#endif
