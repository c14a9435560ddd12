/*
 * session.c - process groups and sessions, as Linux keeps them: setpgid,
 * getpgid, getsid and setsid.
 *
 * Every process belongs to a process group (proc->pgid: the pid of the
 * group's first member, its leader) and every group to a session
 * (proc->sid: the pid of the process that made it with setsid). A child
 * starts in its creator's group and session (fork, clone); spawn makes
 * it a group of its own in the same session. init (pid 1) leads the
 * first session, which the console belongs to: the console's foreground
 * group (dev/console.c) is always a group of session 1, and its job
 * control (SIGTTIN for a background reader, TIOCGPGRP/TIOCSPGRP) is for
 * that session's processes only. A process that calls setsid leaves the
 * console's session and so has no controlling terminal: it reads and
 * writes the console with no job-control check, and the terminal's
 * group ioctls answer it -ENOTTY, as a Linux tty answers a process it
 * is not the controlling terminal of.
 *
 *   setsid():  caller leads no group (no process has pgid == its pid)
 *              -> new session and group, both its pid
 *   setpgid(pid, pgid): the caller or a child of it that has not exec'd,
 *              in the caller's session, not a session leader; pgid its
 *              own pid (a new group) or a group of the same session
 *
 * Locks: pgid, sid and did_exec are under proc_lock, as is the process
 * table these rules look at. A group that setpgid leaves empty is no
 * longer the console's foreground group (console_pgrp_ended_locked, as
 * when its last process exits).
 */
#include "dev/console.h"
#include "kernel/panic.h"
#include "proc/proc.h"
#include "syscall/syscall.h"
#include "uapi/errno.h"

/* The process pid names for getpgid/getsid (any: a zombie or a kernel
 * thread too, as Linux answers) or setpgid (a live user process): 0 is
 * the caller. NULL if there is none. proc_lock held. */
static struct proc *session_target_locked(int pid, bool user_alive)
{
	struct proc *p = pid == 0 ? current()->proc : proc_lookup_locked(pid);

	assert(spin_holding(&proc_lock));
	if (!p || (user_alive && ((p->flags & PF_KERNEL) || p->state != P_ALIVE)))
		return NULL;
	return p;
}

/* Does any process of the table have pgid as its group? */
static bool group_exists_locked(int pgid)
{
	return proc_pgrp_member_locked(pgid, NULL) != NULL;
}

/* setpgid's checks and move, in Linux's order of errors. */
static int setpgid_locked(int pid, int pgid)
{
	struct proc *me = current()->proc, *p, *member;
	int old;

	if (pid == 0)
		pid = me->pid;
	p = session_target_locked(pid, true);
	if (!p)
		return -ESRCH;
	if (p != me) {
		if (p->parent != me)
			return -ESRCH;
		if (p->sid != me->sid)
			return -EPERM;
		if (p->did_exec)
			return -EACCES;
	}
	if (p->sid == p->pid)
		return -EPERM; /* a session leader stays where it is */
	if (pgid != p->pid) {
		member = proc_pgrp_member_locked(pgid, NULL);
		if (!member || member->sid != me->sid)
			return -EPERM;
	}
	old = p->pgid;
	p->pgid = pgid;
	if (old != pgid && !group_exists_locked(old))
		console_pgrp_ended_locked(old);
	return 0;
}

/* setpgid(pid, pgid): move process pid (0: the caller) into group pgid
 * (0: pid's own). */
SYSCALL(setpgid)
{
	int pid = (int)(int64_t)tf->a0, pgid = (int)(int64_t)tf->a1, err;

	if (pgid == 0)
		pgid = pid ? pid : current()->proc->pid;
	if (pgid < 0) /* setpgid(-1, 0) too, as Linux */
		return -EINVAL;
	if (pid < 0)
		return -ESRCH;
	spin_lock(&proc_lock);
	err = setpgid_locked(pid, pgid);
	spin_unlock(&proc_lock);
	return err;
}

/* getpgid(pid) and getsid(pid): pid 0 is the caller. */
static long session_get(int pid, bool sid)
{
	struct proc *p;
	long ret;

	if (pid < 0)
		return -ESRCH;
	spin_lock(&proc_lock);
	p = session_target_locked(pid, false);
	ret = !p ? -ESRCH : sid ? p->sid : p->pgid;
	spin_unlock(&proc_lock);
	return ret;
}

SYSCALL(getpgid)
{
	return session_get((int)tf->a0, false); /* a pid_t: the low 32 bits */
}

SYSCALL(getsid)
{
	return session_get((int)tf->a0, true);
}

/* setsid(): a new session and group led by the caller, which must lead
 * no group yet; it leaves the console's session (no controlling
 * terminal). */
SYSCALL(setsid)
{
	struct proc *me = current()->proc;
	int old, ret;

	(void)tf;
	spin_lock(&proc_lock);
	if (group_exists_locked(me->pid)) {
		ret = -EPERM;
	} else {
		old = me->pgid;
		me->pgid = me->pid;
		me->sid = me->pid;
		if (!group_exists_locked(old))
			console_pgrp_ended_locked(old);
		ret = me->pid;
	}
	spin_unlock(&proc_lock);
	return ret;
}

bool session_is_console_locked(const struct proc *p)
{
	assert(spin_holding(&proc_lock));
	return p->sid == CONSOLE_SESSION;
}
