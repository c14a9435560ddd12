/*
 * vm_fork_madvise.c - vm_cases' cases of memory across fork (MAP_SHARED
 * is shared, MAP_PRIVATE copied on write) and of madvise. vm_cases.c has
 * the table and says how the cases run; vm_rt.h has the checks they make.
 */
#include "vm_rt.h"

#define P PAGE

/* ---- fork: MAP_SHARED is shared, MAP_PRIVATE is copied on write ---- */

void fork_shared_child_writes(void)
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
void fork_shared_parent_writes(void)
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

/* shared memory lives as long as any process maps it: a child unmaps
 * it and fills new memory, and the parent keeps the data and shares it
 * with its next child; then the parent unmaps it and a child that still
 * maps it keeps the data */
void fork_shared_outlives_munmap(void)
{
	char *s = map_anon(2 * P, PROT_RW, MAP_SHARED);
	char *f = map_anon(P, PROT_RW, MAP_SHARED);
	volatile int *flag = (volatile int *)f;
	long pid;

	TRY(s && f);
	fill(s, 2 * P, 0x46);
	pid = child();
	TRY(pid >= 0);
	if (pid == 0) {
		long q;

		if (sys_munmap(s, 2 * P))
			sys_exit(1);
		q = sys_mmap(0, 64 * P, PROT_RW, MAP_ANON_PRIVATE, -1, 0);
		if (q < 0 && q > -4096)
			sys_exit(2);
		fill((char *)q, 64 * P, 0xee);
		sys_exit(0);
	}
	TRY(want_child_ok(pid, "a child unmaps it and fills new memory "
			  "(exit 1: munmap failed, 2: mmap failed)"));
	TRY(want_bytes(s, 2 * P, 0x46, "the parent keeps the data"));
	pid = child();
	TRY(pid >= 0);
	if (pid == 0) {
		fill(s, 2 * P, 0x47);
		if (!wait_flag(flag, 1, 20))
			sys_exit(2);
		sys_exit(want_bytes(s, 2 * P, 0x47, "") ? 0 : 1);
	}
	TRY(want_zero(sys_munmap(s, 2 * P), "the parent unmaps it"));
	TRY(want_map(sys_mmap(0, 64 * P, PROT_RW, MAP_ANON_PRIVATE, -1, 0),
		     "the parent maps new memory"));
	*flag = 1;
	TRY(want_child_ok(pid, "the child keeps the data after the parent's "
			  "munmap (exit 1: it lost the data, 2: no flag)"));
}

void fork_private_child_writes(void)
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
void fork_private_parent_writes(void)
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
void fork_child_unmaps(void)
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

/* private anonymous memory: the range reads zero afterwards; the length
 * is rounded up to pages */
void madvise_dontneed_private(void)
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

/* after fork, a child's MADV_DONTNEED drops only the child's view */
void madvise_dontneed_cow(void)
{
	char *p = map_anon(2 * P, PROT_RW, MAP_PRIVATE);
	long pid;

	TRY(p);
	fill(p, 2 * P, 0x2e);
	pid = child();
	TRY(pid >= 0);
	if (pid == 0) {
		if (sys_madvise(p, 2 * P, MADV_DONTNEED))
			sys_exit(1);
		sys_exit(want_bytes(p, 2 * P, 0, "") ? 0 : 2);
	}
	TRY(want_child_ok(pid, "the child's MADV_DONTNEED (exit 1: error, "
			  "2: the child still reads the data)"));
	TRY(want_bytes(p, 2 * P, 0x2e, "the parent keeps its data"));
}

/* shared memory keeps its data: the shared object holds it */
void madvise_dontneed_shared(void)
{
	char *p = map_anon(2 * P, PROT_RW, MAP_SHARED);

	TRY(p);
	fill_pages(p, 2, 0x20);
	TRY(want_zero(sys_madvise(p, 2 * P, MADV_DONTNEED), "MADV_DONTNEED"));
	TRY(want_pages(p, 2, 0x20, "the data stays"));
}

void madvise_bad_advice(void)
{
	char *p = map_anon(P, PROT_RW, MAP_PRIVATE);

	TRY(p);
	TRY(want_err(sys_madvise(p, P, 999), EINVAL, "advice 999"));
	TRY(want_err(sys_madvise(p, P, -1), EINVAL, "advice -1"));
}

void madvise_unaligned(void)
{
	char *p = map_anon(2 * P, PROT_RW, MAP_PRIVATE);

	TRY(p);
	TRY(want_err(sys_madvise(p + 1, P, MADV_NORMAL), EINVAL, "address + 1"));
	TRY(want_err(sys_madvise(p + 1, P, MADV_DONTNEED), EINVAL,
		     "MADV_DONTNEED at address + 1"));
}

/* a range that is not all mapped: ENOMEM */
void madvise_hole(void)
{
	char *p = map_anon(3 * P, PROT_RW, MAP_PRIVATE);

	TRY(p);
	TRY(want_zero(sys_munmap(p + P, P), "munmap the middle page"));
	TRY(want_err(sys_madvise(p, 3 * P, MADV_NORMAL), ENOMEM,
		     "over a mapping, a hole and a mapping"));
	TRY(want_err(sys_madvise(p + P, P, MADV_WILLNEED), ENOMEM,
		     "MADV_WILLNEED on the hole"));
}

void madvise_len_zero(void)
{
	char *p = map_anon(P, PROT_RW, MAP_PRIVATE);

	TRY(p);
	fill(p, P, 0x21);
	TRY(want_zero(sys_madvise(p, 0, MADV_DONTNEED), "MADV_DONTNEED, length 0"));
	TRY(want_bytes(p, P, 0x21, "the data stays"));
}

/* advice that changes nothing a program can see */
void madvise_hints(void)
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
void madvise_populate(void)
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
void madvise_free(void)
{
	char *p = map_anon(2 * P, PROT_RW, MAP_PRIVATE);

	TRY(p);
	fill(p, 2 * P, 0x27);
	TRY(want_zero(sys_madvise(p, 2 * P, MADV_FREE), "MADV_FREE"));
	fill(p, 2 * P, 0x28);
	TRY(want_bytes(p, 2 * P, 0x28, "writes after MADV_FREE read back"));
}

void madvise_free_shared(void)
{
	char *s = map_anon(P, PROT_RW, MAP_SHARED);

	TRY(s);
	TRY(want_err(sys_madvise(s, P, MADV_FREE), EINVAL, "MADV_FREE, shared"));
}

/* MADV_DONTFORK: children do not get the range; MADV_DOFORK undoes it */
void madvise_dontfork(void)
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
void madvise_wipeonfork(void)
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

void madvise_wipeonfork_shared(void)
{
	char *s = map_anon(P, PROT_RW, MAP_SHARED);

	TRY(s);
	TRY(want_err(sys_madvise(s, P, MADV_WIPEONFORK), EINVAL,
		     "MADV_WIPEONFORK, shared"));
}

/* MADV_REMOVE frees a range of shared memory: it reads zero after, for
 * every process that shares it */
void madvise_remove_shared(void)
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
void madvise_remove_private(void)
{
	char *p = map_anon(P, PROT_RW, MAP_PRIVATE);

	TRY(p);
	TRY(want_err(sys_madvise(p, P, MADV_REMOVE), EINVAL,
		     "MADV_REMOVE, private"));
}
