/*
 * sys/wait.h - waiting for child processes, and the status encoding.
 *
 * Statuses are Linux's: exit(code) gives (code & 0xff) << 8; death by
 * signal sig gives sig (uapi/kite.h W_EXITCODE). WNOHANG comes from there
 * too.
 */
#ifndef KITE_USER_SYS_WAIT_H
#define KITE_USER_SYS_WAIT_H

#ifndef __KITE_USER__
#define __KITE_USER__
#endif
#include "uapi/kite.h"
#include "sys/types.h"

#define WEXITSTATUS(s) (((s) >> 8) & 0xff)
#define WTERMSIG(s) ((s) & 0x7f)
#define WIFEXITED(s) (WTERMSIG(s) == 0)
#define WIFSIGNALED(s) (WTERMSIG(s) != 0 && WTERMSIG(s) != 0x7f)

struct rusage; /* never filled by Kite: pass NULL */

pid_t wait4(pid_t pid, int *status, int options, struct rusage *ru);
pid_t waitpid(pid_t pid, int *status, int options);
pid_t wait(int *status);

#endif
