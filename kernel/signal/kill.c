/*
 * kill.c - the calls that send a signal for a user: kill (to a process,
 * its group, or everyone), tkill/tgkill (to a thread), rt_sigqueueinfo
 * (with a value), and the console's group kill (signal_kill_pgrp).
 *
 * Each takes proc_lock to find its targets, checks that it may signal
 * them (may_signal: never init or a kernel thread), and sends through
 * signal_send_locked (signal.c). SIGKILL ends the group at once, with no
 * siginfo. A real-time signal's queue entry is allocated before the
 * locks (kmalloc may sleep) and freed if it was not used.
 */
#include "kernel/panic.h"
#include "mm/kmalloc.h"
#include "proc/proc.h"
#include "signal/signal.h"
#include "uapi/errno.h"
#include "uapi/kite.h"

/* The siginfo of a signal the caller sends with kill or tkill. */
static struct ksiginfo user_info(int sig, int code)
{
	return (struct ksiginfo){ .signo = sig, .code = code,
				  .pid = current()->proc->pid };
}

/* May the caller signal p? init and kernel threads refuse (Kite's rule:
 * kill(1) is -EPERM, as before signals). */
static int may_signal(struct proc *p)
{
	if (p == init_proc || (p->flags & PF_KERNEL) || p == &kernel_proc)
		return -EPERM;
	return 0;
}

/* One process of a kill(): sig 0 only checks. proc_lock held. */
static int kill_one_locked(struct proc *p, int sig, struct sigqueue **q)
{
	struct ksiginfo info = user_info(sig, SI_USER);
	int err = may_signal(p);
	struct sigqueue *mine = NULL;

	if (err || sig == 0)
		return err;
	if (sig == SIGKILL) {
		if (p->state != P_ZOMBIE)
			proc_kill_locked(p, SIGKILL);
		return 0;
	}
	if (q) {
		mine = *q;
		*q = NULL;
	}
	return signal_send_locked(p, NULL, sig, &info, mine);
}

/* The processes a kill to a group or to everyone reaches: as a user's
 * kill (SI_USER) or the kernel's (the console's keys). */
struct kill_many {
	int sig;
	int found;
	bool kernel;
};

static void kill_each(struct proc *p, void *arg)
{
	struct kill_many *k = arg;

	if (may_signal(p) || p->state == P_ZOMBIE)
		return;
	k->found++;
	if (k->kernel)
		signal_send_proc_locked(p, k->sig, NULL);
	else
		kill_one_locked(p, k->sig, NULL);
}

int signal_kill(int pid, int sig)
{
	struct proc *me = current()->proc;
	struct sigqueue *q = NULL;
	int err = -ESRCH;

	if (sig < 0 || sig > NSIG_KERNEL)
		return -EINVAL;
	if (sig >= SIGRTMIN_KERNEL)
		q = kmalloc(sizeof(*q)); /* before the locks; NULL: no room */
	spin_lock(&proc_lock);
	if (pid > 0) {
		struct proc *p = proc_lookup_locked(pid);
		struct thread *t = p ? NULL : thread_lookup_locked(pid);

		if (t) /* as Linux: a thread's tid names its process too */
			p = t->proc;
		if (p && p != &kernel_proc)
			err = kill_one_locked(p, sig, &q);
	} else {
		struct kill_many k = { sig, 0, false };

		if (pid == 0)
			proc_for_each_locked(me->pgid, kill_each, &k, NULL);
		else if (pid == -1) /* everyone but init and the caller */
			proc_for_each_locked(-1, kill_each, &k, me);
		else if (pid != INT32_MIN)
			proc_for_each_locked(-pid, kill_each, &k, NULL);
		err = k.found ? 0 : -ESRCH;
	}
	spin_unlock(&proc_lock);
	kfree(q);
	return err;
}

int signal_kill_pgrp(int pgid, int sig)
{
	struct kill_many k = { sig, 0, true };

	if (pgid <= 0 || !sig_valid(sig))
		return -EINVAL;
	spin_lock(&proc_lock);
	proc_for_each_locked(pgid, kill_each, &k, NULL);
	spin_unlock(&proc_lock);
	return k.found ? 0 : -ESRCH;
}

int signal_tkill(int tgid, int tid, int sig)
{
	struct ksiginfo info = user_info(sig, SI_TKILL);
	struct sigqueue *q = NULL;
	struct thread *t;
	struct proc *p;
	int err = 0;

	if (tid <= 0 || sig < 0 || sig > NSIG_KERNEL)
		return -EINVAL;
	if (sig >= SIGRTMIN_KERNEL)
		q = kmalloc(sizeof(*q));
	spin_lock(&proc_lock);
	t = thread_lookup_locked(tid);
	p = t ? t->proc : NULL;
	if (!t || (tgid > 0 && p->pid != tgid)) {
		err = -ESRCH;
	} else if ((err = may_signal(p)) == 0 && sig) {
		if (sig == SIGKILL) {
			proc_kill_locked(p, SIGKILL); /* the group ends */
		} else {
			err = signal_send_locked(p, t, sig, &info, q);
			q = NULL;
		}
	}
	spin_unlock(&proc_lock);
	kfree(q);
	return err;
}

int signal_queueinfo(int pid, int tid, int sig, const struct kite_siginfo *u)
{
	struct proc *me = current()->proc, *p = NULL;
	struct thread *t = NULL;
	struct ksiginfo info = { .signo = sig, .code = u->si_code,
				 .pid = u->u.rt.pid, .addr = u->u.rt.value };
	struct sigqueue *q;
	int err;

	if (sig < 0 || sig > NSIG_KERNEL)
		return -EINVAL;
	/* as Linux: only the kernel's codes may not be forged, unless the
	 * caller signals itself */
	if ((u->si_code >= 0 || u->si_code == SI_TKILL) && pid != me->pid)
		return -EPERM;
	q = sig >= SIGRTMIN_KERNEL ? kmalloc(sizeof(*q)) : NULL;
	spin_lock(&proc_lock);
	if (tid) {
		t = thread_lookup_locked(tid);
		p = t && t->proc->pid == pid ? t->proc : NULL;
	} else {
		struct thread *any = thread_lookup_locked(pid);

		p = proc_lookup_locked(pid);
		if (!p && any)
			p = any->proc;
	}
	if (pid <= 0 || !p || p == &kernel_proc) {
		err = -ESRCH;
	} else if ((err = may_signal(p)) == 0 && sig) {
		if (sig == SIGKILL) {
			proc_kill_locked(p, SIGKILL);
		} else {
			err = signal_send_locked(p, t, sig, &info, q);
			q = NULL;
		}
	}
	spin_unlock(&proc_lock);
	kfree(q);
	return err;
}

