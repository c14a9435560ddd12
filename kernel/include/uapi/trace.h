/*
 * uapi/trace.h - the kernel's event trace as user space sees it
 * (SYS_kite_trace, docs/TRACE.md).
 *
 * Every event is one fixed-size record of 48 bytes, written by the hart
 * it happened on into that hart's ring. Fields by event type (pid/tid
 * are the thread that did it; "who" words pack a tid in the low 32 bits
 * and its pid in the high 32; a name is 16 bytes, NUL-padded, in a[1]
 * and a[2]):
 *
 *   SWITCH   arg: why (KITE_TRACE_WHY_*)  a[0]: who runs next  a[1..2]: its name
 *   WAKEUP   arg: the hart it was queued on  a[0]: who was woken
 *   FORK     arg: KITE_TRACE_FORK_*  a[0]: the child  a[1..2]: its name
 *   EXEC     a[1..2]: the new program's name
 *   EXIT     arg: 1 if the last thread of its process  a[0]: wait status
 *   WAIT     a[0]: the child reaped (pid)  a[1]: its wait status
 *   SYSCALL  arg: number  a[0..2]: the first three arguments
 *   SYSRET   arg: number  a[0]: result
 *   FAULT    arg: outcome (KITE_TRACE_PF_*)  a[0]: address  a[1]: access
 *            (1 read, 2 write, 4 exec, 0 not known)
 *   SWAPOUT  a[0]: user address  a[1]: swap slot
 *   SWAPIN   a[0]: swap slot
 *   SIGNAL   arg: signal  a[0]: handler (0 default action)  a[1]: sender pid
 *   IPI_SEND arg: target hart
 *   IPI_RECV (nothing)
 *   MARK     arg: length of the text  a[0]: the number  a[1..2]: text
 *   KILL     arg: signal  a[0]: the pid killed  a[1]: the killer's pid
 *            (0: an interrupt, Ctrl-C)
 *   LOST     a[0]: records of this hart lost before this point (the
 *            reader was slower than the writer); made by the reader
 */
#ifndef KITE_UAPI_TRACE_H
#define KITE_UAPI_TRACE_H

#ifdef __KITE_USER__
#include <stdint.h>
#else
#include "kernel/types.h"
#endif

enum kite_trace_type {
	KITE_TRACE_SWITCH = 1,
	KITE_TRACE_WAKEUP,
	KITE_TRACE_FORK,
	KITE_TRACE_EXEC,
	KITE_TRACE_EXIT,
	KITE_TRACE_WAIT,
	KITE_TRACE_SYSCALL,
	KITE_TRACE_SYSRET,
	KITE_TRACE_FAULT,
	KITE_TRACE_SWAPOUT,
	KITE_TRACE_SWAPIN,
	KITE_TRACE_SIGNAL,
	KITE_TRACE_IPI_SEND,
	KITE_TRACE_IPI_RECV,
	KITE_TRACE_MARK,
	KITE_TRACE_KILL,
	KITE_TRACE_LOST,
	KITE_TRACE_NTYPES
};

/* why a hart switched away from a thread */
enum kite_trace_why {
	KITE_TRACE_WHY_PREEMPT, /* its time was up, or it was asked to go */
	KITE_TRACE_WHY_YIELD,   /* it gave the hart up and stays runnable */
	KITE_TRACE_WHY_SLEEP,   /* it went to sleep (a wait queue, a timer) */
	KITE_TRACE_WHY_EXIT,    /* it exited */
	KITE_TRACE_WHY_IDLE,    /* the idle thread: work arrived */
	KITE_TRACE_NWHY
};

/* how a thread was made */
enum kite_trace_fork {
	KITE_TRACE_FORK_FORK,   /* fork, vfork or clone of a process */
	KITE_TRACE_FORK_SPAWN,  /* spawn: a new process from an app */
	KITE_TRACE_FORK_THREAD, /* clone(CLONE_THREAD) and cap_thread_create */
	KITE_TRACE_NFORK
};

/* how a page fault ended */
enum kite_trace_pf {
	KITE_TRACE_PF_ZERO,   /* anonymous memory: a zeroed frame (or, read,
			       * the shared zero frame) */
	KITE_TRACE_PF_FILL,   /* a frame of a memory object: the app's image,
			       * shared memory, a PMO */
	KITE_TRACE_PF_COW,    /* a write to a shared frame: copied */
	KITE_TRACE_PF_REUSE,  /* a write to a frame only it holds: made writable */
	KITE_TRACE_PF_GROW,   /* the stack grew down to the address */
	KITE_TRACE_PF_SWAPIN, /* read back from the swap disk */
	KITE_TRACE_PF_SEGV,   /* no access: the process gets SIGSEGV */
	KITE_TRACE_PF_BUS,    /* the page is lost (swap read error): SIGBUS */
	KITE_TRACE_NPF
};

struct kite_trace_rec {
	uint64_t time;  /* time counter (rdtime) when it happened */
	uint16_t hart;  /* the hart it happened on */
	uint16_t type;  /* enum kite_trace_type */
	int32_t tid;    /* the thread that did it (0: an idle thread) */
	int32_t pid;    /* its process (0: the kernel's) */
	uint32_t arg;   /* a small argument, by type (above) */
	uint64_t a[3];  /* more arguments, by type */
};

/* SYS_kite_trace(op, buf, n) */
#define KITE_TRACE_OP_OFF 0    /* stop recording (the records stay) */
#define KITE_TRACE_OP_ON 1     /* start recording (rings made if needed) */
#define KITE_TRACE_OP_CLEAR 2  /* drop the records not yet read; when
			     * recording is off, free the rings too */
#define KITE_TRACE_OP_READ 3   /* copy up to n records, oldest first, hart
			     * by hart, to buf; returns how many */
#define KITE_TRACE_OP_MARK 4   /* a user mark: buf a string (up to 16
			     * bytes kept, may be NULL), n a number */
#define KITE_TRACE_OP_STATUS 5 /* fill the struct kite_trace_status at buf */

#define KITE_TRACE_MARK_LEN 16

struct kite_trace_status {
	uint32_t enabled;          /* recording now */
	uint32_t harts;            /* rings (one per online hart), 0: none */
	uint64_t records_per_hart; /* each ring's size */
	uint64_t timebase;         /* time-counter ticks per second */
	uint64_t written;          /* records written since boot, all harts */
	uint64_t unread;           /* records waiting to be read (or lost) */
	uint64_t lost;             /* records readers missed since boot */
};

#endif
