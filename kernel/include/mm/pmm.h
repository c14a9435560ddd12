/*
 * mm/pmm.h - the physical memory manager: frames for the whole kernel.
 *
 * One buddy zone covers RAM as the device tree describes it; frames
 * holding the firmware, the kernel image, the struct page array, the DTB
 * and reserved-memory regions are never handed out. Counters say how many
 * frames are free, used by the kernel and used by user space.
 */
#ifndef KITE_MM_PMM_H
#define KITE_MM_PMM_H

#include "kernel/types.h"
#include "mm/memlayout.h"
#include "mm/page.h"

struct fdt_info;

#define PMM_ZERO 0x1 /* fill the block with zeroes */
#define PMM_USER 0x2 /* count it as user memory */

struct pmm_stats {
	uint64_t total;  /* frames the allocator manages */
	uint64_t free;
	uint64_t kernel; /* allocated without PMM_USER */
	uint64_t user;   /* allocated with PMM_USER */
};

/* Boot: take RAM from fi, minus everything in use, below and including
 * the kernel image, the page array and the DTB at dtb_pa. */
void pmm_init(const struct fdt_info *fi, paddr_t dtb_pa);
/* 2^order contiguous frames (head page, refcount 1), or NULL. */
struct page *pmm_alloc_pages(unsigned order, unsigned flags);
/* Return a block from pmm_alloc_pages with the same order. */
void pmm_free_pages(struct page *p, unsigned order);
/* One frame, as a direct-map pointer; NULL when memory is exhausted. */
void *pmm_alloc_page(unsigned flags);
void pmm_free_page(void *va);

void pmm_get_stats(struct pmm_stats *st);
/* Free frames now, the harts' caches included (racy: a value it had). */
uint64_t pmm_free_count(void);
/* Frames the allocator manages (fixed after boot). */
uint64_t pmm_total(void);
/* Boot argument usermem=SIZE (16M, 65536K, 1G): cap the frames user
 * pages may hold, so that a small workload meets memory pressure. */
void pmm_usermem_init(void);
/* The cap in frames (~0: none). */
uint64_t pmm_user_cap(void);
/* Change the cap at run time (~0: none): 0, or -EINVAL below 1 MiB.
 * Frames already above a lowered cap stay until reclaimed; allocations
 * fail (and reclaim) until then. */
int pmm_set_user_cap(uint64_t frames);
/* A user allocation that leaves fewer than frames available (within
 * the cap, or free at all), or fails at the cap, calls hook (which must
 * be cheap and take no lock an allocator's caller may hold). The hook
 * is set once; later calls with NULL change only the mark. */
void pmm_set_user_low(uint64_t frames, void (*hook)(void));
/* Frames a user allocation could get now: the free ones, within the cap. */
uint64_t pmm_user_available(void);
/* Give the frames every hart keeps cached back to the zone, so its
 * blocks can merge (tests that look at the block structure). */
void pmm_cache_drain(void);
/* Free blocks of exactly 2^order frames (to check coalescing). */
uint64_t pmm_free_blocks(unsigned order);

#ifdef KITE_HOST_TEST
/* The host unit tests' stand-in (tests/host/fake_pmm.c) has its own. */
paddr_t page_to_pa(const struct page *p);
struct page *pa_to_page(paddr_t pa);
void *page_to_va(const struct page *p);
struct page *va_to_page(const void *va);
#else
/* The struct page array: pmm_pages[i] describes frame pmm_base_pfn + i.
 * [const after boot] */
extern struct page *pmm_pages;
extern uint64_t pmm_base_pfn, pmm_npages;

/* Conversions between struct page, physical and direct-map addresses
 * (inline: the fault and fork paths use them per page). */
static inline paddr_t page_to_pa(const struct page *p)
{
	return (pmm_base_pfn + (uint64_t)(p - pmm_pages)) << PAGE_SHIFT;
}

/* NULL if pa is not RAM. */
static inline struct page *pa_to_page(paddr_t pa)
{
	uint64_t i = (pa >> PAGE_SHIFT) - pmm_base_pfn;

	return i < pmm_npages ? &pmm_pages[i] : NULL;
}

static inline void *page_to_va(const struct page *p)
{
	return P2V(page_to_pa(p));
}

static inline struct page *va_to_page(const void *va)
{
	return pa_to_page(V2P(va));
}
#endif

#endif
