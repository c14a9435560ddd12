/*
 * mm/pagetable.h - page tables, in portable terms.
 *
 * A page table is named by its root (a direct-map pointer to the top
 * table). Protections are VM_* bits; the architecture turns them into PTE
 * bits. The functions take no lock: the owner of the address space
 * serialises changes (the kernel half is changed only through the kernel
 * map helpers, which have their own lock).
 */
#ifndef KITE_MM_PAGETABLE_H
#define KITE_MM_PAGETABLE_H

#include "arch/pte.h"
#include "kernel/types.h"
#include "lib/list.h"

#define VM_READ 0x01
#define VM_WRITE 0x02
#define VM_EXEC 0x04
#define VM_USER 0x08
#define VM_GLOBAL 0x10

#define PT_HUGE_SIZE (2UL << 20) /* the large-page size pt_map_huge uses */

/* An empty root whose kernel half (entries 256..511) is the kernel's. */
pte_t *pt_create(void);
/* Free the user-half tables and the root; mapped frames are not freed. */
void pt_destroy(pte_t *root);

/* Map [va, va+size) to [pa, ...) with 4 KiB pages. -EINVAL if unaligned,
 * empty or not canonical; -EEXIST if a page is already mapped; -ENOMEM.
 * On error nothing is left mapped. */
int pt_map(pte_t *root, vaddr_t va, paddr_t pa, size_t size, unsigned prot);
/* Create every table needed to map 4 KiB pages in [va, va+size), so
 * later maps there never allocate. 0 or -ENOMEM. */
int pt_prealloc(pte_t *root, vaddr_t va, size_t size);
/* Same with 2 MiB pages (va, pa, size 2 MiB-aligned). */
int pt_map_huge(pte_t *root, vaddr_t va, paddr_t pa, size_t size,
		unsigned prot);
/* Unmap 4 KiB pages in [va, va+size); unmapped holes are skipped.
 * Returns the number of pages unmapped. TLBs of every hart are flushed. */
size_t pt_unmap(pte_t *root, vaddr_t va, size_t size);
/* pt_unmap without the TLB flush: the caller flushes (arch_tlb_shootdown)
 * before anything reuses the addresses or frames. */
size_t pt_clear(pte_t *root, vaddr_t va, size_t size);
/*
 * Unmapping user memory safely: pt_clear_range() clears leaves and
 * gathers what they mapped (and the tables it emptied); the caller shoots
 * the range down on every hart that may cache it and only then frees the
 * frames and calls pt_gather_free_tables(), so no hart can reach a freed
 * frame through a stale TLB entry.
 */
#define PT_GATHER_MAX 128
struct pt_gather {
	int nframes, nslots;
	paddr_t frames[PT_GATHER_MAX]; /* frames the cleared leaves mapped */
	uint64_t slots[PT_GATHER_MAX]; /* swap slots cleared entries held */
	struct list_node tables;       /* emptied tables (struct page link) */
};

void pt_gather_init(struct pt_gather *g);
/* Clear the 4 KiB entries of [va, end) in the user half, gathering into g
 * the frames of valid leaves and the slots of swapped-out entries until
 * either array is full; user-half tables left empty are unlinked and
 * gathered too. Returns where it stopped (end when done). */
vaddr_t pt_clear_range(pte_t *root, vaddr_t va, vaddr_t end,
		       struct pt_gather *g);
/* Free the tables g gathered (after the shootdown). */
void pt_gather_free_tables(struct pt_gather *g);
/* Table pages of root's user half, the root included. */
uint64_t pt_nr_tables(pte_t *root);

/* Translate va: true and *pa (and *prot if not NULL) if mapped. */
bool pt_walk(pte_t *root, vaddr_t va, paddr_t *pa, unsigned *prot);
/* Change the protection of [va, va+size); -ENOENT (nothing changed) if
 * any page there is unmapped, -EINVAL if unaligned. */
int pt_protect(pte_t *root, vaddr_t va, size_t size, unsigned prot);
/* Frames used by the tables themselves below root (for tests/accounting). */
size_t pt_count_tables(pte_t *root);
/* Page-table frames in use in every address space together. */
uint64_t pt_table_pages(void);
/* Of those, the roots made by pt_create and their user-half tables. */
uint64_t pt_user_table_pages(void);

/*
 * User address spaces (the memory manager's needs; the owner of the
 * space serialises calls, see mm/vmspace.h). User leaves carry no A/D
 * bits when made; a user leaf with prot VM_USER alone (no R/W/X) is a
 * PROT_NONE page: mapped, but user mode cannot touch it.
 */
/* The level-0 entry for user address va, or NULL if its table does not
 * exist; with alloc the tables on the way are made (NULL then means
 * memory is short). Read it with the pte_* helpers (arch/pte.h) and
 * change it only with pt_slot_set. */
pte_t *pt_slot(pte_t *root, vaddr_t va, bool alloc);
/* Store e in a slot from pt_slot, keeping its table's count of entries
 * in use; returns the entry it replaced. */
pte_t pt_slot_set(pte_t *slot, pte_t e);
/* Map va (user half, 4 KiB) to pa, replacing any leaf there; *old is the
 * frame the old leaf mapped (0: none). The caller shoots va down before
 * the old frame is reused. 0 or -ENOMEM. */
int pt_set(pte_t *root, vaddr_t va, paddr_t pa, unsigned prot, paddr_t *old);
/* Set A (and D when write) on va's user leaf if it allows the access;
 * true if a bit was missing (hardware that faults instead of setting
 * them). */
bool pt_mark_accessed(pte_t *root, vaddr_t va, bool write);
/* A of va's leaf (false if unmapped), and D in *dirty. */
bool pt_accessed(pte_t *root, vaddr_t va, bool *dirty);
/* Copy-on-write fork of the entries of [start, end) from src into dst:
 * each frame gains a reference (*newly_shared counts the frames that
 * had one before); unless shared, W is cleared in both; a swapped-out
 * entry is copied and its slot gains a reference through pt_swap_dup
 * (*swapped counts them). The caller shoots src's range down
 * afterwards. Returns the valid leaves copied, or -ENOMEM (dst may hold
 * part of the range). */
long pt_fork_range(pte_t *dst, pte_t *src, vaddr_t start, vaddr_t end,
		   bool shared, uint64_t *newly_shared, uint64_t *swapped);
/* One more reference to swap slot (mm/swap.c, for fork); false if the
 * slot cannot take another. */
bool pt_swap_dup(uint64_t slot);
/* Give every leaf of [start, end) the protection prot (VM_USER implied);
 * holes are skipped. private: W only on frames no one else holds
 * (refcount 1), so the rest still copy on write. The caller shoots the
 * range down. */
void pt_protect_range(pte_t *root, vaddr_t start, vaddr_t end, unsigned prot,
		      bool private);
/* Aging: clear A on every user leaf of [start, end) that has it and
 * call young(its frame, arg) for each; returns how many. The caller
 * shoots the range down afterwards (so that a later use sets A again). */
uint64_t pt_age_range(pte_t *root, vaddr_t start, vaddr_t end,
		      void (*young)(paddr_t pa, void *arg), void *arg);
/* Leaves mapped in [start, end). */
uint64_t pt_count_range(pte_t *root, vaddr_t start, vaddr_t end);

/* The kernel's root and its satp value (read by entry.S). */
extern pte_t *kernel_root;

/* Give the kernel half of root its boot-time tables (all 256 entries). */
int pt_kernel_half_init(pte_t *root);

#endif
