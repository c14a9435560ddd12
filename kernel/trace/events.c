/*
 * events.c - the slow halves of the trace hooks (trace/trace.h): what
 * each event records, and the console lines of LOG=debug (log=trace).
 *
 * Every function here runs only when trace_flags is nonzero. Records go
 * to the calling hart's ring through trace_write (ring.c), which drops
 * them unless TRACE_F_RECORD is on; the console lines for fork, exec,
 * exit and kill are printed when TRACE_F_LOG is on.
 *
 * A switch's reason comes from the state schedule() left the previous
 * thread in: sleeping (slept), a zombie (exited), runnable (preempted
 * if it had been asked to go - need_resched, noted by trace_schedule at
 * the start of schedule() - else yielded); the idle thread's switches
 * are "idle". The note is per hart and written with interrupts off.
 */
#include "arch/trapframe.h"
#include "kernel/cpu.h"
#include "kernel/log.h"
#include "kernel/panic.h"
#include "lib/string.h"
#include "mm/pagetable.h"
#include "proc/proc.h"
#include "syscall/syscall.h"
#include "trace/trace.h"
#include "uapi/errno.h"

static bool asked_to_go[NCPU]; /* [own, interrupts off] by trace_schedule */

static inline bool recording(void)
{
	return __atomic_load_n(&trace_flags, __ATOMIC_RELAXED) & TRACE_F_RECORD;
}

static inline bool logging(void)
{
	return __atomic_load_n(&trace_flags, __ATOMIC_RELAXED) & TRACE_F_LOG;
}

/* A thread as one word: its pid above, its tid below. */
static uint64_t who(const struct thread *t)
{
	return (uint64_t)(uint32_t)t->proc->pid << 32 | (uint32_t)t->tid;
}

/* A name's 16 bytes as two words (NUL-padded). */
static void name_words(const char *name, uint64_t w[2])
{
	char buf[16] = { 0 };

	kstrlcpy(buf, name, sizeof(buf)); /* up to 15 bytes and a NUL */
	memcpy(w, buf, sizeof(buf));
}

void trace_schedule_ev(struct thread *prev)
{
	asked_to_go[cpuid()] = READ_ONCE(prev->need_resched);
}

void trace_switch_ev(struct thread *prev, struct thread *next)
{
	uint32_t why;
	uint64_t w[2];

	if (prev->tid == 0 && prev->proc == &kernel_proc &&
	    prev->state == T_RUNNING)
		why = KITE_TRACE_WHY_IDLE;
	else if (prev->state == T_SLEEPING)
		why = KITE_TRACE_WHY_SLEEP;
	else if (prev->state == T_ZOMBIE)
		why = KITE_TRACE_WHY_EXIT;
	else if (asked_to_go[cpuid()])
		why = KITE_TRACE_WHY_PREEMPT;
	else
		why = KITE_TRACE_WHY_YIELD;
	name_words(next->name, w);
	trace_write(KITE_TRACE_SWITCH, why, who(next), w[0], w[1]);
}

/* before t is queued (once queued it may run at once, on another hart:
 * its wakeup comes first in the trace); the hart it last ran on */
void trace_wakeup_ev(struct thread *t)
{
	trace_write(KITE_TRACE_WAKEUP, (uint32_t)READ_ONCE(t->cpu), who(t), 0, 0);
}

void trace_fork_ev(struct thread *t, int how)
{
	struct proc *me = current()->proc;
	uint64_t w[2];

	name_words(t->name, w);
	trace_write(KITE_TRACE_FORK, (uint32_t)how, who(t), w[0], w[1]);
	if (!logging())
		return;
	if (how == KITE_TRACE_FORK_THREAD)
		log_debug("pid %d (%s) made thread %d", me->pid, me->name, t->tid);
	else if (how == KITE_TRACE_FORK_SPAWN)
		log_debug("pid %d (%s) spawned pid %d (%s)", me->pid, me->name,
			  t->proc->pid, t->name);
	else
		log_debug("pid %d (%s) forked pid %d", me->pid, me->name,
			  t->proc->pid);
}

void trace_exec_ev(struct proc *p)
{
	uint64_t w[2];

	name_words(p->name, w);
	trace_write(KITE_TRACE_EXEC, 0, 0, w[0], w[1]);
	if (logging())
		log_debug("pid %d exec %s", p->pid, p->name);
}

void trace_exit_ev(struct thread *t, bool last)
{
	struct proc *p = t->proc;
	int status = READ_ONCE(p->exit_status);

	trace_write(KITE_TRACE_EXIT, last, (uint64_t)(uint32_t)status, 0, 0);
	if (!logging() || !last)
		return;
	if (status & 0x7f)
		log_debug("pid %d (%s) ended by signal %d", p->pid, p->name,
			  status & 0x7f);
	else
		log_debug("pid %d (%s) exited with status %d", p->pid, p->name,
			  WEXITSTATUS(status));
}

void trace_wait_ev(struct proc *child)
{
	trace_write(KITE_TRACE_WAIT, 0, (uint64_t)child->pid,
		    (uint64_t)(uint32_t)child->exit_status, 0);
}

/* Under proc_lock: the hart's interrupts were on before it was taken
 * (intena) for a kill from a thread (kill(2), the OOM killer), off for
 * one from an interrupt (Ctrl-C on the console), where the current
 * thread is only the one the interrupt came in on. */
void trace_kill_ev(struct proc *p, int sig)
{
	struct proc *me = current()->proc;
	bool from_thread = mycpu()->intena;

	trace_write(KITE_TRACE_KILL, (uint32_t)sig, (uint64_t)p->pid,
		    from_thread ? (uint64_t)me->pid : 0, 0);
	if (!logging())
		return;
	if (from_thread)
		log_debug("pid %d killed by pid %d (%s) with signal %d", p->pid,
			  me->pid, me->name, sig);
	else
		log_debug("pid %d killed by an interrupt (Ctrl-C) with signal %d",
			  p->pid, sig);
}

long trace_syscall_fn(struct trapframe *tf)
{
	uint64_t nr = tf->a7; /* execve changes the registers */
	long (*fn)(struct trapframe *) = trace_syscall_handler(nr);
	long ret;

	if (recording())
		trace_write(KITE_TRACE_SYSCALL, (uint32_t)nr, tf->a0, tf->a1,
			    tf->a2);
	ret = fn ? fn(tf) : syscall_unknown(nr);
	if (recording())
		trace_write(KITE_TRACE_SYSRET, (uint32_t)nr, (uint64_t)ret, 0, 0);
	return ret;
}

void trace_fault_ev(uint64_t va, unsigned access, int outcome)
{
	uint64_t kind = (access & VM_EXEC) ? 4 : (access & VM_WRITE) ? 2
		      : (access & VM_READ) ? 1 : 0;

	trace_write(KITE_TRACE_FAULT, (uint32_t)outcome, va, kind, 0);
}

void trace_signal_ev(struct thread *t, int sig, uint64_t handler, int from)
{
	trace_write(KITE_TRACE_SIGNAL, (uint32_t)sig, handler,
		    (uint64_t)(int64_t)from, who(t));
}

void trace_power_off_ev(void)
{
	if (panic_in_progress() || !trace_has_rings())
		return;
	trace_set_enabled(false, 0);
	trace_dump_console();
}
