/*
 * syscall.c - the system call wrappers.
 *
 * Every wrapper is one syscallN() (user/include/syscall.h) followed by
 * __syscall_ret(), which turns a -errno result into errno and -1. The
 * user-space structures (struct timespec, ...) have the layout of the
 * kernel's uapi ones; the static assertions below keep it that way.
 */
#include <stdarg.h>
#include "kite.h"

#define SAME_LAYOUT(a, b) \
	_Static_assert(sizeof(struct a) == sizeof(struct b), #a " vs " #b)
SAME_LAYOUT(timespec, kite_timespec);
SAME_LAYOUT(timeval, kite_timeval);
SAME_LAYOUT(tms, kite_tms);
SAME_LAYOUT(utsname, kite_utsname);
_Static_assert(offsetof(struct timespec, tv_nsec) ==
	       offsetof(struct kite_timespec, tv_nsec), "timespec");
_Static_assert(offsetof(struct timeval, tv_usec) ==
	       offsetof(struct kite_timeval, tv_usec), "timeval");

long __syscall_ret(long r)
{
	if (SYSCALL_IS_ERR(r)) {
		errno = (int)-r;
		return -1;
	}
	return r;
}

/* ---- I/O ---------------------------------------------------------------- */

ssize_t read(int fd, void *buf, size_t n)
{
	return __syscall_ret(syscall3(SYS_read, fd, buf, n));
}

ssize_t write(int fd, const void *buf, size_t n)
{
	return __syscall_ret(syscall3(SYS_write, fd, buf, n));
}

int ioctl(int fd, unsigned long req, ...)
{
	va_list ap;
	void *arg;

	va_start(ap, req);
	arg = va_arg(ap, void *);
	va_end(ap);
	return __syscall_ret(syscall3(SYS_ioctl, fd, req, arg));
}

int isatty(int fd)
{
	struct kite_termios t;

	return ioctl(fd, TCGETS, &t) == 0;
}

/* ---- ending ------------------------------------------------------------- */

void _exit(int status)
{
	for (;;)
		syscall1(SYS_exit_group, status);
}

void _Exit(int status)
{
	_exit(status);
}

void exit(int status)
{
	/* stdio keeps no buffers and there is no atexit: nothing to flush */
	_exit(status);
}

void abort(void)
{
	_exit(134); /* as a shell reports SIGABRT: 128 + 6 */
}

void exit_thread(int status)
{
	for (;;)
		syscall1(SYS_exit, status);
}

/* ---- time --------------------------------------------------------------- */

int nanosleep(const struct timespec *req, struct timespec *rem)
{
	return __syscall_ret(syscall2(SYS_nanosleep, req, rem));
}

int clock_gettime(clockid_t clk, struct timespec *ts)
{
	return __syscall_ret(syscall2(SYS_clock_gettime, clk, ts));
}

int gettimeofday(struct timeval *tv, void *tz)
{
	return __syscall_ret(syscall2(SYS_gettimeofday, tv, tz));
}

clock_t times(struct tms *buf)
{
	return __syscall_ret(syscall1(SYS_times, buf));
}

/* ---- processes ---------------------------------------------------------- */

int sched_yield(void)
{
	return __syscall_ret(syscall0(SYS_sched_yield));
}

int kill(pid_t pid, int sig)
{
	return __syscall_ret(syscall2(SYS_kill, pid, sig));
}

long set_priority(long prio)
{
	return __syscall_ret(syscall1(SYS_set_priority, prio));
}

int uname(struct utsname *u)
{
	return __syscall_ret(syscall1(SYS_uname, u));
}

pid_t getpid(void)
{
	return __syscall_ret(syscall0(SYS_getpid));
}

pid_t getppid(void)
{
	return __syscall_ret(syscall0(SYS_getppid));
}

int setpgid(pid_t pid, pid_t pgid)
{
	return (int)__syscall_ret(syscall2(SYS_setpgid, pid, pgid));
}

pid_t getpgid(pid_t pid)
{
	return __syscall_ret(syscall1(SYS_getpgid, pid));
}

pid_t getpgrp(void)
{
	return getpgid(0);
}

pid_t getsid(pid_t pid)
{
	return __syscall_ret(syscall1(SYS_getsid, pid));
}

pid_t setsid(void)
{
	return __syscall_ret(syscall0(SYS_setsid));
}

pid_t gettid(void)
{
	return __syscall_ret(syscall0(SYS_gettid));
}

long clone(unsigned long flags, void *stack, int *ptid, unsigned long tls,
	   int *ctid)
{
	return __syscall_ret(syscall5(SYS_clone, flags, stack, ptid, tls, ctid));
}

pid_t fork(void)
{
	return __syscall_ret(syscall5(SYS_clone, SIGCHLD, 0, 0, 0, 0));
}

int execve(const char *path, char *const argv[], char *const envp[])
{
	return __syscall_ret(syscall3(SYS_execve, path, argv, envp));
}

int execv(const char *path, char *const argv[])
{
	return execve(path, argv, environ);
}

pid_t spawn(const char *path, char *const argv[], char *const envp[])
{
	return spawn_flags(path, argv, envp, 0);
}

pid_t spawn_flags(const char *path, char *const argv[], char *const envp[],
		  unsigned flags)
{
	return __syscall_ret(syscall4(SYS_spawn, path, argv, envp, flags));
}

pid_t wait4(pid_t pid, int *status, int options, struct rusage *ru)
{
	return __syscall_ret(syscall4(SYS_wait4, pid, status, options, ru));
}

pid_t waitpid(pid_t pid, int *status, int options)
{
	return wait4(pid, status, options, NULL);
}

pid_t wait(int *status)
{
	return wait4(-1, status, 0, NULL);
}

/* ---- memory ------------------------------------------------------------- */

void *sys_brk(void *addr)
{
	return (void *)syscall1(SYS_brk, addr);
}

/* The break as brk() and sbrk() last saw it (0: not asked yet), so sbrk
 * costs one system call, as in other C libraries. A program that moves
 * the break with the raw system call confuses it, as it would theirs. */
static char *cur_brk;

int brk(void *addr)
{
	char *now = sys_brk(addr);

	cur_brk = now;
	if (now != addr) {
		errno = ENOMEM;
		return -1;
	}
	return 0;
}

void *sbrk(intptr_t inc)
{
	char *old = cur_brk ? cur_brk : (cur_brk = sys_brk(NULL));

	if (inc == 0)
		return old;
	if ((inc > 0 && (uintptr_t)old + (uintptr_t)inc < (uintptr_t)old) ||
	    (inc < 0 && (uintptr_t)-inc > (uintptr_t)old) ||
	    (cur_brk = sys_brk(old + inc)) != old + inc) {
		errno = ENOMEM;
		return (void *)-1;
	}
	return old;
}

/* mmap and mremap return an address, or MAP_FAILED with errno set. */
static void *map_ret(long r)
{
	return SYSCALL_IS_ERR(r) ? (__syscall_ret(r), MAP_FAILED) : (void *)r;
}

void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	return map_ret(syscall6(SYS_mmap, (long)addr, (long)len, prot, flags, fd,
				off));
}

int munmap(void *addr, size_t len)
{
	return __syscall_ret(syscall2(SYS_munmap, addr, len));
}

int mprotect(void *addr, size_t len, int prot)
{
	return __syscall_ret(syscall3(SYS_mprotect, addr, len, prot));
}

int madvise(void *addr, size_t len, int advice)
{
	return __syscall_ret(syscall3(SYS_madvise, addr, len, advice));
}

void *mremap(void *old, size_t old_size, size_t new_size, int flags, ...)
{
	void *new_address = NULL;
	va_list ap;

	if (flags & MREMAP_FIXED) {
		va_start(ap, flags);
		new_address = va_arg(ap, void *);
		va_end(ap);
	}
	return map_ret(syscall5(SYS_mremap, old, old_size, new_size, flags,
				new_address));
}

int getrlimit(int resource, struct rlimit *rlim)
{
	return __syscall_ret(syscall2(SYS_getrlimit, resource, rlim));
}

int setrlimit(int resource, const struct rlimit *rlim)
{
	return __syscall_ret(syscall2(SYS_setrlimit, resource, rlim));
}

int prlimit(pid_t pid, int resource, const struct rlimit *new_limit,
	    struct rlimit *old_limit)
{
	return __syscall_ret(syscall4(SYS_prlimit64, pid, resource, new_limit,
				      old_limit));
}

/* ---- Kite's own calls --------------------------------------------------- */

long kite_apps(char *buf, size_t len)
{
	return __syscall_ret(syscall2(SYS_kite_apps, buf, len));
}

long kite_procs(struct kite_procinfo *info, size_t n)
{
	return __syscall_ret(syscall2(SYS_kite_procs, info, n));
}

int kite_meminfo(struct kite_meminfo *mi)
{
	return __syscall_ret(syscall1(SYS_kite_meminfo, mi));
}

long kite_cpustat(struct kite_cpustat *st, size_t n, int reset)
{
	return __syscall_ret(syscall3(SYS_kite_cpustat, st, n, reset));
}

long kite_sched(const char *set, char *buf, size_t len)
{
	return __syscall_ret(syscall3(SYS_kite_sched, set, buf, len));
}

long kite_maps(pid_t pid, struct kite_region *buf, size_t n)
{
	return __syscall_ret(syscall3(SYS_kite_maps, pid, buf, n));
}

long kite_swap(const char *policy, struct kite_swapinfo *info)
{
	return __syscall_ret(syscall2(SYS_kite_swap, policy, info));
}

long kite_usermem(uint64_t bytes)
{
	return __syscall_ret(syscall1(SYS_kite_usermem, bytes));
}

long kite_swapsim(const char *policy, const uint32_t *refs, size_t n,
		  unsigned frames, struct kite_swapsim *out)
{
	return __syscall_ret(syscall5(SYS_kite_swapsim, policy, refs, n, frames,
				      out));
}
