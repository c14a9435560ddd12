/*
 * sys/types.h - the POSIX scalar types Kite's user library uses.
 *
 * Kite is LP64 (RV64, -mabi=lp64), as is Linux RISC-V, so these match the
 * types a Linux program expects at the system call boundary.
 */
#ifndef KITE_USER_SYS_TYPES_H
#define KITE_USER_SYS_TYPES_H

#include <stddef.h>
#include <stdint.h>

typedef int pid_t;
typedef long ssize_t;
typedef long off_t;
typedef long time_t;
typedef long suseconds_t;
typedef long clock_t;
typedef int clockid_t;
typedef unsigned int mode_t;
typedef unsigned int uid_t;
typedef unsigned int gid_t;

#endif
