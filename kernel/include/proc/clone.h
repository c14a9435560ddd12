/*
 * proc/clone.h - clone(2): new threads and processes the Linux way, and
 * what a thread's exit and execve do for the threads around it.
 *
 * clone_check_flags() decides, as Linux does, which flag combinations
 * are refused (and which Kite cannot honour); proc_clone() then makes a
 * thread of the caller's process (CLONE_THREAD: thread.c) or a new
 * process (fork.c), with the address space copied or shared
 * (CLONE_VM), the parent waiting until the child execs or exits
 * (CLONE_VFORK), and the tid written or cleared where asked
 * (CLONE_PARENT_SETTID, CLONE_CHILD_SETTID, CLONE_CHILD_CLEARTID).
 * docs/THREADS.md has the table of flags.
 */
#ifndef KITE_PROC_CLONE_H
#define KITE_PROC_CLONE_H

#include "kernel/types.h"
#include "sched/sched.h"

struct trapframe;
struct proc;
struct thread;

/* A CLONE_VFORK parent's wait, on its kernel stack: the child (its
 * proc->vfork points here) sets done when it execs or exits. */
struct vfork_done {
	struct waitqueue wq; /* the parent sleeps here */
	bool done;           /* [proc_lock] */
	struct proc *child;  /* [proc_lock] valid while !done */
};

/* What clone was asked for (its registers a0..a4). */
struct clone_args {
	uint32_t flags;      /* CLONE_* (lower 32 bits, without CSIGNAL) */
	int exit_signal;     /* the low byte */
	uint64_t stack;      /* the child's sp; 0: the caller's */
	uint64_t parent_tid; /* CLONE_PARENT_SETTID: where the tid goes */
	uint64_t tls;        /* CLONE_SETTLS: the child's tp */
	uint64_t child_tid;  /* CLONE_CHILD_SETTID / CLEARTID */
	struct vfork_done *vfork; /* set by proc_clone for CLONE_VFORK */
};

/* 0, or -EINVAL for a combination Linux refuses or Kite cannot do
 * (namespaces, pidfds). Pure: host-tested. */
int clone_check_flags(uint64_t flags);
/* clone(flags, stack, parent_tid, tls, child_tid) from the caller's
 * registers tf: the new thread's tid or process's pid, or -errno. */
long proc_clone(const struct trapframe *tf, uint64_t flags, uint64_t stack,
		uint64_t parent_tid, uint64_t tls, uint64_t child_tid);
/* fork.c: a new process for clone (not CLONE_THREAD). */
int proc_fork(const struct trapframe *tf, const struct clone_args *a);
/* A new process p with first thread t is registered but not started:
 * write its tid where clone asked and link a vfork parent to it. */
void clone_child_ready(struct proc *p, struct thread *t,
		       const struct clone_args *a);
/* p has exec'd or its last thread is leaving: a vfork parent goes on. */
void proc_vfork_release(struct proc *p);

/* thread.c */
/* A thread of the caller's process (CLONE_THREAD): tid or -errno. */
int thread_clone(const struct trapframe *tf, const struct clone_args *a);
/* What a thread's exit (or execve) does to user memory: walk its robust
 * futex list, zero and futex-wake its CLEARTID word. May sleep. */
void thread_exit_user(struct thread *t);
/* execve: end every other thread of the caller's process and wait
 * until they have left; the caller then has the process's pid as its
 * tid. 0, or -EINTR if the caller must end itself. */
int proc_exec_single(void);

#endif
