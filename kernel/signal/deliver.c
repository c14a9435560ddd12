/*
 * deliver.c - a thread takes its signals on the way back to user mode,
 * and comes back from a handler (rt_sigreturn).
 *
 *   arch_return_to_user: sigpend set? ── no ──> sret (one load, a branch)
 *        │ yes
 *        ▼
 *   signal_deliver: group stopped? ──> sleep until SIGCONT or a kill
 *        │
 *        ▼ dequeue (own pending, then the process's; faults first)
 *   SIG_IGN: next │ SIG_DFL: ignore / stop the group / end it (core bit)
 *        │ a handler
 *        ▼
 *   interrupted call? -ERESTARTSYS: restart if SA_RESTART, else -EINTR;
 *   -ERESTARTNOHAND: -EINTR; -ERESTARTNOINTR: restart (sepc back 4)
 *        ▼
 *   frame on the user stack (or the sigaltstack: SA_ONSTACK), Linux's
 *   struct rt_sigframe: siginfo, ucontext (flags, link, the altstack,
 *   the old mask, the registers: pc, x1..x31, f0..f31, fcsr)
 *        ▼
 *   pc = handler, a0 = sig, a1 = &info, a2 = &uc, sp = frame,
 *   ra = SIGRETURN_ADDR; the mask gains sa_mask and sig (not SA_NODEFER)
 *
 * The handler returns to SIGRETURN_ADDR (or calls rt_sigreturn): the
 * frame's registers, mask and altstack come back. A frame that cannot be
 * written, or read back intact, is a SIGSEGV (Linux's force_sigsegv).
 */
#include "arch/arch.h"
#include "arch/trap.h"
#include "arch/trapframe.h"
#include "kernel/cpu.h"
#include "kernel/panic.h"
#include "lib/string.h"
#include "mm/kmalloc.h"
#include "mm/vmspace.h"
#include "proc/proc.h"
#include "signal/signal.h"
#include "trace/trace.h"
#include "uapi/errno.h"
#include "uapi/kite.h"

bool signal_on_altstack(struct thread *t, uint64_t sp)
{
	return altstack_on(&t->sig.alt, sp);
}

void signal_altstack_get(struct thread *t, uint64_t sp, struct kite_stack *ss)
{
	altstack_get(&t->sig.alt, sp, ss);
}

int signal_altstack_set(struct thread *t, uint64_t sp,
			const struct kite_stack *ss)
{
	return altstack_set(&t->sig.alt, sp, ss);
}

/* The user's siginfo_t for what the kernel kept. */
void signal_siginfo_to_user(const struct ksiginfo *k, struct kite_siginfo *u)
{
	memset(u, 0, sizeof(*u));
	u->si_signo = k->signo;
	u->si_code = k->code;
	switch (k->signo) {
	case SIGSEGV:
	case SIGBUS:
	case SIGILL:
	case SIGTRAP:
	case SIGFPE:
		if (k->code > 0 && k->code < SI_KERNEL) {
			u->u.addr = k->addr; /* a fault */
			return;
		}
		break;
	case SIGCHLD:
		if (k->code > 0 && k->code < SI_KERNEL) {
			u->u.proc.pid = k->pid;
			u->u.proc.status = k->status;
			u->u.proc.utime = k->utime;
			u->u.proc.stime = k->stime;
			return;
		}
		break;
	}
	if (k->code == SI_TIMER) {
		u->u.timer.tid = k->pid;
		u->u.timer.overrun = k->status;
		u->u.timer.value = k->addr;
		return;
	}
	u->u.rt.pid = k->pid;
	u->u.rt.uid = 0;
	u->u.rt.value = k->addr;
}

/* Build the frame for sig's handler act on the user stack, with oldmask
 * to restore. 0 or -EFAULT (nothing changed in tf then). */
static int frame_setup(struct trapframe *tf, const struct ksiginfo *info,
		       const struct kite_sigaction *act, uint64_t oldmask)
{
	struct thread *t = current();
	struct kite_sigframe *f;
	uint64_t sp = altstack_frame(&t->sig.alt, tf->sp,
				     act->flags & SA_ONSTACK, sizeof(*f));
	int err = -EFAULT;

	if (!sp)
		return -EFAULT; /* it would overflow the alternate stack */
	f = kzalloc(sizeof(*f));
	if (!f)
		return -EFAULT;
	signal_siginfo_to_user(info, &f->info);
	signal_altstack_get(t, tf->sp, &f->uc.uc_stack);
	f->uc.uc_sigmask = oldmask;
	f->uc.uc_mcontext.regs.pc = tf->sepc;
	memcpy(f->uc.uc_mcontext.regs.x, &tf->ra, sizeof(f->uc.uc_mcontext.regs.x));
	push_off();
	arch_fp_save(t->fp);
	pop_off();
	memcpy(f->uc.uc_mcontext.fp.f, t->fp, sizeof(f->uc.uc_mcontext.fp.f));
	f->uc.uc_mcontext.fp.fcsr = (uint32_t)t->fp[32];
	if (copy_to_user(t->proc->vm, sp, f, sizeof(*f)))
		goto out;
	if (t->sig.alt.flags & SS_AUTODISARM)
		t->sig.alt = (struct altstack){ 0, 0, 0 };
	tf->sepc = act->handler;
	tf->sp = sp;
	tf->ra = SIGRETURN_ADDR;
	tf->a0 = (uint64_t)info->signo;
	tf->a1 = sp + offsetof(struct kite_sigframe, info);
	tf->a2 = sp + offsetof(struct kite_sigframe, uc);
	err = 0;
out:
	kfree(f);
	return err;
}

/* A system call interrupted by a signal: restart it (the ecall again,
 * with its first argument back), or make it fail with -EINTR. handler:
 * a handler is about to run, with flags. */
static void syscall_restart(struct trapframe *tf, bool handler, uint64_t flags)
{
	long ret = (long)tf->a0;

	if (!arch_tf_syscall(tf))
		return;
	if (ret != -ERESTARTSYS && ret != -ERESTARTNOINTR &&
	    ret != -ERESTARTNOHAND)
		return;
	if (handler && (ret == -ERESTARTNOHAND ||
			(ret == -ERESTARTSYS && !(flags & SA_RESTART)))) {
		tf->a0 = (uint64_t)-EINTR;
		return;
	}
	arch_tf_syscall_again(tf);
}

/* Sleep while the group is stopped (a kill or SIGCONT ends it).
 * siglock held, and held again on return. */
static void stopped_wait_locked(struct proc *p, struct sighand *h)
{
	struct thread *t = current();

	WRITE_ONCE(t->stopped, true);
	while (p->sig.stop_sig && !thread_killed(t))
		wq_sleep(&p->stopped_wq, &h->lock);
	WRITE_ONCE(t->stopped, false);
}

/* A frame for sig could not be built (or read back: sig 0): SIGSEGV,
 * as Linux's force_sigsegv - the process dies unless a handler can take
 * it, and always if it was SIGSEGV's own frame that failed. */
static void frame_fault(struct trapframe *tf, int sig, uint64_t addr,
			const char *why)
{
	if (sig == SIGSEGV)
		proc_fault("segmentation fault", why, SIGSEGV, addr, tf->sepc);
	signal_fault("segmentation fault", why, SIGSEGV, SI_KERNEL, addr,
		     tf->sepc);
}

void signal_deliver(struct trapframe *tf)
{
	struct thread *t = current();
	struct proc *p = t->proc;
	struct sighand *h = p->sig.hand;
	struct kite_sigaction act;
	struct ksiginfo info;
	uint64_t oldmask;
	int sig;

	if (!h) {
		__atomic_store_n(&t->sig.sigpend, 0, __ATOMIC_RELEASE);
		return;
	}
	for (;;) {
		spin_lock(&h->lock);
		if (p->sig.stop_sig)
			stopped_wait_locked(p, h);
		if (thread_killed(t)) {
			spin_unlock(&h->lock);
			return; /* the caller exits */
		}
		sig = signal_dequeue_locked(t, t->sig.blocked, &info);
		if (!sig) {
			signal_recalc_locked(t);
			spin_unlock(&h->lock);
			break;
		}
		act = h->action[sig];
		if (act.handler == SIG_IGN_VALUE) {
			spin_unlock(&h->lock);
			continue;
		}
		if (act.handler == SIG_DFL_VALUE) {
			int def = sig_default_action(sig);

			spin_unlock(&h->lock);
			if (def == SIG_ACT_IGNORE || def == SIG_ACT_CONTINUE)
				continue;
			trace_signal(t, sig, 0, info.pid); /* stop or death */
			if (def == SIG_ACT_STOP) {
				signal_stop_group(sig);
				continue; /* the loop's top waits */
			}
			proc_exit_wstatus(sig_death_status(sig));
		}
		/* a handler: its mask from now until it returns */
		if (act.flags & SA_RESETHAND)
			h->action[sig] = (struct kite_sigaction){ SIG_DFL_VALUE, 0, 0 };
		oldmask = t->sig.have_saved ? t->sig.saved_mask : t->sig.blocked;
		t->sig.have_saved = false;
		WRITE_ONCE(t->sig.blocked, sig_handler_mask(t->sig.blocked, &act, sig));
		signal_recalc_locked(t);
		spin_unlock(&h->lock);
		syscall_restart(tf, true, act.flags);
		trace_signal(t, sig, act.handler, info.pid);
		if (frame_setup(tf, &info, &act, oldmask)) {
			signal_set_blocked(oldmask);
			frame_fault(tf, sig, tf->sp, "cannot write the signal frame");
		}
		return; /* the loop in arch_return_to_user calls again if
			 * another signal is ready: frames nest, as Linux's */
	}
	/* no handler ran: an interrupted call starts again */
	syscall_restart(tf, false, 0);
	if (t->sig.have_saved) { /* rt_sigsuspend without a handler */
		t->sig.have_saved = false;
		signal_set_blocked(t->sig.saved_mask);
	}
}

void signal_return(struct trapframe *tf)
{
	struct thread *t = current();
	struct kite_sigframe *f = kmalloc(sizeof(*f));
	uint64_t frame = tf->sp;
	struct kite_fp_state *fp;

	/* never a restart: the restored a0 is a value, not an error */
	arch_tf_syscall_forget(tf);
	if (!f || copy_from_user(t->proc->vm, f, frame, sizeof(*f)))
		goto bad;
	fp = &f->uc.uc_mcontext.fp;
	if (fp->reserved != 0 || fp->hdr_magic != 0)
		goto bad; /* an extension Kite does not save: Linux refuses */
	signal_set_blocked(f->uc.uc_sigmask);
	tf->sepc = f->uc.uc_mcontext.regs.pc;
	memcpy(&tf->ra, f->uc.uc_mcontext.regs.x, sizeof(f->uc.uc_mcontext.regs.x));
	memcpy(t->fp, fp->f, sizeof(fp->f));
	t->fp[32] = fp->fcsr;
	push_off();
	arch_fp_switch(NULL, t->fp);
	pop_off();
	/* as Linux: a bad altstack here is ignored */
	(void)signal_altstack_set(t, tf->sp, &f->uc.uc_stack);
	kfree(f);
	return;
bad:
	kfree(f);
	frame_fault(tf, 0, frame, "bad signal frame");
}
