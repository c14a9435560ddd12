/*
 * trace/trace.h - the kernel's event trace: hooks called from the code
 * where things happen (docs/TRACE.md).
 *
 * Each hook is an inline test of trace_flags, a read-mostly word,
 * and a call only when tracing is on: off, a hook costs one load and
 * one predictable branch. The called function (trace/events.c) fills a
 * record and writes it to the calling hart's own ring (trace/ring.c)
 * with interrupts off for the few instructions that takes: no lock is
 * shared between harts.
 *
 * Where the hooks are: schedule() (trace_schedule at its start,
 * trace_switch when it switches), sched_wakeup (trace_wakeup), the
 * creation of processes and threads (trace_fork), execve (trace_exec),
 * a thread's exit (trace_exit), wait (trace_wait), kill (trace_kill),
 * syscall_dispatch (trace_syscalls), the page-fault path
 * (trace_fault), swap_out and swap_in (trace_swap_out, trace_swap_in),
 * smp_send_ipi and the software-interrupt handler (trace_ipi_send,
 * trace_ipi_recv), power_off (trace_power_off: the records left are
 * printed). Signals: the code that delivers a signal to a thread (sets
 * up its handler, or takes the default action) calls trace_signal.
 */
#ifndef KITE_TRACE_TRACE_H
#define KITE_TRACE_TRACE_H

#include "kernel/types.h"
#include "uapi/trace.h"

struct thread;
struct trapframe;
struct proc;

/* [atomic] what is on: TRACE_F_RECORD (records are written: trace_
 * set_enabled), TRACE_F_LOG (LOG=debug or log=trace: fork, exec, exit
 * and kill are printed as console lines). Read by every hook; 0 when
 * tracing is off, so a hook costs one load and a branch not taken. */
extern uint32_t trace_flags;
#define TRACE_F_RECORD 0x1
#define TRACE_F_LOG 0x2

#define TRACE_RING_DEFAULT 8192 /* records per hart unless trace=N says */
#define TRACE_RING_MIN 64
#define TRACE_RING_MAX (1u << 20)

/* Boot: make the rings and start recording if boot argument "trace"
 * (or trace=RECORDS per hart) is given. After smp_boot. */
void trace_init(void);
/* Start (make the rings of records_per_hart, 0: the default, if there
 * are none) or stop recording. 0, or -ENOMEM. */
int trace_set_enabled(bool on, uint64_t records_per_hart);
/* Drop the records not yet read; with recording off, free the rings. */
void trace_clear(void);
/* Write one record to this hart's ring (any context). */
void trace_write(uint16_t type, uint32_t arg, uint64_t a0, uint64_t a1,
		 uint64_t a2);
/* Read up to max records not read yet, oldest first, hart by hart;
 * a reader that fell behind gets a KITE_TRACE_LOST record first. The
 * caller holds trace_read_lock (trace_read_begin/end). */
size_t trace_read(struct kite_trace_rec *out, size_t max);
void trace_read_begin(void);
void trace_read_end(void);
void trace_get_status(struct kite_trace_status *st);
/* Have rings been made (and not freed)? A racy hint. */
bool trace_has_rings(void);
/* Print every record not yet read on the console (as `trace dump`). */
void trace_dump_console(void);

/* The slow halves of the hooks (trace/events.c) */
void trace_schedule_ev(struct thread *prev);
void trace_switch_ev(struct thread *prev, struct thread *next);
void trace_wakeup_ev(struct thread *t);
void trace_fork_ev(struct thread *t, int how);
void trace_exec_ev(struct proc *p);
void trace_exit_ev(struct thread *t, bool last);
void trace_wait_ev(struct proc *child);
void trace_kill_ev(struct proc *p, int sig);
void trace_fault_ev(uint64_t va, unsigned access, int outcome);
void trace_signal_ev(struct thread *t, int sig, uint64_t handler, int from);
void trace_power_off_ev(void);

/* Is anything on? The one test every hook makes. */
#define TRACE_ON() unlikely(__atomic_load_n(&trace_flags, __ATOMIC_RELAXED))

/* schedule() starts: whether prev was asked to go (preempted) */
static inline void trace_schedule(struct thread *prev)
{
	if (TRACE_ON())
		trace_schedule_ev(prev);
}
/* the hart switches from prev to next (rq lock held) */
static inline void trace_switch(struct thread *prev, struct thread *next)
{
	if (TRACE_ON())
		trace_switch_ev(prev, next);
}
/* the current thread woke t (now queued) */
static inline void trace_wakeup(struct thread *t)
{
	if (TRACE_ON())
		trace_wakeup_ev(t);
}
/* the current thread made t (not started yet); how: KITE_TRACE_FORK_* */
static inline void trace_fork(struct thread *t, int how)
{
	if (TRACE_ON())
		trace_fork_ev(t, how);
}
/* the current thread's process p now runs a new program */
static inline void trace_exec(struct proc *p)
{
	if (TRACE_ON())
		trace_exec_ev(p);
}
/* the current thread t exits; last: its process ends with it */
static inline void trace_exit(struct thread *t, bool last)
{
	if (TRACE_ON())
		trace_exit_ev(t, last);
}
/* the current thread reaped the zombie child */
static inline void trace_wait(struct proc *child)
{
	if (TRACE_ON())
		trace_wait_ev(child);
}
/* the current thread asks p to end with signal sig */
static inline void trace_kill(struct proc *p, int sig)
{
	if (TRACE_ON())
		trace_kill_ev(p, sig);
}
/* syscall_dispatch: record this call? If so it calls trace_syscall_fn
 * instead of the handler, which records the call, runs the handler
 * (trace_syscall_handler) and records its result: one test when off. */
static inline bool trace_syscalls(void)
{
	return TRACE_ON();
}
long trace_syscall_fn(struct trapframe *tf);
/* The handler of system call nr (NULL: none), for trace_syscall_fn. */
long (*trace_syscall_handler(uint64_t nr))(struct trapframe *tf);
/* a page fault at va (access: VM_READ/VM_WRITE/VM_EXEC bits, 0 if not
 * known) ended as outcome (KITE_TRACE_PF_*) */
static inline void trace_fault(uint64_t va, unsigned access, int outcome)
{
	if (TRACE_ON())
		trace_fault_ev(va, access, outcome);
}
static inline void trace_swap_out(uint64_t va, uint64_t slot)
{
	if (TRACE_ON())
		trace_write(KITE_TRACE_SWAPOUT, 0, va, slot, 0);
}
static inline void trace_swap_in(uint64_t slot)
{
	if (TRACE_ON())
		trace_write(KITE_TRACE_SWAPIN, 0, slot, 0, 0);
}
/* signal sig is delivered to thread t: its handler runs (handler, the
 * user address) or its default action is taken (handler 0); from: the
 * sender's pid (0: the kernel). Called by the signal code. */
static inline void trace_signal(struct thread *t, int sig, uint64_t handler,
				int from)
{
	if (TRACE_ON())
		trace_signal_ev(t, sig, handler, from);
}
static inline void trace_ipi_send(int hart)
{
	if (TRACE_ON())
		trace_write(KITE_TRACE_IPI_SEND, (uint32_t)hart, 0, 0, 0);
}
static inline void trace_ipi_recv(void)
{
	if (TRACE_ON())
		trace_write(KITE_TRACE_IPI_RECV, 0, 0, 0, 0);
}
/* Kite is powering off: print the records not yet read */
static inline void trace_power_off(void)
{
	trace_power_off_ev();
}

#endif
