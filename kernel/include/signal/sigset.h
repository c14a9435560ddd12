/*
 * signal/sigset.h - the pure rules of signals (signal/sigset.c, tested
 * on the host): default actions, which pending signal goes first,
 * sigprocmask's arithmetic, what sigaction keeps, the alternate stack.
 * A set is one 64-bit word: bit sig-1 for signal sig.
 */
#ifndef KITE_SIGNAL_SIGSET_H
#define KITE_SIGNAL_SIGSET_H

#include "kernel/types.h"
#include "uapi/signal.h"

static inline uint64_t sig_bit(int sig)
{
	return 1UL << (sig - 1);
}

static inline bool sig_valid(int sig)
{
	return sig >= 1 && sig <= NSIG_KERNEL;
}

/* Signals no handler, mask or SIG_IGN can touch. */
#define SIG_UNCATCHABLE (sig_bit(SIGKILL) | sig_bit(SIGSTOP))
/* The stop signals (default action: stop the process). */
#define SIG_STOPS (sig_bit(SIGSTOP) | sig_bit(SIGTSTP) | sig_bit(SIGTTIN) | \
		   sig_bit(SIGTTOU))
/* Synchronous signals go first (Linux's SYNCHRONOUS_MASK): a fault's
 * handler runs before anything sent meanwhile. */
#define SIG_SYNCHRONOUS (sig_bit(SIGSEGV) | sig_bit(SIGBUS) | sig_bit(SIGILL) | \
			 sig_bit(SIGTRAP) | sig_bit(SIGFPE) | sig_bit(SIGSYS))
/* The sa_flags Kite knows; others are dropped, as Linux does, so a
 * program can tell by reading them back. */
#define SA_KNOWN (SA_NOCLDSTOP | SA_NOCLDWAIT | SA_SIGINFO | SA_RESTORER | \
		  SA_ONSTACK | SA_RESTART | SA_NODEFER | SA_RESETHAND |   \
		  SA_EXPOSE_TAGBITS)

/* Default actions. */
enum { SIG_ACT_TERM, SIG_ACT_CORE, SIG_ACT_IGNORE, SIG_ACT_STOP,
       SIG_ACT_CONTINUE };
int sig_default_action(int sig);
/* The wait status of a death by sig: W_EXITCODE(0, sig), with the core
 * bit (WCOREFLAG) for the signals whose default is to dump core. */
int sig_death_status(int sig);
/* Of the ready signals, the one to deliver first: a synchronous one,
 * else the lowest; 0 if none. */
int sigset_next(uint64_t ready);
/* rt_sigprocmask's new mask from old, how and set (SIGKILL and SIGSTOP
 * never in it): 0 or -EINVAL for an unknown how. */
int sigmask_apply(int how, uint64_t old, uint64_t set, uint64_t *mask);
/* What rt_sigaction keeps of act: known flags, a mask without SIGKILL
 * and SIGSTOP. */
void sigaction_sanitize(struct kite_sigaction *act);
/* Does act make sig ignored (SIG_IGN, or SIG_DFL of a signal whose
 * default is to ignore or continue)? */
bool sigaction_ignores(const struct kite_sigaction *act, int sig);
/* The mask while act's handler for sig runs, from blocked. */
uint64_t sig_handler_mask(uint64_t blocked, const struct kite_sigaction *act,
			  int sig);

/* A thread's alternate stack. */
struct altstack {
	uint64_t sp, size; /* size 0: none */
	uint32_t flags;    /* SS_AUTODISARM */
};
/* Is sp on it (never with SS_AUTODISARM)? */
bool altstack_on(const struct altstack *as, uint64_t sp);
/* stack_t as sigaltstack and the frame report it for sp. */
void altstack_get(const struct altstack *as, uint64_t sp, struct kite_stack *ss);
/* sigaltstack's change: 0, -EPERM (sp on it), -EINVAL (flags), -ENOMEM
 * (smaller than MINSIGSTKSZ). */
int altstack_set(struct altstack *as, uint64_t sp, const struct kite_stack *ss);
/* Where a frame of size bytes goes for interrupted sp (16-aligned): on
 * the alternate stack if onstack and sp is not on it already, else
 * below sp; 0 if it would overflow the alternate stack. */
uint64_t altstack_frame(const struct altstack *as, uint64_t sp, bool onstack,
			uint64_t size);

#endif
