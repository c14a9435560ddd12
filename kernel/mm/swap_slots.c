/*
 * swap_slots.c - slot bookkeeping of a swap area (see mm/swap_slots.h).
 */
#include "kernel/panic.h"
#include "mm/swap_slots.h"

void swap_slots_init(struct swap_slots *s, uint16_t *ref, uint32_t n)
{
	assert(n >= 2);
	s->n = n;
	s->used = 0;
	s->next = 1;
	s->ref = ref;
	for (uint32_t i = 0; i < n; i++)
		ref[i] = 0;
}

uint32_t swap_slots_alloc(struct swap_slots *s)
{
	uint32_t i = s->next;

	if (s->used == s->n - 1)
		return 0;
	/* there is a free slot: the scan finds it within one lap */
	for (;;) {
		if (i >= s->n)
			i = 1;
		if (!s->ref[i])
			break;
		i++;
	}
	s->ref[i] = 1;
	s->used++;
	s->next = i + 1;
	return i;
}

bool swap_slots_dup(struct swap_slots *s, uint32_t slot)
{
	assert(slot > 0 && slot < s->n && s->ref[slot] > 0);
	if (s->ref[slot] == SWAP_SLOT_REF_MAX)
		return false;
	s->ref[slot]++;
	return true;
}

bool swap_slots_put(struct swap_slots *s, uint32_t slot)
{
	assert(slot > 0 && slot < s->n && s->ref[slot] > 0);
	if (--s->ref[slot])
		return false;
	s->used--;
	return true;
}

uint32_t swap_slots_refs(const struct swap_slots *s, uint32_t slot)
{
	assert(slot > 0 && slot < s->n);
	return s->ref[slot];
}
