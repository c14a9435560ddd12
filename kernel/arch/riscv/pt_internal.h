/*
 * pt_internal.h - what pagetable.c and pt_user.c share inside the
 * architecture: table bookkeeping and walking helpers (see pagetable.c
 * for the counting rules). Nothing outside kernel/arch/riscv includes it.
 */
#ifndef KITE_ARCH_PT_INTERNAL_H
#define KITE_ARCH_PT_INTERNAL_H

#include "mm/pagetable.h"

#define VPN(va, level) (((va) >> (12 + 9 * (level))) & 511)

/* The struct page of a table page. */
struct page *table_page(const pte_t *table);
/* An entry of a table became used / unused: keep the table's count. */
void pt_used_inc(pte_t *e);
unsigned pt_used_dec(pte_t *e);
bool va_user_half(vaddr_t va);
/* Entry for va at level target, making the tables on the way; NULL with
 * *err -ENOMEM or -EEXIST (a larger leaf in the way). */
pte_t *pt_entry_alloc(pte_t *root, vaddr_t va, int target, int *err);
/* The leaf mapping va at any level (and the level), or NULL. */
pte_t *pt_leaf(pte_t *root, vaddr_t va, int *level_out);
/* The first address at or after va whose level-0 table exists (end if
 * none before it). */
vaddr_t next_mapped(pte_t *root, vaddr_t va, vaddr_t end);
/* End of the level-0 table's span that holds va, capped at end. */
vaddr_t table_span_end(vaddr_t va, vaddr_t end);
pte_t prot_to_pte(unsigned prot);

#endif
