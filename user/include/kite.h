/*
 * kite.h - everything a Kite user program needs, in one include:
 * the standard-named headers of the user library plus Kite's own calls.
 *
 * Compile user code with -nostdinc -isystem <gcc's include dir>
 * -Iuser/include -Ikernel/include -D__KITE_USER__ (user/user.mk does).
 */
#ifndef KITE_USER_KITE_H
#define KITE_USER_KITE_H

#ifndef __KITE_USER__
#define __KITE_USER__
#endif
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "uapi/kite.h"
#include "cap.h"
#include "ctype.h"
#include "errno.h"
#include "stdio.h"
#include "stdlib.h"
#include "sys/mman.h"
#include "sys/resource.h"
#include "string.h"
#include "sys/types.h"
#include "sys/wait.h"
#include "syscall.h"
#include "time.h"
#include "unistd.h"
#include "sched.h"
#include "thread.h"
#include "signal.h"
#include "setjmp.h"
#include "fcntl.h"
#include "poll.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* rCore's spawn: a new process running path (an app name); returns its
 * pid. argv and envp are copied as execve does; envp NULL = none. */
pid_t spawn(const char *path, char *const argv[], char *const envp[]);
/* spawn with flags: KITE_SPAWN_FOREGROUND gives the child's group the
 * console before it runs (as tcsetpgrp would, and with its rule: -EPERM
 * for a background caller that neither ignores nor blocks SIGTTOU). */
pid_t spawn_flags(const char *path, char *const argv[], char *const envp[],
		  unsigned flags);
/* rCore's set_priority: the calling thread's stride priority (>= 2);
 * returns prio. */
long set_priority(long prio);

/* Names of the embedded apps, each followed by '\n', into buf (no NUL;
 * only whole names that fit are copied); returns the bytes the full list
 * needs, so a result > len means buf was too small. */
long kite_apps(char *buf, size_t len);
/* Up to n entries of the process table (one per thread); returns how
 * many entries there are (may exceed n). */
long kite_procs(struct kite_procinfo *info, size_t n);
/* Physical memory in 4 KiB frames. */
int kite_meminfo(struct kite_meminfo *mi);
/* Fault in every page of the caller's own regions now (tests that count
 * frames call it before the first count). 0 or -1 with errno. */
int kite_prefault_self(void);
/* Scheduling class: switch every hart to class set ("rr", "stride") if
 * set != NULL, then copy the active class's name (NUL-terminated) to buf
 * if buf != NULL (ERANGE if len is too small). Returns 0. */
long kite_sched(const char *set, char *buf, size_t len);
/* Per-hart counters (up to n entries); reset clears the interrupts-off
 * maxima after reading. Returns the number of hart slots. */
long kite_cpustat(struct kite_cpustat *st, size_t n, int reset);
/* The regions of process pid's address space (0: the caller), lowest
 * first: up to n entries into buf; returns how many regions there are
 * (may exceed n). ESRCH for no such process, EFAULT for a bad buf. */
long kite_maps(pid_t pid, struct kite_region *buf, size_t n);
/* Page replacement and swap: switch the policy ("clock", "lru", "fifo") if
 * policy != NULL, then fill *info (the active policy, the swap area's
 * size and use in pages, pages written out and read back, the
 * reclaimer's counters) if info != NULL. Returns 0, or -1 with errno:
 * EINVAL for an unknown policy, EPERM if the caller is not of the
 * console's foreground group, EFAULT for a bad pointer. */
long kite_swap(const char *policy, struct kite_swapinfo *info);
/* Cap the memory user pages may hold at bytes (rounded down to pages;
 * KITE_USERMEM_NONE: no cap), as the boot argument usermem= does; pages
 * above a lowered cap go to swap. 0, or -1 with errno: EINVAL below
 * 1 MiB, EPERM if the caller is not of the console's foreground group.
 * The cap now is kite_meminfo's user_cap. */
long kite_usermem(uint64_t bytes);
/* Run the reference string refs[0..n) (page numbers below 4096) through
 * a replacement policy's own methods (NULL: the active one) in a memory
 * of `frames` frames (1..1024), on paper: nothing is swapped. 0, or -1
 * with errno EINVAL (unknown policy, bad sizes) or EFAULT. */
long kite_swapsim(const char *policy, const uint32_t *refs, size_t n,
		  unsigned frames, struct kite_swapsim *out);

#endif
