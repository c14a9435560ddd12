/*
 * kvm.c - the kernel address space: built once at boot, then shared.
 *
 * Layout (see mm/memlayout.h): RAM in the direct map with 2 MiB pages,
 * read/write, never executable; the MMIO devices in the direct map with
 * 4 KiB pages; the kernel image at KIMAGE_VBASE with text RX, rodata R
 * and data/bss RW. All 256 tables of the kernel half are allocated here,
 * so later kernel mappings (kernel stacks) need no change to any root.
 */
#include "arch/arch.h"
#include "dev/platform.h"
#include "kernel/log.h"
#include "kernel/panic.h"
#include "lib/fdt.h"
#include "mm/kvm.h"
#include "mm/memlayout.h"
#include "mm/pagetable.h"
#include "mm/pmm.h"

extern char __kernel_start[], __text_end[], __rodata_end[], __kernel_end[];

uint64_t kvm_root_pa; /* [boot] read by secondary harts in entry.S */

static void kvm_map(vaddr_t va, paddr_t pa, size_t size, unsigned prot,
		    const char *what)
{
	int err = pt_map(kernel_root, va, pa, size, prot | VM_GLOBAL);

	if (err)
		panic("kvm: cannot map %s (%d)", what, err);
}

static void kvm_map_ram(const struct fdt_region *r)
{
	paddr_t b = ALIGN_DOWN(r->base, PT_HUGE_SIZE);
	paddr_t e = ALIGN_UP(r->base + r->size, PT_HUGE_SIZE);
	int err;

	if (e > DIRECTMAP_SIZE)
		panic("kvm: RAM at %p..%p is beyond the direct map", (void *)b,
		      (void *)e);
	err = pt_map_huge(kernel_root, (vaddr_t)P2V(b), b, e - b,
			  VM_READ | VM_WRITE | VM_GLOBAL);
	if (err)
		panic("kvm: cannot map RAM (%d)", err);
}

void kvm_init(const struct fdt_info *fi)
{
	static const struct {
		paddr_t pa;
		size_t size;
		const char *name;
	} mmio[] = {
		{ TESTDEV_PA, PAGE_SIZE, "test device" },
		{ RTC_PA, PAGE_SIZE, "rtc" },
		{ UART0_PA, PAGE_SIZE, "uart" },
		{ VIRTIO_MMIO_PA, VIRTIO_MMIO_SIZE, "virtio" },
		{ PLIC_PA, PLIC_SIZE, "plic" },
	};
	uintptr_t ks = (uintptr_t)__kernel_start, te = (uintptr_t)__text_end;
	uintptr_t re = (uintptr_t)__rodata_end, ke = (uintptr_t)__kernel_end;

	kernel_root = pmm_alloc_page(PMM_ZERO);
	if (!kernel_root || pt_kernel_half_init(kernel_root))
		panic("kvm: out of memory for the kernel page table");
	for (int i = 0; i < fi->nmem; i++)
		kvm_map_ram(&fi->mem[i]);
	for (size_t i = 0; i < ARRAY_SIZE(mmio); i++)
		kvm_map((vaddr_t)P2V(mmio[i].pa), mmio[i].pa, mmio[i].size,
			VM_READ | VM_WRITE, mmio[i].name);
	kvm_map(ks, V2P((void *)ks), te - ks, VM_READ | VM_EXEC, "text");
	kvm_map(te, V2P((void *)te), re - te, VM_READ, "rodata");
	kvm_map(re, V2P((void *)re), ke - re, VM_READ | VM_WRITE, "data");
	/* the kernel-stack area's leaf tables too: stacks come and go
	 * without ever allocating (or leaking) a page-table frame */
	if (pt_prealloc(kernel_root, KSTACK_BASE,
			(size_t)KSTACK_SLOTS * KSTACK_SLOT_SIZE))
		panic("kvm: out of memory for the kernel-stack tables");
	kvm_root_pa = V2P(kernel_root);
	kvm_switch_hart();
	log_info("kvm: kernel page table at %p, text %lu KiB, data %lu KiB",
		 (void *)kvm_root_pa, (unsigned long)((re - ks) / KiB),
		 (unsigned long)((ke - re) / KiB));
}

void kvm_switch_hart(void)
{
	arch_set_pagetable(kvm_root_pa);
}
