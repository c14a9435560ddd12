/*
 * poll.h - waiting for descriptors (docs/FILES.md): poll, ppoll, select
 * and pselect on pipes and the console. Wrappers in user/lib/fd.c.
 */
#ifndef KITE_USER_POLL_H
#define KITE_USER_POLL_H

#ifndef __KITE_USER__
#define __KITE_USER__
#endif
#include "uapi/linux.h" /* POLL*, struct kite_pollfd */
#include "signal.h"
#include "string.h" /* FD_ZERO */
#include "time.h"

struct pollfd {
	int fd;
	short events;
	short revents;
};
typedef unsigned long nfds_t;

/* timeout_ms < 0: no timeout. Returns how many entries have events. */
int poll(struct pollfd *fds, nfds_t n, int timeout_ms);
int ppoll(struct pollfd *fds, nfds_t n, const struct timespec *timeout,
	  const sigset_t *mask);

/* select and pselect (pselect6): bitmaps of FD_SETSIZE descriptors. */
#define FD_SETSIZE 1024
typedef struct {
	unsigned long bits[FD_SETSIZE / 64];
} fd_set;
#define FD_ZERO(s) memset((s), 0, sizeof(fd_set))
#define FD_SET(fd, s) ((s)->bits[(fd) / 64] |= 1UL << ((fd) % 64))
#define FD_CLR(fd, s) ((s)->bits[(fd) / 64] &= ~(1UL << ((fd) % 64)))
#define FD_ISSET(fd, s) (((s)->bits[(fd) / 64] >> ((fd) % 64)) & 1)
/* timeout NULL: no timeout; select writes the time left to it. */
int select(int n, fd_set *in, fd_set *out, fd_set *ex, struct timeval *timeout);
int pselect(int n, fd_set *in, fd_set *out, fd_set *ex,
	    const struct timespec *timeout, const sigset_t *mask);

#endif
