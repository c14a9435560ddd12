/*
 * syscall/syscall.h - the system call table and its handlers.
 *
 * One table, indexed by the number in a7 (uapi/syscall.h); a handler
 * takes the caller's trap frame (arguments in tf->a0..a5) and returns the
 * result or -errno, which goes back in a0. Unknown numbers give -ENOSYS.
 */
#ifndef KITE_SYSCALL_SYSCALL_H
#define KITE_SYSCALL_SYSCALL_H

#include "kernel/types.h"

struct trapframe;

/* A handler reads its arguments from the caller's registers, tf->a0 ..
 * tf->a5, and may change other registers (execve, clone); what it
 * returns goes to tf->a0. */
typedef long (*syscall_fn)(struct trapframe *tf);

#define SYSCALL(name) \
	long sys_##name(struct trapframe *tf __attribute__((unused)))

void syscall_dispatch(struct trapframe *tf);

/* sys_proc.c */
SYSCALL(exit);
SYSCALL(exit_group);
SYSCALL(getpid);
SYSCALL(getppid);
SYSCALL(gettid);
SYSCALL(sched_yield);
SYSCALL(set_priority);
SYSCALL(kill);
SYSCALL(clone);
SYSCALL(execve);
SYSCALL(wait4);
SYSCALL(spawn);
SYSCALL(prlimit64);
SYSCALL(getrlimit);
SYSCALL(setrlimit);
/* sys_mm.c */
SYSCALL(brk);
SYSCALL(mmap);
SYSCALL(munmap);
SYSCALL(mprotect);
SYSCALL(madvise);
SYSCALL(mremap);
SYSCALL(kite_maps);
/* sys_io.c */
SYSCALL(read);
SYSCALL(write);
SYSCALL(ioctl);
/* sys_time.c */
SYSCALL(nanosleep);
SYSCALL(clock_gettime);
SYSCALL(gettimeofday);
SYSCALL(times);
SYSCALL(uname);
/* sys_thread.c */
SYSCALL(set_tid_address);
SYSCALL(futex);
SYSCALL(set_robust_list);
SYSCALL(get_robust_list);
SYSCALL(tkill);
SYSCALL(tgkill);
SYSCALL(sched_setaffinity);
SYSCALL(sched_getaffinity);
/* sys_kite.c */
SYSCALL(kite_apps);
SYSCALL(kite_procs);
SYSCALL(kite_meminfo);
SYSCALL(kite_sched);
SYSCALL(kite_cpustat);
SYSCALL(kite_swap);
SYSCALL(kite_usermem);
SYSCALL(kite_swapsim);
SYSCALL(kite_trace); /* trace/sys_trace.c */

#endif
