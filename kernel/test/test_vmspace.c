/*
 * test_vmspace.c - in-kernel tests of user address spaces: the heap stops
 * short of the stack, page tables an unmap empties are freed, the active
 * mask follows the harts that install a space, and every frame comes back.
 */
#include "arch/arch.h"
#include "kernel/cpu.h"
#include "kernel/ktest.h"
#include "mm/pmm.h"
#include "mm/vmspace.h"
#include "uapi/errno.h"

#define HEAP_AT 0x100000UL

/* Frames held for user pages and page tables (kmalloc's caches, which
 * the structures come from, may keep a slab: they do not count). */
static uint64_t frames_held(void)
{
	struct pmm_stats st;

	pmm_get_stats(&st);
	return st.user + pt_table_pages();
}

/* A space with a stack and an empty heap, as exec makes one. */
static struct vmspace *space_with_stack(uint64_t stack_reserve)
{
	struct vmspace *vs = vmspace_create();

	if (!vs)
		return NULL;
	if (vmspace_map(vs, USER_STACK_TOP - USER_STACK_SIZE, USER_STACK_TOP,
			VM_READ | VM_WRITE, VMR_STACK) ||
	    vmspace_init_heap(vs, HEAP_AT, stack_reserve)) {
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
	KT_ASSERT(vmspace_brk(vs, USER_STACK_TOP - USER_STACK_SIZE, RLIM_INF) ==
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
