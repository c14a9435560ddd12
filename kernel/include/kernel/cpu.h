/*
 * kernel/cpu.h - per-hart state.
 *
 * Each hart owns one struct cpu, reached through the tp register
 * (mycpu()). Fields marked [own] are touched only by their hart with
 * interrupts off; [boot] are set once while the hart comes up; [atomic]
 * are read by other harts with READ_ONCE or atomics.
 */
#ifndef KITE_KERNEL_CPU_H
#define KITE_KERNEL_CPU_H

/* Offsets used by vector.S: keep in sync with struct cpu. */
#define CPU_OFF_EMERG_SP 0

#ifndef __ASSEMBLER__
#include "kernel/param.h"
#include "kernel/types.h"
#include "arch/arch.h"

struct vmspace;

struct cpu {
	uintptr_t emerg_sp;   /* [boot] stack for a kernel stack overflow */
	uint32_t id;          /* [boot] hart id */
	int noff;             /* [own] push_off depth */
	bool intena;          /* [own] interrupts were on before push_off */
	bool online;          /* [atomic] the hart has finished coming up */
	uint64_t ticks;       /* [atomic] timer interrupts taken on this hart */
	uint64_t late_ticks;  /* [atomic] ticks that came in lumps: a late
			       * interrupt's beyond the first */
	uint64_t faults;      /* [atomic] user page faults served here */
	uint64_t next_timer;  /* [own] time counter value of the next tick */
	uint64_t timer_armed; /* [own] value the timer is armed with */
	uintptr_t kstack_top; /* [boot] this hart's boot/idle stack */
	struct thread *curr;  /* [own] the thread running here (current()) */
	uint64_t irqoff_since; /* [own] time counter when push_off turned
				* interrupts off */
	uint64_t irqoff_max;  /* [atomic] longest such stretch, in time-
			       * counter ticks (a debug counter) */
	uintptr_t irqoff_max_pc; /* [atomic] where that stretch ended (0 if
				  * at the release of a spinlock) */
	const char *irqoff_max_lock; /* [atomic] that spinlock's name */
	struct vmspace *vm;   /* [own] address space installed in satp (it
			       * has this hart's bit in vm->active); NULL:
			       * the kernel's page table */
};

extern struct cpu cpus[NCPU];
extern int ncpu_online;  /* harts that came up */
extern uint64_t online_mask; /* bit h set when hart h is online */

static inline struct cpu *mycpu(void)
{
	return arch_mycpu();
}

static inline int cpuid(void)
{
	return (int)arch_mycpu()->id;
}

/* push_off/pop_off: nested interrupt disabling (like ucore's
 * local_intr_save/restore); interrupts come back on only at the
 * outermost pop_off and only if they were on at the first push_off. */
void push_off(void);
void pop_off(void);
/* The longest stretch hart h spent with interrupts off between a
 * push_off and its pop_off (time-counter ticks), and where it ended: a
 * pc, or the spinlock released then; reset clears it. */
uint64_t cpu_irqoff_max(int h, uintptr_t *pc, const char **lock, bool reset);
/* Interrupts just went off other than by push_off (a trap, the idle
 * loop, the way back to user mode): a stretch starts now. */
static inline void cpu_irqoff_mark(void)
{
	mycpu()->irqoff_since = arch_time_counter();
}

struct fdt_info;
/* Boot: prepare hart's struct cpu before it runs. */
void cpu_setup(int hart);
/* Record the calling hart as online and wake boot_hart. */
void cpu_mark_online(int boot_hart);
/* Boot: start every other hart of the device tree and wait for them. */
void smp_boot(const struct fdt_info *fi);
/* If sp is on a hart's emergency stack, return its top and set *lo;
 * else 0. */
uintptr_t cpu_emergency_stack_bounds(uintptr_t sp, uintptr_t *lo);

/* Run fn(arg) on every online hart, each in a kernel thread pinned to
 * that hart, and return when all have finished (the caller sleeps).
 * Returns 0 or the error of a thread that could not be created. */
int smp_call_all(void (*fn)(void *), void *arg);
/* Kick hart h out of wfi. */
void smp_send_ipi(int hart);
/* Handle an inter-processor interrupt on this hart. */
void smp_ipi_handler(void);
#endif

#endif
