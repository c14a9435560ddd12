/*
 * sys_signal.c - the signal system calls: rt_sigaction, rt_sigprocmask,
 * rt_sigpending, rt_sigsuspend, rt_sigtimedwait, rt_sigreturn,
 * rt_sigqueueinfo, rt_tgsigqueueinfo, sigaltstack, setitimer and
 * getitimer; kill, tkill and tgkill are in sys_proc.c and sys_thread.c,
 * on signal.c, and ppoll (also glibc's pause(), a wait for a signal) in
 * file/poll.c.
 *
 * Arguments and errors are Linux's riscv64 ones (man 2 of each call):
 * a set's size must be 8 (-EINVAL), a bad pointer is -EFAULT, a signal
 * outside 1..64 -EINVAL, and SIGKILL and SIGSTOP can be neither caught,
 * ignored nor blocked.
 */
#include "arch/trapframe.h"
#include "kernel/clock.h"
#include "kernel/cpu.h"
#include "mm/vmspace.h"
#include "proc/proc.h"
#include "signal/signal.h"
#include "syscall/syscall.h"
#include "uapi/errno.h"
#include "uapi/kite.h"

static struct vmspace *uvm(void)
{
	return current()->proc->vm;
}

/* rt_sigaction(sig, act, oldact, sigsetsize) */
SYSCALL(rt_sigaction)
{
	int sig = (int)(int64_t)tf->a0;
	struct proc *p = current()->proc;
	struct sighand *h = p->sig.hand;
	struct kite_sigaction act, old;

	if (tf->a3 != SIGSET_SIZE)
		return -EINVAL;
	if (tf->a1 && copy_from_user(uvm(), &act, tf->a1, sizeof(act)))
		return -EFAULT;
	if (!sig_valid(sig) || (tf->a1 && (sig_bit(sig) & SIG_UNCATCHABLE)))
		return -EINVAL;
	spin_lock(&h->lock);
	old = h->action[sig];
	if (tf->a1) {
		sigaction_sanitize(&act);
		h->action[sig] = act;
		/* POSIX: a pending signal whose action becomes "ignore" is
		 * dropped */
		if (sigaction_ignores(&act, sig))
			signal_drop_ignored_locked(p, sig);
	}
	spin_unlock(&h->lock);
	if (tf->a2 && copy_to_user(uvm(), tf->a2, &old, sizeof(old)))
		return -EFAULT;
	return 0;
}

/* rt_sigprocmask(how, set, oldset, sigsetsize) */
SYSCALL(rt_sigprocmask)
{
	struct thread *t = current();
	uint64_t old = READ_ONCE(t->sig.blocked), set, mask;

	if (tf->a3 != SIGSET_SIZE)
		return -EINVAL;
	if (tf->a1) {
		if (copy_from_user(uvm(), &set, tf->a1, sizeof(set)))
			return -EFAULT;
		if (sigmask_apply((int)tf->a0, old, set, &mask))
			return -EINVAL;
		signal_set_blocked(mask);
	}
	if (tf->a2 && copy_to_user(uvm(), tf->a2, &old, sizeof(old)))
		return -EFAULT;
	return 0;
}

/* rt_sigpending(set, sigsetsize): the blocked signals waiting. */
SYSCALL(rt_sigpending)
{
	struct thread *t = current();
	struct sighand *h = t->proc->sig.hand;
	uint64_t set;

	if (tf->a1 > SIGSET_SIZE)
		return -EINVAL;
	spin_lock(&h->lock);
	set = (t->sig.pending.set | t->proc->sig.shared.set) & t->sig.blocked;
	spin_unlock(&h->lock);
	if (copy_to_user(uvm(), tf->a0, &set, (size_t)tf->a1))
		return -EFAULT;
	return 0;
}

/* rt_sigsuspend(mask, sigsetsize): wait with mask until a handler runs
 * (-EINTR) or the process ends; the old mask is back after the
 * handler. */
SYSCALL(rt_sigsuspend)
{
	struct thread *t = current();
	uint64_t mask;

	if (tf->a1 != SIGSET_SIZE)
		return -EINVAL;
	if (copy_from_user(uvm(), &mask, tf->a0, sizeof(mask)))
		return -EFAULT;
	t->sig.saved_mask = READ_ONCE(t->sig.blocked);
	t->sig.have_saved = true;
	signal_set_blocked(mask);
	while (!sleep_until_intr(UINT64_MAX))
		;
	return -ERESTARTNOHAND;
}

/* A user timespec at u as a deadline (time counter). 0, -EFAULT,
 * -EINVAL. */
static int deadline_from_user(uint64_t u, uint64_t *deadline)
{
	struct kite_timespec ts;
	uint64_t ns;
	int err;

	if (copy_from_user(uvm(), &ts, u, sizeof(ts)))
		return -EFAULT;
	if ((err = timespec_to_ns(&ts, &ns)))
		return err;
	*deadline = clock_deadline_ns(ns);
	return 0;
}

/* rt_sigtimedwait(set, info, timeout, sigsetsize): take one of set
 * without a handler; -EAGAIN when the timeout passes, -EINTR when
 * another signal's handler runs. */
SYSCALL(rt_sigtimedwait)
{
	struct thread *t = current();
	struct sighand *h = t->proc->sig.hand;
	uint64_t these, deadline = UINT64_MAX;
	struct kite_siginfo uinfo;
	struct ksiginfo info;
	int sig, err;

	if (tf->a3 != SIGSET_SIZE)
		return -EINVAL;
	if (copy_from_user(uvm(), &these, tf->a0, sizeof(these)))
		return -EFAULT;
	if (tf->a2 && (err = deadline_from_user(tf->a2, &deadline)))
		return err;
	these &= ~SIG_UNCATCHABLE;
	spin_lock(&h->lock);
	sig = signal_dequeue_locked(t, ~these, &info);
	if (!sig && deadline > arch_time_counter()) {
		/* wait with these unblocked: their arrival wakes us */
		t->sig.real_blocked = t->sig.blocked;
		WRITE_ONCE(t->sig.blocked, t->sig.blocked & ~these);
		signal_recalc_locked(t);
		spin_unlock(&h->lock);
		sleep_until_intr(deadline);
		spin_lock(&h->lock);
		WRITE_ONCE(t->sig.blocked, t->sig.real_blocked);
		t->sig.real_blocked = 0;
		sig = signal_dequeue_locked(t, ~these, &info);
	}
	signal_recalc_locked(t);
	spin_unlock(&h->lock);
	if (!sig)
		return deadline <= arch_time_counter() ? -EAGAIN : -EINTR;
	if (tf->a1) {
		struct ksiginfo k = info;

		signal_siginfo_to_user(&k, &uinfo);
		if (copy_to_user(uvm(), tf->a1, &uinfo, sizeof(uinfo)))
			return -EFAULT;
	}
	return sig;
}

/* rt_sigqueueinfo(pid, sig, info): a signal with the caller's siginfo
 * (sigqueue: SI_QUEUE and a value) */
SYSCALL(rt_sigqueueinfo)
{
	struct kite_siginfo u;

	if (copy_from_user(uvm(), &u, tf->a2, sizeof(u)))
		return -EFAULT;
	return signal_queueinfo((int)(int64_t)tf->a0, 0, (int)(int64_t)tf->a1, &u);
}

/* rt_tgsigqueueinfo(tgid, tid, sig, info): the same to one thread */
SYSCALL(rt_tgsigqueueinfo)
{
	struct kite_siginfo u;

	if ((int)(int64_t)tf->a0 <= 0 || (int)(int64_t)tf->a1 <= 0)
		return -EINVAL;
	if (copy_from_user(uvm(), &u, tf->a3, sizeof(u)))
		return -EFAULT;
	return signal_queueinfo((int)(int64_t)tf->a0, (int)(int64_t)tf->a1,
				(int)(int64_t)tf->a2, &u);
}

/* rt_sigreturn(): back from a handler, with the registers of its frame
 * (a0 among them: what goes back to a0). */
SYSCALL(rt_sigreturn)
{
	signal_return(tf);
	return (long)tf->a0;
}

/* sigaltstack(ss, old_ss) */
SYSCALL(sigaltstack)
{
	struct thread *t = current();
	struct kite_stack ss, old;
	long err = 0;

	if (tf->a0 && copy_from_user(uvm(), &ss, tf->a0, sizeof(ss)))
		return -EFAULT;
	signal_altstack_get(t, tf->sp, &old);
	if (tf->a0)
		err = signal_altstack_set(t, tf->sp, &ss);
	if (!err && tf->a1 && copy_to_user(uvm(), tf->a1, &old, sizeof(old)))
		return -EFAULT;
	return err;
}

/* struct itimerval: two timevals (interval, value) */
struct kite_itimerval {
	struct kite_timeval interval, value;
};

static int timeval_to_ns(const struct kite_timeval *tv, uint64_t *ns)
{
	if (tv->tv_sec < 0 || tv->tv_usec < 0 || tv->tv_usec >= 1000000)
		return -EINVAL;
	*ns = (uint64_t)tv->tv_sec > UINT64_MAX / NSEC_PER_SEC
		      ? UINT64_MAX
		      : (uint64_t)tv->tv_sec * NSEC_PER_SEC +
				(uint64_t)tv->tv_usec * 1000;
	return 0;
}

static void ns_to_timeval(uint64_t ns, struct kite_timeval *tv)
{
	tv->tv_sec = (int64_t)(ns / NSEC_PER_SEC);
	tv->tv_usec = (int64_t)((ns % NSEC_PER_SEC) / 1000);
	/* as Linux: a timer about to fire still reads as running */
	if (ns && !tv->tv_sec && !tv->tv_usec)
		tv->tv_usec = 1;
}

/* setitimer(which, new, old): ITIMER_REAL only (SIGALRM); the virtual
 * and profiling timers are -EINVAL (Kite does not split user and
 * system time). */
SYSCALL(setitimer)
{
	struct kite_itimerval nv, ov;
	uint64_t value, interval, ovalue, ointerval;
	long err;

	if ((int)tf->a0 != ITIMER_REAL)
		return -EINVAL;
	if (!tf->a1) /* Linux takes NULL as "disarm" */
		nv = (struct kite_itimerval){ { 0, 0 }, { 0, 0 } };
	else if (copy_from_user(uvm(), &nv, tf->a1, sizeof(nv)))
		return -EFAULT;
	if ((err = timeval_to_ns(&nv.value, &value)) ||
	    (err = timeval_to_ns(&nv.interval, &interval)))
		return err;
	err = itimer_real_set(value, interval, &ovalue, &ointerval);
	if (err)
		return err;
	if (tf->a2) {
		ns_to_timeval(ovalue, &ov.value);
		ns_to_timeval(ointerval, &ov.interval);
		if (copy_to_user(uvm(), tf->a2, &ov, sizeof(ov)))
			return -EFAULT;
	}
	return 0;
}

/* getitimer(which, cur) */
SYSCALL(getitimer)
{
	struct kite_itimerval cv;
	uint64_t value, interval;

	if ((int)tf->a0 != ITIMER_REAL)
		return -EINVAL;
	itimer_real_get(&value, &interval);
	ns_to_timeval(value, &cv.value);
	ns_to_timeval(interval, &cv.interval);
	if (copy_to_user(uvm(), tf->a1, &cv, sizeof(cv)))
		return -EFAULT;
	return 0;
}
