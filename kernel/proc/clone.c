/*
 * clone.c - clone(2): which flags make sense, and the process forms
 * (fork, a shared address space, vfork).
 *
 * The flags are checked first, as Linux's copy_process does
 * (clone_check_flags: pure, host-tested), then:
 *
 *   CLONE_THREAD          a thread of the caller's process (thread.c);
 *                         needs CLONE_SIGHAND, which needs CLONE_VM
 *   otherwise             a new process (fork.c): its address space a
 *                         copy-on-write copy, or with CLONE_VM the very
 *                         same space (vmspace_share: it goes when its last
 *                         process lets go)
 *   CLONE_VFORK           the parent sleeps (a kill ends the wait) until
 *                         the child execs or exits: struct vfork_done on
 *                         the parent's stack, linked from the child's
 *                         proc->vfork under proc_lock
 *   CLONE_PARENT          the child is the caller's sibling
 *   CLONE_SETTLS, CLONE_PARENT_SETTID, CLONE_CHILD_SETTID,
 *   CLONE_CHILD_CLEARTID  the child's tp; its tid written before it runs;
 *                         zeroed and futex-woken when it exits
 *   CLONE_SIGHAND         the child shares the caller's signal handlers
 *                         (signal/signal.h: one refcounted struct
 *                         sighand; a thread always does); without it, a
 *                         copy
 *   CLONE_FILES           the child uses the caller's descriptor table
 *                         (file/fdtable.c, refcounted); without it, a
 *                         copy (fork.c: fdtable_for_child)
 *   CLONE_FS, CLONE_SYSVSEM, CLONE_IO,
 *   CLONE_PTRACE, CLONE_UNTRACED, CLONE_DETACHED
 *                         accepted: Kite has no per-process cwd, System V
 *                         semaphores, I/O contexts or tracing, so sharing
 *                         or not is the same
 *   namespaces, CLONE_PIDFD
 *                         -EINVAL, as a Linux built without them
 *   the exit signal       the low byte: what the parent gets when the
 *                         child exits (proc->sig.exit_signal; 0: none);
 *                         wait4 sees every child process whatever it is
 *
 * Locks: proc_lock guards proc->vfork and struct vfork_done; the parent
 * sleeps on vfork_done.wq with proc_lock as the condition lock.
 */
#include "arch/trapframe.h"
#include "kernel/panic.h"
#include "mm/vmspace.h"
#include "proc/clone.h"
#include "proc/proc.h"
#include "uapi/errno.h"

/* Flags Kite has no namespace or pidfd for. */
#define CLONE_NAMESPACES (CLONE_NEWNS | CLONE_NEWCGROUP | CLONE_NEWUTS | \
			  CLONE_NEWIPC | CLONE_NEWUSER | CLONE_NEWPID |    \
			  CLONE_NEWNET)

int clone_check_flags(uint64_t flags)
{
	uint32_t f = (uint32_t)flags & ~(uint32_t)CSIGNAL;

	/* Linux's own refusals (copy_process, clone) */
	if ((f & (CLONE_NEWNS | CLONE_FS)) == (CLONE_NEWNS | CLONE_FS) ||
	    (f & (CLONE_NEWUSER | CLONE_FS)) == (CLONE_NEWUSER | CLONE_FS))
		return -EINVAL;
	if ((f & CLONE_THREAD) && !(f & CLONE_SIGHAND))
		return -EINVAL;
	if ((f & CLONE_SIGHAND) && !(f & CLONE_VM))
		return -EINVAL;
	if ((f & CLONE_THREAD) && (f & (CLONE_NEWUSER | CLONE_NEWPID)))
		return -EINVAL;
	if ((f & (CLONE_NEWIPC | CLONE_SYSVSEM)) == (CLONE_NEWIPC | CLONE_SYSVSEM))
		return -EINVAL;
	if ((f & CLONE_PIDFD) &&
	    (f & (CLONE_DETACHED | CLONE_PARENT_SETTID | CLONE_THREAD)))
		return -EINVAL;
	/* what Kite does not have: as a kernel built without it */
	if (f & (CLONE_NAMESPACES | CLONE_PIDFD))
		return -EINVAL;
	return 0;
}

void clone_child_ready(struct proc *p, struct thread *t,
		       const struct clone_args *a)
{
	struct vmspace *vm = current()->proc->vm;
	uint32_t tid = (uint32_t)t->tid;

	/* as Linux: a bad address here is ignored */
	if (a->flags & CLONE_PARENT_SETTID)
		(void)copy_to_user(vm, a->parent_tid, &tid, sizeof(tid));
	if (a->flags & CLONE_CHILD_SETTID)
		(void)copy_to_user(p->vm, a->child_tid, &tid, sizeof(tid));
	if (a->vfork) {
		spin_lock(&proc_lock);
		a->vfork->child = p;
		p->vfork = a->vfork;
		spin_unlock(&proc_lock);
	}
}

void proc_vfork_release(struct proc *p)
{
	struct vfork_done *v;

	spin_lock(&proc_lock);
	v = p->vfork;
	p->vfork = NULL;
	if (v) {
		/* under proc_lock: the parent cannot return (and its stack
		 * go) until we let go */
		v->done = true;
		wq_wake_all(&v->wq);
	}
	spin_unlock(&proc_lock);
}

/* The vfork parent waits for its child's exec or exit; a kill ends
 * the wait (as Linux's killable wait), and the child is let go. */
static void vfork_wait(struct vfork_done *v)
{
	spin_lock(&proc_lock);
	while (!v->done) {
		if (wq_sleep(&v->wq, &proc_lock)) {
			/* the child has not exec'd or exited, so it is alive
			 * and still ours: unlink it */
			if (!v->done)
				v->child->vfork = NULL;
			break;
		}
	}
	spin_unlock(&proc_lock);
}

long proc_clone(const struct trapframe *tf, uint64_t flags, uint64_t stack,
		uint64_t parent_tid, uint64_t tls, uint64_t child_tid)
{
	struct clone_args a = {
		.flags = (uint32_t)flags & ~(uint32_t)CSIGNAL,
		.exit_signal = (int)(flags & CSIGNAL),
		.stack = stack,
		.parent_tid = parent_tid,
		.tls = tls,
		.child_tid = child_tid,
	};
	struct vfork_done v;
	long ret = clone_check_flags(flags);

	if (ret)
		return ret;
	if (!current()->proc->vm)
		return -EINVAL; /* kernel threads make threads otherwise */
	if (a.flags & CLONE_THREAD)
		return thread_clone(tf, &a);
	if (a.flags & CLONE_VFORK) {
		wq_init(&v.wq, "vfork");
		v.done = false;
		v.child = NULL;
		a.vfork = &v;
	}
	ret = proc_fork(tf, &a);
	if (ret > 0 && a.vfork)
		vfork_wait(&v);
	return ret;
}
