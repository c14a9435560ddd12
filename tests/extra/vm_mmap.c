/*
 * vm_mmap.c - vm_cases' mmap cases. vm_cases.c has the table and says
 * how the cases run; vm_rt.h has the checks they make.
 */
#include "vm_rt.h"

#define P PAGE

/* ---- mmap ---- */

/* the probe mechanism itself: data reads and writes, code runs, code
 * is not writable and page 0 is not mapped */
static int a_global = 7;

static void nothing(void)
{
}

void probe_sanity(void)
{
	TRY(want_access(&a_global, READ, WORKS, "read a global"));
	TRY(want_access(&a_global, WRITE, WORKS, "write a global"));
	TRY(want_access((const void *)nothing, EXEC, WORKS, "call a function"));
	TRY(want_access((const void *)nothing, WRITE, FAULTS, "write code"));
	TRY(want_access((const void *)0, READ, FAULTS, "read page 0"));
}

static void anon(int type)
{
	char *p = map_anon(4 * P, PROT_RW, type);

	TRY(p);
	TRY(want_bytes(p, 4 * P, 0, "fresh memory reads zero"));
	fill_pages(p, 4, 0x41);
	TRY(want_pages(p, 4, 0x41, "writes read back"));
	TRY(want_zero(sys_munmap(p, 4 * P), "munmap"));
	TRY(want_access(p, READ, FAULTS, "read after munmap"));
}

void mmap_anon_private(void)
{
	anon(MAP_PRIVATE);
}

void mmap_anon_shared(void)
{
	anon(MAP_SHARED);
}

void mmap_len_zero(void)
{
	TRY(want_err(sys_mmap(0, 0, PROT_RW, MAP_ANON_PRIVATE, -1, 0), EINVAL,
		     "private, length 0"));
	TRY(want_err(sys_mmap(0, 0, PROT_RW, MAP_ANON_SHARED, -1, 0), EINVAL,
		     "shared, length 0"));
}

/* MAP_FIXED needs a page-aligned address */
void mmap_fixed_unaligned(void)
{
	char *f = free_range(4 * P);

	TRY(f);
	TRY(want_err(sys_mmap(f + P + 1, P, PROT_RW, MAP_ANON_PRIVATE | MAP_FIXED,
			      -1, 0), EINVAL, "MAP_FIXED at page + 1"));
	TRY(want_err(sys_mmap(f + P + P / 2, P, PROT_RW,
			      MAP_ANON_SHARED | MAP_FIXED, -1, 0),
		     EINVAL, "MAP_FIXED, shared, at page + 2048"));
}

/* the offset must be page-aligned even for anonymous memory, which
 * otherwise ignores it */
void mmap_offset(void)
{
	long r;

	TRY(want_err(sys_mmap(0, P, PROT_RW, MAP_ANON_PRIVATE, -1, 100), EINVAL,
		     "offset 100"));
	r = sys_mmap(0, P, PROT_RW, MAP_ANON_PRIVATE, -1, 4 * P);
	TRY(want_map(r, "anonymous, offset 4 pages"));
	TRY(want_bytes((char *)r, P, 0, "reads zero"));
}

/* MAP_TYPE must be MAP_SHARED or MAP_PRIVATE; MAP_SHARED_VALIDATE (both
 * bits) is for files only: anonymous memory gets EINVAL */
void mmap_bad_type(void)
{
	TRY(want_err(sys_mmap(0, P, PROT_RW, MAP_ANONYMOUS, -1, 0), EINVAL,
		     "neither shared nor private"));
	TRY(want_err(sys_mmap(0, P, PROT_RW, MAP_ANONYMOUS | MAP_SHARED_VALIDATE,
			      -1, 0), EINVAL, "anonymous MAP_SHARED_VALIDATE"));
}

/* MAP_SHARED_VALIDATE refuses flags Linux does not know before it looks
 * at the file further (fd 1, standard output, must be open) */
void mmap_validate_unknown_flag(void)
{
	TRY(want_err(sys_mmap(0, P, PROT_READ, MAP_SHARED_VALIDATE | MAP_UNKNOWN_BIT,
			      1, 0), EOPNOTSUPP, "fd 1, unknown flag"));
}

/* ... while MAP_PRIVATE and MAP_SHARED ignore them */
void mmap_unknown_flag_ignored(void)
{
	long r = sys_mmap(0, P, PROT_RW, MAP_ANON_PRIVATE | MAP_UNKNOWN_BIT, -1, 0);

	TRY(want_map(r, "private, unknown flag"));
	r = sys_mmap(0, P, PROT_RW, MAP_ANON_SHARED | MAP_UNKNOWN_BIT, -1, 0);
	TRY(want_map(r, "shared, unknown flag"));
}

void mmap_bad_fd(void)
{
	TRY(want_err(sys_mmap(0, P, PROT_READ, MAP_PRIVATE, -1, 0), EBADF,
		     "private, fd -1"));
	TRY(want_err(sys_mmap(0, P, PROT_READ, MAP_SHARED, -1, 0), EBADF,
		     "shared, fd -1"));
	TRY(want_err(sys_mmap(0, P, PROT_READ, MAP_PRIVATE, 1000, 0), EBADF,
		     "private, fd 1000"));
}

/* MAP_ANONYMOUS ignores fd */
void mmap_anon_ignores_fd(void)
{
	long r = sys_mmap(0, P, PROT_RW, MAP_ANON_PRIVATE, 1000, 0);

	TRY(want_map(r, "anonymous, fd 1000"));
	TRY(want_bytes((char *)r, P, 0, "reads zero"));
}

void mmap_huge_len(void)
{
	TRY(want_err(sys_mmap(0, 1UL << 62, PROT_RW, MAP_ANON_PRIVATE, -1, 0),
		     ENOMEM, "length 2^62"));
	TRY(want_err(sys_mmap(0, ~0UL, PROT_RW, MAP_ANON_PRIVATE, -1, 0), ENOMEM,
		     "length ~0"));
	TRY(want_err(sys_mmap(0, ~0UL - 2 * P, PROT_RW, MAP_ANON_PRIVATE, -1, 0),
		     ENOMEM, "length ~0 - 2 pages"));
}

void mmap_fixed_beyond_user(void)
{
	TRY(want_err(sys_mmap((void *)(1UL << 62), P, PROT_RW,
			      MAP_ANON_PRIVATE | MAP_FIXED, -1, 0),
		     ENOMEM, "MAP_FIXED at 2^62"));
}

/* a length is rounded up to whole pages, by mmap and by munmap */
void mmap_len_rounds_up(void)
{
	long r = sys_mmap(0, 100, PROT_RW, MAP_ANON_PRIVATE, -1, 0);
	char *p = (char *)r;

	TRY(want_map(r, "mmap of 100 bytes"));
	TRY(want_bytes(p, P, 0, "the whole page reads zero"));
	p[P - 1] = 1;
	TRY(want_bytes(p + P - 1, 1, 1, "last byte of the page written"));
	TRY(want_zero(sys_munmap(p, 100), "munmap of 100 bytes"));
	TRY(want_access(p + P - 1, READ, FAULTS, "read the page's last byte"));
}

/* a hint is taken when the range is free: exactly, or rounded down to
 * its page when not aligned */
void mmap_hint_free(void)
{
	char *f = free_range(8 * P);
	long r;

	TRY(f);
	r = sys_mmap(f + 2 * P, 2 * P, PROT_RW, MAP_ANON_PRIVATE, -1, 0);
	TRY(want_addr(r, f + 2 * P, "mmap at a free hint"));
	TRY(want_bytes((char *)r, 2 * P, 0, "reads zero"));
	r = sys_mmap(f + 5 * P + 100, P, PROT_RW, MAP_ANON_PRIVATE, -1, 0);
	TRY(want_addr(r, f + 5 * P, "mmap at a free hint + 100"));
}

/* an occupied hint is not an error: the mapping goes elsewhere and
 * what was there stays */
void mmap_hint_taken(void)
{
	char *p = map_anon(2 * P, PROT_RW, MAP_PRIVATE);
	long r;

	TRY(p);
	fill(p, 2 * P, 0x11);
	r = sys_mmap(p + P, 2 * P, PROT_RW, MAP_ANON_PRIVATE, -1, 0);
	TRY(want_not_addr(r, p + P, "mmap at a taken hint"));
	TRY(want_map(r, "mmap at a taken hint"));
	if ((char *)r < p + 2 * P && (char *)r + 2 * P > p)
		TRY(fail("mmap at a taken hint", "an overlapping range",
			 "a free range"));
	TRY(want_bytes(p, 2 * P, 0x11, "the old mapping keeps its data"));
	TRY(want_bytes((char *)r, 2 * P, 0, "the new one reads zero"));
}

/* MAP_FIXED replaces what is there: contents and protection */
void mmap_fixed_replaces(void)
{
	char *p = map_anon(3 * P, PROT_RW, MAP_PRIVATE);

	TRY(p);
	fill_pages(p, 3, 0x21);
	TRY(want_addr(sys_mmap(p + P, P, PROT_READ, MAP_ANON_PRIVATE | MAP_FIXED,
			       -1, 0), p + P, "MAP_FIXED over the middle page"));
	TRY(want_bytes(p + P, P, 0, "the new page reads zero"));
	TRY(want_access(p + P, WRITE, FAULTS, "write the new PROT_READ page"));
	TRY(want_bytes(p, P, 0x21, "the page below keeps its data"));
	TRY(want_bytes(p + 2 * P, P, 0x23, "the page above keeps its data"));
	TRY(want_access(p + 2 * P, WRITE, WORKS, "write the page above"));
}

/* MAP_FIXED can turn private memory into shared memory */
void mmap_fixed_shared_over_private(void)
{
	char *p = map_anon(2 * P, PROT_RW, MAP_PRIVATE);
	long pid;

	TRY(p);
	fill(p, 2 * P, 0x12);
	TRY(want_addr(sys_mmap(p, P, PROT_RW, MAP_ANON_SHARED | MAP_FIXED, -1, 0),
		      p, "MAP_FIXED|MAP_SHARED over private memory"));
	TRY(want_bytes(p, P, 0, "the shared page reads zero"));
	pid = child();
	TRY(pid >= 0);
	if (pid == 0) {
		fill(p, 2 * P, 0x13);
		sys_exit(0);
	}
	TRY(want_child_ok(pid, "the child writes both pages"));
	TRY(want_bytes(p, P, 0x13, "the child's write to the shared page"));
	TRY(want_bytes(p + P, P, 0x12, "the private page stays the parent's"));
}

/* MAP_FIXED_NOREPLACE: exactly there, or EEXIST if anything is mapped
 * in the range (qemu-user takes it for a hint) */
void mmap_noreplace(void)
{
	char *p = map_anon(3 * P, PROT_RW, MAP_PRIVATE);
	int f = MAP_ANON_PRIVATE | MAP_FIXED_NOREPLACE;

	TRY(p);
	fill(p, 3 * P, 0x31);
	TRY(want_err(sys_mmap(p + P, P, PROT_RW, f, -1, 0), EEXIST,
		     "over a mapping"));
	TRY(want_zero(sys_munmap(p, P), "munmap of the first page"));
	TRY(want_err(sys_mmap(p, 2 * P, PROT_RW, f, -1, 0), EEXIST,
		     "over a hole and a mapping"));
	TRY(want_bytes(p + P, 2 * P, 0x31, "the mapping keeps its data"));
	TRY(want_addr(sys_mmap(p, P, PROT_RW, f, -1, 0), p, "on the free page"));
	TRY(want_bytes(p, P, 0, "reads zero"));
}

void mmap_noreplace_free(void)
{
	char *f = free_range(4 * P);

	TRY(f);
	TRY(want_addr(sys_mmap(f + P, 2 * P, PROT_RW,
			       MAP_ANON_PRIVATE | MAP_FIXED_NOREPLACE, -1, 0),
		      f + P, "MAP_FIXED_NOREPLACE on free space"));
	TRY(want_bytes(f + P, 2 * P, 0, "reads zero"));
}

/* ... and the address checks of MAP_FIXED */
void mmap_noreplace_bad_addr(void)
{
	char *f = free_range(4 * P);
	int flags = MAP_ANON_PRIVATE | MAP_FIXED_NOREPLACE;

	TRY(f);
	TRY(want_err(sys_mmap(f + P + P / 2, P, PROT_RW, flags, -1, 0), EINVAL,
		     "at page + 2048"));
	TRY(want_err(sys_mmap((void *)(1UL << 62), P, PROT_RW, flags, -1, 0),
		     ENOMEM, "at 2^62"));
}

void mmap_prot_none(void)
{
	char *p = map_anon(2 * P, PROT_NONE, MAP_PRIVATE);

	TRY(p);
	TRY(want_access_pages(p, 2, READ, FAULTS, "read PROT_NONE"));
	TRY(want_access(p + P, WRITE, FAULTS, "write PROT_NONE"));
}

void mmap_prot_read(void)
{
	char *p = map_anon(2 * P, PROT_READ, MAP_PRIVATE);

	TRY(p);
	TRY(want_bytes(p, 2 * P, 0, "PROT_READ memory reads zero"));
	TRY(want_access_pages(p, 2, WRITE, FAULTS, "write PROT_READ"));
	TRY(want_access(p + P, READ, WORKS, "read PROT_READ"));
}

/* flags that change nothing a program can see are accepted */
void mmap_flags_accepted(void)
{
	static const int flags[] = { MAP_POPULATE, MAP_NORESERVE, MAP_STACK };
	static const char *const what[] = { "MAP_POPULATE", "MAP_NORESERVE",
					    "MAP_STACK" };
	unsigned i;

	for (i = 0; i < 3; i++) {
		long r = sys_mmap(0, 2 * P, PROT_RW, MAP_ANON_PRIVATE | flags[i],
				  -1, 0);

		TRY(want_map(r, what[i]));
		TRY(want_bytes((char *)r, 2 * P, 0, what[i]));
		fill((char *)r, 2 * P, 0x14);
		TRY(want_bytes((char *)r, 2 * P, 0x14, what[i]));
	}
}

/* shared memory cannot grow down */
void mmap_shared_growsdown(void)
{
	TRY(want_err(sys_mmap(0, P, PROT_RW, MAP_ANON_SHARED | MAP_GROWSDOWN, -1, 0),
		     EINVAL, "MAP_SHARED|MAP_GROWSDOWN"));
}

/* many mappings, each its own memory */
void mmap_many(void)
{
	char *p[16];
	int i, j;

	for (i = 0; i < 16; i++) {
		TRY(p[i] = map_anon(P, PROT_RW, i & 1 ? MAP_SHARED : MAP_PRIVATE));
		fill(p[i], P, 0x60 + i);
	}
	for (i = 0; i < 16; i++) {
		TRY(want_bytes(p[i], P, 0x60 + i, "each mapping keeps its data"));
		for (j = 0; j < i; j++)
			if (p[i] == p[j])
				TRY(fail("two mappings", "the same address",
					 "different addresses"));
	}
}

/* a large mapping costs nothing until it is touched: 1 GiB, more than
 * Kite's RAM (MAP_NORESERVE: not counted against memory either, under
 * Linux's default overcommit policy) */
void mmap_noreserve_large(void)
{
	const unsigned long len = 1UL << 30;
	long r = sys_mmap(0, len, PROT_RW, MAP_ANON_PRIVATE | MAP_NORESERVE, -1, 0);
	char *p = (char *)r;

	TRY(want_map(r, "1 GiB, MAP_NORESERVE"));
	p[0] = 1;
	p[len / 2] = 2;
	p[len - 1] = 3;
	TRY(want_bytes(p, 1, 1, "the first byte"));
	TRY(want_bytes(p + len / 2, 1, 2, "the middle byte"));
	TRY(want_bytes(p + len - 1, 1, 3, "the last byte"));
	TRY(want_bytes(p + len / 4, P, 0, "an untouched page reads zero"));
	TRY(want_zero(sys_munmap(p, len), "munmap"));
}

/* PROT_EXEC: code runs only where it is asked for */
void mmap_prot_exec(void)
{
	char *p = map_anon(P, PROT_RW, MAP_PRIVATE);
	long r;

	TRY(p);
	put_ret_insn(p);
	TRY(want_access(p, EXEC, FAULTS, "call into PROT_READ|PROT_WRITE"));
	TRY(want_zero(sys_mprotect(p, P, PROT_READ | PROT_EXEC),
		      "mprotect to PROT_READ|PROT_EXEC"));
	TRY(want_access(p, EXEC, WORKS, "call into PROT_READ|PROT_EXEC"));
	TRY(want_access(p, WRITE, FAULTS, "write PROT_READ|PROT_EXEC"));
	TRY(want_zero(sys_mprotect(p, P, PROT_RW), "mprotect back to RW"));
	TRY(want_access(p, EXEC, FAULTS, "call after dropping PROT_EXEC"));
	r = sys_mmap(0, P, PROT_RW | PROT_EXEC, MAP_ANON_PRIVATE, -1, 0);
	TRY(want_map(r, "mmap PROT_READ|PROT_WRITE|PROT_EXEC"));
	put_ret_insn((char *)r);
	TRY(want_access((char *)r, EXEC, WORKS, "call into RWX memory"));
}
