/*
 * pmm.c - physical memory: the zone, its struct page array and counters.
 *
 * Boot: pmm_init() spans one buddy zone over [lowest RAM, highest RAM),
 * puts the struct page array in the first free frames after the kernel
 * image, and gives the allocator every RAM frame except: everything below
 * the end of the kernel image (OpenSBI lives there), the page array, the
 * device tree blob and /reserved-memory regions.
 *
 * Locks: the zone lock (buddy.c); the kernel/user counters are atomics.
 */
#include "kernel/log.h"
#include "kernel/panic.h"
#include "lib/fdt.h"
#include "lib/string.h"
#include "mm/buddy.h"
#include "mm/failalloc.h"
#include "mm/pmm.h"

extern char __kernel_end[];

static struct buddy_zone zone;
static uint64_t nr_kernel; /* [atomic] */
static uint64_t nr_user;   /* [atomic] */

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
	return P2V(page_to_pa(p));
}

struct page *va_to_page(const void *va)
{
	return pa_to_page(V2P(va));
}

/* Remove [start, end) from the free list being built. */
static void range_subtract(struct fdt_region *free, int *n, uint64_t start,
			   uint64_t end)
{
	for (int i = 0; i < *n; i++) {
		uint64_t b = free[i].base, e = free[i].base + free[i].size;

		if (end <= b || start >= e)
			continue;
		if (start > b && end < e && *n < FDT_MAX_MEM * 2) {
			/* split in two */
			free[*n].base = end;
			free[*n].size = e - end;
			(*n)++;
			free[i].size = start - b;
		} else if (start <= b) {
			free[i].base = MIN(end, e);
			free[i].size = e - free[i].base;
		} else {
			free[i].size = start - b;
		}
	}
}

void pmm_init(const struct fdt_info *fi, paddr_t dtb_pa)
{
	struct fdt_region free[FDT_MAX_MEM * 2];
	uint64_t lo = UINT64_MAX, hi = 0, npages;
	paddr_t kend = ALIGN_UP(V2P(__kernel_end), PAGE_SIZE);
	paddr_t arr_pa = kend, arr_end;
	int n = 0;

	if (fi->nmem == 0)
		panic("pmm: the device tree lists no memory");
	for (int i = 0; i < fi->nmem; i++) {
		lo = MIN(lo, fi->mem[i].base);
		hi = MAX(hi, fi->mem[i].base + fi->mem[i].size);
		free[n++] = fi->mem[i];
	}
	lo = ALIGN_DOWN(lo, PAGE_SIZE);
	hi = ALIGN_DOWN(hi, PAGE_SIZE);
	npages = (hi - lo) >> PAGE_SHIFT;
	arr_end = ALIGN_UP(arr_pa + npages * sizeof(struct page), PAGE_SIZE);
	if (arr_end > hi)
		panic("pmm: no room for the page array");

	buddy_init(&zone, P2V(arr_pa), lo >> PAGE_SHIFT, npages);
	range_subtract(free, &n, 0, arr_end); /* firmware, kernel, page array */
	range_subtract(free, &n, ALIGN_DOWN(dtb_pa, PAGE_SIZE),
		       ALIGN_UP(dtb_pa + fdt_totalsize(P2V(dtb_pa)), PAGE_SIZE));
	for (int i = 0; i < fi->nreserved; i++)
		range_subtract(free, &n, ALIGN_DOWN(fi->reserved[i].base, PAGE_SIZE),
			       ALIGN_UP(fi->reserved[i].base + fi->reserved[i].size,
					PAGE_SIZE));
	for (int i = 0; i < n; i++) {
		uint64_t b = ALIGN_UP(free[i].base, PAGE_SIZE);
		uint64_t e = ALIGN_DOWN(free[i].base + free[i].size, PAGE_SIZE);

		if (e > b)
			buddy_add_range(&zone, b >> PAGE_SHIFT, (e - b) >> PAGE_SHIFT);
	}
	log_info("pmm: %lu MiB RAM at %p, %lu frames free, page array %lu KiB",
		 (unsigned long)((hi - lo) / MiB), (void *)lo,
		 (unsigned long)zone.free_pages,
		 (unsigned long)((arr_end - arr_pa) / KiB));
}

struct page *pmm_alloc_pages(unsigned order, unsigned flags)
{
	struct page *p;

	if (failalloc_hit())
		return NULL;
	p = buddy_alloc(&zone, order);
	if (!p)
		return NULL;
	if (flags & PMM_USER) {
		p->flags |= PG_USER;
		__atomic_add_fetch(&nr_user, 1UL << order, __ATOMIC_RELAXED);
	} else {
		__atomic_add_fetch(&nr_kernel, 1UL << order, __ATOMIC_RELAXED);
	}
	if (flags & PMM_ZERO)
		memset(page_to_va(p), 0, PAGE_SIZE << order);
	return p;
}

void pmm_free_pages(struct page *p, unsigned order)
{
	uint64_t *counter = (p->flags & PG_USER) ? &nr_user : &nr_kernel;

	buddy_free(&zone, p, order);
	__atomic_sub_fetch(counter, 1UL << order, __ATOMIC_RELAXED);
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
	spin_lock(&zone.lock);
	st->total = zone.managed_pages;
	st->free = zone.free_pages;
	spin_unlock(&zone.lock);
	st->kernel = __atomic_load_n(&nr_kernel, __ATOMIC_RELAXED);
	st->user = __atomic_load_n(&nr_user, __ATOMIC_RELAXED);
}

uint64_t pmm_free_count(void)
{
	return buddy_free_pages(&zone);
}

uint64_t pmm_free_blocks(unsigned order)
{
	uint64_t n;

	assert(order <= BUDDY_MAX_ORDER);
	spin_lock(&zone.lock);
	n = zone.nfree_blocks[order];
	spin_unlock(&zone.lock);
	return n;
}
