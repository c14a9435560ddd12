/*
 * mm/kmalloc.h - the kernel heap.
 *
 * Small objects (up to KMALLOC_MAX_SMALL bytes) come from one-page slabs
 * of power-of-two size classes; larger ones are whole buddy blocks.
 * Objects are aligned to their class size (at least 16 bytes); large
 * ones to a page. Safe from every hart at once.
 */
#ifndef KITE_MM_KMALLOC_H
#define KITE_MM_KMALLOC_H

#include "kernel/types.h"

#define KMALLOC_MIN_SIZE 16
#define KMALLOC_MAX_SMALL 2048
#define KMALLOC_NCLASSES 8 /* 16, 32, ..., 2048 */

void kmalloc_init(void);
/* size bytes, or NULL if size is 0 or memory is exhausted. */
void *kmalloc(size_t size);
/* kmalloc and fill with zeroes. */
void *kzalloc(size_t size);
/* Free p from kmalloc; NULL is ignored. Double frees and pointers that
 * kmalloc never returned panic. */
void kfree(void *p);

struct kmalloc_stats {
	uint64_t slabs[KMALLOC_NCLASSES];  /* slab pages per class */
	uint64_t inuse[KMALLOC_NCLASSES];  /* objects handed out per class */
	uint64_t large_pages;              /* frames in large allocations */
	uint64_t idle_slabs;               /* empty slabs kept for reuse */
};
void kmalloc_get_stats(struct kmalloc_stats *st);

#endif
