/*
 * signal.c - signal state and sending: handlers, pending sets, masks,
 * faults, the group stop and SIGCHLD (kill, tkill and sigqueue, the
 * calls that send for a user, are kill.c's).
 *
 * Sending (send_locked, with proc_lock and the target's siglock):
 *
 *   kill, tkill, a fault, the console, a timer, a child's exit
 *     │
 *     ▼  SIGCONT: pending stops dropped, a stopped group continues
 *   prepare   a stop signal: pending SIGCONT dropped
 *     │
 *     ▼
 *   ignored? (SIG_IGN, or SIG_DFL of an ignoring signal, and not
 *     │       blocked anywhere: sigwait may want it) ── yes ──> dropped
 *     ▼
 *   queued    standard: in the set once, its siginfo in place;
 *     │       real-time: a struct sigqueue each (RLIMIT_SIGPENDING)
 *     ▼
 *   a thread that does not block it: fatal by default? the group ends
 *   now (proc_group_end_locked, as a kill); else its sigpend word is
 *   set and it is woken from an interruptible sleep or kicked, and
 *   delivers it on its way back to user mode (deliver.c).
 *
 * Locks and lifetimes: signal/signal.h.
 */
#include "kernel/cpu.h"
#include "kernel/panic.h"
#include "lib/string.h"
#include "mm/kmalloc.h"
#include "mm/vmspace.h"
#include "proc/proc.h"
#include "signal/signal.h"
#include "uapi/errno.h"
#include "uapi/kite.h"

void sigpending_init(struct sigpending *sp)
{
	sp->set = 0;
	list_init(&sp->rt);
}

/* ---- lifecycle ---- */

static struct sighand *sighand_alloc(void)
{
	struct sighand *h = kzalloc(sizeof(*h));

	if (h) {
		spin_init(&h->lock, "siglock");
		h->refs = 1;
	}
	return h;
}

static void sighand_put(struct sighand *h)
{
	if (h && __atomic_sub_fetch(&h->refs, 1, __ATOMIC_ACQ_REL) == 0)
		kfree(h);
}

/* Caught handlers back to SIG_DFL, as execve does (ignored stay). */
static void sighand_reset_caught(struct sighand *h)
{
	for (int sig = 1; sig <= NSIG_KERNEL; sig++) {
		struct kite_sigaction *a = &h->action[sig];

		if (a->handler != SIG_IGN_VALUE)
			*a = (struct kite_sigaction){ SIG_DFL_VALUE, 0, 0 };
	}
}

int signal_proc_init(struct proc *p, struct proc *from, bool share,
		     bool from_exec)
{
	struct sighand *src = from->sig.hand, *h;

	p->sig.exit_signal = SIGCHLD;
	if (share && src) {
		__atomic_add_fetch(&src->refs, 1, __ATOMIC_ACQ_REL);
		p->sig.hand = src;
		return 0;
	}
	h = sighand_alloc();
	if (!h)
		return -ENOMEM;
	if (src) {
		spin_lock(&src->lock);
		memcpy(h->action, src->action, sizeof(h->action));
		spin_unlock(&src->lock);
	}
	if (from_exec)
		sighand_reset_caught(h);
	p->sig.hand = h;
	return 0;
}

int signal_proc_init_default(struct proc *p)
{
	p->sig.exit_signal = SIGCHLD;
	p->sig.hand = sighand_alloc();
	return p->sig.hand ? 0 : -ENOMEM;
}

void signal_thread_init(struct thread *t, struct thread *from,
			bool keep_altstack)
{
	t->sig.blocked = READ_ONCE(from->sig.blocked);
	if (keep_altstack)
		t->sig.alt = from->sig.alt;
	/* its first way out looks: a group stop may be on */
	t->sig.sigpend = 1;
}

/* Free the queued real-time signals of sp. */
static void sigpending_flush(struct sigpending *sp, struct proc *p)
{
	while (!list_empty(&sp->rt)) {
		struct sigqueue *q = list_entry(list_pop_front(&sp->rt),
						struct sigqueue, link);

		kfree(q);
		if (p)
			p->sig.nqueued--;
	}
	sp->set = 0;
}

void signal_thread_exit(struct thread *t)
{
	struct sighand *h = t->proc->sig.hand;

	if (!h) {
		sigpending_flush(&t->sig.pending, NULL);
		return;
	}
	spin_lock(&h->lock);
	sigpending_flush(&t->sig.pending, t->proc);
	spin_unlock(&h->lock);
}

void signal_proc_exit(struct proc *p)
{
	sigpending_flush(&p->sig.shared, p);
	sighand_put(p->sig.hand);
	p->sig.hand = NULL;
}

int signal_exec_prepare(struct sighand **fresh)
{
	struct sighand *h = current()->proc->sig.hand;

	*fresh = NULL;
	if (__atomic_load_n(&h->refs, __ATOMIC_ACQUIRE) == 1)
		return 0;
	*fresh = sighand_alloc(); /* shared (CLONE_SIGHAND): our own now */
	return *fresh ? 0 : -ENOMEM;
}

void signal_exec_abort(struct sighand *fresh)
{
	sighand_put(fresh);
}

void signal_exec_commit(struct sighand *fresh)
{
	struct thread *t = current();
	struct proc *p = t->proc;
	struct sighand *old = NULL, *h;

	if (fresh) {
		spin_lock(&proc_lock);
		old = p->sig.hand;
		spin_lock(&old->lock);
		memcpy(fresh->action, old->action, sizeof(fresh->action));
		spin_unlock(&old->lock);
		p->sig.hand = fresh;
		spin_unlock(&proc_lock);
		sighand_put(old);
	}
	h = p->sig.hand;
	spin_lock(&h->lock);
	sighand_reset_caught(h);
	spin_unlock(&h->lock);
	t->sig.alt = (struct altstack){ 0, 0, 0 };
	t->sig.have_saved = false;
}

/* ---- masks and what is deliverable ---- */

void signal_recalc_locked(struct thread *t)
{
	struct proc *p = t->proc;
	uint64_t ready = (t->sig.pending.set | p->sig.shared.set) &
			 ~t->sig.blocked;

	assert(t == current() && spin_holding(&p->sig.hand->lock));
	__atomic_store_n(&t->sig.sigpend, ready || p->sig.stop_sig,
			 __ATOMIC_RELEASE);
}

void signal_set_blocked(uint64_t mask)
{
	struct thread *t = current();
	struct sighand *h = t->proc->sig.hand;

	spin_lock(&h->lock);
	WRITE_ONCE(t->sig.blocked, mask & ~SIG_UNCATCHABLE);
	signal_recalc_locked(t);
	spin_unlock(&h->lock);
}

/* Is sig ignored by p's handlers (SIG_IGN, or SIG_DFL of a signal whose
 * default is to ignore; SIGCONT's continuing is done when it is sent)?
 * siglock held. */
static bool sig_handler_ignored(struct sighand *h, int sig)
{
	return sigaction_ignores(&h->action[sig], sig);
}

/* Does some thread of p block sig (or wait for it in sigtimedwait)? */
static bool sig_blocked_somewhere(struct proc *p, int sig)
{
	struct list_node *it;

	list_for_each(it, &p->threads) {
		struct thread *t = list_entry(it, struct thread, proc_link);

		if ((t->sig.blocked | t->sig.real_blocked) & sig_bit(sig))
			return true;
	}
	return false;
}

/* Drop the signals in mask from sp. siglock held. */
static void sigpending_drop(struct sigpending *sp, uint64_t mask,
			    struct proc *p)
{
	struct list_node *it, *next;

	if (!(sp->set & mask))
		return;
	sp->set &= ~mask;
	for (it = sp->rt.next; it != &sp->rt; it = next) {
		struct sigqueue *q = list_entry(it, struct sigqueue, link);

		next = it->next;
		if (mask & sig_bit(q->info.signo)) {
			list_remove(&q->link);
			kfree(q);
			p->sig.nqueued--;
		}
	}
}

/* Drop mask from p's shared set and every thread's. siglock held. */
static void proc_drop_pending(struct proc *p, uint64_t mask)
{
	struct list_node *it;

	sigpending_drop(&p->sig.shared, mask, p);
	list_for_each(it, &p->threads)
		sigpending_drop(&list_entry(it, struct thread, proc_link)->sig.pending,
				mask, p);
}

void signal_drop_ignored_locked(struct proc *p, int sig)
{
	proc_drop_pending(p, sig_bit(sig));
}

/* Take a pending signal of sp not in blocked, synchronous ones first,
 * then the lowest number; its info to *info. 0 if none. siglock held. */
static int sigpending_take(struct sigpending *sp, uint64_t blocked,
			   struct ksiginfo *info, struct proc *p)
{
	int sig = sigset_next(sp->set & ~blocked);
	struct list_node *it;

	if (!sig)
		return 0;
	if (sig < SIGRTMIN_KERNEL) {
		*info = sp->std[sig];
		sp->set &= ~sig_bit(sig);
		return sig;
	}
	/* the first queued one of sig; the bit stays while more are queued */
	list_for_each(it, &sp->rt) {
		struct sigqueue *q = list_entry(it, struct sigqueue, link);

		if (q->info.signo != sig)
			continue;
		*info = q->info;
		list_remove(&q->link);
		kfree(q);
		p->sig.nqueued--;
		list_for_each(it, &sp->rt)
			if (list_entry(it, struct sigqueue, link)->info.signo == sig)
				return sig;
		sp->set &= ~sig_bit(sig);
		return sig;
	}
	/* set without an entry: kill() of a real-time signal when the
	 * queue was full (Linux sends it without its siginfo) */
	sp->set &= ~sig_bit(sig);
	*info = (struct ksiginfo){ .signo = sig, .code = SI_USER };
	return sig;
}

int signal_dequeue_locked(struct thread *t, uint64_t blocked,
			  struct ksiginfo *info)
{
	int sig = sigpending_take(&t->sig.pending, blocked, info, t->proc);

	if (!sig)
		sig = sigpending_take(&t->proc->sig.shared, blocked, info, t->proc);
	return sig;
}

/* ---- sending ---- */

/* Make t look at its signals: set its sigpend word, then wake it from
 * an interruptible sleep or interrupt it on its hart. The fence pairs
 * with the sleeper's (sched_sleep_cancel): either it sees sigpend, or
 * we see it SLEEPING with sleep_intr. */
static void signal_wake(struct thread *t)
{
	__atomic_store_n(&t->sig.sigpend, 1, __ATOMIC_RELEASE);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (READ_ONCE(t->sig.sleep_intr) && sched_wakeup(t))
		return;
	if (t != current() && READ_ONCE(t->on_cpu))
		sched_kick_thread(t);
}

/* The thread of p that takes a process-directed sig: one that does
 * not block it, preferring one not already busy with signals. NULL if
 * every thread blocks it. siglock held. */
static struct thread *pick_thread(struct proc *p, int sig)
{
	struct thread *any = NULL;
	struct list_node *it;

	list_for_each(it, &p->threads) {
		struct thread *t = list_entry(it, struct thread, proc_link);

		if (READ_ONCE(t->sig.blocked) & sig_bit(sig))
			continue;
		if (!signal_pending(t))
			return t;
		if (!any)
			any = t;
	}
	return any;
}

/* SIGCONT and the stop signals cancel each other when sent; SIGCONT
 * also ends a group stop. Returns true if p was stopped and continues
 * (the parent is to hear CLD_CONTINUED). siglock held. */
static bool prepare_signal(struct proc *p, int sig)
{
	if (sig_bit(sig) & SIG_STOPS) {
		proc_drop_pending(p, sig_bit(SIGCONT));
		return false;
	}
	if (sig != SIGCONT)
		return false;
	proc_drop_pending(p, SIG_STOPS);
	if (!p->sig.stop_sig)
		return false;
	p->sig.stop_sig = 0;
	wq_wake_all(&p->stopped_wq);
	return true;
}

/* Queue sig for p (t NULL) or for its thread t, and make a thread take
 * it. q: a preallocated entry for a real-time signal (freed here if not
 * used). proc_lock and siglock held. *continued: p was stopped. */
static int send_locked(struct proc *p, struct thread *t, int sig,
		       const struct ksiginfo *info, struct sigqueue *q,
		       bool *continued)
{
	struct sighand *h = p->sig.hand;
	struct sigpending *sp = t ? &t->sig.pending : &p->sig.shared;
	struct thread *to;
	int err = 0;

	*continued = prepare_signal(p, sig);
	if (sig_handler_ignored(h, sig) &&
	    !(t ? ((t->sig.blocked | t->sig.real_blocked) & sig_bit(sig))
		: sig_blocked_somewhere(p, sig)))
		goto out; /* dropped */
	if (sig < SIGRTMIN_KERNEL) {
		if (sp->set & sig_bit(sig))
			goto out; /* standard signals do not queue */
		sp->std[sig] = *info;
	} else if (q && (uint64_t)p->sig.nqueued <
				proc_rlimits(p)[RLIMIT_SIGPENDING].rlim_cur) {
		q->info = *info;
		list_push_back(&sp->rt, &q->link);
		p->sig.nqueued++;
		q = NULL;
	} else if (info->code != SI_USER && info->code != SI_KERNEL) {
		err = -EAGAIN; /* a queued value that does not fit */
		goto out;
	}
	sp->set |= sig_bit(sig);
	to = t ? t : pick_thread(p, sig);
	if (!to || (to->sig.blocked & sig_bit(sig)))
		goto out; /* blocked: it waits */
	/* fatal and not caught: the whole group ends now, as a kill */
	if (sig == SIGKILL ||
	    (h->action[sig].handler == SIG_DFL_VALUE &&
	     (sig_default_action(sig) == SIG_ACT_TERM ||
	      sig_default_action(sig) == SIG_ACT_CORE) &&
	     !(to->sig.real_blocked & sig_bit(sig)))) {
		proc_group_end_locked(p, sig_death_status(sig), sig);
		goto out;
	}
	signal_wake(to);
out:
	kfree(q);
	return err;
}

int signal_send_locked(struct proc *p, struct thread *t, int sig,
			   const struct ksiginfo *info, struct sigqueue *q)
{
	struct sighand *h = p->sig.hand;
	bool continued;
	int err;

	assert(spin_holding(&proc_lock));
	if (!h || p->state == P_ZOMBIE || p->nthreads == 0) {
		kfree(q);
		return 0; /* gone already: as a zombie, it ignores it */
	}
	spin_lock(&h->lock);
	err = send_locked(p, t, sig, info, q, &continued);
	spin_unlock(&h->lock);
	if (continued) {
		p->sig.report = W_CONTINUED;
		p->sig.report_code = CLD_CONTINUED;
		signal_notify_parent_locked(p, CLD_CONTINUED, SIGCONT);
	}
	return err;
}

int signal_send_proc_locked(struct proc *p, int sig, const struct ksiginfo *info)
{
	struct ksiginfo k = { .signo = sig, .code = SI_KERNEL };

	if (sig == SIGKILL) {
		/* as always: no siginfo, no handler, the group just ends */
		proc_kill_locked(p, SIGKILL);
		return 0;
	}
	return signal_send_locked(p, NULL, sig, info ? info : &k, NULL);
}

int signal_send_thread_locked(struct thread *t, int sig,
			      const struct ksiginfo *info)
{
	return signal_send_locked(t->proc, t, sig, info, NULL);
}

void signal_fault(const char *what, const char *why, int sig, int code,
		  uint64_t addr, uint64_t pc)
{
	struct thread *t = current();
	struct sighand *h = t->proc->sig.hand;
	struct ksiginfo info = { .signo = sig, .code = code, .addr = addr };
	uint64_t handler;

	spin_lock(&h->lock);
	handler = h->action[sig].handler;
	/* a handler it may run now: the fault becomes that signal, and
	 * the instruction runs again after the handler (force_sig: else,
	 * blocked or ignored, the process dies) */
	if (handler != SIG_DFL_VALUE && handler != SIG_IGN_VALUE &&
	    !(t->sig.blocked & sig_bit(sig))) {
		t->sig.pending.std[sig] = info;
		t->sig.pending.set |= sig_bit(sig);
		__atomic_store_n(&t->sig.sigpend, 1, __ATOMIC_RELEASE);
		spin_unlock(&h->lock);
		return;
	}
	spin_unlock(&h->lock);
	proc_fault(what, why, sig, addr, pc);
}

bool signal_ignored_or_blocked(int sig)
{
	struct thread *t = current();
	struct sighand *h = t->proc->sig.hand;
	bool ret;

	if (!h)
		return true;
	spin_lock(&h->lock);
	ret = h->action[sig].handler == SIG_IGN_VALUE ||
	      (t->sig.blocked & sig_bit(sig));
	spin_unlock(&h->lock);
	return ret;
}

bool signal_notify_parent_locked(struct proc *p, int why, int status)
{
	struct proc *parent = p->parent;
	struct ksiginfo info = { .code = why, .pid = p->pid, .status = status };
	struct sighand *h;
	bool autoreap = false, exiting = why <= CLD_DUMPED;
	int sig = exiting ? p->sig.exit_signal : SIGCHLD;

	assert(spin_holding(&proc_lock));
	if (!parent || (parent->flags & PF_KERNEL) || !(h = parent->sig.hand))
		return false;
	if (!exiting)
		wq_wake_all(&parent->child_exit); /* WUNTRACED, WCONTINUED */
	spin_lock(&h->lock);
	if (exiting && sig == SIGCHLD &&
	    (h->action[SIGCHLD].handler == SIG_IGN_VALUE ||
	     (h->action[SIGCHLD].flags & SA_NOCLDWAIT))) {
		autoreap = true;
		if (h->action[SIGCHLD].handler == SIG_IGN_VALUE)
			sig = 0;
	}
	if (!exiting && (h->action[SIGCHLD].flags & SA_NOCLDSTOP))
		sig = 0;
	spin_unlock(&h->lock);
	if (sig && sig_valid(sig)) {
		info.signo = sig;
		info.utime = READ_ONCE(p->ticks);
		signal_send_locked(parent, NULL, sig, &info, NULL);
	}
	return autoreap;
}

int signal_stop_group(int sig)
{
	struct thread *me = current();
	struct proc *p = me->proc;
	struct sighand *h = p->sig.hand;
	struct list_node *it;
	bool report;

	spin_lock(&proc_lock);
	spin_lock(&h->lock);
	/* a SIGCONT that came after the stop was dequeued cancels it */
	report = !p->sig.stop_sig && !(p->sig.shared.set & sig_bit(SIGCONT)) &&
		 !thread_killed(me);
	if (report) {
		p->sig.stop_sig = sig;
		list_for_each(it, &p->threads) {
			struct thread *t = list_entry(it, struct thread, proc_link);

			if (t != me)
				signal_wake(t);
		}
	}
	spin_unlock(&h->lock);
	if (report) {
		p->sig.report = W_STOPCODE(sig);
		p->sig.report_code = CLD_STOPPED;
		signal_notify_parent_locked(p, CLD_STOPPED, sig);
	}
	spin_unlock(&proc_lock);
	return report;
}
