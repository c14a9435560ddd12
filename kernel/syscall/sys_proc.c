/*
 * sys_proc.c - process system calls: exit, ids, scheduling, kill, clone
 * (fork and threads), execve, wait4, spawn and the resource limits.
 */
#include "dev/console.h"
#include "kernel/cpu.h"
#include "mm/kmalloc.h"
#include "mm/vmspace.h"
#include "proc/apps.h"
#include "proc/clone.h"
#include "proc/exec.h"
#include "proc/proc.h"
#include "signal/signal.h"
#include "syscall/syscall.h"
#include "uapi/errno.h"
#include "uapi/kite.h"

#define PATH_MAX_KITE 64

SYSCALL(exit)
{
	thread_exit((int)tf->a0); /* this thread; the last one ends the process */
}

SYSCALL(exit_group)
{
	proc_exit((int)tf->a0);
}

SYSCALL(getpid)
{
	return current()->proc->pid;
}

SYSCALL(getppid)
{
	int ppid;

	spin_lock(&proc_lock);
	ppid = current()->proc->parent ? current()->proc->parent->pid : 0;
	spin_unlock(&proc_lock);
	return ppid;
}

SYSCALL(gettid)
{
	return current()->tid;
}

SYSCALL(sched_yield)
{
	sched_yield();
	return 0;
}

SYSCALL(set_priority)
{
	return sched_set_priority(current(), (int)(int64_t)tf->a0);
}

SYSCALL(kill)
{
	return signal_kill((int)(int64_t)tf->a0, (int)(int64_t)tf->a1);
}

/* clone(flags, stack, parent_tid, tls, child_tid): proc/clone.c */
SYSCALL(clone)
{
	return proc_clone(tf, tf->a0, tf->a1, tf->a2, tf->a3, tf->a4);
}

/* Find the app named by the user string at upath. */
static long app_from_user(uint64_t upath, const struct app **app)
{
	char path[PATH_MAX_KITE];
	long len = strncpy_from_user(current()->proc->vm, path, upath,
				     sizeof(path));

	if (len == -ENAMETOOLONG)
		return -ENOENT; /* no app has so long a name */
	if (len < 0)
		return len;
	*app = app_find(path);
	return *app ? 0 : -ENOENT;
}

/* The argument block for execve/spawn, from the user's arrays. */
static long args_from_user(uint64_t uargv, uint64_t uenvp,
			   struct exec_args **out)
{
	struct exec_args *a = kmalloc(sizeof(*a));
	long err;

	if (!a)
		return -ENOMEM;
	exec_args_init(a, proc_rlimit(RLIMIT_STACK));
	err = exec_args_from_user(current()->proc->vm, uargv, uenvp, a);
	if (err) {
		exec_args_free(a);
		kfree(a);
		return err;
	}
	*out = a;
	return 0;
}

/* execve and spawn: (path, argv, envp) from the caller's a0..a2, then
 * go; spawn's flags (KITE_SPAWN_*) in a3. */
static long exec_common(struct trapframe *tf, bool replace)
{
	const struct app *app;
	struct exec_args *args;
	bool fg = !replace && (tf->a3 & KITE_SPAWN_FOREGROUND);
	long err;
	int caller;

	if (!replace && (tf->a3 & ~(uint64_t)KITE_SPAWN_FLAGS))
		return -EINVAL;
	if (fg) { /* refused before anything is built */
		spin_lock(&proc_lock);
		err = console_may_hand_on_locked(&caller) ? 0 : -EPERM;
		spin_unlock(&proc_lock);
		if (err)
			return err;
	}
	err = app_from_user(tf->a0, &app);

	if (!err)
		err = args_from_user(tf->a1, tf->a2, &args);
	if (err)
		return err;
	err = replace ? proc_execve(app, args, tf)
		      : proc_spawn(app, args, fg);
	exec_args_free(args);
	kfree(args);
	return err;
}

SYSCALL(execve)
{
	return exec_common(tf, true);
}

SYSCALL(spawn)
{
	return exec_common(tf, false);
}

/* wait4(pid, status, options, rusage): pid > 0 that child, -1 any, 0
 * the caller's group, < -1 group -pid; WNOHANG, WUNTRACED (a stopped
 * child), WCONTINUED (a continued one). A signal ends the wait (-EINTR,
 * or restarted under SA_RESTART). rusage: not filled. */
SYSCALL(wait4)
{
	int pid = (int)(int64_t)tf->a0, status = 0, ret;

	if (tf->a2 & ~(uint64_t)(WNOHANG | WUNTRACED | WCONTINUED))
		return -EINVAL;
	if (pid == INT32_MIN)
		return -ESRCH; /* as Linux: -INT_MIN is no group */
	if (pid == 0) {
		spin_lock(&proc_lock);
		pid = -current()->proc->pgid;
		spin_unlock(&proc_lock);
	}
	ret = proc_wait(pid, &status, (int)tf->a2 | WAIT_SIGNALS);
	if (ret > 0 && tf->a1 &&
	    copy_to_user(current()->proc->vm, tf->a1, &status, sizeof(status)))
		return -EFAULT; /* reaped all the same, as Linux does */
	return ret;
}

/* The process pid names for prlimit64 (0: the caller), or an error. A
 * kernel thread's limits are not the user's to change. proc_lock held. */
static int rlimit_target_locked(int pid, struct proc **out)
{
	struct proc *me = current()->proc, *p;

	p = pid == 0 ? me : pid > 0 ? proc_lookup_locked(pid) : NULL;
	if (!p || p->state == P_ZOMBIE)
		return -ESRCH;
	if (p->flags & PF_KERNEL)
		return -EPERM;
	*out = p;
	return 0;
}

/* Limit r of process pid: the new one from the user at unew (0: none),
 * the old one to uold (0: not wanted). */
static long rlimit_user(int pid, int r, uint64_t unew, uint64_t uold)
{
	struct vmspace *vm = current()->proc->vm;
	struct kite_rlimit new_lim, old;
	struct proc *p;
	long err;

	if (unew && copy_from_user(vm, &new_lim, unew, sizeof(new_lim)))
		return -EFAULT;
	spin_lock(&proc_lock);
	err = rlimit_target_locked(pid, &p);
	if (!err)
		err = proc_prlimit_locked(p, r, unew ? &new_lim : NULL, &old);
	spin_unlock(&proc_lock);
	if (!err && uold && copy_to_user(vm, uold, &old, sizeof(old)))
		err = -EFAULT;
	return err;
}

/* prlimit64(pid, resource, new, old) */
SYSCALL(prlimit64)
{
	return rlimit_user((int)(int64_t)tf->a0, (int)(int64_t)tf->a1, tf->a2, tf->a3);
}

SYSCALL(getrlimit)
{
	if (!tf->a1)
		return -EFAULT;
	return rlimit_user(0, (int)(int64_t)tf->a0, 0, tf->a1);
}

SYSCALL(setrlimit)
{
	if (!tf->a1)
		return -EFAULT;
	return rlimit_user(0, (int)(int64_t)tf->a0, tf->a1, 0);
}
