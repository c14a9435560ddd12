/*
 * cap_group.c - processes as capability objects (ChCore's cap_group),
 * their vmspace and thread objects, and the calls that build a process
 * by hand: cap_group_create and cap_thread_create (see cap/cap.h for the
 * model and the lifetimes).
 *
 * Every user process gets a cap_group when it is made: fork and spawn
 * through cap_proc_setup (from fork.c), cap_group_create here. Its table
 * starts with slot 0 (the process) and slot 1 (its vmspace); the maker
 * gets a capability to it. The last thread to exit drops the table
 * (cap_group_exit); reaping lets go of the rest (cap_proc_release).
 *
 * A process made by cap_group_create is a real process from the start:
 * it has a pid and a parent (the caller), shows in ps, can be killed and
 * waited for. Its vmspace is empty (only the heap and mmap areas are
 * laid out) until PMOs are mapped into it. Its one thread is made with
 * it, but waits in the kernel, in cap_first_thread:
 *
 *   cap_group_create ──> waiting (ps: sleep) ──cap_thread_create──> user
 *                          │                    mode at pc, sp, a0 = arg
 *                          ├── killed ─────────> exits with the signal
 *                          └── abandoned: the last capability to it
 *                              outside its own table is gone, so no one
 *                              can start it ─> exits as if killed (SIGKILL)
 *
 * Threads: cap_thread_create on a process that has not started starts
 * its first thread; on a started one it adds a thread, which joins the
 * process as a clone'd one does (its own tid; the process ends when its
 * last thread does), starting at pc with sp and a0 = arg, every other
 * register zero.
 *
 * Locks: cg->lock guards started, abandoned and start, and the first
 * thread sleeps on start_wq with it; proc_lock is taken alone (to copy
 * the limits, by proc_register), or under cg->lock when a thread joins
 * a started process (cap_thread_add: the process cannot be reaped while
 * cg->lock is held and cg is not dead).
 */
#include "arch/trap.h"
#include "cap/cap.h"
#include "file/file.h"
#include "kernel/panic.h"
#include "lib/string.h"
#include "mm/kmalloc.h"
#include "mm/memlayout.h"
#include "mm/vmspace.h"
#include "proc/proc.h"
#include "signal/signal.h"
#include "uapi/errno.h"
#include "trace/trace.h"

/* ---- vmspace and thread objects ---------------------------------------- */

static void cap_vmspace_destroy(struct kobj *o)
{
	struct cap_vmspace *cv = container_of(o, struct cap_vmspace, obj);

	vmspace_put(cv->vs);
	kfree(cv);
}

struct cap_vmspace *cap_vmspace_create(struct vmspace *vs)
{
	struct cap_vmspace *cv = kzalloc(sizeof(*cv));

	if (!cv)
		return NULL;
	kobj_init(&cv->obj, KITE_CAP_VMSPACE, cap_vmspace_destroy);
	vmspace_get(vs);
	cv->vs = vs;
	return cv;
}

static void cap_thread_destroy(struct kobj *o)
{
	struct cap_thread *ct = container_of(o, struct cap_thread, obj);

	kobj_put(&ct->cg->obj);
	kfree(ct);
}

/* ---- cap_groups ---------------------------------------------------------- */

static void cap_group_destroy(struct kobj *o)
{
	struct cap_group *cg = container_of(o, struct cap_group, obj);

	/* slot 0 named it: only a dropped table lets the count reach 0 */
	assert(cg->dead && !cg->table.slot && !cg->vm);
	kfree(cg);
}

/* A cap_group for p, whose address space is vs: slot 0 names it and
 * slot 1 vs, both with every right. NULL when memory is short. */
static struct cap_group *cap_group_new(struct proc *p, struct vmspace *vs)
{
	struct cap_group *cg = kzalloc(sizeof(*cg));
	struct cap_vmspace *cv;

	if (!cg)
		return NULL;
	spin_init(&cg->lock, "cap_group");
	wq_init(&cg->start_wq, "cap_group.start");
	if (cap_table_init(cg)) {
		kfree(cg);
		return NULL;
	}
	cv = cap_vmspace_create(vs);
	if (!cv) {
		cap_table_drop(cg); /* empty: frees the array */
		kfree(cg);
		return NULL;
	}
	kobj_init(&cg->obj, KITE_CAP_PROCESS, cap_group_destroy);
	cg->proc = p;
	cg->vm = cv; /* the creation reference of cv */
	cap_install(cg, CAP_SLOT_SELF, &cg->obj);
	cap_install(cg, CAP_SLOT_VMSPACE, &cv->obj);
	return cg;
}

/* The process is gone or going: its table, its vmspace object (which
 * nothing may map into any more) and its link to the proc go. */
static void cap_group_retire(struct cap_group *cg)
{
	struct cap_vmspace *cv;

	cap_table_drop(cg);
	spin_lock(&cg->lock);
	cv = cg->vm;
	cg->vm = NULL;
	cg->proc = NULL;
	spin_unlock(&cg->lock);
	if (cv) {
		__atomic_store_n(&cv->dead, true, __ATOMIC_RELEASE);
		kobj_put(&cv->obj);
	}
}

int cap_proc_setup(struct proc *p, struct proc *parent)
{
	struct cap_group *cg = cap_group_new(p, p->vm);
	long h;

	if (!cg)
		return -ENOMEM;
	cg->started = true; /* fork and spawn start it themselves */
	p->caps = cg;
	if (!parent->caps)
		return 0; /* a kernel thread (init) holds no capabilities */
	h = cap_alloc(parent->caps, &cg->obj, KITE_CAP_ALL, CAP_SLOT_REAP);
	if (h == -ENOMEM) {
		cap_proc_release(NULL, p);
		return -ENOMEM;
	}
	/* -EMFILE: the parent's table is full; the child is made without
	 * a capability for it (fork must not fail for that) */
	return 0;
}

void cap_proc_release(struct proc *parent, struct proc *p)
{
	struct cap_group *cg = p->caps;
	bool dead;

	if (!cg)
		return; /* a kernel thread */
	spin_lock(&cg->lock);
	dead = cg->dead;
	spin_unlock(&cg->lock);
	if (!dead)
		cap_group_retire(cg); /* it never ran */
	if (parent && parent->caps)
		cap_free_reap(parent->caps, &cg->obj);
	p->caps = NULL;
	kobj_put(&cg->obj);
}

void cap_group_exit(struct proc *p)
{
	if (p->caps)
		cap_group_retire(p->caps);
}

int cap_exec_prepare(struct vmspace *vs, struct cap_vmspace **out)
{
	*out = cap_vmspace_create(vs);
	return *out ? 0 : -ENOMEM;
}

void cap_exec_commit(struct proc *p, struct cap_vmspace *cv)
{
	struct cap_group *cg = p->caps;
	struct cap_vmspace *old;
	struct kobj *prev;

	assert(cg && cv);
	kobj_get(&cv->obj); /* slot 1's; cg->vm takes the caller's */
	spin_lock(&cg->lock);
	old = cg->vm;
	cg->vm = cv;
	prev = slots_replace(&cg->table, CAP_SLOT_VMSPACE, &cv->obj);
	spin_unlock(&cg->lock);
	__atomic_store_n(&old->dead, true, __ATOMIC_RELEASE);
	kobj_put(&old->obj);
	kobj_put(prev);
}

void cap_group_outside_get(struct cap_group *cg)
{
	__atomic_add_fetch(&cg->outside, 1, __ATOMIC_RELAXED);
}

void cap_group_outside_put(struct cap_group *cg)
{
	bool wake = false;

	if (__atomic_sub_fetch(&cg->outside, 1, __ATOMIC_ACQ_REL))
		return;
	spin_lock(&cg->lock);
	if (!cg->started && !cg->dead) {
		cg->abandoned = true; /* nobody can start it now */
		wake = true;
	}
	spin_unlock(&cg->lock);
	if (wake)
		wq_wake_all(&cg->start_wq);
}

/* ---- building a process by hand ------------------------------------------ */

/* The heap of a space built by hand starts after its program: its
 * highest region in the lower half of the space below the mmap area
 * (what the caller mapped up there, such as a page shared with it, is
 * mmap's business). */
static void heap_place(struct vmspace *vs)
{
	vaddr_t top = 0;
	struct list_node *it;

	mutex_lock(&vs->lock);
	list_for_each(it, &vs->regions) {
		struct vmr *r = list_entry(it, struct vmr, link);

		if (r->end <= vs->mmap_base / 2)
			top = r->end;
	}
	vs->heap_start = vs->brk = top ? top : USER_MIN;
	mutex_unlock(&vs->lock);
}

/* The first thread of a process made by cap_group_create: wait to be
 * started, then enter user mode as cap_thread_create asked. */
static int cap_first_thread(void *arg)
{
	struct cap_group *cg = arg;
	struct thread *me = current();
	struct proc *p = me->proc;
	struct cap_start st;
	bool go;
	int sig;

	spin_lock(&cg->lock);
	while (!cg->started && !cg->abandoned)
		if (wq_sleep(&cg->start_wq, &cg->lock))
			break; /* killed */
	go = cg->started;
	st = cg->start;
	spin_unlock(&cg->lock);
	sig = proc_killed(p);
	if (!go || sig)
		proc_exit_wstatus(W_EXITCODE(0, sig ? sig : SIGKILL));
	heap_place(p->vm);
	sched_set_priority(me, st.prio);
	memset(me->tf, 0, sizeof(*me->tf));
	me->tf->sepc = st.pc;
	me->tf->sp = st.sp;
	me->tf->a0 = st.arg;
	arch_return_to_user(me->tf); /* checks for a kill on the way */
}

long cap_group_create(uint64_t uname, uint64_t uout)
{
	struct proc *me = current()->proc, *p;
	struct cap_group *mine = cap_mine(), *cg;
	struct kite_capproc out = { 0 };
	char name[CAP_NAME_MAX];
	struct vmspace *vm;
	struct thread *t;
	long h = -1, hv = -1, err;
	int pid;

	err = cap_name_from_user(uname, name);
	if (err)
		return err;
	if (uout && access_ok(me->vm, uout, sizeof(out), true))
		return -EFAULT;
	p = proc_alloc(name, 0);
	if (!p)
		return -ENOMEM;
	spin_lock(&proc_lock); /* limits are inherited, as with fork */
	memcpy(p->rlim, proc_rlimits(me), sizeof(p->rlim));
	spin_unlock(&proc_lock);
	err = -ENOMEM;
	if (signal_proc_init_default(p)) /* SIG_DFL everywhere, as exec */
		goto fail_proc;
	/* descriptors: as spawn's child, the creator's but close-on-exec */
	if (fdtable_for_child(p, false, true))
		goto fail_proc;
	vm = vmspace_create();
	if (!vm)
		goto fail_proc;
	mutex_lock(&vm->lock);
	vmspace_set_layout(vm, 0, p->rlim[RLIMIT_STACK].rlim_cur);
	mutex_unlock(&vm->lock);
	p->vm = vm;
	cg = cap_group_new(p, vm);
	if (!cg)
		goto fail_vm;
	p->caps = cg;
	t = thread_alloc(p, cap_first_thread, cg);
	if (!t)
		goto fail_cg;
	t->se.prio = READ_ONCE(current()->se.prio);
	h = cap_alloc(mine, &cg->obj, KITE_CAP_ALL, 0);
	if (h < 0) {
		err = h;
		goto fail_thread;
	}
	hv = cap_alloc(mine, &cg->vm->obj, KITE_CAP_ALL, 0);
	if (hv < 0) {
		err = hv;
		goto fail_slots;
	}
	pid = proc_register(p, t, me);
	if (pid < 0) {
		err = pid;
		goto fail_slots;
	}
	trace_fork(t, KITE_TRACE_FORK_SPAWN);
	sched_start(t); /* it waits for cap_thread_create */
	out.vmspace = hv;
	out.pid = pid;
	if (uout && copy_to_user(me->vm, uout, &out, sizeof(out))) {
		/* nobody can start it now: it ends, a zombie to reap */
		cap_free(hv);
		cap_free(h);
		return -EFAULT;
	}
	return h;

fail_slots:
	if (hv >= 0)
		cap_free(hv);
	cap_free(h);
fail_thread:
	thread_free(t);
fail_cg:
	cap_proc_release(NULL, p);
fail_vm:
	p->vm = NULL;
	vmspace_put(vm);
fail_proc:
	proc_free(p);
	return err;
}

/* Can cg's first thread be started? 0, -ESRCH (it exited or is
 * exiting) or -EAGAIN (started already: a thread is added instead).
 * cg->lock held. */
static int startable_locked(struct cap_group *cg)
{
	assert(spin_holding(&cg->lock));
	if (!cg->proc || cg->dead || cg->abandoned)
		return -ESRCH;
	return cg->started ? -EAGAIN : 0;
}

/* A thread more in cg's started process, at pc with sp and a0 = arg:
 * 0, -ESRCH (the process is gone or ending), -EAGAIN (thread limit,
 * execve under way), -EINTR (we are killed) or -ENOMEM. */
static int cap_thread_add(struct cap_group *cg, uint64_t pc, uint64_t sp,
			  uint64_t arg, int prio)
{
	struct thread *me = current();
	/* made as one of ours; it moves to cg's process under its lock */
	struct thread *t = thread_alloc(me->proc, thread_user_entry, NULL);
	int tid = -ESRCH;

	if (!t)
		return -ENOMEM;
	t->tf->sepc = pc;
	t->tf->sp = sp;
	t->tf->a0 = arg;
	t->se.prio = prio;
	t->allowed = READ_ONCE(me->allowed);
	spin_lock(&cg->lock);
	/* not dead: its last thread has not exited, so it is not reaped */
	if (cg->proc && !cg->dead) {
		t->proc = cg->proc;
		kstrlcpy(t->name, cg->proc->name, sizeof(t->name));
		tid = proc_add_thread(cg->proc, t);
	}
	spin_unlock(&cg->lock);
	if (tid < 0) {
		thread_free(t);
		return tid;
	}
	trace_fork(t, KITE_TRACE_FORK_THREAD);
	sched_start(t);
	return 0;
}

long cap_thread_create(long proc, uint64_t pc, uint64_t sp, uint64_t arg,
		       long prio)
{
	struct cap_thread *ct;
	struct cap_group *cg;
	struct kobj *o;
	long h;
	int err = cap_get(proc, KITE_CAP_PROCESS, KITE_CAP_CONTROL, &o, NULL);

	if (err)
		return err;
	cg = container_of(o, struct cap_group, obj);
	h = -EINVAL;
	if (prio == 0)
		prio = READ_ONCE(current()->se.prio); /* as fork: the caller's */
	if (prio < PRIO_MIN || prio > PRIO_MAX || pc < USER_MIN ||
	    pc >= USER_TOP || sp < USER_MIN || sp > USER_TOP)
		goto out;
	spin_lock(&cg->lock); /* the usual refusals cost no slot */
	h = startable_locked(cg);
	spin_unlock(&cg->lock);
	if (h && h != -EAGAIN)
		goto out;
	h = -ENOMEM;
	ct = kzalloc(sizeof(*ct));
	if (!ct)
		goto out;
	kobj_init(&ct->obj, KITE_CAP_THREAD, cap_thread_destroy);
	kobj_get(o);
	ct->cg = cg;
	h = cap_alloc(cap_mine(), &ct->obj, KITE_CAP_ALL, 0);
	kobj_put(&ct->obj); /* the slot holds it now, or it goes */
	if (h < 0)
		goto out;
	spin_lock(&cg->lock); /* again: it may have changed meanwhile */
	err = startable_locked(cg);
	if (!err) {
		cg->start = (struct cap_start){ pc, sp, arg, (int)prio };
		cg->started = true;
	}
	spin_unlock(&cg->lock);
	if (!err)
		wq_wake_all(&cg->start_wq);
	else if (err == -EAGAIN) /* started: one thread more */
		err = cap_thread_add(cg, pc, sp, arg, (int)prio);
	if (err) {
		cap_free(h);
		h = err;
	}
out:
	kobj_put(o);
	return h;
}
