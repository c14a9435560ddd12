/*
 * vm_cases_more.c - the second half of vm_cases' table (vm_cases.c says
 * how it runs): memory across fork (shared and copy-on-write), madvise,
 * mremap and brk.
 */
#include "vm_rt.h"

#define P PAGE

/* ---- fork: MAP_SHARED is shared, MAP_PRIVATE is copied on write ---- */

static void fork_shared_child_writes(void)
{
	char *p = map_anon(2 * P, PROT_RW, MAP_SHARED);
	long pid;

	TRY(p);
	fill(p, 2 * P, 0x01);
	pid = child();
	TRY(pid >= 0);
	if (pid == 0) {
		fill(p, 2 * P, 0x5a);
		sys_exit(0);
	}
	TRY(want_child_ok(pid, "the child writes"));
	TRY(want_bytes(p, 2 * P, 0x5a, "the parent sees the child's write"));
}

/* the first int of the shared page is a flag the parent raises after
 * writing the rest; the child exits 0 if it then sees the write */
static void fork_shared_parent_writes(void)
{
	char *p = map_anon(2 * P, PROT_RW, MAP_SHARED);
	volatile int *flag = (volatile int *)p;
	long pid;

	TRY(p);
	pid = child();
	TRY(pid >= 0);
	if (pid == 0) {
		if (!wait_flag(flag, 1, 20))
			sys_exit(2);
		sys_exit(want_bytes(p + 64, 2 * P - 64, 0x6b, "") ? 0 : 1);
	}
	fill(p + 64, 2 * P - 64, 0x6b);
	*flag = 1;
	TRY(want_child_ok(pid, "the child sees the parent's write (exit 1: "
			  "old data, 2: never saw the flag)"));
}

static void fork_private_child_writes(void)
{
	char *p = map_anon(2 * P, PROT_RW, MAP_PRIVATE);
	long pid;

	TRY(p);
	fill_pages(p, 2, 0x11);
	pid = child();
	TRY(pid >= 0);
	if (pid == 0) {
		if (!want_pages(p, 2, 0x11, ""))
			sys_exit(1);
		fill(p, 2 * P, 0x77);
		sys_exit(want_bytes(p, 2 * P, 0x77, "") ? 0 : 3);
	}
	TRY(want_child_ok(pid, "the child sees the data from before fork, "
			  "writes and reads its own"));
	TRY(want_pages(p, 2, 0x11, "the child's write stays in the child"));
}

/* the parent writes after fork; a shared page carries the flag */
static void fork_private_parent_writes(void)
{
	char *p = map_anon(2 * P, PROT_RW, MAP_PRIVATE);
	char *s = map_anon(P, PROT_RW, MAP_SHARED);
	volatile int *flag = (volatile int *)s;
	long pid;

	TRY(p && s);
	fill(p, 2 * P, 0x22);
	pid = child();
	TRY(pid >= 0);
	if (pid == 0) {
		if (!wait_flag(flag, 1, 20))
			sys_exit(2);
		sys_exit(want_bytes(p, 2 * P, 0x22, "") ? 0 : 1);
	}
	fill(p, 2 * P, 0x33);
	*flag = 1;
	TRY(want_child_ok(pid, "the child keeps its copy (exit 1: it sees the "
			  "parent's write, 2: never saw the flag)"));
	TRY(want_bytes(p, 2 * P, 0x33, "the parent's write"));
}

/* address spaces are separate: a child's munmap and mprotect change
 * nothing in the parent */
static void fork_child_unmaps(void)
{
	char *p = map_anon(2 * P, PROT_RW, MAP_PRIVATE);
	char *s = map_anon(P, PROT_RW, MAP_SHARED);
	long pid;

	TRY(p && s);
	fill(p, 2 * P, 0x44);
	pid = child();
	TRY(pid >= 0);
	if (pid == 0) {
		if (sys_munmap(p, P) || sys_mprotect(p + P, P, PROT_NONE) ||
		    sys_munmap(s, P))
			sys_exit(1);
		sys_exit(0);
	}
	TRY(want_child_ok(pid, "the child unmaps and protects"));
	TRY(want_bytes(p, 2 * P, 0x44, "the parent's memory stays"));
	TRY(want_access(p + P, WRITE, WORKS, "write in the parent"));
	fill(s, P, 0x45);
	TRY(want_bytes(s, P, 0x45, "the parent's shared page stays"));
}

/* ---- madvise ---- */

/* what qemu-user (QEMU 7.2) does instead */
#define QEMU_IGNORES "qemu-user returns 0 and does nothing"
#define QEMU_MOVES "qemu-user always moves with MREMAP_MAYMOVE"
#define QEMU_LEN_ZERO "qemu-user says ENOMEM for length 0"

/* private anonymous memory: the range reads zero afterwards; the length
 * is rounded up to pages */
static void madvise_dontneed_private(void)
{
	char *p = map_anon(4 * P, PROT_RW, MAP_PRIVATE);

	TRY(p);
	fill_pages(p, 4, 0x10);
	TRY(want_zero(sys_madvise(p + P, P, MADV_DONTNEED), "MADV_DONTNEED"));
	TRY(want_bytes(p + P, P, 0, "the page reads zero"));
	TRY(want_bytes(p, P, 0x10, "the page below keeps its data"));
	TRY(want_bytes(p + 2 * P, P, 0x12, "the page above keeps its data"));
	TRY(want_zero(sys_madvise(p + 3 * P, 1, MADV_DONTNEED),
		      "MADV_DONTNEED of 1 byte"));
	TRY(want_bytes(p + 3 * P, P, 0, "the whole page reads zero"));
	fill(p + P, P, 0x19);
	TRY(want_bytes(p + P, P, 0x19, "and can be written again"));
}

/* shared memory keeps its data: the shared object holds it */
static void madvise_dontneed_shared(void)
{
	char *p = map_anon(2 * P, PROT_RW, MAP_SHARED);

	TRY(p);
	fill_pages(p, 2, 0x20);
	TRY(want_zero(sys_madvise(p, 2 * P, MADV_DONTNEED), "MADV_DONTNEED"));
	TRY(want_pages(p, 2, 0x20, "the data stays"));
}

static void madvise_bad_advice(void)
{
	char *p = map_anon(P, PROT_RW, MAP_PRIVATE);

	TRY(p);
	TRY(want_err(sys_madvise(p, P, 999), EINVAL, "advice 999"));
	TRY(want_err(sys_madvise(p, P, -1), EINVAL, "advice -1"));
}

static void madvise_unaligned(void)
{
	char *p = map_anon(2 * P, PROT_RW, MAP_PRIVATE);

	TRY(p);
	TRY(want_err(sys_madvise(p + 1, P, MADV_NORMAL), EINVAL, "address + 1"));
	TRY(want_err(sys_madvise(p + 1, P, MADV_DONTNEED), EINVAL,
		     "MADV_DONTNEED at address + 1"));
}

/* a range that is not all mapped: ENOMEM */
static void madvise_hole(void)
{
	char *p = map_anon(3 * P, PROT_RW, MAP_PRIVATE);

	TRY(p);
	TRY(want_zero(sys_munmap(p + P, P), "munmap the middle page"));
	TRY(want_err(sys_madvise(p, 3 * P, MADV_NORMAL), ENOMEM,
		     "over a mapping, a hole and a mapping"));
	TRY(want_err(sys_madvise(p + P, P, MADV_WILLNEED), ENOMEM,
		     "MADV_WILLNEED on the hole"));
}

static void madvise_len_zero(void)
{
	char *p = map_anon(P, PROT_RW, MAP_PRIVATE);

	TRY(p);
	fill(p, P, 0x21);
	TRY(want_zero(sys_madvise(p, 0, MADV_DONTNEED), "MADV_DONTNEED, length 0"));
	TRY(want_bytes(p, P, 0x21, "the data stays"));
}

/* advice that changes nothing a program can see */
static void madvise_hints(void)
{
	static const int advice[] = { MADV_NORMAL, MADV_RANDOM, MADV_SEQUENTIAL,
				      MADV_WILLNEED, MADV_COLD, MADV_PAGEOUT };
	static const char *const what[] = { "MADV_NORMAL", "MADV_RANDOM",
					    "MADV_SEQUENTIAL", "MADV_WILLNEED",
					    "MADV_COLD", "MADV_PAGEOUT" };
	char *p = map_anon(2 * P, PROT_RW, MAP_PRIVATE);
	char *s = map_anon(2 * P, PROT_RW, MAP_SHARED);
	unsigned i;

	TRY(p && s);
	fill_pages(p, 2, 0x23);
	fill_pages(s, 2, 0x25);
	for (i = 0; i < 6; i++) {
		TRY(want_zero(sys_madvise(p, 2 * P, advice[i]), what[i]));
		TRY(want_zero(sys_madvise(s, 2 * P, advice[i]), what[i]));
	}
	TRY(want_pages(p, 2, 0x23, "private data stays"));
	TRY(want_pages(s, 2, 0x25, "shared data stays"));
}

/* MADV_POPULATE_READ/WRITE fault the pages in: nothing else changes */
static void madvise_populate(void)
{
	char *p = map_anon(2 * P, PROT_RW, MAP_PRIVATE);

	TRY(p);
	TRY(want_zero(sys_madvise(p, P, MADV_POPULATE_READ), "MADV_POPULATE_READ"));
	TRY(want_zero(sys_madvise(p + P, P, MADV_POPULATE_WRITE),
		      "MADV_POPULATE_WRITE"));
	TRY(want_bytes(p, 2 * P, 0, "reads zero"));
	fill(p, 2 * P, 0x26);
	TRY(want_bytes(p, 2 * P, 0x26, "writes read back"));
}

/* MADV_FREE: the data may or may not survive, but the memory stays
 * usable; private anonymous memory only */
static void madvise_free(void)
{
	char *p = map_anon(2 * P, PROT_RW, MAP_PRIVATE);

	TRY(p);
	fill(p, 2 * P, 0x27);
	TRY(want_zero(sys_madvise(p, 2 * P, MADV_FREE), "MADV_FREE"));
	fill(p, 2 * P, 0x28);
	TRY(want_bytes(p, 2 * P, 0x28, "writes after MADV_FREE read back"));
}

static void madvise_free_shared(void)
{
	char *s = map_anon(P, PROT_RW, MAP_SHARED);

	TRY(s);
	TRY(want_err(sys_madvise(s, P, MADV_FREE), EINVAL, "MADV_FREE, shared"));
}

/* MADV_DONTFORK: children do not get the range; MADV_DOFORK undoes it */
static void madvise_dontfork(void)
{
	char *p = map_anon(2 * P, PROT_RW, MAP_PRIVATE);

	TRY(p);
	fill(p, 2 * P, 0x29);
	TRY(want_zero(sys_madvise(p, P, MADV_DONTFORK), "MADV_DONTFORK"));
	TRY(want_access(p, READ, FAULTS, "a child reads the range"));
	TRY(want_access(p + P, READ, WORKS, "a child reads the next page"));
	TRY(want_bytes(p, 2 * P, 0x29, "the parent keeps its data"));
	TRY(want_zero(sys_madvise(p, P, MADV_DOFORK), "MADV_DOFORK"));
	TRY(want_access(p, READ, WORKS, "a child reads the range again"));
}

/* MADV_WIPEONFORK: children get the range zeroed (private memory only);
 * MADV_KEEPONFORK undoes it */
static void madvise_wipeonfork(void)
{
	char *p = map_anon(2 * P, PROT_RW, MAP_PRIVATE);
	long pid;

	TRY(p);
	fill(p, 2 * P, 0x2a);
	TRY(want_zero(sys_madvise(p, P, MADV_WIPEONFORK), "MADV_WIPEONFORK"));
	pid = child();
	TRY(pid >= 0);
	if (pid == 0)
		sys_exit(!want_bytes(p, P, 0, "") ? 1 :
			 !want_bytes(p + P, P, 0x2a, "") ? 2 : 0);
	TRY(want_child_ok(pid, "the child reads zero there (exit 1: the data, "
			  "2: the next page lost its data)"));
	TRY(want_bytes(p, 2 * P, 0x2a, "the parent keeps its data"));
	TRY(want_zero(sys_madvise(p, P, MADV_KEEPONFORK), "MADV_KEEPONFORK"));
	pid = child();
	TRY(pid >= 0);
	if (pid == 0)
		sys_exit(want_bytes(p, P, 0x2a, "") ? 0 : 1);
	TRY(want_child_ok(pid, "the child gets the data again"));
}

static void madvise_wipeonfork_shared(void)
{
	char *s = map_anon(P, PROT_RW, MAP_SHARED);

	TRY(s);
	TRY(want_err(sys_madvise(s, P, MADV_WIPEONFORK), EINVAL,
		     "MADV_WIPEONFORK, shared"));
}

/* MADV_REMOVE frees a range of shared memory: it reads zero after, for
 * every process that shares it */
static void madvise_remove_shared(void)
{
	char *s = map_anon(2 * P, PROT_RW, MAP_SHARED);
	long pid;

	TRY(s);
	fill_pages(s, 2, 0x2b);
	TRY(want_zero(sys_madvise(s, P, MADV_REMOVE), "MADV_REMOVE"));
	TRY(want_bytes(s, P, 0, "the page reads zero"));
	TRY(want_bytes(s + P, P, 0x2c, "the next page keeps its data"));
	fill(s, P, 0x2d);
	pid = child();
	TRY(pid >= 0);
	if (pid == 0)
		sys_exit(sys_madvise(s, P, MADV_REMOVE) ? 1 : 0);
	TRY(want_child_ok(pid, "the child removes the page (exit 1: error)"));
	TRY(want_bytes(s, P, 0, "the parent reads zero there"));
}

/* private anonymous memory has no object to remove pages from */
static void madvise_remove_private(void)
{
	char *p = map_anon(P, PROT_RW, MAP_PRIVATE);

	TRY(p);
	TRY(want_err(sys_madvise(p, P, MADV_REMOVE), EINVAL,
		     "MADV_REMOVE, private"));
}

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

static void mremap_grow_in_place(void)
{
	grow_in_place(0);
}

static void mremap_grow_maymove_in_place(void)
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
static void mremap_no_room(void)
{
	char *p = blocked(MAP_PRIVATE);

	TRY(p);
	TRY(want_err(sys_mremap(p, P, 2 * P, 0, 0), ENOMEM, "mremap 1 -> 2 pages"));
	TRY(want_bytes(p, 2 * P, 0x72, "the data stays"));
	TRY(want_access(p, WRITE, WORKS, "still writable"));
}

static void mremap_move(void)
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

static void mremap_shrink(void)
{
	shrink(0);
}

static void mremap_shrink_maymove(void)
{
	shrink(MREMAP_MAYMOVE);
}

/* MREMAP_FIXED: to exactly new_addr, replacing what was there */
static void mremap_fixed(void)
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

static void mremap_bad_args(void)
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
static void mremap_new_len_zero(void)
{
	char *p = map_anon(2 * P, PROT_RW, MAP_PRIVATE);

	TRY(p);
	TRY(want_err(sys_mremap(p, P, 0, MREMAP_MAYMOVE, 0), EINVAL,
		     "new length 0, MREMAP_MAYMOVE"));
	TRY(want_err(sys_mremap(p, P, 0, 0, 0), EINVAL, "new length 0"));
}

/* old length 0 would make a second mapping of shared memory; private
 * memory refuses it */
static void mremap_old_len_zero(void)
{
	char *p = map_anon(2 * P, PROT_RW, MAP_PRIVATE);

	TRY(p);
	TRY(want_err(sys_mremap(p, 0, P, MREMAP_MAYMOVE, 0), EINVAL,
		     "old length 0 of private memory"));
	TRY(want_access(p, WRITE, WORKS, "still writable"));
}

/* the old range must lie in one mapping */
static void mremap_not_mapped(void)
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
static void mremap_dontunmap(void)
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
static void mremap_shared(void)
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

static void brk_query(void)
{
	TRY(brk_init());
	TRY(want_addr(sys_brk(0), (void *)start_brk, "brk(0) again"));
	TRY(want_addr(sys_brk(start_brk), (void *)start_brk,
		      "brk at the break"));
}

static void brk_grow(void)
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
static void brk_unaligned(void)
{
	unsigned long want;

	TRY(brk_init());
	want = heap + P + 100;
	TRY(want_addr(sys_brk(want), (void *)want, "brk at page + 100"));
	TRY(want_addr(sys_brk(0), (void *)want, "brk(0) after"));
	((volatile char *)heap)[2 * P - 1] = 1;
	TRY(want_bytes((char *)heap + 2 * P - 1, 1, 1, "the page's last byte"));
}

static void brk_shrink_regrow(void)
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
static void brk_shrink_unmaps(void)
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
static void brk_below_start(void)
{
	TRY(brk_init());
	TRY(want_addr(sys_brk(start_brk - 16 * P), (void *)start_brk,
		      "brk 16 pages below the start"));
	TRY(want_addr(sys_brk(heap + 2 * P), (void *)(heap + 2 * P), "grow"));
	TRY(want_addr(sys_brk(start_brk - 16 * P), (void *)(heap + 2 * P),
		      "brk below the start after growing"));
	TRY(want_addr(sys_brk(0), (void *)(heap + 2 * P), "brk(0) after"));
}

static void brk_huge(void)
{
	TRY(brk_init());
	TRY(want_addr(sys_brk(heap + (1UL << 62)), (void *)start_brk,
		      "brk 2^62 up"));
	TRY(want_addr(sys_brk(0), (void *)start_brk, "brk(0) after"));
}

/* the heap does not grow over a mapping */
static void brk_into_mapping(void)
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

/* a child gets a copy of the heap and a break of its own */
static void brk_fork(void)
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

#define C(name) { #name, name, 0, 0 }
#define Q(name, why) { #name, name, QEMU_DIFFERS, why }

const struct vm_case vm_cases_more[] = {
	C(fork_shared_child_writes),
	C(fork_shared_parent_writes),
	C(fork_private_child_writes),
	C(fork_private_parent_writes),
	C(fork_child_unmaps),
	Q(madvise_dontneed_private, "older qemu-user ignores MADV_DONTNEED"),
	C(madvise_dontneed_shared),
	Q(madvise_bad_advice, "qemu-user returns 0 for any advice"),
	C(madvise_unaligned),
	Q(madvise_hole, "qemu-user does not look for holes"),
	C(madvise_len_zero),
	C(madvise_hints),
	C(madvise_populate),
	C(madvise_free),
	Q(madvise_free_shared, QEMU_IGNORES),
	Q(madvise_dontfork, QEMU_IGNORES),
	Q(madvise_wipeonfork, QEMU_IGNORES),
	Q(madvise_wipeonfork_shared, QEMU_IGNORES),
	Q(madvise_remove_shared, QEMU_IGNORES),
	Q(madvise_remove_private, QEMU_IGNORES),
	C(mremap_grow_in_place),
	Q(mremap_grow_maymove_in_place, QEMU_MOVES),
	C(mremap_no_room),
	C(mremap_move),
	C(mremap_shrink),
	Q(mremap_shrink_maymove, QEMU_MOVES),
	C(mremap_fixed),
	C(mremap_bad_args),
	Q(mremap_new_len_zero, QEMU_LEN_ZERO),
	Q(mremap_old_len_zero, QEMU_LEN_ZERO),
	C(mremap_not_mapped),
	C(mremap_dontunmap),
	C(mremap_shared),
	C(brk_query),
	C(brk_grow),
	C(brk_unaligned),
	C(brk_shrink_regrow),
	Q(brk_shrink_unmaps, "qemu-user keeps the pages mapped"),
	C(brk_below_start),
	C(brk_huge),
	C(brk_into_mapping),
	C(brk_fork),
	{ 0, 0, 0, 0 },
};
