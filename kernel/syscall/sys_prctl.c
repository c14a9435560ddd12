/*
 * sys_prctl.c - prctl and umask: attributes of a process or thread that
 * programs set for themselves (docs/USER.md).
 *
 * prctl options Kite answers, as Linux does:
 *
 *   PR_SET_NAME / PR_GET_NAME        the calling thread's name (15 bytes
 *                                    and a NUL); the first thread's is
 *                                    also the process's, which ps shows
 *   PR_SET_PDEATHSIG / GET           a signal the process gets when its
 *                                    parent exits (exit_wait.c sends it);
 *                                    cleared in a fork's child
 *   PR_SET_DUMPABLE / GET            0 or 1 (Kite writes no core file;
 *                                    the flag is kept, execve sets it 1)
 *   PR_SET_NO_NEW_PRIVS / GET        once set, never cleared; inherited
 *   PR_SET_TIMERSLACK / GET          the thread's slack in ns (0: the
 *                                    default, 50 us); Kite's timers fire
 *                                    on the tick, whatever the slack
 *
 * Any other option is -EINVAL, as Linux answers one it does not know.
 * umask(mask) keeps the process's file-mode mask (mask & 0777, 022 at
 * first, inherited) and returns the old one: Kite creates no files, but
 * a program that sets and reads it back sees what it set.
 *
 * Locks: the names are under proc_lock (ps reads them); the flags and
 * the mask are words written by their own process, read atomically; the
 * parent-death signal is under proc_lock (the exiting parent reads it).
 */
#include "kernel/cpu.h"
#include "lib/string.h"
#include "mm/vmspace.h"
#include "proc/proc.h"
#include "signal/signal.h"
#include "syscall/syscall.h"
#include "uapi/errno.h"
#include "uapi/linux.h"
#include "uapi/signal.h"

#define COMM_LEN 16         /* Linux's TASK_COMM_LEN, with the NUL */
#define UMASK_BITS 0777
#define SUID_DUMP_USER 1

/* PR_SET_NAME: up to 15 bytes of the user's string (a longer one is
 * cut, and the bytes after the 15th never read, as Linux does); an
 * unreadable string -EFAULT. */
static long set_name(uint64_t uname)
{
	struct thread *me = current();
	char name[COMM_LEN];
	long n = strncpy_from_user(me->proc->vm, name, uname, sizeof(name) - 1);

	if (n == -ENAMETOOLONG) { /* no NUL in 15 bytes: take them */
		if (copy_from_user(me->proc->vm, name, uname, sizeof(name) - 1))
			return -EFAULT;
		name[sizeof(name) - 1] = '\0';
	} else if (n < 0) {
		return n;
	}
	spin_lock(&proc_lock);
	kstrlcpy(me->name, name, sizeof(me->name));
	if (me->tid == me->proc->pid)
		kstrlcpy(me->proc->name, name, sizeof(me->proc->name));
	spin_unlock(&proc_lock);
	return 0;
}

static long get_name(uint64_t ubuf)
{
	char name[COMM_LEN] = { 0 };

	spin_lock(&proc_lock);
	kstrlcpy(name, current()->name, sizeof(name));
	spin_unlock(&proc_lock);
	return copy_to_user(current()->proc->vm, ubuf, name, sizeof(name));
}

/* prctl(option, arg2, arg3, arg4, arg5) */
SYSCALL(prctl)
{
	struct thread *me = current();
	struct proc *p = me->proc;
	uint64_t arg2 = tf->a1;
	int sig;

	switch ((int)tf->a0) {
	case PR_SET_NAME:
		return set_name(arg2);
	case PR_GET_NAME:
		return get_name(arg2);
	case PR_SET_PDEATHSIG:
		if (arg2 > NSIG_KERNEL)
			return -EINVAL;
		spin_lock(&proc_lock);
		p->pdeath_signal = (int)arg2;
		spin_unlock(&proc_lock);
		return 0;
	case PR_GET_PDEATHSIG:
		spin_lock(&proc_lock);
		sig = p->pdeath_signal;
		spin_unlock(&proc_lock);
		return copy_to_user(p->vm, arg2, &sig, sizeof(sig));
	case PR_GET_DUMPABLE:
		return READ_ONCE(p->dumpable);
	case PR_SET_DUMPABLE:
		if (arg2 > SUID_DUMP_USER)
			return -EINVAL;
		WRITE_ONCE(p->dumpable, (int)arg2);
		return 0;
	case PR_SET_NO_NEW_PRIVS:
		if (arg2 != 1 || tf->a2 || tf->a3 || tf->a4)
			return -EINVAL;
		WRITE_ONCE(p->no_new_privs, true);
		return 0;
	case PR_GET_NO_NEW_PRIVS:
		if (arg2 || tf->a2 || tf->a3 || tf->a4)
			return -EINVAL;
		return READ_ONCE(p->no_new_privs);
	case PR_SET_TIMERSLACK:
		me->timer_slack_ns = arg2 ? arg2 : TIMER_SLACK_DEFAULT_NS;
		return 0;
	case PR_GET_TIMERSLACK:
		return (long)me->timer_slack_ns;
	default:
		return -EINVAL;
	}
}

/* umask(mask): the old mask */
SYSCALL(umask)
{
	struct proc *p = current()->proc;

	return __atomic_exchange_n(&p->umask, (unsigned)tf->a0 & UMASK_BITS,
				   __ATOMIC_RELAXED);
}
