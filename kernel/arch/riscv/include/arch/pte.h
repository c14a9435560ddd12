/*
 * arch/pte.h - Sv39 page-table entries, for the memory manager's hot
 * paths (the fault path reads and writes one leaf through these instead
 * of walking the table twice). Only this header and pagetable.c know the
 * bits; callers speak VM_* protections (mm/pagetable.h).
 *
 *   63      54 53        10 9   8 7 6 5 4 3 2 1 0
 *   reserved | PPN        | RSW |D|A|G|U|X|W|R|V
 */
#ifndef KITE_ARCH_PTE_H
#define KITE_ARCH_PTE_H

#include "kernel/types.h"

typedef uint64_t pte_t;

#define PTE_V (1UL << 0)
#define PTE_R (1UL << 1)
#define PTE_W (1UL << 2)
#define PTE_X (1UL << 3)
#define PTE_U (1UL << 4)
#define PTE_G (1UL << 5)
#define PTE_A (1UL << 6)
#define PTE_D (1UL << 7)
#define PTE_LEAF (PTE_R | PTE_W | PTE_X)

/* A user entry with V clear and this software bit set is a swapped-out
 * page: the PPN field holds its swap slot. Hardware ignores every other
 * bit of an entry whose V is clear. */
#define PTE_SWAP (1UL << 8)

#define PTE_PA(pte) (((pte) >> 10) << 12)
#define PA_PTE(pa) (((pa) >> 12) << 10)

/* the VM_* protection bits (mm/pagetable.h repeats them for callers) */
#define PTE_VM_READ 0x01
#define PTE_VM_WRITE 0x02
#define PTE_VM_EXEC 0x04
#define PTE_VM_USER 0x08
#define PTE_VM_GLOBAL 0x10

static inline bool pte_valid(pte_t e)
{
	return e & PTE_V;
}

/* A swapped-out page's entry, and its slot. */
static inline bool pte_is_swap(pte_t e)
{
	return (e & (PTE_V | PTE_SWAP)) == PTE_SWAP;
}

static inline uint64_t pte_swap_slot(pte_t e)
{
	return e >> 10;
}

static inline pte_t pte_make_swap(uint64_t slot)
{
	return (slot << 10) | PTE_SWAP;
}

static inline paddr_t pte_frame(pte_t e)
{
	return PTE_PA(e);
}

/* A leaf for pa with protection prot (VM_*). Kernel leaves get A and D;
 * user leaves get neither (hardware sets them, or the fault path does);
 * a user leaf without R, W or X is a PROT_NONE page: R set, U clear. */
static inline pte_t pte_make(paddr_t pa, unsigned prot)
{
	pte_t pte = PA_PTE(pa) | PTE_V;

	if (prot & PTE_VM_USER) {
		if (!(prot & (PTE_VM_READ | PTE_VM_WRITE | PTE_VM_EXEC)))
			return pte | PTE_R;
		pte |= PTE_U;
	} else {
		pte |= PTE_A | PTE_D;
	}
	if (prot & PTE_VM_READ)
		pte |= PTE_R;
	if (prot & PTE_VM_WRITE)
		pte |= PTE_W | PTE_R; /* W without R is reserved in Sv39 */
	if (prot & PTE_VM_EXEC)
		pte |= PTE_X;
	if (prot & PTE_VM_GLOBAL)
		pte |= PTE_G;
	return pte;
}

/* Does user leaf e let user mode make access (VM_READ/WRITE/EXEC)? */
static inline bool pte_user_allows(pte_t e, unsigned access)
{
	pte_t need = PTE_V | PTE_U;

	if (access & PTE_VM_READ)
		need |= PTE_R;
	if (access & PTE_VM_WRITE)
		need |= PTE_W;
	if (access & PTE_VM_EXEC)
		need |= PTE_X;
	return (e & need) == need;
}

/* Has the page been used (A) since A was last cleared? */
static inline bool pte_young(pte_t e)
{
	return (e & (PTE_V | PTE_A)) == (PTE_V | PTE_A);
}

/* e with A cleared (to see whether it is used again). */
static inline pte_t pte_mkold(pte_t e)
{
	return e & ~PTE_A;
}

/* e with A (and D for a write) set, as hardware would. */
static inline pte_t pte_mkaccessed(pte_t e, bool write)
{
	return e | PTE_A | (write ? PTE_D : 0);
}

#endif
