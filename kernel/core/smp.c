/*
 * smp.c - bringing up the other harts, and running work on all of them.
 *
 * Boot: the boot hart gives each hart from the device tree a kernel stack
 * (and an emergency stack for stack overflows), starts it through SBI HSM
 * and sleeps until every started hart reports online (each sends it an
 * IPI). A hart that the firmware refuses to start is reported and skipped.
 *
 * smp_call_all(): one kernel thread pinned to each online hart runs the
 * function; the caller sleeps in proc_wait until all have exited.
 */
#include "arch/irq.h"
#include "kernel/clock.h"
#include "kernel/cpu.h"
#include "kernel/log.h"
#include "kernel/panic.h"
#include "lib/fdt.h"
#include "mm/kvm.h"
#include "proc/proc.h"

#define EMERG_STACK_SIZE 8192


struct cpu cpus[NCPU];
int ncpu_online;       /* [atomic] */
uint64_t online_mask;  /* [atomic] */

static char emerg_stacks[NCPU][EMERG_STACK_SIZE] __attribute__((aligned(16)));

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

struct smp_call {
	void (*fn)(void *);
	void *arg;
};

static int smp_call_thread(void *arg)
{
	struct smp_call *call = arg;

	call->fn(call->arg);
	return 0;
}

int smp_call_all(void (*fn)(void *), void *arg)
{
	struct smp_call call = { fn, arg };
	int pids[NCPU], n = 0, err = 0;
	uint64_t online = READ_ONCE(online_mask);

	for (int h = 0; h < NCPU; h++) {
		if (!(online & (1UL << h)))
			continue;
		pids[n] = kernel_thread_mask(smp_call_thread, &call, "smpcall",
					     1UL << h);
		if (pids[n] < 0) {
			err = pids[n];
			break;
		}
		n++;
	}
	for (int i = 0; i < n; i++)
		proc_wait(pids[i], NULL, 0);
	return err;
}
