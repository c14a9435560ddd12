/*
 * smp.c - bringing up the other harts, and running work on all of them.
 *
 * Boot: the boot hart gives each hart from the device tree a kernel stack
 * (and an emergency stack for stack overflows), starts it through SBI HSM
 * and sleeps until every started hart reports online (each sends it an
 * IPI). A hart that the firmware refuses to start is reported and skipped.
 *
 * smp_call_all(): the caller stores the function in every other online
 * hart's struct cpu and kicks it with an IPI; idle harts run it with
 * interrupts on and IPI the caller back when done. The caller sleeps in
 * wfi between checks, so nobody spins.
 */
#include "arch/irq.h"
#include "kernel/clock.h"
#include "kernel/cpu.h"
#include "kernel/log.h"
#include "kernel/panic.h"
#include "lib/fdt.h"
#include "mm/kvm.h"

#define EMERG_STACK_SIZE 8192

long arch_start_hart(int hart, uintptr_t stack_top);
bool panic_in_progress(void);

struct cpu cpus[NCPU];
int ncpu_online;       /* [atomic] */
uint64_t online_mask;  /* [atomic] */

static char emerg_stacks[NCPU][EMERG_STACK_SIZE] __attribute__((aligned(16)));
static int call_caller = -1;  /* [atomic] hart running smp_call_all */
static int call_pending;      /* [atomic] harts still running the call */

/* Prepare hart's struct cpu before it runs. */
void cpu_setup(int hart)
{
	struct cpu *c = &cpus[hart];

	c->id = (uint32_t)hart;
	c->emerg_sp = (uintptr_t)emerg_stacks[hart] + EMERG_STACK_SIZE;
}

/* If sp is on an emergency stack, return its top and set *lo. */
uintptr_t cpu_emergency_stack_bounds(uintptr_t sp, uintptr_t *lo)
{
	uintptr_t base = (uintptr_t)emerg_stacks;

	if (sp < base || sp > base + sizeof(emerg_stacks))
		return 0;
	*lo = base + (sp - base - 1) / EMERG_STACK_SIZE * EMERG_STACK_SIZE;
	return *lo + EMERG_STACK_SIZE;
}

/* Record the calling hart as online and wake the boot hart. */
void cpu_mark_online(int boot_hart)
{
	struct cpu *c = mycpu();

	__atomic_fetch_or(&online_mask, 1UL << c->id, __ATOMIC_RELEASE);
	__atomic_add_fetch(&ncpu_online, 1, __ATOMIC_RELEASE);
	WRITE_ONCE(c->online, true);
	if (boot_hart >= 0 && boot_hart != (int)c->id)
		smp_send_ipi(boot_hart);
}

/* Sleep with interrupts able to wake us until *counter reaches want. */
static void wait_until(int *counter, int want, bool less)
{
	for (;;) {
		int v;

		arch_intr_off();
		v = __atomic_load_n(counter, __ATOMIC_ACQUIRE);
		if (less ? v <= want : v >= want)
			break;
		arch_wait_for_interrupt();
		arch_intr_on();
	}
	arch_intr_on();
}

void smp_boot(const struct fdt_info *fi)
{
	int me = cpuid();
	int started = 1;

	for (int i = 0; i < fi->nharts && i < NCPU; i++) {
		int h = (int)fi->hartids[i];
		uintptr_t top;
		long err;

		if (h == me)
			continue;
		if (h >= NCPU) {
			log_warn("smp: hart %d is beyond NCPU=%d, not started", h, NCPU);
			continue;
		}
		top = kstack_alloc();
		if (!top)
			panic("smp: no memory for hart %d's stack", h);
		cpu_setup(h);
		cpus[h].kstack_top = top;
		err = arch_start_hart(h, top);
		if (err) {
			log_warn("smp: firmware refused to start hart %d (%ld)", h, err);
			kstack_free(top);
			continue;
		}
		started++;
	}
	wait_until(&ncpu_online, started, false);
	log_info("smp: %d harts online", started);
}

void smp_ipi_handler(void)
{
	if (panic_in_progress()) {
		/* another hart panicked: stop here for good */
		for (;;) {
			arch_intr_off();
			arch_wait_for_interrupt();
		}
	}
	/* otherwise the IPI only wakes the hart from wfi */
}

void smp_call_all(void (*fn)(void *), void *arg)
{
	int me = cpuid(), expected = -1, n = 0;
	uint64_t mask = READ_ONCE(online_mask) & ~(1UL << me);

	if (!__atomic_compare_exchange_n(&call_caller, &expected, me, false,
					 __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
		panic("smp_call_all: hart %d is already calling", expected);
	for (int h = 0; h < NCPU; h++)
		if (mask & (1UL << h))
			n++;
	__atomic_store_n(&call_pending, n, __ATOMIC_RELAXED);
	for (int h = 0; h < NCPU; h++) {
		if (!(mask & (1UL << h)))
			continue;
		cpus[h].call_arg = arg;
		__atomic_store_n(&cpus[h].call_fn, fn, __ATOMIC_RELEASE);
		smp_send_ipi(h);
	}
	fn(arg);
	wait_until(&call_pending, 0, true);
	__atomic_store_n(&call_caller, -1, __ATOMIC_RELEASE);
}

void cpu_idle_loop(void)
{
	struct cpu *c = mycpu();

	for (;;) {
		void (*fn)(void *);

		arch_intr_off();
		fn = __atomic_load_n(&c->call_fn, __ATOMIC_ACQUIRE);
		if (!fn) {
			/* wfi wakes on a pending interrupt even with SIE off,
			 * so an IPI sent after the check is not lost */
			arch_wait_for_interrupt();
			arch_intr_on();
			continue;
		}
		arch_intr_on();
		fn(c->call_arg);
		__atomic_store_n(&c->call_fn, NULL, __ATOMIC_RELAXED);
		__atomic_sub_fetch(&call_pending, 1, __ATOMIC_ACQ_REL);
		smp_send_ipi(__atomic_load_n(&call_caller, __ATOMIC_RELAXED));
	}
}
