/*
 * pt_user.c - page-table operations for user address spaces: the ones
 * the memory manager's fault, fork, protect and accounting paths use
 * (mm/pagetable.h documents each). They take no lock: the address
 * space's mutex serialises them. User leaf tables count their entries in
 * use, resident and swapped out alike (pagetable.c).
 *
 * The mutex keeps other kernel writers out, but not the hardware: while
 * a thread of the space runs on another hart, its page walks may set A
 * and D in a valid leaf at any moment (QEMU does it with an atomic
 * compare-and-swap on the entry, and walks again if the entry changed).
 * So an entry is never rewritten from a copy read earlier: a change that
 * must keep what is in the entry is one atomic operation on it (fetch-and
 * to write-protect for fork, fetch-or to set A/D, compare-and-swap to
 * change the protection keeping A and D), and a replacement is an atomic
 * exchange that hands back the entry as it was at that instant. A store
 * that races a walk then either comes first (the walk sees the new entry,
 * and faults if it no longer allows the access) or second (the walk's A/D
 * are in the old value the exchange returns). Entries are naturally
 * aligned 64-bit words, so no walk ever sees half of one.
 */
#include "arch/arch.h"
#include "kernel/panic.h"
#include "mm/memlayout.h"
#include "mm/pagetable.h"
#include "mm/pmm.h"
#include "uapi/errno.h"
#include "pt_internal.h"

pte_t *pt_slot(pte_t *root, vaddr_t va, bool alloc)
{
	pte_t *table = root;
	int err;

	if (alloc)
		return pt_entry_alloc(root, va, 0, &err);
	for (int level = 2; level > 0; level--) {
		pte_t e = table[VPN(va, level)];

		if (!(e & PTE_V) || (e & PTE_LEAF))
			return NULL;
		table = P2V(PTE_PA(e));
	}
	return &table[VPN(va, 0)];
}

pte_t pt_slot_set(pte_t *slot, pte_t e)
{
	pte_t old = __atomic_exchange_n(slot, e, __ATOMIC_RELAXED);

	if (!old && e)
		pt_used_inc(slot);
	else if (old && !e)
		pt_used_dec(slot);
	return old;
}

int pt_set(pte_t *root, vaddr_t va, paddr_t pa, unsigned prot, paddr_t *old)
{
	int err = 0;
	pte_t *e, prev;

	assert(va_user_half(va) && IS_ALIGNED(va | pa, PAGE_SIZE));
	e = pt_entry_alloc(root, va, 0, &err);
	if (!e)
		return err;
	prev = __atomic_exchange_n(e, PA_PTE(pa) | prot_to_pte(prot),
				   __ATOMIC_RELAXED);
	*old = (prev & PTE_V) ? PTE_PA(prev) : 0;
	if (!prev)
		pt_used_inc(e);
	return 0;
}

bool pt_mark_accessed(pte_t *root, vaddr_t va, bool write)
{
	pte_t *e = pt_leaf(root, va, NULL);
	pte_t bits = PTE_A | (write ? PTE_D : 0);

	if (!e || !(*e & PTE_U) || (write && !(*e & PTE_W)))
		return false;
	/* or'ed in: a walk on another hart may be setting D meanwhile */
	return (__atomic_fetch_or(e, bits, __ATOMIC_RELAXED) & bits) != bits;
}

bool pt_accessed(pte_t *root, vaddr_t va, bool *dirty)
{
	pte_t *e = pt_leaf(root, va, NULL);

	if (!e)
		return false;
	if (dirty)
		*dirty = *e & PTE_D;
	return *e & PTE_A;
}

/* The level-0 table covering va, or NULL if there is none. */
static pte_t *leaf_table(pte_t *root, vaddr_t va)
{
	pte_t e = root[VPN(va, 2)];

	if (!(e & PTE_V) || (e & PTE_LEAF))
		return NULL;
	e = ((pte_t *)P2V(PTE_PA(e)))[VPN(va, 1)];
	if (!(e & PTE_V) || (e & PTE_LEAF))
		return NULL;
	return P2V(PTE_PA(e));
}


long pt_fork_range(pte_t *dst, pte_t *src, vaddr_t start, vaddr_t end,
		   bool shared, uint64_t *newly_shared, uint64_t *swapped)
{
	long n = 0;
	uint64_t dup = 0, nswap = 0;
	vaddr_t va = next_mapped(src, start, end);

	assert(va_user_half(start) && (end == start || va_user_half(end - 1)));
	while (va < end) {
		vaddr_t stop = table_span_end(va, end);
		pte_t *s = leaf_table(src, va), *d = NULL;
		unsigned used = 0;
		int err = 0;

		for (; s && va < stop; va += PAGE_SIZE) {
			pte_t *se = &s[VPN(va, 0)], e = *se;
			struct page *pg;

			if (!e)
				continue;
			if (!d) {
				d = pt_entry_alloc(dst, va, 0, &err);
				if (!d)
					goto fail;
				d -= VPN(va, 0); /* the table itself */
				used = table_page(d)->pt_used;
			}
			if (pte_is_swap(e)) {
				/* both now hold the slot */
				err = -ENOMEM;
				if (!pt_swap_dup(pte_swap_slot(e)))
					goto fail;
				d[VPN(va, 0)] = e;
				used++;
				nswap++;
				continue;
			}
			pg = pa_to_page(PTE_PA(e));
			if (pg && !(pg->flags & PG_RESERVED) &&
			    __atomic_fetch_add(&pg->refcount, 1, __ATOMIC_RELAXED) == 1)
				dup++;
			if (!shared && (e & PTE_W)) /* with what the
						     * hardware set since */
				e = __atomic_fetch_and(se, ~(pte_t)PTE_W,
						       __ATOMIC_RELAXED) & ~PTE_W;
			d[VPN(va, 0)] = e;
			used++;
			n++;
		}
		if (d)
			table_page(d)->pt_used = used;
		va = next_mapped(src, stop, end);
		continue;
fail:
		if (d)
			table_page(d)->pt_used = used;
		*newly_shared = dup;
		*swapped = nswap;
		return err;
	}
	*newly_shared = dup;
	*swapped = nswap;
	return n;
}

void pt_protect_range(pte_t *root, vaddr_t start, vaddr_t end, unsigned prot,
		      bool private)
{
	pte_t flags = prot_to_pte(prot | VM_USER);
	vaddr_t va = next_mapped(root, start, end);

	while (va < end) {
		vaddr_t stop = table_span_end(va, end);
		pte_t *t = leaf_table(root, va);

		for (; t && va < stop; va += PAGE_SIZE) {
			pte_t *e = &t[VPN(va, 0)], f = flags;
			pte_t old = __atomic_load_n(e, __ATOMIC_RELAXED);
			struct page *pg;

			if (!(old & PTE_V))
				continue;
			if (private && (f & PTE_W)) {
				/* a private page may be written in place
				 * only while no one else maps it */
				pg = pa_to_page(PTE_PA(old));
				if (!pg || (pg->flags & PG_RESERVED) ||
				    __atomic_load_n(&pg->refcount, __ATOMIC_RELAXED) != 1)
					f &= ~PTE_W;
			}
			/* keep what the hardware recorded, even now */
			while (!__atomic_compare_exchange_n(e, &old,
					PA_PTE(PTE_PA(old)) | f | (old & (PTE_A | PTE_D)),
					false, __ATOMIC_RELAXED, __ATOMIC_RELAXED))
				;
		}
		va = next_mapped(root, stop, end);
	}
}

uint64_t pt_count_range(pte_t *root, vaddr_t start, vaddr_t end)
{
	uint64_t n = 0;
	vaddr_t va = next_mapped(root, start, end);

	while (va < end) {
		vaddr_t stop = table_span_end(va, end);
		pte_t *t = leaf_table(root, va);

		for (; t && va < stop; va += PAGE_SIZE)
			n += t[VPN(va, 0)] & PTE_V;
		va = next_mapped(root, stop, end);
	}
	return n;
}


uint64_t pt_age_range(pte_t *root, vaddr_t start, vaddr_t end,
		      void (*young)(paddr_t pa, void *arg), void *arg)
{
	uint64_t n = 0;
	vaddr_t va = next_mapped(root, start, end);

	while (va < end) {
		vaddr_t stop = table_span_end(va, end);
		pte_t *t = leaf_table(root, va);

		for (; t && va < stop; va += PAGE_SIZE) {
			pte_t *e = &t[VPN(va, 0)];

			if (!pte_young(*e))
				continue;
			/* atomically: the hardware may be setting D */
			__atomic_fetch_and(e, ~(pte_t)PTE_A, __ATOMIC_RELAXED);
			young(PTE_PA(*e), arg);
			n++;
		}
		va = next_mapped(root, stop, end);
	}
	return n;
}
