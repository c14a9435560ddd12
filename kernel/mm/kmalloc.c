/*
 * kmalloc.c - slab-style kernel heap over the buddy allocator.
 *
 * Model: class c holds objects of 16 << c bytes. A slab is one frame cut
 * into equal objects; its struct page (PG_SLAB) records the class, the
 * count in use and a free list threaded through the free objects. Slabs
 * with a free object sit on the class's partial list. kfree finds the
 * slab from the address (va_to_page), so objects carry no header.
 *
 * A free object holds the next pointer and, in its second word, a magic
 * value; kfree of an object that already has the magic walks the slab's
 * free list to tell a double free from live data that looks alike.
 * A slab that becomes empty goes back to the buddy allocator unless it is
 * the class's only partial slab.
 *
 * Large allocations (> 2048 bytes) are buddy blocks whose head page is
 * marked PG_LARGE and keeps the order.
 *
 * Locks: one spinlock per class guards its partial list and its slabs'
 * page fields. The buddy zone lock nests inside a class lock.
 */
#include "kernel/panic.h"
#include "kernel/spinlock.h"
#include "lib/list.h"
#include "lib/string.h"
#include "mm/buddy.h"
#include "mm/failalloc.h"
#include "mm/kmalloc.h"
#include "mm/pmm.h"

#define FREE_MAGIC 0x6b6974656672ee00UL /* "kitefr" */

struct free_obj {
	struct free_obj *next;
	uint64_t magic;
};

struct kmalloc_class {
	struct spinlock lock;
	struct list_node partial; /* [lock] slabs with a free object */
	uint64_t nslabs;          /* [lock] */
	uint64_t inuse;           /* [lock] */
	uint64_t idle;            /* [lock] empty slabs kept (0 or 1) */
	size_t size;              /* [const] */
};

static struct kmalloc_class classes[KMALLOC_NCLASSES];
static uint64_t large_pages; /* [atomic] */

void kmalloc_init(void)
{
	for (int c = 0; c < KMALLOC_NCLASSES; c++) {
		spin_init(&classes[c].lock, "kmalloc.class");
		list_init(&classes[c].partial);
		classes[c].nslabs = 0;
		classes[c].inuse = 0;
		classes[c].idle = 0;
		classes[c].size = (size_t)KMALLOC_MIN_SIZE << c;
	}
}

static int size_to_class(size_t size)
{
	int c = 0;

	while (((size_t)KMALLOC_MIN_SIZE << c) < size)
		c++;
	return c;
}

/* BUDDY_MAX_ORDER + 1 if too big: stop there, as PAGE_SIZE << order
 * would wrap to 0 and then overflow the shift for sizes above 2^63. */
static unsigned size_to_order(size_t size)
{
	unsigned order = 0;

	while (order <= BUDDY_MAX_ORDER && (PAGE_SIZE << order) < size)
		order++;
	return order;
}

/* A fresh slab for class cl, with every object on its free list. */
static struct page *slab_create(struct kmalloc_class *cl, int c)
{
	struct page *p = pmm_alloc_pages(0, 0);
	char *base;
	size_t n;

	if (!p)
		return NULL;
	base = page_to_va(p);
	n = PAGE_SIZE / cl->size;
	for (size_t i = 0; i < n; i++) {
		struct free_obj *o = (struct free_obj *)(base + i * cl->size);

		o->next = (i + 1 < n) ? (struct free_obj *)(base + (i + 1) * cl->size)
				      : NULL;
		o->magic = FREE_MAGIC;
	}
	p->flags |= PG_SLAB;
	p->slab_class = (uint8_t)c;
	p->slab_inuse = 0;
	p->slab_free = base;
	return p;
}

static void *kmalloc_large(size_t size)
{
	unsigned order = size_to_order(size);
	struct page *p;

	if (order > BUDDY_MAX_ORDER)
		return NULL;
	p = pmm_alloc_pages(order, 0);
	if (!p)
		return NULL;
	p->flags |= PG_LARGE;
	__atomic_add_fetch(&large_pages, 1UL << order, __ATOMIC_RELAXED);
	return page_to_va(p);
}

void *kmalloc(size_t size)
{
	struct kmalloc_class *cl;
	struct free_obj *o;
	struct page *p;
	int c;

	if (size == 0 || failalloc_hit())
		return NULL;
	if (size > KMALLOC_MAX_SMALL)
		return kmalloc_large(size);
	c = size_to_class(size);
	cl = &classes[c];
	spin_lock(&cl->lock);
	if (list_empty(&cl->partial)) {
		p = slab_create(cl, c);
		if (!p) {
			spin_unlock(&cl->lock);
			return NULL;
		}
		list_push_front(&cl->partial, &p->link);
		cl->nslabs++;
	}
	p = list_entry(cl->partial.next, struct page, link);
	if (p->slab_inuse == 0 && cl->idle)
		cl->idle--;
	o = p->slab_free;
	p->slab_free = o->next;
	p->slab_inuse++;
	if (!p->slab_free)
		list_remove(&p->link);
	cl->inuse++;
	spin_unlock(&cl->lock);
	o->next = NULL;
	o->magic = 0;
	return o;
}

void *kzalloc(size_t size)
{
	void *p = kmalloc(size);

	if (p)
		memset(p, 0, size);
	return p;
}

/* Is o already on slab p's free list? Class lock held. */
static bool slab_has_free(struct page *p, struct free_obj *o)
{
	for (struct free_obj *f = p->slab_free; f; f = f->next)
		if (f == o)
			return true;
	return false;
}

void kfree(void *ptr)
{
	struct page *p;
	struct kmalloc_class *cl;
	struct free_obj *o = ptr;

	if (!ptr)
		return;
	p = va_to_page((void *)ALIGN_DOWN((uintptr_t)ptr, PAGE_SIZE));
	if (!p)
		panic("kfree: %p is not kernel heap memory", ptr);
	if (p->flags & PG_LARGE) {
		unsigned order = p->order;

		if (!IS_ALIGNED((uintptr_t)ptr, PAGE_SIZE))
			panic("kfree: %p is inside a large allocation", ptr);
		p->flags &= (uint16_t)~PG_LARGE;
		__atomic_sub_fetch(&large_pages, 1UL << order, __ATOMIC_RELAXED);
		pmm_free_pages(p, order);
		return;
	}
	if (!(p->flags & PG_SLAB))
		panic("kfree: %p was not allocated by kmalloc", ptr);
	cl = &classes[p->slab_class];
	if ((uintptr_t)ptr % cl->size)
		panic("kfree: %p is not the start of a %zu-byte object", ptr,
		      cl->size);
	spin_lock(&cl->lock);
	if (o->magic == FREE_MAGIC && slab_has_free(p, o))
		panic("kfree: double free of %p", ptr);
	o->next = p->slab_free;
	o->magic = FREE_MAGIC;
	if (!p->slab_free)
		list_push_front(&cl->partial, &p->link);
	p->slab_free = o;
	p->slab_inuse--;
	cl->inuse--;
	if (p->slab_inuse == 0 && !(cl->partial.next == &p->link &&
				    cl->partial.prev == &p->link)) {
		/* empty and not the only partial slab: give it back */
		list_remove(&p->link);
		cl->nslabs--;
		p->flags &= (uint16_t)~PG_SLAB;
		spin_unlock(&cl->lock);
		pmm_free_pages(p, 0);
		return;
	}
	if (p->slab_inuse == 0)
		cl->idle++; /* the one empty slab a class keeps */
	spin_unlock(&cl->lock);
}

void kmalloc_get_stats(struct kmalloc_stats *st)
{
	st->idle_slabs = 0;
	for (int c = 0; c < KMALLOC_NCLASSES; c++) {
		spin_lock(&classes[c].lock);
		st->slabs[c] = classes[c].nslabs;
		st->inuse[c] = classes[c].inuse;
		st->idle_slabs += classes[c].idle;
		spin_unlock(&classes[c].lock);
	}
	st->large_pages = __atomic_load_n(&large_pages, __ATOMIC_RELAXED);
}
