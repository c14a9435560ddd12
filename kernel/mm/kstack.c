/*
 * kstack.c - kernel stacks in their own virtual area.
 *
 * The area is KSTACK_SLOTS slots of 32 KiB. A slot's upper 16 KiB is the
 * stack (four frames from the buddy allocator, mapped RW); its lower
 * 16 KiB stays unmapped, so running off the bottom of a stack faults
 * instead of corrupting a neighbour, and vector.S recognises the guard by
 * bit 14 of sp. Freed stacks are kept mapped in a small cache (up to
 * KSTACK_CACHE_MAX) for the next thread; kstack_cache_drain() empties it.
 * Lock: kstack_lock guards the slot bitmap, the count and
 * changes to kernel_root's tables in the area; only the buddy lock nests
 * inside it (page-table frames).
 */
#include "arch/arch.h"
#include "kernel/panic.h"
#include "kernel/spinlock.h"
#include "mm/kvm.h"
#include "mm/memlayout.h"
#include "mm/pagetable.h"
#include "mm/pmm.h"
#include "kernel/param.h"

#define KSTACK_ORDER 2 /* 4 frames = 16 KiB */

_Static_assert(KSTACK_SIZE == (PAGE_SIZE << KSTACK_ORDER), "kstack size");
_Static_assert(KSTACK_SIZE == KSTACK_SLOT_SIZE / 2, "kstack slot layout");

static struct spinlock kstack_lock = SPINLOCK_INIT("kstack");
#define KSTACK_CACHE_MAX 128

static uint64_t slot_used[KSTACK_SLOTS / 64]; /* [kstack_lock] */
static unsigned nstacks;                      /* [kstack_lock] in use */
static uintptr_t cache[KSTACK_CACHE_MAX];     /* [kstack_lock] freed, still mapped */
static int ncached;                           /* [kstack_lock] */

static long slot_take(void)
{
	long slot = -1;

	spin_lock(&kstack_lock);
	for (unsigned w = 0; w < KSTACK_SLOTS / 64 && slot < 0; w++) {
		if (slot_used[w] == ~0UL)
			continue;
		for (unsigned b = 0; b < 64; b++) {
			if (!(slot_used[w] & (1UL << b))) {
				slot_used[w] |= 1UL << b;
				slot = (long)(w * 64 + b);
				break;
			}
		}
	}
	spin_unlock(&kstack_lock);
	return slot;
}

static void slot_put(unsigned long slot)
{
	spin_lock(&kstack_lock);
	assert(slot_used[slot / 64] & (1UL << (slot % 64)));
	slot_used[slot / 64] &= ~(1UL << (slot % 64));
	spin_unlock(&kstack_lock);
}

/* A stack from the cache, or 0. */
static uintptr_t cache_take(void)
{
	uintptr_t top = 0;

	spin_lock(&kstack_lock);
	if (ncached > 0) {
		top = cache[--ncached];
		nstacks++;
	}
	spin_unlock(&kstack_lock);
	return top;
}

uintptr_t kstack_alloc(void)
{
	uintptr_t cached = cache_take();
	long slot;

	if (cached)
		return cached;
	slot = slot_take();
	struct page *p;
	uintptr_t base;
	int err;

	if (slot < 0)
		return 0;
	p = pmm_alloc_pages(KSTACK_ORDER, 0);
	if (!p)
		goto fail_slot;
	base = KSTACK_BASE + (uintptr_t)slot * KSTACK_SLOT_SIZE + KSTACK_SIZE;
	/* kernel_root's tables are shared: change them under the lock */
	spin_lock(&kstack_lock);
	err = pt_map(kernel_root, base, page_to_pa(p), KSTACK_SIZE,
		     VM_READ | VM_WRITE | VM_GLOBAL);
	if (!err)
		nstacks++;
	spin_unlock(&kstack_lock);
	if (err)
		goto fail_page;
	return base + KSTACK_SIZE;

fail_page:
	pmm_free_pages(p, KSTACK_ORDER);
fail_slot:
	slot_put((unsigned long)slot);
	return 0;
}

/* Unmap a stack and give back its frames and slot. */
static void kstack_release(uintptr_t top)
{
	uintptr_t base = top - KSTACK_SIZE;
	unsigned long slot = (base - KSTACK_BASE) / KSTACK_SLOT_SIZE;
	paddr_t pa;

	if (!pt_walk(kernel_root, base, &pa, NULL))
		panic("kstack_free: %p is not a kernel stack", (void *)top);
	spin_lock(&kstack_lock);
	pt_clear(kernel_root, base, KSTACK_SIZE);
	spin_unlock(&kstack_lock);
	/* flush every hart without the lock (it waits for all of them);
	 * only then may the frames and the slot be reused */
	arch_tlb_shootdown(base, KSTACK_SIZE);
	pmm_free_pages(pa_to_page(pa), KSTACK_ORDER);
	slot_put(slot);
}

void kstack_free(uintptr_t top)
{
	assert(va_is_kstack(top - KSTACK_SIZE) && IS_ALIGNED(top, KSTACK_SLOT_SIZE));
	spin_lock(&kstack_lock);
	nstacks--;
	if (ncached < KSTACK_CACHE_MAX) {
		/* keep it mapped: the next thread reuses it without a TLB
		 * shootdown on every hart */
		cache[ncached++] = top;
		spin_unlock(&kstack_lock);
		return;
	}
	spin_unlock(&kstack_lock);
	kstack_release(top);
}

void kstack_cache_drain(void)
{
	for (;;) {
		uintptr_t top = 0;

		spin_lock(&kstack_lock);
		if (ncached > 0)
			top = cache[--ncached];
		spin_unlock(&kstack_lock);
		if (!top)
			return;
		kstack_release(top);
	}
}

bool kstack_bounds(uintptr_t sp, uintptr_t *lo, uintptr_t *hi)
{
	uintptr_t slot_base;

	if (!va_is_kstack(sp))
		return false;
	slot_base = ALIGN_DOWN(sp, KSTACK_SLOT_SIZE);
	*lo = slot_base + KSTACK_SIZE;
	*hi = slot_base + KSTACK_SLOT_SIZE;
	/* sp == hi belongs to this slot's stack (an empty stack) */
	if (sp == slot_base) {
		*lo -= KSTACK_SLOT_SIZE;
		*hi -= KSTACK_SLOT_SIZE;
	}
	return *lo <= sp && sp <= *hi && pt_walk(kernel_root, *lo, NULL, NULL);
}

uint64_t kstack_cached_frames(void)
{
	uint64_t n;

	spin_lock(&kstack_lock);
	n = (uint64_t)ncached << KSTACK_ORDER;
	spin_unlock(&kstack_lock);
	return n;
}

unsigned kstack_count(void)
{
	unsigned n;

	spin_lock(&kstack_lock);
	n = nstacks;
	spin_unlock(&kstack_lock);
	return n;
}
