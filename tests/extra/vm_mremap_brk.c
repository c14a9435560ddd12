/*
 * vm_mremap_brk.c - vm_cases' mremap and brk cases. vm_cases.c has the
 * table and says how the cases run; vm_rt.h has the checks they make.
 */
#include "vm_rt.h"

#define P PAGE

/* ---- mremap ---- */

/* p: 4 pages, of which only the first stays mapped (data 0x70) */
static char *one_of_four(void)
{
	char *p = map_anon(4 * P, PROT_RW, MAP_PRIVATE);

	if (!p)
		return 0;
	fill(p, P, 0x70);
	return want_zero(sys_munmap(p + P, 3 * P), "munmap 3 pages") ? p : 0;
}

/* growing in place where the next pages are free: same address, with or
 * without MREMAP_MAYMOVE (Linux tries in place first) */
static void grow_in_place(int flags)
{
	char *p = one_of_four();

	TRY(p);
	TRY(want_addr(sys_mremap(p, P, 4 * P, flags, 0), p, "mremap 1 -> 4 pages"));
	TRY(want_bytes(p, P, 0x70, "the data stays"));
	TRY(want_bytes(p + P, 3 * P, 0, "the new pages read zero"));
	fill(p, 4 * P, 0x71);
	TRY(want_bytes(p, 4 * P, 0x71, "writes read back"));
}

void mremap_grow_in_place(void)
{
	grow_in_place(0);
}

void mremap_grow_maymove_in_place(void)
{
	grow_in_place(MREMAP_MAYMOVE);
}

/* p: page 0 RW with data 0x72, page 1 a mapping of its own (PROT_READ) */
static char *blocked(int type)
{
	char *p = map_anon(2 * P, PROT_RW, type);

	if (!p)
		return 0;
	fill(p, 2 * P, 0x72);
	if (!want_zero(sys_mprotect(p + P, P, PROT_READ), "mprotect page 1"))
		return 0;
	return p;
}

/* growing where the next page is taken: ENOMEM, unless it may move */
void mremap_no_room(void)
{
	char *p = blocked(MAP_PRIVATE);

	TRY(p);
	TRY(want_err(sys_mremap(p, P, 2 * P, 0, 0), ENOMEM, "mremap 1 -> 2 pages"));
	TRY(want_bytes(p, 2 * P, 0x72, "the data stays"));
	TRY(want_access(p, WRITE, WORKS, "still writable"));
}

void mremap_move(void)
{
	char *p = blocked(MAP_PRIVATE);
	long r;

	TRY(p);
	r = sys_mremap(p, P, 3 * P, MREMAP_MAYMOVE, 0);
	TRY(want_not_addr(r, p, "mremap 1 -> 3 pages, MREMAP_MAYMOVE"));
	TRY(want_bytes((char *)r, P, 0x72, "the data moved"));
	TRY(want_bytes((char *)r + P, 2 * P, 0, "the new pages read zero"));
	TRY(want_access((char *)r + 2 * P, WRITE, WORKS, "write the new pages"));
	TRY(want_access(p, READ, FAULTS, "read the old address"));
	TRY(want_bytes(p + P, P, 0x72, "the next mapping stays"));
}

/* shrinking: in place, the tail is unmapped */
static void shrink(int flags)
{
	char *p = map_anon(4 * P, PROT_RW, MAP_PRIVATE);

	TRY(p);
	fill_pages(p, 4, 0x73);
	TRY(want_addr(sys_mremap(p, 4 * P, P, flags, 0), p, "mremap 4 -> 1 page"));
	TRY(want_bytes(p, P, 0x73, "the first page stays"));
	TRY(want_access_pages(p + P, 3, READ, FAULTS, "read the old tail"));
}

void mremap_shrink(void)
{
	shrink(0);
}

void mremap_shrink_maymove(void)
{
	shrink(MREMAP_MAYMOVE);
}

/* MREMAP_FIXED: to exactly new_addr, replacing what was there */
void mremap_fixed(void)
{
	char *p = map_anon(2 * P, PROT_RW, MAP_PRIVATE);
	char *q = map_anon(3 * P, PROT_RW, MAP_PRIVATE);

	TRY(p && q);
	fill_pages(p, 2, 0x74);
	fill(q, 3 * P, 0x30);
	TRY(want_addr(sys_mremap(p, 2 * P, 2 * P, MREMAP_MAYMOVE | MREMAP_FIXED,
				 q + P), q + P, "mremap to new_addr"));
	TRY(want_pages(q + P, 2, 0x74, "the data moved"));
	TRY(want_bytes(q, P, 0x30, "the page below keeps its data"));
	TRY(want_access(p, READ, FAULTS, "read the old address"));
	TRY(want_err(sys_mremap(q + P, P, P, MREMAP_MAYMOVE | MREMAP_FIXED, p + 1),
		     EINVAL, "new_addr not aligned"));
}

void mremap_bad_args(void)
{
	char *p = map_anon(2 * P, PROT_RW, MAP_PRIVATE);

	TRY(p);
	TRY(want_err(sys_mremap(p + 1, P, 2 * P, MREMAP_MAYMOVE, 0), EINVAL,
		     "old address + 1"));
	TRY(want_err(sys_mremap(p, P, 2 * P, 8, 0), EINVAL, "flags 8"));
	TRY(want_err(sys_mremap(p, P, P, MREMAP_FIXED, p + P), EINVAL,
		     "MREMAP_FIXED without MREMAP_MAYMOVE"));
	TRY(want_err(sys_mremap(p, P, P, MREMAP_DONTUNMAP, 0), EINVAL,
		     "MREMAP_DONTUNMAP without MREMAP_MAYMOVE"));
	TRY(want_err(sys_mremap(p, P, 2 * P, MREMAP_MAYMOVE | MREMAP_DONTUNMAP, 0),
		     EINVAL, "MREMAP_DONTUNMAP, lengths differ"));
	TRY(want_access(p, WRITE, WORKS, "still writable"));
}

/* qemu-user checks the ranges first and says ENOMEM for length 0 */
void mremap_new_len_zero(void)
{
	char *p = map_anon(2 * P, PROT_RW, MAP_PRIVATE);

	TRY(p);
	TRY(want_err(sys_mremap(p, P, 0, MREMAP_MAYMOVE, 0), EINVAL,
		     "new length 0, MREMAP_MAYMOVE"));
	TRY(want_err(sys_mremap(p, P, 0, 0, 0), EINVAL, "new length 0"));
}

/* old length 0 would make a second mapping of shared memory; private
 * memory refuses it */
void mremap_old_len_zero(void)
{
	char *p = map_anon(2 * P, PROT_RW, MAP_PRIVATE);

	TRY(p);
	TRY(want_err(sys_mremap(p, 0, P, MREMAP_MAYMOVE, 0), EINVAL,
		     "old length 0 of private memory"));
	TRY(want_access(p, WRITE, WORKS, "still writable"));
}

/* the old range must lie in one mapping */
void mremap_not_mapped(void)
{
	char *p = blocked(MAP_PRIVATE);
	char *f = free_range(2 * P);    /* after the last mmap: stays free */

	TRY(p && f);
	TRY(want_err(sys_mremap(f, P, 2 * P, MREMAP_MAYMOVE, 0), EFAULT,
		     "of a hole"));
	TRY(want_err(sys_mremap(p, 2 * P, 3 * P, MREMAP_MAYMOVE, 0), EFAULT,
		     "across two mappings"));
	TRY(want_bytes(p, 2 * P, 0x72, "the data stays"));
}

/* MREMAP_DONTUNMAP: the data moves, the old range stays mapped, empty */
void mremap_dontunmap(void)
{
	char *p = map_anon(2 * P, PROT_RW, MAP_PRIVATE);
	long r;

	TRY(p);
	fill_pages(p, 2, 0x75);
	r = sys_mremap(p, 2 * P, 2 * P, MREMAP_MAYMOVE | MREMAP_DONTUNMAP, 0);
	TRY(want_not_addr(r, p, "mremap, MREMAP_DONTUNMAP"));
	TRY(want_pages((char *)r, 2, 0x75, "the data moved"));
	TRY(want_access(p + P, WRITE, WORKS, "write the old range"));
	TRY(want_bytes(p, 2 * P, 0, "the old range reads zero"));
}

/* shared memory moved stays shared with a child */
void mremap_shared(void)
{
	char *p = blocked(MAP_SHARED);
	long r, pid;

	TRY(p);
	r = sys_mremap(p, P, 2 * P, MREMAP_MAYMOVE, 0);
	TRY(want_not_addr(r, p, "mremap 1 -> 2 shared pages, MREMAP_MAYMOVE"));
	TRY(want_bytes((char *)r, P, 0x72, "the data moved"));
	pid = child();
	TRY(pid >= 0);
	if (pid == 0) {
		fill((char *)r, 2 * P, 0x76);
		sys_exit(0);
	}
	TRY(want_child_ok(pid, "the child writes"));
	TRY(want_bytes((char *)r, 2 * P, 0x76, "the parent sees it"));
}

/* ---- brk ---- */

/* the break where the case starts: the program's start (main never moves
 * it) and the first page boundary at or above it */
static unsigned long start_brk, heap;

static int brk_init(void)
{
	start_brk = (unsigned long)sys_brk(0);
	heap = (start_brk + P - 1) & ~(P - 1);
	return want_map((long)heap, "brk(0)");
}

void brk_query(void)
{
	TRY(brk_init());
	TRY(want_addr(sys_brk(0), (void *)start_brk, "brk(0) again"));
	TRY(want_addr(sys_brk(start_brk), (void *)start_brk,
		      "brk at the break"));
}

void brk_grow(void)
{
	TRY(brk_init());
	TRY(want_addr(sys_brk(heap + 4 * P), (void *)(heap + 4 * P),
		      "brk 4 pages up"));
	TRY(want_addr(sys_brk(0), (void *)(heap + 4 * P), "brk(0) after"));
	TRY(want_bytes((char *)heap, 4 * P, 0, "new memory reads zero"));
	fill_pages((char *)heap, 4, 0x80);
	TRY(want_pages((char *)heap, 4, 0x80, "writes read back"));
}

/* the break is a byte address; its page is usable to the end */
void brk_unaligned(void)
{
	unsigned long want;

	TRY(brk_init());
	want = heap + P + 100;
	TRY(want_addr(sys_brk(want), (void *)want, "brk at page + 100"));
	TRY(want_addr(sys_brk(0), (void *)want, "brk(0) after"));
	((volatile char *)heap)[2 * P - 1] = 1;
	TRY(want_bytes((char *)heap + 2 * P - 1, 1, 1, "the page's last byte"));
}

void brk_shrink_regrow(void)
{
	TRY(brk_init());
	TRY(want_addr(sys_brk(heap + 4 * P), (void *)(heap + 4 * P), "grow"));
	fill((char *)heap, 4 * P, 0x81);
	TRY(want_addr(sys_brk(heap + P), (void *)(heap + P), "shrink"));
	TRY(want_addr(sys_brk(0), (void *)(heap + P), "brk(0) after"));
	TRY(want_addr(sys_brk(heap + 4 * P), (void *)(heap + 4 * P), "regrow"));
	TRY(want_bytes((char *)heap + P, 3 * P, 0, "regrown memory reads zero"));
	TRY(want_bytes((char *)heap, P, 0x81, "memory below the break stays"));
}

/* shrinking unmaps the pages above the new break */
void brk_shrink_unmaps(void)
{
	TRY(brk_init());
	TRY(want_addr(sys_brk(heap + 4 * P), (void *)(heap + 4 * P), "grow"));
	fill((char *)heap, 4 * P, 0x82);
	TRY(want_addr(sys_brk(heap + P), (void *)(heap + P), "shrink"));
	TRY(want_access_pages((char *)heap + P, 3, READ, FAULTS,
			      "read above the break"));
	TRY(want_access((char *)heap, WRITE, WORKS, "write below the break"));
}

/* a break below the start, or one that cannot be had, is refused:
 * brk returns the break unchanged */
void brk_below_start(void)
{
	TRY(brk_init());
	TRY(want_addr(sys_brk(start_brk - 16 * P), (void *)start_brk,
		      "brk 16 pages below the start"));
	TRY(want_addr(sys_brk(heap + 2 * P), (void *)(heap + 2 * P), "grow"));
	TRY(want_addr(sys_brk(start_brk - 16 * P), (void *)(heap + 2 * P),
		      "brk below the start after growing"));
	TRY(want_addr(sys_brk(0), (void *)(heap + 2 * P), "brk(0) after"));
}

void brk_huge(void)
{
	TRY(brk_init());
	TRY(want_addr(sys_brk(heap + (1UL << 62)), (void *)start_brk,
		      "brk 2^62 up"));
	TRY(want_addr(sys_brk(0), (void *)start_brk, "brk(0) after"));
}

/* the heap does not grow over a mapping */
void brk_into_mapping(void)
{
	long r;

	TRY(brk_init());
	r = sys_mmap((char *)heap + 4 * P, P, PROT_RW,
		     MAP_ANON_PRIVATE | MAP_FIXED_NOREPLACE, -1, 0);
	TRY(want_addr(r, (char *)heap + 4 * P, "a page 4 pages above the break"));
	fill((char *)r, P, 0x83);
	TRY(want_addr(sys_brk(heap + 8 * P), (void *)start_brk,
		      "brk past the mapping"));
	TRY(want_bytes((char *)r, P, 0x83, "the mapping keeps its data"));
	TRY(want_addr(sys_brk(heap + 2 * P), (void *)(heap + 2 * P),
		      "brk short of it"));
}

/* a large break: 64 MiB, half of Kite's RAM, of which a program
 * touches a few pages (Linux counts it against memory, so it stays under
 * the RAM of a small machine) */
void brk_large_lazy(void)
{
	const unsigned long big = 64UL << 20;
	char *h;

	TRY(brk_init());
	h = (char *)heap;
	TRY(want_addr(sys_brk(heap + big), h + big, "brk 64 MiB up"));
	h[0] = 1;
	h[big - 1] = 2;
	TRY(want_bytes(h + big / 2, P, 0, "an untouched page reads zero"));
	TRY(want_bytes(h + big - 1, 1, 2, "the last byte"));
	TRY(want_addr(sys_brk(heap), h, "brk back down"));
	TRY(want_addr(sys_brk(heap + big), h + big, "brk 64 MiB up again"));
	TRY(want_bytes(h + big - P, P, 0, "the last page reads zero"));
}

/* a child gets a copy of the heap and a break of its own */
void brk_fork(void)
{
	long pid;

	TRY(brk_init());
	TRY(want_addr(sys_brk(heap + 2 * P), (void *)(heap + 2 * P), "grow"));
	fill((char *)heap, 2 * P, 0x84);
	pid = child();
	TRY(pid >= 0);
	if (pid == 0) {
		if (sys_brk(0) != (long)(heap + 2 * P) ||
		    !want_bytes((char *)heap, 2 * P, 0x84, ""))
			sys_exit(1);
		fill((char *)heap, 2 * P, 0x85);
		sys_exit(sys_brk(heap + 6 * P) == (long)(heap + 6 * P) ? 0 : 2);
	}
	TRY(want_child_ok(pid, "the child sees the heap and grows its own "
			  "(exit 1: wrong break or data, 2: cannot grow)"));
	TRY(want_addr(sys_brk(0), (void *)(heap + 2 * P), "the parent's break"));
	TRY(want_bytes((char *)heap, 2 * P, 0x84, "the parent's heap"));
}
