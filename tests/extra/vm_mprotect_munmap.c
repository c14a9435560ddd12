/*
 * vm_mprotect_munmap.c - vm_cases' mprotect and munmap cases. vm_cases.c
 * has the table and says how the cases run; vm_rt.h has the checks they
 * make.
 */
#include "vm_rt.h"

#define P PAGE

/* ---- mprotect ---- */

void mprotect_rw_to_r(void)
{
	char *p = map_anon(2 * P, PROT_RW, MAP_PRIVATE);

	TRY(p);
	fill_pages(p, 2, 0x51);
	TRY(want_zero(sys_mprotect(p, 2 * P, PROT_READ), "mprotect to PROT_READ"));
	TRY(want_access_pages(p, 2, WRITE, FAULTS, "write after RW -> R"));
	TRY(want_access(p, READ, WORKS, "read after RW -> R"));
	TRY(want_pages(p, 2, 0x51, "the data stays"));
}

void mprotect_r_to_rw(void)
{
	char *p = map_anon(2 * P, PROT_READ, MAP_PRIVATE);

	TRY(p);
	TRY(want_zero(sys_mprotect(p, 2 * P, PROT_RW), "mprotect to RW"));
	TRY(want_access(p + P, WRITE, WORKS, "write after R -> RW"));
	fill_pages(p, 2, 0x52);
	TRY(want_pages(p, 2, 0x52, "writes read back"));
}

void mprotect_none_keeps_data(void)
{
	char *p = map_anon(2 * P, PROT_RW, MAP_PRIVATE);

	TRY(p);
	fill_pages(p, 2, 0x53);
	TRY(want_zero(sys_mprotect(p, 2 * P, PROT_NONE), "mprotect to PROT_NONE"));
	TRY(want_access(p, READ, FAULTS, "read PROT_NONE"));
	TRY(want_zero(sys_mprotect(p, 2 * P, PROT_READ), "mprotect to PROT_READ"));
	TRY(want_pages(p, 2, 0x53, "the data comes back"));
}

/* protecting the middle of a mapping splits it; each piece keeps its own
 * protection, and one mprotect over all of them joins them again */
void mprotect_split(void)
{
	char *p = map_anon(3 * P, PROT_RW, MAP_PRIVATE);

	TRY(p);
	fill_pages(p, 3, 0x54);
	TRY(want_zero(sys_mprotect(p + P, P, PROT_READ), "mprotect the middle"));
	TRY(want_access(p, WRITE, WORKS, "write the first page"));
	TRY(want_access(p + P, WRITE, FAULTS, "write the middle page"));
	TRY(want_access(p + P, READ, WORKS, "read the middle page"));
	TRY(want_access(p + 2 * P, WRITE, WORKS, "write the last page"));
	TRY(want_zero(sys_mprotect(p, P, PROT_NONE), "mprotect the first page"));
	TRY(want_access(p, READ, FAULTS, "read the PROT_NONE first page"));
	TRY(want_access(p + P, READ, WORKS, "read the middle page"));
	TRY(want_zero(sys_mprotect(p, 3 * P, PROT_RW), "mprotect all three"));
	TRY(want_access_pages(p, 3, WRITE, WORKS, "write after joining"));
	TRY(want_pages(p, 3, 0x54, "the data stays"));
}

void mprotect_unaligned(void)
{
	char *p = map_anon(2 * P, PROT_RW, MAP_PRIVATE);

	TRY(p);
	TRY(want_err(sys_mprotect(p + 1, P, PROT_READ), EINVAL, "address + 1"));
	TRY(want_err(sys_mprotect(p + P / 2, P, PROT_READ), EINVAL,
		     "address + 2048"));
	TRY(want_access(p, WRITE, WORKS, "still writable"));
}

/* prot bits Linux does not know (PROT_SEM, 8, is known), and both
 * PROT_GROWSDOWN and PROT_GROWSUP */
void mprotect_bad_prot(void)
{
	char *p = map_anon(P, PROT_RW, MAP_PRIVATE);

	TRY(p);
	TRY(want_err(sys_mprotect(p, P, PROT_READ | 0x10), EINVAL, "prot 0x11"));
	TRY(want_err(sys_mprotect(p, P, PROT_READ | 0x40000), EINVAL,
		     "prot 0x40001"));
	TRY(want_err(sys_mprotect(p, P, PROT_READ | PROT_GROWSDOWN | PROT_GROWSUP),
		     EINVAL, "PROT_GROWSDOWN|PROT_GROWSUP"));
	TRY(want_access(p, WRITE, WORKS, "still writable"));
}

/* PROT_GROWSDOWN asks for a mapping that grows down: others refuse it */
void mprotect_growsdown_plain(void)
{
	char *p = map_anon(P, PROT_RW, MAP_PRIVATE);

	TRY(p);
	TRY(want_err(sys_mprotect(p, P, PROT_READ | PROT_GROWSDOWN), EINVAL,
		     "PROT_GROWSDOWN on a plain mapping"));
}

/* a range that is not all mapped: ENOMEM */
void mprotect_hole(void)
{
	char *p = map_anon(3 * P, PROT_RW, MAP_PRIVATE);

	TRY(p);
	TRY(want_zero(sys_munmap(p + P, P), "munmap the middle page"));
	TRY(want_err(sys_mprotect(p, 3 * P, PROT_READ), ENOMEM,
		     "over a mapping, a hole and a mapping"));
	TRY(want_err(sys_mprotect(p + P, P, PROT_READ), ENOMEM, "on the hole"));
	TRY(want_err(sys_mprotect(p + P, 2 * P, PROT_READ), ENOMEM,
		     "from the hole into a mapping"));
}

/* length 0 does nothing, wherever it is (qemu-user checks the range) */
void mprotect_len_zero(void)
{
	char *p = map_anon(P, PROT_RW, MAP_PRIVATE);
	char *f = free_range(P);

	TRY(p && f);
	TRY(want_zero(sys_mprotect(p, 0, PROT_READ), "length 0 on a mapping"));
	TRY(want_access(p, WRITE, WORKS, "still writable"));
	TRY(want_zero(sys_mprotect(f, 0, PROT_READ), "length 0 on a hole"));
}

void mprotect_len_rounds_up(void)
{
	char *p = map_anon(2 * P, PROT_RW, MAP_PRIVATE);

	TRY(p);
	TRY(want_zero(sys_mprotect(p, 1, PROT_READ), "mprotect of 1 byte"));
	TRY(want_access(p + P - 1, WRITE, FAULTS, "write the page's last byte"));
	TRY(want_access(p + P, WRITE, WORKS, "write the next page"));
}

/* ---- munmap ---- */

void munmap_unaligned(void)
{
	char *p = map_anon(2 * P, PROT_RW, MAP_PRIVATE);

	TRY(p);
	TRY(want_err(sys_munmap(p + 1, P), EINVAL, "address + 1"));
	TRY(want_access_pages(p, 2, READ, WORKS, "still mapped"));
}

void munmap_len_zero(void)
{
	char *p = map_anon(P, PROT_RW, MAP_PRIVATE);

	TRY(p);
	TRY(want_err(sys_munmap(p, 0), EINVAL, "length 0"));
	TRY(want_access(p, READ, WORKS, "still mapped"));
}

/* nothing mapped there is not an error */
void munmap_hole(void)
{
	char *f = free_range(2 * P);

	TRY(f);
	TRY(want_zero(sys_munmap(f, 2 * P), "munmap of a hole"));
	TRY(want_zero(sys_munmap(f, 2 * P), "and again"));
}

void munmap_beyond_user(void)
{
	char *p = map_anon(P, PROT_RW, MAP_PRIVATE);

	TRY(p);
	TRY(want_err(sys_munmap((void *)(1UL << 62), P), EINVAL, "at 2^62"));
	TRY(want_err(sys_munmap(p, 1UL << 62), EINVAL, "length 2^62"));
	TRY(want_err(sys_munmap(p, ~0UL - P), EINVAL, "length ~0 - 1 page"));
	TRY(want_access(p, READ, WORKS, "still mapped"));
}

/* unmap pages first..first+n of a 4-page mapping: those fault, the rest
 * keeps its data and stays writable */
static void munmap_part(int type, unsigned first, unsigned n)
{
	char *p = map_anon(4 * P, PROT_RW, type);
	unsigned i;

	TRY(p);
	fill_pages(p, 4, 0x55);
	TRY(want_zero(sys_munmap(p + first * P, n * P), "munmap"));
	for (i = 0; i < 4; i++) {
		if (i >= first && i < first + n) {
			TRY(want_access(p + i * P, READ, FAULTS,
					"read an unmapped page"));
		} else {
			TRY(want_bytes(p + i * P, P, 0x55 + i, "a page left"));
			TRY(want_access(p + i * P, WRITE, WORKS,
					"write a page left"));
		}
	}
}

void munmap_head(void)
{
	munmap_part(MAP_PRIVATE, 0, 1);
}

void munmap_tail(void)
{
	munmap_part(MAP_PRIVATE, 3, 1);
}

void munmap_middle(void)
{
	munmap_part(MAP_PRIVATE, 1, 2);
}

void munmap_middle_shared(void)
{
	munmap_part(MAP_SHARED, 1, 2);
}

void munmap_len_rounds_up(void)
{
	char *p = map_anon(3 * P, PROT_RW, MAP_PRIVATE);

	TRY(p);
	fill_pages(p, 3, 0x56);
	TRY(want_zero(sys_munmap(p, P + 1), "munmap of a page and a byte"));
	TRY(want_access(p + P, READ, FAULTS, "read the second page"));
	TRY(want_bytes(p + 2 * P, P, 0x58, "the third page keeps its data"));
}

/* one munmap over mappings of different kinds and the holes between */
void munmap_span(void)
{
	char *p = map_anon(8 * P, PROT_RW, MAP_PRIVATE);
	unsigned i;

	TRY(p);
	fill_pages(p, 8, 0x20);
	TRY(want_zero(sys_munmap(p + 2 * P, 2 * P), "munmap pages 2-3"));
	TRY(want_zero(sys_munmap(p + 6 * P, P), "munmap page 6"));
	TRY(want_zero(sys_mprotect(p + 4 * P, 2 * P, PROT_READ),
		      "mprotect pages 4-5"));
	TRY(want_addr(sys_mmap(p + 3 * P, P, PROT_READ,
			       MAP_ANON_SHARED | MAP_FIXED, -1, 0),
		      p + 3 * P, "shared page 3"));
	TRY(want_zero(sys_munmap(p + P, 6 * P), "munmap pages 1-6"));
	for (i = 1; i < 7; i++)
		TRY(want_access(p + i * P, READ, FAULTS, "read pages 1-6"));
	TRY(want_bytes(p, P, 0x20, "page 0 keeps its data"));
	TRY(want_bytes(p + 7 * P, P, 0x27, "page 7 keeps its data"));
	TRY(want_access(p, WRITE, WORKS, "write page 0"));
	TRY(want_access(p + 7 * P, WRITE, WORKS, "write page 7"));
}

/* munmap and mapping again: fresh memory */
void munmap_remap_zero(void)
{
	char *p = map_anon(2 * P, PROT_RW, MAP_PRIVATE);

	TRY(p);
	fill(p, 2 * P, 0x57);
	TRY(want_zero(sys_munmap(p, 2 * P), "munmap"));
	TRY(want_addr(sys_mmap(p, 2 * P, PROT_RW, MAP_ANON_PRIVATE | MAP_FIXED,
			       -1, 0), p, "MAP_FIXED at the same place"));
	TRY(want_bytes(p, 2 * P, 0, "reads zero"));
}
