/*
 * sys/wait.h - waiting for child processes, and the status encoding.
 *
 * Statuses are Linux's: exit(code) gives (code & 0xff) << 8; death by
 * signal sig gives sig (uapi/kite.h W_EXITCODE), with 0x80 if it dumps
 * core by default; a stop 0x7f | sig << 8 (WUNTRACED), a continue 0xffff
 * (WCONTINUED). The options come from uapi/kite.h and uapi/signal.h.
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
#define WCOREDUMP(s) (((s) & WCOREFLAG) != 0)
#define WIFSTOPPED(s) (((s) & 0xff) == 0x7f)
#define WSTOPSIG(s) WEXITSTATUS(s)
#define WIFCONTINUED(s) ((s) == W_CONTINUED)

struct rusage; /* never filled by Kite: pass NULL */

pid_t wait4(pid_t pid, int *status, int options, struct rusage *ru);
pid_t waitpid(pid_t pid, int *status, int options);
pid_t wait(int *status);

#endif
