/*
 * test_vm.c - in-kernel tests of page tables and the kernel address
 * space: map/unmap/walk/protect on a fresh root, a real access through
 * it, the permissions of the kernel image and direct map, and kernel
 * stacks with their guard pages.
 */
#include "arch/arch.h"
#include "kernel/cpu.h"
#include "kernel/ktest.h"
#include "lib/string.h"
#include "mm/kvm.h"
#include "mm/memlayout.h"
#include "mm/pagetable.h"
#include "mm/pmm.h"
#include "uapi/errno.h"

extern char __kernel_start[], __text_end[], __rodata_end[], __kernel_end[];

#define UVA 0x10000000UL /* a user-half address for the tests */

KTEST(pt_map_walk_unmap)
{
	uint64_t before = pmm_free_count();
	pte_t *root = pt_create();
	void *frames[3];
	paddr_t pa;
	unsigned prot;

	KT_ASSERT(root != NULL);
	for (int i = 0; i < 3; i++) {
		frames[i] = pmm_alloc_page(PMM_ZERO);
		KT_ASSERT(frames[i]);
		KT_ASSERT(pt_map(root, UVA + i * PAGE_SIZE, V2P(frames[i]), PAGE_SIZE,
				 VM_READ | VM_WRITE | VM_USER) == 0);
	}
	KT_ASSERT(pt_walk(root, UVA + PAGE_SIZE + 0x123, &pa, &prot));
	KT_ASSERT(pa == V2P(frames[1]) + 0x123);
	KT_ASSERT(prot == (VM_READ | VM_WRITE | VM_USER));
	KT_ASSERT(!pt_walk(root, UVA + 3 * PAGE_SIZE, &pa, NULL));
	KT_ASSERT(!pt_walk(root, 0, &pa, NULL));
	/* errors: remap, misaligned, empty, non-canonical, no permission */
	KT_ASSERT(pt_map(root, UVA, V2P(frames[2]), PAGE_SIZE, VM_READ) == -EEXIST);
	KT_ASSERT(pt_map(root, UVA + 0x10, V2P(frames[2]), PAGE_SIZE, VM_READ) == -EINVAL);
	KT_ASSERT(pt_map(root, UVA + 8 * PAGE_SIZE, V2P(frames[2]), 0, VM_READ) == -EINVAL);
	KT_ASSERT(pt_map(root, 0x0000800000000000UL, V2P(frames[2]), PAGE_SIZE, VM_READ) == -EINVAL);
	KT_ASSERT(pt_map(root, UVA + 8 * PAGE_SIZE, V2P(frames[2]), PAGE_SIZE, 0) == -EINVAL);
	/* a failed multi-page map leaves nothing behind */
	KT_ASSERT(pt_map(root, UVA - PAGE_SIZE, V2P(frames[0]), 2 * PAGE_SIZE, VM_READ) == -EEXIST);
	KT_ASSERT(!pt_walk(root, UVA - PAGE_SIZE, NULL, NULL));
	/* protect */
	KT_ASSERT(pt_protect(root, UVA, 2 * PAGE_SIZE, VM_READ | VM_USER) == 0);
	KT_ASSERT(pt_walk(root, UVA, NULL, &prot) && prot == (VM_READ | VM_USER));
	KT_ASSERT(pt_protect(root, UVA, 4 * PAGE_SIZE, VM_READ) == -ENOENT);
	KT_ASSERT(pt_walk(root, UVA + 2 * PAGE_SIZE, NULL, &prot) &&
		  prot == (VM_READ | VM_WRITE | VM_USER)); /* untouched */
	/* unmap counts pages and skips holes */
	KT_ASSERT(pt_unmap(root, UVA - PAGE_SIZE, 5 * PAGE_SIZE) == 3);
	KT_ASSERT(!pt_walk(root, UVA, NULL, NULL));
	/* root, one level-1 table, and two level-0 tables: the failed map
	 * at UVA - PAGE_SIZE made one; empty tables stay until pt_destroy */
	KT_ASSERTF(pt_count_tables(root) == 4, "%zu tables", pt_count_tables(root));
	pt_destroy(root);
	for (int i = 0; i < 3; i++)
		pmm_free_page(frames[i]);
	KT_ASSERTF(pmm_free_count() == before, "%ld frames leaked",
		   (long)(before - pmm_free_count()));
	return 0;
}

/* Switch this hart to a new root, write through a mapping that exists
 * only there, and see the write in the frame; the kernel keeps running
 * because the kernel half is shared. */
KTEST(pt_switch_and_access)
{
	pte_t *root = pt_create();
	uint64_t *frame = pmm_alloc_page(PMM_ZERO);
	volatile uint64_t *va = (volatile uint64_t *)(UVA + 0x40);
	uint64_t got;

	KT_ASSERT(root && frame);
	KT_ASSERT(pt_map(root, UVA, V2P(frame), PAGE_SIZE, VM_READ | VM_WRITE) == 0);
	push_off(); /* no interrupt may see the other root */
	arch_set_pagetable(V2P(root));
	*va = 0x6b697465;
	got = *va;
	kvm_switch_hart();
	pop_off();
	KT_ASSERT(got == 0x6b697465 && frame[8] == 0x6b697465);
	pt_unmap(root, UVA, PAGE_SIZE);
	pt_destroy(root);
	pmm_free_page(frame);
	return 0;
}

/* Counting and clearing skip empty tables by their true span: a hole
 * of one 2 MiB leaf table is not a hole of a whole GiB (a page past it
 * is still found and freed). */
KTEST(pt_holes_skipped_exactly)
{
	pte_t *root = pt_create();
	uint64_t *f[2] = { pmm_alloc_page(PMM_ZERO), pmm_alloc_page(PMM_ZERO) };
	struct pt_gather g;
	paddr_t old;

	KT_ASSERT(root && f[0] && f[1]);
	KT_ASSERT(pt_set(root, UVA, V2P(f[0]), VM_READ | VM_USER, &old) == 0);
	KT_ASSERT(pt_set(root, UVA + (8UL << 20), V2P(f[1]), VM_READ | VM_USER,
			 &old) == 0);
	KT_ASSERT(pt_count_range(root, UVA - (4UL << 20), UVA + (16UL << 20)) == 2);
	KT_ASSERT(pt_count_range(root, UVA + PAGE_SIZE, UVA + (16UL << 20)) == 1);
	pt_gather_init(&g);
	KT_ASSERT(pt_clear_range(root, UVA - (4UL << 20), UVA + (16UL << 20), &g) ==
		  UVA + (16UL << 20));
	KT_ASSERTF(g.nframes == 2, "%d frames gathered", g.nframes);
	arch_tlb_shootdown(UVA, 16UL << 20);
	pt_gather_free_tables(&g);
	KT_ASSERT(pt_count_range(root, 0x1000, 1UL << 38) == 0);
	pt_destroy(root);
	pmm_free_page(f[0]);
	pmm_free_page(f[1]);
	return 0;
}

/* User leaves are made without A and D, and QEMU sets them itself on the
 * first access and the first write (the privileged spec also allows a
 * page fault instead; the fault path handles that: fault.c). */
KTEST(pt_user_ad_bits)
{
	pte_t *root = pt_create();
	uint64_t *frame = pmm_alloc_page(PMM_ZERO);
	bool a0, d0 = true, a1, d1 = true, a2, d2 = false;
	paddr_t old;

	KT_ASSERT(root && frame);
	KT_ASSERT(pt_set(root, UVA, V2P(frame), VM_READ | VM_WRITE | VM_USER,
			 &old) == 0 && old == 0);
	a0 = pt_accessed(root, UVA, &d0);
	push_off();
	arch_set_pagetable(V2P(root));
	arch_user_probe(UVA + 8, false);
	a1 = pt_accessed(root, UVA, &d1);
	arch_user_probe(UVA + 8, true);
	a2 = pt_accessed(root, UVA, &d2);
	kvm_switch_hart();
	pop_off();
	KT_ASSERTF(!a0 && !d0, "a new leaf has A=%d D=%d", a0, d0);
	KT_ASSERTF(a1 && !d1, "after a read A=%d D=%d", a1, d1);
	KT_ASSERTF(a2 && d2, "after a write A=%d D=%d", a2, d2);
	pt_unmap(root, UVA, PAGE_SIZE);
	pt_destroy(root);
	pmm_free_page(frame);
	return 0;
}

/* The kernel image and direct map carry the permissions docs/MEMORY.md
 * gives ("Virtual layout"). */
KTEST(kvm_permissions)
{
	unsigned prot;
	paddr_t pa;

	KT_ASSERT(pt_walk(kernel_root, (vaddr_t)__kernel_start, &pa, &prot));
	KT_ASSERT(pa == KERNEL_LOAD_PA);
	KT_ASSERTF((prot & (VM_READ | VM_WRITE | VM_EXEC)) == (VM_READ | VM_EXEC),
		   "text prot %x", prot);
	KT_ASSERT(pt_walk(kernel_root, (vaddr_t)__text_end, NULL, &prot));
	KT_ASSERTF((prot & (VM_READ | VM_WRITE | VM_EXEC)) == VM_READ,
		   "rodata prot %x", prot);
	KT_ASSERT(pt_walk(kernel_root, (vaddr_t)__rodata_end, NULL, &prot));
	KT_ASSERTF((prot & (VM_READ | VM_WRITE | VM_EXEC)) == (VM_READ | VM_WRITE),
		   "data prot %x", prot);
	KT_ASSERT(pt_walk(kernel_root, (vaddr_t)P2V(KERNEL_LOAD_PA), &pa, &prot));
	KT_ASSERT(pa == KERNEL_LOAD_PA && !(prot & (VM_EXEC | VM_USER)));
	KT_ASSERT(prot & VM_WRITE);
	/* nothing in the user half, nothing at page 0 */
	KT_ASSERT(!pt_walk(kernel_root, 0, NULL, NULL));
	KT_ASSERT(!pt_walk(kernel_root, UVA, NULL, NULL));
	return 0;
}

/* Kernel stacks: usable, guard below unmapped, frames and slots back
 * once the reuse cache is drained. */
KTEST(kstack_guard)
{
	uint64_t free_before;
	unsigned n_before = kstack_count();

	kstack_cache_drain();
	free_before = pmm_free_count();
	uintptr_t tops[32];

	for (int i = 0; i < 32; i++) {
		tops[i] = kstack_alloc();
		KT_ASSERT(tops[i] != 0);
		KT_ASSERT(pt_walk(kernel_root, tops[i] - 8, NULL, NULL));
		KT_ASSERT(pt_walk(kernel_root, tops[i] - KSTACK_SIZE, NULL, NULL));
		KT_ASSERT(!pt_walk(kernel_root, tops[i] - KSTACK_SIZE - 8, NULL, NULL));
		memset((void *)(tops[i] - KSTACK_SIZE), 0x5a, KSTACK_SIZE);
	}
	KT_ASSERT(kstack_count() == n_before + 32);
	for (int i = 0; i < 32; i++)
		kstack_free(tops[i]);
	KT_ASSERT(kstack_count() == n_before);
	kstack_cache_drain();
	KT_ASSERT(!pt_walk(kernel_root, tops[0] - 8, NULL, NULL));
	KT_ASSERTF(pmm_free_count() == free_before, "%ld frames leaked",
		   (long)(free_before - pmm_free_count()));
	return 0;
}
