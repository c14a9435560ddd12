/*
 * poll.h - waiting for descriptors (docs/FILES.md): poll and ppoll on
 * pipes and the console. Wrappers in user/lib/fd.c.
 */
#ifndef KITE_USER_POLL_H
#define KITE_USER_POLL_H

#ifndef __KITE_USER__
#define __KITE_USER__
#endif
#include "uapi/linux.h" /* POLL*, struct kite_pollfd */
#include "signal.h"
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

#endif
