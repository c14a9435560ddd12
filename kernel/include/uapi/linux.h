/*
 * uapi/linux.h - structures and constants of the Linux calls that static
 * glibc programs make and Kite answers (docs/LINUX.md): stat, iovec,
 * sysinfo, rusage, the terminal's window size, getrandom's flags, the
 * clock ids and the *at calls' flags. The layouts are Linux riscv64's
 * (asm-generic), so a Linux binary sees what it expects.
 */
#ifndef KITE_UAPI_LINUX_H
#define KITE_UAPI_LINUX_H

#ifdef __KITE_USER__
#include <stdint.h>
#include <stddef.h>
#else
#include "kernel/types.h"
#endif
#include "uapi/kite.h" /* struct kite_timeval */

/* *at calls */
#define AT_FDCWD (-100)
#define AT_SYMLINK_NOFOLLOW 0x100
#define AT_NO_AUTOMOUNT 0x800
#define AT_EMPTY_PATH 0x1000
#define LINUX_PATH_MAX 4096 /* with its NUL */

/* open flags (asm-generic/fcntl.h): openat looks at O_CREAT; a file
 * description keeps its access mode, O_NONBLOCK and O_APPEND (F_GETFL);
 * O_CLOEXEC is a descriptor's FD_CLOEXEC (docs/FILES.md) */
#define O_ACCMODE 03
#define O_RDONLY 00
#define O_WRONLY 01
#define O_RDWR 02
#define O_CREAT 0100
#define O_APPEND 02000
#define O_NONBLOCK 04000
#define O_DIRECT 040000
#define O_CLOEXEC 02000000

/* fcntl commands and descriptor flags */
#define F_DUPFD 0
#define F_GETFD 1
#define F_SETFD 2
#define F_GETFL 3
#define F_SETFL 4
#define F_DUPFD_CLOEXEC 1030
#define F_SETPIPE_SZ 1031
#define F_GETPIPE_SZ 1032
#define FD_CLOEXEC 1

/* close_range flags */
#define CLOSE_RANGE_UNSHARE 0x2
#define CLOSE_RANGE_CLOEXEC 0x4

/* poll: struct pollfd and the event bits (asm-generic/poll.h) */
struct kite_pollfd {
	int32_t fd;
	int16_t events;
	int16_t revents;
};
#define POLLIN 0x001
#define POLLPRI 0x002
#define POLLOUT 0x004
#define POLLERR 0x008
#define POLLHUP 0x010
#define POLLNVAL 0x020
#define POLLRDNORM 0x040
#define POLLRDBAND 0x080
#define POLLWRNORM 0x100
#define POLLWRBAND 0x200

/* ioctl on a pipe: bytes waiting to be read */
#define FIONREAD 0x541B

/* struct stat (asm-generic/stat.h), 128 bytes */
struct kite_stat {
	uint64_t st_dev;
	uint64_t st_ino;
	uint32_t st_mode;
	uint32_t st_nlink;
	uint32_t st_uid;
	uint32_t st_gid;
	uint64_t st_rdev;
	uint64_t pad1;
	int64_t st_size;
	int32_t st_blksize;
	int32_t pad2;
	int64_t st_blocks;
	int64_t st_atime_sec;
	uint64_t st_atime_nsec;
	int64_t st_mtime_sec;
	uint64_t st_mtime_nsec;
	int64_t st_ctime_sec;
	uint64_t st_ctime_nsec;
	uint32_t unused4, unused5;
};
#define S_IFMT 0170000
#define S_IFCHR 0020000
#define S_IFIFO 0010000
/* Linux's dev_t encoding (new_encode_dev) */
#define KITE_MKDEV(major, minor) \
	((uint64_t)(((minor) & 0xff) | ((major) << 8) | (((minor) & ~0xff) << 12)))

/* readv/writev */
struct kite_iovec {
	uint64_t iov_base;
	uint64_t iov_len;
};
#define IOV_MAX_LINUX 1024              /* UIO_MAXIOV */
#define MAX_RW_COUNT 0x7ffff000UL       /* INT_MAX rounded down to a page */

/* terminal window size: TIOCGWINSZ / TIOCSWINSZ */
#define TIOCGWINSZ 0x5413
#define TIOCSWINSZ 0x5414
#define TCSETSW 0x5403
#define TCSETSF 0x5404
struct kite_winsize {
	uint16_t ws_row, ws_col, ws_xpixel, ws_ypixel;
};

/* sysinfo, 112 bytes */
struct kite_sysinfo {
	int64_t uptime;        /* seconds since boot */
	uint64_t loads[3];     /* 1, 5, 15 minute load averages << 16 */
	uint64_t totalram, freeram, sharedram, bufferram;
	uint64_t totalswap, freeswap;
	uint16_t procs;        /* threads */
	uint16_t pad;
	uint64_t totalhigh, freehigh;
	uint32_t mem_unit;     /* bytes per unit of the sizes above */
	char reserved[4];
};

/* getrusage */
/* scheduling policies (sched_setscheduler) */
#define SCHED_OTHER 0
#define SCHED_FIFO 1
#define SCHED_RR 2
#define SCHED_BATCH 3
#define SCHED_IDLE 5
#define SCHED_DEADLINE 6
#define SCHED_RESET_ON_FORK 0x40000000
struct kite_sched_param {
	int sched_priority;
};

/* prctl options Kite answers (sys_prctl.c) */
#define PR_SET_PDEATHSIG 1
#define PR_GET_PDEATHSIG 2
#define PR_GET_DUMPABLE 3
#define PR_SET_DUMPABLE 4
#define PR_SET_NAME 15
#define PR_GET_NAME 16
#define PR_SET_TIMERSLACK 29
#define PR_GET_TIMERSLACK 30
#define PR_SET_NO_NEW_PRIVS 38
#define PR_GET_NO_NEW_PRIVS 39

#define RUSAGE_SELF 0
#define RUSAGE_CHILDREN (-1)
#define RUSAGE_THREAD 1
struct kite_rusage {
	struct kite_timeval ru_utime, ru_stime;
	int64_t ru_maxrss;     /* KiB */
	int64_t ru_ixrss, ru_idrss, ru_isrss;
	int64_t ru_minflt, ru_majflt;
	int64_t ru_nswap, ru_inblock, ru_oublock;
	int64_t ru_msgsnd, ru_msgrcv, ru_nsignals;
	int64_t ru_nvcsw, ru_nivcsw;
};

/* getrandom flags */
#define GRND_NONBLOCK 0x1
#define GRND_RANDOM 0x2
#define GRND_INSECURE 0x4

/* clocks (CLOCK_REALTIME 0 and CLOCK_MONOTONIC 1 are in uapi/kite.h) */
#define CLOCK_PROCESS_CPUTIME_ID 2
#define CLOCK_THREAD_CPUTIME_ID 3
#define CLOCK_MONOTONIC_RAW 4
#define CLOCK_REALTIME_COARSE 5
#define CLOCK_MONOTONIC_COARSE 6
#define CLOCK_BOOTTIME 7
#define CLOCK_REALTIME_ALARM 8
#define CLOCK_BOOTTIME_ALARM 9
#define CLOCK_TAI 11
#define TIMER_ABSTIME 1
/* A negative clock id names a CPU clock: ~pid << 3 | perthread << 2 |
 * type (0 PROF, 1 VIRT, 2 SCHED; 3 is invalid). */
#define CPUCLOCK_PID(clk) (~((clk) >> 3))
#define CPUCLOCK_PERTHREAD(clk) (((clk) & 4) != 0)
#define CPUCLOCK_TYPE(clk) ((clk) & 3)
#define CPUCLOCK_TYPE_MAX 3

#endif
