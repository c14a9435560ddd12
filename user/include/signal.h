/*
 * signal.h - signals (docs/SIGNALS.md): handlers, masks, the alternate
 * stack, sending, timers. The calls are Linux's, so the names and types
 * follow POSIX; a set is one 64-bit word (signals 1..64).
 *
 * A handler installed with sigaction() returns through the kernel (it
 * returns to an address the kernel catches: no restorer is needed, as
 * with Linux's vDSO on riscv64).
 */
#ifndef KITE_USER_SIGNAL_H
#define KITE_USER_SIGNAL_H

#ifndef __KITE_USER__
#define __KITE_USER__
#endif
#include <stddef.h>
#include <stdint.h>
#include "uapi/signal.h"
#include "sys/types.h"

typedef uint64_t sigset_t;
typedef void (*sighandler_t)(int);

#define SIG_DFL ((sighandler_t)SIG_DFL_VALUE)
#define SIG_IGN ((sighandler_t)SIG_IGN_VALUE)
#define SIG_ERR ((sighandler_t)-1)
#define SIGRTMIN SIGRTMIN_KERNEL
#define SIGRTMAX SIGRTMAX_KERNEL
#define NSIG (NSIG_KERNEL + 1)

union sigval {
	int sival_int;
	void *sival_ptr;
};

/* siginfo_t: 128 bytes, Linux's layout (struct kite_siginfo) */
typedef struct {
	int si_signo, si_errno, si_code, __pad0;
	union {
		struct {
			int pid;
			unsigned uid;
			int status;
			int pad;
			long utime, stime;
		} _proc;
		struct {
			int pid;
			unsigned uid;
			union sigval value;
		} _rt;
		struct {
			int tid;
			int overrun;
			union sigval value;
		} _timer;
		void *_addr;
		char _pad[112];
	} _u;
} siginfo_t;
#define si_pid _u._proc.pid
#define si_uid _u._proc.uid
#define si_status _u._proc.status
#define si_value _u._rt.value
#define si_int _u._rt.value.sival_int
#define si_ptr _u._rt.value.sival_ptr
#define si_overrun _u._timer.overrun
#define si_addr _u._addr

typedef struct {
	void *ss_sp;
	int ss_flags;
	size_t ss_size;
} stack_t;

/* What a SA_SIGINFO handler's third argument points at. */
typedef struct kite_ucontext ucontext_t;

struct sigaction {
	union {
		sighandler_t sa_handler;
		void (*sa_sigaction)(int, siginfo_t *, void *);
	};
	sigset_t sa_mask;
	int sa_flags;
};

struct itimerval {
	struct kite_timeval it_interval, it_value;
};

int sigaction(int sig, const struct sigaction *act, struct sigaction *old);
sighandler_t signal(int sig, sighandler_t handler); /* BSD: SA_RESTART */
int sigprocmask(int how, const sigset_t *set, sigset_t *old);
int sigpending(sigset_t *set);
int sigsuspend(const sigset_t *mask);
int pause(void);
int sigtimedwait(const sigset_t *set, siginfo_t *info,
		 const struct kite_timespec *timeout);
int sigwaitinfo(const sigset_t *set, siginfo_t *info);
int sigaltstack(const stack_t *ss, stack_t *old);
int raise(int sig);
/* sig with a value (SI_QUEUE): rt_sigqueueinfo */
int sigqueue(pid_t pid, int sig, const union sigval value);
/* tkill and tgkill: <thread.h> */
unsigned int alarm(unsigned int seconds);
int setitimer(int which, const struct itimerval *new_value,
	      struct itimerval *old_value);
int getitimer(int which, struct itimerval *cur);

int sigemptyset(sigset_t *set);
int sigfillset(sigset_t *set);
int sigaddset(sigset_t *set, int sig);
int sigdelset(sigset_t *set, int sig);
int sigismember(const sigset_t *set, int sig);

#endif
