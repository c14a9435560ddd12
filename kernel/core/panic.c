/*
 * panic.c - stop everything and say why, for kernel bugs.
 *
 * The first hart to panic owns the panic: it switches the console to
 * lock-free output (the lock holder may never run again), stops the other
 * harts with an IPI, prints the message, the registers when a trap caused
 * it, and a frame-pointer backtrace, then powers off with PANIC_STATUS so
 * a test run ends at once (boot argument panic=halt keeps QEMU alive for
 * a debugger instead). A hart that panics while another does just stops;
 * a panic inside a panic powers off.
 */
#include "arch/trap.h"
#include "dev/console.h"
#include "dev/power.h"
#include "kernel/bootargs.h"
#include "kernel/cpu.h"
#include "kernel/log.h"
#include "kernel/panic.h"
#include "lib/printf.h"
#include "mm/kvm.h"

#define PANIC_STATUS 3

static int panic_hart = -1; /* [atomic] hart that owns the panic */

extern char boot_stack_top[];

bool panic_in_progress(void)
{
	return __atomic_load_n(&panic_hart, __ATOMIC_RELAXED) >= 0;
}

/* Bounds of the stack holding sp: a kernel stack, the boot stack or an
 * emergency stack. False if sp is on none of them. */
static bool stack_bounds(uintptr_t sp, uintptr_t *lo, uintptr_t *hi)
{
	uintptr_t top = (uintptr_t)boot_stack_top;

	if (kstack_bounds(sp, lo, hi))
		return true;
	if (sp <= top && sp >= top - 16384) {
		*lo = top - 16384;
		*hi = top;
		return true;
	}
	*hi = cpu_emergency_stack_bounds(sp, lo);
	return *hi != 0;
}

static void backtrace_from(uintptr_t pc, uintptr_t fp)
{
	uintptr_t lo, hi;

	if (stack_bounds(fp, &lo, &hi))
		arch_backtrace(pc, fp, lo, hi);
	else
		arch_backtrace(pc, 0, 0, 0);
}

static __attribute__((noreturn)) void panic_finish(void)
{
	char how[8];

	if (bootarg_get("panic", how, sizeof(how)) && how[0] == 'h') {
		kprintf("halted (panic=halt); Ctrl-A X leaves QEMU\n");
		for (;;)
			arch_wait_for_interrupt();
	}
	power_off(PANIC_STATUS);
}

static void panic_begin(void)
{
	int expected = -1;
	int me;

	arch_intr_off();
	me = cpuid();
	if (!__atomic_compare_exchange_n(&panic_hart, &expected, me, false,
					 __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
		if (expected == me) {
			console_panic_mode();
			kprintf("\npanic: hart %d: panic while panicking\n", me);
			power_off(PANIC_STATUS);
		}
		for (;;)
			arch_wait_for_interrupt();
	}
	console_panic_mode();
	for (int h = 0; h < NCPU; h++)
		if (h != me && (READ_ONCE(online_mask) & (1UL << h)))
			smp_send_ipi(h);
}

static void panic_vprint(struct trapframe *tf, const char *fmt, va_list ap)
{
	char msg[256];

	kvsnprintf(msg, sizeof(msg), fmt, ap);
	kprintf("\npanic: hart %d: %s\n", cpuid(), msg);
	if (tf) {
		arch_dump_trapframe(tf);
		backtrace_from(tf->sepc, tf->s0);
	} else {
		backtrace_from(0, arch_frame_pointer());
	}
}

void panic(const char *fmt, ...)
{
	va_list ap;

	panic_begin();
	va_start(ap, fmt);
	panic_vprint(NULL, fmt, ap);
	va_end(ap);
	panic_finish();
}

void panic_trap(struct trapframe *tf, const char *fmt, ...)
{
	va_list ap;

	panic_begin();
	va_start(ap, fmt);
	panic_vprint(tf, fmt, ap);
	va_end(ap);
	panic_finish();
}
