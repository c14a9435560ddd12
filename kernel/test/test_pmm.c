/*
 * test_pmm.c - in-kernel tests of the frame allocator and kernel heap on
 * the real machine: every frame, random orders with coalescing, the
 * user/kernel counters, and kmalloc hammered from every hart at once.
 */
#include "kernel/cpu.h"
#include "kernel/ktest.h"
#include "lib/string.h"
#include "mm/buddy.h"
#include "mm/kmalloc.h"
#include "mm/kvm.h"
#include "mm/pmm.h"

/* xorshift64: deterministic pseudo-random numbers for the tests */
static uint64_t rnd_next(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* Allocate every free frame, check each is distinct and writable, free
 * them all: the free count and the block structure come back exactly. */
KTEST(pmm_every_frame)
{
	uint64_t before = pmm_free_count(), n = 0;
	uint64_t top_before = (pmm_cache_drain(), pmm_free_blocks(BUDDY_MAX_ORDER));
	struct page *head = NULL, *p;

	/* chain the pages through their first word so we need no memory */
	while ((p = pmm_alloc_pages(0, 0)) != NULL) {
		*(struct page **)page_to_va(p) = head;
		head = p;
		n++;
	}
	KT_ASSERTF(n == before, "allocated %lu of %lu free frames",
		   (unsigned long)n, (unsigned long)before);
	KT_ASSERT(pmm_free_count() == 0);
	while (head) {
		p = head;
		head = *(struct page **)page_to_va(p);
		pmm_free_pages(p, 0);
	}
	KT_ASSERT(pmm_free_count() == before);
	pmm_cache_drain();
	KT_ASSERTF(pmm_free_blocks(BUDDY_MAX_ORDER) == top_before,
		   "%lu max-order blocks after, %lu before (no coalescing?)",
		   (unsigned long)pmm_free_blocks(BUDDY_MAX_ORDER),
		   (unsigned long)top_before);
	return 0;
}

#define RANDOM_SLOTS 256

/* Random orders, freed in random order; blocks are aligned, zeroed when
 * asked, never overlap (each holds its own tag), and everything merges
 * back at the end. */
KTEST(pmm_random_coalesce)
{
	static struct page *blk[RANDOM_SLOTS];
	static unsigned ord[RANDOM_SLOTS];
	uint64_t before = pmm_free_count(), seed = 0x9e3779b97f4a7c15UL;
	uint64_t top_before = (pmm_cache_drain(), pmm_free_blocks(BUDDY_MAX_ORDER));

	memset(blk, 0, sizeof(blk));
	for (int step = 0; step < 4000; step++) {
		int i = (int)(rnd_next(&seed) % RANDOM_SLOTS);

		if (blk[i]) {
			uint64_t *w = page_to_va(blk[i]);

			KT_ASSERTF(w[0] == (uint64_t)i && w[((PAGE_SIZE << ord[i]) / 8) - 1] == ~(uint64_t)i,
				   "block %d was overwritten", i);
			pmm_free_pages(blk[i], ord[i]);
			blk[i] = NULL;
		} else {
			unsigned order = (unsigned)(rnd_next(&seed) % 6);
			uint64_t *w;

			blk[i] = pmm_alloc_pages(order, PMM_ZERO);
			KT_ASSERT(blk[i] != NULL);
			ord[i] = order;
			KT_ASSERTF(IS_ALIGNED(page_to_pa(blk[i]), PAGE_SIZE << order),
				   "order-%u block at %p is misaligned", order,
				   (void *)page_to_pa(blk[i]));
			w = page_to_va(blk[i]);
			KT_ASSERT(w[1] == 0 && w[((PAGE_SIZE << order) / 8) - 2] == 0);
			w[0] = (uint64_t)i;
			w[((PAGE_SIZE << order) / 8) - 1] = ~(uint64_t)i;
		}
	}
	for (int i = 0; i < RANDOM_SLOTS; i++)
		if (blk[i])
			pmm_free_pages(blk[i], ord[i]);
	KT_ASSERT(pmm_free_count() == before);
	pmm_cache_drain();
	KT_ASSERT(pmm_free_blocks(BUDDY_MAX_ORDER) == top_before);
	return 0;
}

/* User and kernel frames are counted apart and the counts come back. */
KTEST(pmm_counters)
{
	struct pmm_stats a, b, c;
	struct page *u, *k;

	pmm_get_stats(&a);
	u = pmm_alloc_pages(1, PMM_USER);
	k = pmm_alloc_pages(0, 0);
	KT_ASSERT(u && k);
	pmm_get_stats(&b);
	KT_ASSERT(b.user == a.user + 2 && b.kernel == a.kernel + 1);
	KT_ASSERT(b.free == a.free - 3 && b.total == a.total);
	pmm_free_pages(u, 1);
	pmm_free_pages(k, 0);
	pmm_get_stats(&c);
	KT_ASSERT(c.user == a.user && c.kernel == a.kernel && c.free == a.free);
	return 0;
}

#define STRESS_SLOTS 64
#define STRESS_OPS 3000

static int stress_errors;  /* [atomic] */

static void kmalloc_stress_hart(void *arg)
{
	void *obj[STRESS_SLOTS] = { 0 };
	size_t len[STRESS_SLOTS];
	uint64_t seed = 0x2545f4914f6cdd1dUL * (uint64_t)(cpuid() + 1);

	(void)arg;
	for (int op = 0; op < STRESS_OPS; op++) {
		int i = (int)(rnd_next(&seed) % STRESS_SLOTS);
		uint8_t tag = (uint8_t)(i ^ cpuid() * 16);

		if (obj[i]) {
			uint8_t *b = obj[i];

			for (size_t j = 0; j < len[i]; j++)
				if (b[j] != tag) {
					__atomic_add_fetch(&stress_errors, 1, __ATOMIC_RELAXED);
					break;
				}
			kfree(obj[i]);
			obj[i] = NULL;
		} else {
			len[i] = 1 + rnd_next(&seed) % (rnd_next(&seed) % 8 ? 300 : 6000);
			obj[i] = kmalloc(len[i]);
			if (!obj[i]) {
				__atomic_add_fetch(&stress_errors, 1, __ATOMIC_RELAXED);
				continue;
			}
			memset(obj[i], tag, len[i]);
		}
	}
	for (int i = 0; i < STRESS_SLOTS; i++)
		kfree(obj[i]);
}

/* Free frames, counting those kmalloc keeps in slabs and large blocks
 * as free, after handing cached kernel stacks back. */
static uint64_t frames_free_settled(void)
{
	struct kmalloc_stats st;
	uint64_t n;

	kstack_cache_drain(); /* the smp_call threads' stacks */
	n = pmm_free_count();
	kmalloc_get_stats(&st);
	for (int c = 0; c < KMALLOC_NCLASSES; c++)
		n += st.slabs[c];
	return n + st.large_pages;
}

/* Every hart allocates, fills, checks and frees at once; no object is
 * corrupted and every frame comes back (empty slabs cached per class
 * are counted). */
KTEST(kmalloc_stress_all_harts)
{
	uint64_t free_before = frames_free_settled(), free_after;

	stress_errors = 0;
	KT_ASSERT(smp_call_all(kmalloc_stress_hart, NULL) == 0);
	KT_ASSERTF(stress_errors == 0, "%d corrupted or failed allocations",
		   stress_errors);
	free_after = frames_free_settled();
	KT_ASSERTF(free_after == free_before, "frames leaked: %lu before, %lu after",
		   (unsigned long)free_before, (unsigned long)free_after);
	return 0;
}

/* Size classes: small objects are aligned to their class, large ones to
 * a page; kmalloc(0) is NULL and kfree(NULL) is harmless. */
KTEST(kmalloc_classes)
{
	static const size_t sizes[] = { 1, 16, 17, 100, 512, 2048, 2049, 4096, 20000 };

	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
		size_t align = sizes[i] > KMALLOC_MAX_SMALL ? PAGE_SIZE : 16;
		void *p = kmalloc(sizes[i]);

		KT_ASSERTF(p && IS_ALIGNED((uintptr_t)p, align),
			   "kmalloc(%zu) = %p", sizes[i], p);
		memset(p, 0xa5, sizes[i]);
		kfree(p);
	}
	KT_ASSERT(kmalloc(0) == NULL);
	kfree(NULL);
	return 0;
}

/* A deliberately failing test: boot with "ktest ktest_broken" to see a
 * failing run exit non-zero. */
KTEST_BROKEN(broken_selftest)
{
	KT_ASSERTF(1 + 1 == 3, "deliberately broken test (ktest_broken)");
	return 0;
}
