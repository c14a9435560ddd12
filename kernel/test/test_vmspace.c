/*
 * test_vmspace.c - in-kernel tests of user address spaces: the heap stops
 * short of the stack, page tables an unmap empties are freed, the active
 * mask follows the harts that install a space, copy-on-write fork, the
 * zero frame and shared memory, and every frame comes back.
 */
#include "arch/arch.h"
#include "kernel/cpu.h"
#include "kernel/ktest.h"
#include "mm/pmm.h"
#include "mm/vmo.h"
#include "mm/vmspace.h"
#include "uapi/errno.h"
#include "uapi/kite.h"
#include "test_mm.h"

#define HEAP_AT 0x100000UL

/* A space with a stack and an empty heap, as exec makes one. */
static struct vmspace *space_with_stack(uint64_t stack_reserve)
{
	struct vmspace *vs = vmspace_create();

	if (!vs)
		return NULL;
	if (vmspace_init_layout(vs, HEAP_AT, stack_reserve)) {
		vmspace_put(vs);
		return NULL;
	}
	return vs;
}

/* brk stops STACK_GUARD_GAP below the stack's reserve, whatever is asked. */
KTEST(vmspace_brk_guard)
{
	uint64_t held = frames_held();
	struct vmspace *vs = space_with_stack(8UL << 20);
	vaddr_t limit = ALIGN_DOWN(USER_STACK_TOP - (8UL << 20) - STACK_GUARD_GAP,
				   PAGE_SIZE);

	KT_ASSERT(vs != NULL);
	KT_ASSERTF(vs->heap_limit == limit, "heap limit %lx, want %lx",
		   (unsigned long)vs->heap_limit, (unsigned long)limit);
	KT_ASSERT(vmspace_brk(vs, limit + PAGE_SIZE, RLIM_INF) == HEAP_AT);
	KT_ASSERT(vmspace_brk(vs, USER_STACK_TOP - STACK_INIT_SIZE, RLIM_INF) ==
		  HEAP_AT);
	KT_ASSERT(vmspace_brk(vs, USER_STACK_TOP, RLIM_INF) == HEAP_AT);
	KT_ASSERT(vmspace_brk(vs, HEAP_AT + 3 * PAGE_SIZE, RLIM_INF) ==
		  HEAP_AT + 3 * PAGE_SIZE);
	/* past RLIMIT_AS: refused, nothing taken */
	KT_ASSERT(vmspace_brk(vs, HEAP_AT + 64 * PAGE_SIZE, 40 * PAGE_SIZE) ==
		  HEAP_AT + 3 * PAGE_SIZE);
	/* an unlimited stack reserve still leaves room for a heap */
	vmspace_put(vs);
	vs = space_with_stack(RLIM_INF);
	KT_ASSERT(vs != NULL);
	KT_ASSERT(vs->heap_limit > HEAP_AT && vs->heap_limit < USER_STACK_TOP);
	vmspace_put(vs);
	KT_ASSERTF(frames_held() == held, "%ld frames not back",
		   (long)(frames_held() - held));
	return 0;
}

/* Tables a shrink empties are freed at once; a root counts its tables. */
KTEST(vmspace_tables_freed)
{
	struct vmspace *vs = space_with_stack(8UL << 20);
	uint64_t before, grown, held;
	const uint64_t big = 8UL << 20; /* 4 leaf tables */

	KT_ASSERT(vs != NULL);
	before = pt_nr_tables(vs->root);
	held = frames_held();
	KT_ASSERT(vmspace_brk(vs, HEAP_AT + big, RLIM_INF) == HEAP_AT + big);
	KT_ASSERT(pt_nr_tables(vs->root) == before); /* lazy: nothing yet */
	for (vaddr_t va = HEAP_AT; va < HEAP_AT + big; va += PAGE_SIZE)
		KT_ASSERT(vm_fault(vs, va, VM_WRITE) == VMF_OK);
	grown = pt_nr_tables(vs->root);
	KT_ASSERTF(grown >= before + 4, "tables %lu -> %lu", (unsigned long)before,
		   (unsigned long)grown);
	KT_ASSERT(vmspace_brk(vs, HEAP_AT, RLIM_INF) == HEAP_AT);
	KT_ASSERTF(pt_nr_tables(vs->root) == before, "tables %lu, %lu grown, "
		   "%lu after", (unsigned long)before, (unsigned long)grown,
		   (unsigned long)pt_nr_tables(vs->root));
	KT_ASSERTF(frames_held() == held, "%ld frames not back",
		   (long)(frames_held() - held));
	vmspace_put(vs);
	return 0;
}

/* A hart that installs a space is in its active mask until it leaves;
 * a reference keeps the space alive after its first owner lets go. */
KTEST(vmspace_active_and_refs)
{
	struct vmspace *vs = space_with_stack(8UL << 20);
	uint64_t bit;

	KT_ASSERT(vs != NULL);
	push_off();
	bit = 1UL << cpuid();
	vmspace_switch(vs);
	KT_ASSERT(__atomic_load_n(&vs->active, __ATOMIC_SEQ_CST) == bit);
	KT_ASSERT(mycpu()->vm == vs);
	vmspace_switch(NULL);
	KT_ASSERT(__atomic_load_n(&vs->active, __ATOMIC_SEQ_CST) == 0);
	KT_ASSERT(mycpu()->vm == NULL);
	pop_off();
	vmspace_get(vs);
	vmspace_put(vs);
	KT_ASSERT(__atomic_load_n(&vs->refs, __ATOMIC_RELAXED) == 1);
	KT_ASSERT(vmspace_brk(vs, HEAP_AT + PAGE_SIZE, RLIM_INF) ==
		  HEAP_AT + PAGE_SIZE);
	vmspace_put(vs);
	return 0;
}

/* The word at va of vs, through the page table (0 if unmapped). */
static uint64_t peek(struct vmspace *vs, vaddr_t va, paddr_t *pa, unsigned *prot)
{
	if (!pt_walk(vs->root, va, pa, prot))
		return 0;
	return *(uint64_t *)P2V(*pa);
}

/* fork shares every private page read-only; a write copies it, or takes
 * it over once no one else maps it; the shared count follows; every
 * frame comes back. */
KTEST(vmspace_cow_fork)
{
	const int npages = 16;
	uint64_t held = frames_held(), shared0 = uframe_shared_count();
	struct vmspace *vs = space_with_stack(8UL << 20), *kid;
	paddr_t pa, kpa, pa2;
	unsigned prot, kprot;
	long at;

	KT_ASSERT(vs != NULL);
	at = vm_mmap(vs, 0, npages * PAGE_SIZE, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS, RLIM_INF);
	KT_ASSERT(at > 0);
	for (int i = 0; i < npages; i++) {
		KT_ASSERT(vm_fault(vs, at + i * PAGE_SIZE, VM_WRITE) == VMF_OK);
		KT_ASSERT(pt_walk(vs->root, at + i * PAGE_SIZE, &pa, NULL));
		*(uint64_t *)P2V(pa) = 0x1000 + i;
	}
	kid = vmspace_fork(vs);
	KT_ASSERT(kid != NULL);
	KT_ASSERT(uframe_shared_count() == shared0 + npages);
	KT_ASSERT(peek(vs, at, &pa, &prot) == 0x1000 && !(prot & VM_WRITE));
	KT_ASSERT(peek(kid, at, &kpa, &kprot) == 0x1000 && !(kprot & VM_WRITE));
	KT_ASSERT(pa == kpa);
	/* the child writes: a copy of its own */
	KT_ASSERT(vm_fault(kid, at, VM_WRITE) == VMF_OK);
	KT_ASSERT(peek(kid, at, &kpa, &kprot) == 0x1000 && (kprot & VM_WRITE));
	KT_ASSERT(kpa != pa);
	KT_ASSERT(uframe_shared_count() == shared0 + npages - 1);
	/* the parent writes the page no one else maps now: taken over */
	KT_ASSERT(vm_fault(vs, at, VM_WRITE) == VMF_OK);
	KT_ASSERT(peek(vs, at, &pa2, &prot) == 0x1000 && (prot & VM_WRITE));
	KT_ASSERT(pa2 == pa);
	/* the child goes: every page is the parent's alone again */
	vmspace_put(kid);
	KT_ASSERT(uframe_shared_count() == shared0);
	KT_ASSERT(vm_fault(vs, at + PAGE_SIZE, VM_WRITE) == VMF_OK);
	KT_ASSERT(peek(vs, at + PAGE_SIZE, &pa, &prot) == 0x1001 &&
		  (prot & VM_WRITE));
	vmspace_put(vs);
	KT_ASSERTF(frames_held() == held, "%ld frames not back",
		   (long)(frames_held() - held));
	return 0;
}

/* Reads of untouched anonymous memory share the zero frame; a write
 * then gets a zeroed frame of its own. MAP_SHARED pages are the same
 * frame in parent and child, writable in both. */
KTEST(vmspace_zero_and_shared)
{
	uint64_t held = frames_held();
	struct vmspace *vs = space_with_stack(8UL << 20), *kid;
	paddr_t pa, kpa;
	unsigned prot;
	long anon, shm;

	KT_ASSERT(vs != NULL);
	anon = vm_mmap(vs, 0, 4 * PAGE_SIZE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, RLIM_INF);
	shm = vm_mmap(vs, 0, 4 * PAGE_SIZE, PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_ANONYMOUS, RLIM_INF);
	KT_ASSERT(anon > 0 && shm > 0 && anon != shm);
	KT_ASSERT(vm_fault(vs, anon, VM_READ) == VMF_OK);
	KT_ASSERT(peek(vs, anon, &pa, &prot) == 0 && pa == zero_frame_pa() &&
		  !(prot & VM_WRITE));
	KT_ASSERT(vm_fault(vs, anon, VM_WRITE) == VMF_OK);
	KT_ASSERT(peek(vs, anon, &pa, &prot) == 0 && pa != zero_frame_pa() &&
		  (prot & VM_WRITE));
	KT_ASSERT(vm_fault(vs, shm, VM_WRITE) == VMF_OK);
	KT_ASSERT(pt_walk(vs->root, shm, &pa, NULL));
	*(uint64_t *)P2V(pa) = 42;
	kid = vmspace_fork(vs);
	KT_ASSERT(kid != NULL);
	KT_ASSERT(peek(kid, shm, &kpa, &prot) == 42 && kpa == pa &&
		  (prot & VM_WRITE));
	/* a page the parent never touched: the child makes it, the
	 * parent then sees the same frame */
	KT_ASSERT(vm_fault(kid, shm + PAGE_SIZE, VM_WRITE) == VMF_OK);
	KT_ASSERT(pt_walk(kid->root, shm + PAGE_SIZE, &kpa, NULL));
	*(uint64_t *)P2V(kpa) = 7;
	vmspace_put(kid);
	KT_ASSERT(vm_fault(vs, shm + PAGE_SIZE, VM_READ) == VMF_OK);
	KT_ASSERT(peek(vs, shm + PAGE_SIZE, &pa, NULL) == 7 && pa == kpa);
	vmspace_put(vs);
	KT_ASSERTF(frames_held() == held, "%ld frames not back",
		   (long)(frames_held() - held));
	return 0;
}

/* A stack grows on faults below it, down to RLIMIT_STACK (8 MiB for a
 * kernel thread), and never to within STACK_GUARD_GAP of the region
 * below it. */
KTEST(vmspace_stack_growth)
{
	uint64_t held = frames_held();
	struct vmspace *vs = space_with_stack(8UL << 20);
	const vaddr_t top = USER_STACK_TOP;
	long below;

	KT_ASSERT(vs != NULL);
	/* grows: a 1 MiB frame far below the initial 128 KiB */
	KT_ASSERT(vm_fault(vs, top - (1UL << 20), VM_WRITE) == VMF_OK);
	KT_ASSERT(vm_fault(vs, top - (8UL << 20), VM_WRITE) == VMF_OK);
	/* past the limit (the region would be more than 8 MiB) */
	KT_ASSERT(vm_fault(vs, top - (8UL << 20) - PAGE_SIZE, VM_WRITE) ==
		  VMF_STACK_LIMIT);
	vmspace_put(vs);
	/* a mapping inside the stack's room: the stack stops a guard gap
	 * above it */
	vs = space_with_stack(8UL << 20);
	KT_ASSERT(vs != NULL);
	below = vm_mmap(vs, top - (4UL << 20), 1UL << 20, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, RLIM_INF);
	KT_ASSERT(below == (long)(top - (4UL << 20)));
	KT_ASSERT(vm_fault(vs, top - (2UL << 20), VM_WRITE) == VMF_OK);
	KT_ASSERT(vm_fault(vs, top - (3UL << 20) + STACK_GUARD_GAP - PAGE_SIZE,
			   VM_WRITE) == VMF_STACK_GAP);
	KT_ASSERT(vm_fault(vs, top - (3UL << 20) + STACK_GUARD_GAP, VM_WRITE) ==
		  VMF_OK);
	/* and an address inside no region and under no stack: no mapping */
	KT_ASSERT(vm_fault(vs, 0x40000000UL, VM_READ) == VMF_NOMAP);
	vmspace_put(vs);
	KT_ASSERTF(frames_held() == held, "%ld frames not back",
		   (long)(frames_held() - held));
	return 0;
}
