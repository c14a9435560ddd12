/*
 * uapi/kite.h - structures of Kite's own system calls and the constants
 * user programs share with the kernel (clone flags, wait options,
 * signals, console modes, time).
 */
#ifndef KITE_UAPI_KITE_H
#define KITE_UAPI_KITE_H

#ifdef __KITE_USER__
#include <stdint.h>
#include <stddef.h>
#else
#include "kernel/types.h"
#endif
#include "uapi/cap.h" /* capabilities: rights, types, PMOs */

/* clone flags and futex operations (Linux values) */
#include "uapi/sched.h"
#include "uapi/signal.h" /* signal numbers, sigaction, the frame */
#define KITE_SIGCHLD 17

/* wait4 options and status encoding (Linux) */
#define WNOHANG 1
#define W_EXITCODE(ret, sig) (((ret) & 0xff) << 8 | ((sig) & 0x7f))

/* signals understood by kill() */
#define SIGINT 2
#define SIGILL 4
#define SIGTRAP 5
#define SIGBUS 7
#define SIGKILL 9
#define SIGSEGV 11
#define SIGTERM 15

/* console ioctl (Linux numbers; a small termios) */
#define TCGETS 0x5401
#define TCSETS 0x5402
#define TIOCGPGRP 0x540f /* the console's foreground process group */
#define TIOCSPGRP 0x5410
#define KITE_ICANON 0x0002 /* c_lflag: line at a time, with editing */
#define KITE_ECHO 0x0008   /* c_lflag: echo input */
#define KITE_ISIG 0x0001   /* c_lflag: Ctrl-C ends the foreground job */
/* spawn's flags (a3). FOREGROUND: the child's new process group is the
 * console's foreground group before its first instruction (the caller
 * must be allowed TIOCSPGRP), so a job that reads at once is never
 * caught in the background (glibc's posix_spawn has the same for the
 * same race: posix_spawn_file_actions_addtcsetpgrp_np). */
#define KITE_SPAWN_FOREGROUND 0x1
#define KITE_SPAWN_FLAGS KITE_SPAWN_FOREGROUND

struct kite_termios {
	uint32_t c_iflag, c_oflag, c_cflag, c_lflag;
	uint8_t c_line;
	uint8_t c_cc[19];
};

struct kite_timespec {
	int64_t tv_sec;
	int64_t tv_nsec;
};

struct kite_timeval {
	int64_t tv_sec;
	int64_t tv_usec;
};

#define CLOCK_REALTIME 0
#define CLOCK_MONOTONIC 1

struct kite_tms {
	int64_t tms_utime, tms_stime, tms_cutime, tms_cstime;
};

struct kite_utsname {
	char sysname[65], nodename[65], release[65], version[65], machine[65],
		domainname[65];
};

/* SYS_kite_procs: one entry per thread */
#define KITE_STATE_STOPPED 5

struct kite_procinfo {
	int32_t pid, ppid, tid;
	int32_t state;       /* 0 uninit 1 runnable 2 running 3 sleeping 4 zombie
			      * 5 stopped (KITE_STATE_STOPPED: asleep in its
			      * process's group stop, SIGSTOP and the like) */
	int32_t hart;
	int32_t prio;
	uint32_t pass;
	uint32_t flags;      /* 1: kernel thread */
	uint64_t ticks;
	/* resident pages (mapped now) by kind of region, and page tables */
	uint64_t pages_code, pages_data, pages_heap, pages_stack;
	uint64_t pages_anon;   /* private anonymous mmap */
	uint64_t pages_shared; /* MAP_SHARED mappings */
	uint64_t pages_pt;     /* page-table pages of its address space */
	uint64_t vsz;          /* bytes of address space its regions cover */
	uint64_t faults;       /* page faults served since it started */
	uint64_t cow_copies;   /* pages copied because another space shared them */
	uint64_t pages_swapped; /* its pages out on the swap disk */
	uint64_t swap_ins;      /* pages it faulted back from swap */
	uint64_t swap_outs;     /* of its pages written to swap */
	uint64_t reclaim_scans; /* frames its faults looked at to reclaim */
	char name[16];
	char sched[8];
};

/* SYS_kite_cpustat: one entry per hart (NCPU of them; offline harts have
 * online = 0). irqoff_max_ns is the longest stretch the hart spent with
 * interrupts off between a push_off and its pop_off since boot or the
 * last reset; it ended at kernel pc irqoff_max_pc, or (pc 0) when the
 * spinlock named irqoff_max_lock was released. */
struct kite_cpustat {
	uint32_t hart;
	uint32_t online;
	uint64_t ticks;
	uint64_t irqoff_max_ns;
	uint64_t irqoff_max_pc;
	char irqoff_max_lock[24];
	/* ticks that came late, in lumps (a late timer interrupt accounts
	 * for all the time that passed, charged to the thread it finds):
	 * under QEMU, time the host did not run this hart */
	uint64_t late_ticks;
};

/* Resource limits (prlimit64, getrlimit, setrlimit): Linux's numbers. */
#define RLIMIT_CPU 0
#define RLIMIT_FSIZE 1
#define RLIMIT_DATA 2
#define RLIMIT_STACK 3
#define RLIMIT_CORE 4
#define RLIMIT_RSS 5
#define RLIMIT_NPROC 6
#define RLIMIT_NOFILE 7
#define RLIMIT_MEMLOCK 8
#define RLIMIT_AS 9
#define RLIMIT_LOCKS 10
#define RLIMIT_SIGPENDING 11
#define RLIMIT_MSGQUEUE 12
#define RLIMIT_NICE 13
#define RLIMIT_RTPRIO 14
#define RLIMIT_RTTIME 15
#define RLIM_NLIMITS 16
#define RLIM_INFINITY (~0UL)

struct kite_rlimit {
	uint64_t rlim_cur; /* the soft limit: what is enforced */
	uint64_t rlim_max; /* the hard limit: the ceiling for rlim_cur */
};

/* SYS_kite_meminfo: frames of 4 KiB. free counts the frames the kernel
 * keeps only for reuse (spare kernel stacks, an empty slab per size). */
struct kite_meminfo {
	uint64_t total, free, kernel, user;
	uint64_t shared;     /* user frames mapped by more than one address
			      * space or held by shared memory (counted once) */
	uint64_t pagetables; /* page-table pages of user address spaces
			      * (part of kernel) */
	uint64_t swap_total, swap_used; /* pages of the swap area */
	uint64_t swap_outs, swap_ins;   /* pages written to it, read back */
	uint64_t user_cap;   /* usermem=: the most user pages may hold
			      * (~0: no cap) */
	uint64_t faults;     /* page faults served since boot, all processes */
	uint64_t reclaim_scans; /* frames the reclaimer looked at */
	uint64_t reclaim_evicted; /* frames it wrote out and freed */
};
/* SYS_kite_swap: the page-replacement policy and swap counters. */
struct kite_swapinfo {
	char policy[16];              /* the active policy: clock, fifo, lru */
	uint64_t total, used;         /* pages of the swap area */
	uint64_t outs, ins;           /* pages written out, read back */
	uint64_t scanned, evicted;    /* frames the reclaimer looked at, freed */
	uint64_t referenced, busy;    /* spared as used, skipped as busy */
	uint64_t write_errors, read_errors;
	uint64_t direct;              /* of scanned: by faults short of a frame */
	uint64_t aged;                /* frames aging walks found used (lru) */
	uint64_t queued;              /* frames the policy could pick now */
	uint64_t low, high;           /* reclaimd's watermarks (frames) */
	uint64_t rounds;              /* times reclaimd woke to work */
};
/* SYS_kite_usermem: no cap at all. */
#define KITE_USERMEM_NONE (~0ULL)
/* SYS_kite_swapsim: a reference string run through a policy's methods
 * in a memory of a few frames (at most 1024 frames, 4096 distinct pages,
 * 65536 references). */
#define KITE_SWAPSIM_MAXREFS 65536
struct kite_swapsim {
	uint64_t faults;     /* references to a page not in memory */
	uint64_t evictions;  /* pages pushed out to make room */
	uint64_t chances;    /* used pages spared (second chances) */
};
/* Memory protections, mmap flags and madvise advice (Linux's values). */
#define PROT_NONE 0x0
#define PROT_READ 0x1
#define PROT_WRITE 0x2
#define PROT_EXEC 0x4
#define PROT_GROWSDOWN 0x01000000
#define PROT_GROWSUP 0x02000000
#define MAP_SHARED 0x01
#define MAP_PRIVATE 0x02
#define MAP_SHARED_VALIDATE 0x03
#define MAP_TYPE 0x0f
#define MAP_FIXED 0x10
#define MAP_ANONYMOUS 0x20
#define MAP_GROWSDOWN 0x0100
#define MAP_DENYWRITE 0x0800
#define MAP_EXECUTABLE 0x1000
#define MAP_LOCKED 0x2000
#define MAP_NORESERVE 0x4000
#define MAP_POPULATE 0x8000
#define MAP_NONBLOCK 0x10000
#define MAP_STACK 0x20000
#define MAP_HUGETLB 0x40000
#define MAP_SYNC 0x80000
#define MAP_FIXED_NOREPLACE 0x100000
#define MAP_FAILED_ADDR (~0UL)
#define MREMAP_MAYMOVE 1
#define MREMAP_FIXED 2
#define MREMAP_DONTUNMAP 4
#define MADV_NORMAL 0
#define MADV_RANDOM 1
#define MADV_SEQUENTIAL 2
#define MADV_WILLNEED 3
#define MADV_DONTNEED 4
#define MADV_FREE 8
#define MADV_REMOVE 9
#define MADV_DONTFORK 10
#define MADV_DOFORK 11
#define MADV_DONTDUMP 16
#define MADV_DODUMP 17
#define MADV_WIPEONFORK 18
#define MADV_KEEPONFORK 19
#define MADV_COLD 20
#define MADV_PAGEOUT 21
#define MADV_POPULATE_READ 22
#define MADV_POPULATE_WRITE 23
#define MLOCK_ONFAULT 1   /* mlock2 */
#define MCL_CURRENT 1     /* mlockall */
#define MCL_FUTURE 2
#define MCL_ONFAULT 4
#define MS_ASYNC 1        /* msync */
#define MS_INVALIDATE 2
#define MS_SYNC 4
/* SYS_kite_maps: the regions of an address space, lowest first, like
 * /proc/PID/maps. */
#define KITE_VM_CODE 0   /* an app's code (and read-only data) */
#define KITE_VM_DATA 1   /* an app's writable data and bss */
#define KITE_VM_HEAP 2   /* brk */
#define KITE_VM_STACK 3  /* the main stack (grows down) */
#define KITE_VM_ANON 4   /* private anonymous mmap */
#define KITE_VM_SHARED 5 /* MAP_SHARED anonymous mmap */
#define KITE_VM_NKINDS 6
#define KITE_VMF_SHARED 0x1    /* pages are shared with children */
#define KITE_VMF_GROWSDOWN 0x2 /* grows down on faults below it */
#define KITE_VMF_LOCKED 0x4    /* mlock'ed: its pages stay in memory */
struct kite_region {
	uint64_t start, end; /* [start, end), page-aligned */
	uint32_t prot;       /* PROT_READ | PROT_WRITE | PROT_EXEC */
	uint32_t kind;       /* KITE_VM_* */
	uint32_t flags;      /* KITE_VMF_* */
	uint32_t pad;
	uint64_t resident;   /* pages mapped now */
};

#endif
