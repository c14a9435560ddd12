/*
 * pmm.c - physical memory: the zone, its struct page array and counters.
 *
 * Boot: pmm_init() spans one buddy zone over [lowest RAM, highest RAM),
 * puts the struct page array in the first free frames after the kernel
 * image, and gives the allocator every RAM frame except: everything below
 * the end of the kernel image (OpenSBI lives there), the page array, the
 * device tree blob and /reserved-memory regions.
 *
 * Single frames, the common case (page faults, page tables, exits), go
 * through a small cache per hart in front of the buddy allocator: a hart
 * takes CACHE_BATCH frames from the zone at once and gives CACHE_BATCH
 * back when it holds more than CACHE_HIGH, so most allocations and frees
 * of one frame take no zone lock and split or merge nothing. Cached
 * frames count as free. When the zone runs dry, an allocation takes
 * frames from the other harts' caches before it fails.
 *
 * Locks: the zone lock (buddy.c); each hart's cache has a spinlock of its
 * own (taken by its hart, and by another only to drain it); the
 * kernel/user counters are atomics. Order: cache lock -> zone lock.
 */
#include "kernel/bootargs.h"
#include "kernel/cpu.h"
#include "kernel/log.h"
#include "kernel/panic.h"
#include "lib/fdt.h"
#include "lib/string.h"
#include "mm/buddy.h"
#include "mm/failalloc.h"
#include "mm/pmm.h"
#include "mm/vmo.h"
#include "uapi/errno.h"

extern char __kernel_end[];

#define USERMEM_MIN (1UL << 20) /* smaller caps leave no room to run */
#define CACHE_BATCH 16 /* frames moved between a cache and the zone at once */
#define CACHE_HIGH 64  /* a cache holding more gives a batch back */

static struct buddy_zone zone;
static uint64_t nr_kernel; /* [atomic] */
static uint64_t nr_user;   /* [atomic] */
static uint64_t nr_total;  /* [const after boot] frames managed */
static uint64_t user_cap = ~0UL; /* [atomic] usermem=: the most frames
				  * user pages may hold (~0: no cap) */
static uint64_t user_low;  /* [atomic] below this many available frames a
			    * user allocation calls low_hook */
static void (*low_hook)(void); /* [set once at boot] */

/* A hart's cache of free single frames (allocated from the zone's view:
 * PG_ALLOC, order 0). */
static struct frame_cache {
	struct spinlock lock;
	struct list_node frames; /* [lock] */
	uint64_t n;              /* [lock; racy reads] */
} __attribute__((aligned(64))) caches[NCPU];

struct page *pmm_pages;
uint64_t pmm_base_pfn, pmm_npages;

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
	pmm_pages = zone.pages;
	pmm_base_pfn = zone.base_pfn;
	pmm_npages = zone.npages;
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
	nr_total = zone.managed_pages;
	for (int i = 0; i < NCPU; i++) {
		spin_init(&caches[i].lock, "frame cache");
		list_init(&caches[i].frames);
	}
	log_info("pmm: %lu MiB RAM at %p, %lu frames free, page array %lu KiB",
		 (unsigned long)((hi - lo) / MiB), (void *)lo,
		 (unsigned long)zone.free_pages,
		 (unsigned long)((arr_end - arr_pa) / KiB));
}

/* Move up to n frames from cache c to the zone. c->lock held. */
static void cache_spill(struct frame_cache *c, uint64_t n)
{
	while (n-- && c->n) {
		struct page *p = list_entry(list_pop_front(&c->frames),
					    struct page, link);

		c->n--;
		buddy_free(&zone, p, 0);
	}
}

/* A frame from the caches of other harts, or NULL. */
static struct page *cache_steal(void)
{
	for (int i = 0; i < NCPU; i++) {
		struct frame_cache *c = &caches[i];
		struct page *p = NULL;

		if (!READ_ONCE(c->n))
			continue;
		spin_lock(&c->lock);
		if (c->n) {
			p = list_entry(list_pop_front(&c->frames), struct page, link);
			c->n--;
		}
		spin_unlock(&c->lock);
		if (p)
			return p;
	}
	return NULL;
}

/* One frame: from this hart's cache, refilled from the zone a batch at a
 * time; failing those, from another hart's cache. */
static struct page *frame_alloc(void)
{
	/* the hart may change before the lock is taken: then another
	 * hart's cache serves, which is only slower */
	struct frame_cache *c = &caches[mycpu()->id];
	struct page *p = NULL;

	spin_lock(&c->lock);
	if (!c->n)
		c->n += buddy_alloc_bulk(&zone, CACHE_BATCH, &c->frames);
	if (c->n) {
		p = list_entry(list_pop_front(&c->frames), struct page, link);
		c->n--;
	}
	spin_unlock(&c->lock);
	return p ? p : cache_steal();
}

static void frame_free(struct page *p)
{
	struct frame_cache *c;

	if (p->flags & PG_FREE || !(p->flags & PG_ALLOC) || p->order)
		panic("pmm: bad free of frame %lx (flags %x, order %u)",
		      (unsigned long)page_to_pa(p) >> PAGE_SHIFT, p->flags,
		      p->order);
	p->flags = PG_ALLOC;
	p->refcount = 0;
	c = &caches[mycpu()->id]; /* as in frame_alloc */
	spin_lock(&c->lock);
	list_push_front(&c->frames, &p->link);
	if (++c->n > CACHE_HIGH)
		cache_spill(c, CACHE_BATCH);
	spin_unlock(&c->lock);
}

void pmm_cache_drain(void)
{
	for (int i = 0; i < NCPU; i++) {
		spin_lock(&caches[i].lock);
		cache_spill(&caches[i], ~0UL);
		spin_unlock(&caches[i].lock);
	}
}

struct page *pmm_alloc_pages(unsigned order, unsigned flags)
{
	uint64_t n = 1UL << order;
	struct page *p;

	if (failalloc_hit())
		return NULL;
	/* user frames are counted first, so the cap holds on every hart */
	if (flags & PMM_USER) {
		uint64_t used = __atomic_add_fetch(&nr_user, n, __ATOMIC_RELAXED);
		uint64_t cap = READ_ONCE(user_cap), low = READ_ONCE(user_low);

		if (used > cap) {
			__atomic_sub_fetch(&nr_user, n, __ATOMIC_RELAXED);
			if (low_hook)
				low_hook();
			return NULL;
		}
		/* getting short, within the cap or of all frames: wake the
		 * reclaimer (one load and two compares when not) */
		if ((used + low > cap || buddy_free_pages(&zone) < low) &&
		    low_hook)
			low_hook();
	}
	p = order == 0 ? frame_alloc() : buddy_alloc(&zone, order);
	if (!p) {
		if (flags & PMM_USER)
			__atomic_sub_fetch(&nr_user, n, __ATOMIC_RELAXED);
		return NULL;
	}
	p->refcount = 1;
	if (flags & PMM_USER) {
		p->flags |= PG_USER;
	} else {
		__atomic_add_fetch(&nr_kernel, 1UL << order, __ATOMIC_RELAXED);
	}
	if (flags & PMM_ZERO) {
		if (order == 0)
			page_zero(page_to_va(p));
		else
			memset(page_to_va(p), 0, PAGE_SIZE << order);
	}
	return p;
}

void pmm_free_pages(struct page *p, unsigned order)
{
	uint64_t *counter = (p->flags & PG_USER) ? &nr_user : &nr_kernel;

	__atomic_sub_fetch(counter, 1UL << order, __ATOMIC_RELAXED);
	if (order == 0)
		frame_free(p);
	else
		buddy_free(&zone, p, order);
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
	st->total = nr_total;
	st->free = pmm_free_count();
	st->kernel = __atomic_load_n(&nr_kernel, __ATOMIC_RELAXED);
	st->user = __atomic_load_n(&nr_user, __ATOMIC_RELAXED);
}

uint64_t pmm_free_count(void)
{
	uint64_t n = buddy_free_pages(&zone);

	for (int i = 0; i < NCPU; i++)
		n += READ_ONCE(caches[i].n);
	return n;
}

uint64_t pmm_total(void)
{
	return nr_total;
}

uint64_t pmm_user_available(void)
{
	uint64_t free = pmm_free_count();
	uint64_t used = __atomic_load_n(&nr_user, __ATOMIC_RELAXED);
	uint64_t cap = READ_ONCE(user_cap);
	uint64_t room = used < cap ? cap - used : 0;

	return MIN(free, room);
}

uint64_t pmm_user_cap(void)
{
	return READ_ONCE(user_cap);
}

int pmm_set_user_cap(uint64_t frames)
{
	if (frames != ~0UL && frames < USERMEM_MIN / PAGE_SIZE)
		return -EINVAL;
	WRITE_ONCE(user_cap, frames);
	if (low_hook)
		low_hook(); /* above the new cap: the reclaimer brings it down */
	return 0;
}

void pmm_set_user_low(uint64_t frames, void (*hook)(void))
{
	WRITE_ONCE(user_low, frames);
	if (hook)
		low_hook = hook;
}

/* "16M", "65536K", "1G" or a number of bytes; 0 if malformed. */
static uint64_t parse_size(const char *s)
{
	uint64_t v = 0;

	for (; *s >= '0' && *s <= '9'; s++)
		v = v * 10 + (uint64_t)(*s - '0');
	switch (*s) {
	case 'G': case 'g': v <<= 10; /* fall through */
	case 'M': case 'm': v <<= 10; /* fall through */
	case 'K': case 'k': v <<= 10; s++; break;
	}
	return *s ? 0 : v;
}

void pmm_usermem_init(void)
{
	char arg[24];
	uint64_t bytes;

	if (!bootarg_get("usermem", arg, sizeof(arg)))
		return;
	bytes = parse_size(arg);
	if (bytes < USERMEM_MIN) {
		log_warn("pmm: usermem=%s ignored: give a size of at least %lu "
			 "KiB, like usermem=16M", arg,
			 (unsigned long)(USERMEM_MIN >> 10));
		return;
	}
	WRITE_ONCE(user_cap, bytes / PAGE_SIZE);
	log_info("pmm: user pages capped at %lu KiB (usermem=%s)",
		 (unsigned long)(bytes / PAGE_SIZE * (PAGE_SIZE >> 10)), arg);
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
