/*
 * signal/sigstate.h - the signal state a process and a thread carry
 * (struct proc's sig, struct thread's sig); signal/signal.h has the
 * model, the locks and the functions.
 */
#ifndef KITE_SIGNAL_SIGSTATE_H
#define KITE_SIGNAL_SIGSTATE_H

#include "kernel/spinlock.h"
#include "kernel/types.h"
#include "lib/list.h"
#include "signal/sigset.h"
#include "uapi/signal.h"

#define NSIG_STD 32 /* 1..31 are standard signals (index 0 unused) */

/* What the kernel keeps of a siginfo until delivery. */
struct ksiginfo {
	int32_t signo;
	int32_t code;   /* si_code */
	int32_t pid;    /* sender, or the child (SIGCHLD) */
	int32_t status; /* SIGCHLD's si_status; si_int of a value */
	uint64_t addr;  /* faults: si_addr; timers and rt signals: si_value */
	uint64_t utime, stime; /* SIGCHLD: the child's ticks */
};

/* One queued real-time signal. */
struct sigqueue {
	struct list_node link; /* [siglock] in sigpending.rt */
	struct ksiginfo info;
};

struct sigpending {
	uint64_t set;                       /* [siglock] pending signals */
	struct ksiginfo std[NSIG_STD];      /* [siglock] info of each pending
					     * standard signal */
	struct list_node rt;                /* [siglock] struct sigqueue, in
					     * the order they came */
};

struct sighand {
	struct spinlock lock;               /* siglock: see above */
	int refs;                           /* [atomic] processes using it */
	struct kite_sigaction action[NSIG_KERNEL + 1]; /* [lock] index: sig */
};

/* Per-thread signal state (struct thread's sig). */
struct thread_signal {
	int sigpend;          /* [atomic] a signal may be deliverable, or the
			       * thread must look (stop, restart) */
	int sleep_intr;       /* [owner writes before it sleeps; senders read]
			       * its current sleep ends for a signal */
	uint64_t blocked;     /* [siglock to change; its thread reads it
			       * without] the mask */
	uint64_t real_blocked; /* [siglock] rt_sigtimedwait: the signals it
			       * waits for (unblocked meanwhile), which
			       * must not be dropped as ignored */
	uint64_t saved_mask;  /* [owner] rt_sigsuspend's mask to restore
			       * after the handler (have_saved) */
	bool have_saved;      /* [owner] */
	struct sigpending pending; /* [siglock] sent to this thread */
	struct altstack alt;       /* [owner] sigaltstack (size 0: none) */
};

/* Per-process signal state (struct proc's sig). */
struct proc_signal {
	struct sighand *hand;       /* [proc_lock to change; its threads
				     * read it without] NULL: kernel thread */
	struct sigpending shared;   /* [siglock] kill()'s signals */
	int nqueued;                /* [siglock] rt signals queued */
	int exit_signal;            /* [const after start] sent to the parent
				     * at exit (clone's low byte; SIGCHLD) */
	int stop_sig;               /* [siglock] nonzero: the group is stopped
				     * (by this signal) */
	int report;                 /* [proc_lock] a status wait4 has yet to
				     * see: W_STOPCODE(sig) (WUNTRACED) or
				     * W_CONTINUED (WCONTINUED); 0: none */
	int report_code;            /* [proc_lock] CLD_STOPPED/CLD_CONTINUED */
	/* ITIMER_REAL (itimer.c) */
	uint64_t itimer_at;         /* [itimer lock] deadline (time counter),
				     * 0: disarmed */
	uint64_t itimer_interval;   /* [itimer lock] ns, 0: one shot */
	struct list_node itimer_link; /* [itimer lock] armed timers */
};

#endif
