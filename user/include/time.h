/*
 * time.h - clocks, sleeping and process times.
 *
 * The structures have the layout of the kernel's kite_timespec,
 * kite_timeval and kite_tms (uapi/kite.h) under their usual names;
 * user/lib/syscall.c checks that at compile time.
 */
#ifndef KITE_USER_TIME_H
#define KITE_USER_TIME_H

#ifndef __KITE_USER__
#define __KITE_USER__
#endif
#include "uapi/kite.h" /* CLOCK_REALTIME, CLOCK_MONOTONIC */
#include "sys/types.h"

struct timespec {
	time_t tv_sec;
	long tv_nsec;
};

struct timeval {
	time_t tv_sec;
	suseconds_t tv_usec;
};

struct tms {
	clock_t tms_utime, tms_stime, tms_cutime, tms_cstime;
};

int clock_gettime(clockid_t clk, struct timespec *ts);
int nanosleep(const struct timespec *req, struct timespec *rem);
int gettimeofday(struct timeval *tv, void *tz); /* tz is ignored */
clock_t times(struct tms *buf);                 /* ticks since boot */
time_t time(time_t *t);                         /* seconds since 1970 */

/* Kite helpers: a clock read as nanoseconds (0 on error). */
uint64_t clock_ns(clockid_t clk);
static inline uint64_t monotonic_ns(void) { return clock_ns(CLOCK_MONOTONIC); }

#define NSEC_PER_SEC 1000000000L

#endif
