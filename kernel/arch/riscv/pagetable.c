/*
 * pagetable.c - Sv39 page tables.
 *
 * Three levels of 512 8-byte entries; a virtual address splits into
 * VPN[2] (bits 38..30), VPN[1] (29..21), VPN[0] (20..12) and the offset.
 * A valid entry with R, W or X set is a leaf: at level 2 a 1 GiB page, at
 * level 1 a 2 MiB page, at level 0 a 4 KiB page; otherwise it points to
 * the next table. Addresses must be canonical: bits 63..39 equal bit 38.
 *
 * Accessed and dirty bits: kernel leaves are created with A and D set.
 * User leaves are created without them, so that page replacement can see
 * which pages were used and written. The privileged spec lets hardware
 * either set A/D itself or raise a page fault; QEMU (7.2, and later
 * versions by default) sets them itself, atomically, during the walk
 * (test_vm.c's pt_user_ad_bits shows it). pt_mark_accessed() is the
 * other half: the fault path calls it when a fault hits a leaf that
 * allows the access, so hardware that faults instead works too.
 *
 * PROT_NONE: a leaf with R, W and X all clear would be a pointer to the
 * next table, so a user page with no access is a valid leaf with R set
 * but U clear: user mode cannot touch it, the frame stays mapped, and
 * the kernel never reaches user pages through user addresses anyway (it
 * uses the direct map). pte_to_prot() reports such a leaf without
 * VM_USER.
 *
 * Kernel-half leaves get G.
 *
 * The kernel half: pt_kernel_half_init() fills root entries 256..511 with
 * tables at boot; pt_create() copies those entries into new roots, so
 * every later kernel mapping is visible in every address space.
 *
 * Counting: each table's struct page counts its entries in use (pt_used:
 * valid ones, and in user leaf tables swapped-out ones, V clear but not
 * zero),
 * so pt_clear_range() can free a user-half table the moment it becomes
 * empty; a root's struct page counts the table pages of its user half
 * (pt_tables), which is the page-table share of a process's memory.
 * Tables of the kernel half are shared and never freed.
 */
#include "arch/arch.h"
#include "kernel/panic.h"
#include "lib/string.h"
#include "mm/memlayout.h"
#include "mm/pagetable.h"
#include "mm/pmm.h"
#include "uapi/errno.h"
#include "pt_internal.h"


pte_t *kernel_root;
static uint64_t nr_tables; /* [atomic] table pages below every root */
static uint64_t nr_user_tables; /* [atomic] user roots and their user-half tables */

#define ROOT_USER_ENTRIES 256 /* root entries 0..255: the user half */

struct page *table_page(const pte_t *table)
{
	return va_to_page(table);
}

/* A zeroed table page, counted in root's user-half tables (root NULL:
 * the new page is a root itself, or a kernel-half table). */
static void *pt_table_alloc(pte_t *root)
{
	void *t = pmm_alloc_page(PMM_ZERO);

	if (!t)
		return NULL;
	__atomic_add_fetch(&nr_tables, 1, __ATOMIC_RELAXED);
	table_page(t)->pt_used = 0;
	table_page(t)->pt_tables = 1;
	if (root) {
		__atomic_add_fetch(&table_page(root)->pt_tables, 1, __ATOMIC_RELAXED);
		__atomic_add_fetch(&nr_user_tables, 1, __ATOMIC_RELAXED);
	}
	return t;
}

static void pt_table_uncount(pte_t *root)
{
	__atomic_sub_fetch(&nr_tables, 1, __ATOMIC_RELAXED);
	if (root) {
		__atomic_sub_fetch(&table_page(root)->pt_tables, 1, __ATOMIC_RELAXED);
		__atomic_sub_fetch(&nr_user_tables, 1, __ATOMIC_RELAXED);
	}
}

static void pt_table_free(pte_t *root, void *t)
{
	pt_table_uncount(root);
	pmm_free_page(t);
}

uint64_t pt_nr_tables(pte_t *root)
{
	return __atomic_load_n(&table_page(root)->pt_tables, __ATOMIC_RELAXED);
}

/* A table entry became valid / invalid: keep its table's count. */
void pt_used_inc(pte_t *e)
{
	table_page((pte_t *)ALIGN_DOWN((uintptr_t)e, PAGE_SIZE))->pt_used++;
}

unsigned pt_used_dec(pte_t *e)
{
	struct page *pg = table_page((pte_t *)ALIGN_DOWN((uintptr_t)e, PAGE_SIZE));

	assert(pg->pt_used > 0);
	return --pg->pt_used;
}

bool va_user_half(vaddr_t va)
{
	return VPN(va, 2) < ROOT_USER_ENTRIES && (int64_t)va >= 0;
}

uint64_t pt_table_pages(void)
{
	return __atomic_load_n(&nr_tables, __ATOMIC_RELAXED);
}

uint64_t pt_user_table_pages(void)
{
	return __atomic_load_n(&nr_user_tables, __ATOMIC_RELAXED);
}

static bool va_canonical(vaddr_t va)
{
	int64_t s = (int64_t)va;

	return (s >> 38) == 0 || (s >> 38) == -1;
}

pte_t prot_to_pte(unsigned prot)
{
	return pte_make(0, prot);
}

static unsigned pte_to_prot(pte_t pte)
{
	unsigned prot = 0;

	if (pte & PTE_R)
		prot |= VM_READ;
	if (pte & PTE_W)
		prot |= VM_WRITE;
	if (pte & PTE_X)
		prot |= VM_EXEC;
	if (pte & PTE_U)
		prot |= VM_USER;
	if (pte & PTE_G)
		prot |= VM_GLOBAL;
	return prot;
}

/* Entry for va at level `target` (0 = 4 KiB leaf level), creating the
 * intermediate tables. NULL with *err = -ENOMEM when out of memory, or
 * -EEXIST when a larger leaf is in the way. */
pte_t *pt_entry_alloc(pte_t *root, vaddr_t va, int target, int *err)
{
	pte_t *table = root;

	for (int level = 2; level > target; level--) {
		pte_t *e = &table[VPN(va, level)];

		if (*e & PTE_V) {
			if (*e & PTE_LEAF) {
				*err = -EEXIST;
				return NULL;
			}
		} else {
			void *next = pt_table_alloc(va_user_half(va) ? root : NULL);

			if (!next) {
				*err = -ENOMEM;
				return NULL;
			}
			*e = PA_PTE(V2P(next)) | PTE_V;
			pt_used_inc(e);
		}
		table = P2V(PTE_PA(*e));
	}
	return &table[VPN(va, target)];
}

static int pt_map_level(pte_t *root, vaddr_t va, paddr_t pa, size_t size,
			unsigned prot, int level)
{
	size_t step = PAGE_SIZE << (9 * level);
	pte_t flags = prot_to_pte(prot);
	size_t done;
	int err = -EEXIST;

	if (!size || !IS_ALIGNED(va | pa | size, step) || !va_canonical(va) ||
	    va + size - 1 < va || !va_canonical(va + size - 1) ||
	    !(prot & (VM_READ | VM_WRITE | VM_EXEC | VM_USER)))
		return -EINVAL;
	for (done = 0; done < size; done += step) {
		pte_t *e = pt_entry_alloc(root, va + done, level, &err);

		if (!e || (*e & PTE_V))
			goto undo;
		*e = PA_PTE(pa + done) | flags;
		pt_used_inc(e);
	}
	return 0;
undo:
	if (done)
		pt_unmap(root, va, done);
	return err;
}

int pt_prealloc(pte_t *root, vaddr_t va, size_t size)
{
	int err = 0;

	for (size_t off = 0; off < size; off += PT_HUGE_SIZE)
		if (!pt_entry_alloc(root, va + off, 0, &err))
			return err;
	return 0;
}

int pt_map(pte_t *root, vaddr_t va, paddr_t pa, size_t size, unsigned prot)
{
	return pt_map_level(root, va, pa, size, prot, 0);
}

int pt_map_huge(pte_t *root, vaddr_t va, paddr_t pa, size_t size,
		unsigned prot)
{
	return pt_map_level(root, va, pa, size, prot, 1);
}

/* Leaf entry mapping va at any level, with its level, or NULL. */
pte_t *pt_leaf(pte_t *root, vaddr_t va, int *level_out)
{
	pte_t *table = root;

	if (!va_canonical(va))
		return NULL;
	for (int level = 2; level >= 0; level--) {
		pte_t *e = &table[VPN(va, level)];

		if (!(*e & PTE_V))
			return NULL;
		if (*e & PTE_LEAF) {
			if (level_out)
				*level_out = level;
			return e;
		}
		table = P2V(PTE_PA(*e));
	}
	return NULL;
}

size_t pt_clear(pte_t *root, vaddr_t va, size_t size)
{
	size_t n = 0;

	assert(IS_ALIGNED(va | size, PAGE_SIZE));
	for (size_t off = 0; off < size; off += PAGE_SIZE) {
		int level;
		pte_t *e = pt_leaf(root, va + off, &level);

		if (!e)
			continue;
		assert(level == 0); /* huge pages are never unmapped */
		*e = 0;
		pt_used_dec(e);
		n++;
	}
	return n;
}

size_t pt_unmap(pte_t *root, vaddr_t va, size_t size)
{
	size_t n = pt_clear(root, va, size);

	if (n)
		arch_tlb_shootdown(va, size);
	return n;
}

/* The first address at or after va that may be mapped: holes of a whole
 * table are skipped in one step. */
vaddr_t next_mapped(pte_t *root, vaddr_t va, vaddr_t end)
{
	while (va < end) {
		pte_t *table = root;
		int level;

		for (level = 2; level > 0; level--) {
			pte_t e = table[VPN(va, level)];

			if (!(e & PTE_V))
				break;
			table = P2V(PTE_PA(e));
		}
		if (level == 0)
			return va;
		/* the entry at this level is empty: nothing is mapped up
		 * to the end of its span (PAGE_SIZE << 9 * level) */
		va = ALIGN_DOWN(va, PAGE_SIZE << (9 * level)) +
		     (PAGE_SIZE << (9 * level));
		if (va == 0)
			break; /* wrapped */
	}
	return end;
}

/* End of the level-0 table's span that holds va, capped at end. */
vaddr_t table_span_end(vaddr_t va, vaddr_t end)
{
	vaddr_t next = ALIGN_DOWN(va, PT_HUGE_SIZE) + PT_HUGE_SIZE;

	return next < end ? next : end;
}

/* Unlink the empty level-0 table under *l1e (and the level-1 table
 * above it, if that empties too) into g. */
static void gather_empty_tables(pte_t *root, pte_t *l2e, pte_t *l1e,
				struct pt_gather *g)
{
	pte_t *t0 = P2V(PTE_PA(*l1e));

	*l1e = 0;
	pt_table_uncount(root);
	list_push_back(&g->tables, &table_page(t0)->link);
	if (pt_used_dec(l1e) == 0) {
		pte_t *t1 = (pte_t *)ALIGN_DOWN((uintptr_t)l1e, PAGE_SIZE);

		*l2e = 0;
		pt_used_dec(l2e); /* the root stays */
		pt_table_uncount(root);
		list_push_back(&g->tables, &table_page(t1)->link);
	}
}

vaddr_t pt_clear_range(pte_t *root, vaddr_t va, vaddr_t end,
		       struct pt_gather *g)
{
	assert(IS_ALIGNED(va | end, PAGE_SIZE) && va_user_half(va) &&
	       (end == va || va_user_half(end - 1)));
	/* a level-0 table at a time: the walk from the root is made once
	 * per table, not once per page */
	for (va = next_mapped(root, va, end); va < end;
	     va = next_mapped(root, va, end)) {
		vaddr_t stop = table_span_end(va, end);
		pte_t *l2e = &root[VPN(va, 2)];
		pte_t *l1e = &((pte_t *)P2V(PTE_PA(*l2e)))[VPN(va, 1)];
		pte_t *t0 = P2V(PTE_PA(*l1e));
		struct page *tp = table_page(t0);

		assert(!(*l2e & PTE_LEAF) && !(*l1e & PTE_LEAF));
		for (; va < stop; va += PAGE_SIZE) {
			pte_t *e = &t0[VPN(va, 0)];

			if (!*e)
				continue;
			if (g->nframes == PT_GATHER_MAX ||
			    g->nslots == PT_GATHER_MAX)
				return va;
			if (*e & PTE_V)
				g->frames[g->nframes++] = PTE_PA(*e);
			else
				g->slots[g->nslots++] = pte_swap_slot(*e);
			*e = 0;
			tp->pt_used--;
		}
		if (tp->pt_used == 0)
			gather_empty_tables(root, l2e, l1e, g);
	}
	return end;
}

void pt_gather_init(struct pt_gather *g)
{
	g->nframes = 0;
	g->nslots = 0;
	list_init(&g->tables);
}

void pt_gather_free_tables(struct pt_gather *g)
{
	struct list_node *n;

	while ((n = list_pop_front(&g->tables)) != NULL)
		pmm_free_pages(list_entry(n, struct page, link), 0);
}

bool pt_walk(pte_t *root, vaddr_t va, paddr_t *pa, unsigned *prot)
{
	int level;
	pte_t *e = pt_leaf(root, va, &level);
	size_t mask;

	if (!e)
		return false;
	mask = (PAGE_SIZE << (9 * level)) - 1;
	if (pa)
		*pa = PTE_PA(*e) + (va & mask);
	if (prot)
		*prot = pte_to_prot(*e);
	return true;
}

int pt_protect(pte_t *root, vaddr_t va, size_t size, unsigned prot)
{
	pte_t flags = prot_to_pte(prot);

	if (!IS_ALIGNED(va | size, PAGE_SIZE) || !(prot & (VM_READ | VM_WRITE | VM_EXEC)))
		return -EINVAL;
	for (size_t off = 0; off < size; off += PAGE_SIZE) {
		int level;

		if (!pt_leaf(root, va + off, &level) || level != 0)
			return -ENOENT;
	}
	for (size_t off = 0; off < size; off += PAGE_SIZE) {
		pte_t *e = pt_leaf(root, va + off, NULL);

		*e = PA_PTE(PTE_PA(*e)) | flags;
	}
	arch_tlb_shootdown(va, size);
	return 0;
}

pte_t *pt_create(void)
{
	pte_t *root = pt_table_alloc(NULL);

	if (!root)
		return NULL;
	__atomic_add_fetch(&nr_user_tables, 1, __ATOMIC_RELAXED);
	memcpy(&root[256], &kernel_root[256], 256 * sizeof(pte_t));
	return root;
}

static void pt_free_level(pte_t *root, pte_t *table, int level)
{
	for (int i = 0; i < 512; i++) {
		pte_t e = table[i];

		if ((e & PTE_V) && !(e & PTE_LEAF) && level > 0)
			pt_free_level(root, P2V(PTE_PA(e)), level - 1);
	}
	pt_table_free(root, table);
}

void pt_destroy(pte_t *root)
{
	assert(root != kernel_root);
	for (int i = 0; i < 256; i++) {
		pte_t e = root[i];

		if ((e & PTE_V) && !(e & PTE_LEAF))
			pt_free_level(root, P2V(PTE_PA(e)), 1);
	}
	__atomic_sub_fetch(&nr_user_tables, 1, __ATOMIC_RELAXED);
	pt_table_free(NULL, root);
}

static size_t pt_count_level(pte_t *table, int level, int first, int last)
{
	size_t n = 1;

	for (int i = first; i <= last; i++) {
		pte_t e = table[i];

		if ((e & PTE_V) && !(e & PTE_LEAF) && level > 0)
			n += pt_count_level(P2V(PTE_PA(e)), level - 1, 0, 511);
	}
	return n;
}

size_t pt_count_tables(pte_t *root)
{
	/* the user half only: the kernel half is shared */
	return pt_count_level(root, 2, 0, 255);
}

int pt_kernel_half_init(pte_t *root)
{
	for (int i = 256; i < 512; i++) {
		void *t;

		if (root[i] & PTE_V)
			continue;
		t = pt_table_alloc(NULL);
		if (!t)
			return -ENOMEM;
		root[i] = PA_PTE(V2P(t)) | PTE_V;
		pt_used_inc(&root[i]);
	}
	return 0;
}

_Static_assert(VM_READ == PTE_VM_READ && VM_WRITE == PTE_VM_WRITE &&
		       VM_EXEC == PTE_VM_EXEC && VM_USER == PTE_VM_USER &&
		       VM_GLOBAL == PTE_VM_GLOBAL,
	       "arch/pte.h and mm/pagetable.h agree on the VM_* bits");
