/*
 * syscall/syscall.h - the system call table and its handlers.
 *
 * One table, indexed by the number in a7 (uapi/syscall.h); a handler
 * takes the six argument registers and returns the result or -errno,
 * which goes back in a0. Unknown numbers give -ENOSYS. Handlers that
 * need the registers (clone, execve) read current()->tf.
 */
#ifndef KITE_SYSCALL_SYSCALL_H
#define KITE_SYSCALL_SYSCALL_H

#include "kernel/types.h"

struct trapframe;

typedef long (*syscall_fn)(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t,
			   uint64_t);

#define SYSCALL(name)                                                         \
	long sys_##name(uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3,   \
			uint64_t a4, uint64_t a5)

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
SYSCALL(brk);
SYSCALL(prlimit64);
SYSCALL(getrlimit);
SYSCALL(setrlimit);
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
/* sys_kite.c */
SYSCALL(kite_apps);
SYSCALL(kite_procs);
SYSCALL(kite_meminfo);
SYSCALL(kite_sched);
SYSCALL(kite_cpustat);

#endif
