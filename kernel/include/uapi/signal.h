/*
 * uapi/signal.h - signals as Linux's riscv64 ABI has them: numbers,
 * sigaction flags, the siginfo and the frame a handler runs on. Shared
 * by the kernel and user programs (docs/SIGNALS.md).
 *
 * A signal set is one 64-bit word: bit sig-1 stands for signal sig, so
 * the calls that take a set also take its size, which must be 8.
 */
#ifndef KITE_UAPI_SIGNAL_H
#define KITE_UAPI_SIGNAL_H

#ifdef __KITE_USER__
#include <stdint.h>
#include <stddef.h>
#else
#include "kernel/types.h"
#endif

#define SIGHUP 1
#define SIGINT 2
#define SIGQUIT 3
#define SIGILL 4
#define SIGTRAP 5
#define SIGABRT 6
#define SIGBUS 7
#define SIGFPE 8
#define SIGKILL 9
#define SIGUSR1 10
#define SIGSEGV 11
#define SIGUSR2 12
#define SIGPIPE 13
#define SIGALRM 14
#define SIGTERM 15
#define SIGSTKFLT 16
#define SIGCHLD 17
#define SIGCONT 18
#define SIGSTOP 19
#define SIGTSTP 20
#define SIGTTIN 21
#define SIGTTOU 22
#define SIGURG 23
#define SIGXCPU 24
#define SIGXFSZ 25
#define SIGVTALRM 26
#define SIGPROF 27
#define SIGWINCH 28
#define SIGIO 29
#define SIGPWR 30
#define SIGSYS 31
#define SIGRTMIN_KERNEL 32 /* the first real-time signal (glibc keeps 32
			    * and 33 for itself: its SIGRTMIN is 34) */
#define SIGRTMAX_KERNEL 64
#define NSIG_KERNEL 64     /* signals are 1..64 */
#define SIGSET_SIZE 8      /* bytes of a set in the calls' sigsetsize */

/* sigaction: a handler, or one of these */
#define SIG_DFL_VALUE 0UL
#define SIG_IGN_VALUE 1UL

/* sa_flags */
#define SA_NOCLDSTOP 0x00000001 /* SIGCHLD: not when a child stops or continues */
#define SA_NOCLDWAIT 0x00000002 /* SIGCHLD: children are reaped at once */
#define SA_SIGINFO 0x00000004   /* the handler takes (sig, siginfo, ucontext) */
#define SA_UNSUPPORTED 0x00000400
#define SA_EXPOSE_TAGBITS 0x00000800
#define SA_RESTORER 0x04000000  /* accepted and kept, unused: riscv64 has no
				 * sa_restorer field (see docs/SIGNALS.md) */
#define SA_ONSTACK 0x08000000   /* run on the sigaltstack stack */
#define SA_RESTART 0x10000000   /* restart interrupted calls */
#define SA_NODEFER 0x40000000   /* do not block the signal in its handler */
#define SA_RESETHAND 0x80000000 /* back to SIG_DFL once delivered */

/* rt_sigprocmask how */
#define SIG_BLOCK 0
#define SIG_UNBLOCK 1
#define SIG_SETMASK 2

/* sigaltstack */
#define SS_ONSTACK 1
#define SS_DISABLE 2
#define SS_AUTODISARM (1U << 31)
#define MINSIGSTKSZ 2048
#define SIGSTKSZ 8192

/* si_code */
#define SI_USER 0
#define SI_KERNEL 0x80
#define SI_QUEUE (-1)
#define SI_TIMER (-2)
#define SI_TKILL (-6)
#define ILL_ILLOPC 1
#define FPE_INTDIV 1
#define SEGV_MAPERR 1
#define SEGV_ACCERR 2
#define BUS_ADRALN 1
#define BUS_ADRERR 2
#define BUS_OBJERR 3
#define TRAP_BRKPT 1
#define CLD_EXITED 1
#define CLD_KILLED 2
#define CLD_DUMPED 3
#define CLD_TRAPPED 4
#define CLD_STOPPED 5
#define CLD_CONTINUED 6

/* wait4 options beyond WNOHANG (uapi/kite.h), and waitid's (spelled
 * as the C library spells them, so both headers may be included) */
#define WUNTRACED 2
#define WSTOPPED 2
#define WEXITED 4
#define WCONTINUED 8
#define WNOWAIT 0x01000000
#define W_STOPCODE(sig) ((sig) << 8 | 0x7f)
#define W_CONTINUED 0xffff
#define WCOREFLAG 0x80

/* setitimer / getitimer */
#define ITIMER_REAL 0
#define ITIMER_VIRTUAL 1
#define ITIMER_PROF 2

/* struct sigaction as the riscv64 kernel takes it (no sa_restorer) */
struct kite_sigaction {
	uint64_t handler;  /* a function, SIG_DFL_VALUE or SIG_IGN_VALUE */
	uint64_t flags;    /* SA_* */
	uint64_t mask;     /* blocked while the handler runs */
};

/* stack_t */
struct kite_stack {
	uint64_t ss_sp;
	int32_t ss_flags;
	int32_t pad;
	uint64_t ss_size;
};

/* siginfo_t: 128 bytes; the fields a signal of each kind fills */
struct kite_siginfo {
	int32_t si_signo;
	int32_t si_errno;
	int32_t si_code;
	int32_t pad0;
	union {
		struct {           /* kill, tkill, rt signals, SIGCHLD */
			int32_t pid;
			uint32_t uid;
			int32_t status;  /* SIGCHLD: exit code or signal; rt: sival_int */
			int32_t pad;
			uint64_t utime, stime; /* SIGCHLD: the child's clock ticks */
		} proc;
		struct {           /* rt signals with a value (si_value) */
			int32_t pid;
			uint32_t uid;
			uint64_t value;
		} rt;
		struct {           /* timers */
			int32_t tid;
			int32_t overrun;
			uint64_t value;
		} timer;
		uint64_t addr;     /* faults: the address (si_addr) */
		uint8_t pad[112];
	} u;
};

/* struct user_regs_struct: pc, then x1..x31 */
struct kite_user_regs {
	uint64_t pc;
	uint64_t x[31]; /* x[0] is ra (x1), x[1] sp, ..., x[30] t6 (x31) */
};

/* union __riscv_fp_state as Linux lays it out: the D state (f0..f31,
 * fcsr) at the start of 528 bytes, whose last 12 are the extension
 * header: reserved (0) and an END header (magic 0, size 0). */
struct kite_fp_state {
	uint64_t f[32];
	uint32_t fcsr;
	uint32_t pad[(516 - 260) / 4]; /* up to the header at 516 */
	uint32_t reserved;   /* must be 0 */
	uint32_t hdr_magic;  /* END_MAGIC: 0 */
	uint32_t hdr_size;   /* END_HDR_SIZE: 0 */
} __attribute__((aligned(16)));

struct kite_sigcontext {
	struct kite_user_regs regs;
	struct kite_fp_state fp;
} __attribute__((aligned(16)));

struct kite_ucontext {
	uint64_t uc_flags;
	uint64_t uc_link;
	struct kite_stack uc_stack;
	uint64_t uc_sigmask;
	uint8_t unused[1024 / 8 - 8]; /* room for a 1024-bit sigset */
	struct kite_sigcontext uc_mcontext;
};

/* What a handler finds at its sp: Linux's struct rt_sigframe */
struct kite_sigframe {
	struct kite_siginfo info;
	struct kite_ucontext uc;
};

_Static_assert(sizeof(struct kite_siginfo) == 128, "siginfo_t");
_Static_assert(sizeof(struct kite_stack) == 24, "stack_t");
_Static_assert(sizeof(struct kite_fp_state) == 528, "__riscv_fp_state");
_Static_assert(offsetof(struct kite_fp_state, reserved) == 516, "fp reserved");
_Static_assert(offsetof(struct kite_ucontext, uc_sigmask) == 40, "uc_sigmask");
_Static_assert(offsetof(struct kite_ucontext, uc_mcontext) == 176, "uc_mcontext");
_Static_assert(sizeof(struct kite_ucontext) == 960, "ucontext");
_Static_assert(sizeof(struct kite_sigframe) == 1088, "rt_sigframe");

#endif
