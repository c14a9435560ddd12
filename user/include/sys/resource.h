/*
 * sys/resource.h - resource limits (getrlimit, setrlimit, prlimit).
 *
 * The RLIMIT_* numbers and RLIM_INFINITY come from uapi/kite.h (Linux's
 * values). Each limit has a soft value (rlim_cur, what is enforced) and a
 * hard one (rlim_max, the ceiling for the soft one; Kite's processes may
 * lower it but not raise it).
 */
#ifndef KITE_USER_SYS_RESOURCE_H
#define KITE_USER_SYS_RESOURCE_H

#include "sys/types.h"
#include "uapi/kite.h"

typedef uint64_t rlim_t;

struct rlimit {
	rlim_t rlim_cur;
	rlim_t rlim_max;
};

int getrlimit(int resource, struct rlimit *rlim);
int setrlimit(int resource, const struct rlimit *rlim);
/* Get (old) and/or set (new) a limit of process pid (0: the caller). */
int prlimit(pid_t pid, int resource, const struct rlimit *new_limit,
	    struct rlimit *old_limit);

#endif
