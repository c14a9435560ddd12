/*
 * fd.c - the descriptor wrappers (fcntl.h, poll.h): close, dup, dup2,
 * dup3, pipe, pipe2, fcntl, close_range, poll, ppoll, select and
 * pselect, each one system
 * call, as glibc makes them on riscv64 (dup2 is dup3 with flags 0, after
 * an F_GETFL check when both fds are the same; pipe is pipe2 with 0;
 * poll is ppoll with the timeout as a timespec; select is pselect6).
 */
#include <stdarg.h>
#include "kite.h"
#include "fcntl.h"
#include "poll.h"

_Static_assert(sizeof(struct pollfd) == sizeof(struct kite_pollfd), "pollfd");

int close(int fd)
{
	return __syscall_ret(syscall1(SYS_close, fd));
}

int dup(int fd)
{
	return __syscall_ret(syscall1(SYS_dup, fd));
}

int dup3(int oldfd, int newfd, int flags)
{
	return __syscall_ret(syscall3(SYS_dup3, oldfd, newfd, flags));
}

int dup2(int oldfd, int newfd)
{
	if (oldfd == newfd) /* dup3 refuses it: is oldfd open? */
		return fcntl(oldfd, F_GETFL) < 0 ? -1 : newfd;
	return dup3(oldfd, newfd, 0);
}

int pipe2(int fds[2], int flags)
{
	return __syscall_ret(syscall2(SYS_pipe2, fds, flags));
}

int pipe(int fds[2])
{
	return pipe2(fds, 0);
}

int fcntl(int fd, int cmd, ...)
{
	va_list ap;
	long arg;

	va_start(ap, cmd);
	arg = va_arg(ap, long);
	va_end(ap);
	return __syscall_ret(syscall3(SYS_fcntl, fd, cmd, arg));
}

int close_range(unsigned first, unsigned last, int flags)
{
	return __syscall_ret(syscall3(SYS_close_range, first, last, flags));
}

int ppoll(struct pollfd *fds, nfds_t n, const struct timespec *timeout,
	  const sigset_t *mask)
{
	struct timespec ts, *tp = NULL;

	if (timeout) { /* the kernel writes the time left: a copy */
		ts = *timeout;
		tp = &ts;
	}
	return __syscall_ret(syscall5(SYS_ppoll, fds, n, tp, mask,
				      sizeof(sigset_t)));
}

int pselect(int n, fd_set *in, fd_set *out, fd_set *ex,
	    const struct timespec *timeout, const sigset_t *mask)
{
	struct { const sigset_t *set; size_t size; } sig = { mask, sizeof(*mask) };
	struct timespec ts, *tp = NULL;

	if (timeout) { /* pselect leaves the caller's timeout alone */
		ts = *timeout;
		tp = &ts;
	}
	return __syscall_ret(syscall6(SYS_pselect6, n, (long)in, (long)out,
				      (long)ex, (long)tp, (long)(mask ? &sig : NULL)));
}

int select(int n, fd_set *in, fd_set *out, fd_set *ex, struct timeval *timeout)
{
	struct timespec ts, *tp = NULL;
	long r;

	if (timeout) {
		ts = (struct timespec){ timeout->tv_sec, timeout->tv_usec * 1000 };
		tp = &ts;
	}
	r = __syscall_ret(syscall6(SYS_pselect6, n, (long)in, (long)out,
				   (long)ex, (long)tp, 0));
	if (timeout) { /* as Linux's select: the time left */
		timeout->tv_sec = ts.tv_sec;
		timeout->tv_usec = ts.tv_nsec / 1000;
	}
	return (int)r;
}

int poll(struct pollfd *fds, nfds_t n, int timeout_ms)
{
	struct timespec ts = { timeout_ms / 1000, (timeout_ms % 1000) * 1000000L };

	return ppoll(fds, n, timeout_ms < 0 ? NULL : &ts, NULL);
}
