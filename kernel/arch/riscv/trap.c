/*
 * trap.c - what happens after vector.S has saved the registers.
 *
 * Interrupts (timer, PLIC, IPI) are dispatched, then the interrupted
 * thread is preempted if the scheduler asked for it. Any exception
 * taken in kernel mode is a kernel bug: it panics with the cause by name,
 * pc, stval, the registers and a backtrace. From user mode: an ecall is a
 * system call; any other exception is a signal to the thread
 * (signal_fault: SIGSEGV, SIGBUS, SIGILL, SIGTRAP with si_code and
 * si_addr), which a handler may catch; without one the process ends
 * with a message and that signal in its wait status. A fetch from
 * SIGRETURN_ADDR is a handler returning (rt_sigreturn).
 *
 * The way back (arch_return_to_user) looks at the thread's sigpend
 * word: when nothing is pending that costs one load and a branch.
 */
#include "arch/csr.h"
#include "arch/irq.h"
#include "arch/timer.h"
#include "arch/trap.h"
#include "lib/printf.h"
#include "kernel/cpu.h"
#include "kernel/log.h"
#include "kernel/panic.h"
#include "mm/memlayout.h"
#include "mm/vmspace.h"
#include "proc/proc.h"
#include "sched/sched.h"
#include "signal/signal.h"
#include "syscall/syscall.h"
#include "trace/trace.h"

static const char *const exception_names[] = {
	[EXC_INST_MISALIGNED] = "instruction address misaligned",
	[EXC_INST_ACCESS] = "instruction access fault",
	[EXC_ILLEGAL_INST] = "illegal instruction",
	[EXC_BREAKPOINT] = "breakpoint",
	[EXC_LOAD_MISALIGNED] = "load address misaligned",
	[EXC_LOAD_ACCESS] = "load access fault",
	[EXC_STORE_MISALIGNED] = "store address misaligned",
	[EXC_STORE_ACCESS] = "store access fault",
	[EXC_ECALL_U] = "environment call from U-mode",
	[EXC_ECALL_S] = "environment call from S-mode",
	[EXC_INST_PAGE_FAULT] = "instruction page fault",
	[EXC_LOAD_PAGE_FAULT] = "load page fault",
	[EXC_STORE_PAGE_FAULT] = "store page fault",
};

/* Name of an exception cause (scause without the interrupt bit). */
const char *arch_exception_name(uint64_t cause)
{
	if (cause < ARRAY_SIZE(exception_names) && exception_names[cause])
		return exception_names[cause];
	return "unknown exception";
}

/* Handle the interrupt in scause; false if it is not one we enable. */
static bool handle_interrupt(uint64_t cause)
{
	switch (cause & ~SCAUSE_INTR) {
	case IRQ_S_TIMER:
		arch_timer_interrupt();
		return true;
	case IRQ_S_EXT:
		plic_interrupt();
		return true;
	case IRQ_S_SOFT:
		arch_ipi_clear();
		trace_ipi_recv();
		smp_ipi_handler();
		return true;
	default:
		return false;
	}
}

void kernel_trap(struct trapframe *tf)
{
	uint64_t cause = tf->scause;

	cpu_irqoff_mark();
	if (cause & SCAUSE_INTR) {
		if (!handle_interrupt(cause))
			panic_trap(tf, "unexpected interrupt %lu",
				   (unsigned long)(cause & ~SCAUSE_INTR));
		/* the interrupted code had interrupts on, so it holds no
		 * spinlock: it may be preempted here */
		sched_preempt_point();
		return;
	}
	panic_trap(tf, "kernel %s at pc=%p stval=%p",
		   arch_exception_name(cause), (void *)tf->sepc,
		   (void *)tf->stval);
}

/* The user-mode exception that cause names: what to call it, and the
 * signal (and si_code) it becomes. */
static void user_fault(struct trapframe *tf, uint64_t cause)
{
	const char *what;
	int sig, code;
	uint64_t addr = tf->stval;

	switch (cause) {
	case EXC_INST_MISALIGNED:
	case EXC_LOAD_MISALIGNED:
	case EXC_STORE_MISALIGNED:
		what = "bus error (misaligned access)";
		sig = SIGBUS;
		code = BUS_ADRALN;
		break;
	case EXC_ILLEGAL_INST:
		what = "illegal instruction";
		sig = SIGILL;
		code = ILL_ILLOPC;
		addr = tf->sepc;
		break;
	case EXC_BREAKPOINT:
		what = "breakpoint";
		sig = SIGTRAP;
		code = TRAP_BRKPT;
		addr = tf->sepc;
		break;
	default: /* access faults (PMP), and anything unknown */
		what = "segmentation fault";
		sig = SIGSEGV;
		code = SEGV_ACCERR;
		break;
	}
	signal_fault(what, NULL, sig, code, addr, tf->sepc);
}

void user_trap(struct trapframe *tf)
{
	uint64_t cause = tf->scause;

	cpu_irqoff_mark();
	if (cause & SCAUSE_INTR) {
		handle_interrupt(cause);
	} else if (cause == EXC_ECALL_U) {
		tf->sepc += 4;
		arch_intr_on();
		syscall_dispatch(tf);
	} else if ((cause == EXC_INST_PAGE_FAULT || cause == EXC_INST_ACCESS) &&
		   tf->sepc == SIGRETURN_ADDR) {
		/* a handler returned (its ra): docs/SIGNALS.md */
		arch_intr_on();
		signal_return(tf);
	} else if (cause == EXC_LOAD_PAGE_FAULT || cause == EXC_STORE_PAGE_FAULT ||
		   cause == EXC_INST_PAGE_FAULT) {
		/* faults may sleep (allocation, later disk I/O) */
		arch_intr_on();
		vm_user_fault(tf->stval,
			      cause == EXC_STORE_PAGE_FAULT ? VM_WRITE
			      : cause == EXC_INST_PAGE_FAULT ? VM_EXEC
							     : VM_READ,
			      tf->sepc, tf->sp);
	} else {
		arch_intr_on();
		user_fault(tf, cause);
	}
	arch_return_to_user(tf);
}

void arch_return_to_user(struct trapframe *tf)
{
	struct thread *t = current();

	/* the common case is one pass: nothing pending, with interrupts
	 * off until sret, so nothing sent to us after the look is missed
	 * (an IPI or a tick interrupts user mode and brings us back) */
	for (;;) {
		arch_intr_off();
		cpu_irqoff_mark();
		if (likely(!READ_ONCE(t->need_resched) && !thread_killed(t) &&
			   !signal_pending(t)))
			break;
		arch_intr_on();
		/* its group is ending, or another thread execs */
		if (thread_killed(t))
			thread_exit_killed();
		if (signal_pending(t)) {
			signal_deliver(tf);
			continue; /* it may have slept (a stop) or been killed */
		}
		if (READ_ONCE(t->need_resched)) {
			push_off();
			schedule();
			pop_off();
		}
	}
	/* sret to user mode with interrupts enabled there */
	tf->sstatus = (csr_read(sstatus) & ~(SSTATUS_SPP | SSTATUS_SIE)) |
		      SSTATUS_SPIE;
	user_return(tf);
}

/* Reached from vector.S, on the emergency stack, when a trap frame would
 * land in the guard page below a kernel stack. */
void kernel_stack_overflow(struct trapframe *tf)
{
	uintptr_t slot = ALIGN_DOWN(tf->sp, KSTACK_SLOT_SIZE);

	if (!va_is_kstack(tf->sp - TF_SIZE)) {
		/* not a kernel stack at all (early boot, emergency stack):
		 * an exception there is a plain kernel bug */
		kernel_trap(tf);
		panic_trap(tf, "interrupt taken on a non-kernel stack");
	}
	panic_trap(tf,
		   "kernel stack overflow: sp=%p ran into the guard page "
		   "below the stack at %p (%s at pc=%p stval=%p)",
		   (void *)tf->sp, (void *)(slot + KSTACK_SLOT_SIZE / 2),
		   (tf->scause & SCAUSE_INTR) ? "interrupt"
					      : arch_exception_name(tf->scause),
		   (void *)tf->sepc, (void *)tf->stval);
}

void arch_dump_trapframe(const struct trapframe *tf)
{
	static const char *const names[32] = {
		"zero", "ra", "sp", "gp", "tp", "t0", "t1", "t2",
		"s0", "s1", "a0", "a1", "a2", "a3", "a4", "a5",
		"a6", "a7", "s2", "s3", "s4", "s5", "s6", "s7",
		"s8", "s9", "s10", "s11", "t3", "t4", "t5", "t6",
	};
	const uint64_t *r = (const uint64_t *)tf;

	kprintf(" sepc=%016lx sstatus=%016lx scause=%016lx stval=%016lx\n",
		tf->sepc, tf->sstatus, tf->scause, tf->stval);
	for (int i = 1; i < 32; i += 4) {
		char line[128];
		int n = 0;

		for (int j = i; j < i + 4 && j < 32; j++)
			n += ksnprintf(line + n, sizeof(line) - n, " %4s=%016lx",
				       names[j], r[j]);
		kprintf("%s\n", line);
	}
}

/*
 * Walk the frame-pointer chain. With -fno-omit-frame-pointer, s0 points
 * just above the frame: the return address is at s0-8 and the caller's
 * s0 at s0-16. Stop at the first frame outside [lo, hi) or not growing
 * upward, so a corrupt chain never faults.
 */
void arch_backtrace(uintptr_t pc, uintptr_t fp, uintptr_t lo, uintptr_t hi)
{
	uintptr_t last = 0;
	int depth = 0, repeats = 0;

	kprintf(" backtrace:\n");
	if (pc)
		kprintf("  #%d %p\n", depth++, (void *)pc);
	while (depth < 24 && fp > lo + 16 && fp <= hi && IS_ALIGNED(fp, 8)) {
		uintptr_t ra = ((uintptr_t *)fp)[-1];
		uintptr_t next = ((uintptr_t *)fp)[-2];

		if (ra < KIMAGE_VBASE)
			break;
		if (ra == last) {
			repeats++; /* deep recursion: say it once */
		} else {
			if (repeats)
				kprintf("  ... repeated %d times\n", repeats);
			repeats = 0;
			/* ra points after the call; show the call itself */
			kprintf("  #%d %p\n", depth++, (void *)(ra - 4));
			last = ra;
		}
		if (next <= fp)
			break;
		fp = next;
	}
	if (repeats)
		kprintf("  ... repeated %d times\n", repeats);
}
