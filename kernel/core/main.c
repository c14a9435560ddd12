/*
 * main.c - boot: from the first C instruction to an idle kernel.
 *
 * Boot hart: kmain() on the boot stack with the boot page table reads the
 * device tree, sets up the console, the frame allocator and the kernel
 * page table, then moves to a guarded kernel stack (kmain_stacked) where
 * traps, the PLIC, the virtio devices, the timer, the scheduler and the
 * other harts start,
 * and init (pid 1) is created; the boot context then becomes the hart's
 * idle thread. Other harts enter at secondary_main() already on their own
 * stack and page table and become idle threads too.
 */
#include "arch/irq.h"
#include "dev/console.h"
#include "file/file.h"
#include "dev/platform.h"
#include "dev/power.h"
#include "dev/virtio.h"
#include "mm/reclaim.h"
#include "mm/swap.h"
#include "kernel/bootargs.h"
#include "kernel/clock.h"
#include "kernel/cpu.h"
#include "kernel/ktest.h"
#include "kernel/log.h"
#include "kernel/panic.h"
#include "lib/fdt.h"
#include "mm/failalloc.h"
#include "mm/kmalloc.h"
#include "mm/kvm.h"
#include "mm/pmm.h"
#include "proc/proc.h"
#include "sched/sched.h"
#include "trace/trace.h"


static struct fdt_info fdt;  /* [boot] */
static int boot_hart = -1;    /* [boot] */

static void boot_banner(void)
{
	uint64_t ram = 0;

	for (int i = 0; i < fdt.nmem; i++)
		ram += fdt.mem[i].size;
	kprintf("Kite %s: %d harts, %lu MiB\n", KITE_VERSION, ncpu_online,
		(unsigned long)(ram / MiB));
}

static void hart_start_common(void)
{
	arch_trap_init_hart();
	plic_init_hart();
	clock_start_hart();
}

static __attribute__((noreturn)) void kmain_stacked(void *unused)
{
	char how[16];

	(void)unused;
	hart_start_common();
	irq_enable_on_hart(UART0_IRQ, boot_hart);
	virtio_probe_all(&fdt); /* disks: before interrupts are on */
	swap_init();
	reclaim_init();
	proc_init();
	poll_init();
	sched_init();
	sched_init_hart();
	cpu_mark_online(-1);
	arch_intr_on();
	smp_boot(&fdt);
	boot_banner();
	reclaimd_start();
	if (bootarg_get("crash", how, sizeof(how)))
		ktest_crash(how);
	trace_init();
	init_start();
	sched_idle_loop(); /* this boot context is now hart's idle thread */
}

void kmain(unsigned long hartid, paddr_t dtb_pa)
{
	char lvl[16];
	uintptr_t stack;
	int err;

	if (hartid >= NCPU)
		for (;;) /* cannot even name a struct cpu: stop quietly */
			arch_wait_for_interrupt();
	boot_hart = (int)hartid;
	cpu_setup(boot_hart);
	arch_set_mycpu(&cpus[hartid]);
	arch_trap_init_hart(); /* early faults panic with a message */
	console_init();

	err = fdt_parse(P2V(dtb_pa), &fdt);
	if (err)
		panic("boot: the device tree at %p is malformed (%d)",
		      (void *)dtb_pa, err);
	bootargs_init(fdt.bootargs);
	if (bootarg_get("log", lvl, sizeof(lvl)) && !log_set_level(lvl))
		log_warn("boot: unknown log level '%s' (error|warn|info|debug)",
			 lvl);
	clock_init(fdt.timebase_freq, (unsigned)bootarg_long("hz", HZ_DEFAULT));
	failalloc_init();
	pmm_usermem_init();
	log_info("boot: hart %lu, dtb at %p, bootargs \"%s\"", hartid,
		 (void *)dtb_pa, bootargs_line());
	log_info("clock: timebase %lu Hz, %u ticks/s", (unsigned long)clock_timebase,
		 clock_hz);

	pmm_init(&fdt, dtb_pa);
	kvm_init(&fdt);
	kmalloc_init();
	plic_init();

	stack = kstack_alloc();
	if (!stack)
		panic("boot: no memory for the boot hart's stack");
	cpus[hartid].kstack_top = stack;
	arch_call_on_stack(stack, kmain_stacked, NULL);
}

void secondary_main(unsigned long hartid)
{
	arch_set_mycpu(&cpus[hartid]);
	hart_start_common();
	sched_init_hart();
	log_info("smp: hart %lu online", hartid); /* before the boot line */
	cpu_mark_online(boot_hart);
	arch_intr_on();
	sched_idle_loop();
}
