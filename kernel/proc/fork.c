/*
 * fork.c - user processes: fork, spawn and execve.
 *
 * All three build the new image completely before anything visible
 * changes: fork copies the parent's address space (copy-on-write),
 * spawn builds the child straight from an app, execve builds the new
 * image and only then swaps it in, so a failure leaves the caller as it
 * was. A user thread starts in user_thread_entry, which returns to user
 * mode through its trap frame.
 */
#include "arch/arch.h"
#include "arch/trap.h"
#include "cap/cap.h"
#include "dev/console.h"
#include "file/file.h"
#include "kernel/cpu.h"
#include "kernel/panic.h"
#include "lib/string.h"
#include "mm/memlayout.h"
#include "mm/vmspace.h"
#include "proc/apps.h"
#include "proc/clone.h"
#include "proc/exec.h"
#include "proc/proc.h"
#include "signal/signal.h"
#include "trace/trace.h"
#include "uapi/errno.h"

static int user_thread_entry(void *unused)
{
	(void)unused;
	arch_return_to_user(current()->tf);
	return 0; /* not reached */
}

/* A started process running vm from the registers in tf (and the
 * floating-point registers in fp, or zeroes). pgid 0: the parent's group;
 * -1: a group of its own, and with foreground the console's foreground
 * group before the child runs (if the caller may still hand it on; else
 * the child starts in the background). ca: what clone asked for (NULL:
 * spawn). Takes vm on success. */
static int user_proc_start(const char *name, struct vmspace *vm,
			   const struct trapframe *tf, const uint64_t *fp,
			   int pgid, bool foreground, int prio,
			   const struct clone_args *ca)
{
	int caller;

	struct proc *p = proc_alloc(name, 0);
	struct thread *t;
	int pid;

	if (!p)
		return -ENOMEM;
	t = thread_alloc(p, user_thread_entry, NULL);
	if (!t) {
		proc_free(p);
		return -ENOMEM;
	}
	p->pgid = pgid;
	p->did_exec = !ca; /* a spawn is a fork and an exec */
	/* handlers: a copy (or the same ones, CLONE_SIGHAND); a spawn's
	 * caught ones back to SIG_DFL as after execve */
	if (signal_proc_init(p, current()->proc,
			     ca && (ca->flags & CLONE_SIGHAND), !ca)) {
		thread_free(t);
		proc_free(p);
		return -ENOMEM;
	}
	/* descriptors: a copy, the same table (CLONE_FILES), or a spawn's
	 * copy without the close-on-exec ones */
	if (fdtable_for_child(p, ca && (ca->flags & CLONE_FILES), !ca)) {
		thread_free(t);
		proc_free(p);
		return -ENOMEM;
	}
	p->sig.exit_signal = ca ? ca->exit_signal : SIGCHLD;
	/* the mask is inherited; the altstack too, unless the child runs
	 * in our address space (Linux's rule) */
	signal_thread_init(t, current(), ca && (!(ca->flags & CLONE_VM) ||
						 (ca->flags & CLONE_VFORK)));
	p->vm = vm;
	/* limits are inherited, as with Linux's fork */
	spin_lock(&proc_lock);
	memcpy(p->rlim, proc_rlimits(current()->proc), sizeof(p->rlim));
	spin_unlock(&proc_lock);
	*t->tf = *tf;
	t->se.prio = prio;
	t->policy = thread_policy_inherit(current());
	t->timer_slack_ns = current()->timer_slack_ns;
	/* the mask and flags a fork keeps (the parent-death signal it
	 * does not) */
	p->umask = READ_ONCE(current()->proc->umask);
	p->dumpable = READ_ONCE(current()->proc->dumpable);
	p->no_new_privs = READ_ONCE(current()->proc->no_new_privs);
	t->allowed = READ_ONCE(current()->allowed); /* inherited, as Linux's */
	if (fp)
		memcpy(t->fp, fp, sizeof(t->fp));
	if (ca && (ca->flags & CLONE_CHILD_CLEARTID))
		t->clear_child_tid = ca->child_tid;
	/* slots 0 and 1; the creator's capability to the child (ChCore's
	 * rule, also under CLONE_PARENT) */
	pid = cap_proc_setup(p, current()->proc);
	/* CLONE_PARENT: the caller's parent, read under proc_lock */
	if (!pid)
		pid = proc_register(p, t, ca && (ca->flags & CLONE_PARENT)
					     ? NULL : current()->proc);
	if (pid < 0) {
		cap_proc_release(current()->proc, p);
		p->vm = NULL;
		thread_free(t);
		proc_free(p);
		return pid;
	}
	if (ca)
		clone_child_ready(p, t, ca);
	if (foreground) {
		spin_lock(&proc_lock);
		if (console_may_hand_on_locked(&caller))
			console_set_fg_locked(caller, pid);
		spin_unlock(&proc_lock);
	}
	trace_fork(t, ca ? KITE_TRACE_FORK_FORK : KITE_TRACE_FORK_SPAWN);
	sched_start(t);
	return pid;
}

int proc_fork(const struct trapframe *tf, const struct clone_args *a)
{
	struct thread *me = current();
	struct vmspace *vm = me->proc->vm;
	struct trapframe ctf = *tf;
	bool share = a->flags & CLONE_VM;
	int pid;

	if (!vm)
		return -EINVAL;
	if (share)
		vmspace_share(vm); /* one more process runs in it */
	else
		vm = vmspace_fork(vm);
	if (!vm)
		return -ENOMEM;
	ctf.a0 = 0; /* the child sees fork() return 0 */
	push_off();
	arch_fp_save(me->fp); /* the child starts with the same FP registers */
	pop_off();
	if (a->stack)
		ctf.sp = a->stack;
	if (a->flags & CLONE_SETTLS)
		ctf.tp = a->tls;
	pid = user_proc_start(me->proc->name, vm, &ctf, me->fp, 0, false,
			      READ_ONCE(me->se.prio), a);
	if (pid < 0)
		vmspace_release(vm); /* a share is undone, a copy freed */
	return pid;
}

/* Registers for the first instruction of an image: all zero but pc and
 * sp, as Linux starts a static program (glibc's _start takes a0 as a
 * function for atexit, so it must be 0); argc, argv, envp and auxv are
 * on the stack. */
static void image_regs(struct trapframe *tf, const struct exec_image *img)
{
	memset(tf, 0, sizeof(*tf));
	tf->sepc = img->entry;
	tf->sp = img->sp;
}

int proc_spawn(const struct app *app, const struct exec_args *args,
	       bool foreground)
{
	struct exec_image img;
	struct trapframe tf;
	int err = exec_build(app, args, &img), pid;

	if (err)
		return err;
	image_regs(&tf, &img);
	/* the child inherits the caller's priority, as with fork */
	pid = user_proc_start(app->name, img.vm, &tf, NULL, -1, foreground,
			      READ_ONCE(current()->se.prio), NULL);
	if (pid < 0)
		vmspace_put(img.vm);
	return pid;
}

long proc_execve(const struct app *app, const struct exec_args *args,
		 struct trapframe *tf)
{
	struct thread *me = current();
	struct proc *p = me->proc;
	struct exec_image img;
	struct vmspace *old;
	struct cap_vmspace *cv;
	struct sighand *fresh;
	struct fdtable *files;
	int err = exec_build(app, args, &img);

	if (!err && (err = signal_exec_prepare(&fresh)))
		vmspace_put(img.vm);
	if (!err && (err = fdtable_exec_prepare(&files))) {
		signal_exec_abort(fresh);
		vmspace_put(img.vm);
	}
	if (!err && (err = cap_exec_prepare(img.vm, &cv))) {
		fdtable_exec_abort(files);
		signal_exec_abort(fresh);
		vmspace_put(img.vm);
	}
	if (err)
		return err; /* the old image is untouched */
	/* the point of no return: the other threads end (the caller takes
	 * the pid as its tid), its robust futexes and CLEARTID word are
	 * done with, as at an exit */
	err = proc_exec_single();
	if (err) {
		fdtable_exec_abort(files);
		signal_exec_abort(fresh);
		vmspace_put(img.vm);
		return err;
	}
	signal_exec_commit(fresh); /* caught handlers back to SIG_DFL */
	fdtable_exec_commit(files); /* unshared; FD_CLOEXEC ones closed */
	if (me->robust_list || me->clear_child_tid)
		thread_exit_user(me);
	old = proc_swap_vm(p, img.vm);
	cap_exec_commit(p, cv); /* slot 1 names the new space */
	push_off();
	vmspace_switch(img.vm);
	memset(me->fp, 0, sizeof(me->fp)); /* the new image starts with zeroes */
	arch_fp_switch(NULL, me->fp);
	pop_off();
	if (old)
		vmspace_release(old); /* this hart has left it */
	proc_vfork_release(p); /* a vfork parent goes on */
	spin_lock(&proc_lock); /* ps reads both names under it */
	kstrlcpy(p->name, app->name, sizeof(p->name));
	kstrlcpy(me->name, app->name, sizeof(me->name));
	p->did_exec = true; /* its parent may no longer move it (setpgid) */
	WRITE_ONCE(p->dumpable, 1); /* as Linux's exec of a plain program */
	spin_unlock(&proc_lock);
	trace_exec(p);
	image_regs(tf, &img);
	return 0; /* the syscall return value lands in a0 */
}
