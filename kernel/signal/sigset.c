/*
 * sigset.c - the pure part of signals: default actions, the wait status
 * of a death, which pending signal goes first, sigprocmask's arithmetic,
 * what rt_sigaction keeps, and the alternate stack's rules. No locks, no
 * processes: tests/host/test_sigset.c runs it on the host.
 *
 * A set is one 64-bit word, bit sig-1 for signal sig (1..64).
 */
#include "signal/sigset.h"
#include "uapi/errno.h"
#include "uapi/kite.h"

int sig_default_action(int sig)
{
	switch (sig) {
	case SIGCHLD:
	case SIGURG:
	case SIGWINCH:
		return SIG_ACT_IGNORE;
	case SIGCONT:
		return SIG_ACT_CONTINUE;
	case SIGSTOP:
	case SIGTSTP:
	case SIGTTIN:
	case SIGTTOU:
		return SIG_ACT_STOP;
	case SIGQUIT:
	case SIGILL:
	case SIGTRAP:
	case SIGABRT:
	case SIGBUS:
	case SIGFPE:
	case SIGSEGV:
	case SIGXCPU:
	case SIGXFSZ:
	case SIGSYS:
		return SIG_ACT_CORE;
	default:
		return SIG_ACT_TERM;
	}
}

int sig_death_status(int sig)
{
	return W_EXITCODE(0, sig) |
	       (sig_default_action(sig) == SIG_ACT_CORE ? WCOREFLAG : 0);
}

int sigset_next(uint64_t ready)
{
	if (!ready)
		return 0;
	if (ready & SIG_SYNCHRONOUS)
		ready &= SIG_SYNCHRONOUS;
	return __builtin_ctzl(ready) + 1;
}

int sigmask_apply(int how, uint64_t old, uint64_t set, uint64_t *mask)
{
	switch (how) {
	case SIG_BLOCK:
		*mask = old | set;
		break;
	case SIG_UNBLOCK:
		*mask = old & ~set;
		break;
	case SIG_SETMASK:
		*mask = set;
		break;
	default:
		return -EINVAL;
	}
	*mask &= ~SIG_UNCATCHABLE;
	return 0;
}

void sigaction_sanitize(struct kite_sigaction *act)
{
	act->flags &= SA_KNOWN;
	act->mask &= ~SIG_UNCATCHABLE;
}

bool sigaction_ignores(const struct kite_sigaction *act, int sig)
{
	int def;

	if (act->handler == SIG_IGN_VALUE)
		return true;
	if (act->handler != SIG_DFL_VALUE)
		return false;
	def = sig_default_action(sig);
	return def == SIG_ACT_IGNORE || def == SIG_ACT_CONTINUE;
}

uint64_t sig_handler_mask(uint64_t blocked, const struct kite_sigaction *act,
			  int sig)
{
	return (blocked | act->mask |
		((act->flags & SA_NODEFER) ? 0 : sig_bit(sig))) &
	       ~SIG_UNCATCHABLE;
}

bool altstack_on(const struct altstack *as, uint64_t sp)
{
	if (as->flags & SS_AUTODISARM)
		return false;
	return as->size && sp > as->sp && sp - as->sp <= as->size;
}

void altstack_get(const struct altstack *as, uint64_t sp, struct kite_stack *ss)
{
	ss->ss_sp = as->sp;
	ss->ss_size = as->size;
	ss->pad = 0;
	ss->ss_flags = (int32_t)(as->flags | (!as->size ? SS_DISABLE
					      : altstack_on(as, sp) ? SS_ONSTACK : 0));
}

int altstack_set(struct altstack *as, uint64_t sp, const struct kite_stack *ss)
{
	uint32_t flags = (uint32_t)ss->ss_flags;
	uint32_t mode = flags & ~SS_AUTODISARM;

	if (altstack_on(as, sp))
		return -EPERM;
	if (mode != SS_DISABLE && mode != SS_ONSTACK && mode != 0)
		return -EINVAL;
	if (mode == SS_DISABLE) {
		*as = (struct altstack){ 0, 0, 0 };
		return 0;
	}
	if (ss->ss_size < MINSIGSTKSZ)
		return -ENOMEM;
	*as = (struct altstack){ ss->ss_sp, ss->ss_size, flags & SS_AUTODISARM };
	return 0;
}

uint64_t altstack_frame(const struct altstack *as, uint64_t sp, bool onstack,
			uint64_t size)
{
	if (onstack && as->size && !altstack_on(as, sp))
		sp = as->sp + as->size;
	else if (altstack_on(as, sp) && !altstack_on(as, sp - size))
		return 0; /* it would overflow the alternate stack */
	return (sp - size) & ~15UL;
}
