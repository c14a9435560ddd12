/*
 * tests/host/fake_pmm.c - a host stand-in for kernel/mm/pmm.c, so that
 * kmalloc.c runs unchanged in the host unit tests.
 *
 * One buddy zone (the real buddy.c) manages a 16 MiB arena from
 * aligned_alloc(), aligned to the 4 MiB max-order block so that the whole
 * arena coalesces into four max-order blocks. Frame i of the arena
 * pretends to sit at physical address FAKE_PMM_BASE_PA + i * PAGE_SIZE;
 * its "direct-map" address is simply arena + i * PAGE_SIZE, and
 * va_to_page() returns NULL for any address outside the arena.
 *
 * Test helpers (declare them in the test, there is no header):
 *   void fake_pmm_init(void);           (re)create the zone: all free
 *   uint64_t fake_pmm_free_pages(void); free frames in the zone
 *   uint64_t fake_pmm_total_pages(void);
 *   void *fake_pmm_arena(void);         start of the arena
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/panic.h"
#include "mm/buddy.h"
#include "mm/pmm.h"

#define FAKE_PMM_BASE_PA 0x80000000UL
#define ARENA_SIZE (16 * MiB)
#define ARENA_ALIGN (4 * MiB)
#define ARENA_PAGES (ARENA_SIZE / PAGE_SIZE)

void fake_pmm_init(void);
uint64_t fake_pmm_free_pages(void);
uint64_t fake_pmm_total_pages(void);
void *fake_pmm_arena(void);

static char *arena;
static struct page *pages;
static struct buddy_zone zone;
static uint64_t nr_kernel;
static uint64_t nr_user;

void fake_pmm_init(void)
{
	if (!arena) {
		arena = aligned_alloc(ARENA_ALIGN, ARENA_SIZE);
		pages = calloc(ARENA_PAGES, sizeof(*pages));
		if (!arena || !pages) {
			perror("fake_pmm_init");
			exit(2);
		}
	}
	/* garbage, so that tests relying on PMM_ZERO or kzalloc notice */
	memset(arena, 0xa5, ARENA_SIZE);
	buddy_init(&zone, pages, FAKE_PMM_BASE_PA >> PAGE_SHIFT, ARENA_PAGES);
	buddy_add_range(&zone, FAKE_PMM_BASE_PA >> PAGE_SHIFT, ARENA_PAGES);
	nr_kernel = 0;
	nr_user = 0;
}

uint64_t fake_pmm_free_pages(void)
{
	return buddy_free_pages(&zone);
}

uint64_t fake_pmm_total_pages(void)
{
	return zone.managed_pages;
}

void *fake_pmm_arena(void)
{
	return arena;
}

void pmm_init(const struct fdt_info *fi, paddr_t dtb_pa)
{
	(void)fi;
	(void)dtb_pa;
	fake_pmm_init();
}

paddr_t page_to_pa(const struct page *p)
{
	return buddy_pfn(&zone, p) << PAGE_SHIFT;
}

struct page *pa_to_page(paddr_t pa)
{
	uint64_t pfn = pa >> PAGE_SHIFT;

	if (pfn < zone.base_pfn || pfn >= zone.base_pfn + zone.npages)
		return NULL;
	return &zone.pages[pfn - zone.base_pfn];
}

void *page_to_va(const struct page *p)
{
	return arena + (uint64_t)(p - zone.pages) * PAGE_SIZE;
}

struct page *va_to_page(const void *va)
{
	uintptr_t v = (uintptr_t)va, a = (uintptr_t)arena;

	if (!arena || v < a || v >= a + ARENA_SIZE)
		return NULL;
	return &zone.pages[(v - a) >> PAGE_SHIFT];
}

struct page *pmm_alloc_pages(unsigned order, unsigned flags)
{
	struct page *p = buddy_alloc(&zone, order);

	if (!p)
		return NULL;
	if (flags & PMM_USER) {
		p->flags |= PG_USER;
		nr_user += 1UL << order;
	} else {
		nr_kernel += 1UL << order;
	}
	if (flags & PMM_ZERO)
		memset(page_to_va(p), 0, PAGE_SIZE << order);
	return p;
}

void pmm_free_pages(struct page *p, unsigned order)
{
	uint64_t *counter = (p->flags & PG_USER) ? &nr_user : &nr_kernel;

	buddy_free(&zone, p, order);
	*counter -= 1UL << order;
}

void *pmm_alloc_page(unsigned flags)
{
	struct page *p = pmm_alloc_pages(0, flags);

	return p ? page_to_va(p) : NULL;
}

void pmm_free_page(void *va)
{
	struct page *p = va_to_page(va);

	assert(p && IS_ALIGNED((uintptr_t)va, PAGE_SIZE));
	pmm_free_pages(p, 0);
}

void pmm_get_stats(struct pmm_stats *st)
{
	st->total = zone.managed_pages;
	st->free = buddy_free_pages(&zone);
	st->kernel = nr_kernel;
	st->user = nr_user;
}

uint64_t pmm_free_count(void)
{
	return buddy_free_pages(&zone);
}
