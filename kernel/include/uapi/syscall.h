/*
 * uapi/syscall.h - system call numbers, shared by the kernel and user space.
 *
 * The numbers are Linux RISC-V's (asm-generic/unistd.h), so ordinary
 * static binaries that use only these calls run unchanged; spawn (400)
 * and set_priority (140) are rCore's; Kite's own calls start at 500.
 * ABI: number in a7, arguments in a0..a5, result in a0, errors as -errno.
 */
#ifndef KITE_UAPI_SYSCALL_H
#define KITE_UAPI_SYSCALL_H

#define SYS_ioctl 29
#define SYS_read 63
#define SYS_write 64
#define SYS_ppoll 73
#define SYS_exit 93
#define SYS_exit_group 94
#define SYS_set_tid_address 96
#define SYS_futex 98
#define SYS_set_robust_list 99
#define SYS_get_robust_list 100
#define SYS_nanosleep 101
#define SYS_getitimer 102
#define SYS_setitimer 103
#define SYS_clock_gettime 113
#define SYS_sched_setaffinity 122
#define SYS_sched_getaffinity 123
#define SYS_sched_yield 124
#define SYS_kill 129
#define SYS_tkill 130
#define SYS_tgkill 131
#define SYS_sigaltstack 132
#define SYS_rt_sigsuspend 133
#define SYS_rt_sigaction 134
#define SYS_rt_sigprocmask 135
#define SYS_rt_sigpending 136
#define SYS_rt_sigtimedwait 137
#define SYS_rt_sigqueueinfo 138
#define SYS_rt_sigreturn 139
#define SYS_set_priority 140
#define SYS_times 153
#define SYS_uname 160
#define SYS_getrlimit 163
#define SYS_setrlimit 164
#define SYS_gettimeofday 169
#define SYS_getpid 172
#define SYS_getppid 173
#define SYS_gettid 178
#define SYS_brk 214
#define SYS_munmap 215
#define SYS_mremap 216
#define SYS_clone 220
#define SYS_execve 221
#define SYS_mmap 222
#define SYS_mprotect 226
#define SYS_msync 227
#define SYS_mlock 228
#define SYS_munlock 229
#define SYS_mlockall 230
#define SYS_munlockall 231
#define SYS_mincore 232
#define SYS_mlock2 284
#define SYS_rt_tgsigqueueinfo 240
#define SYS_madvise 233
#define SYS_wait4 260
#define SYS_prlimit64 261
#define SYS_spawn 400

/* more of Linux's calls, for static glibc programs (docs/LINUX.md) */
#define SYS_getcwd 17
#define SYS_dup 23
#define SYS_dup3 24
#define SYS_fcntl 25
#define SYS_openat 56
#define SYS_close 57
#define SYS_pipe2 59
#define SYS_lseek 62
#define SYS_readv 65
#define SYS_writev 66
#define SYS_pselect6 72
#define SYS_readlinkat 78
#define SYS_newfstatat 79
#define SYS_fstat 80
#define SYS_clock_getres 114
#define SYS_clock_nanosleep 115
#define SYS_getresuid 148
#define SYS_getresgid 150
#define SYS_sched_setparam 118
#define SYS_sched_setscheduler 119
#define SYS_sched_getscheduler 120
#define SYS_sched_getparam 121
#define SYS_sched_get_priority_max 125
#define SYS_sched_get_priority_min 126
#define SYS_sched_rr_get_interval 127
#define SYS_setpgid 154
#define SYS_getpgid 155
#define SYS_getsid 156
#define SYS_setsid 157
#define SYS_umask 166
#define SYS_prctl 167
#define SYS_getcpu 168
#define SYS_getrusage 165
#define SYS_getuid 174
#define SYS_geteuid 175
#define SYS_getgid 176
#define SYS_getegid 177
#define SYS_sysinfo 179
#define SYS_getrandom 278
#define SYS_rseq 293
#define SYS_close_range 436

/* Kite's own calls */
#define SYS_kite_apps 500      /* (char *buf, size_t len): app names, '\n'-separated */
#define SYS_kite_procs 501     /* (struct kite_procinfo *, size_t n): process table */
#define SYS_kite_meminfo 502   /* (struct kite_meminfo *) */
#define SYS_kite_sched 503     /* (const char *set or NULL, char *buf, size_t len) */
#define SYS_kite_cpustat 504   /* (struct kite_cpustat *, size_t n, int reset): per hart */

#define SYS_kite_maps 505      /* (int pid, struct kite_region *, size_t n): regions; returns how many there are */
#define SYS_kite_swap 506      /* (const char *policy or NULL, struct kite_swapinfo *) */
#define SYS_kite_usermem 507   /* (uint64_t bytes or KITE_USERMEM_NONE): cap user pages */
#define SYS_kite_trace 509     /* (int op, void *buf, size_t n): the event trace, uapi/trace.h */
#define SYS_kite_swapsim 508   /* (const char *policy or NULL, const uint32_t *refs, size_t n, unsigned frames, struct kite_swapsim *) */

/* Kite's capability calls (docs/CAPS.md; 509..519 are left for others) */
#define SYS_cap_group_create 520 /* (const char *name, struct kite_capproc *out): process handle */
#define SYS_pmo_create 521      /* (size_t size, int type): PMO handle */
#define SYS_pmo_write 522       /* (long pmo, uint64_t off, const void *buf, size_t len) */
#define SYS_pmo_read 523        /* (long pmo, uint64_t off, void *buf, size_t len) */
#define SYS_pmo_map 524         /* (long vmspace, long pmo, addr, len, prot): address */
#define SYS_cap_thread_create 525 /* (long process, pc, sp, arg, prio): thread handle */
#define SYS_cap_copy 526        /* (long dest process, long cap, unsigned rights) */
#define SYS_cap_free 527        /* (long cap) */
#define SYS_cap_query 528       /* (long cap): KITE_CAP_Q_* of rights and types */
#define SYS_kite_putc 529       /* (char c): ChCore's putc */
#define SYS_kite_getc 530       /* (): ChCore's getc */
#define SYS_kite_thread_exit 531 /* (): ChCore's thread_exit */
#define SYS_pmo_app 532         /* (const char *name): an app's ELF image, read-only PMO */
#define SYS_kite_capstats 533   /* (struct kite_capstats *): live objects by type */
#define NR_SYSCALLS 534

#endif
