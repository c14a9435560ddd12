/*
 * fcntl.h - descriptors: the open flags, fcntl's commands, pipes, dup
 * (docs/FILES.md). The constants are Linux's (uapi/linux.h); the
 * wrappers are in user/lib/fd.c.
 */
#ifndef KITE_USER_FCNTL_H
#define KITE_USER_FCNTL_H

#ifndef __KITE_USER__
#define __KITE_USER__
#endif
#include "uapi/linux.h" /* O_*, F_*, FD_CLOEXEC, CLOSE_RANGE_* */

int close(int fd);
int dup(int fd);
int dup2(int oldfd, int newfd); /* oldfd == newfd: checks it is open */
int dup3(int oldfd, int newfd, int flags);
int pipe(int fds[2]);
int pipe2(int fds[2], int flags);
int fcntl(int fd, int cmd, ...); /* one integer argument */
int close_range(unsigned first, unsigned last, int flags);

#endif
