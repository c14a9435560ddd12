/*
 * sched.h - the harts a thread may run on: sched_setaffinity and
 * sched_getaffinity with glibc's cpu_set_t and CPU_* macros.
 */
#ifndef KITE_USER_SCHED_H
#define KITE_USER_SCHED_H

#include <stddef.h>
#include <stdint.h>
#include "sys/types.h"

#define CPU_SETSIZE 1024
typedef struct {
	uint64_t bits[CPU_SETSIZE / 64];
} cpu_set_t;

#define CPU_ZERO(s) \
	do { for (int i_ = 0; i_ < CPU_SETSIZE / 64; i_++) (s)->bits[i_] = 0; } while (0)
#define CPU_SET(c, s) ((s)->bits[(c) / 64] |= 1UL << ((c) % 64))
#define CPU_CLR(c, s) ((s)->bits[(c) / 64] &= ~(1UL << ((c) % 64)))
#define CPU_ISSET(c, s) (((s)->bits[(c) / 64] >> ((c) % 64)) & 1)
int CPU_COUNT(const cpu_set_t *s);

/* Restrict thread tid (0: the caller) to the harts in mask (len bytes):
 * 0 or -1 with errno (EINVAL: none of them online; ESRCH; EFAULT). */
int sched_setaffinity(pid_t tid, size_t len, const cpu_set_t *mask);
/* Its allowed harts into mask: 0 or -1 with errno (EINVAL: len too
 * small or not a multiple of 8). */
int sched_getaffinity(pid_t tid, size_t len, cpu_set_t *mask);

#endif
