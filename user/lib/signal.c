/*
 * signal.c - the signal calls (user/include/signal.h) and the set
 * operations. sigaction converts between the POSIX struct and the
 * kernel's (struct kite_sigaction: handler, flags, mask, no restorer).
 */
#include "kite.h"
#include "signal.h"
#include "setjmp.h"

int sigaction(int sig, const struct sigaction *act, struct sigaction *old)
{
	struct kite_sigaction k, ko;
	long r;

	if (act) {
		k.handler = (uint64_t)(uintptr_t)act->sa_handler;
		k.flags = (uint64_t)(uint32_t)act->sa_flags;
		k.mask = act->sa_mask;
	}
	r = syscall4(SYS_rt_sigaction, sig, act ? &k : NULL, old ? &ko : NULL,
		     SIGSET_SIZE);
	if (r == 0 && old) {
		old->sa_handler = (sighandler_t)(uintptr_t)ko.handler;
		old->sa_flags = (int)ko.flags;
		old->sa_mask = ko.mask;
	}
	return (int)__syscall_ret(r);
}

sighandler_t signal(int sig, sighandler_t handler)
{
	struct sigaction sa = { .sa_handler = handler, .sa_flags = SA_RESTART },
			 old = { .sa_handler = SIG_ERR };

	if (sigaction(sig, &sa, &old) < 0)
		return SIG_ERR;
	return old.sa_handler;
}

int sigprocmask(int how, const sigset_t *set, sigset_t *old)
{
	return (int)__syscall_ret(syscall4(SYS_rt_sigprocmask, how, set, old,
					   SIGSET_SIZE));
}

int sigpending(sigset_t *set)
{
	return (int)__syscall_ret(syscall2(SYS_rt_sigpending, set, SIGSET_SIZE));
}

int sigsuspend(const sigset_t *mask)
{
	return (int)__syscall_ret(syscall2(SYS_rt_sigsuspend, mask, SIGSET_SIZE));
}

int pause(void)
{
	sigset_t now;

	if (sigprocmask(SIG_BLOCK, NULL, &now) < 0)
		return -1;
	return sigsuspend(&now);
}

int sigtimedwait(const sigset_t *set, siginfo_t *info,
		 const struct kite_timespec *timeout)
{
	return (int)__syscall_ret(syscall4(SYS_rt_sigtimedwait, set, info,
					   timeout, SIGSET_SIZE));
}

int sigwaitinfo(const sigset_t *set, siginfo_t *info)
{
	return sigtimedwait(set, info, NULL);
}

int sigaltstack(const stack_t *ss, stack_t *old)
{
	return (int)__syscall_ret(syscall2(SYS_sigaltstack, ss, old));
}

int sigqueue(pid_t pid, int sig, const union sigval value)
{
	siginfo_t si;

	memset(&si, 0, sizeof(si));
	si.si_signo = sig;
	si.si_code = SI_QUEUE;
	si.si_pid = getpid();
	si.si_value = value;
	return (int)__syscall_ret(syscall3(SYS_rt_sigqueueinfo, pid, sig, &si));
}

int raise(int sig)
{
	return tgkill(getpid(), gettid(), sig);
}

int setitimer(int which, const struct itimerval *new_value,
	      struct itimerval *old_value)
{
	return (int)__syscall_ret(syscall3(SYS_setitimer, which, new_value,
					   old_value));
}

int getitimer(int which, struct itimerval *cur)
{
	return (int)__syscall_ret(syscall2(SYS_getitimer, which, cur));
}

unsigned int alarm(unsigned int seconds)
{
	struct itimerval it = { { 0, 0 }, { seconds, 0 } }, old;

	if (setitimer(ITIMER_REAL, &it, &old) < 0)
		return 0;
	/* as glibc: a timer with time left reports at least a second */
	return (unsigned)old.it_value.tv_sec + (old.it_value.tv_usec >= 500000 ||
		(!old.it_value.tv_sec && old.it_value.tv_usec));
}

static int sig_ok(int sig)
{
	if (sig < 1 || sig > NSIG_KERNEL) {
		errno = EINVAL;
		return 0;
	}
	return 1;
}

int sigemptyset(sigset_t *set)
{
	*set = 0;
	return 0;
}

int sigfillset(sigset_t *set)
{
	*set = ~0UL;
	return 0;
}

int sigaddset(sigset_t *set, int sig)
{
	if (!sig_ok(sig))
		return -1;
	*set |= 1UL << (sig - 1);
	return 0;
}

int sigdelset(sigset_t *set, int sig)
{
	if (!sig_ok(sig))
		return -1;
	*set &= ~(1UL << (sig - 1));
	return 0;
}

int sigismember(const sigset_t *set, int sig)
{
	if (!sig_ok(sig))
		return -1;
	return (*set >> (sig - 1)) & 1;
}

void siglongjmp(sigjmp_buf env, int val)
{
	if (env[14])
		sigprocmask(SIG_SETMASK, (const sigset_t *)&env[15], NULL);
	longjmp(env, val);
}
