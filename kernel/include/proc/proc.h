/*
 * proc/proc.h - processes and threads.
 *
 * A struct proc is a resource container (ChCore's cap_group): pid, name,
 * parent and children, address space, capability table, exit status. A
 * struct thread is what the scheduler runs: tid, state, kernel stack,
 * saved context, trap frame, scheduling entity. Kernel threads are
 * processes without a user address space: they run in the kernel's page
 * table and each has its own pid, so the fork path creates them and wait
 * reaps them. The kernel process (pid 0) owns the per-hart idle threads.
 *
 * A process has one or more threads (docs/THREADS.md): they share its
 * address space, pid, children and limits; each has its own tid (from
 * the pid allocator: one namespace, as Linux), kernel stack, registers,
 * scheduling entity and allowed harts. The process ends when its last
 * thread has exited; a group end (exit_group, kill, a fatal fault)
 * makes every thread exit at its next kernel exit point.
 *
 * Locks: proc_lock guards the process table (pids and tids, pid_table,
 * tid_table, the list of all processes, nr_procs), every parent/children
 * link, proc->state, proc->exit_status, each process's thread list,
 * changes of proc->vm and the resource limits. A thread's state and
 * scheduling fields follow sched/sched.h. Lock order: proc_lock ->
 * waitqueue locks -> rq locks.
 */
#ifndef KITE_PROC_PROC_H
#define KITE_PROC_PROC_H

#include "arch/arch.h"
#include "arch/trapframe.h"
#include "kernel/panic.h"
#include "kernel/spinlock.h"
#include "kernel/types.h"
#include "lib/list.h"
#include "mm/pagetable.h"
#include "proc/pid.h"
#include "sched/sched.h"
#include "sched/stride.h"
#include "signal/sigstate.h"
#include "kernel/param.h"
#include "uapi/kite.h"
#include "uapi/linux.h"

struct vmspace;
struct vfork_done;
struct cap_group;
struct fdtable;

#define MAX_PROCESS 1024 /* processes (live + zombie) at once */
#define MAX_THREADS 3072 /* threads at once, every process's together */
#define PROC_NAME_LEN 16
#define UMASK_DEFAULT 022
#define TIMER_SLACK_DEFAULT_NS 50000 /* Linux's default, 50 us */

/* Saved by switch_to: the callee-saved registers, ra and sp. */
struct context {
	uint64_t ra, sp;
	uint64_t s[12];
};

enum thread_state {
	T_UNINIT,   /* allocated, not yet started */
	T_RUNNABLE, /* on a run queue (or being switched in) */
	T_RUNNING,  /* rq->curr of some hart */
	T_SLEEPING, /* on a wait queue or a sleep timer */
	T_ZOMBIE,   /* exited; freed by the next thread on its hart */
};

enum proc_state {
	P_ALIVE,  /* has threads */
	P_ZOMBIE, /* exited: only pid, name and exit status remain */
};

#define PF_KERNEL 0x1 /* runs only in the kernel (no user address space) */

struct proc;

struct thread {
	int tid;                 /* [proc_lock to change; its own thread reads
				  * it without] = pid for a process's first
				  * thread; execve from another thread gives
				  * that one the pid as its tid */
	enum thread_state state; /* see sched.h: owner or rq lock; wakeup CAS */
	struct proc *proc;       /* [const] */
	char name[PROC_NAME_LEN];/* [proc_lock] (execve renames it) */
	uintptr_t kstack;        /* [const] top of the kernel stack */
	struct context ctx;      /* [owner] saved by switch_to */
	struct trapframe *tf;    /* [const] at the top of the kernel stack */
	bool need_resched;       /* [atomic] set by tick/wakeup, cleared by schedule */
	bool on_cpu;             /* [atomic] its registers are live on a hart */
	int cpu;                 /* [rq lock; racy reads as a hint: ps, the
				  * kill kick] hart it runs or last ran on */
	uint64_t allowed;        /* [proc_lock to change, then every run
				  * queue's lock taken once (sched_set_
				  * allowed); atomic word reads] harts it
				  * may run on */
	struct sched_entity se;  /* [rq lock] */
	uint64_t timer_slack_ns; /* [own] prctl's timer slack (kept only) */
	int policy;              /* [proc_lock to change; atomic reads]
				  * Linux's SCHED_* (kept, not acted on:
				  * syscall/sys_sched.c) */
	uint64_t runs;           /* [rq lock] times switched in */
	uint64_t ticks;          /* [rq lock; racy word reads: ps, times]
				  * timer ticks while running */
	struct waitqueue *wq;    /* [wq lock] queue it sleeps on */
	struct list_node wq_link;/* [wq lock] */
	uint64_t wake_at;        /* [timer lock] sleep deadline, time counter */
	int timer_hart;          /* [timer lock] whose sleep list holds it */
	struct list_node timer_link; /* [timer lock] */
	struct list_node proc_link;  /* [proc_lock] in proc->threads */
	uint64_t fp[ARCH_FP_WORDS]; /* [owner] user floating-point registers */
	uint64_t clear_child_tid; /* [owner] user word zeroed and futex-woken
				   * at exit (CLONE_CHILD_CLEARTID,
				   * set_tid_address); 0: none */
	uint64_t robust_list;    /* [owner; word reads by another thread of
				  * its process: get_robust_list] its
				  * set_robust_list head; 0: none */
	bool stopped;            /* [atomic] asleep in its group's stop (ps
				  * shows it stopped) */
	int killed;              /* [atomic] this thread alone must end (an
				  * execve in another thread of its process) */
	struct thread_signal sig; /* signal/sigstate.h: mask, pending, the
				   * alternate stack */
	int (*entry)(void *);    /* [const] kernel thread function */
	void *arg;               /* [const] */
};

struct proc {
	int pid;                   /* [const after creation] */
	char name[PROC_NAME_LEN];  /* [proc_lock] */
	enum proc_state state;     /* [proc_lock] */
	uint32_t flags;            /* [const] PF_* */
	struct proc *parent;       /* [proc_lock] */
	struct list_node children; /* [proc_lock] its children */
	struct list_node sibling;  /* [proc_lock] in parent->children */
	struct list_node all_link; /* [proc_lock] in the list of all processes */
	struct list_node threads;  /* [proc_lock] its live threads */
	int nthreads;              /* [proc_lock] live threads (not yet exited) */
	int nthreads_unreaped;     /* [proc_lock] threads whose struct is not
				    * freed yet, exited ones too: the process
				    * becomes a zombie (and may be freed) only
				    * when the last is reaped */
	struct vmspace *vm;        /* [proc_lock to change; its threads read it
				    * without] user address space (a reference,
				    * see mm/vmspace.h); NULL for kernel */
	struct fdtable *files;     /* [proc_lock to change, only while the
				    * process has one thread (execve, its
				    * last exit); its threads read it
				    * without] descriptors (file/file.h), a
				    * reference; NULL for kernel threads */
	struct cap_group *caps;    /* [const while it has threads] its
				    * capabilities (cap/cap.h), a reference;
				    * NULL for kernel threads and once reaped */
	int pgid;                  /* [proc_lock] process group (Ctrl-C, kill(-pgid)) */
	int sid;                   /* [proc_lock] session (proc/session.c) */
	bool did_exec;             /* [proc_lock] ran execve (or was spawned)
				    * since it was forked: setpgid's -EACCES */
	int pdeath_signal;         /* [proc_lock] sent when its parent exits
				    * (prctl PR_SET_PDEATHSIG); 0: none */
	unsigned umask;            /* [atomic] file-mode creation mask */
	int dumpable;              /* [atomic] prctl PR_SET_DUMPABLE */
	bool no_new_privs;         /* [atomic] prctl PR_SET_NO_NEW_PRIVS */
	int killed;                /* [atomic] the group is ending: every thread
				    * exits at its next chance (the signal of
				    * a kill, SIGKILL for exit_group) */
	bool group_exit;           /* [proc_lock] the group is ending with
				    * exit_status (set before killed) */
	int exit_status;           /* [proc_lock] the group's status once
				    * group_exit, else the first thread's exit
				    * code once it has exited; valid once
				    * P_ZOMBIE */
	struct thread *exec_thread; /* [proc_lock] the thread whose execve
				    * waits for the others to end, or NULL */
	struct waitqueue threads_gone; /* the exec_thread waits here */
	struct vfork_done *vfork;  /* [proc_lock] a CLONE_VFORK parent waits
				    * until this process execs or exits */
	struct waitqueue child_exit; /* a child became a zombie or was reparented */
	uint64_t ticks;            /* [atomic] ticks of threads that exited */
	uint64_t cticks;           /* [atomic] ticks of reaped children */
	uint64_t faults;           /* [atomic] page faults served */
	uint64_t cow_copies;       /* [atomic] pages copied because another
				    * address space shared them */
	struct proc_signal sig;    /* signal/sigstate.h: handlers, kill()'s
				    * pending set, the group stop, the timer */
	struct waitqueue stopped_wq; /* its threads wait here while the
				    * group is stopped (siglock) */
	/* last: proc_fields_init does not clear it */
	struct kite_rlimit rlim[RLIM_NLIMITS]; /* [proc_lock; the process
				    * itself may read a word without] unused
				    * by kernel threads (proc_rlimits) */
};

extern struct spinlock proc_lock;
extern struct proc kernel_proc; /* pid 0 */
extern struct proc *init_proc;  /* pid 1 */

static inline struct thread *current(void);

/* Process table */
void proc_init(void);
/* Allocate and fully initialise a process (no pid yet). NULL on -ENOMEM. */
struct proc *proc_alloc(const char *name, uint32_t flags);
/* Allocate a thread of p with a kernel stack; it will start in
 * entry(arg). NULL on -ENOMEM. */
struct thread *thread_alloc(struct proc *p, int (*entry)(void *), void *arg);
void thread_free(struct thread *t);
void proc_free(struct proc *p);
/* Give p a pid, link it under parent (NULL: the caller's parent) and
 * into the table; -EAGAIN when MAX_PROCESS, MAX_THREADS or the pids are
 * exhausted. */
int proc_register(struct proc *p, struct thread *t, struct proc *parent);
/* The limits kernel threads run on and the first user process starts
 * with (Linux's defaults). [const after boot] */
extern struct kite_rlimit rlim_defaults[RLIM_NLIMITS];
/* p's limits: its own, or for a kernel thread the defaults. Read them
 * under proc_lock, or one word at a time if p is the caller's process. */
static inline const struct kite_rlimit *proc_rlimits(const struct proc *p)
{
	return (p->flags & PF_KERNEL) ? rlim_defaults : p->rlim;
}
/* The calling process's soft limit for resource r (RLIM_INF: none). */
static inline uint64_t proc_rlimit(int r)
{
	return READ_ONCE(proc_rlimits(current()->proc)[r].rlim_cur);
}
/* prlimit64: p's limit r to *old (if old), then *new (if new). 0,
 * -EINVAL (bad resource, cur > max) or -EPERM (raising the hard limit:
 * Kite's processes hold no privilege to). proc_lock held. */
int proc_prlimit_locked(struct proc *p, int r,
			const struct kite_rlimit *new_lim, struct kite_rlimit *old);
/* Replace p's address space (the caller is p's only thread): returns
 * the old one, whose reference passes to the caller. */
struct vmspace *proc_swap_vm(struct proc *p, struct vmspace *vm);
/* Undo proc_register for a reaped zombie. proc_lock held. */
void proc_unregister_locked(struct proc *p);
/* Add t (from thread_alloc) to p as a new thread with a tid of its own
 * (not started). -EAGAIN (MAX_THREADS, the pids, or p is ending or
 * execve'ing), -EINTR (the creator is ending). */
int proc_add_thread(struct proc *p, struct thread *t);
/* A new user thread's entry (thread_alloc's): straight to user mode
 * with the registers of its trap frame. */
int thread_user_entry(void *unused);
/* t is exiting: no lookup finds it any more (its tid stays taken until
 * it is reaped). proc_lock held. */
void thread_unlist_tid_locked(struct thread *t);
/* t has been reaped: its tid is free again, unless it is its process's
 * pid, which goes with the process. Returns true if t was the process's
 * last thread to be reaped (it is to become a zombie). proc_lock held. */
bool thread_release_tid_locked(struct thread *t);
/* The thread with tid, or NULL. Caller holds proc_lock. */
struct thread *thread_lookup_locked(int tid);
/* t, the calling thread, takes its process's pid as its tid (execve
 * from a thread other than the first); its own tid is freed. proc_lock
 * held. */
void thread_take_pid_locked(struct thread *t);
/* Timer ticks p's threads have run, the live ones' and the exited
 * ones' (times(), ps). */
uint64_t proc_ticks(struct proc *p);
/* Threads at once (for sizing a process-table snapshot). */
int thread_count(void);
/* Boot: start init (pid 1), which starts everything else. */
void init_start(void);
/* O(1): the process with pid, or NULL. Caller holds proc_lock. */
struct proc *proc_lookup_locked(int pid);
int proc_count(void);
/* Fill up to max entries (one per thread, one per zombie) for ps;
 * returns how many there are in all. */
long proc_snapshot(struct kite_procinfo *info, size_t max);
/* Check the table: every process has a distinct pid that maps back to
 * it, and the counts agree. 0, or -EINVAL if anything is off. */
int proc_check_table(void);
/* Print the process table on the console. */
void proc_dump(void);

#define CPUMASK_ALL (~0UL)

/* Create a kernel thread (its own process, child of the caller's):
 * returns its pid or -ENOMEM / -EAGAIN. allowed: the harts it may run
 * on (bit h = hart h), CPUMASK_ALL for any. */
int kernel_thread(int (*fn)(void *), void *arg, const char *name);
/* Start fn(arg) as a thread of the kernel process (pid 0), as its idle
 * threads are: no pid of its own, never in ps, never reaped. fn must
 * never return. 0 or -ENOMEM. */
int kernel_worker(int (*fn)(void *), void *arg, const char *name);
int kernel_thread_mask(int (*fn)(void *), void *arg, const char *name,
		       uint64_t allowed);

/* End the calling process (every thread: exit_group) with exit code
 * status: children go to init, the parent is woken, and the thread
 * never returns. */
__attribute__((noreturn)) void proc_exit(int status);
/* The same with a raw wait status (W_EXITCODE(code, signal)); if the
 * process is ending already, its first status stands. */
__attribute__((noreturn)) void proc_exit_wstatus(int wstatus);
/* End only the calling thread (exit): the process goes on while it has
 * other threads; the last one out ends it (its status: the first
 * thread's exit code). */
__attribute__((noreturn)) void thread_exit(int code);
/* The calling thread was asked to end (its group is ending, or another
 * thread execs): it exits, and the group's status stands. */
__attribute__((noreturn)) void thread_exit_killed(void);
/* Make p's group end with wstatus unless it is ending already: every
 * thread is woken from its sleep or interrupted, and exits at its next
 * kernel exit point. sig (nonzero) is what p->killed records. proc_lock
 * held. */
void proc_group_end_locked(struct proc *p, int wstatus, int sig);
/* A user-mode fault: say so on the console ("pid 7 (a): what at 0x..
 * pc=0x.. (why)"; why may be NULL) and end with signal sig. */
__attribute__((noreturn)) void proc_fault(const char *what, const char *why,
					  int sig, uint64_t addr, uint64_t pc);
/* The user process holding the most resident pages, other than init
 * unless it is the caller's (the OOM killer's choice), with that number
 * in *pages; NULL if there is none. A process already dying is returned
 * first: its memory is on its way back. proc_lock held. */
struct proc *proc_oom_pick_locked(uint64_t *pages);
/* Ask p to end with signal sig: wakes it if it sleeps. */
void proc_kill_locked(struct proc *p, int sig);
/* kill(2) (signal_kill): pid > 0 one process, 0 the caller's group,
 * -1 everyone, < -1 a process group. 0 or -ESRCH, -EPERM (init, kernel
 * threads), -EINVAL (no such signal). */
int proc_kill(int pid, int sig);
/* Call fn(p, arg) for every process of group pgid (-1: every process)
 * but except and the kernel's (pid 0), zombies too. proc_lock held. */
void proc_for_each_locked(int pgid, void (*fn)(struct proc *, void *),
			  void *arg, const struct proc *except);
/* Has group pgid a live process other than except? proc_lock held. */
bool proc_pgrp_alive_locked(int pgid, const struct proc *except);
/* A new thread's Linux policy from its creator's (syscall/sys_sched.c):
 * the same, without SCHED_RESET_ON_FORK (which would turn a real-time
 * policy back into SCHED_OTHER, as Linux does; no Kite thread has one). */
static inline int thread_policy_inherit(const struct thread *from)
{
	return __atomic_load_n(&from->policy, __ATOMIC_RELAXED) &
	       ~SCHED_RESET_ON_FORK;
}

/* Sessions (proc/session.c): init's, the first, is the console's. Is p
 * in it (may it use the console's job control)? proc_lock held. */
#define CONSOLE_SESSION 1
bool session_is_console_locked(const struct proc *p);
/* A live process of group pgid other than except, or NULL. proc_lock held. */
struct proc *proc_pgrp_member_locked(int pgid, const struct proc *except);
/* kill every process of group pgid; -ESRCH if there is none. */
int proc_kill_group_locked(int pgid, int sig);
/* The signal the process was killed with (SIGKILL for exit_group), or
 * 0: nonzero once the group is ending. */
static inline int proc_killed(struct proc *p)
{
	return __atomic_load_n(&p->killed, __ATOMIC_ACQUIRE);
}
/* Must thread t end at its next chance (its group is ending, or
 * another thread of its process execs)? Every killable sleep asks. */
static inline bool thread_killed(struct thread *t)
{
	return proc_killed(t->proc) ||
	       __atomic_load_n(&t->killed, __ATOMIC_ACQUIRE);
}
/* Must t's interruptible sleep end: a kill, or a signal it may take
 * (sigpend)? */
static inline bool thread_interrupted(struct thread *t)
{
	return thread_killed(t) ||
	       __atomic_load_n(&t->sig.sigpend, __ATOMIC_ACQUIRE);
}
#define WAIT_FOREVER 0x40000000 /* kernel only (init): sleep even with no children */
#define WAIT_SIGNALS 0x20000000 /* kernel only (wait4): a signal ends the
				 * sleep (-ERESTARTSYS) */
#define WEXITSTATUS(s) (((s) >> 8) & 0xff)
/* Wait for a child (pid > 0: that one; -1: any) to exit; store its
 * status (Linux encoding: code << 8) in *status if not NULL. Returns its
 * pid, 0 (WNOHANG, none exited yet) or -ECHILD when there is no such
 * child. */
int proc_wait(int pid, int *status, int options);

/* Free a zombie thread's stack and struct once it is off its hart. */
void thread_reap_zombie(struct thread *t);

/*
 * Change t's state, asserting that the transition is one of the diagram
 * in proc.c (RUNNING -> RUNNING only for a hart's idle thread, which
 * stays current when nothing else can run). SLEEPING -> RUNNABLE is done
 * by compare-and-swap in sched_wakeup instead.
 */
static inline void thread_set_state(struct thread *t, enum thread_state to)
{
	static const uint8_t allowed[] = {
		[T_UNINIT] = 1 << T_RUNNABLE,
		[T_RUNNABLE] = 1 << T_RUNNING,
		[T_RUNNING] = 1 << T_RUNNABLE | 1 << T_SLEEPING | 1 << T_ZOMBIE,
		[T_SLEEPING] = 1 << T_RUNNABLE,
		[T_ZOMBIE] = 0,
	};

	if (!(allowed[t->state] & (1 << to)) &&
	    !(t->tid == 0 && t->state == T_RUNNING && to == T_RUNNING))
		panic("thread %d (%s): state %d -> %d is not allowed", t->tid,
		      t->name, t->state, to);
	t->state = to;
}

/* current thread: the running thread of this hart */
#include "kernel/cpu.h"
static inline struct thread *current(void)
{
	return mycpu()->curr;
}

#endif
