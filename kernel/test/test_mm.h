/*
 * test_mm.h - what the memory tests count before and after: frames held
 * for user pages and page tables (kmalloc's caches, which the structures
 * come from, may keep a slab: they do not count), and swap slots in use.
 */
#ifndef KITE_TEST_MM_H
#define KITE_TEST_MM_H

#include "mm/pagetable.h"
#include "mm/pmm.h"
#include "mm/swap.h"

static inline uint64_t frames_held(void)
{
	struct pmm_stats st;

	pmm_get_stats(&st);
	return st.user + pt_table_pages();
}

static inline uint64_t slots_used(void)
{
	struct swap_stats st;

	swap_get_stats(&st);
	return st.used;
}

#endif
