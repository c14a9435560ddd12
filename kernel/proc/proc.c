/*
 * proc.c - the process table, and creating processes and threads.
 *
 * Thread states (sched.h):
 *
 *   thread_alloc        sched_start          picked by schedule()
 *   ──────────► UNINIT ───────────► RUNNABLE ◄────────────────► RUNNING
 *                                      ▲      preempted / yield    │
 *                           wakeup     │                           │ sleep
 *                                      └────── SLEEPING ◄──────────┤
 *                                                                  │ exit
 *                           freed by the next thread on its hart ◄─ ZOMBIE
 *
 * Process states: ALIVE while it has threads; ZOMBIE once its last
 * thread has exited and been reaped, holding only pid, name and exit
 * status until the parent (or init, for orphans) reaps it with proc_wait.
 *
 * Creation is one path for kernel threads and user processes (fork,
 * spawn): proc_alloc -> thread_alloc (a run-queue reservation, a kernel
 * stack with a guard page, context, trap frame) -> proc_register (pid,
 * links, counts, RLIMIT_NPROC) -> sched_start. Each
 * step undoes itself on failure, so nothing leaks on -ENOMEM or -EAGAIN.
 * More threads of a process (clone: thread.c) join it through
 * proc_add_thread, with a tid from the same allocator as pids.
 *
 * Lock: proc_lock (see proc.h) guards the table; it is never held
 * across anything slow and nests outside waitqueue and run-queue locks.
 */
#include "file/file.h"
#include "kernel/log.h"
#include "kernel/panic.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "mm/kmalloc.h"
#include "mm/kvm.h"
#include "mm/vmspace.h"
#include "proc/futex.h"
#include "proc/proc.h"
#include "signal/signal.h"
#include "uapi/errno.h"
#include "trace/trace.h"

struct spinlock proc_lock = SPINLOCK_INIT("proc");
struct proc kernel_proc;
struct proc *init_proc;

static struct pidmap pids;                  /* [proc_lock] pids and tids */
static struct proc *pid_table[MAX_PID];     /* [proc_lock] O(1) lookup */
static struct thread *tid_table[MAX_PID];   /* [proc_lock] O(1) lookup */
static int nr_threads;                      /* [proc_lock] not counting pid 0's */
static int nr_tids;                         /* [proc_lock] tids that are no pid */
static struct list_node all_procs = LIST_INIT(all_procs); /* [proc_lock] */
static int nr_procs;                        /* [proc_lock] not counting pid 0 */
static int nr_user_procs;                   /* [proc_lock] without PF_KERNEL */

/* Everything not set here starts zero: no parent, vm or caps, pgid 0
 * (the parent's group), not killed, no ticks. The limits are left to
 * user_proc_start (a user process inherits its parent's; kernel threads
 * run on rlim_defaults), so creating a kernel thread does not pay for
 * them. */
static void proc_fields_init(struct proc *p, const char *name, uint32_t flags)
{
	memset(p, 0, offsetof(struct proc, rlim));
	p->pid = -1;
	kstrlcpy(p->name, name, sizeof(p->name));
	p->state = P_ALIVE;
	p->flags = flags;
	p->umask = UMASK_DEFAULT;
	p->dumpable = 1;
	list_init(&p->children);
	list_init(&p->sibling);
	list_init(&p->all_link);
	list_init(&p->threads);
	sigpending_init(&p->sig.shared);
	list_init(&p->sig.itimer_link);
	wq_init(&p->stopped_wq, "proc.stopped");
	wq_init(&p->threads_gone, "proc.threads_gone");
	wq_init(&p->child_exit, "proc.child_exit");
}

/* The limits every kernel thread runs on, and the first user process
 * starts with (as Linux sets them for its first process). */
struct kite_rlimit rlim_defaults[RLIM_NLIMITS]; /* [const after boot] */

static void rlimit_defaults_init(void)
{
	struct kite_rlimit *d = rlim_defaults;

	for (int r = 0; r < RLIM_NLIMITS; r++)
		d[r] = (struct kite_rlimit){ RLIM_INF, RLIM_INF };
	d[RLIMIT_STACK].rlim_cur = RLIMIT_STACK_DEFAULT;
	d[RLIMIT_CORE].rlim_cur = 0;
	d[RLIMIT_NPROC] = (struct kite_rlimit){ MAX_PROCESS, MAX_PROCESS };
	d[RLIMIT_NOFILE] = (struct kite_rlimit){ NOFILE_DEFAULT, NOFILE_MAX };
	d[RLIMIT_MEMLOCK] = (struct kite_rlimit){ MEMLOCK_DEFAULT, MEMLOCK_DEFAULT };
	d[RLIMIT_SIGPENDING] = (struct kite_rlimit){ MAX_PROCESS, MAX_PROCESS };
	d[RLIMIT_MSGQUEUE] = (struct kite_rlimit){ MSGQUEUE_DEFAULT, MSGQUEUE_DEFAULT };
	d[RLIMIT_NICE] = (struct kite_rlimit){ 0, 0 };
	d[RLIMIT_RTPRIO] = (struct kite_rlimit){ 0, 0 };
}


int proc_prlimit_locked(struct proc *p, int r,
			const struct kite_rlimit *new_lim, struct kite_rlimit *old)
{
	assert(spin_holding(&proc_lock) && !(p->flags & PF_KERNEL));
	if (r < 0 || r >= RLIM_NLIMITS)
		return -EINVAL;
	if (new_lim && new_lim->rlim_cur > new_lim->rlim_max)
		return -EINVAL;
	if (new_lim && (new_lim->rlim_max > p->rlim[r].rlim_max ||
			(r == RLIMIT_NOFILE && new_lim->rlim_max > NOFILE_MAX)))
		return -EPERM;
	if (old)
		*old = p->rlim[r];
	if (new_lim)
		p->rlim[r] = *new_lim;
	return 0;
}

struct vmspace *proc_swap_vm(struct proc *p, struct vmspace *vm)
{
	struct vmspace *old;

	spin_lock(&proc_lock);
	old = p->vm;
	p->vm = vm;
	spin_unlock(&proc_lock);
	return old;
}

void proc_init(void)
{
	rlimit_defaults_init();
	futex_init();
	pidmap_init(&pids);
	proc_fields_init(&kernel_proc, "kernel", PF_KERNEL);
	kernel_proc.pid = 0;
	pid_table[0] = &kernel_proc;
	list_push_back(&all_procs, &kernel_proc.all_link);
}

struct proc *proc_alloc(const char *name, uint32_t flags)
{
	struct proc *p = kmalloc(sizeof(*p));

	if (p)
		proc_fields_init(p, name, flags);
	return p;
}

void proc_free(struct proc *p)
{
	assert(p != &kernel_proc && p->pid < 0 && list_empty(&p->threads));
	signal_proc_exit(p);
	if (p->files) /* a process that never ran (its exit drops it) */
		fdtable_put(p->files);
	kfree(p);
}

struct thread *thread_alloc(struct proc *p, int (*entry)(void *), void *arg)
{
	struct thread *t = kzalloc(sizeof(*t));

	if (!t)
		return NULL;
	if (sched_reserve_thread()) {
		kfree(t);
		return NULL;
	}
	t->kstack = kstack_alloc();
	if (!t->kstack) {
		sched_unreserve_thread();
		kfree(t);
		return NULL;
	}
	t->tid = -1;
	t->state = T_UNINIT;
	t->proc = p;
	kstrlcpy(t->name, p->name, sizeof(t->name));
	/* the trap frame sits at the top of the stack; the context
	 * starts below it in thread_trampoline with s1 = t */
	t->tf = (struct trapframe *)(t->kstack - sizeof(struct trapframe));
	memset(t->tf, 0, sizeof(*t->tf));
	t->ctx.ra = (uintptr_t)thread_trampoline;
	t->ctx.sp = (uintptr_t)t->tf;
	t->ctx.s[1] = (uintptr_t)t;
	t->need_resched = false;
	t->on_cpu = false;
	t->cpu = -1;
	t->allowed = CPUMASK_ALL;
	list_init(&t->se.rr_link);
	heap_node_init(&t->se.heap_node);
	t->se.pass = 0;
	t->se.prio = PRIO_DEFAULT;
	t->policy = SCHED_OTHER;
	t->timer_slack_ns = TIMER_SLACK_DEFAULT_NS;
	t->se.slice_left = 0;
	t->se.on_rq = -1;
	t->runs = 0;
	t->ticks = 0;
	t->wq = NULL;
	list_init(&t->wq_link);
	t->wake_at = 0;
	list_init(&t->timer_link);
	list_init(&t->proc_link);
	sigpending_init(&t->sig.pending);
	t->entry = entry;
	t->arg = arg;
	return t;
}

void thread_free(struct thread *t)
{
	assert(!t->on_cpu && list_empty(&t->proc_link));
	signal_thread_exit(t);
	kstack_free(t->kstack);
	sched_unreserve_thread();
	kfree(t);
}

int proc_register(struct proc *p, struct thread *t, struct proc *parent)
{
	int pid;

	spin_lock(&proc_lock);
	if (nr_procs >= MAX_PROCESS || nr_threads >= MAX_THREADS ||
	    (!(p->flags & PF_KERNEL) &&
	     (uint64_t)nr_user_procs >= p->rlim[RLIMIT_NPROC].rlim_cur)) {
		spin_unlock(&proc_lock);
		return -EAGAIN;
	}
	pid = pidmap_alloc(&pids);
	if (pid < 0) {
		spin_unlock(&proc_lock);
		return pid;
	}
	assert(pid_table[pid] == NULL);
	pid_table[pid] = p;
	tid_table[pid] = t;
	p->pid = pid;
	t->tid = pid;
	nr_procs++;
	nr_threads++;
	if (!(p->flags & PF_KERNEL))
		nr_user_procs++;
	if (!parent) /* CLONE_PARENT: the caller's sibling */
		parent = current()->proc->parent;
	p->parent = parent;
	if (p->pgid == 0)
		p->pgid = parent->pgid ? parent->pgid : pid;
	else if (p->pgid < 0)
		p->pgid = pid; /* a new group of its own */
	/* the creator's session; the first user process (init, forked by
	 * pid 0) leads the console's (proc/session.c) */
	p->sid = current()->proc->sid ? current()->proc->sid : pid;
	list_push_back(&parent->children, &p->sibling);
	list_push_back(&all_procs, &p->all_link);
	list_push_back(&p->threads, &t->proc_link);
	p->nthreads = 1;
	p->nthreads_unreaped = 1;
	spin_unlock(&proc_lock);
	return pid;
}

void proc_unregister_locked(struct proc *p)
{
	assert(spin_holding(&proc_lock) && p->state == P_ZOMBIE);
	assert(pid_table[p->pid] == p);
	pid_table[p->pid] = NULL;
	pidmap_free(&pids, p->pid);
	p->pid = -1;
	nr_procs--;
	if (!(p->flags & PF_KERNEL))
		nr_user_procs--;
	list_remove(&p->sibling);
	list_remove(&p->all_link);
}

int proc_add_thread(struct proc *p, struct thread *t)
{
	struct thread *me = current();
	int tid;

	spin_lock(&proc_lock);
	if (thread_killed(me)) {
		tid = -EINTR; /* it ends anyway */
		goto out;
	}
	tid = -EAGAIN;
	if (nr_threads >= MAX_THREADS || proc_killed(p) || p->exec_thread ||
	    p->state != P_ALIVE || p->nthreads == 0)
		goto out;
	tid = pidmap_alloc(&pids);
	if (tid < 0)
		goto out;
	assert(tid_table[tid] == NULL && pid_table[tid] == NULL);
	tid_table[tid] = t;
	t->tid = tid;
	nr_threads++;
	nr_tids++;
	list_push_back(&p->threads, &t->proc_link);
	p->nthreads++;
	p->nthreads_unreaped++;
out:
	spin_unlock(&proc_lock);
	return tid;
}

void thread_unlist_tid_locked(struct thread *t)
{
	assert(spin_holding(&proc_lock));
	if (t->tid > 0 && tid_table[t->tid] == t)
		tid_table[t->tid] = NULL;
}

bool thread_release_tid_locked(struct thread *t)
{
	struct proc *p = t->proc;

	assert(spin_holding(&proc_lock) && t->tid > 0);
	/* p lives until its last thread is reaped: this one, at the latest */
	assert(tid_table[t->tid] != t && p->nthreads_unreaped > 0);
	nr_threads--;
	if (t->tid != p->pid) {
		pidmap_free(&pids, t->tid);
		nr_tids--;
	}
	t->tid = -1;
	return --p->nthreads_unreaped == 0;
}

void thread_take_pid_locked(struct thread *t)
{
	struct proc *p = t->proc;

	assert(spin_holding(&proc_lock) && p->nthreads == 1);
	if (t->tid == p->pid)
		return;
	/* the first thread (if not yet reaped) keeps its struct, but
	 * the table entry and the number are ours now */
	tid_table[t->tid] = NULL;
	pidmap_free(&pids, t->tid);
	nr_tids--;
	t->tid = p->pid;
	tid_table[p->pid] = t;
}

struct thread *thread_lookup_locked(int tid)
{
	assert(spin_holding(&proc_lock));
	if (tid <= 0 || tid >= MAX_PID)
		return NULL;
	return tid_table[tid];
}

uint64_t proc_ticks(struct proc *p)
{
	uint64_t sum;
	struct list_node *it;

	spin_lock(&proc_lock);
	sum = __atomic_load_n(&p->ticks, __ATOMIC_RELAXED);
	list_for_each(it, &p->threads)
		sum += READ_ONCE(list_entry(it, struct thread, proc_link)->ticks);
	spin_unlock(&proc_lock);
	return sum;
}

int thread_count(void)
{
	return READ_ONCE(nr_threads);
}

struct proc *proc_lookup_locked(int pid)
{
	assert(spin_holding(&proc_lock));
	if (pid < 0 || pid >= MAX_PID)
		return NULL;
	return pid_table[pid];
}

int proc_count(void)
{
	int n;

	spin_lock(&proc_lock);
	n = nr_procs;
	spin_unlock(&proc_lock);
	return n;
}

int kernel_thread_mask(int (*fn)(void *), void *arg, const char *name,
		       uint64_t allowed)
{
	struct thread *self = current();
	struct proc *p;
	struct thread *t;
	int pid;

	p = proc_alloc(name, PF_KERNEL);
	if (!p)
		return -ENOMEM;
	t = thread_alloc(p, fn, arg);
	if (!t) {
		pid = -ENOMEM;
		goto fail_proc;
	}
	t->allowed = allowed;
	if (self)
		t->se.prio = self->se.prio; /* inherit, as fork will */
	pid = proc_register(p, t, self ? self->proc : &kernel_proc);
	if (pid < 0)
		goto fail_thread;
	trace_fork(t, KITE_TRACE_FORK_FORK);
	sched_start(t);
	return pid;

fail_thread:
	thread_free(t);
fail_proc:
	proc_free(p);
	return pid;
}

int kernel_worker(int (*fn)(void *), void *arg, const char *name)
{
	struct thread *t = thread_alloc(&kernel_proc, fn, arg);

	if (!t)
		return -ENOMEM;
	kstrlcpy(t->name, name, sizeof(t->name));
	spin_lock(&proc_lock);
	t->tid = 0; /* the kernel process's, as its idle threads */
	list_push_back(&kernel_proc.threads, &t->proc_link);
	kernel_proc.nthreads++;
	spin_unlock(&proc_lock);
	sched_start(t);
	return 0;
}

int kernel_thread(int (*fn)(void *), void *arg, const char *name)
{
	return kernel_thread_mask(fn, arg, name, CPUMASK_ALL);
}

/* First C code of every new thread, on its own stack (from
 * thread_trampoline): finish the switch, turn interrupts on, run. */
void thread_start(struct thread *t)
{
	sched_finish_switch();
	mycpu()->intena = true;
	pop_off();
	proc_exit(t->entry(t->arg));
}

long proc_snapshot(struct kite_procinfo *info, size_t max)
{
	struct list_node *it;
	size_t n = 0;

	spin_lock(&proc_lock);
	list_for_each(it, &all_procs) {
		struct proc *p = list_entry(it, struct proc, all_link);
		struct list_node *jt;
		uint64_t pages[VMR_NKINDS] = { 0 }, tables = 0, vsz = 0;
		uint64_t swapped = 0;

		if (p == &kernel_proc)
			continue;
		/* p->vm changes only under proc_lock, and its reference is
		 * dropped after: it lives while we hold the lock */
		if (p->vm) {
			vmspace_pages(p->vm, pages, &tables);
			vsz = vmspace_size(p->vm);
			swapped = READ_ONCE(p->vm->swapped);
		}
		if (p->state == P_ZOMBIE || list_empty(&p->threads)) {
			if (n < max) {
				struct kite_procinfo *e = &info[n];

				memset(e, 0, sizeof(*e));
				e->pid = e->tid = p->pid;
				e->ppid = p->parent ? p->parent->pid : 0;
				e->state = T_ZOMBIE;
				e->hart = -1;
				e->ticks = p->ticks;
				e->faults = READ_ONCE(p->faults);
				e->cow_copies = READ_ONCE(p->cow_copies);
				kstrlcpy(e->name, p->name, sizeof(e->name));
			}
			n++;
			continue;
		}
		list_for_each(jt, &p->threads) {
			struct thread *t = list_entry(jt, struct thread, proc_link);

			if (n < max) {
				struct kite_procinfo *e = &info[n];

				memset(e, 0, sizeof(*e));
				e->pid = p->pid;
				e->ppid = p->parent ? p->parent->pid : 0;
				e->tid = t->tid;
				e->state = READ_ONCE(t->state);
				if (e->state == T_SLEEPING && READ_ONCE(t->stopped))
					e->state = KITE_STATE_STOPPED;
				e->hart = t->cpu;
				e->prio = READ_ONCE(t->se.prio);
				e->pass = t->se.pass;
				e->flags = (p->flags & PF_KERNEL) ? 1 : 0;
				e->ticks = t->ticks;
				e->faults = READ_ONCE(p->faults);
				e->cow_copies = READ_ONCE(p->cow_copies);
				e->pages_code = pages[VMR_CODE];
				e->pages_data = pages[VMR_DATA];
				e->pages_heap = pages[VMR_HEAP];
				e->pages_stack = pages[VMR_STACK];
				e->pages_anon = pages[VMR_ANON];
				e->pages_shared = pages[VMR_SHARED];
				e->pages_pt = tables;
				e->vsz = vsz;
				e->pages_swapped = swapped;
				e->swap_ins = p->vm ? READ_ONCE(p->vm->swap_ins) : 0;
				e->swap_outs = p->vm ? READ_ONCE(p->vm->swap_outs) : 0;
				e->reclaim_scans = p->vm ? READ_ONCE(p->vm->reclaim_scans) : 0;
				kstrlcpy(e->name, t->name, sizeof(e->name));
				kstrlcpy(e->sched, sched_class_name(), sizeof(e->sched));
			}
			n++;
		}
	}
	spin_unlock(&proc_lock);
	return (long)n;
}

struct proc *proc_oom_pick_locked(uint64_t *pages)
{
	struct proc *me = current()->proc, *best = NULL;
	struct list_node *it;
	uint64_t most = 0;

	assert(spin_holding(&proc_lock));
	list_for_each(it, &all_procs) {
		struct proc *p = list_entry(it, struct proc, all_link);
		uint64_t n;

		if (!p->vm || (p->flags & PF_KERNEL) ||
		    (p == init_proc && p != me))
			continue;
		n = vmspace_rss(p->vm) + pt_nr_tables(p->vm->root);
		if (proc_killed(p) && n) {
			*pages = n; /* dying already: wait for it */
			return p;
		}
		if (!best || n > most) {
			best = p;
			most = n;
		}
	}
	*pages = most;
	return best;
}

int proc_kill_group_locked(int pgid, int sig)
{
	struct list_node *it;
	int n = 0;

	assert(spin_holding(&proc_lock));
	list_for_each(it, &all_procs) {
		struct proc *p = list_entry(it, struct proc, all_link);

		if (p->pgid != pgid || p == init_proc || (p->flags & PF_KERNEL) ||
		    p->state == P_ZOMBIE)
			continue;
		if (sig)
			signal_send_proc_locked(p, sig, NULL);
		n++;
	}
	return n ? 0 : -ESRCH;
}

void proc_for_each_locked(int pgid, void (*fn)(struct proc *, void *),
			  void *arg, const struct proc *except)
{
	struct list_node *it;

	assert(spin_holding(&proc_lock));
	list_for_each(it, &all_procs) {
		struct proc *p = list_entry(it, struct proc, all_link);

		if (p == except || p == &kernel_proc ||
		    (pgid != -1 && p->pgid != pgid))
			continue;
		fn(p, arg);
	}
}

struct proc *proc_pgrp_member_locked(int pgid, const struct proc *except)
{
	struct list_node *it;

	assert(spin_holding(&proc_lock));
	list_for_each(it, &all_procs) {
		struct proc *q = list_entry(it, struct proc, all_link);

		if (q != except && q->pgid == pgid && q->state == P_ALIVE &&
		    q->nthreads > 0)
			return q;
	}
	return NULL;
}

bool proc_pgrp_alive_locked(int pgid, const struct proc *except)
{
	return proc_pgrp_member_locked(pgid, except) != NULL;
}

int proc_check_table(void)
{
	static uint64_t seen[MAX_PID / 64]; /* [proc_lock] */
	struct list_node *it;
	int n = 0, err = 0;

	spin_lock(&proc_lock);
	memset(seen, 0, sizeof(seen));
	list_for_each(it, &all_procs) {
		struct proc *p = list_entry(it, struct proc, all_link);

		if (p->pid < 0 || p->pid >= MAX_PID || pid_table[p->pid] != p ||
		    !pidmap_used(&pids, p->pid) ||
		    (seen[p->pid / 64] & (1UL << (p->pid % 64)))) {
			err = -EINVAL;
			break;
		}
		seen[p->pid / 64] |= 1UL << (p->pid % 64);
		n++;
	}
	if (!err && (n != nr_procs + 1 || pids.nr_used != nr_procs + nr_tids))
		err = -EINVAL;
	spin_unlock(&proc_lock);
	return err;
}

/* A snapshot's state (kite_procinfo's: a thread_state, or stopped). */
static const char *thread_state_name(int s)
{
	static const char *const names[] = { "uninit", "runnable", "running",
					     "sleeping", "zombie", "stopped" };

	return (unsigned)s < ARRAY_SIZE(names) ? names[s] : "?";
}

void proc_dump(void)
{
	/* an entry per thread and per zombie, and room for a few more
	 * made meanwhile (the snapshot stops at max) */
	size_t max = (size_t)thread_count() + (size_t)proc_count() + NCPU;
	struct kite_procinfo *info = kmalloc(max * sizeof(*info));
	long n;

	if (!info) {
		kprintf("proc_dump: no memory for the table\n");
		return;
	}
	/* copy under proc_lock, print without it */
	n = proc_snapshot(info, max);
	kprintf("  PID  PPID NAME             STATE     HART CLASS  PRIO     PASS    TICKS\n");
	for (long i = 0; i < n && i < (long)max; i++) {
		const struct kite_procinfo *e = &info[i];

		if (e->state == T_ZOMBIE)
			kprintf("%5d %5d %-16s %-9s %4s %-6s %4s %8s %8lu\n", e->pid,
				e->ppid, e->name, "zombie", "-", "-", "-", "-",
				(unsigned long)e->ticks);
		else
			kprintf("%5d %5d %-16s %-9s %4d %-6s %4d %8u %8lu\n",
				e->tid, e->ppid, e->name,
				thread_state_name(e->state),
				e->hart, e->sched, e->prio, e->pass,
				(unsigned long)e->ticks);
	}
	kfree(info);
	for (int h = 0; h < NCPU; h++) {
		struct runqueue *rq = &runqueues[h];

		if (!rq->idle)
			continue;
		kprintf("    0     0 idle/%-11d %-9s %4d %-6s    -        - %8lu\n", h,
			READ_ONCE(rq->curr) == rq->idle ? "running" : "runnable", h,
			sched_class_name(), (unsigned long)READ_ONCE(rq->idle_ticks));
	}
}
