/*
 * unistd.h - the POSIX-style system call wrappers.
 *
 * Each wrapper makes one system call (user/lib/syscall.c) and follows the
 * C library convention: on failure it sets errno and returns -1. Only
 * calls the kernel has get a wrapper. Kite's own calls are declared in
 * <kite.h>. For convenience this header also covers what Linux spreads
 * over <signal.h>, <sys/ioctl.h> and <sys/utsname.h>.
 */
#ifndef KITE_USER_UNISTD_H
#define KITE_USER_UNISTD_H

#ifndef __KITE_USER__
#define __KITE_USER__
#endif
#include "uapi/kite.h" /* SIG*, TCGETS/TCSETS, struct kite_termios */
#include "sys/types.h"

/* SIGCHLD and the other signal numbers: uapi/signal.h */

#define STDIN_FILENO 0
#define STDOUT_FILENO 1
#define STDERR_FILENO 2

ssize_t read(int fd, void *buf, size_t n);
ssize_t write(int fd, const void *buf, size_t n);
int ioctl(int fd, unsigned long req, ...); /* one pointer argument */
/* 1 if fd is the console (a terminal: TCGETS works), else 0 with errno
 * ENOTTY or EBADF, as POSIX's isatty. */
int isatty(int fd);

/* End the whole process (exit_group); exit() in <stdlib.h> is the same. */
__attribute__((noreturn)) void _exit(int status);
/* End only the calling thread (Linux exit). */
__attribute__((noreturn)) void exit_thread(int status);

pid_t getpid(void);
pid_t getppid(void);
pid_t gettid(void);
/* Process groups and sessions (docs/SIGNALS.md, "Sessions"). */
int setpgid(pid_t pid, pid_t pgid);
pid_t getpgid(pid_t pid);
pid_t getpgrp(void); /* getpgid(0) */
pid_t getsid(pid_t pid);
pid_t setsid(void);
int sched_yield(void);
int kill(pid_t pid, int sig);

pid_t fork(void); /* clone(SIGCHLD, 0, 0, 0, 0) */
/* Raw clone (Linux RISC-V argument order). With a stack, the child
 * returns 0 on that stack: it must not return from the caller's frame. */
long clone(unsigned long flags, void *stack, int *ptid, unsigned long tls,
	   int *ctid);
int execve(const char *path, char *const argv[], char *const envp[]);
int execv(const char *path, char *const argv[]); /* envp = environ */

/* brk(addr): 0 or -1 (ENOMEM); sbrk(inc): the old break or (void *)-1.
 * sys_brk(addr) is the raw call: it returns the break after the request
 * (unchanged when it failed); sys_brk(0) just reads it. */
int brk(void *addr);
void *sbrk(intptr_t inc);
void *sys_brk(void *addr);

unsigned int sleep(unsigned int seconds); /* returns 0, or the time left */
int usleep(unsigned long usec);

struct utsname {
	char sysname[65], nodename[65], release[65], version[65], machine[65],
		domainname[65];
};
int uname(struct utsname *u);

#endif
