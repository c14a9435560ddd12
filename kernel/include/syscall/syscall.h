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
struct vmspace;

/* A handler reads its arguments from the caller's registers, tf->a0 ..
 * tf->a5, and may change other registers (execve, clone); what it
 * returns goes to tf->a0. */
typedef long (*syscall_fn)(struct trapframe *tf);

#define SYSCALL(name) \
	long sys_##name(struct trapframe *tf __attribute__((unused)))

void syscall_dispatch(struct trapframe *tf);
/* A number without a handler: -ENOSYS, named once per program at
 * log=debug (sys_unknown.c). */
long syscall_unknown(uint64_t nr);
/* Linux riscv64's name for call nr, or NULL (syscall_names.c). */
const char *syscall_linux_name(uint64_t nr);

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
/* proc/session.c */
SYSCALL(setpgid);
SYSCALL(getpgid);
SYSCALL(getsid);
SYSCALL(setsid);
/* sys_mm.c */
SYSCALL(brk);
SYSCALL(mmap);
SYSCALL(munmap);
SYSCALL(mprotect);
SYSCALL(madvise);
SYSCALL(mremap);
SYSCALL(kite_maps);
/* sys_mlock.c */
SYSCALL(mlock);
SYSCALL(mlock2);
SYSCALL(munlock);
SYSCALL(mlockall);
SYSCALL(munlockall);
SYSCALL(msync);
SYSCALL(mincore);
/* Lock a new mapping (start, or an error passed on) as MAP_LOCKED in
 * mflags or mlockall(MCL_FUTURE) asks: start, or -EAGAIN past
 * RLIMIT_MEMLOCK (the mapping then goes). */
long mm_lock_new(struct vmspace *vs, long start, size_t len, unsigned mflags);
/* sys_io.c */
SYSCALL(read);
SYSCALL(write);
SYSCALL(ioctl);
/* sys_time.c */
SYSCALL(nanosleep);
SYSCALL(gettimeofday);
SYSCALL(times);
SYSCALL(uname);
/* signal/sys_signal.c */
SYSCALL(rt_sigaction);
SYSCALL(rt_sigprocmask);
SYSCALL(rt_sigpending);
SYSCALL(rt_sigsuspend);
SYSCALL(rt_sigtimedwait);
SYSCALL(rt_sigreturn);
SYSCALL(sigaltstack);
SYSCALL(setitimer);
SYSCALL(getitimer);
SYSCALL(ppoll); /* file/poll.c */
SYSCALL(pselect6); /* file/poll.c */
SYSCALL(rt_sigqueueinfo);
SYSCALL(rt_tgsigqueueinfo);
struct kite_timespec;
/* A valid timespec as nanoseconds (saturating), or -EINVAL. */
int timespec_to_ns(const struct kite_timespec *ts, uint64_t *ns);
/* Sleep until the time counter reaches deadline: 0, or -EINTR after a
 * kill with the time left written to urem (0: not wanted), -EFAULT if
 * that fails. nanosleep's and clock_nanosleep's sleep. */
long time_sleep_until(uint64_t deadline, uint64_t urem);
/* sys_clock.c: every clock, CPU time and resource use */
SYSCALL(clock_gettime);
SYSCALL(clock_getres);
SYSCALL(clock_nanosleep);
SYSCALL(getrusage);
/* sys_sched.c */
SYSCALL(sched_setscheduler);
SYSCALL(sched_setparam);
SYSCALL(sched_getscheduler);
SYSCALL(sched_getparam);
SYSCALL(sched_get_priority_max);
SYSCALL(sched_get_priority_min);
SYSCALL(sched_rr_get_interval);
SYSCALL(getcpu);
/* sys_prctl.c */
SYSCALL(prctl);
SYSCALL(umask);
/* sys_thread.c */
SYSCALL(set_tid_address);
SYSCALL(futex);
SYSCALL(set_robust_list);
SYSCALL(get_robust_list);
SYSCALL(tkill);
SYSCALL(tgkill);
SYSCALL(sched_setaffinity);
SYSCALL(sched_getaffinity);
/* sys_fd.c: descriptors and paths without a file system (docs/LINUX.md) */
SYSCALL(fstat);
SYSCALL(newfstatat);
SYSCALL(readlinkat);
SYSCALL(openat);
SYSCALL(lseek);
SYSCALL(getcwd);
/* ioctl TIOCGWINSZ/TIOCSWINSZ (req) on the console: 0 or -EFAULT */
long tty_winsize_ioctl(uint64_t req, uint64_t uarg);
/* sys_info.c: ids and sysinfo */
SYSCALL(getuid);
SYSCALL(geteuid);
SYSCALL(getgid);
SYSCALL(getegid);
SYSCALL(getresuid);
SYSCALL(getresgid);
SYSCALL(sysinfo);
/* sys_iov.c */
SYSCALL(readv);
SYSCALL(writev);
/* file/sys_file.c: descriptors and pipes (docs/FILES.md) */
SYSCALL(close);
SYSCALL(dup);
SYSCALL(dup3);
SYSCALL(fcntl);
SYSCALL(pipe2);
SYSCALL(close_range);
/* sys_random.c: the kernel's random numbers */
SYSCALL(getrandom);
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
